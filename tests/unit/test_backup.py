"""Backups: verified copies while the shop is in use, the rotation, and restoring one."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.directory import browse
from desktop.store.backup import (
    BACKUP_SUFFIX,
    BackupFailed,
    backup_due,
    backup_time,
    backup_to,
    backups_to_keep,
    make_backup,
    newest_good_backup,
    prune_backups,
    restore_backup,
)
from desktop.store.health import check_shop
from desktop.store.models import Customer
from desktop.store.shopfile import DamagedShopFile, ShopDatabase, open_shop

NAMES = ["Zoë Ó'Brien", "Łukasz Nowak", "Ελένη Παπαδοπούλου", "Дмитрий Иванов", "李雷", "Ana 🌸"]
NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # a Wednesday


def _add(shop: ShopDatabase, *names: str) -> None:
    with shop.write() as session:
        for name in names:
            create_customer(session, CustomerDetails(name=name))


def _names(location: Path) -> list[str]:
    shop = open_shop(location, read_only=True)
    try:
        with shop.read() as session:
            return sorted(session.scalars(select(Customer.name)))
    finally:
        shop.close()


def _damage(path: Path, pages: list[int], filler: bytes = b"\xde\xad\xbe\xef" * 1024) -> None:
    """Overwrite whole pages with plain bytes (only ever on a file nothing has open)."""
    with path.open("r+b") as handle:
        for page in pages:
            handle.seek(page * 4096)
            handle.write(filler)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- making a backup ----------------------------------------------------------------------


def test_a_backup_taken_during_another_tills_write_holds_only_what_was_committed(
    shop: ShopDatabase, tmp_path: Path
) -> None:
    _add(shop, *NAMES)
    assert shop.path is not None
    other_till = sqlite3.connect(shop.path, isolation_level=None)
    other_till.execute("BEGIN IMMEDIATE")
    other_till.execute(
        "INSERT INTO customer (name, sort_name, search_text, address_line1, address_line2, town,"
        " postcode, postcode_key, country, notes, created_at, email_marketing, post_marketing,"
        " visit_count, total_spent) VALUES ('Half-typed', 'half-typed', '', '', '', '', '', '',"
        " 'GB', '', '2026-01-01', 0, 0, 0, 0)"
    )
    try:
        copy = backup_to(shop.engine, tmp_path / "usb stick" / "Zoë's shop.aftercare")
    finally:
        other_till.execute("ROLLBACK")
        other_till.close()
    assert _names(copy) == sorted(NAMES)
    assert check_shop(str(copy)).sound
    assert [p.name for p in copy.parent.iterdir()] == ["Zoë's shop.aftercare"]


def test_a_backup_that_cannot_be_written_leaves_nothing_under_any_name(
    shop: ShopDatabase, tmp_path: Path
) -> None:
    _add(shop, "Zoë")
    taken = tmp_path / "out" / "taken.aftercare"
    taken.mkdir(parents=True)
    with pytest.raises(BackupFailed, match=r"taken\.aftercare could not be written") as caught:
        backup_to(shop.engine, taken)
    assert "\n" not in str(caught.value)
    assert taken.is_dir() and not any(taken.iterdir())
    assert [p.name for p in taken.parent.iterdir()] == ["taken.aftercare"]


def test_automatic_backups_are_named_by_time_and_reason(shop: ShopDatabase, tmp_path: Path) -> None:
    _add(shop, "Дмитрий")
    before = datetime.now(UTC)
    made = make_backup(shop.engine, tmp_path / "auto", "before-upgrade")
    made_at = backup_time(made)
    assert made.name.endswith("-before-upgrade" + BACKUP_SUFFIX)
    assert made_at is not None and before <= made_at <= datetime.now(UTC)
    assert _names(made) == ["Дмитрий"]
    with pytest.raises(ValueError):
        make_backup(shop.engine, tmp_path / "auto", "Before Upgrade")


def test_file_names_that_are_not_automatic_backups_have_no_time() -> None:
    assert backup_time(Path("my copy.aftercare-backup")) is None
    assert backup_time(Path("20260318T120000000000Z-on-close.aftercare")) is None
    assert backup_time(Path("20260318T120000000000Z-on-close" + BACKUP_SUFFIX)) == at(
        "2026-03-18T12:00:00"
    )


def test_the_newest_good_backup_skips_a_damaged_newer_one(
    shop: ShopDatabase, tmp_path: Path
) -> None:
    folder = tmp_path / "auto"
    _add(shop, "李雷")
    good = make_backup(shop.engine, folder, "while-open")
    damaged = folder / f"29991231T000000000000Z-on-close{BACKUP_SUFFIX}"
    shutil.copyfile(good, damaged)
    _damage(damaged, [2, 3])
    assert newest_good_backup(folder) == good
    assert newest_good_backup(tmp_path / "no such folder") is None


# --- when the timer backs up ---------------------------------------------------------------


def test_a_backup_is_due_every_half_hour_while_the_shop_changes() -> None:
    last = at("2026-03-18T12:00:00")
    assert backup_due(None, NOW, changed=True)
    assert not backup_due(None, NOW, changed=False)
    assert not backup_due(last, last + timedelta(minutes=29, seconds=59), changed=True)
    assert backup_due(last, last + timedelta(minutes=30), changed=True)
    assert not backup_due(last, last + timedelta(hours=5), changed=False)
    # The clock was put back an hour: don't wait an hour and a half for the next one.
    assert backup_due(last, last - timedelta(hours=1), changed=True)


# --- the rotation, as a pure function ------------------------------------------------------


def test_no_backups_keeps_nothing() -> None:
    assert backups_to_keep([], NOW) == set()


def test_every_backup_of_today_and_yesterday_is_kept() -> None:
    times = [at("2026-03-17T00:00:00") + timedelta(minutes=30 * n) for n in range(72)]
    assert backups_to_keep(times, NOW) == set(times)


def test_the_day_before_yesterday_keeps_only_its_newest() -> None:
    morning, evening = at("2026-03-16T09:00:00"), at("2026-03-16T17:30:00")
    assert backups_to_keep([morning, evening], NOW) == {evening}


def test_the_twelfth_day_keeps_its_own_newest_and_the_day_before_it_does_not() -> None:
    # 5 March is the 13th day back, the last with one a day; 4 March is in the same week, so
    # that week is already represented by 5 March.
    day_13 = [at("2026-03-05T10:00:00"), at("2026-03-05T16:00:00")]
    day_14 = [at("2026-03-04T10:00:00"), at("2026-03-04T16:00:00")]
    assert backups_to_keep(day_13 + day_14, NOW) == {day_13[1]}


def test_weeks_keep_their_newest_back_to_the_tenth_week() -> None:
    oldest_weekly = [at("2025-12-22T10:00:00"), at("2025-12-26T16:00:00")]  # Mon and Fri
    week_before = [at("2025-12-16T10:00:00"), at("2025-12-18T16:00:00")]
    december_newest = at("2025-12-29T11:00:00")
    kept = backups_to_keep([*oldest_weekly, *week_before, december_newest], NOW)
    assert kept == {oldest_weekly[1], december_newest}


def test_months_keep_their_newest_back_to_the_ninth_month() -> None:
    oldest_monthly = [at("2025-03-10T10:00:00"), at("2025-03-20T10:00:00")]
    too_old = at("2025-02-27T10:00:00")
    assert backups_to_keep([*oldest_monthly, too_old], NOW) == {oldest_monthly[1]}


def test_days_are_counted_in_the_shops_time_zone() -> None:
    london = ZoneInfo("Europe/London")
    now = datetime(2026, 7, 4, 10, 0, tzinfo=london)
    after_midnight_in_london = at("2026-07-01T23:30:00")  # 00:30 on 2 July, summer time
    lunchtime = at("2026-07-02T12:00:00")
    times = [after_midnight_in_london, lunchtime]
    # Both on 2 July in London: one day, one kept. In UTC they fall on two days.
    assert backups_to_keep(times, now) == {lunchtime}
    assert backups_to_keep(times, now.astimezone(UTC)) == set(times)


def test_a_year_of_half_hourly_backups_thinned_every_evening() -> None:
    kept: set[datetime] = set()
    made: list[datetime] = []
    day = date(2025, 3, 18)
    while day <= NOW.date():
        if day.weekday() != 6:  # the shop is shut on Sundays
            opening = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
            made += [opening + timedelta(minutes=30 * n) for n in range(17)]
            kept |= set(made[-17:])
        evening = datetime(day.year, day.month, day.day, 18, tzinfo=UTC)
        kept = backups_to_keep(sorted(kept), evening)
        day += timedelta(days=1)
    assert kept == backups_to_keep(made, evening)  # thinning daily lost nothing
    per_day = Counter(t.date() for t in kept)
    assert per_day[date(2026, 3, 18)] == 17 and per_day[date(2026, 3, 17)] == 17
    daily = [d for d in per_day if date(2026, 3, 5) <= d <= date(2026, 3, 16)]
    assert len(daily) == 10  # twelve days, two of them Sundays
    assert all(per_day[d] == 1 for d in daily)
    assert all(t.hour == 17 for t in kept if t.date() < date(2026, 3, 17))  # each slot's last
    older = sorted(t for t in kept if t.date() < date(2026, 3, 5))
    weeks = {t.date() - timedelta(days=t.weekday()) for t in older}
    months = {(t.year, t.month) for t in older}
    assert len(older) == len(kept) - 34 - 10
    assert {date(2025, 12, 22) + timedelta(weeks=n) for n in range(10)} <= weeks
    assert {(2025, m) for m in range(3, 13)} <= months
    assert older[0].date() == date(2025, 3, 31)  # a year back, the last of March


# Backups spread over the fourteen months before NOW, to the minute.
times_in_a_year = st.lists(
    st.integers(min_value=0, max_value=440 * 24 * 60).map(lambda m: NOW - timedelta(minutes=m)),
    min_size=20,
    max_size=80,
)


@settings(max_examples=150, deadline=None)
@given(times_in_a_year, st.integers(min_value=0, max_value=400))
def test_thinning_early_never_loses_what_thinning_later_would_keep(
    times: list[datetime], days_earlier: int
) -> None:
    earlier = NOW - timedelta(days=days_earlier)
    existing_then = [t for t in times if t <= earlier]
    thinned_then = backups_to_keep(existing_then, earlier)
    assert thinned_then <= set(existing_then)
    assert backups_to_keep(sorted(thinned_then), NOW) == backups_to_keep(existing_then, NOW)


@settings(max_examples=150, deadline=None)
@given(times_in_a_year)
def test_each_recent_day_keeps_exactly_its_newest_and_nothing_older_than_a_year(
    times: list[datetime],
) -> None:
    kept = backups_to_keep(times, NOW)
    assert backups_to_keep(sorted(kept), NOW) == kept
    for day in {t.date() for t in times}:
        that_day = [t for t in times if t.date() == day]
        age = (NOW.date() - day).days
        if age <= 1:
            assert set(that_day) <= kept
        elif age <= 13:
            assert kept & set(that_day) == {max(that_day)}
    assert all(t >= datetime(2025, 3, 1, tzinfo=UTC) for t in kept)


# --- the rotation on a folder of real backups ----------------------------------------------


def _copies(source: Path, folder: Path, times: list[datetime], reason: str = "while-open") -> dict:
    folder.mkdir(exist_ok=True)
    made = {}
    for time in times:
        made[time] = folder / f"{time.strftime('%Y%m%dT%H%M%S%fZ')}-{reason}{BACKUP_SUFFIX}"
        shutil.copyfile(source, made[time])
    return made


def test_pruning_removes_the_thinned_backups_and_nothing_else(
    shop: ShopDatabase, tmp_path: Path
) -> None:
    _add(shop, "Zoë")
    folder = tmp_path / "auto"
    good = make_backup(shop.engine, tmp_path / "made", "while-open")
    times = [at("2026-03-16T09:00:00"), at("2026-03-16T17:30:00"), at("2026-03-18T09:00:00")]
    made = _copies(good, folder, times)
    strangers = [folder / "my own copy.aftercare-backup", folder / "notes.txt"]
    for stranger in strangers:
        stranger.write_text("not for the rotation")
    removed = prune_backups(folder, NOW)
    assert removed == [made[times[0]]]
    assert sorted(folder.iterdir()) == sorted([made[times[1]], made[times[2]], *strangers])
    assert prune_backups(folder, NOW) == []
    assert prune_backups(tmp_path / "no backups yet", NOW) == []


def test_copies_of_a_damaged_shop_never_push_good_backups_out(
    shop: ShopDatabase, tmp_path: Path
) -> None:
    _add(shop, "Łukasz")
    folder = tmp_path / "auto"
    good = make_backup(shop.engine, tmp_path / "made", "while-open")
    bad = tmp_path / "bad"
    shutil.copyfile(good, bad)
    _damage(bad, [1, 2, 3])
    good_times = [at("2026-03-10T09:00:00"), at("2026-02-02T09:00:00"), at("2025-11-03T09:00:00")]
    bad_times = [at("2026-03-10T17:00:00"), at("2026-02-06T17:00:00"), at("2025-11-28T17:00:00")]
    kept = _copies(good, folder, good_times)
    damaged = _copies(bad, folder, bad_times)
    assert prune_backups(folder, NOW) == []
    assert all(path.exists() for path in [*kept.values(), *damaged.values()])
    # Once a good backup is newer in the same slot, the older good one and the bad one go.
    newer_good = _copies(good, folder, [at("2026-03-10T18:00:00")])
    assert prune_backups(folder, NOW) == [kept[good_times[0]], damaged[bad_times[0]]]
    assert newest_good_backup(folder) == newer_good[at("2026-03-10T18:00:00")]


# --- restoring -----------------------------------------------------------------------------


def _restorable_shop(tmp_path: Path) -> tuple[Path, Path]:
    """A shop file with a good backup, then more customers added after the backup."""
    live = tmp_path / "Zoë's shop.aftercare"
    shop = open_shop(live, backups=tmp_path / "auto")
    _add(shop, *NAMES)
    backup = make_backup(shop.engine, tmp_path / "auto", "while-open")
    _add(shop, *(f"Customer {n}" for n in range(400)))
    shop.close()
    return live, backup


def test_restoring_puts_the_backup_in_place_and_keeps_the_damaged_file_aside(
    tmp_path: Path,
) -> None:
    live, backup = _restorable_shop(tmp_path)
    _damage(live, [8, 9, 10, 30])
    with pytest.raises(DamagedShopFile):
        open_shop(live, backups=tmp_path / "auto")
    restore_backup(backup, live)
    assert _names(live) == sorted(NAMES)
    shop = open_shop(live, backups=tmp_path / "auto")
    with shop.read() as session:
        assert [row.name for row in browse(session, "zoe").rows] == ["Zoë Ó'Brien"]
    shop.close()
    (aside,) = tmp_path.glob("Zoë's shop.aftercare.damaged-*")
    assert not check_shop(str(aside)).sound
    assert "damaged" in check_shop(str(aside)).message


def test_a_file_too_damaged_to_open_is_still_replaced_and_kept_aside(tmp_path: Path) -> None:
    live, backup = _restorable_shop(tmp_path)
    _damage(live, [0], b"SQLite format 3\x00" + b"\xff" * 4080)
    damaged_bytes = live.read_bytes()
    restore_backup(backup, live)
    assert _names(live) == sorted(NAMES)
    (aside,) = tmp_path.glob("Zoë's shop.aftercare.damaged-*")
    assert aside.read_bytes() == damaged_bytes


def test_restoring_twice_keeps_both_damaged_files(tmp_path: Path) -> None:
    live, backup = _restorable_shop(tmp_path)
    _damage(live, [8, 9])
    restore_backup(backup, live)
    _damage(live, [3])
    restore_backup(backup, live)
    assert len(list(tmp_path.glob("Zoë's shop.aftercare.damaged-*"))) == 2


def test_a_damaged_backup_is_refused_and_the_shop_file_left_alone(tmp_path: Path) -> None:
    live, backup = _restorable_shop(tmp_path)
    _damage(backup, [2])
    before = live.read_bytes()
    with pytest.raises(BackupFailed, match="is damaged too"):
        restore_backup(backup, live)
    assert live.read_bytes() == before
    assert not list(tmp_path.glob("*.damaged-*"))


def test_restoring_over_a_file_another_program_is_writing_gives_up_with_a_message(
    tmp_path: Path,
) -> None:
    live, backup = _restorable_shop(tmp_path)
    holder = sqlite3.connect(live, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    outcome: list[BaseException | None] = []

    def restore() -> None:
        try:
            restore_backup(backup, live)
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=restore)
    worker.start()
    worker.join(timeout=60)
    holder.execute("ROLLBACK")
    holder.close()
    assert not worker.is_alive()
    assert isinstance(outcome[0], BackupFailed)
    assert "Close every program using it" in str(outcome[0])
    shop = open_shop(live, read_only=True)
    with shop.read() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == len(NAMES) + 400
    shop.close()
