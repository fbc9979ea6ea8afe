"""The search index, and its one writer.

One row per record in `record_search`: its type, its title, and everything
else it is found by (notes and e-mail text in the body; a Contact Person's
organisation, e-mail and phone). Nothing but this module writes it: the
domain's write path (`domain.write`) calls `sync_search` inside the
transaction of every change to a record's type, title, body or contact
details,
and the demo's bulk fill calls `index_records_between` per chunk.
(Migration 11 keeps its own frozen copy of the statements.)

SQLite: an FTS5 table (rowid = record id) whose tokenizer folds case and
accents (unicode61, remove_diacritics 2), with prefix indexes so each
keystroke's "words starting with" query reads one index entry.
PostgreSQL: tsvectors of text folded by `core.text.fold`'s table through
translate(), so "jarvenpaa" finds "Järvenpää" with no server extension.
"""

from __future__ import annotations

from collections.abc import Iterable

import peewee as pw

from ..core.text import FOLD_FROM, FOLD_TO
from .db import database, is_sqlite

TABLE = "record_search"
# Long e-mails: the first 100,000 characters are indexed (a PostgreSQL
# tsvector holds at most 1 MB, and nobody searches the far end of a
# forwarded thread).
BODY_CHARS = 100_000
_CHUNK = 500

# A phone number is also found by its digits run together ("0401234567").
_DIGITS = "replace(replace(replace(replace(replace(replace(c.phone, ' ', ''), '-', ''), '+', ''), '(', ''), ')', ''), '.', '')"


def _person(sep: str) -> str:
    return (
        f"COALESCE(c.organisation {sep} ' ' {sep} c.email {sep} ' ' {sep} c.phone "
        f"{sep} ' ' {sep} {_DIGITS}, '')"
    )


def _pg_doc(text: str) -> str:
    # Punctuation to spaces first: PostgreSQL's parser would keep an e-mail
    # address or a host name as one word, and "virtanen" would not find it.
    return (
        "to_tsvector('simple', translate(lower(" + text + "), "
        f"'{FOLD_FROM}' || '.@_-/:+', '{FOLD_TO}' || '       '))"
    )


def _insert_sql(db: pw.Database, where: str) -> str:
    body = f"substr(r.body, 1, {BODY_CHARS})"
    source = (
        f"FROM record r LEFT JOIN contact_details c ON c.record_id = r.id WHERE {where}"
    )
    if is_sqlite(db):
        return (
            f"INSERT INTO {TABLE} (rowid, kind, title, body, person) "
            f"SELECT r.id, replace(r.type, '_', ''), r.title, {body}, "
            f"{_person('||')} {source}"
        )
    everything = f"r.title || ' ' || {body} || ' ' || {_person('||')}"
    return (
        f"INSERT INTO {TABLE} (record_id, kind, title_doc, doc) "
        f"SELECT r.id, r.type, {_pg_doc('r.title')}, {_pg_doc(everything)} {source}"
    )


def _key(db: pw.Database) -> str:
    return "rowid" if is_sqlite(db) else "record_id"


def sync_search(record_ids: Iterable[int]) -> None:
    """Index these records as they are now. Call inside the change's
    transaction."""
    db = database.obj
    ids = sorted({int(i) for i in record_ids})
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ", ".join([db.param] * len(chunk))
        db.execute_sql(f"DELETE FROM {TABLE} WHERE {_key(db)} IN ({marks})", chunk)
        db.execute_sql(_insert_sql(db, f"r.id IN ({marks})"), chunk)


def index_records_between(db: pw.Database, first: int, last: int) -> None:
    """Index the records first..last (new ones: the demo's bulk fill)."""
    db.execute_sql(
        _insert_sql(db, f"r.id BETWEEN {db.param} AND {db.param}"), (first, last)
    )


def match_sql(
    db: pw.Database,
    words: list[str],
    *,
    title_only: bool,
    type_key: str | None,
) -> tuple[str, list]:
    """FROM and WHERE text (and values) of the records (of one type) whose
    index row has every word as the start of a word (of the title, or of
    anything).

    `words` are folded already (`core.text.search_words`); the caller adds
    who may see what, and `record` is the table's name in the query. On
    SQLite the type is a word of the index row's `kind` column: the 80,000
    people among a million records are then found as fast as the newest
    notes, where a filter on the record walked every newer match (1.1 s).

    PostgreSQL plans the matches and the join to `record` together: for a
    common prefix it walks the index rows newest first and stops at the
    page, for a rare word it asks the GIN index. It can choose well only
    when the caller writes the user's clouds in as values
    (`access.cloud_id_list_sql`), and the type is the index row's `kind`
    (a type on `record` walked 400 ms of other records at 1M)."""
    if is_sqlite(db):
        column = "title" if title_only else "{title body person}"
        terms = [f'{column} : "{w}"*' for w in words]
        if type_key is not None:
            terms.append(f'kind : "{type_key.replace("_", "")}"')
        return (
            f"FROM {TABLE} CROSS JOIN record ON record.id = {TABLE}.rowid "
            f"WHERE {TABLE} MATCH {db.param}",
            [" AND ".join(terms)],
        )
    column = "title_doc" if title_only else "doc"
    query = " & ".join(f"{w}:*" for w in words)
    sql = (
        f"FROM {TABLE} JOIN record ON record.id = {TABLE}.record_id "
        f"WHERE {TABLE}.{column} @@ to_tsquery('simple', {db.param})"
    )
    if type_key is None:
        return sql, [query]
    return sql + f" AND {TABLE}.kind = {db.param}", [query, type_key]


def matched_id(db: pw.Database) -> str:
    return f"{TABLE}.{_key(db)}"
