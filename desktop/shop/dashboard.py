"""The Today page's figures: what a shopkeeper checks each morning, and the list behind each.

Each figure is a function returning a plain dataclass; each has a `..._list` function returning
the rows it counts, so every figure on the page opens its list (the follow-ups' list is
`feedback.follow_ups`). `headline` holds the quick figures, shown first; `charts` the rest,
loaded in the background: customers newly not seen lately and the month-by-month series.

Speed on 100,000 customers and a million purchases: every figure reads maintained values or an
index range. Customers by month count `customer_month` rows (one per customer and month with a
purchase), which `refresh_customer_months` keeps in the purchase's own transaction.

Campaign win-backs count the contacts campaigns made (shop/campaigns.py) and the purchases after
them, within the shop's won-back window.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from sqlalchemy import (
    ColumnElement,
    Integer,
    Subquery,
    except_,
    extract,
    func,
    null,
    select,
    tuple_,
    type_coerce,
)
from sqlalchemy.orm import Session

from desktop.shop.campaign_settings import won_back_days
from desktop.shop.customer_months import LocalMonths
from desktop.shop.errors import InvalidInput
from desktop.shop.lapsed import Rule, not_seen_lately_ids
from desktop.shop.loyalty import point_value
from desktop.shop.loyalty_ledger import outstanding_balance
from desktop.shop.parcels import ParcelRow, todays_parcels
from desktop.shop.satisfaction import (
    FeedbackRow,
    Month,
    MonthSatisfaction,
    feedback_rows,
    months_ending,
    trend_by_month,
)
from desktop.shop.settings import get_profile
from desktop.store.models import Customer, Purchase, Voucher, VoucherRedemption
from desktop.store.models_campaigns import Contact
from desktop.store.models_feedback import CustomerMonth, FollowUp
from desktop.store.models_loyalty import LoyaltyAccount
from desktop.store.models_reminders import CustomerRhythm

CHART_MONTHS = 12
NEW_LATELY_DAYS = 7
LIST_LIMIT = 200

# --- Rows the lists show -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomerRow:
    customer_id: int
    name: str
    email: str | None
    phone: str | None
    visits: int
    total_spent: int
    last_seen_at: datetime | None


_CUSTOMER = (
    Customer.id,
    Customer.name,
    Customer.email,
    Customer.phone,
    Customer.visit_count,
    Customer.total_spent,
    Customer.last_seen_at,
)

# --- Parcels and inserts -------------------------------------------------------------------


@dataclass(frozen=True)
class ParcelsFigure:
    to_pack: int  # today's online and phone orders
    inserts_to_print: int  # among them, those whose thank-you insert is not printed yet


def parcels_figure(session: Session, today: date) -> ParcelsFigure:
    """Today's parcels to pack and their inserts still to print."""
    rows = todays_parcels(session, today)
    return ParcelsFigure(len(rows), sum(row.insert_printed_at is None for row in rows))


def parcels_list(session: Session, today: date) -> list[ParcelRow]:
    """The parcels to pack today, oldest order first."""
    return todays_parcels(session, today)


def inserts_to_print_list(session: Session, today: date) -> list[ParcelRow]:
    """Today's parcels whose insert is not printed yet."""
    return [row for row in todays_parcels(session, today) if row.insert_printed_at is None]


# --- Follow-ups ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpsFigure:
    open: int  # new or contacted: still to do
    new: int  # nobody has been in touch yet
    oldest_opened_at: datetime | None


def follow_ups_figure(session: Session) -> FollowUpsFigure:
    """Low feedback still to follow up (the list: `feedback.follow_ups(session, "open")`)."""
    open_count, new_count, oldest = session.execute(
        select(
            func.count(FollowUp.feedback_id),
            func.count(FollowUp.feedback_id).filter(FollowUp.state == "new"),
            func.min(FollowUp.opened_at),
        ).where(FollowUp.state.in_(("new", "contacted")))
    ).one()
    return FollowUpsFigure(int(open_count), int(new_count), oldest)


# --- Customers newly not seen lately -------------------------------------------------------


@dataclass(frozen=True)
class NewlyNotSeenFigure:
    count: int
    since: date  # flagged now, but not yet on this day
    rule: Rule  # the rule applied
    note: str  # why another rule than the one asked for was applied, in plain words


def _newly_not_seen(
    session: Session, today: date, days: int, rule: Rule
) -> tuple[Subquery, date, Rule, str]:
    if not 1 <= days <= 90:
        raise InvalidInput("days", "Look back 1 to 90 days.")
    since = today - timedelta(days=days)
    now_ids, used, note = not_seen_lately_ids(session, rule, today=today)
    then_ids, _, _ = not_seen_lately_ids(session, used, today=since)
    return except_(now_ids, then_ids).subquery(), since, used, note


def newly_not_seen_figure(
    session: Session, today: date, *, days: int = NEW_LATELY_DAYS, rule: Rule = "rhythm"
) -> NewlyNotSeenFigure:
    """Customers `rule` flags as not seen lately today who were not flagged `days` ago."""
    newly, since, used, note = _newly_not_seen(session, today, days, rule)
    count = session.scalar(select(func.count()).select_from(newly))
    return NewlyNotSeenFigure(int(count or 0), since, used, note)


def newly_not_seen_list(
    session: Session,
    today: date,
    *,
    days: int = NEW_LATELY_DAYS,
    rule: Rule = "rhythm",
    limit: int = LIST_LIMIT,
) -> list[CustomerRow]:
    """The customers newly not seen lately, most valuable first (spend, then visits)."""
    newly, _, _, _ = _newly_not_seen(session, today, days, rule)
    found = session.execute(
        select(*_CUSTOMER)
        .where(Customer.id.in_(select(newly.c[0])))
        .order_by(Customer.total_spent.desc(), Customer.visit_count.desc(), Customer.id.desc())
        .limit(limit)
    )
    return [CustomerRow(*row) for row in found]


# --- New and returning customers by month --------------------------------------------------


@dataclass(frozen=True)
class CustomerMonthFigure:
    month: Month
    new: int  # first purchase this month
    returning: int  # bought this month, and in an earlier month too

    @property
    def active(self) -> int:
        return self.new + self.returning

    @property
    def returning_share(self) -> float | None:
        """Of the customers who bought this month, the share who had bought before."""
        return self.returning / self.active if self.active else None


def customers_by_month(
    session: Session, last: Month, count: int = CHART_MONTHS
) -> list[CustomerMonthFigure]:
    """New and returning customers in each of `count` months up to `last`, oldest first."""
    months = months_ending(last, count)
    found = {
        (key, bool(first)): int(number)
        for key, first, number in session.execute(
            select(CustomerMonth.month, CustomerMonth.is_first, func.count())
            .where(CustomerMonth.month.between(months[0].key, months[-1].key))
            .group_by(CustomerMonth.month, CustomerMonth.is_first)
        )
    }
    return [
        CustomerMonthFigure(m, found.get((m.key, True), 0), found.get((m.key, False), 0))
        for m in months
    ]


def customers_in_month_list(
    session: Session,
    month: Month,
    which: Literal["new", "returning", "all"] = "all",
    *,
    limit: int = LIST_LIMIT,
    after: tuple[str, int] | None = None,
) -> list[CustomerRow]:
    """The customers who bought in `month` (only the new or the returning ones if asked), A to Z,
    a page at a time: pass the last row's (sort name, id) as `after`."""
    if which not in ("new", "returning", "all"):
        raise InvalidInput("which", f"Unknown kind of customer “{which}”.")
    statement = (
        select(*_CUSTOMER)
        .join(CustomerMonth, CustomerMonth.customer_id == Customer.id)
        .where(CustomerMonth.month == month.key)
        .order_by(Customer.sort_name, Customer.id)
        .limit(limit)
    )
    if which != "all":
        statement = statement.where(CustomerMonth.is_first == (which == "new"))
    if after is not None:
        statement = statement.where(tuple_(Customer.sort_name, Customer.id) > tuple_(*after))
    return [CustomerRow(*row) for row in session.execute(statement)]


# --- Repeat purchase rate ------------------------------------------------------------------


@dataclass(frozen=True)
class RepeatFigure:
    buyers: int  # customers who have bought
    repeat_buyers: int  # ... on two different days or more

    @property
    def rate(self) -> float | None:
        return self.repeat_buyers / self.buyers if self.buyers else None


def repeat_figure(session: Session) -> RepeatFigure:
    """How many customers came back to buy again (on another day: two sales rung up on one
    visit are one visit)."""
    buyers, repeat = session.execute(
        select(
            func.count(CustomerRhythm.customer_id),
            func.count(CustomerRhythm.customer_id).filter(CustomerRhythm.visit_days >= 2),
        )
    ).one()
    return RepeatFigure(int(buyers), int(repeat))


def repeat_buyers_list(
    session: Session, *, limit: int = LIST_LIMIT, after: tuple[int, int] | None = None
) -> list[CustomerRow]:
    """Customers who came back, most visit days first; for the next page pass `after` as
    (visit days, customer id) of the last row shown."""
    statement = (
        select(*_CUSTOMER, CustomerRhythm.visit_days)
        .join(CustomerRhythm, CustomerRhythm.customer_id == Customer.id)
        .where(CustomerRhythm.visit_days >= 2)
        .order_by(CustomerRhythm.visit_days.desc(), Customer.id.desc())
        .limit(limit)
    )
    if after is not None:
        key = tuple_(CustomerRhythm.visit_days, Customer.id)
        statement = statement.where(key < tuple_(*after))
    return [CustomerRow(*row[:-1]) for row in session.execute(statement)]


# --- Vouchers issued and redeemed ----------------------------------------------------------


@dataclass(frozen=True)
class VoucherMonthFigure:
    month: Month
    issued: int
    redeemed: int
    discount: int  # minor units taken off purchases by the month's redemptions


def vouchers_by_month(
    session: Session, last: Month, count: int = CHART_MONTHS
) -> list[VoucherMonthFigure]:
    """Vouchers issued and redeemed in each of `count` months up to `last`, oldest first."""
    figures = []
    for month in months_ending(last, count):
        start, end = month.bounds()
        issued = session.scalar(
            select(func.count(Voucher.id)).where(
                Voucher.issued_at >= start, Voucher.issued_at < end
            )
        )
        redeemed, discount = session.execute(
            select(
                func.count(VoucherRedemption.id),
                func.coalesce(func.sum(VoucherRedemption.discount), 0),
            ).where(VoucherRedemption.redeemed_at >= start, VoucherRedemption.redeemed_at < end)
        ).one()
        figures.append(VoucherMonthFigure(month, int(issued or 0), int(redeemed), int(discount)))
    return figures


@dataclass(frozen=True, slots=True)
class VoucherEvent:
    voucher_id: int
    code: str
    kind: str
    at: datetime  # issued or redeemed, as the list asked
    customer_id: int | None
    customer_name: str | None
    discount: int | None  # for a redemption: what it took off


def vouchers_in_month_list(
    session: Session,
    month: Month,
    which: Literal["issued", "redeemed"],
    *,
    limit: int = LIST_LIMIT,
) -> list[VoucherEvent]:
    """The vouchers issued (or redeemed) in `month`, newest first."""
    start, end = month.bounds()
    if which == "issued":
        statement = (
            select(Voucher.id, Voucher.code, Voucher.kind, Voucher.issued_at)
            .add_columns(Voucher.customer_id, Customer.name, null())
            .where(Voucher.issued_at >= start, Voucher.issued_at < end)
            .order_by(Voucher.issued_at.desc(), Voucher.id.desc())
        )
    elif which == "redeemed":
        statement = (
            select(Voucher.id, Voucher.code, Voucher.kind, VoucherRedemption.redeemed_at)
            .add_columns(Voucher.customer_id, Customer.name, VoucherRedemption.discount)
            .join(VoucherRedemption, VoucherRedemption.voucher_id == Voucher.id)
            .where(VoucherRedemption.redeemed_at >= start, VoucherRedemption.redeemed_at < end)
            .order_by(VoucherRedemption.redeemed_at.desc(), Voucher.id.desc())
        )
    else:
        raise InvalidInput("which", f"Unknown voucher list “{which}”.")
    statement = statement.outerjoin(Customer, Customer.id == Voucher.customer_id).limit(limit)
    return [VoucherEvent(*row) for row in session.execute(statement)]


# --- Campaign win-backs --------------------------------------------------------------------

# Contacts that reached the customer (an email the server took, a list exported, a card printed).
REACHED = ("sent", "exported", "printed")


@dataclass(frozen=True)
class WinBackMonthFigure:
    month: Month
    contacted: int  # customers a campaign reached this month
    won_back: int  # customers who came back this month, within the won-back window of a contact


def _reached(since: datetime, until: datetime) -> list[ColumnElement[bool]]:
    return [
        Contact.campaign_id.is_not(None),
        Contact.customer_id.is_not(None),
        Contact.outcome.in_(REACHED),
        Contact.sent_at >= since,
        Contact.sent_at < until,
    ]


def _won_back(session: Session, months: Sequence[Month]) -> dict[Month, set[int]]:
    """Customer ids by the month they were won back in: the month of their first live purchase
    after a campaign reached them, if it came within the shop's won-back window
    (campaigns.won_back_days)."""
    window = timedelta(days=won_back_days(session))
    start, end = months[0].bounds()[0], months[-1].bounds()[1]
    # Each contact's first live purchase after it: one seek in ix_purchase_customer apiece.
    came_back = (
        select(func.min(Purchase.purchased_at))
        .where(
            Purchase.customer_id == Contact.customer_id,
            Purchase.purchased_at > Contact.sent_at,
            Purchase.purchased_at < end,
            Purchase.voided_at.is_(None),
        )
        .correlate(Contact)
        .scalar_subquery()
    )
    returns = session.execute(
        select(Customer.id, Contact.sent_at, came_back)
        .join(Customer, Customer.id == Contact.customer_id)
        # Only those seen since: most people a win-back reaches have not come back (yet).
        .where(*_reached(start - window, end), Customer.last_seen_at > Contact.sent_at)
    )
    won: dict[Month, set[int]] = {month: set() for month in months}
    for customer_id, sent_at, back in returns:
        # Compared here, not in SQL: date arithmetic is not portable across databases.
        if back is not None and sent_at is not None and start <= back <= sent_at + window:
            won[Month.of_moment(back)].add(customer_id)
    return won


def win_backs_by_month(
    session: Session, last: Month, count: int = CHART_MONTHS
) -> list[WinBackMonthFigure]:
    """Customers campaigns reached, and customers they won back, in each of `count` months up
    to `last`, oldest first."""
    months = months_ending(last, count)
    won = _won_back(session, months)
    reached: dict[int, set[int]] = defaultdict(set)
    month_of = LocalMonths()
    # One pass over the year's contacts, their times as Unix seconds (cheaper than datetimes).
    for customer_id, seconds in session.execute(
        select(
            type_coerce(Contact.customer_id, Integer),  # never NULL here (filtered)
            extract("epoch", Contact.sent_at),
        ).where(*_reached(months[0].bounds()[0], months[-1].bounds()[1]))
    ):
        reached[month_of(int(seconds))].add(customer_id)
    return [WinBackMonthFigure(m, len(reached[m.key]), len(won[m])) for m in months]


def won_back_list(session: Session, month: Month, *, limit: int = LIST_LIMIT) -> list[CustomerRow]:
    """The customers campaigns won back in `month`, A to Z."""
    won = _won_back(session, [month])
    statement = (
        select(*_CUSTOMER)
        .where(Customer.id.in_(won[month]))
        .order_by(Customer.sort_name, Customer.id)
        .limit(limit)
    )
    return [CustomerRow(*row) for row in session.execute(statement)]


# --- Satisfaction --------------------------------------------------------------------------


def satisfaction_trend(
    session: Session, last: Month, count: int = CHART_MONTHS
) -> list[MonthSatisfaction]:
    """Average stars and recommend score in each of `count` months up to `last`."""
    return trend_by_month(session, months_ending(last, count))


def feedback_in_month_list(
    session: Session,
    month: Month,
    *,
    limit: int = LIST_LIMIT,
    after: tuple[datetime, int] | None = None,
) -> list[FeedbackRow]:
    """The feedback received in `month`, newest first (page with the last row's
    (received_at, id) as `after`)."""
    return feedback_rows(session, *month.bounds(), limit=limit, after=after)


# --- Loyalty points outstanding ------------------------------------------------------------


@dataclass(frozen=True)
class PointsFigure:
    points: int  # held by members between them
    members_holding: int
    liability: int | None  # minor units those points could cost the shop
    liability_basis: str  # where the value of a point comes from, in words
    currency: str


def points_figure(session: Session) -> PointsFigure:
    """Loyalty points outstanding, and what they could cost the shop."""
    points = outstanding_balance(session)
    holding = session.scalar(
        select(func.count(LoyaltyAccount.id)).where(LoyaltyAccount.balance > 0)
    )
    value = point_value(session)
    liability = (
        None
        if value.per_point is None
        else int((points * value.per_point).quantize(Decimal(1), ROUND_HALF_UP))
    )
    return PointsFigure(
        points, int(holding or 0), liability, value.basis, get_profile(session).currency
    )


@dataclass(frozen=True, slots=True)
class PointsHolder:
    account_id: int
    customer_id: int | None
    name: str | None
    card_number: str
    balance: int


def points_holders_list(
    session: Session, *, limit: int = LIST_LIMIT, after: tuple[int, int] | None = None
) -> list[PointsHolder]:
    """Members holding points, most first: pass the last row's (balance, account id) as
    `after` for the next page."""
    statement = (
        select(
            LoyaltyAccount.id,
            LoyaltyAccount.customer_id,
            Customer.name,
            LoyaltyAccount.card_number,
            LoyaltyAccount.balance,
        )
        .outerjoin(Customer, Customer.id == LoyaltyAccount.customer_id)
        .where(LoyaltyAccount.balance > 0)
        .order_by(LoyaltyAccount.balance.desc(), LoyaltyAccount.id.desc())
        .limit(limit)
    )
    if after is not None:
        key = tuple_(LoyaltyAccount.balance, LoyaltyAccount.id)
        statement = statement.where(key < tuple_(*after))
    return [PointsHolder(*row) for row in session.execute(statement)]


# --- The page at once ----------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """The figures the Today page shows first: plain counts over maintained values."""

    parcels: ParcelsFigure
    follow_ups: FollowUpsFigure
    points: PointsFigure


def headline(session: Session, today: date) -> Headline:
    """The quick figures: parcels and inserts, follow-ups, points outstanding."""
    return Headline(
        parcels_figure(session, today), follow_ups_figure(session), points_figure(session)
    )


@dataclass(frozen=True)
class Charts:
    """What the page loads in the background: customers newly not seen lately (the lapsed
    rules load the visit model) and the month-by-month series, oldest month first, ending
    with the current month."""

    newly_not_seen: NewlyNotSeenFigure
    customers: list[CustomerMonthFigure]
    repeat: RepeatFigure
    vouchers: list[VoucherMonthFigure]
    win_backs: list[WinBackMonthFigure]
    satisfaction: list[MonthSatisfaction]


def charts(session: Session, today: date, months: int = CHART_MONTHS) -> Charts:
    """The background figures, the charts' for the `months` months up to `today`'s."""
    last = Month.of(today)
    return Charts(
        newly_not_seen_figure(session, today),
        customers_by_month(session, last, months),
        repeat_figure(session),
        vouchers_by_month(session, last, months),
        win_backs_by_month(session, last, months),
        satisfaction_trend(session, last, months),
    )
