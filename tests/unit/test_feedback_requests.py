"""Asking for feedback after a purchase: who is due an email, once, and who is never asked."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import select

from desktop.mail.feedback_requests import RequestSendResult, send_due_feedback_requests
from desktop.mail.smtp_settings import save_settings
from desktop.shop.campaign_settings import set_emails_per_minute
from desktop.shop.campaigns import Template
from desktop.shop.catalogue import add_category, add_product
from desktop.shop.consent import ConsentChoice, record_consent
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.errors import InvalidInput, NotFound, ShopError
from desktop.shop.feedback import (
    due_feedback_requests,
    feedback_url,
    mark_requested,
    stop_feedback_requests,
)
from desktop.shop.feedback_asking import (
    RequestSettings,
    load_request_settings,
    save_request_settings,
)
from desktop.shop.guides import GuideInput, create_guide
from desktop.shop.insert_options import InsertOptions, save_insert_options
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase, void_purchase
from desktop.shop.settings import ShopProfile, save_profile
from desktop.shop.suppression import suppress
from desktop.store.models import Customer, Purchase
from desktop.store.models_campaigns import Contact
from desktop.store.shopfile import ShopDatabase

# The SMTP server, certificate and keyring fixtures.
pytest_plugins = ("tests.mail_fixtures",)

if TYPE_CHECKING:
    from tests.mail_fixtures import Server

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


# --- Sending the requests through a real SMTP server ------------------------------------------

FORM = "hollybank.example/feedback"


def _ready_to_send(shop: ShopDatabase, server: Server, *, form: str = FORM) -> None:
    with shop.write() as session:
        save_profile(
            session, ShopProfile(name="Hollybank Tea & Co", email="hello@hollybank.example")
        )
        save_settings(session, server.settings)
        set_emails_per_minute(session, 0)
        save_insert_options(session, InsertOptions(feedback_url=form, qr="site"))
        save_request_settings(session, RequestSettings(enabled=True, days_after=DAYS_AFTER))


def _send(shop: ShopDatabase, server: Server, stop_after: int | None = None) -> RequestSendResult:
    reported: list[int] = []
    return send_due_feedback_requests(
        shop,
        server.password,
        lambda done, total: reported.append(done),
        today=TODAY,
        should_stop=lambda: stop_after is not None and len(reported) >= stop_after,
        context=server.context,
    )


def _body(message: object, subtype: str) -> str:
    from email.message import EmailMessage

    assert isinstance(message, EmailMessage)
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None
    return str(part.get_content())


def test_due_requests_are_sent_once_with_the_feedback_and_guide_links(
    shop: ShopDatabase, smtp_server: Server, memory_keyring: KeyringBackend
) -> None:
    _ready_to_send(shop, smtp_server)
    zoe = _customer(shop, "Zoë Ó'Brien", "zoe@example.com")
    dmitry = _customer(shop, "Дмитрий Иванов", "dmitry@example.com")
    with shop.write() as session:
        pottery = add_category(session, "Pottery").id
        mug = add_product(session, "Blue mug", 1800, category_id=pottery).id
        create_guide(
            session,
            GuideInput("Caring for pottery", url="hollybank.example/care", category_ids=[pottery]),
        )
        zoes = record_purchase(
            session,
            PurchaseInput(
                [LineInput("", 1, 1800, mug)],
                zoe,
                purchased_at=_noon(TODAY - timedelta(days=DAYS_AFTER)),
            ),
        ).reference
    dmitrys = _purchase(shop, dmitry, DAYS_AFTER)

    first = _send(shop, smtp_server)
    again = _send(shop, smtp_server)

    assert (first.sent, first.failed, first.left) == (2, 0, 0)
    assert again.sent == 0
    inbox = smtp_server.inbox.by_recipient()
    assert sorted(inbox) == ["dmitry@example.com", "zoe@example.com"]
    [to_zoe] = inbox["zoe@example.com"]
    assert to_zoe["Subject"] == "How was your visit to Hollybank Tea & Co?"
    assert to_zoe["To"].addresses[0].display_name == "Zoë Ó'Brien"
    assert to_zoe["List-Unsubscribe"].startswith("<mailto:hello@hollybank.example?subject=")
    text, page = _body(to_zoe, "plain"), _body(to_zoe, "html")
    link = f"https://hollybank.example/feedback?ref={zoes}"
    assert text.startswith("Hello Zoë,")
    assert link in text and f'href="{link}"' in page
    assert "Caring for pottery" in text and "https://hollybank.example/care" in text
    assert 'href="https://hollybank.example/care"' in page
    assert "Don't ask me again" in page and "won't ask again" in text
    [to_dmitry] = inbox["dmitry@example.com"]
    dmitry_text = _body(to_dmitry, "plain")
    with shop.read() as session:
        reference = session.get_one(Purchase, dmitrys).reference
        asked = select(Contact.outcome).where(Contact.purpose == "feedback_request")
        assert sorted(session.scalars(asked)) == ["sent", "sent"]
    assert f"https://hollybank.example/feedback?ref={reference}" in dmitry_text
    assert "guide" not in dmitry_text  # nothing bought has a guide: the guide lines are left out


def test_suppressed_and_opted_out_customers_are_skipped(
    shop: ShopDatabase, smtp_server: Server, memory_keyring: KeyringBackend
) -> None:
    _ready_to_send(shop, smtp_server)
    asked = _customer(shop, "Ελένη", "eleni@example.com")
    unsubscribed = _customer(shop, "Łukasz Ó'Brien", "lukasz@example.com")
    stopped = _customer(shop, "李雷", "lei@example.com")
    with shop.write() as session:
        suppress(session, customer_id=unsubscribed, channel="email", source="email_reply")
        stop_feedback_requests(session, stopped)
    for customer in (asked, unsubscribed, stopped):
        _purchase(shop, customer, DAYS_AFTER)

    result = _send(shop, smtp_server)

    assert result.sent == 1
    assert list(smtp_server.inbox.by_recipient()) == ["eleni@example.com"]


def test_cancelled_midway_then_resumed_everyone_is_asked_exactly_once(
    shop: ShopDatabase, smtp_server: Server, memory_keyring: KeyringBackend
) -> None:
    _ready_to_send(shop, smtp_server)
    names = ["Zoë", "Дмитрий", "Ελένη", "李雷", "Ana 🌸"]
    for number, name in enumerate(names):
        _purchase(shop, _customer(shop, name, f"c{number}@example.com"), DAYS_AFTER)

    stopped = _send(shop, smtp_server, stop_after=2)
    assert (stopped.sent, stopped.left) == (2, 3)
    assert "stopped" in stopped.stopped
    resumed = _send(shop, smtp_server)

    assert (resumed.sent, resumed.left) == (3, 0)
    inbox = smtp_server.inbox.by_recipient()
    assert sorted(inbox) == [f"c{number}@example.com" for number in range(5)]
    assert all(len(messages) == 1 for messages in inbox.values())


def test_a_broken_connection_before_the_message_asks_again_next_time(
    shop: ShopDatabase, smtp_server: Server, memory_keyring: KeyringBackend
) -> None:
    _ready_to_send(shop, smtp_server)
    _purchase(shop, _customer(shop, "Siobhán", "siobhan@example.com"), DAYS_AFTER)
    smtp_server.inbox.drop_at_rcpt = 1

    broken = _send(shop, smtp_server)
    assert (broken.sent, broken.left) == (0, 1)
    assert broken.stopped
    retried = _send(shop, smtp_server)

    assert retried.sent == 1
    assert len(smtp_server.inbox.messages) == 1


def test_a_message_the_server_may_hold_is_never_sent_again(
    shop: ShopDatabase, smtp_server: Server, memory_keyring: KeyringBackend
) -> None:
    _ready_to_send(shop, smtp_server)
    _purchase(shop, _customer(shop, "Jürgen", "jurgen@example.com"), DAYS_AFTER)
    smtp_server.inbox.drop_in_data = 1

    broken = _send(shop, smtp_server)
    again = _send(shop, smtp_server)

    assert (broken.uncertain, broken.left) == (1, 0)
    assert again.sent == 0 and smtp_server.inbox.datas == 1


def test_sending_is_refused_without_a_feedback_form(
    shop: ShopDatabase, smtp_server: Server, memory_keyring: KeyringBackend
) -> None:
    _ready_to_send(shop, smtp_server, form="")
    _purchase(shop, _customer(shop, "Zoë", "zoe@example.com"), DAYS_AFTER)

    with pytest.raises(InvalidInput) as refused:
        _send(shop, smtp_server)

    assert "feedback form" in str(refused.value)
    assert smtp_server.inbox.messages == []


def test_sending_is_refused_while_requests_are_off(
    shop: ShopDatabase, smtp_server: Server, memory_keyring: KeyringBackend
) -> None:
    _ready_to_send(shop, smtp_server)
    with shop.write() as session:
        save_request_settings(session, RequestSettings(enabled=False))

    with pytest.raises(ShopError, match="turned off"):
        _send(shop, smtp_server)


def test_request_settings_are_kept_and_checked(shop: ShopDatabase) -> None:
    with shop.read() as session:
        assert load_request_settings(session) == RequestSettings()
    words = Template("Wie war's, {first_name}?", "Hallo {first_name}!\n\n{feedback_link}")
    with shop.write() as session:
        save_request_settings(session, RequestSettings(True, 10, words))
    with shop.read() as session:
        assert load_request_settings(session) == RequestSettings(True, 10, words)

    for settings, field in [
        (RequestSettings(days_after=400), "days"),
        (RequestSettings(template=Template("Hi", "{frist_name} {feedback_link}")), "text"),
        (RequestSettings(template=Template("Hi", "Hello, no link")), "text"),
        (RequestSettings(template=Template("", "{feedback_link}")), "subject"),
    ]:
        with shop.write() as session, pytest.raises(InvalidInput) as refused:
            save_request_settings(session, settings)
        assert refused.value.field == field
