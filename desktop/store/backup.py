"""Backups of a shop file: consistent while the app runs, verified before they get a name,
thinned by age, and restored through SQLite's backup API (see docs/ARCHITECTURE.md)."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from time import monotonic

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from desktop.store.engine import READ_ONLY_OPTION

BACKUP_SUFFIX = ".aftercare-backup"
BACKUP_EVERY = timedelta(minutes=30)
_STAMP = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"(?P<stamp>\d{8}T\d{12}Z)-[a-z0-9-]+" + re.escape(BACKUP_SUFFIX))

# The rotation: all of today's and yesterday's, then one a day, one a week, one a month.
KEEP_ALL_DAYS = 2
DAILY_DAYS = 12
WEEKLY_WEEKS = 10
MONTHLY_MONTHS = 9
# How long a restore waits for another program to let go of the shop file, like busy_timeout.
_BUSY_SECONDS = 5.0


class BackupFailed(Exception):
    """The copy could not be made or did not pass its check; nothing was left under its name."""


def quick_check(engine: Engine) -> bool:
    """SQLite's quick_check on an open shop; False when the file is damaged."""
    try:
        with engine.connect().execution_options(**{READ_ONLY_OPTION: True}) as connection:
            result = connection.exec_driver_sql("PRAGMA quick_check").scalar()
    except DBAPIError as error:
        # "malformed" and "not a database" mean damage; busy or unreadable is another story.
        if isinstance(error.orig, sqlite3.OperationalError):
            raise
        return False
    return bool(result == "ok")


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def _integrity_ok(path: Path, check: str = "integrity_check") -> bool:
    try:
        with closing(_read_only(path)) as connection:
            return connection.execute(f"PRAGMA {check}").fetchall() == [("ok",)]
    except sqlite3.Error:
        return False


def backup_to(engine: Engine, destination: Path) -> Path:
    """Copy the live shop to `destination`: VACUUM INTO a temporary name, check, fsync, rename.

    Other tills may go on writing meanwhile: the copy is the last committed state."""
    destination = destination.expanduser().resolve()
    try:
        raw = engine.raw_connection()
    except (DBAPIError, sqlite3.Error) as error:
        reason = error.orig if isinstance(error, DBAPIError) else error
        raise BackupFailed(f"The shop could not be read for the backup: {reason}") from error
    temporary: Path | None = None
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        # VACUUM INTO accepts an empty file; mkstemp makes a name no other backup is using.
        handle, name = tempfile.mkstemp(
            prefix=f".{destination.name}.", suffix=".partial", dir=destination.parent
        )
        os.close(handle)
        temporary = Path(name)
        # VACUUM refuses to run inside a transaction, so it bypasses SQLAlchemy's BEGIN.
        cursor = raw.cursor()
        cursor.execute("VACUUM INTO ?", (str(temporary),))
        cursor.close()
        if not _integrity_ok(temporary):
            raise BackupFailed(f"The backup copy for {destination.name} failed its check.")
        _fsync(temporary)
        os.replace(temporary, destination)
        _fsync_folder(destination.parent)
    except (OSError, sqlite3.Error) as error:
        reason = getattr(error, "strerror", None) or error
        raise BackupFailed(f"The backup to {destination} could not be written: {reason}") from error
    finally:
        raw.close()
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    return destination


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    # A rename is only durable once the folder is; Windows has no folder handles to sync.
    if os.name == "posix":
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def make_backup(engine: Engine, folder: Path, reason: str) -> Path:
    """An automatic backup in the shop's backup folder, named by time (UTC) and reason."""
    if not re.fullmatch(r"[a-z0-9-]+", reason):
        raise ValueError(f"backup reason {reason!r}: lower-case letters, digits and dashes only")
    stamp = datetime.now(UTC).strftime(_STAMP)
    return backup_to(engine, folder / f"{stamp}-{reason}{BACKUP_SUFFIX}")


def backup_time(path: Path) -> datetime | None:
    """When an automatic backup was made, read from its name; None for any other file."""
    match = _NAME.fullmatch(path.name)
    if match is None:
        return None
    return datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)


def newest_good_backup(folder: Path) -> Path | None:
    """The newest backup in `folder` that passes an integrity check."""
    if not folder.is_dir():
        return None
    for candidate in sorted(folder.glob(f"*{BACKUP_SUFFIX}"), reverse=True):
        if _integrity_ok(candidate):
            return candidate
    return None


def backup_due(last_backup_at: datetime | None, now: datetime, changed: bool) -> bool:
    """Whether the timer should back up now: the shop changed and the last backup is at least
    30 minutes old (or there is none yet, or the clock was set back since)."""
    if not changed:
        return False
    if last_backup_at is None:
        return True
    return not last_backup_at <= now < last_backup_at + BACKUP_EVERY


Slot = tuple[str, date]


def _slots(time: datetime, now: datetime) -> list[Slot]:
    """The calendar day, week and month `time` may stand for, if still inside their tier."""
    today = now.date()
    day = time.astimezone(now.tzinfo).date()
    oldest_day = today - timedelta(days=KEEP_ALL_DAYS + DAILY_DAYS - 1)
    oldest_week = _week_of(oldest_day) - timedelta(weeks=WEEKLY_WEEKS)
    oldest_month = _months_before(oldest_week.replace(day=1), MONTHLY_MONTHS)
    slots: list[Slot] = []
    if day >= oldest_day:
        slots.append(("day", day))
    if _week_of(day) >= oldest_week:
        slots.append(("week", _week_of(day)))
    if day.replace(day=1) >= oldest_month:
        slots.append(("month", day.replace(day=1)))
    return slots


def _week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _months_before(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _newest_per_slot(times: list[datetime], now: datetime) -> dict[Slot, datetime]:
    newest: dict[Slot, datetime] = {}
    for time in times:
        for slot in _slots(time, now):
            if slot not in newest or time > newest[slot]:
                newest[slot] = time
    return newest


def backups_to_keep(times: list[datetime], now: datetime) -> set[datetime]:
    """The backups the rotation keeps: all of today's and yesterday's, the newest of each day
    for 12 days before those, of each week (from Monday) for 10 weeks before those, and of
    each month for 9 months before those. Days are counted in `now`'s time zone.

    The newest of a calendar slot stays the newest as time passes, so thinning often gives the
    same result as thinning once: nothing the policy promises is ever removed on the way.
    """
    keep_from = now.date() - timedelta(days=KEEP_ALL_DAYS - 1)
    recent = {time for time in times if time.astimezone(now.tzinfo).date() >= keep_from}
    return recent | set(_newest_per_slot(times, now).values())


def _automatic_backups(folder: Path) -> dict[datetime, list[Path]]:
    found: dict[datetime, list[Path]] = {}
    if folder.is_dir():
        for path in folder.glob(f"*{BACKUP_SUFFIX}"):
            time = backup_time(path)
            if time is not None:
                found.setdefault(time, []).append(path)
    return found


def prune_backups(folder: Path, now: datetime) -> list[Path]:
    """Thin the automatic backups in `folder` by `backups_to_keep`; returns the removed files.

    A kept backup stands in for the ones removed from its slot, so it is checked first: one
    that fails counts for nothing and the choice is made again without it, so a damaged
    file's copies never push a good backup out. (A failed one goes once a good one is newer.)
    """
    found = _automatic_backups(folder)
    unsound: set[datetime] = set()
    checked: set[datetime] = set()
    while True:
        candidates = [time for time in found if time not in unsound]
        newest = _newest_per_slot(candidates, now)
        keep = backups_to_keep(candidates, now)
        doomed = [time for time in candidates if time not in keep]
        standing_in = {newest[slot] for time in doomed for slot in _slots(time, now)} - checked
        if not standing_in:
            break
        for time in standing_in:
            checked.add(time)
            if not all(_integrity_ok(path) for path in found[time]):
                unsound.add(time)
    removed = [path for time in sorted(doomed) for path in found[time]]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def restore_backup(backup: Path, live: Path) -> None:
    """Put `backup` in place of the shop file `live`, keeping the old file aside as
    `<name>.damaged-<time>`. Call it with the app's engine disposed.

    The backup is checked first. Its pages go in through SQLite's backup API, so the live
    file's journals stay SQLite's business (a stale -wal must never meet a swapped-in file).
    """
    if not _integrity_ok(backup):
        raise BackupFailed(f"The backup {backup.name} is damaged too. Please choose another.")
    if live.exists() and live.stat().st_size > 0:
        _keep_aside(live, _aside_name(live))
    try:
        _copy_pages(backup, live)
    except sqlite3.OperationalError as error:
        raise _in_use(live, error) from error
    except sqlite3.DatabaseError as error:
        # The backup API needs the old file's first page; when even that is gone, the file
        # may be swapped whole, but only with no journal beside it that SQLite would replay.
        if any(live.with_name(live.name + end).exists() for end in ("-wal", "-journal")):
            raise _in_use(live, error) from error
        _swap_in(backup, live)
    # The pages came from a checked backup: the quick check confirms they all arrived.
    if not _integrity_ok(live, "quick_check"):
        raise BackupFailed(f"{live.name} did not pass its check after the restore.")


def _copy_pages(source: Path, target: Path) -> None:
    deadline = monotonic() + _BUSY_SECONDS

    def give_up_when_busy(status: int, _remaining: int, _total: int) -> None:
        # Python's backup() retries a locked target forever; another program holding the file
        # should end in a message, not a frozen window.
        busy = status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
        if busy and monotonic() > deadline:
            raise sqlite3.OperationalError("database is locked")

    with (
        closing(_read_only(source)) as reader,
        closing(sqlite3.connect(target, timeout=_BUSY_SECONDS / 10)) as writer,
    ):
        reader.backup(writer, progress=give_up_when_busy)


def _aside_name(live: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = live.with_name(f"{live.name}.damaged-{stamp}")
    number = 1
    while aside.exists():
        number += 1
        aside = live.with_name(f"{live.name}.damaged-{stamp}-{number}")
    return aside


def _keep_aside(live: Path, aside: Path) -> None:
    try:
        _copy_pages(live, aside)
    except sqlite3.OperationalError as error:
        raise _in_use(live, error) from error
    except sqlite3.DatabaseError:
        # Too damaged for SQLite to read: nothing has it open (see above), so copy its bytes.
        for end in ("", "-wal"):
            if live.with_name(live.name + end).exists():
                shutil.copyfile(live.with_name(live.name + end), aside.with_name(aside.name + end))
    _fsync(aside)


def _in_use(live: Path, error: sqlite3.Error) -> BackupFailed:
    return BackupFailed(
        f"{live.name} could not be replaced ({error}). Close every program using it and try again."
    )


def _swap_in(backup: Path, live: Path) -> None:
    handle, name = tempfile.mkstemp(prefix=f".{live.name}.", suffix=".partial", dir=live.parent)
    os.close(handle)
    fresh = Path(name)
    try:
        _copy_pages(backup, fresh)
        _fsync(fresh)
        os.replace(fresh, live)
        _fsync_folder(live.parent)
    finally:
        fresh.unlink(missing_ok=True)
