"""`aftercare check`: is a shop file sound? It is only read, so checking never changes it."""

from __future__ import annotations

import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from desktop.store import migrate
from desktop.store.shopfile import check_is_database

_SHOWN_PROBLEMS = 3


@dataclass(frozen=True)
class HealthReport:
    """`sound` is False when the file is damaged or can't be used; `message` has one line per
    finding, for a person to read."""

    sound: bool
    message: str


class _Unsound(Exception):
    """A finding that ends the check: what follows would only repeat it."""


def check_shop(location: str) -> HealthReport:
    """Check the shop file at `location`: a database, an Aftercare shop, intact, a schema this
    Aftercare knows, every record's links in place and the search index in step."""
    if "://" in location:
        return HealthReport(
            False, "check looks at a shop file; check a server database with its own tools."
        )
    path = Path(location).expanduser().resolve()
    try:
        notes = _check_file(path)
    except _Unsound as finding:
        return HealthReport(False, str(finding))
    except sqlite3.Error as error:
        return HealthReport(False, f"{path.name} could not be read: {error}")
    problems = [text for sound, text in notes if not sound]
    others = [text for sound, text in notes if sound]
    if problems:
        return HealthReport(False, "\n".join(problems + others))
    summary = f"{path.name} is sound: integrity, links between records and search index check out."
    return HealthReport(True, "\n".join([summary, *others]))


def _check_file(path: Path) -> list[tuple[bool, str]]:
    if not path.exists():
        raise _Unsound(f"There is no shop file at {path}.")
    if not path.is_file():
        raise _Unsound(f"{path} is a folder, not a shop file.")
    if path.stat().st_size == 0:
        raise _Unsound(f"{path.name} is empty: it holds no shop yet.")
    try:
        check_is_database(path)
    except migrate.NotAShopFile as error:
        raise _Unsound(str(error)) from error
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        _check_integrity(connection, path)
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        notes = [_check_revision(connection, path, tables)]
        notes += _check_links(connection)
        notes += _check_search_index(connection, tables)
    return notes


def _check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    try:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        raise _Unsound(f"{path.name} is damaged: {error}.") from error
    if rows != ["ok"]:
        shown = "; ".join(rows[:_SHOWN_PROBLEMS])
        more = f" (and {len(rows) - _SHOWN_PROBLEMS} more)" if len(rows) > _SHOWN_PROBLEMS else ""
        raise _Unsound(f"{path.name} is damaged: {shown}{more}.")


def _check_revision(
    connection: sqlite3.Connection, path: Path, tables: set[str]
) -> tuple[bool, str]:
    if "alembic_version" not in tables:
        if tables:
            raise _Unsound(f"{path.name} holds a database, but not an Aftercare shop.")
        raise _Unsound(f"{path.name} is an empty database: it holds no shop yet.")
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    if row is None:
        raise _Unsound(f"{path.name} has no schema revision: it isn't a complete Aftercare shop.")
    revision, head = str(row[0]), migrate.head_revision()
    if revision not in migrate.known_revisions():
        raise _Unsound(
            f"{path.name} was saved by a newer version of Aftercare (schema {revision}); "
            "please update Aftercare to use it."
        )
    if revision != head:
        return True, (
            f"Its schema ({revision}) needs upgrade to {head}: Aftercare does that when it "
            "opens the file, after a backup."
        )
    return True, f"Its schema ({revision}) is current."


def _check_links(connection: sqlite3.Connection) -> list[tuple[bool, str]]:
    broken = Counter((row[0], row[2]) for row in connection.execute("PRAGMA foreign_key_check"))
    return [
        (False, f"{table} has {_records(count)} linked to a {parent} that no longer exists.")
        for (table, parent), count in sorted(broken.items())
    ]


def _records(count: int) -> str:
    return "1 record" if count == 1 else f"{count} records"


def _check_search_index(connection: sqlite3.Connection, tables: set[str]) -> list[tuple[bool, str]]:
    if "customer_fts" not in tables:
        return [(False, "The customer search index is missing: searches will fail.")]
    # FTS5 checks itself only through an INSERT, which a read-only file refuses: run it on a
    # copy in memory instead (the backup API copies pages, so the index comes as it is).
    with closing(sqlite3.connect(":memory:")) as copy:
        connection.backup(copy)
        try:
            copy.execute(
                "INSERT INTO customer_fts(customer_fts, rank) VALUES ('integrity-check', 1)"
            )
        except sqlite3.DatabaseError:
            return [
                (False, "The customer search index is out of step: some customers won't be found.")
            ]
    return []
