"""Points expire on exactly the right day after months without a visit, and the shop sees who
is about to lose them first."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import update

from desktop.shop.loyalty_expiry import daily_upkeep, expire_points, members_about_to_expire
from desktop.shop.loyalty_ledger import adjust_points
from desktop.store.models_loyalty import LoyaltyAccount
from desktop.store.shopfile import ShopDatabase
from tests.unit.test_loyalty_support import (
    balance,
    customer_of,
    entries,
    ledger_sum,
    member,
    programme,
    sale,
)


def _local(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour)).astimezone().astimezone(UTC)


def _joined(shop: ShopDatabase, account_id: int, day: date) -> None:
    with shop.write() as session:
        session.execute(
            update(LoyaltyAccount)
            .where(LoyaltyAccount.id == account_id)
            .values(enrolled_at=_local(day, 9))
        )


def _expire(shop: ShopDatabase, today: date) -> int:
    with shop.write() as session:
        return expire_points(session, today)


def test_points_expire_on_the_day_twelve_months_after_the_last_visit(shop: ShopDatabase) -> None:
    programme(shop, expiry_months=12)
    account_id = member(shop, "Zoë")
    _joined(shop, account_id, date(2024, 1, 2))
    # The last visit late in the evening: the local day is what counts.
    sale(shop, customer_of(shop, account_id), 4200, when=_local(date(2024, 3, 15), 23))
    assert _expire(shop, date(2025, 3, 14)) == 0
    assert balance(shop, account_id) == 42
    assert _expire(shop, date(2025, 3, 15)) == 1
    assert balance(shop, account_id) == 0 == ledger_sum(shop, account_id)
    assert entries(shop, account_id)[-1] == ("expire", -42, "No visit for 12 months")
    assert _expire(shop, date(2025, 3, 16)) == 0


def test_a_visit_keeps_the_points_and_joining_counts_as_a_visit(shop: ShopDatabase) -> None:
    programme(shop, expiry_months=6, joining_bonus=10)
    regular = member(shop, "Ελένη")
    newcomer = member(shop, "Дмитрий")
    _joined(shop, regular, date(2023, 1, 1))
    _joined(shop, newcomer, date(2024, 8, 31))
    sale(shop, customer_of(shop, regular), 1000, when=_local(date(2024, 1, 5)))
    sale(shop, customer_of(shop, regular), 1000, when=_local(date(2024, 7, 1)))
    assert _expire(shop, date(2024, 12, 31)) == 0
    assert _expire(shop, date(2025, 1, 1)) == 1
    assert (balance(shop, regular), balance(shop, newcomer)) == (0, 10)
    # 31 August + 6 months is the end of February.
    assert _expire(shop, date(2025, 2, 27)) == 0
    assert _expire(shop, date(2025, 2, 28)) == 1
    assert balance(shop, newcomer) == 0


def test_no_expiry_set_means_points_never_expire(shop: ShopDatabase) -> None:
    programme(shop, joining_bonus=10)
    account_id = member(shop, "李雷")
    _joined(shop, account_id, date(2000, 1, 1))
    assert _expire(shop, date(2030, 1, 1)) == 0
    assert balance(shop, account_id) == 10


def test_members_about_to_lose_points_are_listed_soonest_first(shop: ShopDatabase) -> None:
    programme(shop, expiry_months=12, joining_bonus=5)
    soon = member(shop, "Łukasz Ó'Brien")
    later = member(shop, "Zoë")
    safe = member(shop, "Ελένη")
    empty = member(shop, "Дмитрий")
    _joined(shop, soon, date(2024, 3, 10))
    _joined(shop, later, date(2024, 3, 20))
    _joined(shop, safe, date(2024, 6, 1))
    _joined(shop, empty, date(2024, 3, 1))
    with shop.write() as session:
        adjust_points(session, empty, -5, "Spent at the summer fair")
    with shop.read() as session:
        nudges = members_about_to_expire(session, 14, today=date(2025, 3, 8))
    assert [(m.name, m.balance, m.expires_on) for m in nudges] == [
        ("Łukasz Ó'Brien", 5, date(2025, 3, 10)),
        ("Zoë", 5, date(2025, 3, 20)),
    ]
    with shop.read() as session:
        assert members_about_to_expire(session, 1, today=date(2025, 3, 8)) == []


def test_the_daily_upkeep_gives_due_bonuses_and_expires_once_however_often_it_runs(
    shop: ShopDatabase,
) -> None:
    programme(shop, expiry_months=1, birthday_bonus=20)
    birthday = member(shop, "Zoë", birth_day=3, birth_month=3)
    idle = member(shop, "Дмитрий")
    _joined(shop, birthday, date(2025, 3, 1))
    _joined(shop, idle, date(2025, 1, 15))
    with shop.write() as session:
        adjust_points(session, idle, 7, "Opening balance")
    for expected in ((1, 1), (0, 0)):
        with shop.write() as session:
            done = daily_upkeep(session, date(2025, 3, 5))
        assert (done.bonuses, done.expired) == expected
    assert (balance(shop, birthday), balance(shop, idle)) == (20, 0)
