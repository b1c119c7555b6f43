"""A campaign's postcards and DL letters: who gets one, with their voucher, and when they count
as sent (once printed or saved, not when the PDF is made)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.shop.campaigns import (
    Audience,
    campaign_audience,
    fill,
    get_campaign,
    issue_campaign_vouchers,
    record_contacts,
    template_values,
)
from desktop.shop.inserts import VoucherContent, voucher_content
from desktop.shop.settings import get_profile
from desktop.shop.vouchers import VoucherTerms
from desktop.store.models import Customer, Voucher, utc_now
from desktop.store.models_campaigns import Contact


@dataclass(frozen=True)
class PostalPiece:
    """One postcard or letter as printed (desktop/printing/postcards.py)."""

    name: str
    address_lines: tuple[str, ...]
    headline: str  # the campaign's subject line, set large in a handwritten face
    message: str
    voucher: VoucherContent | None
    contact_id: int = 0  # its "prepared" contact, confirmed by `confirm_printed`


def postal_pieces(
    session: Session,
    campaign_id: int,
    voucher: VoucherTerms | None = None,
    *,
    today: date | None = None,
) -> tuple[list[PostalPiece], Audience]:
    """The campaign's postcards or letters: customers with a postal address and post consent,
    not suppressed nor in the cooldown, each with their own voucher when `voucher` is given.

    Each customer gets a "prepared" contact in the caller's transaction (with the vouchers: a
    failed run is rolled back whole). Prepared is not yet reached: a batch previewed and put
    aside can be prepared again, and its customers keep the vouchers they were given then.
    `confirm_printed` makes them "printed" once the pieces are printed or saved."""
    campaign = get_campaign(session, campaign_id)
    reached = campaign_audience(session, campaign, "post", today=today)
    before = _prepared(session, campaign.id, reached.customer_ids)
    fresh = [customer_id for customer_id in reached.customer_ids if customer_id not in before]
    vouchers = (
        issue_campaign_vouchers(session, campaign, fresh, voucher) if voucher is not None else {}
    )
    record_contacts(session, campaign, "post", "prepared", fresh, vouchers)
    contacts = before | _prepared(session, campaign.id, fresh)
    for customer_id, contact in before.items():
        if contact.voucher_id is not None:
            vouchers[customer_id] = session.get_one(Voucher, contact.voucher_id)
    profile = get_profile(session)
    pieces = []
    for customer_id in reached.customer_ids:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        own = vouchers.get(customer_id)
        values = template_values(profile, customer, own)
        lines = (customer.address_line1, customer.address_line2, customer.town, customer.postcode)
        pieces.append(
            PostalPiece(
                name=customer.name,
                address_lines=tuple(line for line in lines if line),
                headline=fill(campaign.subject, values),
                message=fill(campaign.body_text, values),
                voucher=voucher_content(own, profile.locale) if own is not None else None,
                contact_id=contacts[customer_id].id,
            )
        )
    return pieces, reached


def _prepared(session: Session, campaign_id: int, customer_ids: list[int]) -> dict[int, Contact]:
    """The campaign's prepared (not yet printed) postal contacts of these customers."""
    found = session.scalars(
        select(Contact).where(
            Contact.campaign_id == campaign_id,
            Contact.channel == "post",
            Contact.outcome == "prepared",
            Contact.customer_id.in_(customer_ids),
        )
    )
    return {contact.customer_id: contact for contact in found if contact.customer_id is not None}


def confirm_printed(session: Session, contact_ids: Sequence[int]) -> int:
    """The prepared postcards or letters were printed (or saved to print): their customers now
    count as reached. Returns how many were confirmed."""
    if not contact_ids:
        return 0
    result = session.execute(
        update(Contact)
        .where(Contact.id.in_(list(contact_ids)), Contact.outcome == "prepared")
        .values(outcome="printed", sent_at=utc_now())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
