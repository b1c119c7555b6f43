"""Members: joining the programme with a fresh card, and finding a member at the counter."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.shop.codes import format_code, new_code, parse_code
from desktop.shop.customers import get_customer
from desktop.shop.errors import NotFound, ShopError
from desktop.shop.loyalty_earning import BONUS_REASONS, award_bonuses
from desktop.shop.loyalty_ledger import account_for_customer, post_entry
from desktop.shop.loyalty_rules import get_programme
from desktop.store.models import utc_now
from desktop.store.models_loyalty import LoyaltyAccount

CARD_LENGTH = 10
# Customer numbers are typed as digits; anything longer is read as a card number.
_MAX_CUSTOMER_DIGITS = 7


class AlreadyMember(ShopError):
    """The customer already has a loyalty card."""


class NotAMember(NotFound):
    """The customer exists but has not joined; the UI can offer to enrol them."""

    def __init__(self, customer_id: int, message: str) -> None:
        super().__init__(message)
        self.customer_id = customer_id


def find_member(session: Session, text: str) -> LoyaltyAccount:
    """The member a card scan, a typed card number or a customer number points at.

    Card numbers forgive case, spaces, dashes and O/0, I/L/1 and catch a typo by their check
    character. Raises InvalidInput, NotFound, or NotAMember for a customer who has not joined."""
    typed = text.strip()
    number = typed.removeprefix("#").strip()
    if number.isdigit() and len(number) <= _MAX_CUSTOMER_DIGITS:
        customer = get_customer(session, int(number))
        account = account_for_customer(session, customer.id)
        if account is None:
            raise NotAMember(customer.id, f"{customer.name} is not a member yet.")
        return account
    code = parse_code(typed, length=CARD_LENGTH, what="card number")
    account = session.scalar(select(LoyaltyAccount).where(LoyaltyAccount.card_number == code))
    if account is None:
        raise NotFound(f"No member has the card {format_code(code)}.")
    return account


def _unused_card_number(session: Session) -> str:
    # 45 random bits: a clash is very unlikely, but the unique index is the rule.
    while True:
        code = new_code(CARD_LENGTH)
        taken = session.scalar(select(LoyaltyAccount.id).where(LoyaltyAccount.card_number == code))
        if taken is None:
            return code


def enrol(session: Session, customer_id: int, *, today: date | None = None) -> LoyaltyAccount:
    """Make the customer a member: a fresh card number, the joining bonus, and any email or
    birthday bonus already due."""
    customer = get_customer(session, customer_id)
    existing = account_for_customer(session, customer_id)
    if existing is not None:
        raise AlreadyMember(
            f"{customer.name} is already a member (card {format_code(existing.card_number)})."
        )
    account = LoyaltyAccount(
        customer_id=customer_id,
        card_number=_unused_card_number(session),
        enrolled_at=utc_now(),
        balance=0,
        version=0,
    )
    session.add(account)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise AlreadyMember(f"{customer.name} was just enrolled at another till.") from None
    bonus = get_programme(session).joining_bonus
    if bonus:
        post_entry(
            session, account, "bonus", bonus, reason=BONUS_REASONS["joining"], bonus_key="joining"
        )
    award_bonuses(session, today or date.today(), customer_id=customer_id)
    return account


def unprinted_cards(session: Session) -> list[LoyaltyAccount]:
    """Members whose card was never printed, in the order they joined."""
    return list(
        session.scalars(
            select(LoyaltyAccount)
            .where(
                LoyaltyAccount.card_printed_at.is_(None), LoyaltyAccount.customer_id.is_not(None)
            )
            .order_by(LoyaltyAccount.enrolled_at, LoyaltyAccount.id)
        )
    )


def mark_cards_printed(
    session: Session, account_ids: list[int], when: datetime | None = None
) -> None:
    """Record that these members' cards went to the printer."""
    moment = when or utc_now()
    for account in session.scalars(
        select(LoyaltyAccount).where(LoyaltyAccount.id.in_(account_ids))
    ):
        account.card_printed_at = moment
