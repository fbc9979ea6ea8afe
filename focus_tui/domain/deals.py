"""What a deal is: the one definition, in Python and in SQL side by side.

A record's *deal* is the record itself when it is a Sales Lead or a Client
Relationship, else the nearest one above it — walking up through parents
the user may see, at most `MAX_DEPTH` steps. A proposal under a Contact
Note under a Sales Lead belongs to that lead; an Order under a Client
Relationship (a repeat sale too) to that relationship; a record with no
such ancestor belongs to no deal.

Three forms answer the same question, and `tests/unit/test_deals.py` checks
that they agree on trees of every shape:

* `deal_of` — Python, one record (the sales steps);
* `deal_chain_cte` — SQL, upwards from many records at once (reports, the
  board's client names, the export);
* `deal_tree_cte` — SQL, downwards: every record of one deal (phases).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.process import DEAL_KEYS
from ..models import Record
from .access import cloud_ids_sql, records
from .session import Session

# How far up a record's deal may be. Parents form a tree; the bound also
# ends a walk that a damaged database could send round a cycle.
MAX_DEPTH = 32

_DEAL_TYPES_SQL = ",".join(f"'{key}'" for key in DEAL_KEYS)
_CHUNK = 5000


def lineage(session: Session, record: Record) -> list[Record]:
    """The record and its visible ancestors, nearest first (MAX_DEPTH + 1 at
    most); nothing for a record the user may not see."""
    if not records(session, Record.id).where(Record.id == record.id).exists():
        return []
    chain = [record]
    seen = {record.id}
    parent_id = record.parent_id
    while parent_id is not None and len(chain) <= MAX_DEPTH and parent_id not in seen:
        parent = records(session).where(Record.id == parent_id).first()
        if parent is None:  # gone, or in a cloud the user is not in
            break
        chain.append(parent)
        seen.add(parent.id)
        parent_id = parent.parent_id
    return chain


def deal_of(session: Session, record: Record) -> Record | None:
    """The record's deal (itself, or the nearest lead / relationship above)."""
    for node in lineage(session, record):
        if node.type in DEAL_KEYS:
            return node
    return None


def deal_chain_cte(session: Session, seed: str) -> str:
    """SQL for the recursive CTEs `chain` and `deal_of (rid, deal)`: the deal
    of each record id the SQL `seed` selects (records without one are left
    out). Goes after `WITH RECURSIVE`; other CTEs may come first.

    The same walk as `deal_of`: start at the record, stop at the first deal
    type, step only onto parents in the user's clouds, MAX_DEPTH steps.
    Each node carries its cloud and is checked before the walk goes on from
    it and at the end: a cloud test on the joined parent makes SQLite build
    a Bloom filter over the whole record table (~25 ms at 100k records,
    however few ids are asked for).
    """
    clouds = cloud_ids_sql(session)
    return (
        "chain (rid, nid, ntype, nparent, ncloud, depth) AS ("
        ' SELECT r.id, r.id, r.type, r.parent_id, r.cloud_id, 0 FROM "record" AS r'
        f" WHERE r.id IN ({seed})"
        " UNION ALL"
        " SELECT c.rid, p.id, p.type, p.parent_id, p.cloud_id, c.depth + 1"
        ' FROM chain AS c JOIN "record" AS p ON p.id = c.nparent'
        f" WHERE c.ntype NOT IN ({_DEAL_TYPES_SQL}) AND c.depth < {MAX_DEPTH}"
        f" AND c.ncloud IN ({clouds})"
        "), deal_of (rid, deal) AS ("
        f" SELECT rid, nid FROM chain WHERE ntype IN ({_DEAL_TYPES_SQL})"
        f" AND ncloud IN ({clouds}))"
    )


def deal_tree_cte(session: Session, deal_id: int) -> str:
    """SQL for the recursive CTEs `deal_walk` and `deal_tree (rid, rtype,
    depth)`: every record of the deal `deal_id` (itself included) — the
    records whose `deal_of` it is. Walks down without entering another lead
    or relationship, and only on from records in the user's clouds.

    As in `deal_chain_cte`, each node carries its type and cloud and is
    checked before the walk goes on from it and at the end, never as the
    child is joined: a test of the child's own columns there makes SQLite
    build a Bloom filter over the record table (~45 ms at 100k records).
    """
    clouds = cloud_ids_sql(session)

    def inside(t: str) -> str:  # the deal itself, or a record within it
        return (
            f"({t}depth = 0 OR {t}rtype NOT IN ({_DEAL_TYPES_SQL}))"
            f" AND {t}rcloud IN ({clouds})"
        )

    return (
        "deal_walk (rid, rtype, rcloud, depth) AS ("
        ' SELECT r.id, r.type, r.cloud_id, 0 FROM "record" AS r'
        f" WHERE r.id = {int(deal_id)} AND r.type IN ({_DEAL_TYPES_SQL})"
        " UNION ALL"
        " SELECT c.id, c.type, c.cloud_id, t.depth + 1"
        ' FROM deal_walk AS t JOIN "record" AS c ON c.parent_id = t.rid'
        f" WHERE t.depth < {MAX_DEPTH} AND {inside('t.')}"
        "), deal_tree (rid, rtype, depth) AS ("
        f" SELECT rid, rtype, depth FROM deal_walk WHERE {inside('')})"
    )


def deal_ids(session: Session, record_ids: Iterable[int]) -> dict[int, int | None]:
    """Each record's deal id (None for none), by the SQL form, 5000 at a time.

    Ids are whole numbers (int() makes sure), so they are written into the
    SQL: one bound parameter per id would cost more than the walk.
    """
    ids = list(dict.fromkeys(int(i) for i in record_ids))
    result: dict[int, int | None] = dict.fromkeys(ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        sql = (
            f"WITH RECURSIVE {deal_chain_cte(session, ','.join(map(str, chunk)))} "
            "SELECT rid, deal FROM deal_of"
        )
        for rid, deal in session.db.execute_sql(sql):
            result[rid] = deal
    return result


def deal_record_ids(session: Session, deal_id: int) -> set[int]:
    """Every record of a deal, by the downward SQL form."""
    sql = f"WITH RECURSIVE {deal_tree_cte(session, deal_id)} SELECT rid FROM deal_tree"
    return {rid for (rid,) in session.db.execute_sql(sql)}
