"""Vouchers: issuing a discount for next time, checking it at the counter, redeeming it once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.shop.codes import format_code, new_code, parse_code
from desktop.shop.errors import InvalidInput, NotFound, ShopError
from desktop.shop.money import format_money
from desktop.shop.purchases import get_purchase, refresh_customer_totals
from desktop.shop.settings import get_profile
from desktop.shop.text import clean_line
from desktop.store.models import Customer, Voucher, VoucherRedemption, utc_now

KINDS = {
    "thank_you": "Thank you",
    "welcome_back": "Welcome back",
    "goodwill": "With our apologies",
    "reward": "Loyalty reward",
}
CODE_LENGTH = 12


class VoucherRefused(ShopError):
    """The voucher exists but cannot be used now; the message says why."""


@dataclass
class VoucherTerms:
    """What the shopkeeper chooses when issuing: a percentage *or* an amount off."""

    kind: str
    percent: int | None = None
    amount: int | None = None
    min_spend: int = 0
    expires_on: date | None = None
    terms: str = ""
    customer_id: int | None = None  # None: for the bearer
    reason: str = ""
    purchase_id: int | None = None  # the purchase that earned it, if any


def issue_voucher(session: Session, terms: VoucherTerms) -> Voucher:
    """A new voucher with a fresh, unique code."""
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
    if terms.expires_on is not None and terms.expires_on < date.today():
        raise InvalidInput("expiry", "The expiry date is already past.")
    if terms.customer_id is not None and session.get(Customer, terms.customer_id) is None:
        raise NotFound(f"There is no customer number {terms.customer_id}.")
    voucher = Voucher(
        code=_unused_code(session),
        kind=terms.kind,
        percent=terms.percent,
        amount=terms.amount,
        currency=get_profile(session).currency,
        min_spend=terms.min_spend,
        expires_on=terms.expires_on,
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
    session.add(redemption)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise VoucherRefused("This voucher was just used at another till.") from None
    purchase.discount += discount
    purchase.total -= discount
    session.flush()
    if purchase.customer_id is not None:
        refresh_customer_totals(session, purchase.customer_id)
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


def describe_value(voucher: Voucher, locale: str = "en_GB") -> str:
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
        parts.append(f"valid until {_day(voucher.expires_on)}")
    parts.append("one use only")
    if voucher.customer_id is not None and voucher.customer is not None:
        parts.append(f"for {voucher.customer.name}")
    text = ", ".join(parts)
    return text[0].upper() + text[1:] + "."


def _local(moment: datetime) -> str:
    local = moment.astimezone()
    return f"{local.day} {local:%b %Y at %H:%M}"


def _day(day: date) -> str:
    # %-d is not portable (Windows), so the day number is written by hand.
    return f"{day.day} {day:%B %Y}"
