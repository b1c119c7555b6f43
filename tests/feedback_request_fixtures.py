"""Customers due a feedback request and a shop ready to send them, against the real SMTP server
of tests/mail_fixtures.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import pytest
from keyring.backend import KeyringBackend

from desktop.mail.smtp_settings import PasswordStore, save_settings
from desktop.shop.campaign_settings import set_emails_per_minute
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.feedback_asking import RequestSettings, save_request_settings
from desktop.shop.insert_options import InsertOptions, save_insert_options
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.settings import ShopProfile, save_profile
from desktop.store.shopfile import ShopDatabase

if TYPE_CHECKING:
    from tests.mail_fixtures import Certificate, Server

DAYS_AFTER = 7
NAMES = ["Zoë Ó'Brien", "Дмитрий", "Ελένη 🌿"]


def customers_who_bought(shop: ShopDatabase) -> None:
    noon = datetime.combine(date.today() - timedelta(days=DAYS_AFTER), time(12))
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Hollybank", email="hello@hollybank.example"))
        for number, name in enumerate(NAMES):
            customer = create_customer(session, CustomerDetails(name, email=f"c{number}@ex.org"))
            record_purchase(
                session,
                PurchaseInput(
                    [LineInput("Teapot", 1, 2400)],
                    customer.id,
                    purchased_at=noon.astimezone().astimezone(UTC),
                ),
            )


@pytest.fixture
def bought(shop: ShopDatabase) -> ShopDatabase:
    """The shop, its customers due a feedback request today."""
    customers_who_bought(shop)
    return shop


@pytest.fixture
def ready(
    shop: ShopDatabase,
    smtp_server: Server,
    certificate: Certificate,
    memory_keyring: KeyringBackend,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[int], Server]:
    """`ready(rate)`: the customers have bought, requests are on, mail is set up with the
    password in the keyring, and the test server's certificate is trusted the way a shop's own
    CA would be (sending verifies with the system's certificates). Returns the server."""

    def make_ready(rate: int = 0) -> Server:
        customers_who_bought(shop)
        with shop.write() as session:
            save_settings(session, smtp_server.settings)
            set_emails_per_minute(session, rate)
            save_insert_options(session, InsertOptions(feedback_url="hollybank.example/fb"))
            save_request_settings(session, RequestSettings(enabled=True))
        assert PasswordStore().save(smtp_server.settings, smtp_server.password).in_keyring
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))
        return smtp_server

    return make_ready
