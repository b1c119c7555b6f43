"""The suppression list: an unsubscribe or objection is absolute, honoured on every channel it
covers, by customer and by email address, and no later grant or import can undo it."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.shop.campaigns import audience
from desktop.shop.consent import ConsentChoice, consent_history, record_consent
from desktop.shop.customers import CustomerDetails, create_customer, get_customer
from desktop.shop.errors import InvalidInput
from desktop.shop.suppression import (
    is_email_suppressed,
    is_suppressed,
    list_suppressions,
    suppress,
)
from desktop.store.shopfile import ShopDatabase

BIRTHDAYS = {"kind": "birthday_this_month"}


def _customer(
    shop: ShopDatabase, name: str, email: str, *, source: str = "counter", grant: bool = True
) -> int:
    with shop.write() as session:
        customer = create_customer(
            session,
            CustomerDetails(
                name=name,
                email=email,
                address_line1="2 Mill Lane",
                postcode="BS1 4ST",
                birth_day=3,
                birth_month=date.today().month,
            ),
            email_consent=ConsentChoice(granted=True) if grant else None,
            post_consent=ConsentChoice(granted=True, basis="legitimate_interest"),
            source=source,
        )
        return customer.id


def test_an_objection_withdraws_consent_and_is_recorded(shop: ShopDatabase) -> None:
    zoe = _customer(shop, "Zoë Ó'Brien", "zoe@example.org")
    with shop.write() as session:
        suppress(session, customer_id=zoe, reason="Please stop everything")
    with shop.read() as session:
        customer = get_customer(session, zoe)
        assert not customer.email_marketing and not customer.post_marketing
        assert consent_history(session, zoe)[0].basis == "withdrawn"
        assert is_suppressed(session, zoe, "email") and is_suppressed(session, zoe, "post")
        [entry] = list_suppressions(session)
        assert entry.reason == "Please stop everything" and entry.email_key == "zoe@example.org"


def test_a_grant_afterwards_cannot_undo_it(shop: ShopDatabase) -> None:
    zoe = _customer(shop, "Zoë Ó'Brien", "zoe@example.org")
    with shop.write() as session:
        suppress(session, customer_id=zoe, channel="email")
    # An import (or a slip at the counter) ticks email consent again: refused, nothing written.
    with pytest.raises(InvalidInput, match="objection stands"), shop.write() as session:
        record_consent(
            session, get_customer(session, zoe), "email", ConsentChoice(True), source="import"
        )
    with shop.read() as session:
        assert not get_customer(session, zoe).email_marketing
        reached = audience(session, BIRTHDAYS, "email")
        assert reached.customer_ids == [] and reached.left_out == {"unsubscribed or objected": 1}
        # An email objection leaves post alone.
        assert audience(session, BIRTHDAYS, "post").customer_ids == [zoe]


def test_the_same_person_imported_again_under_a_new_record_is_still_suppressed(
    shop: ShopDatabase,
) -> None:
    with shop.write() as session:
        suppress(session, email="Łukasz@Example.org", channel="email", source="email_reply")
        assert is_email_suppressed(session, "łukasz@example.org")
        assert not is_email_suppressed(session, "someone@example.org")
    with pytest.raises(InvalidInput, match="objection stands"):
        _customer(shop, "Łukasz Nowak", "łukasz@example.org", source="import")
    again = _customer(shop, "Łukasz Nowak", "łukasz@example.org", source="import", grant=False)
    other = _customer(shop, "李雷", "li.lei@example.org")
    with shop.read() as session:
        assert is_suppressed(session, again, "email")
        assert audience(session, BIRTHDAYS, "email").customer_ids == [other]


def test_it_needs_someone_to_suppress(shop: ShopDatabase) -> None:
    with shop.write() as session, pytest.raises(InvalidInput) as refused:
        suppress(session, reason="no one")
    assert refused.value.field == "email"
    with shop.write() as session, pytest.raises(InvalidInput):
        suppress(session, email="not an address")
