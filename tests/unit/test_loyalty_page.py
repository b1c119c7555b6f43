"""What the counter and the Loyalty page show: a member's summary, the members list, who is
close to a reward, the liability in money, the month's figures, and the rewards poll."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desktop.shop.catalogue import add_product
from desktop.shop.errors import InvalidInput
from desktop.shop.loyalty import (
    browse_members,
    close_to_reward,
    loyalty_figures,
    member_summary,
    point_value,
)
from desktop.shop.loyalty_ledger import adjust_points
from desktop.shop.loyalty_rules import Tier
from desktop.shop.reward_poll import get_poll, poll_results, record_answer, save_poll
from desktop.shop.rewards import RewardInput, add_reward, redeem_reward
from desktop.store.models_loyalty import LoyaltyAccount
from desktop.store.shopfile import ShopDatabase
from tests.unit.test_loyalty_support import (
    customer,
    customer_of,
    member,
    programme,
    sale,
)

TIERS = (
    Tier("Bronze", 0),
    Tier("Silver", 20_000, Decimal("1.25"), "10% off workshops"),
    Tier("Gold", 50_000, Decimal("2")),
)


def _rewards(shop: ShopDatabase) -> dict[str, int]:
    with shop.write() as session:
        mug = add_product(session, "Mug", 900).id
        made = [
            add_reward(session, RewardInput("Biscuit", 50, "amount", amount=100)),
            add_reward(session, RewardInput("Mug 🍵", 300, "free_item", product_id=mug)),
            add_reward(session, RewardInput("20% off", 500, "percent", percent=20)),
        ]
        return {r.name: r.id for r in made}


def test_a_members_summary_shows_balance_tier_rewards_and_history(shop: ShopDatabase) -> None:
    programme(shop, tiers=TIERS, expiry_months=12)
    _rewards(shop)
    account_id = member(shop, "Zoë Ó'Brien")
    sale(shop, customer_of(shop, account_id), 25_000)
    with shop.read() as session:
        summary = member_summary(session, account_id)
    assert summary.name == "Zoë Ó'Brien" and summary.balance == 250
    assert summary.card == "-".join(
        (summary.account.card_number[:4], summary.account.card_number[4:8], summary.card[-2:])
    )
    assert summary.tier.tier is not None and summary.tier.tier.name == "Silver"
    assert summary.tier.next_tier is not None and summary.tier.next_tier.name == "Gold"
    assert summary.tier.to_next == 25_000
    assert [o.name for o in summary.affordable] == ["Biscuit"]
    assert summary.next_reward is not None
    assert (summary.next_reward.name, summary.next_reward.short_by) == ("Mug 🍵", 50)
    assert summary.next_reward.description == "Free Mug (worth £9.00)"
    assert [(e.kind, e.points) for e in summary.recent] == [("earn", 250)]
    assert summary.expires_on is not None and summary.expires_on > date.today()


def test_the_members_list_pages_by_name_with_balance_and_tier(shop: ShopDatabase) -> None:
    programme(shop, tiers=TIERS)
    names = ["Zoë", "Ελένη", "Łukasz", "Дмитрий", "李雷", "Ålesund Ann"]
    for name in names:
        member(shop, name)
    customer(shop, "Not a member")
    top = member(shop, "Anna")
    sale(shop, customer_of(shop, top), 60_000)
    with shop.read() as session:
        first = browse_members(session, limit=4)
        assert first.next_key is not None
        rest = browse_members(session, after=first.next_key, limit=4)
    rows = first.rows + rest.rows
    assert rest.next_key is None
    assert [r.name for r in rows][:3] == ["Ålesund Ann", "Anna", "Łukasz"]
    assert len(rows) == len(names) + 1
    anna = next(r for r in rows if r.name == "Anna")
    assert (anna.balance, anna.tier, anna.spend) == (600, "Gold", 60_000)
    assert {r.tier for r in rows if r.name != "Anna"} == {"Bronze"}


def test_members_close_to_a_reward_are_listed_closest_first(shop: ShopDatabase) -> None:
    _rewards(shop)
    balances = {"Zoë": 45, "Ελένη": 290, "Łukasz": 250, "Дмитрий": 10, "李雷": 600}
    accounts = {name: member(shop, name) for name in balances}
    with shop.write() as session:
        for name, points in balances.items():
            adjust_points(session, accounts[name], points, "Opening balance")
        close = close_to_reward(session, 50)
    assert [(c.member.name, c.reward, c.short_by) for c in close] == [
        ("Zoë", "Biscuit", 5),
        ("Ελένη", "Mug 🍵", 10),
        ("Дмитрий", "Biscuit", 40),
        ("Łukasz", "Mug 🍵", 50),
    ]


def test_points_outstanding_are_valued_by_the_setting_or_the_best_reward(
    shop: ShopDatabase,
) -> None:
    rewards = _rewards(shop)
    first = member(shop, "Zoë")
    second = member(shop, "Ελένη")
    with shop.write() as session:
        adjust_points(session, first, 1_000, "Moved from the old card")
        adjust_points(session, second, 501, "Moved from the old card")
        # The mug: 900p for 300 points is 3p a point, the most generous fixed-value reward.
        assert point_value(session).per_point == 3
        assert "Mug 🍵" in point_value(session).basis
        redeem_reward(session, session.get_one(LoyaltyAccount, first), rewards["Biscuit"])
        figures = loyalty_figures(session)
    assert (figures.members, figures.members_with_balance) == (2, 2)
    assert figures.outstanding == 950 + 501
    assert figures.liability == (950 + 501) * 3
    assert figures.month_redeemed == 50
    assert figures.month_earned == 0 and figures.month_bonus == 0
    programme(shop, point_value=Decimal("0.5"))
    with shop.read() as session:
        figures = loyalty_figures(session)
    assert figures.liability == 726  # 1,451 points at half a penny, rounded half up
    assert figures.liability_basis == "the value of a point in your settings"


def test_the_months_figures_and_top_members(shop: ShopDatabase) -> None:
    programme(shop, joining_bonus=10)
    big = member(shop, "Дмитрий")
    small = member(shop, "李雷")
    sale(shop, customer_of(shop, big), 9_999)
    sale(shop, customer_of(shop, small), 1_000)
    with shop.read() as session:
        figures = loyalty_figures(session)
        last_year = loyalty_figures(session, date(2000, 1, 15))
    assert (figures.month_earned, figures.month_bonus) == (109, 20)
    assert [m.name for m in figures.top] == ["Дмитрий", "李雷"]
    assert (last_year.month_earned, last_year.month_bonus) == (0, 0)


def test_no_fixed_value_reward_asks_for_the_value_of_a_point(shop: ShopDatabase) -> None:
    with shop.write() as session:
        add_reward(session, RewardInput("20% off", 500, "percent", percent=20))
    account_id = member(shop, "Zoë")
    with shop.write() as session:
        adjust_points(session, account_id, 10, "Opening balance")
        figures = loyalty_figures(session)
    assert figures.liability is None
    assert "set the value of a point" in figures.liability_basis


def test_the_rewards_poll_counts_answers_and_shares(shop: ShopDatabase) -> None:
    with shop.write() as session:
        assert get_poll(session).options == ()
        save_poll(session, "Which treat next? 🍰", ["Free coffee", "Tote bag", " ", "Workshop"])
    zoe = customer(shop, "Zoë")
    with shop.write() as session:
        record_answer(session, "free coffee", customer_id=zoe)
        record_answer(session, "Tote bag", customer_id=zoe)
        record_answer(session, "Free coffee", channel="card")
        record_answer(session, "Free coffee", channel="card")
    with (
        pytest.raises(InvalidInput, match="Zoë already chose “Free coffee”"),
        shop.write() as session,
    ):
        record_answer(session, "Free coffee", customer_id=zoe)
    with pytest.raises(InvalidInput, match="not one of the poll's options"), shop.write() as s:
        record_answer(s, "A pony")
    with shop.write() as session:
        save_poll(session, "Which treat next? 🍰", ["Free coffee", "Workshop", "Cake"])
        results = poll_results(session)
    assert results.answers == 4
    assert [(r.option, r.count, str(r.percent), r.offered) for r in results.results] == [
        ("Free coffee", 3, "75.0", True),
        ("Tote bag", 1, "25.0", False),
        ("Workshop", 0, "0.0", True),
        ("Cake", 0, "0.0", True),
    ]


@pytest.mark.parametrize(
    "options", [["Only one"], ["Cake", "CAKE"], [f"Option {n}" for n in range(13)]]
)
def test_a_poll_needs_two_to_twelve_different_options(
    shop: ShopDatabase, options: list[str]
) -> None:
    with pytest.raises(InvalidInput) as refused, shop.write() as session:
        save_poll(session, "Which?", options)
    assert refused.value.field == "options"
