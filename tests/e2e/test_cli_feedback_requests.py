"""`feedback send-requests`, run as a scheduled task would: `python main.py …` in its own
process, on a real shop file, next to a real SMTP server."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from desktop.mail.smtp_settings import save_settings
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.feedback_asking import RequestSettings, save_request_settings
from desktop.shop.insert_options import InsertOptions, save_insert_options
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.settings import ShopProfile, save_profile
from desktop.store.models_feedback import FeedbackRequest
from desktop.store.shopfile import open_shop
from tests.e2e.cli_runner import aftercare

# The SMTP server, certificate and keyring fixtures.
pytest_plugins = ("tests.mail_fixtures",)

if TYPE_CHECKING:
    from tests.mail_fixtures import Server

DAYS_AFTER = 5


@pytest.fixture
def shop_file(tmp_path: Path, smtp_server: Server) -> Path:
    """Zoë and Дмитрий bought 5 days ago; 李雷 has no email address. Requests are on."""
    path = tmp_path / "requests-e2e.aftercare"
    shop = open_shop(path, backups=tmp_path / "backups")
    noon = datetime.combine(date.today() - timedelta(days=DAYS_AFTER), time(12))
    when = noon.astimezone().astimezone(UTC)
    try:
        with shop.write() as session:
            save_profile(session, ShopProfile(name="Hollybank", email="hello@hollybank.example"))
            save_settings(session, smtp_server.settings)
            save_insert_options(session, InsertOptions(feedback_url="hollybank.example/fb"))
            save_request_settings(session, RequestSettings(enabled=True, days_after=DAYS_AFTER))
            for name, email in [
                ("Zoë Ó'Brien", "zoe@example.com"),
                ("Дмитрий", "dmitry@example.com"),
                ("李雷", ""),
            ]:
                customer = create_customer(session, CustomerDetails(name, email=email)).id
                record_purchase(
                    session,
                    PurchaseInput(
                        [LineInput("Blue mug", 1, 1800)],
                        customer,
                        purchased_at=when,
                    ),
                )
    finally:
        shop.close()
    return path


def _requests_marked(path: Path) -> int:
    shop = open_shop(path)
    try:
        with shop.read() as session:
            return session.scalar(select(func.count()).select_from(FeedbackRequest)) or 0
    finally:
        shop.close()


def test_a_dry_run_lists_who_would_be_asked_and_sends_nothing(
    shop_file: Path, smtp_server: Server
) -> None:
    run = aftercare("feedback", "send-requests", "--db", shop_file, "--dry-run")

    assert run.code == 0, run.err
    assert "2 customers due a feedback request:" in run.out
    assert "Zoë Ó'Brien <zoe@example.com>: purchase P-000001" in run.out
    assert "Дмитрий <dmitry@example.com>: purchase P-000002" in run.out
    assert "李雷" not in run.out
    assert "Dry run: nothing was sent." in run.out
    assert smtp_server.inbox.received == []
    assert _requests_marked(shop_file) == 0


def test_without_a_stored_password_nothing_is_sent_and_it_says_why(
    shop_file: Path, smtp_server: Server, tmp_path: Path
) -> None:
    # A data folder of its own and no terminal: no keyring entry, and nobody to type it.
    run = aftercare("feedback", "send-requests", "--db", shop_file, home=tmp_path / "home")

    assert run.code != 0
    assert "password" in run.err and "not stored on this computer" in run.err
    assert smtp_server.inbox.received == []
    assert _requests_marked(shop_file) == 0
