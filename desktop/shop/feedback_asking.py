"""Asking for feedback by email after a purchase: the shop's settings and words, and the
bookkeeping that makes sure nobody is asked twice (the sending: mail/feedback_requests.py).

Each purchase is marked requested, with a "sending" contact carrying the Message-ID, and
committed before its email goes out; the contact then gets the outcome. A crash in between
leaves the purchase marked and its contact "uncertain": the customer is not asked again. Only
when the connection broke before the server took anything is the mark taken back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from email.utils import make_msgid

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from desktop.shop.campaign_settings import set_setting_text, setting_text
from desktop.shop.campaigns import PLACEHOLDER, Template
from desktop.shop.errors import InvalidInput
from desktop.shop.feedback import FeedbackRequestDue, due_feedback_requests, mark_requested
from desktop.shop.insert_options import insert_options
from desktop.shop.suppression import is_suppressed
from desktop.shop.text import clean_line, clean_text
from desktop.store.models import utc_now
from desktop.store.models_campaigns import Contact
from desktop.store.models_feedback import FeedbackOptOut, FeedbackRequest

SETTINGS_KEY = "feedback.requests"
PURPOSE = "feedback_request"
STOP_SUBJECT = "Please don't ask me for feedback"
PLACEHOLDERS: dict[str, str] = {
    "first_name": "the customer's first name",
    "reference": "the purchase reference",
    "feedback_link": "your feedback form, with the reference filled in",
    "guide_title": "the care guide for what they bought",
    "guide_link": "that guide's web address",
    "shop_name": "the shop's name",
}
GUIDE_PLACEHOLDERS = ("guide_title", "guide_link")
DEFAULT_TEMPLATE = Template(
    subject="How was your visit to {shop_name}?",
    text="Hello {first_name},\n\n"
    "Thank you for your purchase ({reference}). We'd love to know how it went: it takes "
    "a minute, and we read every answer.\n\n"
    "{feedback_link}\n\n"
    "To get the most out of it, here is our guide: {guide_title}\n{guide_link}\n\n"
    "With thanks,\n{shop_name}",
)


@dataclass(frozen=True)
class RequestSettings:
    """Whether the shop asks, how many days after the purchase, and in what words."""

    enabled: bool = False
    days_after: int = 7
    template: Template = DEFAULT_TEMPLATE


def load_request_settings(session: Session) -> RequestSettings:
    """The shop's feedback request settings; off, 7 days and the default words until set."""
    text = setting_text(session, SETTINGS_KEY)
    if text is None:
        return RequestSettings()
    stored = json.loads(text)
    return RequestSettings(
        enabled=bool(stored.get("enabled", False)),
        days_after=int(stored.get("days_after", 7)),
        template=Template(
            str(stored.get("subject", DEFAULT_TEMPLATE.subject)),
            str(stored.get("text", DEFAULT_TEMPLATE.text)),
        ),
    )


def save_request_settings(session: Session, settings: RequestSettings) -> RequestSettings:
    """Check and keep the settings. InvalidInput names the field: days, subject or text."""
    if not 0 <= settings.days_after <= 365:
        raise InvalidInput("days", "Send the request 0 to 365 days after the purchase.")
    subject = clean_line(settings.template.subject, "subject", max_length=300, required=True)
    text = clean_text(settings.template.text, "email text", max_length=20_000)
    used = set(PLACEHOLDER.findall(subject + text))
    unknown = sorted(used - set(PLACEHOLDERS))
    if unknown:
        names = ", ".join("{" + name + "}" for name in unknown)
        raise InvalidInput("text", f"The email uses placeholders Aftercare can't fill: {names}.")
    if "{feedback_link}" not in text:
        raise InvalidInput(
            "text", "Put {feedback_link} in the email: it is where customers leave feedback."
        )
    checked = RequestSettings(settings.enabled, settings.days_after, Template(subject, text))
    stored = {
        "enabled": checked.enabled,
        "days_after": checked.days_after,
        "subject": subject,
        "text": text,
    }
    set_setting_text(session, SETTINGS_KEY, json.dumps(stored, ensure_ascii=False))
    return checked


def form_address(session: Session) -> str:
    """The shop's feedback form address, or InvalidInput when the shop has none."""
    address = insert_options(session).feedback_url
    if not address:
        raise InvalidInput(
            "feedback address",
            "Enter your feedback form's web address in the insert settings first: the email "
            "links to it.",
        )
    return address


def requests_due(session: Session, today: date) -> list[FeedbackRequestDue]:
    """Who would be asked today with the shop's settings (the shop decides who is due)."""
    return due_feedback_requests(session, today, load_request_settings(session).days_after)


TURNED_OFF = "Feedback requests are turned off: turn them on first."


def mark_interrupted_requests(session: Session) -> int:
    """Requests left "sending" by a crash may have arrived: uncertain, never sent again."""
    result = session.execute(
        update(Contact)
        .where(Contact.purpose == PURPOSE, Contact.outcome == "sending")
        .values(outcome="uncertain", error="Aftercare stopped while this email was being sent.")
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def claim_request(session: Session, row: FeedbackRequestDue, domain: str) -> Contact | None:
    """Mark the purchase requested and record a "sending" contact; None when the customer
    opted out or unsubscribed since, or the purchase was asked about meanwhile."""
    if session.get(FeedbackOptOut, row.customer_id) is not None or is_suppressed(
        session, row.customer_id, "email"
    ):
        return None
    if mark_requested(session, [row.purchase_id], utc_now()) == 0:
        return None
    contact = Contact(
        customer_id=row.customer_id,
        channel="email",
        purpose=PURPOSE,
        outcome="sending",
        message_id=make_msgid(domain=domain),
        created_at=utc_now(),
    )
    session.add(contact)
    session.flush()
    return contact


@dataclass(frozen=True)
class RequestOutcome:
    """What became of one email, waiting to be committed. `ask_again`: nothing reached the
    server, so the purchase's mark is taken back and the next run asks again."""

    contact_id: int
    purchase_id: int
    state: str  # sent | failed | uncertain
    error: str | None = None
    ask_again: bool = False


def record_request_outcome(session: Session, outcome: RequestOutcome) -> None:
    contact = session.get(Contact, outcome.contact_id)
    if contact is not None:
        contact.outcome, contact.error = outcome.state, outcome.error
        contact.sent_at = utc_now() if outcome.state == "sent" else None
    if outcome.ask_again:
        session.execute(
            delete(FeedbackRequest).where(FeedbackRequest.purchase_id == outcome.purchase_id)
        )
