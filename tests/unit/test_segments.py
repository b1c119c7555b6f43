"""Saved segments: each kind of group, combinations, names, and counts that follow the data."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.shop.catalogue import add_category, add_product
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.lapsed import refresh_rhythm
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase, void_purchase
from desktop.shop.segments import (
    Definition,
    delete_segment,
    describe,
    find_segment,
    list_segments,
    save_segment,
    segment_count,
    segment_customer_ids,
    segment_definition,
)
from desktop.store.models import Category, Customer
from desktop.store.shopfile import ShopDatabase

TODAY = date(2024, 6, 14)
NOON = time(12, tzinfo=UTC)


def _sale(
    session: Session, customer_id: int, days_ago: int, product_id: int, price: int = 450
) -> int:
    purchase = record_purchase(
        session,
        PurchaseInput(
            lines=[LineInput("", 1, price, product_id=product_id)],
            customer_id=customer_id,
            purchased_at=datetime.combine(TODAY - timedelta(days=days_ago), NOON),
        ),
    )
    refresh_rhythm(session, customer_id)
    return purchase.id


@pytest.fixture
def people(shop: ShopDatabase) -> dict[str, int]:
    """Six customers: who bought what, when, and whose birthday is in June."""
    with shop.write() as session:
        tea = add_category(session, "Tea")
        pots = add_category(session, "Ceramics")
        sencha = add_product(session, "Sencha", 650, category_id=tea.id).id
        mug = add_product(session, "Stoneware mug", 1800, category_id=pots.id).id
        ids = {}
        for name, month in [
            ("Zoë", 6),
            ("Łukasz Ó'Brien", None),
            ("Ελένη", 6),
            ("Дмитрий", 1),
            ("李雷", None),
            ("Ana 🌸", None),
        ]:
            ids[name] = create_customer(
                session,
                CustomerDetails(name=name, birth_day=1 if month else None, birth_month=month),
            ).id
        for ago in range(0, 70, 7):  # weekly, still coming: the best customer
            _sale(session, ids["Zoë"], ago, sencha)
        for ago in range(100, 170, 7):  # weekly, stopped 100 days ago
            _sale(session, ids["Łukasz Ó'Brien"], ago, sencha)
        _sale(session, ids["Ελένη"], 200, mug)  # once, long ago
        _sale(session, ids["Дмитрий"], 10, mug)  # usually every 7 days, 10 days away: overdue
        _sale(session, ids["Дмитрий"], 17, mug)
        _sale(session, ids["Дмитрий"], 24, mug)
        voided = _sale(session, ids["李雷"], 5, sencha)  # bought tea, then took it back
        void_purchase(session, voided, "Returned unopened")
        refresh_rhythm(session, ids["李雷"])
        _sale(session, ids["李雷"], 5, mug)
    return ids


def _members(shop: ShopDatabase, definition: Definition) -> set[str]:
    with shop.read() as session:
        ids = segment_customer_ids(session, definition, today=TODAY)
        names = set(session.scalars(select(Customer.name).where(Customer.id.in_(ids))))
        assert segment_count(session, definition, today=TODAY) == len(names)
    return names


def _category_id(session: Session, name: str) -> int:
    found = session.scalar(select(Category.id).where(Category.name == name))
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        ({"kind": "not_seen_lately", "rule": "threshold"}, {"Łukasz Ó'Brien", "Ελένη"}),
        ({"kind": "not_seen_lately", "rule": "rhythm"}, {"Łukasz Ó'Brien", "Ελένη"}),
        ({"kind": "overdue"}, {"Дмитрий"}),
        ({"kind": "one_time_buyers"}, {"Ελένη", "李雷"}),
        ({"kind": "best_customers", "top": 2}, {"Zoë", "Łukasz Ó'Brien"}),
        ({"kind": "birthday_this_month"}, {"Zoë", "Ελένη"}),
    ],
)
def test_each_kind_picks_its_customers(
    shop: ShopDatabase, people: dict[str, int], definition: Definition, expected: set[str]
) -> None:
    assert _members(shop, definition) == expected


def test_bought_from_a_category_leaves_out_voided_sales(
    shop: ShopDatabase, people: dict[str, int]
) -> None:
    with shop.read() as session:
        tea, pots = _category_id(session, "Tea"), _category_id(session, "Ceramics")

    assert _members(shop, {"kind": "bought_from_category", "category_id": tea}) == {
        "Zoë",
        "Łukasz Ó'Brien",
    }
    assert _members(shop, {"kind": "bought_from_category", "category_id": pots}) == {
        "Ελένη",
        "Дмитрий",
        "李雷",
    }


def test_the_model_segment_falls_back_to_the_rhythm_on_thin_data(
    shop: ShopDatabase, people: dict[str, int]
) -> None:
    assert _members(shop, {"kind": "not_seen_lately", "rule": "model"}) == _members(
        shop, {"kind": "not_seen_lately", "rule": "rhythm"}
    )


def test_combinations_nest(shop: ShopDatabase, people: dict[str, int]) -> None:
    with shop.read() as session:
        tea = _category_id(session, "Tea")
    lapsed_tea_drinkers = {
        "kind": "all_of",
        "parts": [
            {"kind": "not_seen_lately", "rule": "rhythm"},
            {"kind": "bought_from_category", "category_id": tea},
        ],
    }
    birthday_or_overdue = {
        "kind": "any_of",
        "parts": [{"kind": "birthday_this_month"}, {"kind": "overdue"}],
    }

    assert _members(shop, lapsed_tea_drinkers) == {"Łukasz Ó'Brien"}
    assert _members(shop, birthday_or_overdue) == {"Zoë", "Ελένη", "Дмитрий"}
    assert _members(
        shop, {"kind": "any_of", "parts": [lapsed_tea_drinkers, birthday_or_overdue]}
    ) == {"Łukasz Ó'Brien", "Zoë", "Ελένη", "Дмитрий"}
    assert _members(
        shop, {"kind": "all_of", "parts": [birthday_or_overdue, {"kind": "one_time_buyers"}]}
    ) == {"Ελένη"}
    with shop.read() as session:
        assert describe(session, lapsed_tea_drinkers) == (
            "Not seen lately (by their own rhythm) and Bought from Tea"
        )
        assert describe(
            session, {"kind": "any_of", "parts": [lapsed_tea_drinkers, birthday_or_overdue]}
        ) == (
            "(Not seen lately (by their own rhythm) and Bought from Tea) or "
            "(Birthday this month or Overdue: their usual next visit has passed)"
        )


def test_birthday_this_month_follows_the_calendar(
    shop: ShopDatabase, people: dict[str, int]
) -> None:
    with shop.read() as session:
        january = segment_customer_ids(
            session, {"kind": "birthday_this_month"}, today=date(2025, 1, 31)
        )
        assert set(session.scalars(select(Customer.name).where(Customer.id.in_(january)))) == {
            "Дмитрий"
        }


def test_counts_follow_new_sales(shop: ShopDatabase, people: dict[str, int]) -> None:
    once = {"kind": "one_time_buyers"}
    with shop.read() as session:
        before = segment_count(session, once, today=TODAY)

    with shop.write() as session:
        record_purchase(
            session,
            PurchaseInput(lines=[LineInput("Teapot", 1, 3200)], customer_id=people["Ελένη"]),
        )
        refresh_rhythm(session, people["Ελένη"])

    with shop.read() as session:
        assert segment_count(session, once, today=TODAY) == before - 1
        assert "Ελένη" not in _members(shop, once)


def test_segments_are_saved_listed_found_and_deleted(
    shop: ShopDatabase, people: dict[str, int]
) -> None:
    lapsed = {"kind": "not_seen_lately", "rule": "rhythm"}
    with shop.write() as session:
        saved = save_segment(session, "  Lapsed regulars  ", lapsed)
        save_segment(session, "Ελληνικά γενέθλια", {"kind": "birthday_this_month"})
        with pytest.raises(InvalidInput) as taken:
            save_segment(session, "LAPSED Regulars", {"kind": "overdue"})
        assert taken.value.field == "name"
        assert str(taken.value) == "There is already a segment called “LAPSED Regulars”."

    with shop.read() as session:
        assert [s.name for s in list_segments(session)] == ["Lapsed regulars", "Ελληνικά γενέθλια"]
        found = find_segment(session, "lapsed REGULARS")
        assert found.id == saved.id
        assert segment_definition(found) == lapsed
        assert find_segment(session, "ελληνικα γενεθλια").name == "Ελληνικά γενέθλια"

    with shop.write() as session:
        delete_segment(session, saved.id)
        with pytest.raises(NotFound):
            delete_segment(session, saved.id)
    with shop.read() as session:
        with pytest.raises(NotFound) as missing:
            find_segment(session, "Lapsed regulars")
        assert str(missing.value) == "There is no segment called “Lapsed regulars”."


def _nested(depth: int) -> Definition:
    definition: Definition = {"kind": "overdue"}
    for _ in range(depth):
        definition = {"kind": "any_of", "parts": [definition]}
    return definition


@pytest.mark.parametrize(
    ("definition", "words"),
    [
        ({"kind": "everyone"}, "A segment needs a kind of customer to pick."),
        ("one_time_buyers", "A segment needs a kind of customer to pick."),
        ({"kind": "not_seen_lately"}, "The segment “not_seen_lately” needs: rule."),
        ({"kind": "overdue", "days": 3}, "The segment “overdue” does not take: days."),
        (
            {"kind": "not_seen_lately", "rule": "gut feeling"},
            "Choose the shop's limit, own rhythm or the model.",
        ),
        (
            {"kind": "best_customers", "top": 0},
            "The number of best customers must be 1 to 100,000.",
        ),
        (
            {"kind": "best_customers", "top": True},
            "The number of best customers must be 1 to 100,000.",
        ),
        ({"kind": "all_of", "parts": []}, "A combination takes 1 to 20 parts."),
        (_nested(5), "The combination is nested too deeply."),
        (
            {"kind": "all_of", "parts": [{"kind": "overdue"}, {}]},
            "A segment needs a kind of customer to pick.",
        ),
    ],
)
def test_definitions_that_make_no_sense_are_refused(
    shop: ShopDatabase, definition: object, words: str
) -> None:
    with pytest.raises(InvalidInput) as refused, shop.write() as session:
        save_segment(session, "Zoë's list", definition)  # type: ignore[arg-type]

    assert str(refused.value) == words
    assert refused.value.field == "definition"
    with shop.read() as session:
        assert list_segments(session) == []


def test_a_removed_category_is_refused(shop: ShopDatabase) -> None:
    with pytest.raises(NotFound) as missing, shop.write() as session:
        save_segment(session, "Tea lovers", {"kind": "bought_from_category", "category_id": 99})

    assert str(missing.value) == "That category no longer exists."
