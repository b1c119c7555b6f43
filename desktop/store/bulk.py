"""Loading many rows at once (the sample shop): DBAPI executemany inside the caller's transaction.

Row-by-row ORM inserts cost tens of microseconds each; a million purchases need plain tuples
handed to SQLite in one go. The customer search index is normally fed by triggers, one row at a
time; for a bulk load they are set aside and the index is rebuilt once at the end.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Table

from desktop.store import search_index
from desktop.store.models import Base

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAY = 86_400
# Page cache while loading (KiB): the purchase indexes stay in memory as they grow.
_LOAD_CACHE_KIB = 512 * 1024


class BulkLoadUnsupported(Exception):
    """Bulk loading needs a SQLite shop file."""


class BulkLoader:
    """Inserts rows given as tuples, their values in the order of the `columns` named."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor
        self._day_prefixes: dict[int, str] = {}
        # Millions of times are written: a ready string per second of the day beats formatting.
        self._clock = [
            f"{h:02d}:{m:02d}:{s:02d}.000000"
            for h in range(24)
            for m in range(60)
            for s in range(60)
        ]

    def insert(
        self, model: type[Base], columns: Sequence[str], rows: Iterable[Sequence[object]]
    ) -> None:
        table = _table(model)
        names = ", ".join(table.c[name].name for name in columns)
        marks = ", ".join("?" for _ in columns)
        self._cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)

    def stored_time(self, seconds: int) -> str:
        """A UTC time given as Unix seconds, in the form SQLAlchemy stores UTCDateTime columns
        on SQLite ('2024-05-01 10:00:00.000000'), so the ORM reads bulk rows back unchanged."""
        day, rest = divmod(seconds, _DAY)
        prefix = self._day_prefixes.get(day)
        if prefix is None:
            prefix = (_EPOCH + timedelta(days=day)).strftime("%Y-%m-%d ")
            self._day_prefixes[day] = prefix
        return prefix + self._clock[rest]


def _table(model: type[Base]) -> Table:
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to one table")
    return table


@contextmanager
def bulk_load(connection: Connection) -> Iterator[BulkLoader]:
    """A loader working inside `connection`'s open transaction (commit is the caller's).

    Foreign keys are checked at commit rather than row by row, so tables may be loaded in any
    order (purchases before their customers). While a row's parent is still missing, SQLite
    looks up the children of every parent row inserted: keep foreign keys indexed. The
    search-index triggers are dropped for the load and recreated after it, then the index is
    rebuilt; an error rolls the whole transaction back, triggers included.
    """
    raw = connection.connection.driver_connection
    if not isinstance(raw, sqlite3.Connection):
        raise BulkLoadUnsupported("bulk loading needs a SQLite shop file")
    cursor = raw.cursor()
    (cache_size,) = cursor.execute("PRAGMA cache_size").fetchone()
    triggers = cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE ?",
        ("%customer_fts%",),
    ).fetchall()
    try:
        cursor.execute(f"PRAGMA cache_size = -{_LOAD_CACHE_KIB}")
        # Ends by itself with the transaction.
        cursor.execute("PRAGMA defer_foreign_keys = ON")
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        yield BulkLoader(cursor)
        for _name, sql in triggers:
            cursor.execute(sql)
        search_index.rebuild(connection)
    finally:
        # The cache size belongs to the pooled connection, not to the transaction.
        cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
        cursor.close()
