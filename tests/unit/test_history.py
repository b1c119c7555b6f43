"""A customer's page: their purchases, totals, and their own rhythm of visits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desktop.shop.consent import ConsentChoice
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.history import customer_overview, describe_gap, usual_gap_days
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase, void_purchase
from desktop.store.shopfile import ShopDatabase

NOON = datetime(2025, 1, 1, 12, tzinfo=UTC)


def days(*offsets: int) -> list[datetime]:
    return [NOON + timedelta(days=offset) for offset in offsets]


def test_usual_gap_is_the_median_of_gaps_between_visit_days() -> None:
    # Gaps 7, 7, 86: one long holiday does not change her rhythm.
    assert usual_gap_days(days(0, 7, 14, 100)) == 7.0
    # Gaps 10 and 20: an even count takes the middle of the two.
    assert usual_gap_days(days(0, 10, 30)) == 15.0


def test_two_purchases_on_one_day_are_one_visit() -> None:
    same_day = [NOON, NOON + timedelta(hours=2)]
    assert usual_gap_days(same_day) is None
    assert usual_gap_days([*same_day, NOON + timedelta(days=3)]) == 3.0


def test_no_gap_before_a_second_visit() -> None:
    assert usual_gap_days([]) is None
    assert usual_gap_days(days(0)) is None


@pytest.mark.parametrize(
    ("gap", "words"),
    [
        (None, "not enough visits yet"),
        (1, "about daily"),
        (7, "about every 7 days"),
        (10, "about every week"),
        (21, "about every 3 weeks"),
        (30, "about every 4 weeks"),
        (61, "about every 2 months"),
        (365, "about every 12 months"),
        (800, "about every 2.2 years"),
    ],
)
def test_describe_gap(gap: float | None, words: str) -> None:
    assert describe_gap(gap) == words


def test_overview_shows_purchases_newest_first_with_voided_ones_marked(shop: ShopDatabase) -> None:
    with shop.write() as session:
        customer = create_customer(
            session,
            CustomerDetails(name="Ελένη", email="eleni@example.gr"),
            email_consent=ConsentChoice(True),
        )
        ids = [
            record_purchase(
                session,
                PurchaseInput([LineInput("Mug", 2, 850)], customer_id=customer.id, purchased_at=t),
            ).id
            for t in days(0, 14, 28, 35)
        ]
        void_purchase(session, ids[-1], "Returned the same day")
        customer_id = customer.id
    with shop.read() as session:
        overview = customer_overview(session, customer_id)
        assert [p.id for p in overview.purchases] == list(reversed(ids))
        assert overview.purchases[0].void_reason == "Returned the same day"
        assert overview.purchase_count == 3
        assert overview.total_spent == 3 * 1700
        assert overview.first_seen_at == NOON
        assert overview.last_seen_at == NOON + timedelta(days=28)
        assert overview.usual_gap_days == 14.0
        assert [c.channel for c in overview.consents] == ["email"]
        assert overview.purchases[-1].items == [(2, "Mug")]
        assert overview.purchases[-1].reference.startswith("P-")
