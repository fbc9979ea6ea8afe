"""Numbered schema migrations.

The database keeps its schema version in the `meta` table. The missing
migrations run once, in order, all in one transaction that holds the write
lock (`migrate`); a database made by an older version opens in a newer one
with nothing lost. Never edit a migration that
has shipped: add the next number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import peewee as pw

from ..core.process import ACTIVITY_KEYS
from . import schema
from .db import CHANGES_CHANNEL, NOTIFY_CLOUDS, NOTIFY_FOCUS, NOTIFY_RECORDS

Migration = Callable[[pw.Database], None]


def _m001_initial(db: pw.Database) -> None:
    # Tables as they were in version 1 (later migrations add columns).
    # record first: the tables below refer to it, and their models to
    # schema.Record, so create_tables cannot order the frozen copy for them.
    db.create_tables([schema.User, _CloudV1, _record_v1()], safe=True)
    db.create_tables(
        [
            schema.CloudMember,
            _RecordActorV1,
            schema.ContactDetails,
            schema.Participant,
            _time_entry_v1(),
            schema.Event,
        ],
        safe=True,
    )
    statements = [
        # Feeds: children of a record, newest first.
        "CREATE INDEX record_parent_created ON record (parent_id, created_at)",
        # Main view: open activities in date order (a partial index keeps it
        # small however many finished records pile up).
        "CREATE INDEX record_open_by_date ON record (date, due_at, id) "
        "WHERE finished_at IS NULL",
        "CREATE INDEX record_type_title ON record (type, title)",
        "CREATE INDEX record_cloud ON record (cloud_id)",
        "CREATE INDEX record_actor_user ON record_actor (user_id, record_id)",
        "CREATE INDEX cloud_member_cloud ON cloud_member (cloud_id)",
        "CREATE INDEX participant_person ON participant (person_id)",
        "CREATE INDEX time_entry_record ON time_entry (record_id)",
        "CREATE INDEX time_entry_user_start ON time_entry (user_id, started_at)",
        # One running focus per user, enforced by the database itself so two
        # processes can never both start one.
        "CREATE UNIQUE INDEX time_entry_one_running ON time_entry (user_id) "
        "WHERE ended_at IS NULL",
        "CREATE INDEX event_record_at ON event (record_id, at)",
    ]
    for sql in statements:
        db.execute_sql(sql)


class _CloudV1(pw.Model):
    name = pw.CharField(max_length=128, unique=True)
    kind = pw.CharField(max_length=16, default="team")
    owner = pw.ForeignKeyField(schema.User, null=True)
    created_at = pw.DateTimeField()

    class Meta:
        database = schema.database
        table_name = "cloud"


class _RecordActorV1(pw.Model):
    record = pw.ForeignKeyField(schema.Record, on_delete="CASCADE")
    user = pw.ForeignKeyField(schema.User, on_delete="CASCADE")

    class Meta:
        database = schema.database
        table_name = "record_actor"
        primary_key = pw.CompositeKey("record", "user")


def _record_v1() -> type[pw.Model]:
    """record as version 1 made it (migration 12 adds is_template)."""

    class Record(pw.Model):
        type = pw.CharField(max_length=32)
        title = pw.TextField()
        body = pw.TextField(default="")
        cloud = pw.ForeignKeyField(_CloudV1)
        creator = pw.ForeignKeyField(schema.User)
        parent = pw.ForeignKeyField("self", null=True, on_delete="SET NULL")
        date = pw.DateField(null=True)
        due_at = pw.DateTimeField(null=True)
        finished_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            database = schema.database
            table_name = "record"

    return Record


def _time_entry_v1() -> type[pw.Model]:
    """time_entry as version 1 made it. Named TimeEntry, as Peewee names a
    table's indexes after its model ("timeentry_user_id")."""

    class TimeEntry(pw.Model):
        user = pw.ForeignKeyField(schema.User, on_delete="CASCADE")
        record = pw.ForeignKeyField(schema.Record, on_delete="CASCADE")
        started_at = pw.DateTimeField()
        ended_at = pw.DateTimeField(null=True)
        seconds = pw.IntegerField(null=True)
        phase = pw.CharField(max_length=16, default="other")

        class Meta:
            database = schema.database
            table_name = "time_entry"

    return TimeEntry


def _m002_agenda_on_actors(db: pw.Database) -> None:
    """Copy each activity's open state and date onto its actor rows, so the
    main view reads one index range per user instead of every open record."""
    # Imported here: most starts have nothing to migrate, and the CLI must
    # start fast.
    from playhouse.migrate import SchemaMigrator
    from playhouse.migrate import migrate as run_migrations

    migrator = SchemaMigrator.from_database(db)
    run_migrations(
        migrator.add_column("record_actor", "is_open", pw.BooleanField(default=False)),
        migrator.add_column("record_actor", "date", pw.DateField(null=True)),
        migrator.add_column("record_actor", "due_at", pw.DateTimeField(null=True)),
        migrator.add_column("record_actor", "cloud_id", pw.IntegerField(null=True)),
    )
    sync_all_actor_rows(db)
    # Covers the main view's counts and ordering: no record row is read
    # until a page of rows is drawn.
    db.execute_sql(
        "CREATE INDEX record_actor_agenda "
        "ON record_actor (user_id, is_open, date, due_at, record_id, cloud_id)"
    )


def sync_all_actor_rows(db: pw.Database) -> None:
    """Recompute every actor row's copy of its record (bulk loads, upgrades)."""
    activities = ", ".join(f"'{key}'" for key in ACTIVITY_KEYS)
    db.execute_sql(
        "UPDATE record_actor SET "
        "is_open = (SELECT r.finished_at IS NULL AND r.type IN "
        f"({activities}) FROM record r WHERE r.id = record_actor.record_id), "
        "date = (SELECT r.date FROM record r WHERE r.id = record_actor.record_id), "
        "due_at = (SELECT r.due_at FROM record r WHERE r.id = record_actor.record_id), "
        "cloud_id = (SELECT r.cloud_id FROM record r WHERE r.id = record_actor.record_id)"
    )


def _m003_sales(db: pw.Database) -> None:
    """Sums, dates and stages of proposals and orders."""
    db.create_tables([schema.Sale], safe=True)
    # The board reads each column (stage) within the user's clouds.
    db.execute_sql("CREATE INDEX sale_stage_cloud ON sale (stage, cloud_id)")
    # Proposals and orders made before this version get a draft/ordered row.
    db.execute_sql(
        "INSERT INTO sale (record_id, stage, cloud_id, revision, currency, "
        "monthly_billing, lost_reason) "
        "SELECT id, CASE WHEN type = 'order' THEN 'ordered' ELSE 'draft' END, "
        "cloud_id, 1, 'EUR', FALSE, '' FROM record "
        "WHERE type IN ('sales_proposal', 'order')"
    )


def _m004_participant_ids(db: pw.Database) -> None:
    """History lines of tagged people keep each person's id beside the name,
    so a reader who may not see that person is not shown the name.

    Names logged before are matched to the people tagged on the record, else
    to a Contact Person of that name in the record's cloud; a name that
    matches neither keeps no id, and is shown to nobody.
    """
    import json

    events = db.execute_sql(
        "SELECT e.id, e.record_id, r.cloud_id, e.data FROM event e "
        "JOIN record r ON r.id = e.record_id WHERE e.kind = 'participants'"
    ).fetchall()
    if not events:
        return
    tagged: dict[tuple[int, str], int] = {}
    for record_id, person_id, title in db.execute_sql(
        "SELECT p.record_id, p.person_id, r.title FROM participant p "
        "JOIN record r ON r.id = p.person_id"
    ):
        tagged.setdefault((record_id, title), person_id)
    in_cloud: dict[tuple[int, str], int] = {}
    for person_id, cloud_id, title in db.execute_sql(
        "SELECT id, cloud_id, title FROM record WHERE type = 'contact_person' "
        "ORDER BY id"
    ):
        in_cloud.setdefault((cloud_id, title), person_id)
    updates = []
    for event_id, record_id, cloud_id, data in events:
        try:
            values = json.loads(data or "{}")
        except ValueError:
            continue
        changed = False
        for key in ("added", "removed"):
            names = values.get(key)
            if not isinstance(names, list):
                continue
            tags = []
            for name in names:
                if not isinstance(name, str):
                    tags.append(name)
                    continue
                person = tagged.get((record_id, name), in_cloud.get((cloud_id, name)))
                tags.append({"id": person, "name": name} if person else {"name": name})
                changed = True
            values[key] = tags
        if changed:
            updates.append((json.dumps(values, sort_keys=True), event_id))
    cursor = db.cursor()
    cursor.executemany(
        f"UPDATE event SET data = {db.param} WHERE id = {db.param}", updates
    )


def _m005_cloud_archive_and_owners(db: pw.Database) -> None:
    """Clouds can be archived; a cloud's creator is one of its owners (the
    demo's team clouds had every member as a plain member)."""
    db.execute_sql("ALTER TABLE cloud ADD COLUMN archived_at TIMESTAMP")
    db.execute_sql(
        "UPDATE cloud_member SET role = 'owner' WHERE EXISTS (SELECT 1 FROM cloud "
        "c WHERE c.id = cloud_member.cloud_id AND c.owner_id = cloud_member.user_id)"
    )


def _m006_cloud_feed_index(db: pw.Database) -> None:
    """A cloud's feed reads its records newest first, a page at a time."""
    db.execute_sql(
        "CREATE INDEX record_cloud_created ON record (cloud_id, created_at, id)"
    )


def _m007_time_entry_source(db: pw.Database) -> None:
    """Where an imported entry came from ("watson:<frame id>"), so importing
    the same history twice adds nothing; per user, as each imports their own.
    Entries tracked here have none.

    On SQLite the table is rebuilt with AUTOINCREMENT: entries can now be
    deleted, and a plain rowid table gives the next entry the id of a deleted
    newest one — undoing that delete would then find "its" id taken by other
    time. (PostgreSQL's sequences never hand an id out twice.)"""
    if not isinstance(db, pw.SqliteDatabase):
        db.execute_sql("ALTER TABLE time_entry ADD COLUMN source TEXT")
    else:
        columns = "id, user_id, record_id, started_at, ended_at, seconds, phase"
        for sql in (
            'CREATE TABLE "time_entry_new" ('
            '"id" INTEGER PRIMARY KEY AUTOINCREMENT, '
            '"user_id" INTEGER NOT NULL, "record_id" INTEGER NOT NULL, '
            '"started_at" DATETIME NOT NULL, "ended_at" DATETIME, '
            '"seconds" INTEGER, "phase" VARCHAR(16) NOT NULL, "source" TEXT, '
            'FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE, '
            'FOREIGN KEY ("record_id") REFERENCES "record" ("id") ON DELETE CASCADE)',
            f"INSERT INTO time_entry_new ({columns}) SELECT {columns} FROM time_entry",
            "DROP TABLE time_entry",
            "ALTER TABLE time_entry_new RENAME TO time_entry",
            'CREATE INDEX "timeentry_user_id" ON "time_entry" ("user_id")',
            'CREATE INDEX "timeentry_record_id" ON "time_entry" ("record_id")',
            "CREATE INDEX time_entry_record ON time_entry (record_id)",
            "CREATE INDEX time_entry_user_start ON time_entry (user_id, started_at)",
            "CREATE UNIQUE INDEX time_entry_one_running ON time_entry (user_id) "
            "WHERE ended_at IS NULL",
        ):
            db.execute_sql(sql)
    db.execute_sql(
        "CREATE UNIQUE INDEX time_entry_source ON time_entry (user_id, source) "
        "WHERE source IS NOT NULL"
    )


def _m008_notify_changes(db: pw.Database) -> None:
    """PostgreSQL tells the running apps that something changed (LISTEN /
    NOTIFY), so a colleague's change shows at once instead of at the next
    poll. The triggers send at commit only (a rolled-back write tells
    nobody), once per statement, and say only what kind of thing changed,
    never which record: each app then reads the change feed through the
    access path. One word per kind, not the event id: the server merges
    equal notifications of a transaction, so a bulk write (the demo, an
    import) sends one, not one per row. SQLite has no such thing: its apps
    poll."""
    if isinstance(db, pw.SqliteDatabase):
        return
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION focus_notify_changes() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"PERFORM pg_notify('{CHANGES_CHANNEL}', TG_ARGV[0]); RETURN NULL; "
        "END $$"
    )
    for table, events, kind in (
        ("event", "INSERT", NOTIFY_RECORDS),  # every write logs an event
        ("cloud", "INSERT OR UPDATE OR DELETE", NOTIFY_CLOUDS),  # archived
        ("cloud_member", "INSERT OR UPDATE OR DELETE", NOTIFY_CLOUDS),
        ("time_entry", "INSERT OR UPDATE OR DELETE", NOTIFY_FOCUS),
    ):
        db.execute_sql(
            f'CREATE TRIGGER "{table}_notify" AFTER {events} ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION focus_notify_changes('{kind}')"
        )


def _m009_imported_mail(db: pw.Database) -> None:
    """Imported e-mails: each Contact Note made from one keeps the message's
    Message-ID and content hash, so a second import of it is an indexed
    lookup; Contact Persons are found by e-mail address in any case."""
    db.create_tables([schema.ImportedMail], safe=True)
    for sql in (
        "CREATE INDEX imported_mail_message_id ON imported_mail (message_id)",
        "CREATE INDEX imported_mail_content_hash ON imported_mail (content_hash)",
        "CREATE INDEX contact_details_email ON contact_details (lower(email))",
    ):
        db.execute_sql(sql)


def _m010_attachments(db: pw.Database) -> None:
    """Files on records: content once per SHA-256, in chunks (see
    `schema.Blob`). Peewee indexes the foreign keys: a record's files, and
    whether a blob is still attached anywhere, are one index lookup each."""
    db.create_tables([schema.Blob, schema.BlobChunk, schema.Attachment], safe=True)


def _m011_search(db: pw.Database) -> None:
    """Search (`/`, `focus-tui search`): an index of every record's title,
    notes and e-mail text and every Contact Person's organisation, e-mail
    and phone, back-filled here in one statement; `models.search` keeps it
    from now on. Also the type lists' order by date."""
    from ..core.text import FOLD_FROM, FOLD_TO

    digits = "c.phone"
    for ch in " -+().":
        digits = f"replace({digits}, '{ch}', '')"
    person = (
        "COALESCE(c.organisation || ' ' || c.email || ' ' || c.phone || ' ' || "
        f"{digits}, '')"
    )
    body = "substr(r.body, 1, 100000)"
    source = "FROM record r LEFT JOIN contact_details c ON c.record_id = r.id"
    if isinstance(db, pw.SqliteDatabase):
        statements = [
            # kind: the record's type as one word, to search one type.
            "CREATE VIRTUAL TABLE record_search USING fts5(kind, title, body, "
            "person, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4 5')",
            "INSERT INTO record_search (rowid, kind, title, body, person) "
            f"SELECT r.id, replace(r.type, '_', ''), r.title, {body}, {person} "
            f"{source}",
        ]
    else:

        def doc(text: str) -> str:
            return (
                f"to_tsvector('simple', translate(lower({text}), "
                f"'{FOLD_FROM}' || '.@_-/:+', '{FOLD_TO}' || '       '))"
            )

        everything = f"r.title || ' ' || {body} || ' ' || {person}"
        statements = [
            "CREATE TABLE record_search (record_id BIGINT PRIMARY KEY "
            "REFERENCES record (id) ON DELETE CASCADE, "
            "title_doc TSVECTOR NOT NULL, doc TSVECTOR NOT NULL)",
            "INSERT INTO record_search (record_id, title_doc, doc) "
            f"SELECT r.id, {doc('r.title')}, {doc(everything)} {source}",
            "CREATE INDEX record_search_title ON record_search USING gin (title_doc)",
            "CREATE INDEX record_search_doc ON record_search USING gin (doc)",
        ]
    # The type lists page through these without visiting the records (the
    # cloud is in the index): 50 ms for a page 100,000 rows deep at 1M.
    statements += [
        "CREATE INDEX record_type_date ON record (type, date, id, cloud_id)",
        "CREATE INDEX record_type_title_cloud ON record (type, title, id, cloud_id)",
    ]
    for sql in statements:
        db.execute_sql(sql)
    if isinstance(db, pw.SqliteDatabase) and "sqlite_stat1" in db.get_tables():
        # The planner knows the other indexes (the demo analyses them): without
        # figures for these it took the covering title index over a lookup
        # of a few ids. Sampled, so quick at 1M.
        db.execute_sql("PRAGMA analysis_limit = 2000")
        db.execute_sql("ANALYZE record_type_date")
        db.execute_sql("ANALYZE record_type_title_cloud")
        db.execute_sql("PRAGMA analysis_limit = 0")


def _m012_templates(db: pw.Database) -> None:
    """Templates are records flagged `is_template` (left out of every view
    by the access path), with their name, day offset and defaults in
    `template`. (The probe: a database made by an early build of this
    branch may have the column already.)"""
    try:
        with db.atomic():  # a savepoint: a failed probe leaves the rest be
            db.execute_sql("SELECT is_template FROM record WHERE 1 = 0")
    except pw.DatabaseError:
        db.execute_sql(
            "ALTER TABLE record ADD COLUMN is_template BOOLEAN NOT NULL DEFAULT FALSE"
        )
    db.create_tables([schema.Template], safe=True)
    _m012_indexes(db)


# The indexes the access path reads without visiting the records, with
# is_template last: `visible` tests it on every record it lets through, and
# without it in the index a count or a deep page read each record (3x at
# 100k: benchmarks/bench_template_filter.py, BENCHMARKS.md).
_M012_INDEXES = {
    "record_cloud": "record (cloud_id, is_template)",
    "record_type_date": "record (type, date, id, cloud_id, is_template)",
    "record_type_title_cloud": "record (type, title, id, cloud_id, is_template)",
}


def _m012_indexes(db: pw.Database) -> None:
    for name, columns in _M012_INDEXES.items():
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")
        db.execute_sql(f"CREATE INDEX {name} ON {columns}")
    if isinstance(db, pw.SqliteDatabase) and "sqlite_stat1" in db.get_tables():
        # As in migration 11: the planner needs figures for the new ones.
        db.execute_sql("PRAGMA analysis_limit = 2000")
        for name in _M012_INDEXES:
            db.execute_sql(f"ANALYZE {name}")
        db.execute_sql("PRAGMA analysis_limit = 0")


def _m013_search_kind(db: pw.Database) -> None:
    """PostgreSQL: each search row's record type, with an index by type and
    id, so a search of one type (People first) reads that type's newest rows
    instead of every match of a prefix (`models.search.match_sql`). SQLite's
    FTS5 row has its `kind` since migration 11."""
    if isinstance(db, pw.SqliteDatabase):
        return
    for sql in (
        "ALTER TABLE record_search ADD COLUMN kind TEXT NOT NULL DEFAULT ''",
        "UPDATE record_search SET kind = r.type FROM record r "
        "WHERE r.id = record_search.record_id",
        "CREATE INDEX record_search_kind ON record_search (kind, record_id)",
    ):
        db.execute_sql(sql)


MIGRATIONS: list[Migration] = [
    _m001_initial,
    _m002_agenda_on_actors,
    _m003_sales,
    _m004_participant_ids,
    _m005_cloud_archive_and_owners,
    _m006_cloud_feed_index,
    _m007_time_entry_source,
    _m008_notify_changes,
    _m009_imported_mail,
    _m010_attachments,
    _m011_search,
    _m012_templates,
    _m013_search_kind,
]

LATEST = len(MIGRATIONS)


def schema_version(db: pw.Database) -> int:
    if "meta" not in db.get_tables():
        return 0
    row = schema.Meta.get_or_none(schema.Meta.key == "schema_version")
    return int(row.value) if row else 0


# Key of the PostgreSQL advisory lock that serialises migrations (any fixed
# 64-bit number; this one spells "focustui").
_PG_MIGRATION_LOCK = 0x666F637573747569


@contextmanager
def _schema_lock(db: pw.Database) -> Iterator[None]:
    """One write transaction that no other process's migration can overlap.

    SQLite: BEGIN IMMEDIATE takes the database's write lock before the
    schema is read. PostgreSQL: a transaction-scoped advisory lock (DDL is
    transactional there too), released when the transaction ends.
    """
    if isinstance(db, pw.SqliteDatabase):
        with db.atomic(lock_type="IMMEDIATE"):
            yield
        return
    with db.atomic():
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_PG_MIGRATION_LOCK,))
        yield


def _check_ours(db: pw.Database, tables: list[str]) -> None:
    if tables and "meta" not in tables:
        # Never add our tables to some other program's database.
        raise pw.DatabaseError("holds another program's data, not Focus TUI's")


def _check_not_newer(version: int) -> None:
    if version > LATEST:
        raise pw.DatabaseError(
            f"database schema {version} is newer than this program ({LATEST}); "
            "please upgrade focus-tui"
        )


def migrate(
    db: pw.Database, upgrading: Callable[[int, int], None] | None = None
) -> int:
    """Apply every migration the database has not seen; return the version.

    `upgrading(old, new)` is told first when a database of an older version
    is brought up to date (a million records take a minute or so).

    Safe when several processes open the same (new or old) database at
    once: the version is read again, and the migrations run, inside one
    transaction that holds the write lock (`_schema_lock`), so each
    migration runs exactly once and a process that waited finds the work
    done. Before, each process read the version unlocked, then ran the
    migrations it thought were missing one after another: the second one
    re-ran migration 1 or 2 ("index record_parent_created already exists",
    "duplicate column name: is_open").
    """
    # Most opens find the schema up to date: that is decided by reading
    # alone (no write lock, so opening a database another process is busy
    # writing does not wait). The version only ever grows, so "up to date"
    # cannot be undone by another process meanwhile.
    tables = db.get_tables()
    _check_ours(db, tables)
    if "meta" in tables:
        version = schema_version(db)
        _check_not_newer(version)
        if version == LATEST:
            return LATEST
    with _schema_lock(db):
        tables = db.get_tables()  # again: another process may have migrated
        _check_ours(db, tables)
        if "meta" not in tables:
            db.create_tables([schema.Meta], safe=True)
        version = schema_version(db)
        _check_not_newer(version)
        if upgrading is not None and 0 < version < LATEST:
            upgrading(version, LATEST)
        for number in range(version + 1, LATEST + 1):
            MIGRATIONS[number - 1](db)
            schema.Meta.insert(key="schema_version", value=str(number)).on_conflict(
                conflict_target=[schema.Meta.key],
                update={schema.Meta.value: str(number)},
            ).execute()
    return LATEST
