"""Recording and voiding sales: references, totals, history, and nothing half-written."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from desktop.shop.catalogue import add_category, add_product
from desktop.shop.customers import CustomerDetails, create_customer, get_customer
from desktop.shop.errors import AlreadyVoided, DuplicateReference, InvalidInput, NotFound
from desktop.shop.purchases import (
    LineInput,
    PurchaseInput,
    browse_purchases,
    find_purchase,
    get_purchase,
    record_purchase,
    todays_purchases,
    void_purchase,
)
from desktop.shop.settings import ShopProfile, save_profile
from desktop.store.models import Purchase, PurchaseLine
from desktop.store.shopfile import ShopDatabase, open_shop

DAY = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)


def _sale(
    shop: ShopDatabase,
    *lines: tuple[str, int, int],
    customer_id: int | None = None,
    reference: str = "",
    when: datetime | None = None,
) -> Purchase:
    with shop.write() as session:
        return record_purchase(
            session,
            PurchaseInput(
                [LineInput(d, q, p) for d, q, p in lines],
                customer_id=customer_id,
                reference=reference,
                purchased_at=when,
            ),
        )


def _customer(shop: ShopDatabase, name: str) -> int:
    with shop.write() as session:
        return create_customer(session, CustomerDetails(name=name)).id


def _counts(shop: ShopDatabase) -> tuple[int, int]:
    with shop.read() as session:
        purchases = session.scalar(select(func.count(Purchase.id)))
        lines = session.scalar(select(func.count(PurchaseLine.id)))
    return purchases or 0, lines or 0


def test_automatic_references_count_up_from_one(shop: ShopDatabase) -> None:
    references = [_sale(shop, ("Tea", 1, 350)).reference for _ in range(3)]
    assert references == ["P-000001", "P-000002", "P-000003"]


def test_a_typed_reference_that_is_taken_is_refused_and_nothing_is_written(
    shop: ShopDatabase,
) -> None:
    _sale(shop, ("Tea", 1, 350), reference="WEB-1001")
    before = _counts(shop)
    with pytest.raises(DuplicateReference, match="WEB-1001"):
        _sale(shop, ("Mug", 2, 800), reference="WEB-1001")
    assert _counts(shop) == before


def test_automatic_numbering_skips_a_reference_someone_typed(shop: ShopDatabase) -> None:
    assert _sale(shop, ("Tea", 1, 350)).reference == "P-000001"
    assert _sale(shop, ("Tea", 1, 350), reference="P-000002").reference == "P-000002"
    assert _sale(shop, ("Tea", 1, 350)).reference == "P-000003"
    assert _sale(shop, ("Tea", 1, 350)).reference == "P-000004"


def test_two_tills_never_hand_out_the_same_reference(shop: ShopDatabase) -> None:
    assert shop.path is not None
    tills = [open_shop(shop.path), open_shop(shop.path)]
    made: list[str] = []
    lock = threading.Lock()

    def till(database: ShopDatabase) -> None:
        for _ in range(15):
            reference = _sale(database, ("Tea", 1, 350)).reference
            with lock:
                made.append(reference)

    threads = [threading.Thread(target=till, args=(t,)) for t in tills]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for database in tills:
        database.close()
    assert len(made) == 30
    assert sorted(made) == [f"P-{n:06d}" for n in range(1, 31)]


def test_a_sale_brings_the_customers_totals_up_to_date(shop: ShopDatabase) -> None:
    zoe = _customer(shop, "Zoë Ó'Brien")
    _sale(shop, ("Earl Grey", 2, 450), ("Mug", 1, 1200), customer_id=zoe, when=DAY)
    _sale(shop, ("Teapot", 1, 3000), customer_id=zoe, when=DAY + timedelta(days=7))
    with shop.read() as session:
        customer = get_customer(session, zoe)
        assert customer.visit_count == 2
        assert customer.total_spent == 2 * 450 + 1200 + 3000
        assert customer.first_seen_at == DAY
        assert customer.last_seen_at == DAY + timedelta(days=7)


def test_voiding_keeps_the_purchase_and_takes_it_out_of_the_totals(shop: ShopDatabase) -> None:
    lukasz = _customer(shop, "Łukasz Ó'Brien")
    _sale(shop, ("Earl Grey", 1, 450), customer_id=lukasz, when=DAY)
    late = _sale(shop, ("Teapot", 1, 3000), customer_id=lukasz, when=DAY + timedelta(days=3))
    with shop.write() as session:
        void_purchase(session, late.id, "Rang up twice — Ελένη")
    with shop.read() as session:
        kept = get_purchase(session, late.id)
        assert kept.voided_at is not None
        assert kept.void_reason == "Rang up twice — Ελένη"
        assert [line.description for line in kept.lines] == ["Teapot"]
        customer = get_customer(session, lukasz)
        assert (customer.visit_count, customer.total_spent) == (1, 450)
        assert customer.last_seen_at == DAY
        rows = browse_purchases(session).rows
    assert [(r.reference, r.voided, r.void_reason) for r in rows] == [
        (late.reference, True, "Rang up twice — Ελένη"),
        ("P-000001", False, None),
    ]


def test_voiding_the_only_purchase_clears_last_seen(shop: ShopDatabase) -> None:
    dmitry = _customer(shop, "Дмитрий")
    sale = _sale(shop, ("Tea", 1, 350), customer_id=dmitry, when=DAY)
    with shop.write() as session:
        void_purchase(session, sale.id, "Card declined")
    with shop.read() as session:
        customer = get_customer(session, dmitry)
        assert (customer.visit_count, customer.total_spent, customer.last_seen_at) == (0, 0, None)


def test_voiding_twice_says_when_it_was_voided(shop: ShopDatabase) -> None:
    sale = _sale(shop, ("Tea", 1, 350))
    with shop.write() as session:
        void_purchase(session, sale.id, "Mistake")
    with (
        pytest.raises(AlreadyVoided, match=r"P-000001 was already voided on \d\d \w{3} \d{4}"),
        shop.write() as session,
    ):
        void_purchase(session, sale.id, "Again")


def test_voiding_needs_a_reason(shop: ShopDatabase) -> None:
    sale = _sale(shop, ("Tea", 1, 350))
    with pytest.raises(InvalidInput, match="reason") as caught, shop.write() as session:
        void_purchase(session, sale.id, "   ")
    assert caught.value.field == "reason"
    with shop.read() as session:
        assert get_purchase(session, sale.id).voided_at is None


@pytest.mark.parametrize(
    ("second_line", "field", "words"),
    [
        (("Mug", -1, 800), "quantity", "quantity on line 2"),
        (("Mug", 0, 800), "quantity", "quantity on line 2"),
        (("Mug", 1, -800), "price", "price on line 2"),
        (("", 1, 800), "lines", "line 2"),
        (("Mug\x07", 1, 800), "description on line 2", "description on line 2"),
    ],
)
def test_a_bad_line_is_refused_naming_it_and_nothing_is_written(
    shop: ShopDatabase, second_line: tuple[str, int, int], field: str, words: str
) -> None:
    li_lei = _customer(shop, "李雷 🍵")
    with pytest.raises(InvalidInput, match=words) as caught:
        _sale(shop, ("Tea", 1, 350), second_line, customer_id=li_lei)
    assert caught.value.field == field
    assert _counts(shop) == (0, 0)
    with shop.read() as session:
        assert get_customer(session, li_lei).visit_count == 0
    # The failed attempt did not use up a reference number either.
    assert _sale(shop, ("Tea", 1, 350)).reference == "P-000001"


def test_a_sale_needs_a_line_a_known_customer_and_a_sensible_time(shop: ShopDatabase) -> None:
    with pytest.raises(InvalidInput, match="at least one line"):
        _sale(shop)
    with pytest.raises(NotFound, match="customer number 999"):
        _sale(shop, ("Tea", 1, 350), customer_id=999)
    with pytest.raises(InvalidInput, match="future"):
        _sale(shop, ("Tea", 1, 350), when=datetime.now(UTC) + timedelta(days=3))
    with pytest.raises(InvalidInput, match="time zone"):
        _sale(shop, ("Tea", 1, 350), when=datetime(2024, 1, 1, 12, 0))
    with pytest.raises(InvalidInput, match="channel"), shop.write() as session:
        record_purchase(session, PurchaseInput([LineInput("Tea", 1, 1)], channel="fax"))
    assert _counts(shop) == (0, 0)


def test_a_local_time_is_stored_as_utc(shop: ShopDatabase) -> None:
    summer = timezone(timedelta(hours=1))
    sale = _sale(shop, ("Tea", 1, 350), when=datetime(2024, 7, 1, 9, 30, tzinfo=summer))
    with shop.read() as session:
        stored = get_purchase(session, sale.id).purchased_at
    assert stored == datetime(2024, 7, 1, 8, 30, tzinfo=UTC)
    assert stored.utcoffset() == timedelta(0)


def test_a_catalogue_line_takes_the_products_name_and_category(shop: ShopDatabase) -> None:
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Ζεστό Τσάι", currency="EUR", locale="el_GR"))
        ceramics = add_category(session, "Ceramics")
        mug = add_product(session, "Zoë's mug", 1200, category_id=ceramics.id, sku="MUG-1")
        sale = record_purchase(session, PurchaseInput([LineInput("", 2, 1100, mug.id)]))
    with shop.read() as session:
        stored = get_purchase(session, sale.id)
        line = stored.lines[0]
        assert (line.description, line.category_id, line.unit_price) == (
            "Zoë's mug",
            ceramics.id,
            1100,
        )
        assert (stored.total, stored.currency) == (2200, "EUR")


def test_paging_returns_every_purchase_once_newest_first(shop: ShopDatabase) -> None:
    zoe = _customer(shop, "Zoë")
    # Several sales share a minute, so the id must break ties between pages.
    for n in range(23):
        _sale(shop, ("Tea", 1, 100 + n), customer_id=zoe, when=DAY + timedelta(hours=n // 4))
    with shop.read() as session:
        seen = []
        page = browse_purchases(session, limit=5)
        seen += page.rows
        while page.next_key is not None:
            when, last_id = page.next_key
            # A key carried in another zone still means the same instant.
            shifted = (when.astimezone(timezone(timedelta(hours=-5))), last_id)
            page = browse_purchases(session, after=shifted, limit=5)
            seen += page.rows
    assert len(seen) == 23
    assert len({r.id for r in seen}) == 23
    keys = [(r.purchased_at, r.id) for r in seen]
    assert keys == sorted(keys, reverse=True)
    assert {r.customer_name for r in seen} == {"Zoë"}


def test_browse_can_show_one_customer_or_one_reference(shop: ShopDatabase) -> None:
    zoe, eleni = _customer(shop, "Zoë"), _customer(shop, "Ελένη")
    _sale(shop, ("Tea", 1, 350), customer_id=zoe)
    _sale(shop, ("Mug", 1, 900), customer_id=eleni, reference="PHONE-7")
    _sale(shop, ("Pot", 1, 2500))
    with shop.read() as session:
        assert [r.customer_name for r in browse_purchases(session, customer_id=eleni).rows] == [
            "Ελένη"
        ]
        only = browse_purchases(session, reference="PHONE-7").rows
        assert [(r.reference, r.total) for r in only] == [("PHONE-7", 900)]
        anonymous = [r for r in browse_purchases(session).rows if r.customer_id is None]
        assert [(r.customer_name, r.total) for r in anonymous] == [(None, 2500)]


def test_find_purchase_accepts_the_number_alone_or_lower_case(shop: ShopDatabase) -> None:
    _sale(shop, ("Tea", 1, 350))
    _sale(shop, ("Tea", 1, 350), reference="WEB-42")
    with shop.read() as session:
        assert find_purchase(session, " P-000001 ").reference == "P-000001"
        assert find_purchase(session, "1").reference == "P-000001"
        assert find_purchase(session, "web-42").reference == "WEB-42"
        with pytest.raises(NotFound, match="P-999"):
            find_purchase(session, "P-999")


def test_todays_purchases_are_the_local_days_live_sales_newest_first(shop: ShopDatabase) -> None:
    zoe, eleni = _customer(shop, "Zoë"), _customer(shop, "Ελένη")
    day = date(2024, 3, 1)
    midnight = datetime.combine(day, time()).astimezone()
    _sale(shop, ("Late tea", 1, 100), customer_id=zoe, when=midnight - timedelta(minutes=1))
    first = _sale(shop, ("Early tea", 1, 200), customer_id=zoe, when=midnight)
    mug = _sale(shop, ("Mug", 1, 900), customer_id=eleni, when=midnight + timedelta(hours=15))
    voided = _sale(shop, ("Pot", 1, 2500), when=midnight + timedelta(hours=16))
    last = _sale(shop, ("Cake", 1, 300), when=midnight + timedelta(hours=24, seconds=-1))
    _sale(shop, ("Next day", 1, 400), customer_id=zoe, when=midnight + timedelta(hours=24))
    with shop.write() as session:
        void_purchase(session, voided.id, "Rang up twice")
    now = _sale(shop, ("Scone", 1, 250), customer_id=eleni)

    with shop.read() as session:
        shown = todays_purchases(session, day)
        assert [r.id for r in shown] == [last.id, mug.id, first.id]
        assert [(r.customer_name, r.total) for r in shown] == [
            (None, 300),
            ("Ελένη", 900),
            ("Zoë", 200),
        ]
        assert [r.id for r in todays_purchases(session, day, customer_id=eleni)] == [mug.id]
        assert [r.id for r in todays_purchases(session, day + timedelta(days=2))] == []
        assert [r.id for r in todays_purchases(session)] == [now.id]
