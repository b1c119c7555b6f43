"""Backups of a shop file: consistent while the app runs, verified before they get a name."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

BACKUP_SUFFIX = ".aftercare-backup"


class BackupFailed(Exception):
    """The copy could not be made or did not pass its check; nothing was left under its name."""


def quick_check(engine: Engine) -> bool:
    with engine.connect() as connection:
        result = connection.exec_driver_sql("PRAGMA quick_check").scalar()
    return bool(result == "ok")


def _integrity_ok(path: Path) -> bool:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return bool(connection.execute("PRAGMA integrity_check").fetchone() == ("ok",))
    except sqlite3.DatabaseError:
        return False
    finally:
        connection.close()


def backup_to(engine: Engine, destination: Path) -> Path:
    """Copy the live shop to `destination`: VACUUM INTO a temporary name, check, fsync, rename."""
    destination = destination.expanduser().resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{os.getpid()}.partial")
    temporary.unlink(missing_ok=True)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("VACUUM INTO ?", (str(temporary),))
        if not _integrity_ok(temporary):
            raise BackupFailed("The backup copy did not pass its integrity check.")
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, destination)
        _fsync_folder(destination.parent)
    except (OSError, sqlite3.Error) as error:
        raise BackupFailed(f"The backup could not be written: {error}") from error
    finally:
        temporary.unlink(missing_ok=True)
    return destination


def _fsync_folder(folder: Path) -> None:
    if os.name == "posix":
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def make_backup(engine: Engine, folder: Path, reason: str) -> Path:
    """An automatic backup in the shop's backup folder, named by time and reason."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return backup_to(engine, folder / f"{stamp}-{reason}{BACKUP_SUFFIX}")


def newest_good_backup(folder: Path) -> Path | None:
    """The newest backup in `folder` that passes an integrity check."""
    if not folder.is_dir():
        return None
    for candidate in sorted(folder.glob(f"*{BACKUP_SUFFIX}"), reverse=True):
        if _integrity_ok(candidate):
            return candidate
    return None
