"""Vouchers: issuing a discount for next time, checking it at the counter, redeeming it once."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, Protocol

from babel.dates import format_date
from sqlalchemy import ColumnElement, and_, exists, or_, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from desktop.shop.codes import format_code, new_code, parse_code
from desktop.shop.errors import InvalidInput, NotFound, ShopError
from desktop.shop.loyalty_earning import earn_for_purchase
from desktop.shop.money import format_money
from desktop.shop.purchases import get_purchase, refresh_customer_totals
from desktop.shop.settings import get_profile
from desktop.shop.text import clean_line
from desktop.shop.voucher_kinds import KINDS
from desktop.store.models import Customer, Purchase, Setting, Voucher, VoucherRedemption, utc_now
from desktop.store.models_campaigns import Contact

CODE_LENGTH = 12
VALIDITY_KEY = "vouchers.validity_days"
DEFAULT_VALIDITY_DAYS = 90
MAX_VALIDITY_DAYS = 3 * 366

VoucherState = Literal["unused", "redeemed", "expired", "void"]
STATES: tuple[VoucherState, ...] = ("unused", "redeemed", "expired", "void")


class VoucherRefused(ShopError):
    """The voucher exists but cannot be used now; the message says why."""


@dataclass
class VoucherTerms:
    """What the shopkeeper chooses when issuing: a percentage *or* an amount off."""

    kind: str
    percent: int | None = None
    amount: int | None = None
    min_spend: int = 0
    expires_on: date | None = None  # None: the shop's usual validity from today
    terms: str = ""
    customer_id: int | None = None  # None: for the bearer
    reason: str = ""
    purchase_id: int | None = None  # the purchase that earned it, if any


def validity_days(session: Session) -> int:
    """How many days a voucher stays valid when no expiry date is chosen (90 until changed)."""
    row = session.get(Setting, VALIDITY_KEY)
    return DEFAULT_VALIDITY_DAYS if row is None else int(json.loads(row.value))


def set_validity_days(session: Session, days: int) -> int:
    """Change the usual validity of new vouchers (vouchers already issued keep their date)."""
    if not 1 <= days <= MAX_VALIDITY_DAYS:
        raise InvalidInput(
            "validity", f"A voucher's validity must be between 1 and {MAX_VALIDITY_DAYS} days."
        )
    session.merge(Setting(key=VALIDITY_KEY, value=json.dumps(days)))
    return days


def check_terms(terms: VoucherTerms, today: date | None = None) -> None:
    """Raise InvalidInput naming the field when the terms could not make a voucher."""
    if terms.kind not in KINDS:
        raise InvalidInput("kind", f"Unknown kind of voucher “{terms.kind}”.")
    if (terms.percent is None) == (terms.amount is None):
        raise InvalidInput("value", "Choose either a percentage or an amount off.")
    if terms.percent is not None and not 1 <= terms.percent <= 100:
        raise InvalidInput("value", "The percentage must be between 1 and 100.")
    if terms.amount is not None and terms.amount <= 0:
        raise InvalidInput("value", "The amount off must be more than zero.")
    if terms.min_spend < 0:
        raise InvalidInput("minimum spend", "The minimum spend cannot be negative.")
    if terms.expires_on is not None and terms.expires_on < (today or date.today()):
        raise InvalidInput("expiry", "The expiry date is already past.")


def issue_voucher(session: Session, terms: VoucherTerms) -> Voucher:
    """A new voucher with a fresh, unique code; without an expiry date it lasts the shop's
    usual validity (`validity_days`) from today."""
    check_terms(terms)
    if terms.customer_id is not None and session.get(Customer, terms.customer_id) is None:
        raise NotFound(f"There is no customer number {terms.customer_id}.")
    if terms.purchase_id is not None:
        get_purchase(session, terms.purchase_id)
    expires_on = terms.expires_on or date.today() + timedelta(days=validity_days(session))
    voucher = Voucher(
        code=_unused_code(session),
        kind=terms.kind,
        percent=terms.percent,
        amount=terms.amount,
        currency=get_profile(session).currency,
        min_spend=terms.min_spend,
        expires_on=expires_on,
        terms=clean_line(terms.terms, "terms", max_length=300),
        reason=clean_line(terms.reason, "reason", max_length=300),
        customer_id=terms.customer_id,
        purchase_id=terms.purchase_id,
    )
    session.add(voucher)
    session.flush()
    return voucher


def _unused_code(session: Session) -> str:
    # 55 random bits: a clash is astronomically unlikely, but the unique index is the rule.
    while True:
        code = new_code(CODE_LENGTH)
        if session.scalar(select(Voucher.id).where(Voucher.code == code)) is None:
            return code


def find_voucher(session: Session, typed: str) -> Voucher:
    """The voucher a scanner or a person entered (typos caught by the check character)."""
    code = parse_code(typed, length=CODE_LENGTH, what="voucher code")
    voucher = session.scalar(select(Voucher).where(Voucher.code == code))
    if voucher is None:
        raise NotFound(f"No voucher has the code {format_code(code)}.")
    return voucher


def discount_for(voucher: Voucher, spend: int) -> int:
    """Minor units off a purchase of `spend`: a percentage rounds half up; never more than spent."""
    if voucher.percent is not None:
        off = (Decimal(spend) * voucher.percent / 100).quantize(Decimal(1), ROUND_HALF_UP)
        return min(int(off), spend)
    return min(voucher.amount or 0, spend)


def refusal(
    session: Session,
    voucher: Voucher,
    *,
    spend: int | None,
    customer_id: int | None,
    today: date | None = None,
) -> str | None:
    """Why the voucher cannot be used now, in plain words; None when it can."""
    if voucher.voided_at is not None:
        return f"This voucher was cancelled on {_local(voucher.voided_at)}: {voucher.void_reason}"
    redemption = voucher.redemption
    if redemption is not None:
        purchase = get_purchase(session, redemption.purchase_id)
        return (
            f"This voucher was already used on {_local(redemption.redeemed_at)} "
            f"(purchase {purchase.reference})."
        )
    today = today or date.today()
    if voucher.expires_on is not None and voucher.expires_on < today:
        return f"This voucher expired on {_day(voucher.expires_on)}."
    if voucher.customer_id is not None and customer_id != voucher.customer_id:
        owner = voucher.customer.name if voucher.customer else "another customer"
        return f"This voucher is for {owner}: choose them as the customer to use it."
    if spend is not None and spend < voucher.min_spend:
        needed = format_money(voucher.min_spend, voucher.currency)
        return f"This voucher needs a spend of at least {needed}."
    return None


def redeem_voucher(session: Session, typed: str, purchase_id: int) -> VoucherRedemption:
    """Use the voucher against a purchase: takes the discount off its total, exactly once.

    The unique redemption row makes the database refuse a second use even when two tills scan
    the same code at the same moment."""
    voucher = find_voucher(session, typed)
    purchase = get_purchase(session, purchase_id)
    if purchase.voided_at is not None:
        raise VoucherRefused(f"Purchase {purchase.reference} is void.")
    if voucher.purchase_id == purchase.id:
        raise VoucherRefused(
            f"This voucher was earned by purchase {purchase.reference}: it is for the next one."
        )
    if purchase.currency != voucher.currency:
        raise VoucherRefused(
            f"This voucher is in {voucher.currency}, the purchase in {purchase.currency}."
        )
    reason = refusal(session, voucher, spend=purchase.total, customer_id=purchase.customer_id)
    if reason:
        raise VoucherRefused(reason)
    discount = discount_for(voucher, purchase.total)
    redemption = VoucherRedemption(
        voucher_id=voucher.id, purchase_id=purchase.id, discount=discount
    )
    try:
        with session.begin_nested():
            session.add(redemption)
            session.flush()
    except IntegrityError:
        raise VoucherRefused("This voucher was just used at another till.") from None
    purchase.discount += discount
    purchase.total -= discount
    session.flush()
    if purchase.customer_id is not None:
        refresh_customer_totals(session, purchase.customer_id)
        # Points follow what was paid: the discount lowers what the sale earns.
        earn_for_purchase(session, purchase)
    return redemption


def void_voucher(session: Session, voucher_id: int, reason: str) -> Voucher:
    """Cancel an unused voucher (kept on record, never usable again)."""
    voucher = session.get(Voucher, voucher_id)
    if voucher is None:
        raise NotFound(f"There is no voucher number {voucher_id}.")
    reason = clean_line(reason, "reason", max_length=300, required=True)
    if voucher.redemption is not None:
        raise VoucherRefused("A voucher that was used cannot be cancelled.")
    if voucher.voided_at is None:
        voucher.voided_at = utc_now()
        voucher.void_reason = reason
    return voucher


@dataclass(frozen=True, slots=True)
class VoucherRow:
    """One line of the vouchers list."""

    id: int
    code: str
    kind: str
    percent: int | None
    amount: int | None
    currency: str
    min_spend: int
    expires_on: date | None
    customer_id: int | None
    customer_name: str | None
    issued_at: datetime
    printed_at: datetime | None
    state: VoucherState
    redeemed_at: datetime | None
    redeemed_on: str | None  # the reference of the purchase it was used on


@dataclass(frozen=True)
class VoucherPage:
    rows: list[VoucherRow] = field(default_factory=list)
    next_key: tuple[datetime, int] | None = None


def _in_state(state: VoucherState, today: date) -> list[ColumnElement[bool]]:
    used = VoucherRedemption.id.is_not(None)
    live = and_(Voucher.voided_at.is_(None), VoucherRedemption.id.is_(None))
    expired = and_(Voucher.expires_on.is_not(None), Voucher.expires_on < today)
    if state == "redeemed":
        return [used]
    if state == "void":
        return [Voucher.voided_at.is_not(None)]
    if state == "expired":
        return [live, expired]
    return [live, or_(Voucher.expires_on.is_(None), Voucher.expires_on >= today)]


def _state_of(voucher: Voucher, redeemed: bool, today: date) -> VoucherState:
    if redeemed:
        return "redeemed"
    if voucher.voided_at is not None:
        return "void"
    if voucher.expires_on is not None and voucher.expires_on < today:
        return "expired"
    return "unused"


def list_vouchers(
    session: Session,
    *,
    state: VoucherState | Literal["all"] = "all",
    customer_id: int | None = None,
    limit: int = 200,
    after: tuple[datetime, int] | None = None,
    today: date | None = None,
) -> VoucherPage:
    """Vouchers newest first, a page at a time (keyset paging on issue time and id)."""
    if state != "all" and state not in STATES:
        raise InvalidInput("state", f"Unknown voucher state “{state}”.")
    day = today or date.today()
    used_on = aliased(Purchase)
    statement = (
        select(Voucher, Customer.name, VoucherRedemption.redeemed_at, used_on.reference)
        .outerjoin(Customer, Customer.id == Voucher.customer_id)
        .outerjoin(VoucherRedemption, VoucherRedemption.voucher_id == Voucher.id)
        .outerjoin(used_on, used_on.id == VoucherRedemption.purchase_id)
        .order_by(Voucher.issued_at.desc(), Voucher.id.desc())
        .limit(limit + 1)
    )
    if state != "all":
        statement = statement.where(*_in_state(state, day))
    if customer_id is not None:
        statement = statement.where(Voucher.customer_id == customer_id)
    if after is not None:
        statement = statement.where(tuple_(Voucher.issued_at, Voucher.id) < tuple_(*after))
    rows = [
        VoucherRow(
            id=voucher.id,
            code=voucher.code,
            kind=voucher.kind,
            percent=voucher.percent,
            amount=voucher.amount,
            currency=voucher.currency,
            min_spend=voucher.min_spend,
            expires_on=voucher.expires_on,
            customer_id=voucher.customer_id,
            customer_name=owner_name,
            issued_at=voucher.issued_at,
            printed_at=voucher.printed_at,
            state=_state_of(voucher, redeemed_at is not None, day),
            redeemed_at=redeemed_at,
            redeemed_on=reference,
        )
        for voucher, owner_name, redeemed_at, reference in session.execute(statement)
    ]
    if len(rows) <= limit:
        return VoucherPage(rows, None)
    last = rows[limit - 1]
    return VoucherPage(rows[:limit], (last.issued_at, last.id))


def unprinted_vouchers(session: Session, today: date | None = None) -> list[Voucher]:
    """Usable vouchers whose slip was never printed, oldest first (for one batch of slips).
    A voucher a campaign delivered (by email, post or a mailing list) needs no slip."""
    delivered = exists().where(Contact.voucher_id == Voucher.id)
    statement = (
        select(Voucher)
        .outerjoin(VoucherRedemption, VoucherRedemption.voucher_id == Voucher.id)
        .where(
            Voucher.printed_at.is_(None),
            ~delivered,
            *_in_state("unused", today or date.today()),
        )
        .order_by(Voucher.issued_at, Voucher.id)
    )
    return list(session.scalars(statement))


class VoucherValue(Protocol):
    """What a voucher is worth: a Voucher, or a row of the vouchers list."""

    @property
    def percent(self) -> int | None: ...
    @property
    def amount(self) -> int | None: ...
    @property
    def currency(self) -> str: ...


def describe_value(voucher: VoucherValue, locale: str = "en_GB") -> str:
    """'10% off' or '£5.00 off'."""
    if voucher.percent is not None:
        return f"{voucher.percent}% off"
    return f"{format_money(voucher.amount or 0, voucher.currency, locale)} off"


def describe_conditions(voucher: Voucher, locale: str = "en_GB") -> str:
    """The small print, in one line: minimum spend, expiry, who may use it."""
    parts = []
    if voucher.min_spend:
        parts.append(
            f"when you spend {format_money(voucher.min_spend, voucher.currency, locale)} or more"
        )
    if voucher.expires_on:
        parts.append(f"valid until {_day(voucher.expires_on, locale)}")
    parts.append("one use only")
    if voucher.customer_id is not None and voucher.customer is not None:
        parts.append(f"for {voucher.customer.name}")
    text = ", ".join(parts)
    return text[0].upper() + text[1:] + "."


def _local(moment: datetime) -> str:
    local = moment.astimezone()
    return f"{local.day} {local:%b %Y at %H:%M}"


def _day(day: date, locale: str = "en_GB") -> str:
    return str(format_date(day, "d MMMM y", locale=locale))
