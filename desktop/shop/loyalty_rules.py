"""The loyalty programme's rules: the shop's settings, how a purchase earns, and the calendar.

Rounding, shown to the shopkeeper by `earning_rule`: points are earned on every *whole* pound
(or euro…) of qualifying spend, pennies left over earn nothing, and a tier's multiplier rounds
down to a whole point. Qualifying spend is what the customer paid (after vouchers) on lines
outside the excluded categories: a voucher counts against each line in proportion.

A stamp programme gives one stamp per purchase (a visit) whose qualifying spend reaches the
minimum; tier multipliers apply to points only.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.shop.errors import InvalidInput
from desktop.shop.money import MAX_AMOUNT, format_money, minor_digits
from desktop.shop.text import clean_line, fold
from desktop.store.models import Category, Setting
from desktop.store.models_loyalty import LoyaltyAccount

PROGRAMME_KEY = "loyalty.programme"
KINDS = ("points", "stamps")
MAX_POINTS = 1_000_000
MAX_MULTIPLIER = Decimal(10)


@dataclass(frozen=True)
class Tier:
    """A level members reach by spending `min_spend` (minor units) within the tier window."""

    name: str
    min_spend: int
    multiplier: Decimal = Decimal(1)
    perks: str = ""


@dataclass(frozen=True)
class Programme:
    """The shop's loyalty settings, stored as one JSON setting."""

    kind: str = "points"  # points | stamps
    unit_singular: str = "point"
    unit_plural: str = "points"
    points_per_unit: int = 1  # points per whole pound spent (points programmes)
    min_spend: int = 0  # minor units: a purchase qualifying for less earns nothing
    excluded_category_ids: tuple[int, ...] = ()
    card_size: int = 10  # stamps on a full card (stamp programmes)
    joining_bonus: int = 0
    birthday_bonus: int = 0
    email_bonus: int = 0  # for giving an email address with marketing consent
    expiry_months: int | None = None  # None: points never expire
    tier_months: int = 12
    tiers: tuple[Tier, ...] = ()
    # What one point is worth to the shop (minor units, fractions allowed) for the liability
    # figure; None derives it from the rewards catalogue.
    point_value: Decimal | None = None

    def units(self, count: int) -> str:
        """'1 point', '12 points', in the shop's own words."""
        word = self.unit_singular if abs(count) == 1 else self.unit_plural
        return f"{count:,} {word}"


def get_programme(session: Session) -> Programme:
    """The shop's programme; the defaults (1 point per £1) until it is set up."""
    row = session.get(Setting, PROGRAMME_KEY)
    if row is None:
        return Programme()
    stored: dict[str, Any] = json.loads(row.value)
    tiers = tuple(
        Tier(t["name"], int(t["min_spend"]), Decimal(t["multiplier"]), t.get("perks", ""))
        for t in stored.pop("tiers", [])
    )
    value = stored.pop("point_value", None)
    excluded = tuple(stored.pop("excluded_category_ids", ()))
    known = set(Programme.__dataclass_fields__)
    return Programme(
        **{k: v for k, v in stored.items() if k in known},
        tiers=tiers,
        point_value=None if value is None else Decimal(value),
        excluded_category_ids=excluded,
    )


def _whole(value: int, field_name: str, *, low: int, high: int, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(field_name, f"The {label} must be a whole number from {low} to {high}.")
    return value


def _checked_decimal(value: Decimal, field_name: str, label: str) -> Decimal:
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput(field_name, f"The {label} must be a number.") from None
    if not number.is_finite() or number != number.quantize(Decimal("0.01")):
        raise InvalidInput(field_name, f"The {label} may have at most two decimal places.")
    return number


def _checked_tiers(tiers: Iterable[Tier]) -> tuple[Tier, ...]:
    checked: list[Tier] = []
    for tier in sorted(tiers, key=lambda t: t.min_spend):
        name = clean_line(tier.name, "tier name", max_length=40, required=True)
        if any(fold(other.name) == fold(name) for other in checked):
            raise InvalidInput("tiers", f"There are two tiers called “{name}”.")
        spend = _whole(tier.min_spend, "tiers", low=0, high=MAX_AMOUNT, label="tier's spend")
        if any(other.min_spend == spend for other in checked):
            raise InvalidInput("tiers", f"Two tiers start at the same spend ({name}).")
        multiplier = _checked_decimal(tier.multiplier, "tiers", "multiplier")
        if not Decimal(1) <= multiplier <= MAX_MULTIPLIER:
            raise InvalidInput("tiers", f"The multiplier of {name} must be from 1 to 10.")
        perks = clean_line(tier.perks, "perks", max_length=300)
        checked.append(Tier(name, spend, multiplier, perks))
    return tuple(checked)


def _checked_words(programme: Programme) -> tuple[str, str]:
    singular = clean_line(programme.unit_singular, "unit name", max_length=20, required=True)
    plural = clean_line(programme.unit_plural, "unit name", max_length=20, required=True)
    return singular, plural


def save_programme(session: Session, programme: Programme) -> Programme:
    """Check and store the programme. Raises InvalidInput naming the field.

    The kind (points or stamps) cannot change while members still hold a balance: a point and a
    stamp are not worth the same."""
    if programme.kind not in KINDS:
        raise InvalidInput("kind", "Choose points or stamps.")
    current = get_programme(session)
    if programme.kind != current.kind:
        holding = session.scalar(
            select(func.count(LoyaltyAccount.id)).where(LoyaltyAccount.balance != 0)
        )
        if holding:
            raise InvalidInput(
                "kind",
                f"{holding:,} {'member still holds' if holding == 1 else 'members still hold'} "
                f"{current.unit_plural}: the programme cannot switch to {programme.kind} until "
                "those are spent, expired or adjusted away.",
            )
    singular, plural = _checked_words(programme)
    excluded = tuple(sorted(set(programme.excluded_category_ids)))
    known = set(session.scalars(select(Category.id).where(Category.id.in_(excluded))))
    if len(known) != len(excluded):
        raise InvalidInput("excluded categories", "One of the excluded categories is gone.")
    value = programme.point_value
    if value is not None:
        value = _checked_decimal(value, "point value", "value of a point")
        if not Decimal(0) < value <= Decimal(MAX_AMOUNT):
            raise InvalidInput("point value", "The value of a point must be more than zero.")
    expiry = programme.expiry_months
    cleaned = Programme(
        kind=programme.kind,
        unit_singular=singular,
        unit_plural=plural,
        points_per_unit=_whole(
            programme.points_per_unit, "points per pound", low=1, high=1000, label="points per £1"
        ),
        min_spend=_whole(
            programme.min_spend, "minimum spend", low=0, high=MAX_AMOUNT, label="minimum spend"
        ),
        excluded_category_ids=excluded,
        card_size=_whole(programme.card_size, "card size", low=2, high=50, label="card size"),
        joining_bonus=_whole(
            programme.joining_bonus, "joining bonus", low=0, high=MAX_POINTS, label="bonus"
        ),
        birthday_bonus=_whole(
            programme.birthday_bonus, "birthday bonus", low=0, high=MAX_POINTS, label="bonus"
        ),
        email_bonus=_whole(
            programme.email_bonus, "email bonus", low=0, high=MAX_POINTS, label="bonus"
        ),
        expiry_months=None
        if expiry is None
        else _whole(expiry, "expiry", low=1, high=120, label="months before points expire"),
        tier_months=_whole(
            programme.tier_months, "tier months", low=1, high=36, label="tier period"
        ),
        tiers=_checked_tiers(programme.tiers),
        point_value=value,
    )
    stored = asdict(cleaned)
    stored["tiers"] = [
        {
            "name": t.name,
            "min_spend": t.min_spend,
            "multiplier": str(t.multiplier),
            "perks": t.perks,
        }
        for t in cleaned.tiers
    ]
    stored["point_value"] = None if value is None else str(value)
    stored["excluded_category_ids"] = list(excluded)
    session.merge(Setting(key=PROGRAMME_KEY, value=json.dumps(stored, ensure_ascii=False)))
    return cleaned


def qualifying_spend(lines: Iterable[tuple[int, int | None]], paid: int, excluded: set[int]) -> int:
    """Minor units that earn, from (line amount, category id) pairs and the total paid.

    Excluded categories earn nothing; a discount counts against each line in proportion, and
    the share is rounded down to a whole penny."""
    line_list = list(lines)
    lines_total = sum(amount for amount, _ in line_list)
    if lines_total <= 0 or paid <= 0:
        return 0
    eligible = sum(amount for amount, category in line_list if category not in excluded)
    return eligible * min(paid, lines_total) // lines_total


def points_for_spend(programme: Programme, spend: int, currency: str, multiplier: Decimal) -> int:
    """What a purchase with `spend` qualifying minor units earns (see the module's rounding)."""
    if programme.kind == "stamps":
        return 1 if spend >= max(programme.min_spend, 1) else 0
    if spend < programme.min_spend:
        return 0
    whole_units = spend // 10 ** minor_digits(currency)
    base = Decimal(whole_units * programme.points_per_unit)
    return int((base * multiplier).to_integral_value(ROUND_FLOOR))


def earning_rule(programme: Programme, currency: str, locale: str = "en_GB") -> str:
    """The rule in words, with a worked example, as the shopkeeper and customers see it."""
    one = format_money(10 ** minor_digits(currency), currency, locale)
    minimum = (
        f" when the purchase comes to {format_money(programme.min_spend, currency, locale)} or more"
        if programme.min_spend
        else ""
    )
    if programme.kind == "stamps":
        return (
            f"One {programme.unit_singular} per visit{minimum}; "
            f"a full card has {programme.units(programme.card_size)}."
        )
    example_spend = 1299 * 10 ** max(minor_digits(currency) - 2, 0)
    example = points_for_spend(replace(programme, min_spend=0), example_spend, currency, Decimal(1))
    return (
        f"{programme.units(programme.points_per_unit)} for every whole {one} spent{minimum}; "
        f"pennies left over earn nothing "
        f"({format_money(example_spend, currency, locale)} earns {programme.units(example)})."
    )


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), kept inside short months: 31 Jan + 1 = 28 Feb."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_day(last_visit: date, months: int) -> date:
    """The day points go when a member's last visit was `last_visit`."""
    return add_months(last_visit, months)


def last_expired_visit(today: date, months: int) -> date:
    """The latest last-visit day whose points have expired by `today`: every earlier last visit
    has expired too (expiry_day never goes backwards), so the run is one comparison."""
    back = add_months(today, -months)
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        # Today is a month's end: visits on the 29th-31st of a longer month expire today too.
        return back.replace(day=calendar.monthrange(back.year, back.month)[1])
    return back
