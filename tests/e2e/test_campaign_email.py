"""A whole campaign as the app runs it: a saved segment, vouchers and queued emails in one
transaction, the password from the keyring, sending in a background worker with progress and
cancel over STARTTLS to a real SMTP server, then a resume: everyone gets exactly one email with
their own voucher, and nobody a second."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from keyring.backend import KeyringBackend
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.mail.campaign_sending import SendResult, send_campaign
from desktop.mail.smtp_settings import PasswordStore, load_settings, save_settings
from desktop.shop.campaign_settings import set_emails_per_minute
from desktop.shop.campaigns import CampaignPlan, campaign_results, create_campaign, queue_emails
from desktop.shop.codes import format_code
from desktop.shop.consent import ConsentChoice
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.segments import find_segment, save_segment, segment_definition
from desktop.shop.settings import ShopProfile, save_profile
from desktop.shop.vouchers import VoucherTerms
from desktop.store.models import Voucher
from desktop.store.shopfile import ShopDatabase
from desktop.ui.workers import Progress, Worker, start

# The SMTP server, certificate and keyring fixtures.
pytest_plugins = ("tests.mail_fixtures",)

if TYPE_CHECKING:
    from tests.mail_fixtures import Server

NAMES = ["Zoë Ó'Brien", "Łukasz Nowak", "Ελένη", "Дмитрий", "李雷", "Ana 🌸", "Siobhán", "Jürgen"]


def _shop_with_customers(shop: ShopDatabase, server: Server) -> dict[str, int]:
    ids = {}
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Zoë's Tea & Co", email="hello@zoes.example"))
        save_settings(session, server.settings)
        set_emails_per_minute(session, 0)
        for number, name in enumerate(NAMES):
            customer = create_customer(
                session,
                CustomerDetails(
                    name=name,
                    email=f"customer{number}@example.org",
                    birth_day=1,
                    birth_month=date.today().month,
                ),
                email_consent=ConsentChoice(granted=True),
            )
            ids[f"customer{number}@example.org"] = customer.id
        save_segment(session, "Birthday people", {"kind": "birthday_this_month"})
    return ids


def _run(
    qtbot: QtBot, shop: ShopDatabase, campaign_id: int, server: Server, stop_after: int | None
) -> SendResult | None:
    """Send in a worker as the app does; cancel once `stop_after` emails are reported."""
    outcome: list[SendResult | None] = []
    seen: list[tuple[int, int]] = []
    worker: list[Worker] = []

    def job(progress: Progress) -> SendResult:
        password = PasswordStore().get(server.settings)
        return send_campaign(
            shop,
            campaign_id,
            password,
            progress.report,
            should_stop=lambda: progress.cancelled,
            context=server.context,
        )

    def on_progress(done: int, total: int) -> None:
        seen.append((done, total))
        if stop_after is not None and done >= stop_after:
            worker[0].cancel()

    worker.append(
        start(
            job,
            finished=outcome.append,
            progress=on_progress,
            cancelled=lambda: outcome.append(None),
        )
    )
    qtbot.waitUntil(lambda: bool(outcome), timeout=30_000)
    assert seen
    return outcome[0]


def test_a_campaign_sent_in_the_background_cancelled_and_resumed(
    qtbot: QtBot, shop: ShopDatabase, smtp_server: Server, memory_keyring: KeyringBackend
) -> None:
    ids = _shop_with_customers(shop, smtp_server)
    with shop.read() as session:
        settings = load_settings(session)
    assert settings is not None
    assert PasswordStore().save(settings, smtp_server.password).in_keyring

    with shop.write() as session:
        segment = find_segment(session, "birthday PEOPLE")
        campaign = create_campaign(
            session,
            CampaignPlan(
                name="We miss you",
                definition=segment_definition(segment),
                segment_name=segment.name,
            ),
        )
        queued = queue_emails(session, campaign.id, VoucherTerms(kind="welcome_back", amount=500))
        campaign_id = campaign.id
    assert len(queued.customer_ids) == len(NAMES)

    # The shopkeeper cancels part way: what went out is recorded, nothing is half-done.
    # Whether the worker notices between emails or at its next progress report, it stops.
    stopped = _run(qtbot, shop, campaign_id, smtp_server, stop_after=3)
    assert stopped is None or "press Resume" in stopped.stopped
    first_batch = len(smtp_server.inbox.messages)
    assert 3 <= first_batch < len(NAMES)

    result = _run(qtbot, shop, campaign_id, smtp_server, stop_after=None)
    assert result is not None and result.left == 0 and result.stopped == ""
    assert result.sent == len(NAMES) - first_batch

    received = smtp_server.inbox.by_recipient()
    assert sorted(received) == sorted(ids)
    with shop.read() as session:
        for address, customer_id in ids.items():
            [message] = received[address]
            voucher = session.scalar(select(Voucher).where(Voucher.customer_id == customer_id))
            assert voucher is not None and voucher.amount == 500
            plain = message.get_body(preferencelist=("plain",))
            html = message.get_body(preferencelist=("html",))
            assert plain is not None and html is not None
            assert format_code(voucher.code) in plain.get_content()
            assert format_code(voucher.code) in html.get_content()
            assert "£5.00 off" in plain.get_content()
            assert message["List-Unsubscribe"].startswith("<mailto:hello@zoes.example")
        results = campaign_results(session, campaign_id)
    assert (results.sent, results.failed, results.vouchers_issued) == (len(NAMES), 0, len(NAMES))
    assert smtp_server.inbox.logins == [(settings.user, smtp_server.password)] * 2
