"""The monthly report's figures: the month's sales, the Today page's figures for that month and
the eleven before it, satisfaction by category and what customers wrote (printed by
desktop/printing/report.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.orm import Session

from desktop.shop.dashboard import (
    CustomerMonthFigure,
    FollowUpsFigure,
    PointsFigure,
    RepeatFigure,
    VoucherMonthFigure,
    WinBackMonthFigure,
    customers_by_month,
    follow_ups_figure,
    points_figure,
    repeat_figure,
    satisfaction_trend,
    vouchers_by_month,
    win_backs_by_month,
)
from desktop.shop.errors import InvalidInput
from desktop.shop.lapsed import count_not_seen_lately
from desktop.shop.satisfaction import (
    CategorySatisfaction,
    FeedbackRow,
    Month,
    MonthSatisfaction,
    Satisfaction,
    by_category,
    feedback_rows,
    satisfaction_in,
)
from desktop.shop.settings import get_profile
from desktop.store.models import Purchase, utc_now
from desktop.store.models_feedback import FollowUp

REPORT_COMMENTS = 8


@dataclass(frozen=True)
class SalesFigure:
    purchases: int  # live (not voided) purchases in the shop's currency
    revenue: int  # minor units customers paid
    discount: int  # minor units vouchers took off
    anonymous: int  # purchases with no customer on them


def sales_in(session: Session, month: Month) -> SalesFigure:
    """The month's sales in the shop's currency."""
    start, end = month.bounds()
    purchases, revenue, discount, anonymous = session.execute(
        select(
            func.count(Purchase.id),
            func.coalesce(func.sum(Purchase.total), 0),
            func.coalesce(func.sum(Purchase.discount), 0),
            func.count(Purchase.id).filter(Purchase.customer_id.is_(None)),
        ).where(
            Purchase.purchased_at >= start,
            Purchase.purchased_at < end,
            Purchase.voided_at.is_(None),
            Purchase.currency == get_profile(session).currency,
        )
    ).one()
    return SalesFigure(int(purchases), int(revenue), int(discount), int(anonymous))


@dataclass(frozen=True)
class MonthlyReport:
    """Everything the monthly report prints (desktop/printing/report.py). Series run over the
    12 months ending with `month`; `follow_ups`, `not_seen_lately`, `repeat` and `points` are
    as they stand when the report is made."""

    month: Month
    generated_at: datetime
    currency: str
    locale: str
    sales: SalesFigure
    previous_sales: SalesFigure
    customers: list[CustomerMonthFigure]
    vouchers: list[VoucherMonthFigure]
    win_backs: list[WinBackMonthFigure]
    satisfaction: Satisfaction
    satisfaction_trend: list[MonthSatisfaction]
    categories: list[CategorySatisfaction]
    comments: list[FeedbackRow]
    follow_ups_opened: int
    follow_ups_resolved: int
    follow_ups: FollowUpsFigure
    not_seen_lately: int
    repeat: RepeatFigure
    points: PointsFigure


def monthly_report(session: Session, month: Month, today: date) -> MonthlyReport:
    """The figures of `month` for the shop's records. Raises InvalidInput for a month that has
    not begun."""
    if month > Month.of(today):
        raise InvalidInput("month", f"{month.label()} has not begun yet.")
    start, end = month.bounds()
    profile = get_profile(session)
    opened = session.scalar(
        select(func.count(FollowUp.feedback_id)).where(
            FollowUp.opened_at >= start, FollowUp.opened_at < end
        )
    )
    resolved = session.scalar(
        select(func.count(FollowUp.feedback_id)).where(
            FollowUp.state == "resolved", FollowUp.changed_at >= start, FollowUp.changed_at < end
        )
    )
    return MonthlyReport(
        month=month,
        generated_at=utc_now(),
        currency=profile.currency,
        locale=profile.locale,
        sales=sales_in(session, month),
        previous_sales=sales_in(session, month.shifted(-1)),
        customers=customers_by_month(session, month),
        vouchers=vouchers_by_month(session, month),
        win_backs=win_backs_by_month(session, month),
        satisfaction=satisfaction_in(session, month),
        satisfaction_trend=satisfaction_trend(session, month),
        categories=by_category(session, start, end),
        comments=feedback_rows(session, start, end, with_comment=True, limit=REPORT_COMMENTS),
        follow_ups_opened=int(opened or 0),
        follow_ups_resolved=int(resolved or 0),
        follow_ups=follow_ups_figure(session),
        not_seen_lately=count_not_seen_lately(session, "rhythm", today=today),
        repeat=repeat_figure(session),
        points=points_figure(session),
    )
