"""Feedback: recording what customers say, following up low scores, and asking after a purchase.

A rating of 2 stars or less, or a recommend score of 6 or less, opens a follow-up (new, then
contacted, then resolved) with append-only notes; a goodwill voucher can be issued from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import exists, func, insert, select
from sqlalchemy.orm import Session, aliased

from desktop.shop.customers import normalise_email
from desktop.shop.errors import InvalidInput, NotFound, ShopError
from desktop.shop.guides import guides_for_purchases
from desktop.shop.inserts import link_with_reference
from desktop.shop.parcels import local_day_bounds
from desktop.shop.suppression import suppressed
from desktop.shop.text import clean_line, clean_text
from desktop.shop.vouchers import VoucherTerms, issue_voucher
from desktop.store.models import Customer, Purchase, Voucher, utc_now
from desktop.store.models_feedback import (
    Feedback,
    FeedbackOptOut,
    FeedbackRequest,
    FollowUp,
    FollowUpNote,
)

CHANNELS = {
    "in_person": "In person",
    "phone": "By phone",
    "email": "By email",
    "online_form": "Online form",
}
STATES = {"new": "New", "contacted": "Contacted", "resolved": "Resolved"}
LOW_RATING = 2  # stars, at or below: follow up
LOW_RECOMMEND = 6  # out of 10, at or below: follow up (a detractor)
MAX_COMMENT = 5000
# A customer is sent at most one feedback request in this many days, however often they buy.
REQUEST_GAP_DAYS = 30

FollowUpState = Literal["new", "contacted", "resolved"]


class FollowUpRefused(ShopError):
    """The follow-up cannot do that now; the message says why."""


@dataclass
class FeedbackInput:
    """What was said, about what, and how it came. At least one of the two scores."""

    rating: int | None = None  # stars, 1 to 5
    recommend: int | None = None  # how likely to recommend the shop, 0 to 10
    comment: str = ""
    channel: str = "in_person"
    received_at: datetime | None = None  # default now
    purchase_id: int | None = None
    customer_id: int | None = None  # taken from the purchase when not given


def needs_follow_up(rating: int | None, recommend: int | None) -> bool:
    """2 stars or less, or 6 or less out of 10."""
    return (rating is not None and rating <= LOW_RATING) or (
        recommend is not None and recommend <= LOW_RECOMMEND
    )


def check_scores(rating: int | None, recommend: int | None) -> None:
    """InvalidInput naming the field unless the scores are in range and at least one is given."""
    if rating is None and recommend is None:
        raise InvalidInput("rating", "Give a star rating, a recommend score, or both.")
    if rating is not None and not 1 <= rating <= 5:
        raise InvalidInput("rating", "The rating must be from 1 to 5 stars.")
    if recommend is not None and not 0 <= recommend <= 10:
        raise InvalidInput("recommend", "The recommend score must be from 0 to 10.")


def record_feedback(
    session: Session, details: FeedbackInput, *, response_key: str | None = None
) -> Feedback:
    """Record feedback about a purchase or a customer; a low score opens a follow-up in the same
    transaction. `response_key` marks an imported form response (see feedback_import)."""
    check_scores(details.rating, details.recommend)
    if details.channel not in CHANNELS:
        raise InvalidInput("channel", f"Unknown way feedback came in: “{details.channel}”.")
    received = details.received_at or utc_now()
    if received.tzinfo is None:
        raise InvalidInput("received", "The time the feedback came in has no time zone.")
    if received > utc_now() + timedelta(days=1):
        raise InvalidInput("received", "The feedback's date is in the future.")
    customer_id = details.customer_id
    if details.purchase_id is not None:
        purchase = session.get(Purchase, details.purchase_id)
        if purchase is None:
            raise NotFound(f"There is no purchase number {details.purchase_id}.")
        if customer_id is None:
            customer_id = purchase.customer_id
        elif purchase.customer_id not in (None, customer_id):
            raise InvalidInput(
                "customer", f"Purchase {purchase.reference} was made by another customer."
            )
    if customer_id is not None and session.get(Customer, customer_id) is None:
        raise NotFound(f"There is no customer number {customer_id}.")
    if details.purchase_id is None and customer_id is None:
        raise InvalidInput("customer", "Choose the customer or the purchase the feedback is about.")
    feedback = Feedback(
        purchase_id=details.purchase_id,
        customer_id=customer_id,
        rating=details.rating,
        recommend=details.recommend,
        comment=clean_text(details.comment, "comment", max_length=MAX_COMMENT),
        channel=details.channel,
        received_at=received,
        response_key=response_key,
    )
    session.add(feedback)
    session.flush()
    if needs_follow_up(details.rating, details.recommend):
        session.add(FollowUp(feedback_id=feedback.id, state="new", opened_at=utc_now()))
        session.flush()
    return feedback


# --- Follow-ups --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpRow:
    """One line of the follow-up list."""

    feedback_id: int
    state: FollowUpState
    opened_at: datetime
    received_at: datetime
    rating: int | None
    recommend: int | None
    comment: str
    channel: str
    customer_id: int | None
    customer_name: str | None
    email: str | None
    phone: str | None
    reference: str | None
    notes: int
    voucher_code: str | None


@dataclass(frozen=True)
class NoteRow:
    written_at: datetime
    text: str


def _follow_up(session: Session, feedback_id: int) -> FollowUp:
    follow_up = session.get(FollowUp, feedback_id)
    if follow_up is None:
        raise NotFound("That feedback has no follow-up (only low scores are followed up).")
    return follow_up


def follow_ups(
    session: Session,
    state: FollowUpState | Literal["open", "all"] = "open",
    *,
    limit: int = 200,
) -> list[FollowUpRow]:
    """Follow-ups oldest first; "open" means new or contacted (the ones still to do)."""
    if state not in (*STATES, "open", "all"):
        raise InvalidInput("state", f"Unknown follow-up state “{state}”.")
    notes = (
        select(func.count(FollowUpNote.id))
        .where(FollowUpNote.feedback_id == FollowUp.feedback_id)
        .scalar_subquery()
    )
    given = aliased(Voucher)
    statement = (
        select(FollowUp, Feedback, Customer.name, Customer.email, Customer.phone)
        .add_columns(Purchase.reference, notes, given.code)
        .join(Feedback, Feedback.id == FollowUp.feedback_id)
        .outerjoin(Customer, Customer.id == Feedback.customer_id)
        .outerjoin(Purchase, Purchase.id == Feedback.purchase_id)
        .outerjoin(given, given.id == FollowUp.voucher_id)
        .order_by(FollowUp.opened_at, FollowUp.feedback_id)
        .limit(limit)
    )
    if state == "open":
        statement = statement.where(FollowUp.state.in_(("new", "contacted")))
    elif state != "all":
        statement = statement.where(FollowUp.state == state)
    return [
        FollowUpRow(
            feedback_id=follow_up.feedback_id,
            state=follow_up.state,
            opened_at=follow_up.opened_at,
            received_at=feedback.received_at,
            rating=feedback.rating,
            recommend=feedback.recommend,
            comment=feedback.comment,
            channel=feedback.channel,
            customer_id=feedback.customer_id,
            customer_name=name,
            email=email,
            phone=phone,
            reference=reference,
            notes=count,
            voucher_code=code,
        )
        for follow_up, feedback, name, email, phone, reference, count, code in session.execute(
            statement
        )
    ]


def set_follow_up_state(session: Session, feedback_id: int, state: FollowUpState) -> FollowUp:
    """Move a follow-up to new, contacted or resolved (back again too, if it was a slip)."""
    if state not in STATES:
        raise InvalidInput("state", f"Unknown follow-up state “{state}”.")
    follow_up = _follow_up(session, feedback_id)
    if follow_up.state != state:
        follow_up.state = state
        follow_up.changed_at = utc_now()
        session.flush()
    return follow_up


def add_follow_up_note(session: Session, feedback_id: int, text: str) -> NoteRow:
    """Add a note to a follow-up. Notes are never changed or removed: add another to correct one."""
    _follow_up(session, feedback_id)
    cleaned = clean_text(text, "note", max_length=MAX_COMMENT)
    if not cleaned:
        raise InvalidInput("note", "Please write the note.")
    note = FollowUpNote(feedback_id=feedback_id, text=cleaned, written_at=utc_now())
    session.add(note)
    session.flush()
    return NoteRow(note.written_at, note.text)


def follow_up_notes(session: Session, feedback_id: int) -> list[NoteRow]:
    """A follow-up's notes, oldest first."""
    return [
        NoteRow(written_at, text)
        for written_at, text in session.execute(
            select(FollowUpNote.written_at, FollowUpNote.text)
            .where(FollowUpNote.feedback_id == feedback_id)
            .order_by(FollowUpNote.written_at, FollowUpNote.id)
        )
    ]


def issue_goodwill_voucher(session: Session, feedback_id: int, terms: VoucherTerms) -> Voucher:
    """A goodwill voucher ("with our apologies") for the customer behind low feedback, recorded
    on its follow-up and in its notes. One per follow-up: cancel it first to give another."""
    follow_up = _follow_up(session, feedback_id)
    if follow_up.voucher_id is not None:
        earlier = session.get(Voucher, follow_up.voucher_id)
        if earlier is not None and earlier.voided_at is None:
            raise FollowUpRefused(
                f"A goodwill voucher ({earlier.code}) was already given for this feedback."
            )
    feedback = session.get_one(Feedback, feedback_id)
    reason = terms.reason or f"Goodwill after feedback of {_day(feedback.received_at)}"
    voucher = issue_voucher(
        session,
        replace(terms, kind="goodwill", customer_id=feedback.customer_id, reason=reason),
    )
    follow_up.voucher_id = voucher.id
    follow_up.changed_at = utc_now()
    session.add(
        FollowUpNote(
            feedback_id=feedback_id,
            text=f"Goodwill voucher {voucher.code} issued.",
            written_at=utc_now(),
        )
    )
    session.flush()
    return voucher


def _day(moment: datetime) -> str:
    local = moment.astimezone()
    return f"{local.day} {local:%b %Y}"


# --- Asking for feedback after a purchase ------------------------------------------------------


@dataclass(frozen=True)
class FeedbackRequestDue:
    """A purchase whose customer should now get the "how did we do?" email."""

    purchase_id: int
    reference: str
    purchased_at: datetime
    customer_id: int
    customer_name: str
    email: str
    guide_title: str | None = None  # the care guide for what was bought, for the email to link
    guide_url: str | None = None


def feedback_url(base_url: str, reference: str) -> str:
    """The shop's feedback form address with the purchase reference filled in (for the insert's
    QR code and the request email): 'shop.example/feedback' -> '...?ref=P-000042'."""
    return link_with_reference(base_url, reference, field="feedback address")


def due_feedback_requests(
    session: Session, today: date, days_after: int, *, window_days: int = 7
) -> list[FeedbackRequestDue]:
    """Purchases made `days_after` days before `today` (or up to `window_days` earlier, should
    the app not have been opened), whose customer has an email address and should be asked.

    The request is a service message about the purchase, not marketing, so withdrawn email
    marketing consent is no reason to leave a customer out; an objection or an unsubscribe is:
    a customer on the suppression list for email (shop/suppression.py), or who asked not to be
    sent these requests (`stop_feedback_requests`, the email's own way out), is not asked.
    Each purchase is asked at most once, and a customer at most once in REQUEST_GAP_DAYS
    (about their latest purchase in the window), so buying three times in a week brings one
    email. Each row carries the guide for what was bought, if any."""
    if not 0 <= days_after <= 365:
        raise InvalidInput("days", "Send the request 0 to 365 days after the purchase.")
    if not 1 <= window_days <= 60:
        raise InvalidInput("window", "The catch-up window must be 1 to 60 days.")
    last_day = today - timedelta(days=days_after)
    start, _ = local_day_bounds(last_day - timedelta(days=window_days - 1))
    _, end = local_day_bounds(last_day)
    recent_start, _ = local_day_bounds(today - timedelta(days=REQUEST_GAP_DAYS))
    asked = exists().where(FeedbackRequest.purchase_id == Purchase.id)
    asked_lately = exists().where(
        FeedbackRequest.customer_id == Purchase.customer_id,
        FeedbackRequest.requested_at >= recent_start,
    )
    opted_out = exists().where(FeedbackOptOut.customer_id == Purchase.customer_id)
    found = session.execute(
        select(
            Purchase.id,
            Purchase.reference,
            Purchase.purchased_at,
            Customer.id,
            Customer.name,
            Customer.email,
        )
        .join(Customer, Customer.id == Purchase.customer_id)
        .where(
            Purchase.purchased_at >= start,
            Purchase.purchased_at < end,
            Purchase.voided_at.is_(None),
            Customer.email.is_not(None),
            Customer.email != "",
            ~asked,
            ~asked_lately,
            ~opted_out,
            ~suppressed("email"),
        )
        .order_by(Purchase.purchased_at.desc(), Purchase.id.desc())
    ).all()
    latest: dict[int, Any] = {}
    for row in found:  # newest first: each customer's first row is their latest purchase
        latest.setdefault(row[3], row)
    guides = guides_for_purchases(session, [row[0] for row in latest.values()])
    due = []
    for purchase_id, reference, purchased_at, customer_id, name, email in latest.values():
        guide = guides.get(purchase_id)
        due.append(
            FeedbackRequestDue(
                *(purchase_id, reference, purchased_at, customer_id, name, email or ""),
                guide_title=guide.title if guide else None,
                guide_url=guide.url if guide else None,
            )
        )
    return sorted(due, key=lambda row: (row.purchased_at, row.purchase_id))


def mark_requested(session: Session, purchase_ids: Sequence[int], when: datetime) -> int:
    """Record that these purchases' feedback requests were sent at `when`; a purchase already
    marked stays as it was. Returns how many were newly marked."""
    wanted = list(dict.fromkeys(purchase_ids))
    if not wanted:
        return 0
    already = set(
        session.scalars(
            select(FeedbackRequest.purchase_id).where(FeedbackRequest.purchase_id.in_(wanted))
        )
    )
    rows = session.execute(
        select(Purchase.id, Purchase.customer_id).where(
            Purchase.id.in_([p for p in wanted if p not in already])
        )
    ).all()
    if len(rows) + len(already) < len(wanted):
        known = already | {row[0] for row in rows}
        missing = next(p for p in wanted if p not in known)
        raise NotFound(f"There is no purchase number {missing}.")
    if rows:
        session.execute(
            insert(FeedbackRequest),
            [{"purchase_id": p, "customer_id": c, "requested_at": when} for p, c in rows],
        )
    return len(rows)


def stop_feedback_requests(session: Session, customer_id: int, source: str = "email") -> None:
    """The customer asked not to be sent feedback requests: never ask them again."""
    if session.get(Customer, customer_id) is None:
        raise NotFound(f"There is no customer number {customer_id}.")
    if session.get(FeedbackOptOut, customer_id) is None:
        session.add(
            FeedbackOptOut(
                customer_id=customer_id,
                source=clean_line(source, "source", max_length=30, required=True),
                recorded_at=utc_now(),
            )
        )
        session.flush()


def stop_feedback_requests_to(session: Session, email: str, source: str = "email") -> list[int]:
    """Someone wrote from `email` asking not to be asked for feedback: every customer with that
    address is never asked again. Returns their ids; InvalidInput when nobody has it."""
    _, email_key = normalise_email(email)
    if email_key is None:
        raise InvalidInput("email", "Type the address they wrote from.")
    found = list(session.scalars(select(Customer.id).where(Customer.email_key == email_key)))
    if not found:
        raise InvalidInput(
            "email", f"No customer has the address {email_key}: find them by name instead."
        )
    for customer_id in found:
        stop_feedback_requests(session, customer_id, source)
    return found
