"""Marketing permissions per channel, as an append-only ledger (UK GDPR / PECR)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.shop.errors import InvalidInput
from desktop.store.models import Consent, Customer, utc_now

CHANNELS = ("email", "post")
BASES = ("consent", "soft_opt_in", "legitimate_interest", "withdrawn")

# The words the shopkeeper reads out or the customer ticks: stored with every grant.
EMAIL_WORDING = "May we email you now and then with offers and news? You can unsubscribe any time."
POST_WORDING = "May we send you the occasional card or offer by post?"


@dataclass(frozen=True)
class ConsentChoice:
    """A decision on one channel; `wording` is what the customer was shown (the channel's
    standard wording when empty)."""

    granted: bool
    basis: str = "consent"
    wording: str = ""


def has_postal_address(customer: Customer) -> bool:
    """Enough of an address for a card to arrive."""
    return bool(customer.address_line1 and customer.postcode)


def record_consent(
    session: Session,
    customer: Customer,
    channel: str,
    choice: ConsentChoice,
    *,
    source: str = "counter",
    when: datetime | None = None,
) -> Consent:
    """Append a consent decision and update the customer's current state in the same unit.

    A grant needs somewhere to send to: an email address for email, a postal address for post.
    """
    if channel not in CHANNELS:
        raise InvalidInput("channel", f"Unknown marketing channel “{channel}”.")
    if choice.granted:
        # Imported here: suppression records withdrawals through this function.
        from desktop.shop.suppression import is_suppressed

        session.flush()
        if is_suppressed(session, customer.id, "email" if channel == "email" else "post"):
            raise InvalidInput(
                channel,
                f"{customer.name} asked not to be contacted by {channel} any more: that "
                "objection stands, so marketing cannot be switched back on.",
            )
    basis = choice.basis if choice.granted else "withdrawn"
    if basis not in BASES or (choice.granted and basis == "withdrawn"):
        raise InvalidInput("basis", f"Unknown marketing basis “{choice.basis}”.")
    if choice.granted and channel == "email" and not customer.email:
        raise InvalidInput("email", "Email marketing needs an email address.")
    if choice.granted and channel == "post" and not has_postal_address(customer):
        raise InvalidInput("address", "Post marketing needs a postal address and postcode.")
    wording = choice.wording or (EMAIL_WORDING if channel == "email" else POST_WORDING)
    entry = Consent(
        customer_id=customer.id,
        channel=channel,
        granted=choice.granted,
        basis=basis,
        source=source,
        wording=wording,
        recorded_at=when or utc_now(),
    )
    session.add(entry)
    if channel == "email":
        customer.email_marketing = choice.granted
    else:
        customer.post_marketing = choice.granted
    return entry


def consent_history(session: Session, customer_id: int) -> list[Consent]:
    """Every decision for the customer, newest first."""
    return list(
        session.scalars(
            select(Consent)
            .where(Consent.customer_id == customer_id)
            .order_by(Consent.recorded_at.desc(), Consent.id.desc())
        )
    )
