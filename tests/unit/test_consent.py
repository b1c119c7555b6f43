"""Marketing permissions: a ledger of who agreed to what, when, how and in what words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from desktop.shop.consent import (
    EMAIL_WORDING,
    POST_WORDING,
    ConsentChoice,
    consent_history,
    record_consent,
)
from desktop.shop.customers import CustomerDetails, create_customer, get_customer
from desktop.shop.errors import InvalidInput
from desktop.store.models import Consent, Customer
from desktop.store.shopfile import ShopDatabase

ZOE = CustomerDetails(
    name="Zoë Ó'Brien", email="zoe@example.com", address_line1="12 Rose Lane", postcode="BA1 1AA"
)


def test_a_grant_at_the_counter_is_recorded_with_its_wording(shop: ShopDatabase) -> None:
    with shop.write() as session:
        customer_id = create_customer(
            session, ZOE, email_consent=ConsentChoice(True, "consent", EMAIL_WORDING)
        ).id
    with shop.read() as session:
        customer = get_customer(session, customer_id)
        assert customer.email_marketing and not customer.post_marketing
        [entry] = consent_history(session, customer_id)
        assert (entry.channel, entry.granted, entry.basis, entry.source) == (
            "email",
            True,
            "consent",
            "counter",
        )
        assert entry.wording == EMAIL_WORDING
        assert entry.recorded_at.tzinfo is not None


def test_withdrawal_is_a_new_entry_and_the_history_stays(shop: ShopDatabase) -> None:
    first = datetime(2025, 3, 1, 10, tzinfo=UTC)
    later = datetime(2025, 6, 1, 10, tzinfo=UTC)
    with shop.write() as session:
        customer = create_customer(session, ZOE)
        record_consent(session, customer, "post", ConsentChoice(True), when=first)
        record_consent(session, customer, "post", ConsentChoice(False), source="phone", when=later)
        customer_id = customer.id
    with shop.read() as session:
        assert not get_customer(session, customer_id).post_marketing
        newest, oldest = consent_history(session, customer_id)
        assert (newest.granted, newest.basis, newest.source) == (False, "withdrawn", "phone")
        assert (oldest.granted, oldest.basis, oldest.wording) == (True, "consent", POST_WORDING)
        assert newest.recorded_at == later and oldest.recorded_at == first


def test_email_marketing_needs_an_email_address_and_nothing_is_saved(shop: ShopDatabase) -> None:
    with pytest.raises(InvalidInput) as refused, shop.write() as session:
        create_customer(session, CustomerDetails(name="Дмитрий"), email_consent=ConsentChoice(True))
    assert refused.value.field == "email"
    with shop.read() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 0
        assert session.scalar(select(func.count()).select_from(Consent)) == 0


def test_post_marketing_needs_a_postal_address(shop: ShopDatabase) -> None:
    with shop.write() as session:
        customer = create_customer(session, CustomerDetails(name="李雷", postcode="SW1A 2AA"))
        with pytest.raises(InvalidInput, match="postal address") as refused:
            record_consent(session, customer, "post", ConsentChoice(True))
        assert refused.value.field == "address"
        # Saying no needs no address.
        record_consent(session, customer, "post", ConsentChoice(False))
        assert not customer.post_marketing


@pytest.mark.parametrize(
    ("channel", "choice", "field"),
    [
        ("sms", ConsentChoice(True), "channel"),
        ("email", ConsentChoice(True, "because"), "basis"),
        ("email", ConsentChoice(True, "withdrawn"), "basis"),
    ],
)
def test_unknown_channels_and_bases_are_refused(
    shop: ShopDatabase, channel: str, choice: ConsentChoice, field: str
) -> None:
    with shop.write() as session:
        customer = create_customer(session, ZOE)
        with pytest.raises(InvalidInput) as refused:
            record_consent(session, customer, channel, choice)
        assert refused.value.field == field
        assert not customer.email_marketing


def test_soft_opt_in_is_kept_as_its_own_basis(shop: ShopDatabase) -> None:
    with shop.write() as session:
        customer = create_customer(
            session, ZOE, email_consent=ConsentChoice(True, "soft_opt_in", "Offered at the till")
        )
        [entry] = consent_history(session, customer.id)
        assert (entry.basis, entry.wording) == ("soft_opt_in", "Offered at the till")
        assert customer.email_marketing
