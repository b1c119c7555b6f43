"""Opening a shop: check the file, back it up, migrate it, hand out sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from desktop.store import backup, migrate
from desktop.store.engine import make_engine, make_session_factories
from desktop.store.locations import backup_dir

SQLITE_HEADER = b"SQLite format 3\x00"


class DamagedShopFile(Exception):
    """The file failed SQLite's quick_check. `backup` is the newest backup that passes."""

    def __init__(self, path: Path, newest_backup: Path | None) -> None:
        hint = (
            f" The newest good backup is {newest_backup.name}."
            if newest_backup
            else " No good backup was found."
        )
        super().__init__(f"The shop file {path.name} is damaged.{hint}")
        self.path = path
        self.newest_backup = newest_backup


@dataclass
class ShopDatabase:
    """An open shop: the engine and the two kinds of session the app uses."""

    location: str
    engine: Engine
    writer: sessionmaker[Session]
    reader: sessionmaker[Session]
    read_only: bool = False

    @property
    def path(self) -> Path | None:
        """The shop file, or None when the shop is a server database."""
        return None if "://" in self.location else Path(self.location)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: commits when the block ends, rolls everything back on error."""
        with self.writer() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.reader() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def check_is_database(path: Path) -> None:
    """Refuse, with a message, a file that is not SQLite (a photo, a spreadsheet…)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        if handle.read(16) != SQLITE_HEADER:
            raise migrate.NotAShopFile(
                f"{path.name} is not an Aftercare shop file (it isn't a database)."
            )


def open_shop(
    location: str | Path, *, backups: Path | None = None, read_only: bool = False
) -> ShopDatabase:
    """Open (or create) a shop, backing it up and migrating its schema when needed.

    Raises NotAShopFile, NewerShopFile or DamagedShopFile with a message for the shopkeeper.
    """
    text = str(location)
    path = None if "://" in text else Path(text).expanduser().resolve()
    if path is not None:
        if read_only and not path.exists():
            raise migrate.NotAShopFile(f"There is no shop file at {path}.")
        check_is_database(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(path or text, read_only=read_only)
    try:
        # A damaged file may still be opened read-only, so the shopkeeper can look and copy.
        existing = path is not None and path.exists() and path.stat().st_size > 0
        if path is not None and existing and not read_only and not backup.quick_check(engine):
            raise DamagedShopFile(path, backup.newest_good_backup(backups or backup_dir(path)))
        if not read_only and migrate.needs_upgrade(engine):
            if path is not None and migrate.current_revision(engine) is not None:
                backup.make_backup(engine, backups or backup_dir(path), "before-upgrade")
            migrate.upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    writer, reader = make_session_factories(engine)
    return ShopDatabase(str(path or text), engine, writer, reader, read_only)
