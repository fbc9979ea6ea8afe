"""Search: every record the user may see, found by the start of its words.

Titles first (a person's name, a lead's company), then notes, e-mail text
and contact details; newest first within each; shown grouped by type.
Case and accents do not matter ("jarvenpaa" finds "Järvenpää").
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.process import (
    CLIENT_RELATIONSHIP,
    CONTACT_NOTE,
    CONTACT_PERSON,
    ORDER,
    SALES_LEAD,
    SALES_PROPOSAL,
    TASK,
    RecordType,
)
from ..core.text import search_words
from ..domain.access import records, search_matches
from ..domain.session import Session
from ..models import Record
from .listing import LIST_COLUMNS, RecordRow, to_rows
from .people import PersonRow, person_rows

# The order of the groups: people and deals first, the many notes and
# tasks last.
GROUP_ORDER: tuple[RecordType, ...] = (
    CONTACT_PERSON,
    SALES_LEAD,
    CLIENT_RELATIONSHIP,
    SALES_PROPOSAL,
    ORDER,
    CONTACT_NOTE,
    TASK,
)
LIMIT = 50
PEOPLE_FIRST = 10  # people shown however many newer records match


@dataclass(frozen=True)
class Found:
    """What a search found: (type, its rows) in GROUP_ORDER, and whether
    there were more than `limit` (then only the newest are shown)."""

    groups: list[tuple[RecordType, list[RecordRow | PersonRow]]]
    more: bool

    @property
    def count(self) -> int:
        return sum(len(rows) for _, rows in self.groups)

    def rows(self) -> list[RecordRow | PersonRow]:
        return [row for _, rows in self.groups for row in rows]


def search(
    session: Session, text: str, *, type_key: str | None = None, limit: int = LIMIT
) -> Found:
    """The records the user may see that match `text` (every word of it is
    the start of a word of theirs)."""
    words = search_words(text)
    if not words or limit <= 0:
        return Found([], False)
    # People first (a name typed is most often someone to call), then
    # title matches, then the rest: each read stops at what it can show.
    ids: list[int] = []
    if type_key in (None, CONTACT_PERSON.key):
        ids += search_matches(
            session, words, type_key=CONTACT_PERSON.key, limit=PEOPLE_FIRST
        )
    for title_only in (True, False):
        if len(ids) > limit:
            break
        seen = set(ids)
        for rid in search_matches(
            session, words, title_only=title_only, type_key=type_key, limit=limit + 1
        ):
            if rid not in seen:
                ids.append(rid)
                seen.add(rid)
    more = len(ids) > limit
    ids = ids[:limit]
    rank = {rid: i for i, rid in enumerate(ids)}
    people = person_rows(session, ids)
    others = to_rows(
        session,
        records(session, *LIST_COLUMNS).where(
            Record.id.in_(ids) & (Record.type != CONTACT_PERSON.key)
        ),
    )
    by_type: dict[str, list[RecordRow | PersonRow]] = {}
    for row in sorted([*people, *others], key=lambda r: rank[r.id]):
        by_type.setdefault(row.type, []).append(row)
    groups = [(t, by_type[t.key]) for t in GROUP_ORDER if t.key in by_type]
    return Found(groups, more)
