"""The tables. Times are naive UTC datetimes; `Record.date` is a calendar day.

Every record lives in exactly one cloud; who may see it follows from the
cloud's members (see `focus_tui.domain.access`).
"""

from __future__ import annotations

import peewee as pw

from ..core.process import CloudKind, CloudRole, Phase, Stage
from .db import database


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False


class User(BaseModel):
    name = pw.CharField(max_length=64, unique=True)
    display_name = pw.CharField(max_length=128)
    created_at = pw.DateTimeField()


class Cloud(BaseModel):
    name = pw.CharField(max_length=128, unique=True)
    kind = pw.CharField(max_length=16, default=CloudKind.TEAM)
    owner = pw.ForeignKeyField(User, null=True, backref="owned_clouds")  # creator
    created_at = pw.DateTimeField()
    # Archived: hidden from every view and read-only; nothing is deleted.
    archived_at = pw.DateTimeField(null=True)


class CloudMember(BaseModel):
    cloud = pw.ForeignKeyField(Cloud, backref="members", on_delete="CASCADE")
    user = pw.ForeignKeyField(User, backref="memberships", on_delete="CASCADE")
    role = pw.CharField(max_length=16, default=CloudRole.MEMBER)

    class Meta:
        primary_key = pw.CompositeKey("user", "cloud")


class Record(BaseModel):
    type = pw.CharField(max_length=32)
    title = pw.TextField()
    body = pw.TextField(default="")
    cloud = pw.ForeignKeyField(Cloud, backref="records")
    creator = pw.ForeignKeyField(User, backref="created_records")
    parent = pw.ForeignKeyField(
        "self", null=True, backref="children", on_delete="SET NULL"
    )
    # The day the activity is on the user's plate (local calendar day) and,
    # when a time of day was given, that moment in UTC.
    date = pw.DateField(null=True)
    due_at = pw.DateTimeField(null=True)
    finished_at = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField()
    updated_at = pw.DateTimeField()
    # A pattern kept for new work (see `Template`), not work itself: the
    # access path's `visible` leaves these out of every view.
    is_template = pw.BooleanField(default=False)


class Template(BaseModel):
    """What a template record holds beyond a record's own columns: the
    template's name (its root only), the day offset of its date, and
    type-specific defaults (sums, currency, validity, contact) as JSON."""

    record = pw.ForeignKeyField(
        Record, primary_key=True, backref="template", on_delete="CASCADE"
    )
    name = pw.TextField(null=True)
    day_offset = pw.IntegerField(null=True)
    data = pw.TextField(default="{}")


class RecordActor(BaseModel):
    """A user responsible for an activity, and that activity's agenda entry.

    `is_open`, `date`, `due_at` and `cloud_id` copy the record's state so the main view
    ("my open activities by date") is one index range per user, however
    many records the team has. `focus_tui.models.copies` keeps them.
    """

    record = pw.ForeignKeyField(Record, backref="actor_links", on_delete="CASCADE")
    user = pw.ForeignKeyField(User, backref="actor_links", on_delete="CASCADE")
    is_open = pw.BooleanField(default=False)
    date = pw.DateField(null=True)
    due_at = pw.DateTimeField(null=True)
    # The record's cloud, so permission checks need not visit the record.
    cloud_id = pw.IntegerField(null=True)

    class Meta:
        primary_key = pw.CompositeKey("record", "user")


class ContactDetails(BaseModel):
    """The fields of a Contact Person record."""

    record = pw.ForeignKeyField(
        Record, primary_key=True, backref="contact", on_delete="CASCADE"
    )
    organisation = pw.CharField(max_length=200, default="")
    email = pw.CharField(max_length=200, default="")
    phone = pw.CharField(max_length=64, default="")


class Participant(BaseModel):
    """A Contact Person tagged on a record (e.g. a Contact Note)."""

    record = pw.ForeignKeyField(
        Record, backref="participant_links", on_delete="CASCADE"
    )
    person = pw.ForeignKeyField(Record, backref="participations", on_delete="CASCADE")

    class Meta:
        primary_key = pw.CompositeKey("record", "person")


class TimeEntry(BaseModel):
    """Focused time. A running focus is an entry with no end."""

    user = pw.ForeignKeyField(User, backref="time_entries", on_delete="CASCADE")
    record = pw.ForeignKeyField(Record, backref="time_entries", on_delete="CASCADE")
    started_at = pw.DateTimeField()
    ended_at = pw.DateTimeField(null=True)
    # Filled when the entry ends, so reports sum integers on any backend.
    seconds = pw.IntegerField(null=True)
    phase = pw.CharField(max_length=16, default=Phase.OTHER.value)
    # An imported entry's origin ("watson:<frame id>"); None when tracked here.
    source = pw.TextField(null=True)


class Event(BaseModel):
    """One line of a record's history (created, moved, finished, focused...)."""

    record = pw.ForeignKeyField(Record, backref="events", on_delete="CASCADE")
    user = pw.ForeignKeyField(User, null=True, backref="events", on_delete="SET NULL")
    kind = pw.CharField(max_length=32)
    at = pw.DateTimeField()
    data = pw.TextField(default="{}")  # JSON


class Sale(BaseModel):
    """The commercial side of a Sales Proposal or Order (one row per record).

    Sums are whole cents: exact on every backend, and SQL sums of them are
    exact too (no float rounding in column totals).
    """

    record = pw.ForeignKeyField(
        Record, primary_key=True, backref="sale", on_delete="CASCADE"
    )
    # draft, sent, lost (proposals); ordered, delivered, billed (orders)
    stage = pw.CharField(max_length=16, default=Stage.DRAFT.value)
    cloud_id = pw.IntegerField()  # the record's cloud, for board filters
    revision = pw.IntegerField(default=1)
    currency = pw.CharField(max_length=3, default="EUR")
    one_time_cents = pw.BigIntegerField(null=True)
    monthly_cents = pw.BigIntegerField(null=True)
    sent_date = pw.DateField(null=True)
    sold_date = pw.DateField(null=True)
    delivered_date = pw.DateField(null=True)
    billed_date = pw.DateField(null=True)
    monthly_billing = pw.BooleanField(default=False)
    lost_reason = pw.TextField(default="")


class ImportedMail(BaseModel):
    """The e-mail a Contact Note was imported from: its Message-ID and the
    hash of its content, so importing it again is one indexed lookup."""

    record = pw.ForeignKeyField(
        Record, primary_key=True, backref="imported_mail", on_delete="CASCADE"
    )
    message_id = pw.TextField(null=True)  # without <>; None: the message had none
    content_hash = pw.CharField(max_length=64)  # SHA-256, hex


class Blob(BaseModel):
    """The content of an attached file, stored once per SHA-256 however
    many records it is attached to. The bytes are in `BlobChunk` rows, so a
    big file is written and read a piece at a time."""

    sha256 = pw.CharField(max_length=64, primary_key=True)  # hex
    size = pw.BigIntegerField()


class BlobChunk(BaseModel):
    blob = pw.ForeignKeyField(Blob, backref="chunks", on_delete="CASCADE")
    seq = pw.IntegerField()  # 0, 1, 2... in file order
    data = pw.BlobField()

    class Meta:
        primary_key = pw.CompositeKey("blob", "seq")


class Attachment(BaseModel):
    """A file on a record: who sees the record sees its files."""

    record = pw.ForeignKeyField(Record, backref="attachments", on_delete="CASCADE")
    blob = pw.ForeignKeyField(Blob, backref="attachments")
    name = pw.TextField()
    media_type = pw.CharField(max_length=128)
    size = pw.BigIntegerField()
    # A picture's pixels, read when it was attached (None: not a picture).
    width = pw.IntegerField(null=True)
    height = pw.IntegerField(null=True)
    added_by = pw.ForeignKeyField(
        User, null=True, backref="attachments", on_delete="SET NULL"
    )
    added_at = pw.DateTimeField()


class Meta(BaseModel):
    """Key/value facts about the database itself (schema version...)."""

    key = pw.CharField(max_length=64, primary_key=True)
    value = pw.TextField()


MODELS = [
    Sale,
    User,
    Cloud,
    CloudMember,
    Record,
    RecordActor,
    ContactDetails,
    Participant,
    TimeEntry,
    Event,
    ImportedMail,
    Blob,
    BlobChunk,
    Attachment,
    Template,
    Meta,
]
