"""Satisfaction figures: the recommend score on known counts, averages, local months,
categories and the latest comments."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from desktop.shop.catalogue import add_category, add_product
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.errors import InvalidInput
from desktop.shop.feedback import FeedbackInput, record_feedback
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.satisfaction import (
    Month,
    Satisfaction,
    by_category,
    feedback_rows,
    months_ending,
    nps,
    recent_comments,
    satisfaction_between,
    satisfaction_in,
    trend_by_month,
)
from desktop.store.shopfile import ShopDatabase


@pytest.mark.parametrize(
    ("promoters", "passives", "detractors", "score"),
    [
        (5, 3, 2, 30),
        (10, 0, 0, 100),
        (0, 0, 4, -100),
        (1, 1, 1, 0),
        (1, 7, 0, 13),  # 12.5 rounds away from zero
        (0, 7, 1, -13),
        (2, 1, 0, 67),
    ],
)
def test_the_recommend_score_on_known_counts(
    promoters: int, passives: int, detractors: int, score: int
) -> None:
    answers = promoters + passives + detractors
    assert nps(promoters, detractors, answers) == score
    figures = Satisfaction(answers, 0, None, answers, promoters, passives, detractors)
    assert figures.recommend_score == score


def test_no_answers_have_no_score() -> None:
    assert nps(0, 0, 0) is None


@pytest.fixture
def zoe(shop: ShopDatabase) -> int:
    with shop.write() as session:
        return create_customer(session, CustomerDetails("Zoë Ó'Brien")).id


def _feedback(
    shop: ShopDatabase,
    customer_id: int,
    when: datetime,
    rating: int | None = None,
    recommend: int | None = None,
    comment: str = "",
    purchase_id: int | None = None,
) -> int:
    with shop.write() as session:
        return record_feedback(
            session,
            FeedbackInput(rating, recommend, comment, "in_person", when, purchase_id, customer_id),
        ).id


def test_scores_are_counted_as_promoters_passives_and_detractors(
    shop: ShopDatabase, zoe: int
) -> None:
    when = datetime(2026, 3, 10, 12, tzinfo=UTC)
    for recommend in (10, 9, 9, 8, 7, 6, 0):
        _feedback(shop, zoe, when, recommend=recommend)
    for rating in (5, 4, 4):
        _feedback(shop, zoe, when, rating=rating)

    with shop.read() as session:
        figures = satisfaction_in(session, Month(2026, 3))

    assert (figures.responses, figures.ratings, figures.answers) == (10, 3, 7)
    assert (figures.promoters, figures.passives, figures.detractors) == (3, 2, 2)
    assert figures.recommend_score == 14  # (3 - 2) / 7 = 14.3%
    assert figures.average_rating == 4.33


@pytest.fixture
def london() -> Iterator[None]:
    """The shop's computer in London, so local months differ from UTC in summer."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "Europe/London")
        time.tzset()
        yield
    time.tzset()


def test_months_are_the_shops_local_months(shop: ShopDatabase, zoe: int, london: None) -> None:
    # 00:30 on 1 June in London is still 31 May in UTC.
    _feedback(shop, zoe, datetime(2026, 5, 31, 23, 30, tzinfo=UTC), rating=5)
    _feedback(shop, zoe, datetime(2026, 5, 31, 22, 30, tzinfo=UTC), rating=1)

    with shop.read() as session:
        trend = trend_by_month(session, months_ending(Month(2026, 6), 3))

    assert [(str(m.month), m.figures.ratings, m.figures.average_rating) for m in trend] == [
        ("2026-04", 0, None),
        ("2026-05", 1, 1.0),
        ("2026-06", 1, 5.0),
    ]


def test_satisfaction_by_category_counts_a_purchase_in_each_of_its_categories(
    shop: ShopDatabase, zoe: int
) -> None:
    when = datetime(2026, 3, 10, 12, tzinfo=UTC)
    with shop.write() as session:
        tea = add_category(session, "Tea").id
        pottery = add_category(session, "Pottery").id
        earl_grey = add_product(session, "Earl Grey", 795, category_id=tea).id
        sencha = add_product(session, "Sencha", 900, category_id=tea).id
        mug = add_product(session, "Mug", 1800, category_id=pottery).id

        def bought(*products: int) -> int:
            lines = [LineInput("", 1, 100, product) for product in products]
            return record_purchase(session, PurchaseInput(lines, zoe, purchased_at=when)).id

        both = bought(earl_grey, sencha, mug)
        tea_only = bought(sencha)
        loose = record_purchase(
            session, PurchaseInput([LineInput("Gift wrap", 1, 150)], zoe, purchased_at=when)
        ).id
    _feedback(shop, zoe, when, rating=5, recommend=10, purchase_id=both)
    _feedback(shop, zoe, when, rating=2, recommend=3, purchase_id=tea_only)
    _feedback(shop, zoe, when, rating=4, purchase_id=loose)
    _feedback(shop, zoe, when, rating=1)  # about the shop: in no category

    with shop.read() as session:
        found = by_category(session, *Month(2026, 3).bounds())

    assert [
        (c.name, c.figures.responses, c.figures.average_rating, c.figures.recommend_score)
        for c in found
    ] == [
        ("Tea", 2, 3.5, 0),
        ("Pottery", 1, 5.0, 100),
        ("Without a category", 1, 4.0, None),
    ]


def test_recent_comments_newest_first_and_pages_of_feedback(shop: ShopDatabase, zoe: int) -> None:
    ids = [
        _feedback(shop, zoe, datetime(2026, 3, day, 12, tzinfo=UTC), 5, None, comment)
        for day, comment in ((1, "Lovely <b>mug</b>"), (2, ""), (3, "Ελένη loved it"), (4, ""))
    ]

    with shop.read() as session:
        comments = recent_comments(session, limit=5)
        first = feedback_rows(session, limit=2)
        rest = feedback_rows(session, after=(first[-1].received_at, first[-1].id))

    assert [row.comment for row in comments] == ["Ελένη loved it", "Lovely <b>mug</b>"]
    assert comments[0].customer_name == "Zoë Ó'Brien"
    assert [row.id for row in first + rest] == ids[::-1]


def test_satisfaction_between_leaves_the_end_out(shop: ShopDatabase, zoe: int) -> None:
    _feedback(shop, zoe, datetime(2026, 3, 1, tzinfo=UTC), rating=3)

    with shop.read() as session:
        start, end = datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)
        assert satisfaction_between(session, start, end).responses == 0
        assert satisfaction_between(session, end, datetime(2026, 4, 1, tzinfo=UTC)).responses == 1


def test_months_read_and_label() -> None:
    assert Month.parse(" 2026-05 ") == Month(2026, 5)
    assert Month(2026, 1).shifted(-1) == Month(2025, 12)
    assert Month.from_key(Month(2026, 12).key) == Month(2026, 12)
    assert Month(2026, 5).label() == "May 2026"
    assert Month(2026, 9).label(short=True) == "Sept"
    assert Month(2026, 5).label("de_DE") == "Mai 2026"
    assert [str(m) for m in months_ending(Month(2026, 2), 3)] == ["2025-12", "2026-01", "2026-02"]
    for typed in ("2026-13", "May 2026", "26-05", ""):
        with pytest.raises(InvalidInput) as refused:
            Month.parse(typed)
        assert refused.value.field == "month"
