"""Asking for feedback after a purchase: who is due an email, once, and who is never asked."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from desktop.shop.catalogue import add_category, add_product
from desktop.shop.consent import ConsentChoice, record_consent
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.feedback import (
    due_feedback_requests,
    feedback_url,
    mark_requested,
    stop_feedback_requests,
)
from desktop.shop.guides import GuideInput, create_guide
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase, void_purchase
from desktop.shop.suppression import suppress
from desktop.store.models import Customer
from desktop.store.shopfile import ShopDatabase

TODAY = date.today()
DAYS_AFTER = 3


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12)).astimezone().astimezone(UTC)


def _customer(shop: ShopDatabase, name: str, email: str = "") -> int:
    with shop.write() as session:
        return create_customer(session, CustomerDetails(name, email=email)).id


def _purchase(shop: ShopDatabase, customer_id: int | None, days_ago: int) -> int:
    with shop.write() as session:
        return record_purchase(
            session,
            PurchaseInput(
                [LineInput("Blue mug", 1, 1800)],
                customer_id,
                purchased_at=_noon(TODAY - timedelta(days=days_ago)),
            ),
        ).id


def _due(shop: ShopDatabase, today: date = TODAY) -> list[int]:
    with shop.read() as session:
        return [row.purchase_id for row in due_feedback_requests(session, today, DAYS_AFTER)]


def test_purchases_n_days_ago_with_an_email_are_due(shop: ShopDatabase) -> None:
    zoe = _customer(shop, "Zoë Ó'Brien", "zoe@example.com")
    lei = _customer(shop, "李雷")  # no email address
    due = _purchase(shop, zoe, DAYS_AFTER)
    _purchase(shop, lei, DAYS_AFTER)
    _purchase(shop, None, DAYS_AFTER)  # nobody to ask
    too_recent = _purchase(shop, _customer(shop, "Ελένη", "eleni@example.com"), DAYS_AFTER - 1)

    with shop.read() as session:
        (row,) = due_feedback_requests(session, TODAY, DAYS_AFTER)
    assert (row.purchase_id, row.customer_name, row.email) == (
        due,
        "Zoë Ó'Brien",
        "zoe@example.com",
    )
    # The day it comes due, the younger purchase is asked too.
    assert too_recent in _due(shop, TODAY + timedelta(days=1))


def test_each_purchase_is_asked_once(shop: ShopDatabase) -> None:
    zoe = _customer(shop, "Zoë", "zoe@example.com")
    purchase = _purchase(shop, zoe, DAYS_AFTER)
    sent = datetime.now(UTC)
    with shop.write() as session:
        assert mark_requested(session, [purchase], sent) == 1
    with shop.write() as session:
        assert mark_requested(session, [purchase, purchase], sent) == 0
        with pytest.raises(NotFound):
            mark_requested(session, [999], sent)

    assert _due(shop) == []
    assert _due(shop, TODAY + timedelta(days=2)) == []  # still within the catch-up window


def test_missed_days_are_caught_up_within_the_window(shop: ShopDatabase) -> None:
    zoe = _customer(shop, "Zoë", "zoe@example.com")
    dmitry = _customer(shop, "Дмитрий", "dmitry@example.com")
    caught_up = _purchase(shop, zoe, DAYS_AFTER + 6)  # the app was closed for a few days
    _purchase(shop, dmitry, DAYS_AFTER + 7)  # out of the 7-day window: too late to ask

    assert _due(shop) == [caught_up]


def test_a_customer_is_asked_once_however_often_they_buy(shop: ShopDatabase) -> None:
    zoe = _customer(shop, "Zoë", "zoe@example.com")
    _purchase(shop, zoe, DAYS_AFTER + 2)
    latest = _purchase(shop, zoe, DAYS_AFTER)

    assert _due(shop) == [latest]
    with shop.write() as session:
        mark_requested(session, [latest], datetime.now(UTC))
    # The earlier purchase is not asked about the next day: Zoë was asked lately.
    assert _due(shop, TODAY + timedelta(days=1)) == []


def test_voided_purchases_are_not_asked_about(shop: ShopDatabase) -> None:
    purchase = _purchase(shop, _customer(shop, "Zoë", "zoe@example.com"), DAYS_AFTER)
    with shop.write() as session:
        void_purchase(session, purchase, "Rung up twice")

    assert _due(shop) == []


def test_an_objection_stops_requests_but_withdrawn_marketing_consent_does_not(
    shop: ShopDatabase,
) -> None:
    objector = _customer(shop, "Łukasz", "lukasz@example.com")
    withdrawn = _customer(shop, "Ελένη", "eleni@example.com")
    with shop.write() as session:
        stop_feedback_requests(session, objector, "email")
        stop_feedback_requests(session, objector, "email")  # twice is once
        customer = session.get_one(Customer, withdrawn)
        record_consent(session, customer, "email", ConsentChoice(granted=False))
        with pytest.raises(NotFound):
            stop_feedback_requests(session, 999)
    _purchase(shop, objector, DAYS_AFTER)
    still_asked = _purchase(shop, withdrawn, DAYS_AFTER)

    assert _due(shop) == [still_asked]


def test_customers_on_the_suppression_list_are_not_asked(shop: ShopDatabase) -> None:
    unsubscribed = _customer(shop, "Siobhán", "siobhan@example.com")
    by_address = _customer(shop, "Jürgen", "jurgen@example.com")
    posted_only = _customer(shop, "Amara", "amara@example.com")
    with shop.write() as session:
        suppress(session, customer_id=unsubscribed, channel="all", source="email_reply")
        suppress(session, email="JURGEN@example.com", channel="email", source="email_reply")
        suppress(session, customer_id=posted_only, channel="post", source="counter")
    for customer in (unsubscribed, by_address):
        _purchase(shop, customer, DAYS_AFTER)
    still_asked = _purchase(shop, posted_only, DAYS_AFTER)  # only post was objected to

    assert _due(shop) == [still_asked]


def test_the_request_settings_are_checked(shop: ShopDatabase) -> None:
    with shop.read() as session, pytest.raises(InvalidInput) as refused:
        due_feedback_requests(session, TODAY, 400)

    assert refused.value.field == "days"


@pytest.mark.parametrize(
    ("base", "reference", "link"),
    [
        (
            "hollybank.example/feedback",
            "P-000042",
            "https://hollybank.example/feedback?ref=P-000042",
        ),
        (
            "https://forms.example/f?id=7&ref=old",
            "WEB 1/2",
            "https://forms.example/f?id=7&ref=WEB%201%2F2",
        ),
    ],
)
def test_the_feedback_link_carries_the_reference(base: str, reference: str, link: str) -> None:
    assert feedback_url(base, reference) == link


def test_a_feedback_link_needs_a_web_address() -> None:
    with pytest.raises(InvalidInput) as refused:
        feedback_url("not a web address", "P-1")

    assert refused.value.field == "feedback address"


def test_a_request_carries_the_guide_for_what_was_bought(shop: ShopDatabase) -> None:
    zoe = _customer(shop, "Zoë", "zoe@example.com")
    with shop.write() as session:
        pottery = add_category(session, "Pottery").id
        mug = add_product(session, "Blue mug", 1800, category_id=pottery).id
        create_guide(
            session,
            GuideInput("Caring for pottery", url="hollybank.example/care", category_ids=[pottery]),
        )
        record_purchase(
            session,
            PurchaseInput(
                [LineInput("", 1, 1800, mug)],
                zoe,
                purchased_at=_noon(TODAY - timedelta(days=DAYS_AFTER)),
            ),
        )
    with shop.read() as session:
        (row,) = due_feedback_requests(session, TODAY, DAYS_AFTER)

    assert (row.guide_title, row.guide_url) == (
        "Caring for pottery",
        "https://hollybank.example/care",
    )
