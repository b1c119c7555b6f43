"""The Campaigns page with a real shop and a real SMTP server (STARTTLS, a login, the password
from the keyring): a campaign made from a saved segment through the dialog, vouchers issued
with queued emails, sending in the page's worker, cancel then resume without a second copy,
a mailing list written, postcards rendered, a returning customer counted as won back, and the
message when the shop's email account is not set up."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from keyring.backend import KeyringBackend
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.mail.smtp_settings import PasswordStore, save_settings
from desktop.shop.campaign_offers import Offer
from desktop.shop.campaign_settings import set_emails_per_minute
from desktop.shop.campaigns import CampaignPlan, Template, create_campaign, list_campaigns
from desktop.shop.codes import format_code
from desktop.shop.consent import ConsentChoice
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.mailing_lists import read_mailing_list
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.segments import save_segment
from desktop.shop.settings import ShopProfile, save_profile
from desktop.store.models import Voucher
from desktop.store.shopfile import ShopDatabase
from desktop.ui.campaigns_page import CampaignsPage
from desktop.ui.events import ShopEvents

pytest_plugins = ("tests.mail_fixtures",)

if TYPE_CHECKING:
    from tests.mail_fixtures import Certificate, Server

BIRTHDAYS = {"kind": "birthday_this_month"}
TEN_PERCENT = Offer(percent=10)
CONSENTING = ["Zoë Ó'Brien", "Łukasz Nowak", "Ελένη", "Дмитрий", "李雷", "Ana 🌸"]


def _customer(shop: ShopDatabase, name: str, email: str, *, consent: bool = True) -> int:
    with shop.write() as session:
        return create_customer(
            session,
            CustomerDetails(
                name=name,
                email=email,
                address_line1="1 High Street",
                town="Bath",
                postcode="BA1 1AA",
                birth_day=1,
                birth_month=date.today().month,
            ),
            email_consent=ConsentChoice(granted=True) if consent else None,
            post_consent=ConsentChoice(granted=True) if consent else None,
        ).id


def _shop(shop: ShopDatabase, server: Server | None = None) -> dict[str, int]:
    """Six consenting birthday customers and one who never agreed to marketing."""
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Zoë's Tea & Co", email="hello@zoes.example"))
        if server is not None:
            save_settings(session, server.settings)
        set_emails_per_minute(session, 0)
        save_segment(session, "Birthday people 🎂", BIRTHDAYS)
    ids = {
        f"c{n}@example.org": _customer(shop, name, f"c{n}@example.org")
        for n, name in enumerate(CONSENTING)
    }
    _customer(shop, "Siobhán No-Thanks", "no@example.org", consent=False)
    return ids


def _campaign(shop: ShopDatabase, offer: Offer | None = TEN_PERCENT) -> int:
    with shop.write() as session:
        plan = CampaignPlan(
            name="Spring win-back", definition=BIRTHDAYS, segment_name="Birthday", offer=offer
        )
        return create_campaign(session, plan).id


def _page(qtbot: QtBot, shop: ShopDatabase, events: ShopEvents | None = None) -> CampaignsPage:
    page = CampaignsPage(shop, events or ShopEvents())
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.activate()
    return page


def _cell(page: CampaignsPage, column: int, row: int = 0) -> str:
    return str(page.model.data(page.model.index(row, column)))


@pytest.fixture
def trusted(certificate: Certificate, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test server's certificate is trusted the way a real one would be: through the
    system's store, which the app's verifying context reads."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))


@pytest.fixture
def mail(
    shop: ShopDatabase, smtp_server: Server, memory_keyring: KeyringBackend, trusted: None
) -> Server:
    assert PasswordStore().save(smtp_server.settings, smtp_server.password).in_keyring
    return smtp_server


def test_a_campaign_is_made_from_a_saved_segment_through_the_dialog(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    _shop(shop)
    events = ShopEvents()
    page = _page(qtbot, shop, events)
    assert page.empty.isVisible()

    dialog = page.new_campaign()
    assert dialog.segment.currentText() == "Birthday people 🎂"
    reach = dialog.reach.text()
    assert "<b>6</b> by email" in reach and "1 no email consent" in reach
    assert "<b>6</b> by post" in reach and "1 no post consent" in reach
    assert "We miss you at {shop_name}" in dialog.subject.text()
    # What the email template dialog hands back when accepted.
    dialog.set_template(Template("Welcome back, {first_name}!", "Hello {first_name}, {shop_name}"))
    assert "Welcome back, {first_name}!" in dialog.subject.text()
    dialog.name.setText("Zoë's spring 🌷")
    dialog.offer.value.by_amount.setChecked(True)
    dialog.offer.value.amount.setText("5.00")
    with qtbot.waitSignal(events.changed, check_params_cb=lambda what: what == "campaigns"):
        dialog.create_button.click()

    assert _cell(page, 0) == "Zoë's spring 🌷" and _cell(page, 1) == "Birthday people 🎂"
    assert "£5.00 off" in page.heading.text()
    assert page.action_panel.queue_button.text() == "Issue 6 vouchers and queue emails"
    assert page.action_panel.export_button.text() == "Export 6 customers…"
    with shop.read() as session:
        [campaign] = list_campaigns(session)
        assert campaign.subject == "Welcome back, {first_name}!"


def test_a_nameless_campaign_or_an_impossible_voucher_is_refused_in_place(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    _shop(shop)
    page = _page(qtbot, shop)
    dialog = page.new_campaign()
    dialog.offer.value.by_amount.setChecked(True)
    dialog.offer.value.amount.setText("lots")
    dialog.create_button.click()
    assert dialog.offer.problem.isVisible() and dialog.isVisible()
    dialog.offer.include.setChecked(False)
    dialog.create_button.click()
    assert dialog.name_error.isVisible() and "campaign name" in dialog.name_error.text()
    assert page.model.rowCount() == 0


def test_vouchers_issued_then_emails_sent_in_the_background(
    qtbot: QtBot, shop: ShopDatabase, mail: Server
) -> None:
    ids = _shop(shop, mail)
    _campaign(shop)
    events = ShopEvents()
    page = _page(qtbot, shop, events)
    actions = page.action_panel
    assert actions.send_button.text() == "Send 0 emails" and not actions.send_button.isEnabled()

    actions.queue_button.click()
    assert actions.confirm_bar.isVisible() and "Issue 6 welcome-back vouchers" in (
        actions.confirm_text.text()
    )
    with qtbot.waitSignal(events.changed, check_params_cb=lambda what: what == "vouchers"):
        actions.confirm_button.click()
    with shop.read() as session:
        vouchers = session.scalars(select(Voucher).where(Voucher.kind == "welcome_back")).all()
        codes = {voucher.customer_id: format_code(voucher.code) for voucher in vouchers}
    assert set(codes) == set(ids.values())
    # Pressing it again reaches nobody new: everyone is already queued.
    assert actions.queue_button.text() == "Issue 0 vouchers and queue emails"
    assert not actions.queue_button.isEnabled()
    assert actions.send_button.text() == "Send 6 emails"

    actions.send_button.click()
    assert actions.send_progress.isVisible() and not actions.send_button.isEnabled()
    qtbot.waitUntil(lambda: not actions.busy, timeout=30_000)
    assert actions.done.text() == "Sent 6, failed 0, skipped 0."
    assert _cell(page, 3) == "6" and _cell(page, 4) == "0"
    assert page.results.sent.number.text() == "6"

    received = mail.inbox.by_recipient()
    assert sorted(received) == sorted(ids)
    for address, customer_id in ids.items():
        [message] = received[address]
        plain = message.get_body(preferencelist=("plain",))
        assert plain is not None and codes[customer_id] in plain.get_content()


def test_cancel_part_way_then_resume_sends_the_rest_and_nobody_twice(
    qtbot: QtBot, shop: ShopDatabase, mail: Server
) -> None:
    ids = _shop(shop, mail)
    with shop.write() as session:
        set_emails_per_minute(session, 300)  # 0.2 s apart: time to press Cancel
    _campaign(shop, offer=None)
    page = _page(qtbot, shop)
    actions = page.action_panel
    actions.queue_button.click()
    actions.confirm_button.click()

    def cancel_after_two(done: int, _total: int) -> None:
        if done >= 2 and actions.send_progress.cancel_button.isEnabled():
            actions.send_progress.cancel_button.click()

    actions.mailer.progress.connect(cancel_after_two)
    actions.send_button.click()
    qtbot.waitUntil(lambda: not actions.busy, timeout=30_000)
    actions.mailer.progress.disconnect(cancel_after_two)
    first = len(mail.inbox.received)
    assert 2 <= first < len(ids)
    assert "press Resume" in actions.message.text() and actions.message.isVisible()
    left = len(ids) - first
    assert actions.send_button.text() == f"Resume: send {left} left"

    actions.send_button.click()
    qtbot.waitUntil(lambda: not actions.busy, timeout=30_000)
    assert actions.done.text() == f"Sent {left}, failed 0, skipped 0."
    received = mail.inbox.by_recipient()
    assert sorted(received) == sorted(ids)
    assert all(len(messages) == 1 for messages in received.values())
    assert _cell(page, 3) == str(len(ids))
    assert not actions.send_button.isEnabled()


def test_without_the_shops_email_account_sending_says_what_to_do(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    _shop(shop)
    _campaign(shop)
    page = _page(qtbot, shop)
    actions = page.action_panel
    actions.queue_button.click()
    actions.confirm_button.click()
    actions.send_button.click()
    assert actions.message.isVisible()
    assert actions.message.text() == "Set up the shop's email account in Settings → Email first."
    assert not actions.busy and actions.send_button.text() == "Send 6 emails"


def test_the_mailing_list_holds_the_consenting_customers(
    qtbot: QtBot, shop: ShopDatabase, tmp_path: Path
) -> None:
    ids = _shop(shop)
    _campaign(shop)
    page = _page(qtbot, shop)
    actions = page.action_panel
    actions.format.setCurrentIndex(actions.format.findData("mailchimp"))
    out = tmp_path / "Zoë's list.csv"
    actions.export_to(out)

    rows = read_mailing_list(out)
    assert sorted(row["Email Address"] for row in rows) == sorted(ids)
    assert all(row["Voucher Code"] for row in rows)
    assert actions.done.text() == (
        f"Exported 6 customers; 1 left out: 1 no email consent to {out}."
    )
    # Exported customers are in the cooldown: a second press has nobody left to export.
    assert actions.export_button.text() == "Export 0 customers…"
    assert not actions.export_button.isEnabled()


def test_postcards_count_as_sent_once_printed(
    qtbot: QtBot, shop: ShopDatabase, tmp_path: Path
) -> None:
    _shop(shop)
    _campaign(shop)
    page = _page(qtbot, shop)
    actions = page.action_panel
    assert actions.postcards_button.text() == "Print 6 postcards…"
    actions.postcards_button.click()
    qtbot.waitUntil(lambda: actions.printer.preview is not None, timeout=30_000)
    batch = actions.printer.rendered
    assert batch is not None and batch.pieces == 6
    assert len(PdfReader(io.BytesIO(batch.pdf)).pages) == 12  # front and address side
    # Previewed and put aside: not sent, so the same cards can be made again.
    actions.printer.preview.close()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: actions.printer.preview is None)
    assert actions.postcards_button.text() == "Print 6 postcards…"
    actions.postcards_button.click()
    qtbot.waitUntil(lambda: actions.printer.preview is not None, timeout=30_000)
    again = actions.printer.rendered
    assert again is not None and again.contact_ids == batch.contact_ids
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "cards.pdf"))
    with qtbot.waitSignal(actions.printer.marked, timeout=30_000):
        actions.printer.preview.print_on(printer)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: "6 postcards or letters printed" in page.results.details.text())
    assert actions.postcards_button.text() == "Print 0 postcards…"


def test_a_customer_who_buys_after_the_contact_shows_as_won_back(
    qtbot: QtBot, shop: ShopDatabase, tmp_path: Path
) -> None:
    ids = _shop(shop)
    _campaign(shop, offer=None)
    events = ShopEvents()
    page = _page(qtbot, shop, events)
    page.action_panel.export_to(tmp_path / "list.csv")
    assert _cell(page, 5) == "0"

    with shop.write() as session:
        record_purchase(
            session,
            PurchaseInput(lines=[LineInput("Oolong", 2, 1250)], customer_id=ids["c1@example.org"]),
        )
    events.changed.emit("purchases")
    assert _cell(page, 5) == "1" and _cell(page, 7) == "£25.00"
    assert page.results.won_back.number.text() == "1"
    assert page.results.spend.number.text() == "£25.00"


def test_a_segment_made_from_the_new_campaign_dialog_is_chosen_for_it(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Zoë's Tea & Co", email="hello@zoes.example"))
    _customer(shop, "Дмитрий Орлов", "d@example.org")
    page = _page(qtbot, shop)
    dialog = page.new_campaign()
    assert not dialog.create_button.isEnabled() and "Save a segment first" in dialog.reach.text()

    segments = dialog.open_segments()
    segments.name.setText("Birthdays 🎉")
    segments.kind.setCurrentIndex(segments.kind.findData("birthday_this_month"))
    segments.save()
    segments.accept()
    assert dialog.segment.currentText() == "Birthdays 🎉"
    assert dialog.create_button.isEnabled() and "<b>1</b> by email" in dialog.reach.text()


def test_edit_email_takes_the_words_from_the_template_dialog(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    pytest.importorskip("desktop.ui.email_template_dialog")
    _shop(shop)
    page = _page(qtbot, shop)
    dialog = page.new_campaign()
    editor = dialog.open_email_editor()
    assert editor is not None and editor.isVisible()
    editor.subject.setText("Ελένη, we kept your seat 🍵")  # type: ignore[attr-defined]
    editor.accept()
    assert "Ελένη, we kept your seat 🍵" in dialog.subject.text()
