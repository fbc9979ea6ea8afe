"""Queries built once and run many times with new values.

Peewee takes the better part of a millisecond to turn a query into SQL
text; the database answers a lookup by key in some 50 µs. A read that runs
for every row of a long job (each message of an e-mail import) or on every
command (`access.get_record`) is built here once per backend, from the same
Peewee expressions as everywhere else (so a rule such as who may see a
record is not written twice), and its text is run with the values of each
call.

The values that change are *slots*: stand-ins that `build` puts where the
values go and that are recognised in the built query's parameters.
"""

from __future__ import annotations

from collections.abc import Callable

import peewee as pw

# Stand-ins no real value equals: ints beyond any id, text with a NUL.
_FIRST_INT = 2**62 + 7_777


class Slots:
    """Hands out stand-ins for named values while a query is built."""

    def __init__(self) -> None:
        self.names: dict[object, str] = {}

    def int(self, name: str) -> int:
        value = _FIRST_INT + len(self.names)
        self.names[value] = name
        return value

    def text(self, name: str) -> str:
        value = f"\x00slot {len(self.names)} {name}\x00"
        self.names[value] = name
        return value


_BUILT: dict[tuple, tuple[str, list[tuple[bool, object]]]] = {}


def run(
    db: pw.Database,
    key: tuple,
    build: Callable[[Slots], pw.Query],
    values: dict[str, object],
):
    """Execute the query `build` makes (built on the first call for this
    `key` and backend) with `values` in its slots; returns the cursor.

    `key` names the query's shape: anything that changes its text (a lock,
    the length of an IN list) belongs in it."""
    cache_key = (type(db), db.param, *key)
    built = _BUILT.get(cache_key)
    if built is None:
        slots = Slots()
        sql, params = build(slots).sql()
        parts = []
        for param in params:
            name = slots.names.get(param) if isinstance(param, int | str) else None
            parts.append((True, name) if name is not None else (False, param))
        missing = set(slots.names.values()) - {n for s, n in parts if s}
        if missing:
            raise AssertionError(f"slots not in the query: {sorted(missing)}")
        built = _BUILT[cache_key] = (sql, parts)
    sql, parts = built
    params = [values[part] if is_slot else part for is_slot, part in parts]
    return db.execute_sql(sql, params)


def as_models(model: type[pw.Model], cursor) -> list[pw.Model]:
    """The rows of a `SELECT` of all of `model`'s columns (in their
    declared order, as `model.select()` names them) as model instances, as
    Peewee would have made them."""
    fields = model._meta.sorted_fields
    found = []
    for row in cursor.fetchall():
        if len(row) != len(fields):
            raise AssertionError(f"{model.__name__}: {len(row)} columns")
        instance = model(
            __no_default__=1,
            **{f.name: f.python_value(v) for f, v in zip(fields, row, strict=True)},
        )
        instance._dirty.clear()
        found.append(instance)
    return found
