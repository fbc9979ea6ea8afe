"""Peewee models, database set-up and migrations. Imports no Textual."""

from .db import database, is_sqlite, open_database
from .schema import (
    MODELS,
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
    Template,
    TimeEntry,
    User,
)

__all__ = [
    "MODELS",
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
    "Template",
    "TimeEntry",
    "User",
    "database",
    "is_sqlite",
    "open_database",
]
