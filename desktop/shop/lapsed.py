"""Customers not seen lately: three judgements side by side, and the list sorted by worth.

- threshold: away longer than the shop's limit (default 90 days);
- rhythm: away more than twice their own usual gap, and at least two weeks; a one-time buyer
  has no rhythm yet and is judged by the shop's limit ("bought once, 8 months ago");
- model: the BG/NBD chance that they are still active is below 30% (shop/bgnbd.py, fitted in
  the background; the list reads the last fit and never waits for one).

Every rule is a condition on the maintained `customer_rhythm` row (whole local days), so a
list or a count reads no purchases. The model's module (numpy) is imported inside the functions
that use it: purchases import this module, and opening the app should not load it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from itertools import pairwise
from statistics import median
from typing import TYPE_CHECKING, Any, Literal, get_args

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    Select,
    and_,
    delete,
    extract,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
    tuple_,
    type_coerce,
)
from sqlalchemy.orm import Session

from desktop.shop.errors import InvalidInput
from desktop.store.models import Customer, Purchase, Setting
from desktop.store.models_reminders import CustomerRhythm

if TYPE_CHECKING:
    from desktop.shop.bgnbd import Params
    from desktop.shop.visit_model import FitResult

Rule = Literal["threshold", "rhythm", "model"]
RULES: tuple[Rule, ...] = get_args(Rule)
RULES_KEY = "lapsed.rules"
WorthKey = tuple[int, int, int]  # (total spent, visits, customer id) of the last row shown
_Row = Row[*tuple[Any, ...]]


@dataclass(frozen=True)
class LapsedRules:
    """The shop's settings for who counts as not seen lately."""

    threshold_days: int = 90
    rhythm_factor: float = 2.0
    rhythm_min_days: int = 14
    alive_below: float = 0.3


@dataclass(frozen=True)
class LapsedCustomer:
    """One customer in the list, with all three judgements."""

    customer_id: int
    name: str
    total_spent: int
    visits: int
    last_seen: date
    days_away: int
    usual_gap_days: float | None
    expected_next: date | None  # by their rhythm; for a one-time buyer by the model, if any
    by_threshold: bool
    by_rhythm: bool
    by_model: bool | None  # None when the model cannot judge them
    p_alive: float | None  # None: no usable fit, or they never came back (the model can't say)
    reason: str  # in plain words, for the rule the list was made by


@dataclass(frozen=True)
class LapsedList:
    rule: Rule  # the rule asked for
    used: Rule  # the rule applied: "rhythm" when the model could not be used
    rows: list[LapsedCustomer]
    next_key: WorthKey | None
    note: str = ""  # why the model was not used, in plain words


# --- Settings ------------------------------------------------------------------------------


def get_rules(session: Session) -> LapsedRules:
    """The shop's rules; the defaults until changed."""
    row = session.get(Setting, RULES_KEY)
    if row is None:
        return LapsedRules()
    known = {field.name for field in fields(LapsedRules)}
    return LapsedRules(**{k: v for k, v in json.loads(row.value).items() if k in known})


def save_rules(session: Session, rules: LapsedRules) -> LapsedRules:
    """Check and keep the rules. Raises InvalidInput naming the field."""
    if not 7 <= rules.threshold_days <= 3650:
        raise InvalidInput("threshold_days", "The limit must be between 7 and 3,650 days.")
    if not 1.0 <= rules.rhythm_factor <= 10.0:
        raise InvalidInput(
            "rhythm_factor", "The rhythm multiple must be between 1 and 10 times the usual gap."
        )
    if not 0 <= rules.rhythm_min_days <= 365:
        raise InvalidInput("rhythm_min_days", "The shortest absence must be 0 to 365 days.")
    if not 0.01 <= rules.alive_below <= 0.99:
        raise InvalidInput("alive_below", "The chance must be between 1% and 99%.")
    before = get_rules(session)
    session.merge(Setting(key=RULES_KEY, value=json.dumps(asdict(rules))))
    if rules.alive_below != before.alive_below:
        from desktop.shop.visit_model import current_fit, store_drift_days

        fit = current_fit(session)
        store_drift_days(session, fit.params if fit else None, rules.alive_below)
    return rules


# --- The maintained visit days -------------------------------------------------------------


def local_day(moment: datetime) -> int:
    """The shop's local date of a UTC time, as a day number (`date.toordinal()`)."""
    return moment.astimezone().date().toordinal()


def _rhythm(days: list[int]) -> dict[str, int | float | None]:
    gaps = [later - earlier for earlier, later in pairwise(days)]
    return {
        "visit_days": len(days),
        "first_day": days[0],
        "last_day": days[-1],
        "usual_gap_days": float(median(gaps)) if gaps else None,
    }


def refresh_rhythm(session: Session, customer_id: int) -> None:
    """Recount one customer's visit days from their live purchases, and their drift day under
    the stored fit. Call it in the same transaction as any change to their purchases, as
    their totals are kept."""
    times = session.scalars(
        select(Purchase.purchased_at).where(
            Purchase.customer_id == customer_id, Purchase.voided_at.is_(None)
        )
    )
    days = sorted({local_day(moment) for moment in times})
    row = session.get(CustomerRhythm, customer_id)
    if not days:
        if row is not None:
            session.delete(row)
            session.flush()
        return
    if row is None:
        row = CustomerRhythm(customer_id=customer_id)
        session.add(row)
    for name, value in _rhythm(days).items():
        setattr(row, name, value)
    row.drift_day = _drift_day(session, days)
    session.flush()


def _drift_day(session: Session, days: list[int]) -> int | None:
    """The model's drift day for these visit days under the stored fit (None: bought once,
    or no usable fit)."""
    if len(days) < 2:
        return None
    from desktop.shop.bgnbd import drift_days
    from desktop.shop.visit_model import current_fit

    fit = current_fit(session)
    if fit is None or fit.params is None:
        return None
    import numpy as np

    (day,) = drift_days(
        fit.params,
        get_rules(session).alive_below,
        np.array([len(days)]),
        np.array([days[0]]),
        np.array([days[-1]]),
    )
    return int(day)


def refresh_all_rhythms(session: Session) -> int:
    """Recount every customer's visit days and drift days in one pass (after a bulk load or
    an import). Returns how many customers have bought."""
    session.execute(delete(CustomerRhythm))
    # Unordered (a plain scan of the table) and as Unix seconds: ordering by customer or
    # reading a million datetimes costs many times more than grouping here.
    purchases = session.execute(
        select(
            # Never NULL here (filtered): typed so.
            type_coerce(Purchase.customer_id, Integer),
            extract("epoch", Purchase.purchased_at),
        ).where(Purchase.customer_id.is_not(None), Purchase.voided_at.is_(None))
    )
    days: dict[int, set[int]] = defaultdict(set)
    # The local date changes only on the quarter hour in every time zone.
    day_of_quarter: dict[int, int] = {}
    for customer_id, seconds in purchases:
        quarter = int(seconds) // 900
        day = day_of_quarter.get(quarter)
        if day is None:
            day = day_of_quarter[quarter] = datetime.fromtimestamp(quarter * 900).toordinal()
        days[customer_id].add(day)
    rows = [{"customer_id": key, **_rhythm(sorted(days[key]))} for key in sorted(days)]
    if rows:
        # Core's executemany: the ORM's bulk insert splits its batches at every None gap.
        session.connection().execute(insert(CustomerRhythm), rows)
        from desktop.shop.visit_model import current_fit, store_drift_days

        fit = current_fit(session)
        if fit is not None and fit.params is not None:
            store_drift_days(session, fit.params, get_rules(session).alive_below)
    return len(rows)


# --- The rules as conditions ---------------------------------------------------------------


class _Judge:
    """The three rules for one day, as conditions on the `customer_rhythm` row."""

    def __init__(self, session: Session, today: date) -> None:
        self.rules = get_rules(session)
        self.today = today.toordinal()

    def threshold(self) -> ColumnElement[bool]:
        return CustomerRhythm.last_day < self.today - self.rules.threshold_days

    def _past_rhythm(self, factor: float) -> ColumnElement[bool]:
        away = literal(self.today) - CustomerRhythm.last_day
        return and_(
            CustomerRhythm.usual_gap_days.is_not(None),
            away > CustomerRhythm.usual_gap_days * factor,
        )

    def rhythm(self) -> ColumnElement[bool]:
        rules = self.rules
        return or_(
            and_(CustomerRhythm.usual_gap_days.is_(None), self.threshold()),
            and_(
                CustomerRhythm.last_day < self.today - rules.rhythm_min_days,
                self._past_rhythm(rules.rhythm_factor),
            ),
        )

    def model(self) -> ColumnElement[bool]:
        # NULL, so never true, for one-time buyers and without a usable fit.
        return CustomerRhythm.drift_day < self.today

    def overdue(self) -> ColumnElement[bool]:
        """Their usual next visit has passed, but they have not (yet) lapsed by their rhythm."""
        return and_(self._past_rhythm(1.0), not_(self.rhythm()))

    def rule(self, rule: Rule) -> ColumnElement[bool]:
        return {"threshold": self.threshold, "rhythm": self.rhythm, "model": self.model}[rule]()


def _model_fit(session: Session) -> FitResult | None:
    from desktop.shop.visit_model import current_fit

    return current_fit(session)


def _rule_used(rule: Rule, fit: FitResult | None) -> tuple[Rule, str]:
    """The rule to apply and, when the model cannot be used, why (for the shopkeeper)."""
    if rule not in RULES:
        raise InvalidInput("rule", f"Unknown rule “{rule}”: use threshold, rhythm or model.")
    if rule != "model" or (fit is not None and fit.usable):
        return rule, ""
    why = fit.reason if fit is not None else "the model has not been fitted to your shop yet"
    return "rhythm", f"Judged by each customer's own rhythm instead: {why}."


def not_seen_lately_ids(
    session: Session, rule: Rule, *, today: date | None = None
) -> tuple[Select[int], Rule, str]:
    """(select of customer ids, rule applied, note): the customers `rule` flags; by their
    own rhythm, and the note says why, when the model cannot be used."""
    # Only the model rule needs the fit (reading it loads numpy): the others skip it.
    used, note = _rule_used(rule, _model_fit(session) if rule == "model" else None)
    condition = _Judge(session, today or date.today()).rule(used)
    return select(CustomerRhythm.customer_id).where(condition), used, note


def overdue_ids(session: Session, *, today: date | None = None) -> Select[int]:
    """Customers whose usual next visit has passed, before they count as lapsed."""
    judge = _Judge(session, today or date.today())
    return select(CustomerRhythm.customer_id).where(judge.overdue())


def count_not_seen_lately(session: Session, rule: Rule, *, today: date | None = None) -> int:
    """How many customers `rule` flags (the rhythm's count when the model can't be used)."""
    ids, _, _ = not_seen_lately_ids(session, rule, today=today)
    return session.scalar(select(func.count()).select_from(ids.subquery())) or 0


# --- The list ------------------------------------------------------------------------------


def not_seen_lately(
    session: Session,
    rule: Rule = "rhythm",
    *,
    limit: int = 100,
    after: WorthKey | None = None,
    today: date | None = None,
) -> LapsedList:
    """Customers `rule` flags, most valuable first (spend, then visits), a page at a time:
    pass the last page's `next_key` as `after`. Each row carries all three judgements, a
    reason in plain words and the expected next visit."""
    if limit < 1:
        raise InvalidInput("limit", "Ask for at least one customer.")
    today = today or date.today()
    fit = _model_fit(session)
    used, note = _rule_used(rule, fit)
    judge = _Judge(session, today)
    statement = (
        select(
            Customer.id,
            Customer.name,
            Customer.total_spent,
            Customer.visit_count,
            CustomerRhythm.visit_days,
            CustomerRhythm.first_day,
            CustomerRhythm.last_day,
            CustomerRhythm.usual_gap_days,
            judge.threshold().label("by_threshold"),
            judge.rhythm().label("by_rhythm"),
            judge.model().label("by_model"),
        )
        .select_from(CustomerRhythm)
        .join(Customer, Customer.id == CustomerRhythm.customer_id)
        .where(judge.rule(used))
    )
    if after is not None:
        worth = tuple_(Customer.total_spent, Customer.visit_count, Customer.id)
        statement = statement.where(worth < tuple_(*after))
    # Walks ix_customer_worth and stops at a page (see store/models_reminders.py).
    statement = statement.order_by(
        Customer.total_spent.desc(), Customer.visit_count.desc(), Customer.id.desc()
    ).limit(limit + 1)
    found = session.execute(statement).all()
    rows = _rows(found[:limit], used, today.toordinal(), fit)
    if len(found) <= limit:
        return LapsedList(rule, used, rows, None, note)
    last = rows[-1]
    return LapsedList(rule, used, rows, (last.total_spent, last.visits, last.customer_id), note)


def _rows(
    found: Sequence[_Row], used: Rule, today: int, fit: FitResult | None
) -> list[LapsedCustomer]:
    chances: list[float | None] = [None] * len(found)
    model_next: list[float | None] = [None] * len(found)
    if fit is not None and fit.params is not None and found:
        chances, model_next = _model_view(fit.params, found, today)
    rows = []
    for row, chance, weeks in zip(found, chances, model_next, strict=True):
        away = today - row.last_day
        gap: float | None = row.usual_gap_days
        expected: date | None = None
        if gap is not None:
            expected = date.fromordinal(row.last_day + round(gap))
        elif weeks is not None:
            expected = date.fromordinal(today) + timedelta(days=round(weeks * 7))
        rows.append(
            LapsedCustomer(
                customer_id=row.id,
                name=row.name,
                total_spent=row.total_spent,
                visits=row.visit_count,
                last_seen=date.fromordinal(row.last_day),
                days_away=away,
                usual_gap_days=gap,
                expected_next=expected,
                by_threshold=bool(row.by_threshold),
                by_rhythm=bool(row.by_rhythm),
                by_model=None if row.by_model is None else bool(row.by_model),
                p_alive=chance,
                reason=reason_text(used, away, gap, chance),
            )
        )
    return rows


def _model_view(
    params: Params, found: Sequence[_Row], today: int
) -> tuple[list[float | None], list[float | None]]:
    """Per row: P(alive) (None for a one-time buyer, whom the model cannot judge) and, for a
    one-time buyer, weeks until the model expects their next visit (None: not within two
    years)."""
    import numpy as np

    from desktop.shop.bgnbd import WEEK, Summary, expected_next_visit, p_alive

    visit_days = np.array([row.visit_days for row in found], dtype=np.float64)
    first = np.array([row.first_day for row in found], dtype=np.float64)
    span = np.array([row.last_day for row in found], dtype=np.float64) - first
    observed = np.maximum(today - first, span)
    summary = Summary.of(visit_days - 1, span / WEEK, observed / WEEK)
    once = visit_days == 1
    chances = p_alive(params, summary)
    waits = np.full(len(found), np.inf)
    if once.any():
        only_once = Summary.of(summary.x[once], summary.t_x[once], summary.T[once])
        waits[once] = expected_next_visit(params, only_once)
    return (
        [None if one else float(chance) for one, chance in zip(once, chances, strict=True)],
        [float(wait) if np.isfinite(wait) else None for wait in waits],
    )


# --- Plain words ---------------------------------------------------------------------------


def reason_text(
    rule: Rule, days_away: int, usual_gap_days: float | None, p_alive: float | None
) -> str:
    """Why a customer is on the list, as the shopkeeper reads it."""
    if rule == "model" and p_alive is not None:
        chance = "less than 1%" if p_alive < 0.005 else f"{round(p_alive * 100)}%"
        return f"probably drifted away: {chance} chance still active"
    if usual_gap_days is None:
        return f"bought once, {_ago(days_away)}"
    if rule == "threshold":
        return f"last seen {_ago(days_away)}"
    return f"usually {_every(usual_gap_days)}; last seen {_ago(days_away)}"


def _span(days: float) -> str:
    if days < 13.5:
        count, unit = round(days), "day"
    elif days < 91:
        count, unit = round(days / 7), "week"
    elif days < 730:
        count, unit = round(days / 30.44), "month"
    else:
        count, unit = round(days / 365.25), "year"
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _ago(days: int) -> str:
    if days <= 0:
        return "today"
    return "yesterday" if days == 1 else f"{_span(days)} ago"


def _every(gap: float) -> str:
    """'every 3 weeks': a rhythm in the unit people would use for it."""
    if gap < 1.5:
        return "every day"
    if gap < 6.5:
        return f"every {round(gap)} days"
    if gap < 28.5 or 38 <= gap < 52.5:
        weeks = round(gap / 7)
        return "every week" if weeks == 1 else f"every {weeks} weeks"
    if gap < 365:
        months = round(gap / 30.44)
        return "every month" if months == 1 else f"every {months} months"
    years = round(gap / 365.25)
    return "every year" if years == 1 else f"every {years} years"
