"""A campaign's emails, one state at a time (the sending loop is desktop/mail/campaign_sending.py).

Before a message is handed to the mail server its contact is marked "sending" (with the
Message-ID it will carry) and committed; when the server accepts it, "sent". A "sending"
contact found later means the app stopped in between: the server may or may not have the
message, so it becomes "uncertain" and is not sent again unless the shopkeeper chooses to
(`retry_uncertain`). Nobody gets two copies without someone deciding so; the Message-ID lets
the shop check its sent folder or the provider's log for an uncertain one.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import make_msgid

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.shop.campaigns import (
    template_values,
)
from desktop.shop.errors import InvalidInput
from desktop.shop.settings import ShopProfile, get_profile
from desktop.shop.suppression import suppressed
from desktop.store.models import Customer, Voucher, utc_now
from desktop.store.models_campaigns import Contact


def sender(session: Session) -> tuple[str, str]:
    """(name, email) the shop's emails come from; replies to it are how people unsubscribe."""
    profile = get_profile(session)
    if not profile.email:
        raise InvalidInput(
            "email", "Enter the shop's email address in Settings: emails are sent from it."
        )
    return profile.name, profile.email


def mark_interrupted(session: Session, campaign_id: int) -> int:
    """Contacts left "sending" by a crash become "uncertain" (see the module's docstring)."""
    result = session.execute(
        update(Contact)
        .where(Contact.campaign_id == campaign_id, Contact.outcome == "sending")
        .values(outcome="uncertain", error="Aftercare stopped while this email was being sent.")
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def retry_uncertain(session: Session, campaign_id: int) -> int:
    """The shopkeeper's choice: send the uncertain ones again (they may get two copies)."""
    result = session.execute(
        update(Contact)
        .where(Contact.campaign_id == campaign_id, Contact.outcome == "uncertain")
        .values(outcome="pending", message_id=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def pending_emails(session: Session, campaign_id: int) -> list[int]:
    """The contacts still to send, in the order they were queued."""
    return list(
        session.scalars(
            select(Contact.id)
            .where(
                Contact.campaign_id == campaign_id,
                Contact.channel == "email",
                Contact.outcome == "pending",
            )
            .order_by(Contact.id)
        )
    )


@dataclass(frozen=True)
class Outgoing:
    """One email claimed for sending: who to, their placeholders, and its Message-ID."""

    contact_id: int
    name: str
    email: str
    values: dict[str, str]
    message_id: str


def claim_email(session: Session, contact_id: int, profile: ShopProfile) -> Outgoing | str | None:
    """Mark a pending email "sending" (with the Message-ID it will carry) just before it goes
    out. A str: it was skipped, and why (unsubscribed since it was queued...); None: it is no
    longer pending."""
    contact = session.get(Contact, contact_id)
    if contact is None or contact.outcome != "pending":
        return None
    customer = session.get(Customer, contact.customer_id) if contact.customer_id else None
    if customer is None or not customer.email:
        reason = "The customer or their email address was removed."
    elif not customer.email_marketing:
        reason = "The customer withdrew email consent."
    elif session.scalar(select(Customer.id).where(Customer.id == customer.id, suppressed("email"))):
        reason = "The customer unsubscribed."
    else:
        voucher = session.get(Voucher, contact.voucher_id) if contact.voucher_id else None
        contact.outcome = "sending"
        domain = profile.email.rpartition("@")[2] or "aftercare.invalid"
        contact.message_id = make_msgid(domain=domain)
        return Outgoing(
            contact.id,
            customer.name,
            customer.email,
            template_values(profile, customer, voucher),
            contact.message_id,
        )
    contact.outcome, contact.error = "skipped", reason
    return reason


def record_outcome(session: Session, contact_id: int, outcome: str, error: str | None) -> None:
    """What became of a claimed email: sent, failed (with the server's words), uncertain, or
    pending again (nothing was handed over)."""
    contact = session.get(Contact, contact_id)
    if contact is not None:
        contact.outcome, contact.error = outcome, error
        contact.sent_at = utc_now() if outcome == "sent" else None
