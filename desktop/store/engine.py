"""Engines and sessions for a shop file (SQLite) or a database URL (PostgreSQL)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

# Vouchers and points are money: synchronous=FULL so a committed redemption survives a power
# cut (see docs/ARCHITECTURE.md).
SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA journal_mode=WAL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA synchronous=FULL",
)


def make_engine(location: str | Path, *, read_only: bool = False) -> Engine:
    """Open the shop at `location` (a file path or a database URL) with the pragmas and locking
    rules of the architecture."""
    text = str(location)
    if "://" in text:
        return create_engine(text, pool_pre_ping=True)
    path = Path(text).expanduser().resolve()
    # Built as a URL object, not a string, so a path holding ? # or % stays a path.
    url = URL.create("sqlite+pysqlite", database=str(path))
    if read_only:
        url = URL.create(
            "sqlite+pysqlite", database=path.as_uri(), query={"mode": "ro", "uri": "true"}
        )
    connect_args: dict[str, Any] = {"check_same_thread": False}
    engine = create_engine(url, connect_args=connect_args)
    _install_sqlite_listeners(engine, read_only=read_only)
    return engine


def _install_sqlite_listeners(engine: Engine, *, read_only: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (the pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            if read_only and "journal_mode" in pragma:
                continue
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so a read-then-write transaction waits for
        # another till (busy_timeout) instead of failing with "database is locked".
        reading = read_only or connection.get_execution_options().get(READ_ONLY_OPTION, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


READ_ONLY_OPTION = "aftercare_read_only"


def make_session_factories(engine: Engine) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
    """(writer, reader): the reader's transactions begin deferred so a search never waits on,
    or blocks, another till's write."""
    writer = sessionmaker(engine, expire_on_commit=False)
    reader = sessionmaker(
        engine.execution_options(**{READ_ONLY_OPTION: True}), expire_on_commit=False
    )
    return writer, reader
