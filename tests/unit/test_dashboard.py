"""The Today figures against values worked out by hand on a small shop, and the lists behind
them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.shop.campaign_settings import set_won_back_days
from desktop.shop.customer_months import refresh_all_customer_months, refresh_customer_months
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.dashboard import (
    CustomerRow,
    charts,
    customers_by_month,
    customers_in_month_list,
    follow_ups_figure,
    headline,
    inserts_to_print_list,
    newly_not_seen_figure,
    newly_not_seen_list,
    parcels_figure,
    parcels_list,
    points_figure,
    points_holders_list,
    repeat_buyers_list,
    repeat_figure,
    vouchers_by_month,
    vouchers_in_month_list,
    win_backs_by_month,
    won_back_list,
)
from desktop.shop.errors import InvalidInput
from desktop.shop.feedback import FeedbackInput, record_feedback, set_follow_up_state
from desktop.shop.inserts import mark_inserts_printed
from desktop.shop.lapsed import refresh_rhythm
from desktop.shop.loyalty_ledger import adjust_points
from desktop.shop.loyalty_members import enrol
from desktop.shop.loyalty_rules import Programme, save_programme
from desktop.shop.monthly_report import monthly_report
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase, void_purchase
from desktop.shop.satisfaction import Month
from desktop.shop.vouchers import VoucherTerms, issue_voucher, redeem_voucher
from desktop.store.models import Customer, Voucher
from desktop.store.models_campaigns import Campaign, Contact
from desktop.store.models_feedback import CustomerMonth
from desktop.store.shopfile import ShopDatabase

TODAY = date.today()
THIS_MONTH = Month.of(TODAY)
# Three whole months before this one, oldest first.
M3, M2, M1 = THIS_MONTH.shifted(-3), THIS_MONTH.shifted(-2), THIS_MONTH.shifted(-1)
NAMES = ("Zoë Ó'Brien", "Łukasz", "Ελένη", "Дмитрий", "李雷")


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour)).astimezone().astimezone(UTC)


def _keep_derived(session: Session, customer_id: int) -> None:
    # What recording or voiding a sale keeps up to date in its own transaction.
    refresh_rhythm(session, customer_id)
    refresh_customer_months(session, customer_id)


def _sale(
    session: Session,
    customer_id: int | None,
    when: datetime,
    price: int = 1000,
    channel: str = "in_shop",
) -> int:
    purchase = record_purchase(
        session,
        PurchaseInput([LineInput("Blue mug", 1, price)], customer_id, channel, purchased_at=when),
    )
    if customer_id is not None:
        _keep_derived(session, customer_id)
    return purchase.id


@pytest.fixture
def history(shop: ShopDatabase) -> dict[str, int]:
    """Five customers over the three months before this one:

    month   M3               M2                       M1
    Zoë     bought                                    bought
    Łukasz                                            bought twice
    Ελένη                    bought                   bought
    Дмитрий                  bought twice, one day
    李雷    (voided sale)                             bought
    """
    with shop.write() as session:
        ids = {name: create_customer(session, CustomerDetails(name)).id for name in NAMES}
        ids["zoe m3"] = _sale(session, ids["Zoë Ó'Brien"], _at(M3.first_day + timedelta(4)))
        _sale(session, ids["Zoë Ó'Brien"], _at(M1.first_day + timedelta(4)))
        _sale(session, ids["Łukasz"], _at(M1.first_day + timedelta(4)))
        _sale(session, ids["Łukasz"], _at(M1.first_day + timedelta(19)))
        _sale(session, ids["Ελένη"], _at(M2.first_day + timedelta(4)))
        _sale(session, ids["Ελένη"], _at(M1.first_day + timedelta(4)))
        _sale(session, ids["Дмитрий"], _at(M2.first_day + timedelta(4), 10))
        _sale(session, ids["Дмитрий"], _at(M2.first_day + timedelta(4), 15))
        voided = _sale(session, ids["李雷"], _at(M3.first_day + timedelta(4)))
        void_purchase(session, voided, "Rung up by mistake")
        _keep_derived(session, ids["李雷"])
        _sale(session, ids["李雷"], _at(M1.first_day + timedelta(6)))
    return ids


def _by_month(shop: ShopDatabase) -> list[tuple[str, int, int]]:
    with shop.read() as session:
        return [(str(f.month), f.new, f.returning) for f in customers_by_month(session, M1, 3)]


def test_new_and_returning_customers_by_month(shop: ShopDatabase, history: dict[str, int]) -> None:
    assert _by_month(shop) == [(str(M3), 1, 0), (str(M2), 2, 0), (str(M1), 2, 2)]
    with shop.read() as session:
        returning = customers_in_month_list(session, M1, "returning")
        new = customers_in_month_list(session, M1, "new")
        every = customers_in_month_list(session, M1, limit=2)
        rest = customers_in_month_list(session, M1, after=_sort_key(session, every[-1]))
        (share,) = customers_by_month(session, M1, 1)

    assert [row.name for row in returning] == ["Zoë Ó'Brien", "Ελένη"]
    assert [row.name for row in new] == ["Łukasz", "李雷"]
    assert [row.name for row in every + rest] == ["Łukasz", "Zoë Ó'Brien", "Ελένη", "李雷"]
    assert (share.active, share.returning_share) == (4, 0.5)


def _sort_key(session: Session, row: CustomerRow) -> tuple[str, int]:
    customer = session.get_one(Customer, row.customer_id)
    return customer.sort_name, customer.id


def test_voiding_a_customers_first_sale_makes_them_new_later(
    shop: ShopDatabase, history: dict[str, int]
) -> None:
    with shop.write() as session:
        void_purchase(session, history["zoe m3"], "Refunded")
        _keep_derived(session, history["Zoë Ó'Brien"])

    assert _by_month(shop) == [(str(M3), 0, 0), (str(M2), 2, 0), (str(M1), 3, 1)]


def test_recounting_every_customer_gives_the_same_months(
    shop: ShopDatabase, history: dict[str, int]
) -> None:
    with shop.read() as session:
        kept = set(session.execute(select(CustomerMonth.__table__)).all())
    with shop.write() as session:
        assert refresh_all_customer_months(session) == len(kept) == 7

    with shop.read() as session:
        assert set(session.execute(select(CustomerMonth.__table__)).all()) == kept


def test_repeat_buyers_came_back_on_another_day(
    shop: ShopDatabase, history: dict[str, int]
) -> None:
    with shop.read() as session:
        figure = repeat_figure(session)
        listed = repeat_buyers_list(session, limit=2)
        rest = repeat_buyers_list(session, after=(2, listed[-1].customer_id))

    # Дмитрий bought twice on one day: one visit. 李雷's voided sale is no visit.
    assert (figure.buyers, figure.repeat_buyers, figure.rate) == (5, 3, 0.6)
    assert sorted(row.name for row in listed + rest) == ["Zoë Ó'Brien", "Łukasz", "Ελένη"]


def test_vouchers_issued_and_redeemed_by_month(shop: ShopDatabase, history: dict[str, int]) -> None:
    zoe = history["Zoë Ó'Brien"]
    with shop.write() as session:
        codes = []
        for month in (M2, M1, M1):
            voucher = issue_voucher(session, VoucherTerms("thank_you", amount=300, customer_id=zoe))
            voucher.issued_at = _at(month.first_day + timedelta(9))
            codes.append(voucher.code)
        today_sale = _sale(session, zoe, datetime.now(UTC), price=2500)
        redeem_voucher(session, codes[1], today_sale)

    with shop.read() as session:
        figures = vouchers_by_month(session, THIS_MONTH, 4)
        issued = vouchers_in_month_list(session, M1, "issued")
        redeemed = vouchers_in_month_list(session, THIS_MONTH, "redeemed")
        with pytest.raises(InvalidInput):
            vouchers_in_month_list(session, M1, "lost")  # type: ignore[arg-type]

    assert [(f.issued, f.redeemed, f.discount) for f in figures] == [
        (0, 0, 0),
        (1, 0, 0),
        (2, 0, 0),
        (0, 1, 300),
    ]
    assert sorted(row.code for row in issued) == sorted(codes[1:])
    assert [(row.code, row.discount, row.customer_name) for row in redeemed] == [
        (codes[1], 300, "Zoë Ó'Brien")
    ]


def test_parcels_to_pack_and_inserts_to_print_today(shop: ShopDatabase) -> None:
    now = datetime.now(UTC)
    with shop.write() as session:
        eleni = create_customer(session, CustomerDetails("Ελένη")).id
        online = _sale(session, eleni, now, channel="online")
        phone = _sale(session, None, now, channel="phone")
        _sale(session, eleni, now)  # handed over the counter: no parcel
        _sale(session, eleni, now - timedelta(days=2), channel="online")  # packed already
        mark_inserts_printed(session, [phone], now)

    with shop.read() as session:
        figure = parcels_figure(session, TODAY)
        to_pack = [row.purchase_id for row in parcels_list(session, TODAY)]
        to_print = [row.purchase_id for row in inserts_to_print_list(session, TODAY)]

    assert (figure.to_pack, figure.inserts_to_print) == (2, 1)
    assert sorted(to_pack) == sorted([online, phone])
    assert to_print == [online]


def test_follow_ups_due(shop: ShopDatabase) -> None:
    with shop.write() as session:
        zoe = create_customer(session, CustomerDetails("Zoë")).id
        low = [
            record_feedback(session, FeedbackInput(rating=rating, customer_id=zoe)).id
            for rating in (1, 2, 5)
        ]
        set_follow_up_state(session, low[1], "contacted")
    with shop.read() as session:
        figure = follow_ups_figure(session)

    assert (figure.open, figure.new) == (2, 1)
    assert figure.oldest_opened_at is not None
    with shop.write() as session:
        set_follow_up_state(session, low[0], "resolved")
        set_follow_up_state(session, low[1], "resolved")
    with shop.read() as session:
        assert follow_ups_figure(session) == type(figure)(0, 0, None)


def test_customers_newly_not_seen_lately(shop: ShopDatabase) -> None:
    with shop.write() as session:
        ids = {}
        # The shop's limit is 90 days: the first crossed it this week, the second long ago.
        for name, days_ago in (("Amara", 92), ("Siobhán", 120), ("Jürgen", 30), ("Zoë", 96)):
            ids[name] = create_customer(session, CustomerDetails(name)).id
            _sale(session, ids[name], _at(TODAY - timedelta(days=days_ago)), price=days_ago)

    with shop.read() as session:
        figure = newly_not_seen_figure(session, TODAY, rule="threshold")
        listed = newly_not_seen_list(session, TODAY, rule="threshold")
        with pytest.raises(InvalidInput):
            newly_not_seen_figure(session, TODAY, days=0)

    assert (figure.count, figure.since, figure.rule) == (2, TODAY - timedelta(days=7), "threshold")
    assert [row.name for row in listed] == ["Zoë", "Amara"]  # the bigger spender first


def test_loyalty_points_outstanding(shop: ShopDatabase) -> None:
    with shop.write() as session:
        save_programme(session, Programme(point_value=Decimal("0.5")))
        accounts = [
            enrol(session, create_customer(session, CustomerDetails(name)).id)
            for name in ("Zoë", "Дмитрий", "李雷")
        ]
        adjust_points(session, accounts[0].id, 150, "Opening balance")
        adjust_points(session, accounts[1].id, 51, "Opening balance")

    with shop.read() as session:
        figure = points_figure(session)
        holders = points_holders_list(session)
        rest = points_holders_list(session, after=(holders[0].balance, holders[0].account_id))

    assert (figure.points, figure.members_holding, figure.liability) == (201, 2, 101)
    assert [(row.name, row.balance) for row in holders] == [("Zoë", 150), ("Дмитрий", 51)]
    assert [row.name for row in rest] == ["Дмитрий"]


def test_the_page_at_once(shop: ShopDatabase, history: dict[str, int]) -> None:
    with shop.read() as session:
        first = headline(session, TODAY)
        series = charts(session, TODAY, 4)
        newly = newly_not_seen_list(session, TODAY)

    assert first.parcels.to_pack == 0 and first.follow_ups.open == 0
    assert first.points.points == 0
    assert (series.newly_not_seen.rule, series.newly_not_seen.count) == ("rhythm", len(newly))
    assert [str(f.month) for f in series.customers] == [str(M3), str(M2), str(M1), str(THIS_MONTH)]
    assert [f.new for f in series.customers] == [1, 2, 2, 0]
    assert series.repeat.repeat_buyers == 3
    assert len(series.vouchers) == len(series.satisfaction) == len(series.win_backs) == 4


def test_the_monthly_reports_figures(shop: ShopDatabase, history: dict[str, int]) -> None:
    with shop.write() as session:
        for rating in (1, 5):
            record_feedback(
                session,
                FeedbackInput(
                    rating=rating,
                    comment="Chipped" if rating == 1 else "",
                    customer_id=history["Ελένη"],
                    received_at=_at(M1.first_day + timedelta(9)),
                ),
            )
    with shop.read() as session:
        report = monthly_report(session, M1, TODAY)
        with pytest.raises(InvalidInput) as future:
            monthly_report(session, THIS_MONTH.shifted(1), TODAY)

    # M1: Zoë, Łukasz twice, Ελένη and 李雷, at £10 each; M2: Ελένη and Дмитрий twice.
    assert (report.sales.purchases, report.sales.revenue) == (5, 5000)
    assert (report.previous_sales.purchases, report.previous_sales.revenue) == (3, 3000)
    assert (report.customers[-1].new, report.customers[-1].returning) == (2, 2)
    assert (report.satisfaction.responses, report.satisfaction.average_rating) == (2, 3.0)
    assert [row.comment for row in report.comments] == ["Chipped"]
    assert report.follow_ups.open == 1
    assert report.repeat.repeat_buyers == 3
    assert "has not begun yet" in str(future.value)


def test_an_empty_shop_has_empty_figures(shop: ShopDatabase) -> None:
    with shop.read() as session:
        assert [f.active for f in customers_by_month(session, THIS_MONTH)] == [0] * 12
        assert repeat_figure(session).rate is None
        assert newly_not_seen_figure(session, TODAY).count == 0
        assert points_figure(session).liability is None
        assert session.scalar(select(Voucher.id)) is None


def test_campaign_win_backs_by_month(shop: ShopDatabase) -> None:
    """Reached in M2, back in M1 within the 60-day window (won back); reached in M2 and back
    long after (not won back); back after a contact that never went out (not won back)."""
    contacted = _at(M2.first_day + timedelta(days=14))
    with shop.write() as session:
        set_won_back_days(session, 60)
        ids = {
            name: create_customer(session, CustomerDetails(name)).id
            for name in ("Zoë", "Дмитрий", "李雷", "Ελένη")
        }
        campaign = Campaign(name="We miss you", purpose="win_back", segment_definition="{}")
        session.add(campaign)
        session.flush()
        for name, outcome in (("Zoë", "sent"), ("Дмитрий", "printed"), ("李雷", "failed")):
            session.add(
                Contact(
                    customer_id=ids[name],
                    campaign_id=campaign.id,
                    channel="email",
                    purpose="win_back",
                    outcome=outcome,
                    created_at=contacted,
                    sent_at=contacted,
                )
            )
        _sale(session, ids["Zoë"], contacted + timedelta(days=30))
        _sale(session, ids["Zoë"], contacted + timedelta(days=35))  # came back once
        _sale(session, ids["Дмитрий"], contacted + timedelta(days=61))
        _sale(session, ids["李雷"], contacted + timedelta(days=20))
        _sale(session, ids["Ελένη"], contacted + timedelta(days=20))  # never contacted

    back = (contacted + timedelta(days=30)).astimezone()
    with shop.read() as session:
        figures = win_backs_by_month(session, THIS_MONTH, 4)
        listed = won_back_list(session, Month(back.year, back.month))
        reached_month = next(f for f in figures if f.month == M2)

    assert (reached_month.contacted, sum(f.contacted for f in figures)) == (2, 2)
    assert sum(f.won_back for f in figures) == 1
    assert [row.name for row in listed] == ["Zoë"]
