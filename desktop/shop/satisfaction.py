"""How satisfied customers are: average stars, the recommend score (promoters minus detractors),
the trend by month, by category, and what they wrote lately.

Months are the shop's local calendar months (`Month`), the unit of every trend and of the
monthly report.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.dates import format_date
from sqlalchemy import ColumnElement, func, literal, select, tuple_
from sqlalchemy.orm import Session

from desktop.shop.errors import InvalidInput
from desktop.store.models import Category, Customer, Purchase, PurchaseLine, UTCDateTime
from desktop.store.models_feedback import Feedback

PROMOTER = 9  # recommend scores from 9 up are promoters
DETRACTOR = 6  # 6 and below are detractors; 7 and 8 are passives


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month in the shop's local time."""

    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def of_moment(cls, moment: datetime) -> Month:
        """The local month of a UTC time."""
        return cls.of(moment.astimezone().date())

    @classmethod
    def parse(cls, text: str) -> Month:
        """'2026-05' -> May 2026; InvalidInput for anything else."""
        year, _, month = text.strip().partition("-")
        if not (year.isdigit() and month.isdigit() and len(year) == 4 and 1 <= int(month) <= 12):
            raise InvalidInput("month", f"“{text.strip()}” is not a month: write it like 2026-05.")
        return cls(int(year), int(month))

    @classmethod
    def from_key(cls, key: int) -> Month:
        year, index = divmod(key, 12)
        return cls(year, index + 1)

    @property
    def key(self) -> int:
        """A whole number that goes up by one a month (stored in `customer_month`)."""
        return self.year * 12 + self.month - 1

    def shifted(self, months: int) -> Month:
        return Month.from_key(self.key + months)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def bounds(self) -> tuple[datetime, datetime]:
        """The UTC-aware start of this month and of the next, in the shop's local time."""
        start = datetime.combine(self.first_day, time()).astimezone()
        end = datetime.combine(self.shifted(1).first_day, time()).astimezone()
        return start, end

    def label(self, locale: str = "en_GB", *, short: bool = False) -> str:
        """'May 2026', or 'May' when short."""
        return str(format_date(self.first_day, "LLL" if short else "LLLL y", locale=locale))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def months_ending(last: Month, count: int) -> list[Month]:
    """`count` months, oldest first, ending with `last`."""
    return [last.shifted(offset) for offset in range(1 - count, 1)]


def nps(promoters: int, detractors: int, answers: int) -> int | None:
    """The recommend score: % promoters minus % detractors, rounded half away from zero;
    None without answers."""
    if answers <= 0:
        return None
    exact = Decimal(100 * (promoters - detractors)) / answers
    return int(exact.quantize(Decimal(1), ROUND_HALF_UP))


@dataclass(frozen=True)
class Satisfaction:
    """Feedback over a span: how much came in and what it says."""

    responses: int
    ratings: int  # responses with stars
    average_rating: float | None  # None without ratings
    answers: int  # responses with a recommend score
    promoters: int
    passives: int
    detractors: int

    @property
    def recommend_score(self) -> int | None:
        """NPS: -100 to 100; None without recommend scores."""
        return nps(self.promoters, self.detractors, self.answers)


def _figures() -> list[Any]:
    return [
        func.count(Feedback.id),
        func.count(Feedback.rating),
        func.avg(Feedback.rating),
        func.count(Feedback.recommend),
        func.count(Feedback.id).filter(Feedback.recommend >= PROMOTER),
        func.count(Feedback.id).filter(Feedback.recommend <= DETRACTOR),
    ]


def _satisfaction(row: Sequence[Any]) -> Satisfaction:
    responses, ratings, average, answers, promoters, detractors = row
    return Satisfaction(
        responses=int(responses),
        ratings=int(ratings),
        average_rating=None if average is None else round(float(average), 2),
        answers=int(answers),
        promoters=int(promoters),
        passives=int(answers) - int(promoters) - int(detractors),
        detractors=int(detractors),
    )


def _received_between(start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    return [Feedback.received_at >= start, Feedback.received_at < end]


def satisfaction_between(session: Session, start: datetime, end: datetime) -> Satisfaction:
    """Feedback received from `start` up to (not including) `end`."""
    return _satisfaction(
        session.execute(select(*_figures()).where(*_received_between(start, end))).one()
    )


def satisfaction_in(session: Session, month: Month) -> Satisfaction:
    """Feedback received in `month`."""
    return satisfaction_between(session, *month.bounds())


@dataclass(frozen=True)
class MonthSatisfaction:
    month: Month
    figures: Satisfaction


def trend_by_month(session: Session, months: Sequence[Month]) -> list[MonthSatisfaction]:
    """Each month's feedback, in the order given (one indexed range per month)."""
    return [MonthSatisfaction(month, satisfaction_in(session, month)) for month in months]


@dataclass(frozen=True)
class CategorySatisfaction:
    category_id: int | None  # None: things sold without a category
    name: str
    figures: Satisfaction


def by_category(session: Session, start: datetime, end: datetime) -> list[CategorySatisfaction]:
    """Feedback on purchases, counted once in each category the purchase had a line in; most
    responses first. Feedback about the shop in general (no purchase) is left out."""
    per_category = (
        select(Feedback.id.label("feedback_id"), PurchaseLine.category_id.label("category_id"))
        .join(PurchaseLine, PurchaseLine.purchase_id == Feedback.purchase_id)
        .where(*_received_between(start, end))
        .group_by(Feedback.id, PurchaseLine.category_id)
        .subquery()
    )
    rows = session.execute(
        select(per_category.c.category_id, Category.name, *_figures())
        .select_from(per_category)
        .join(Feedback, Feedback.id == per_category.c.feedback_id)
        .outerjoin(Category, Category.id == per_category.c.category_id)
        .group_by(per_category.c.category_id, Category.name)
    ).all()
    found = [
        CategorySatisfaction(row[0], row[1] or "Without a category", _satisfaction(row[2:]))
        for row in rows
    ]
    return sorted(found, key=lambda c: (-c.figures.responses, c.category_id is None, c.name))


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    """One line of a feedback list."""

    id: int
    received_at: datetime
    rating: int | None
    recommend: int | None
    comment: str
    channel: str
    customer_id: int | None
    customer_name: str | None
    purchase_id: int | None
    reference: str | None


def feedback_rows(
    session: Session,
    start: datetime | None = None,
    end: datetime | None = None,
    *,
    with_comment: bool = False,
    limit: int = 200,
    after: tuple[datetime, int] | None = None,
) -> list[FeedbackRow]:
    """Feedback newest first, a page at a time (pass the last row's (received_at, id) as
    `after`); only from `start` up to `end` when given, only with a comment if asked."""
    statement = (
        select(
            Feedback.id,
            Feedback.received_at,
            Feedback.rating,
            Feedback.recommend,
            Feedback.comment,
            Feedback.channel,
            Feedback.customer_id,
            Customer.name,
            Feedback.purchase_id,
            Purchase.reference,
        )
        .outerjoin(Customer, Customer.id == Feedback.customer_id)
        .outerjoin(Purchase, Purchase.id == Feedback.purchase_id)
        .order_by(Feedback.received_at.desc(), Feedback.id.desc())
        .limit(limit)
    )
    if start is not None:
        statement = statement.where(Feedback.received_at >= start)
    if end is not None:
        statement = statement.where(Feedback.received_at < end)
    if with_comment:
        statement = statement.where(Feedback.comment != "")
    if after is not None:
        # Typed as the column is, so the key compares as stored (UTC) whatever zone it carries.
        key = tuple_(literal(after[0], UTCDateTime), literal(after[1]))
        statement = statement.where(tuple_(Feedback.received_at, Feedback.id) < key)
    # Ten typed columns are past what SQLAlchemy's stubs spell out for a row: read it as Any.
    rows: list[Any] = list(session.execute(statement))
    return [FeedbackRow(*row) for row in rows]


def recent_comments(session: Session, limit: int = 10) -> list[FeedbackRow]:
    """The latest feedback that came with a comment, newest first."""
    return feedback_rows(session, with_comment=True, limit=limit)
