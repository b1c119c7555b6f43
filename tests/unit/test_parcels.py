"""Today's parcels: the right orders for the shop's local day, their inserts, the extras."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.errors import InvalidInput
from desktop.shop.inserts import mark_inserts_printed
from desktop.shop.parcels import (
    DEFAULT_EXTRAS,
    extras_to_pack,
    set_extras_to_pack,
    todays_parcels,
    unprinted_insert_ids,
)
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase, void_purchase
from desktop.store.shopfile import ShopDatabase


@pytest.fixture
def shop_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Lets a test run the shop's computer in another time zone, restoring it afterwards."""
    yield
    monkeypatch.undo()
    time.tzset()


def _in_zone(monkeypatch: pytest.MonkeyPatch, zone: str) -> ZoneInfo:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    return ZoneInfo(zone)


def _sale(
    session: Session,
    when: datetime,
    channel: str = "online",
    customer: str | None = None,
    lines: list[LineInput] | None = None,
) -> int:
    customer_id = create_customer(session, CustomerDetails(name=customer)).id if customer else None
    purchase = record_purchase(
        session,
        PurchaseInput(
            lines or [LineInput("Blue mug", 1, 1200)],
            customer_id,
            channel=channel,
            purchased_at=when,
        ),
    )
    return purchase.id


def test_only_todays_online_and_phone_orders_are_parcels(shop: ShopDatabase) -> None:
    now = datetime.now(UTC)
    today = now.astimezone().date()
    with shop.write() as session:
        online = _sale(
            session,
            now,
            "online",
            "Łukasz Ó'Brien",
            [LineInput("Blue mug", 2, 1200), LineInput("Tea towel", 1, 800)],
        )
        phone = _sale(session, now, "phone")
        _sale(session, now, "in_shop", "Zoë")
        _sale(session, now - timedelta(days=2), "online", "Ελένη")
        void_purchase(session, _sale(session, now, "online", "Дмитрий"), "Rung up twice")
    with shop.read() as session:
        rows = todays_parcels(session)
    assert [row.purchase_id for row in rows] == sorted([online, phone])
    first = next(row for row in rows if row.purchase_id == online)
    assert first.customer_name == "Łukasz Ó'Brien" and first.channel == "online"
    assert first.items == "2 × Blue mug, Tea towel"
    assert (first.total, first.currency) == (3200, "GBP")
    assert first.insert_printed_at is None
    assert next(row for row in rows if row.purchase_id == phone).customer_name is None
    with shop.read() as session:
        assert todays_parcels(session, today - timedelta(days=2))[0].customer_name == "Ελένη"


@pytest.mark.usefixtures("shop_zone")
@pytest.mark.parametrize("zone", ["Europe/London", "Pacific/Auckland", "America/Los_Angeles"])
def test_a_day_is_the_shops_local_day_not_utcs(
    shop: ShopDatabase, monkeypatch: pytest.MonkeyPatch, zone: str
) -> None:
    local = _in_zone(monkeypatch, zone)
    day = date(2026, 7, 1)

    def at(hour: int, minute: int, on: date = day) -> datetime:
        return datetime(on.year, on.month, on.day, hour, minute, tzinfo=local).astimezone(UTC)

    with shop.write() as session:
        just_after_midnight = _sale(session, at(0, 15), customer="Zoë")
        late_evening = _sale(session, at(23, 30), customer="李雷")
        next_morning = _sale(session, at(0, 30, day + timedelta(days=1)), customer="Ελένη")
        previous_night = _sale(session, at(23, 45, day - timedelta(days=1)), customer="Дмитрий")
    with shop.read() as session:
        assert [r.purchase_id for r in todays_parcels(session, day)] == [
            just_after_midnight,
            late_evening,
        ]
        assert [r.purchase_id for r in todays_parcels(session, day + timedelta(days=1))] == [
            next_morning
        ]
        assert [r.purchase_id for r in todays_parcels(session, day - timedelta(days=1))] == [
            previous_night
        ]
    # In every one of these zones a 23:30 local sale falls on another UTC date than its local one.
    assert at(23, 30).date() != day or at(0, 15).date() != day


def test_a_long_order_is_summarised(shop: ShopDatabase) -> None:
    lines = [LineInput(f"Sencha {n}", n, 500) for n in range(1, 6)]
    with shop.write() as session:
        _sale(session, datetime.now(UTC), lines=lines)
        rows = todays_parcels(session)
    assert rows[0].items == "Sencha 1, 2 × Sencha 2, 3 × Sencha 3 and 2 more"


def test_printed_inserts_drop_out_of_the_unprinted_list(shop: ShopDatabase) -> None:
    now = datetime.now(UTC)
    with shop.write() as session:
        ids = [_sale(session, now, customer=name) for name in ("Zoë", "Ελένη", "🌻 Sunny")]
    with shop.write() as session:
        assert unprinted_insert_ids(session) == ids
        mark_inserts_printed(session, ids[:2], now)
    with shop.read() as session:
        assert unprinted_insert_ids(session) == ids[2:]
        rows = todays_parcels(session)
    assert [row.insert_printed_at for row in rows] == [now, now, None]


def test_the_extras_to_pack_start_with_defaults_and_can_be_changed(shop: ShopDatabase) -> None:
    with shop.write() as session:
        assert extras_to_pack(session) == list(DEFAULT_EXTRAS)
        saved = set_extras_to_pack(session, ["  Lavender sachet ", "", "Card from Łucja 💌", "  "])
    assert saved == ["Lavender sachet", "Card from Łucja 💌"]
    with shop.read() as session:
        assert extras_to_pack(session) == saved
    with shop.write() as session:
        assert set_extras_to_pack(session, []) == []
        assert extras_to_pack(session) == []


@pytest.mark.parametrize(
    ("items", "says"),
    [
        ([f"Extra {n}" for n in range(13)], "12 extras at most (this has 13)"),
        (["Sweets", "x" * 81], "extra on line 2 is too long (at most 80 characters)"),
        (["Sweets\nand more"], "extra on line 1 contains a control character"),
    ],
)
def test_bad_extras_are_refused_and_the_old_list_kept(
    shop: ShopDatabase, items: list[str], says: str
) -> None:
    with shop.write() as session:
        set_extras_to_pack(session, ["Sweets"])
    with shop.write() as session, pytest.raises(InvalidInput, match=re.escape(says)):
        set_extras_to_pack(session, items)
    with shop.read() as session:
        assert extras_to_pack(session) == ["Sweets"]
