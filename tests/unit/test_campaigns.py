"""Campaigns end to end against a real SMTP server: who is reached, the right voucher each,
outcomes stored per recipient, resume after a failure without a second copy, the cooldown and
won-back counting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update

from desktop.mail.campaign_sending import SendResult, preview_email, send_campaign
from desktop.mail.smtp_settings import save_settings
from desktop.printing.postcards import render_letters, render_postcards
from desktop.shop.campaign_emails import retry_uncertain
from desktop.shop.campaign_offers import Offer, campaign_offer
from desktop.shop.campaign_post import confirm_printed, postal_pieces
from desktop.shop.campaign_settings import set_cooldown_days, set_emails_per_minute
from desktop.shop.campaigns import (
    CampaignPlan,
    Template,
    campaign_audience,
    campaign_results,
    create_campaign,
    get_campaign,
    list_campaigns,
    queue_emails,
)
from desktop.shop.codes import format_code
from desktop.shop.consent import ConsentChoice
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.errors import InvalidInput, ShopError
from desktop.shop.inserts import shop_branding
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.settings import ShopProfile, save_profile
from desktop.shop.suppression import suppress
from desktop.shop.vouchers import VoucherTerms, redeem_voucher, unprinted_vouchers
from desktop.store.models import Voucher
from desktop.store.models_campaigns import Contact
from desktop.store.shopfile import ShopDatabase

# The SMTP server, certificate and keyring fixtures.
pytest_plugins = ("tests.mail_fixtures",)

if TYPE_CHECKING:
    from tests.mail_fixtures import Server

BIRTHDAYS = {"kind": "birthday_this_month"}
TEN_PERCENT = VoucherTerms(kind="welcome_back", percent=10)
NAMES = ("Zoë Adams", "Łukasz Ó'Brien", "李雷", "Ελένη Παππά", "Дмитрий Орлов", "Amara 🌸 Obi")


def _customer(
    shop: ShopDatabase, name: str, email: str | None = None, *, consent: bool = True
) -> int:
    email = email if email is not None else f"c{abs(hash(name)) % 10**8}@example.org"
    with shop.write() as session:
        customer = create_customer(
            session,
            CustomerDetails(name=name, email=email, birth_day=1, birth_month=date.today().month),
            email_consent=ConsentChoice(granted=True) if consent and email else None,
        )
        return customer.id


def _set_up(shop: ShopDatabase, server: Server) -> None:
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Zoë's Tea & Co", email="hello@zoes.example"))
        save_settings(session, server.settings)
        set_emails_per_minute(session, 0)


def _campaign(shop: ShopDatabase, purpose: str = "win_back", voucher: bool = True) -> int:
    with shop.write() as session:
        campaign = create_campaign(
            session, CampaignPlan(name="Spring win-back", definition=BIRTHDAYS, purpose=purpose)
        )
        queue_emails(session, campaign.id, TEN_PERCENT if voucher else None)
        return campaign.id


def _send(shop: ShopDatabase, server: Server, campaign_id: int) -> SendResult:
    steps: list[tuple[int, int]] = []
    result = send_campaign(
        shop,
        campaign_id,
        server.password,
        lambda done, total: steps.append((done, total)),
        context=server.context,
    )
    assert all(done <= total for done, total in steps)
    return result


def _outcomes(shop: ShopDatabase, campaign_id: int) -> dict[str, int]:
    with shop.read() as session:
        rows = session.execute(
            select(Contact.outcome, func.count())
            .where(Contact.campaign_id == campaign_id)
            .group_by(Contact.outcome)
        )
        return {outcome: count for outcome, count in rows}


def test_each_consented_customer_gets_one_email_with_their_own_voucher(
    shop: ShopDatabase, smtp_server: Server
) -> None:
    _set_up(shop, smtp_server)
    reached = {name: _customer(shop, name) for name in NAMES[:3]}
    _customer(shop, "Ελένη Παππά", consent=False)
    dmitry = _customer(shop, "Дмитрий Орлов")
    _customer(shop, "Amara 🌸 Obi", email="")
    with shop.write() as session:
        suppress(session, customer_id=dmitry, reason="asked at the counter")
    with shop.write() as session:
        campaign = create_campaign(session, CampaignPlan(name="Spring", definition=BIRTHDAYS))
        audience = queue_emails(session, campaign.id, TEN_PERCENT)
        campaign_id = campaign.id
    assert sorted(audience.customer_ids) == sorted(reached.values())
    assert audience.left_out == {
        "no email consent": 1,
        "unsubscribed or objected": 1,
        "no email address": 1,
    }

    result = _send(shop, smtp_server, campaign_id)
    assert (result.sent, result.failed, result.left, result.stopped) == (3, 0, 0, "")

    received = smtp_server.inbox.by_recipient()
    with shop.read() as session:
        for name, customer_id in reached.items():
            voucher = session.scalar(select(Voucher).where(Voucher.customer_id == customer_id))
            assert voucher is not None and voucher.kind == "welcome_back" and voucher.percent == 10
            email = session.scalar(select(Contact).where(Contact.customer_id == customer_id))
            assert email is not None and email.voucher_id == voucher.id
            [message] = received[f"c{abs(hash(name)) % 10**8}@example.org"]
            assert message["To"].addresses[0].display_name == name
            assert message["Message-ID"] == email.message_id
            assert message["List-Unsubscribe"] == "<mailto:hello@zoes.example?subject=unsubscribe>"
            plain = message.get_body(preferencelist=("plain",))
            assert plain is not None
            text = plain.get_content()
            assert format_code(voucher.code) in text and "10% off" in text
            assert name.split()[0] in message["Subject"] or "miss you" in message["Subject"]
        results = campaign_results(session, campaign_id)
    assert (results.sent, results.failed, results.vouchers_issued) == (3, 0, 3)
    assert len(smtp_server.inbox.messages) == 3
    with shop.read() as session:
        assert unprinted_vouchers(session) == []  # emailed: no slip to print


def test_the_server_dropping_half_way_then_resume_sends_nobody_two_copies(
    shop: ShopDatabase, smtp_server: Server
) -> None:
    _set_up(shop, smtp_server)
    for name in NAMES:
        _customer(shop, name)
    campaign_id = _campaign(shop)
    smtp_server.inbox.drop_at_rcpt = 4  # hangs up on the 4th recipient, before its message
    first = _send(shop, smtp_server, campaign_id)
    assert first.sent == 3 and first.left == 3
    assert "closed the connection" in first.stopped and "Resume" in first.stopped
    assert _outcomes(shop, campaign_id) == {"sent": 3, "pending": 3}

    smtp_server.inbox.drop_at_rcpt = None
    second = _send(shop, smtp_server, campaign_id)
    assert (second.sent, second.left, second.stopped) == (3, 0, "")
    counts = {to: len(msgs) for to, msgs in smtp_server.inbox.by_recipient().items()}
    assert len(counts) == 6 and set(counts.values()) == {1}
    assert _outcomes(shop, campaign_id) == {"sent": 6}
    # Running it again sends nothing more.
    third = _send(shop, smtp_server, campaign_id)
    assert third.sent == 0 and len(smtp_server.inbox.messages) == 6


def test_a_break_while_the_server_had_the_message_is_not_sent_again_unless_chosen(
    shop: ShopDatabase, smtp_server: Server
) -> None:
    _set_up(shop, smtp_server)
    for name in NAMES[:4]:
        _customer(shop, name)
    campaign_id = _campaign(shop)
    smtp_server.inbox.drop_in_data = 2
    first = _send(shop, smtp_server, campaign_id)
    assert (first.sent, first.uncertain, first.left) == (1, 1, 2)
    smtp_server.inbox.drop_in_data = None
    second = _send(shop, smtp_server, campaign_id)
    assert second.sent == 2
    assert _outcomes(shop, campaign_id) == {"sent": 3, "uncertain": 1}
    assert len(smtp_server.inbox.messages) == 3

    with shop.write() as session:
        assert retry_uncertain(session, campaign_id) == 1
    third = _send(shop, smtp_server, campaign_id)
    assert third.sent == 1 and _outcomes(shop, campaign_id) == {"sent": 4}


def test_after_a_crash_mid_send_the_email_in_flight_is_uncertain_not_resent(
    shop: ShopDatabase, smtp_server: Server
) -> None:
    _set_up(shop, smtp_server)
    for name in NAMES[:3]:
        _customer(shop, name)
    campaign_id = _campaign(shop)
    with shop.write() as session:  # what a crash between "sending" and "sent" leaves behind
        first = session.scalar(
            select(func.min(Contact.id)).where(Contact.campaign_id == campaign_id)
        )
        session.execute(update(Contact).where(Contact.id == first).values(outcome="sending"))
    result = _send(shop, smtp_server, campaign_id)
    assert (result.sent, result.uncertain) == (2, 1)
    assert _outcomes(shop, campaign_id) == {"sent": 2, "uncertain": 1}


def test_a_refused_recipient_is_recorded_and_skipped(
    shop: ShopDatabase, smtp_server: Server
) -> None:
    _set_up(shop, smtp_server)
    _customer(shop, "Zoë Adams", "gone@example.org")
    _customer(shop, "李雷", "li.lei@example.org")
    campaign_id = _campaign(shop)
    smtp_server.inbox.refuse.add("gone@example.org")
    result = _send(shop, smtp_server, campaign_id)
    assert (result.sent, result.failed) == (1, 1)
    with shop.read() as session:
        failed = session.scalar(select(Contact).where(Contact.outcome == "failed"))
        assert failed is not None and failed.error is not None and "550" in failed.error
        assert campaign_results(session, campaign_id).failed == 1


def test_someone_who_unsubscribes_after_queueing_is_not_sent(
    shop: ShopDatabase, smtp_server: Server
) -> None:
    _set_up(shop, smtp_server)
    zoe = _customer(shop, "Zoë Adams", "zoe@example.org")
    _customer(shop, "李雷", "li.lei@example.org")
    campaign_id = _campaign(shop)
    with shop.write() as session:
        suppress(session, email="ZOE@example.org", channel="email", source="email_reply")
    result = _send(shop, smtp_server, campaign_id)
    assert (result.sent, result.skipped) == (1, 1)
    assert list(smtp_server.inbox.by_recipient()) == ["li.lei@example.org"]
    with shop.read() as session:
        skipped = session.scalar(select(Contact).where(Contact.customer_id == zoe))
        assert skipped is not None and skipped.outcome == "skipped"


def test_a_mail_server_that_cannot_be_reached_is_a_plain_message(
    shop: ShopDatabase, smtp_server: Server
) -> None:
    _set_up(shop, smtp_server)
    _customer(shop, "Zoë Adams")
    campaign_id = _campaign(shop)
    with pytest.raises(ShopError, match="refused the user name or password"):
        send_campaign(shop, campaign_id, "wrong", lambda *_: None, context=smtp_server.context)
    assert _outcomes(shop, campaign_id) == {"pending": 1}


def test_the_cooldown_keeps_a_customer_from_a_second_contact_for_the_same_purpose(
    shop: ShopDatabase,
) -> None:
    zoe = _customer(shop, "Zoë Adams")
    _campaign(shop, voucher=False)
    with shop.write() as session:
        again = create_campaign(session, CampaignPlan(name="Again", definition=BIRTHDAYS))
        other = create_campaign(
            session, CampaignPlan(name="News", definition=BIRTHDAYS, purpose="newsletter")
        )
        blocked = campaign_audience(session, again, "email")
        assert blocked.customer_ids == []
        assert blocked.left_out == {"contacted for this in the last 30 days": 1}
        assert campaign_audience(session, other, "email").customer_ids == [zoe]
        # Thirty-one days later they may be contacted again.
        session.execute(update(Contact).values(created_at=datetime.now(UTC) - timedelta(days=31)))
        assert campaign_audience(session, again, "email").customer_ids == [zoe]
        set_cooldown_days(session, 45)
        assert campaign_audience(session, again, "email").customer_ids == []
        with pytest.raises(InvalidInput):
            set_cooldown_days(session, -1)


def test_won_back_counts_purchases_within_the_window_after_the_contact(
    shop: ShopDatabase, smtp_server: Server
) -> None:
    _set_up(shop, smtp_server)
    ids = [_customer(shop, name) for name in NAMES[:3]]
    campaign_id = _campaign(shop)
    _send(shop, smtp_server, campaign_id)
    with shop.write() as session:
        sent_at = session.scalar(select(func.min(Contact.sent_at)))
        assert sent_at is not None
        # Back-date the contact, so purchases can fall inside and outside the 60-day window.
        contacted = datetime.now(UTC) - timedelta(days=100)
        session.execute(update(Contact).values(sent_at=contacted, created_at=contacted))
    with shop.write() as session:
        inside = record_purchase(
            session,
            PurchaseInput(
                lines=[LineInput("Oolong", 2, 1250)],
                customer_id=ids[0],
                purchased_at=contacted + timedelta(days=10),
            ),
        )
        record_purchase(
            session,
            PurchaseInput(
                lines=[LineInput("Sencha", 1, 900)],
                customer_id=ids[1],
                purchased_at=contacted + timedelta(days=70),
            ),
        )
        record_purchase(  # before the contact: not a return
            session,
            PurchaseInput(
                lines=[LineInput("Assam", 1, 700)],
                customer_id=ids[2],
                purchased_at=contacted - timedelta(days=5),
            ),
        )
        voucher = session.scalar(select(Voucher).where(Voucher.customer_id == ids[0]))
        assert voucher is not None
        redeem_voucher(session, voucher.code, inside.id)
    with shop.read() as session:
        results = campaign_results(session, campaign_id)
    assert results.won_back == 1
    assert results.vouchers_redeemed == 1
    assert results.returners_spend == 2500 - 250  # 10% off £25.00


def test_preview_shows_a_real_customer_with_a_sample_voucher(shop: ShopDatabase) -> None:
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Zoë's Tea & Co", email="hello@zoes.example"))
    eleni = _customer(shop, "Ελένη Παππά <b>")
    with shop.read() as session:
        preview = preview_email(
            session,
            Template("{first_name}, {voucher_value}", "Code {voucher_code}", "<p>{first_name}</p>"),
            eleni,
            VoucherTerms(kind="welcome_back", amount=500),
        )
    assert preview.subject == "Ελένη, £5.00 off"
    assert "SAMP-LECO-DE00" in preview.text
    assert "<p>Ελένη</p>" in preview.html


def test_a_template_with_an_unknown_placeholder_is_refused(shop: ShopDatabase) -> None:
    plan = CampaignPlan(
        name="Typo", definition=BIRTHDAYS, template=Template("Hi {frist_name}", "x")
    )
    with shop.write() as session, pytest.raises(InvalidInput, match=r"\{frist_name\}"):
        create_campaign(session, plan)


def test_a_campaign_keeps_its_offer_and_refuses_one_that_cannot_be_a_voucher(
    shop: ShopDatabase,
) -> None:
    offer = Offer(amount=500, min_spend=2000, days=45)
    with shop.write() as session:
        kept = create_campaign(
            session, CampaignPlan(name="Autumn", definition=BIRTHDAYS, offer=offer)
        ).id
        plain = create_campaign(session, CampaignPlan(name="Just hello", definition=BIRTHDAYS)).id
    with shop.read() as session:
        assert campaign_offer(get_campaign(session, kept)) == offer
        assert campaign_offer(get_campaign(session, plain)) is None
    with shop.write() as session, pytest.raises(InvalidInput):
        create_campaign(
            session, CampaignPlan(name="Free", definition=BIRTHDAYS, offer=Offer(percent=0))
        )
    with shop.read() as session:
        assert [c.name for c in list_campaigns(session)] == ["Just hello", "Autumn"]


def test_vouchers_for_the_whole_batch_land_together_or_not_at_all(shop: ShopDatabase) -> None:
    for name in NAMES[:3]:
        _customer(shop, name)
    with pytest.raises(RuntimeError), shop.write() as session:
        campaign = create_campaign(session, CampaignPlan(name="Spring", definition=BIRTHDAYS))
        assert len(queue_emails(session, campaign.id, TEN_PERCENT).customer_ids) == 3
        raise RuntimeError("the power went")
    with shop.read() as session:
        assert session.scalar(select(func.count()).select_from(Voucher)) == 0
        assert session.scalar(select(func.count()).select_from(Contact)) == 0
    with shop.write() as session:
        campaign = create_campaign(session, CampaignPlan(name="Spring", definition=BIRTHDAYS))
        queue_emails(session, campaign.id, TEN_PERCENT)
    with shop.read() as session:
        assert session.scalar(select(func.count()).select_from(Voucher)) == 3
        assert get_campaign(session, campaign.id).name == "Spring"


def _postal_customer(shop: ShopDatabase, name: str, *, consent: bool = True) -> int:
    with shop.write() as session:
        customer = create_customer(
            session,
            CustomerDetails(
                name=name,
                address_line1="12 Orchard Row",
                town="Frome",
                postcode="BA11 1AA",
                birth_day=1,
                birth_month=date.today().month,
            ),
            post_consent=ConsentChoice(granted=True, basis="legitimate_interest")
            if consent
            else None,
        )
        return customer.id


def test_postcards_and_letters_reach_customers_with_post_consent(
    shop: ShopDatabase, tmp_path: Path
) -> None:
    with shop.write() as session:
        save_profile(
            session,
            ShopProfile(name="Zoë's Tea & Co", email="hello@zoes.example", address="1 Bath St"),
        )
    names = ["Łukasz Ó'Brien", "Ελένη Παππά", "Дмитрий <Орлов>"]
    for name in names:
        _postal_customer(shop, name)
    _postal_customer(shop, "No Post", consent=False)
    with shop.write() as session:
        campaign = create_campaign(session, CampaignPlan(name="Cards", definition=BIRTHDAYS))
        pieces, reached = postal_pieces(session, campaign.id, TEN_PERCENT)
        branding = shop_branding(session)
    assert sorted(piece.name for piece in pieces) == sorted(names)
    assert reached.left_out == {"no post consent": 1}
    assert all(piece.voucher is not None for piece in pieces)
    cards, letters = tmp_path / "cards.pdf", tmp_path / "letters.pdf"
    assert render_postcards(pieces, branding, cards) == 6  # front and back each
    assert render_letters(pieces, branding, letters) == 3
    card_pages = [page.extract_text() for page in PdfReader(cards).pages]
    for piece, front, back in zip(pieces, card_pages[::2], card_pages[1::2], strict=True):
        assert piece.voucher is not None
        assert format_code(piece.voucher.code) in front and "10% off" in front
        assert piece.name in back and "BA11 1AA" in back
    letter_text = [page.extract_text() for page in PdfReader(letters).pages]
    assert "Hello Дмитрий," in letter_text[2] and "Дмитрий <Орлов>" in letter_text[2]
    with shop.write() as session:
        # Made but not printed yet: preparing again gives the same people the same vouchers.
        assert campaign_results(session, campaign.id).outcomes == {"post:prepared": 3}
        again, _ = postal_pieces(session, campaign.id, TEN_PERCENT)
        assert [piece.voucher for piece in again] == [piece.voucher for piece in pieces]
        assert session.scalar(select(func.count()).select_from(Voucher)) == 3
        assert confirm_printed(session, [piece.contact_id for piece in again]) == 3
    with shop.read() as session:
        assert campaign_results(session, campaign.id).outcomes == {"post:printed": 3}
        # The same purpose within the cooldown: nobody gets a second card.
        assert postal_pieces(session, campaign.id)[0] == []
