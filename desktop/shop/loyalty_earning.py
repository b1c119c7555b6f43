"""Earning: what a purchase earns (and gives back when voided), and the bonuses that come
with joining, a birthday and an email address."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session

from desktop.shop.loyalty_ledger import account_for_customer, get_account, post_batch, post_entry
from desktop.shop.loyalty_rules import get_programme, points_for_spend, qualifying_spend
from desktop.shop.settings import get_profile
from desktop.shop.tiers import spend_in_window, status_for_spend
from desktop.store.models import Customer, Purchase
from desktop.store.models_loyalty import LoyaltyAccount, LoyaltyEntry

BIRTHDAY_GRACE_DAYS = 6  # a birthday on a closed day still earns its bonus that week
BONUS_REASONS = {
    "joining": "Welcome bonus",
    "birthday": "Birthday bonus",
    "email": "Thank you for your email address",
}


def _earned_by_account(session: Session, purchase_id: int) -> list[tuple[int, int]]:
    """(account id, net points) that a purchase earned and has not had taken back."""
    rows = session.execute(
        select(LoyaltyEntry.account_id, func.sum(LoyaltyEntry.points))
        .where(
            LoyaltyEntry.purchase_id == purchase_id,
            LoyaltyEntry.kind.in_(("earn", "reverse")),
        )
        .group_by(LoyaltyEntry.account_id)
    ).all()
    return [(account_id, int(net)) for account_id, net in rows if net]


def points_for_purchase(session: Session, purchase: Purchase) -> int:
    """What a live purchase earns its customer under the programme and their tier then."""
    programme = get_programme(session)
    if purchase.customer_id is None or purchase.currency != get_profile(session).currency:
        return 0
    spend = qualifying_spend(
        ((line.quantity * line.unit_price, line.category_id) for line in purchase.lines),
        purchase.total,
        set(programme.excluded_category_ids),
    )
    tier_spend = spend_in_window(
        session,
        purchase.customer_id,
        programme,
        until=purchase.purchased_at,
        leave_out=purchase.id,
    )
    multiplier = status_for_spend(programme.tiers, tier_spend).multiplier
    return points_for_spend(programme, spend, purchase.currency, multiplier)


def earn_for_purchase(session: Session, purchase: Purchase) -> LoyaltyEntry | None:
    """Bring what `purchase` earned up to date; call it in the transaction that records the
    purchase, and again in one that changes its total (a voucher taken off).

    Only the difference from what it already earned is written, so calling it twice earns once.
    Nothing for a voided purchase, a customer who is not a member, or a foreign currency."""
    if purchase.customer_id is None or purchase.voided_at is not None:
        return None
    account = account_for_customer(session, purchase.customer_id)
    if account is None:
        return None
    target = points_for_purchase(session, purchase)
    earned = sum(net for _account, net in _earned_by_account(session, purchase.id))
    if target == earned:
        return None
    reason = f"Purchase {purchase.reference}" + ("" if earned == 0 else " changed")
    return post_entry(
        session, account, "earn", target - earned, reason=reason, purchase_id=purchase.id
    )


def reverse_for_purchase(session: Session, purchase: Purchase) -> list[LoyaltyEntry]:
    """Take back exactly what a purchase earned; call it in the transaction that voids it.

    The balance may go below zero when the points were already spent: the member then earns
    their way back. Calling it twice takes back once."""
    entries = []
    for account_id, net in _earned_by_account(session, purchase.id):
        entries.append(
            post_entry(
                session,
                get_account(session, account_id),
                "reverse",
                -net,
                reason=f"Purchase {purchase.reference} voided",
                purchase_id=purchase.id,
            )
        )
    return entries


def _without_bonus(key: str) -> ColumnElement[bool]:
    return ~exists().where(
        LoyaltyEntry.account_id == LoyaltyAccount.id, LoyaltyEntry.bonus_key == key
    )


def award_bonuses(session: Session, today: date, *, customer_id: int | None = None) -> int:
    """Give the birthday and email bonuses that are due (all members, or one); returns how many.

    Birthday: once a year, in the week from the birthday (29 February counts on the 28th in
    other years). Email: once, for a member with an email address and marketing consent."""
    programme = get_programme(session)
    members: list[ColumnElement[bool]] = [LoyaltyAccount.customer_id.is_not(None)]
    if customer_id is not None:
        members.append(LoyaltyAccount.customer_id == customer_id)
    given = 0
    if programme.birthday_bonus:
        for back in range(BIRTHDAY_GRACE_DAYS, -1, -1):
            day = today - timedelta(days=back)
            born = [day.day]
            if day.month == 2 and day.day == 28 and (day + timedelta(days=1)).month == 3:
                born.append(29)
            key = f"birthday:{day.year}"
            birthdays = select(Customer.id).where(
                Customer.birth_month == day.month, Customer.birth_day.in_(born)
            )
            given += post_batch(
                session,
                "bonus",
                programme.birthday_bonus,
                BONUS_REASONS["birthday"],
                *members,
                LoyaltyAccount.customer_id.in_(birthdays),
                _without_bonus(key),
                bonus_key=key,
            )
    if programme.email_bonus:
        consenting = select(Customer.id).where(
            Customer.email_marketing.is_(True), Customer.email.is_not(None)
        )
        given += post_batch(
            session,
            "bonus",
            programme.email_bonus,
            BONUS_REASONS["email"],
            *members,
            LoyaltyAccount.customer_id.in_(consenting),
            _without_bonus("email"),
            bonus_key="email",
        )
    return given
