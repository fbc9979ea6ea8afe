"""Peewee models, database set-up and migrations. Imports no Textual."""

from .db import database, is_sqlite, open_database
from .schema import (
    MODELS,
    Attachment,
    Blob,
    BlobChunk,
    Cloud,
    CloudMember,
    ContactDetails,
    Event,
    ImportedMail,
    Meta,
    Participant,
    Record,
    RecordActor,
    Sale,
    TimeEntry,
    User,
)

__all__ = [
    "MODELS",
    "Attachment",
    "Blob",
    "BlobChunk",
    "Cloud",
    "CloudMember",
    "ContactDetails",
    "Event",
    "ImportedMail",
    "Meta",
    "Participant",
    "Record",
    "RecordActor",
    "Sale",
    "TimeEntry",
    "User",
    "database",
    "is_sqlite",
    "open_database",
]
