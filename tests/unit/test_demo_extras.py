"""The sample shop shows every capability: parcels today, guides, vouchers, loyalty, feedback,
segments and a campaign that won people back, each with its invariants kept."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from desktop.shop.campaigns import campaign_results, list_campaigns
from desktop.shop.dashboard import charts, headline
from desktop.shop.demo import DemoOptions
from desktop.shop.guides import care_cards_for_purchases, guides_for_purchases, list_guides
from desktop.shop.insert_options import insert_options
from desktop.shop.loyalty_rules import get_programme
from desktop.shop.parcels import todays_parcels
from desktop.shop.reward_poll import poll_results
from desktop.shop.rewards import list_rewards
from desktop.shop.segments import list_segments
from desktop.shop.vouchers import list_vouchers
from desktop.store.models import (
    Category,
    Customer,
    Purchase,
    PurchaseLine,
    Voucher,
    VoucherRedemption,
)
from desktop.store.models_campaigns import Contact
from desktop.store.models_feedback import Feedback, FollowUp, FollowUpNote, Guide
from desktop.store.models_loyalty import LoyaltyAccount, LoyaltyEntry
from desktop.store.shopfile import ShopDatabase
from tests.demo_shops import build_sample

TODAY = date(2026, 6, 15)
SMALL = DemoOptions(customers=300, years=2, seed=3, today=TODAY)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopDatabase]:
    shop = build_sample(tmp_path_factory.mktemp("extras"), SMALL)
    yield shop
    shop.close()


def test_there_are_parcels_to_pack_today_with_inserts_to_print(sample: ShopDatabase) -> None:
    with sample.read() as session:
        parcels = todays_parcels(session, TODAY)
        figures = headline(session, TODAY)
        assert 3 <= len(parcels) <= 6
        assert all(row.insert_printed_at is None and row.customer_name for row in parcels)
        assert figures.parcels.to_pack == figures.parcels.inserts_to_print == len(parcels)
        # The shop's inserts carry a thank-you voucher and know the feedback form.
        options = insert_options(session)
        assert options.voucher and options.feedback_url


def test_a_tea_purchase_finds_its_care_guide(sample: ShopDatabase) -> None:
    with sample.read() as session:
        guides = list_guides(session)
        assert 4 <= len(guides) <= 6
        assert any(g.url for g in guides) and any(g.url is None for g in guides)
        tea = session.scalar(select(Category.id).where(Category.name == "Tea"))
        bought_tea = session.scalar(
            select(PurchaseLine.purchase_id).where(PurchaseLine.category_id == tea).limit(1)
        )
        assert bought_tea is not None
        found = guides_for_purchases(session, [bought_tea])
        assert found[bought_tea].title == "Brewing loose-leaf tea"
        assert "**" in found[bought_tea].body and "## " in found[bought_tea].body
        # A guide without an address prints as a care card: a teapot sale gets one.
        teapot = session.scalar(
            select(PurchaseLine.purchase_id)
            .where(PurchaseLine.description == "Celadon Teapot, 4 cups")
            .limit(1)
        )
        if teapot is not None:
            assert [card.title for card in care_cards_for_purchases(session, [teapot])] == [
                "Your new teapot"
            ]


def test_vouchers_were_issued_used_and_left_to_expire(sample: ShopDatabase) -> None:
    with sample.read() as session:
        states: dict[str, set[str]] = {}
        for row in list_vouchers(session, limit=100_000, today=TODAY).rows:
            states.setdefault(row.kind, set()).add(row.state)
        assert {"redeemed", "expired", "unused"} <= states["thank_you"]
        assert "redeemed" in states["welcome_back"] and "redeemed" in states["reward"]
        # What vouchers took off is what the purchases say they were discounted.
        taken = session.scalar(select(func.sum(VoucherRedemption.discount)))
        assert taken and taken == session.scalar(select(func.sum(Purchase.discount)))
        codes = session.scalars(select(Voucher.code)).all()
        assert len(codes) == len(set(codes))


def test_customers_totals_still_match_their_purchases(sample: ShopDatabase) -> None:
    with sample.read() as session:
        live = (
            select(func.coalesce(func.sum(Purchase.total), 0))
            .where(Purchase.customer_id == Customer.id, Purchase.voided_at.is_(None))
            .scalar_subquery()
        )
        wrong = session.scalar(select(func.count()).where(Customer.total_spent != live))
        assert wrong == 0


def test_loyalty_members_balances_are_their_ledger_sums(sample: ShopDatabase) -> None:
    with sample.read() as session:
        assert get_programme(session).tiers
        assert [r.cost for r in list_rewards(session)] == [500, 800, 1500]
        with_email = session.scalar(select(func.count()).where(Customer.email.is_not(None)))
        members = session.scalar(select(func.count(LoyaltyAccount.id)))
        assert members and 0.15 * with_email <= members <= 0.35 * with_email
        rows = session.execute(
            select(
                LoyaltyAccount.balance,
                LoyaltyAccount.version,
                func.sum(LoyaltyEntry.points),
                func.count(LoyaltyEntry.id),
                func.max(LoyaltyEntry.sequence),
            )
            .join(LoyaltyEntry, LoyaltyEntry.account_id == LoyaltyAccount.id)
            .group_by(LoyaltyAccount.id)
        ).all()
        assert len(rows) == members
        assert all(balance == total for balance, _, total, _, _ in rows)
        assert all(version == count == last for _, version, _, count, last in rows)
        _assert_running_balances(session)
        kinds = set(session.scalars(select(LoyaltyEntry.kind).distinct()))
        assert {"bonus", "earn", "redeem"} <= kinds
        assert poll_results(session).answers > 0


def _assert_running_balances(session: Session) -> None:
    running: dict[int, int] = {}
    for account_id, points, after in session.execute(
        select(LoyaltyEntry.account_id, LoyaltyEntry.points, LoyaltyEntry.balance_after).order_by(
            LoyaltyEntry.account_id, LoyaltyEntry.sequence
        )
    ):
        running[account_id] = running.get(account_id, 0) + points
        assert running[account_id] == after


def test_feedback_is_mostly_happy_and_low_scores_are_followed_up(sample: ShopDatabase) -> None:
    with sample.read() as session:
        said = session.scalar(select(func.count(Feedback.id)))
        happy = session.scalar(select(func.count(Feedback.id)).where(Feedback.rating >= 4))
        assert said and happy and happy > said / 2
        states = set(session.scalars(select(FollowUp.state).distinct()))
        assert len(states) > 1
        noted = session.scalar(
            select(func.count(FollowUp.feedback_id)).where(
                FollowUp.state != "new",
                FollowUp.feedback_id.not_in(select(FollowUpNote.feedback_id)),
            )
        )
        assert noted == 0  # whoever was contacted has a note saying how


def test_a_past_campaign_won_customers_back(sample: ShopDatabase) -> None:
    with sample.read() as session:
        assert {s.name for s in list_segments(session)} == {
            "Not seen lately (own rhythm)",
            "Best customers",
        }
        (campaign,) = list_campaigns(session)
        results = campaign_results(session, campaign.id)
        assert results.sent > 0 and results.won_back > 0 and results.vouchers_redeemed > 0
        assert results.vouchers_issued == results.sent


def test_the_today_page_has_vouchers_win_backs_and_satisfaction(sample: ShopDatabase) -> None:
    with sample.read() as session:
        figures = charts(session, TODAY)
        assert sum(month.issued for month in figures.vouchers) > 0
        assert sum(month.redeemed for month in figures.vouchers) > 0
        assert sum(month.won_back for month in figures.win_backs) > 0
        assert sum(month.figures.responses for month in figures.satisfaction) > 0
        top = headline(session, TODAY)
        assert top.follow_ups.open > 0 and top.points.points > 0


def _digest(shop: ShopDatabase) -> str:
    digest = hashlib.sha256()
    models = (Voucher, VoucherRedemption, LoyaltyAccount, LoyaltyEntry, Feedback, FollowUp)
    with shop.read() as session:
        for model in (*models, FollowUpNote, Guide, Contact, Purchase):
            columns = [
                cast(column, String) if column.name.endswith("_at") else column
                for column in model.__table__.columns
            ]
            for row in session.execute(select(*columns).order_by(*model.__table__.primary_key)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_the_same_seed_gives_the_same_extras(sample: ShopDatabase, tmp_path: Path) -> None:
    again = build_sample(tmp_path, SMALL)
    try:
        assert _digest(again) == _digest(sample)
    finally:
        again.close()
