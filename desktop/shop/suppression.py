"""The suppression list: unsubscribes and objections to marketing.

An entry is absolute. It is kept by customer and by email address, never removed, and every
send, export and print checks it, whatever the consent flags say: an import that grants consent
again, or brings the person back as a new record, cannot undo it.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session

from desktop.shop.consent import ConsentChoice, record_consent
from desktop.shop.customers import get_customer, normalise_email
from desktop.shop.errors import InvalidInput
from desktop.shop.text import clean_line
from desktop.store.models import Customer
from desktop.store.models_campaigns import Suppression

Channel = Literal["email", "post", "all"]
CHANNELS: tuple[Channel, ...] = ("email", "post", "all")


def suppress(
    session: Session,
    *,
    customer_id: int | None = None,
    email: str = "",
    channel: Channel = "all",
    reason: str = "",
    source: str = "counter",
) -> Suppression:
    """Record an unsubscribe or objection for a customer and/or an email address; the
    customer's consent for that channel is withdrawn in the same unit of work."""
    if channel not in CHANNELS:
        raise InvalidInput("channel", f"Unknown marketing channel “{channel}”.")
    customer = get_customer(session, customer_id) if customer_id is not None else None
    _, email_key = normalise_email(email)
    if email_key is None and customer is not None:
        email_key = customer.email_key
    if customer is None and email_key is None:
        raise InvalidInput("email", "Say who unsubscribed: a customer or an email address.")
    entry = Suppression(
        customer_id=customer.id if customer else None,
        email_key=email_key,
        channel=channel,
        reason=clean_line(reason, "reason", max_length=300),
        source=clean_line(source, "source", max_length=30, required=True),
    )
    session.add(entry)
    targets = [customer] if customer else []
    if email_key is not None:
        targets += session.scalars(select(Customer).where(Customer.email_key == email_key))
    for target in {c.id: c for c in targets}.values():
        for ch in ("email", "post") if channel == "all" else (channel,):
            if getattr(target, f"{ch}_marketing"):
                record_consent(session, target, ch, ConsentChoice(granted=False), source=source)
    session.flush()
    return entry


def suppressed(channel: Literal["email", "post"]) -> ColumnElement[bool]:
    """A condition on `Customer`: true for a customer suppressed on the channel (by their
    record or by their email address). Use `~suppressed(...)` to leave them out."""
    covers = Suppression.channel.in_((channel, "all"))
    return or_(
        exists().where(covers, Suppression.customer_id == Customer.id),
        exists().where(
            covers, Suppression.email_key.is_not(None), Suppression.email_key == Customer.email_key
        ),
    )


def is_suppressed(session: Session, customer_id: int, channel: Literal["email", "post"]) -> bool:
    """Whether the customer may not be sent marketing on the channel."""
    found = session.scalar(
        select(Customer.id).where(Customer.id == customer_id, suppressed(channel))
    )
    return found is not None


def is_email_suppressed(session: Session, email: str) -> bool:
    """Whether an address is on the list, for an import to check before granting consent."""
    _, email_key = normalise_email(email)
    if email_key is None:
        return False
    found = session.scalar(
        select(Suppression.id).where(
            Suppression.email_key == email_key, Suppression.channel.in_(("email", "all"))
        )
    )
    return found is not None


def list_suppressions(session: Session) -> list[Suppression]:
    """Every entry, newest first."""
    return list(
        session.scalars(
            select(Suppression).order_by(Suppression.recorded_at.desc(), Suppression.id.desc())
        )
    )
