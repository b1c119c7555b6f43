"""The points ledger: each account's entries and the balance kept with them.

Every movement is a `LoyaltyEntry`; the account's balance and version move in the same
statement as each entry is numbered, so the balance is always the ledger's sum.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    String,
    and_,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import set_committed_value

from desktop.shop.errors import InvalidInput, NotFound, ShopError
from desktop.shop.loyalty_rules import MAX_POINTS, get_programme
from desktop.shop.text import clean_line
from desktop.store.models import Customer, UTCDateTime, utc_now
from desktop.store.models_loyalty import LoyaltyAccount, LoyaltyEntry


class PointsRefused(ShopError):
    """A movement of points was refused (not enough points, or changed at another till)."""


def account_for_customer(session: Session, customer_id: int) -> LoyaltyAccount | None:
    """The customer's membership, or None when they have not joined."""
    return session.scalar(select(LoyaltyAccount).where(LoyaltyAccount.customer_id == customer_id))


def member_balance(session: Session, customer_id: int) -> int | None:
    """A member's balance (one indexed row), or None for a customer who is not a member."""
    return session.scalar(
        select(LoyaltyAccount.balance).where(LoyaltyAccount.customer_id == customer_id)
    )


def get_account(session: Session, account_id: int) -> LoyaltyAccount:
    account = session.get(LoyaltyAccount, account_id)
    if account is None:
        raise NotFound(f"There is no loyalty account number {account_id}.")
    return account


def member_name(account: LoyaltyAccount) -> str:
    return account.customer.name if account.customer else "This member"


def post_entry(
    session: Session,
    account: LoyaltyAccount,
    kind: str,
    points: int,
    *,
    reason: str = "",
    purchase_id: int | None = None,
    voucher_id: int | None = None,
    reward_id: int | None = None,
    bonus_key: str | None = None,
    seen_version: int | None = None,
) -> LoyaltyEntry:
    """Append an entry and move the balance with it, in one conditional UPDATE.

    Spending (a negative redeem or adjust) only happens while the balance covers it, and with
    `seen_version` only if nobody else wrote since; otherwise PointsRefused. Callers check first
    to word the refusal; this is the rule the database keeps when two tills race."""
    statement = (
        update(LoyaltyAccount)
        .where(LoyaltyAccount.id == account.id)
        .values(balance=LoyaltyAccount.balance + points, version=LoyaltyAccount.version + 1)
        .returning(LoyaltyAccount.balance, LoyaltyAccount.version)
        .execution_options(synchronize_session=False)
    )
    if seen_version is not None:
        statement = statement.where(LoyaltyAccount.version == seen_version)
    if kind in ("redeem", "adjust") and points < 0:
        statement = statement.where(LoyaltyAccount.balance + points >= 0)
    moved = session.execute(statement).first()
    if moved is None:
        raise PointsRefused(
            "The points changed at another till a moment ago. "
            "Please look at the balance again and retry."
        )
    balance, version = moved
    set_committed_value(account, "balance", balance)
    set_committed_value(account, "version", version)
    entry = LoyaltyEntry(
        account_id=account.id,
        sequence=version,
        kind=kind,
        points=points,
        balance_after=balance,
        reason=reason,
        purchase_id=purchase_id,
        voucher_id=voucher_id,
        reward_id=reward_id,
        bonus_key=bonus_key,
        created_at=utc_now(),
    )
    session.add(entry)
    session.flush()
    return entry


def adjust_points(session: Session, account_id: int, points: int, reason: str) -> LoyaltyEntry:
    """A manual correction, up or down, with the reason on record. Never below zero."""
    account = get_account(session, account_id)
    reason = clean_line(reason, "reason", max_length=300, required=True)
    programme = get_programme(session)
    if isinstance(points, bool) or not isinstance(points, int) or points == 0:
        raise InvalidInput("points", f"Enter how many {programme.unit_plural} to add or remove.")
    if abs(points) > MAX_POINTS:
        raise InvalidInput("points", f"That is too many {programme.unit_plural} for one change.")
    if account.balance + points < 0:
        raise InvalidInput(
            "points",
            f"{member_name(account)} has {programme.units(account.balance)}: "
            f"you can take away at most {programme.units(max(account.balance, 0))}.",
        )
    return post_entry(session, account, "adjust", points, reason=reason)


def post_batch(
    session: Session,
    kind: str,
    points: ColumnElement[Any] | int,
    reason: str,
    *conditions: ColumnElement[bool],
    bonus_key: str | None = None,
) -> int:
    """One entry for every account matching `conditions`, in set-based SQL; returns how many.

    Entries are numbered version + 1 and carry their balance after; a second statement then
    moves each account onto its new entry. Accounts cached in the session are refreshed."""
    amount = literal(points) if isinstance(points, int) else points
    source = select(
        LoyaltyAccount.id,
        LoyaltyAccount.version + 1,
        literal(kind),
        amount,
        LoyaltyAccount.balance + amount,
        literal(reason),
        literal(bonus_key, String),
        literal(utc_now(), UTCDateTime),
    ).where(*conditions)
    columns = [
        "account_id",
        "sequence",
        "kind",
        "points",
        "balance_after",
        "reason",
        "bonus_key",
        "created_at",
    ]
    inserted = session.execute(insert(LoyaltyEntry).from_select(columns, source))
    added = cast("CursorResult[Any]", inserted).rowcount
    if not added:
        return 0
    new_entry = and_(
        LoyaltyEntry.account_id == LoyaltyAccount.id,
        LoyaltyEntry.sequence == LoyaltyAccount.version + 1,
    )
    session.execute(
        update(LoyaltyAccount)
        .where(exists().where(new_entry))
        .values(
            balance=select(LoyaltyEntry.balance_after).where(new_entry).scalar_subquery(),
            version=LoyaltyAccount.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    for cached in list(session.identity_map.values()):
        if isinstance(cached, LoyaltyAccount):
            session.expire(cached, ["balance", "version"])
    return int(added)


def outstanding_balance(session: Session) -> int:
    """Points members hold between them (negative balances owe, they are not counted)."""
    total = session.scalar(
        select(func.coalesce(func.sum(LoyaltyAccount.balance), 0)).where(LoyaltyAccount.balance > 0)
    )
    return int(total or 0)


def recent_entries(session: Session, account_id: int, limit: int = 20) -> list[LoyaltyEntry]:
    """The member's newest ledger entries first."""
    return list(
        session.scalars(
            select(LoyaltyEntry)
            .where(LoyaltyEntry.account_id == account_id)
            .order_by(LoyaltyEntry.sequence.desc())
            .limit(limit)
        )
    )


def last_visit(enrolled_at: datetime, last_seen_at: datetime | None) -> datetime:
    """When the member last came in: their latest live purchase, or joining if later."""
    return max(last_seen_at, enrolled_at) if last_seen_at else enrolled_at


def no_visit_since(moment: datetime) -> ColumnElement[bool]:
    """Members whose last visit (as `last_visit` reckons it) was before `moment`."""
    # Aliased, so a query that also joins the customer still correlates on the account only.
    person = aliased(Customer)
    seen = (
        select(person.last_seen_at)
        .where(person.id == LoyaltyAccount.customer_id)
        .correlate(LoyaltyAccount)
        .scalar_subquery()
    )
    return and_(LoyaltyAccount.enrolled_at < moment, or_(seen.is_(None), seen < moment))
