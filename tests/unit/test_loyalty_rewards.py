"""The rewards catalogue and redeeming: a voucher for points, exactly once, never below zero."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.shop.catalogue import add_product, update_product
from desktop.shop.errors import InvalidInput, ShopError
from desktop.shop.loyalty_ledger import adjust_points
from desktop.shop.purchases import get_purchase
from desktop.shop.rewards import (
    RewardInput,
    RewardRefused,
    add_reward,
    affordable_rewards,
    describe_reward,
    list_rewards,
    redeem_reward,
    retire_reward,
    update_reward,
)
from desktop.shop.vouchers import VoucherRefused, find_voucher
from desktop.store.models import Voucher
from desktop.store.models_loyalty import LoyaltyAccount, LoyaltyEntry
from desktop.store.shopfile import ShopDatabase, open_shop
from tests.unit.test_loyalty_support import (
    balance,
    customer,
    customer_of,
    entries,
    ledger_sum,
    member,
    purchase_total,
    sale,
)


def _reward(shop: ShopDatabase, data: RewardInput) -> int:
    with shop.write() as session:
        return add_reward(session, data).id


def _give(shop: ShopDatabase, account_id: int, points: int) -> None:
    with shop.write() as session:
        adjust_points(session, account_id, points, "Welcome gift from Zoë")


def _account(shop: ShopDatabase, account_id: int) -> LoyaltyAccount:
    """The account as a till's screen read it (detached, as the summary hands it over)."""
    with shop.read() as session:
        account = session.get(LoyaltyAccount, account_id)
        assert account is not None
        return account


def _vouchers(shop: ShopDatabase) -> int:
    with shop.read() as session:
        return int(session.scalar(select(func.count(Voucher.id))) or 0)


def test_the_catalogue_holds_percent_amount_and_free_item_rewards(shop: ShopDatabase) -> None:
    with shop.write() as session:
        flat_white = add_product(session, "Flat white ☕", 320).id
    _reward(shop, RewardInput("Free flat white", 100, "free_item", product_id=flat_white))
    _reward(shop, RewardInput("£5 off", 250, "amount", amount=500))
    _reward(shop, RewardInput("Birthday cake 🎂", 300, "free_item", amount=1800))
    _reward(shop, RewardInput("10% off", 150, "percent", percent=10))
    with shop.write() as session:
        shown = [(r.cost, describe_reward(session, r)) for r in list_rewards(session)]
        update_product(session, flat_white, "Flat white ☕", 350)
        cheapest = list_rewards(session)[0]
        assert describe_reward(session, cheapest) == "Free Flat white ☕ (worth £3.50)"
    assert shown == [
        (100, "Free Flat white ☕ (worth £3.20)"),
        (150, "10% off"),
        (250, "£5.00 off"),
        (300, "Free Birthday cake 🎂 (worth £18.00)"),
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (RewardInput("", 10, "amount", amount=100), "reward name"),
        (RewardInput("Mug", 0, "amount", amount=100), "cost"),
        (RewardInput("Mug", 10, "voucher", amount=100), "gives"),
        (RewardInput("Mug", 10, "percent", percent=0), "percent"),
        (RewardInput("Mug", 10, "percent"), "percent"),
        (RewardInput("Mug", 10, "amount", amount=-5), "amount"),
        (RewardInput("Mug", 10, "free_item"), "amount"),
    ],
)
def test_a_bad_reward_is_refused_naming_the_field(
    shop: ShopDatabase, data: RewardInput, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused, shop.write() as session:
        add_reward(session, data)
    assert refused.value.field == field


def test_reward_names_are_unique_among_active_rewards(shop: ShopDatabase) -> None:
    first = _reward(shop, RewardInput("Tote bag", 100, "amount", amount=800))
    with pytest.raises(InvalidInput, match="already a reward called"), shop.write() as session:
        add_reward(session, RewardInput("TOTE BAG", 90, "amount", amount=800))
    with shop.write() as session:
        retire_reward(session, first)
        add_reward(session, RewardInput("Tote bag", 90, "amount", amount=800))
        assert [r.cost for r in list_rewards(session)] == [90]
        assert update_reward(session, first, RewardInput("Old tote", 5, "percent", percent=5))


def test_affordable_rewards_are_the_active_ones_the_balance_covers(shop: ShopDatabase) -> None:
    for name, cost in (("Biscuit", 50), ("Cake", 120), ("Hamper", 900)):
        _reward(shop, RewardInput(name, cost, "amount", amount=cost * 2))
    account_id = member(shop, "Ελένη")
    _give(shop, account_id, 120)
    with shop.read() as session:
        account = session.get(LoyaltyAccount, account_id)
        assert account is not None
        assert [r.name for r in affordable_rewards(session, account)] == ["Biscuit", "Cake"]


def test_redeeming_turns_points_into_a_voucher_for_the_member(shop: ShopDatabase) -> None:
    reward = _reward(shop, RewardInput("£5 off", 250, "amount", amount=500))
    account_id = member(shop, "Łukasz Ó'Brien")
    _give(shop, account_id, 300)
    with shop.write() as session:
        made = redeem_reward(session, _account(shop, account_id), reward)
        code = made.voucher.code
    assert made.discount is None
    assert balance(shop, account_id) == 50 == ledger_sum(shop, account_id)
    assert entries(shop, account_id)[-1] == ("redeem", -250, "Reward “£5 off”")
    with shop.read() as session:
        voucher = find_voucher(session, code)
        assert (voucher.kind, voucher.amount, voucher.customer_id) == (
            "reward",
            500,
            customer_of(shop, account_id),
        )
        assert voucher.expires_on is not None
        entry = session.scalars(select(LoyaltyEntry).where(LoyaltyEntry.kind == "redeem")).one()
        assert (entry.voucher_id, entry.reward_id) == (voucher.id, reward)


def test_a_free_item_becomes_a_voucher_worth_the_item_naming_it(shop: ShopDatabase) -> None:
    with shop.write() as session:
        scone = add_product(session, "Cheese scone", 275).id
    reward = _reward(shop, RewardInput("Free scone", 80, "free_item", product_id=scone))
    account_id = member(shop, "Zoë")
    _give(shop, account_id, 80)
    with shop.write() as session:
        voucher = redeem_reward(session, _account(shop, account_id), reward).voucher
        assert voucher.amount == 275
        assert voucher.terms == "For one Cheese scone (up to £2.75)"


def test_not_enough_points_is_refused_and_nothing_is_written(shop: ShopDatabase) -> None:
    reward = _reward(shop, RewardInput("Hamper", 1000, "amount", amount=5000))
    account_id = member(shop, "Дмитрий")
    _give(shop, account_id, 999)
    with (
        pytest.raises(RewardRefused, match="Дмитрий has 999 points; “Hamper” needs 1,000"),
        shop.write() as session,
    ):
        redeem_reward(session, _account(shop, account_id), reward)
    assert balance(shop, account_id) == 999
    assert _vouchers(shop) == 0


def test_a_retired_reward_cannot_be_redeemed(shop: ShopDatabase) -> None:
    reward = _reward(shop, RewardInput("Old mug", 10, "amount", amount=100))
    account_id = member(shop, "Zoë")
    _give(shop, account_id, 10)
    with shop.write() as session:
        retire_reward(session, reward)
    with pytest.raises(RewardRefused, match="no longer offered"), shop.write() as session:
        redeem_reward(session, _account(shop, account_id), reward)


def test_a_reward_on_the_current_purchase_comes_off_its_total(shop: ShopDatabase) -> None:
    reward = _reward(shop, RewardInput("£5 off", 100, "amount", amount=500))
    account_id = member(shop, "Ελένη")
    _give(shop, account_id, 100)
    purchase_id = sale(shop, customer_of(shop, account_id), 2000)
    assert balance(shop, account_id) == 120
    with shop.write() as session:
        made = redeem_reward(session, _account(shop, account_id), reward, purchase_id=purchase_id)
    assert made.discount == 500
    assert purchase_total(shop, purchase_id) == 1500
    # 20 earned on £20, then 5 taken back because the sale now comes to £15.
    assert balance(shop, account_id) == 15 == ledger_sum(shop, account_id)


def test_a_reward_cannot_go_on_someone_elses_purchase(shop: ShopDatabase) -> None:
    reward = _reward(shop, RewardInput("£5 off", 100, "amount", amount=500))
    account_id = member(shop, "Zoë")
    _give(shop, account_id, 100)
    other = sale(shop, customer(shop, "李雷"), 2000)
    with pytest.raises(RewardRefused, match="is not Zoë's"), shop.write() as session:
        redeem_reward(session, _account(shop, account_id), reward, purchase_id=other)
    assert balance(shop, account_id) == 100 and _vouchers(shop) == 0


def test_a_reward_refused_by_the_voucher_rules_spends_nothing(shop: ShopDatabase) -> None:
    reward = _reward(shop, RewardInput("£5 off", 100, "amount", amount=500))
    account_id = member(shop, "Zoë")
    _give(shop, account_id, 100)
    purchase_id = sale(shop, customer_of(shop, account_id), 2000)
    with shop.write() as session:
        get_purchase(session, purchase_id).currency = "EUR"
    with pytest.raises(VoucherRefused), shop.write() as session:
        redeem_reward(session, _account(shop, account_id), reward, purchase_id=purchase_id)
    assert balance(shop, account_id) == 120 and _vouchers(shop) == 0


def test_a_screen_showing_an_old_balance_cannot_redeem(shop: ShopDatabase) -> None:
    reward = _reward(shop, RewardInput("Cake", 100, "amount", amount=300))
    account_id = member(shop, "Łukasz")
    _give(shop, account_id, 500)
    seen = _account(shop, account_id)
    _give(shop, account_id, 1)
    with (
        pytest.raises(RewardRefused, match=r"changed at another till .*now 501 points"),
        shop.write() as session,
    ):
        redeem_reward(session, seen, reward)
    assert balance(shop, account_id) == 501


def _race(path: Path, count: int, attempt: Callable[[ShopDatabase], None]) -> list[str]:
    """Run `attempt` at the same moment on `count` tills (each its own ShopDatabase on the one
    file); returns 'ok' or the refusal for each."""
    tills = [open_shop(path) for _ in range(count)]
    start = threading.Barrier(count)
    outcomes: list[str] = []

    def till(shop: ShopDatabase) -> None:
        start.wait()
        try:
            attempt(shop)
            outcomes.append("ok")
        except ShopError as error:
            outcomes.append(str(error))

    threads = [threading.Thread(target=till, args=(shop,)) for shop in tills]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for shop in tills:
        shop.close()
    return outcomes


def test_two_tills_redeeming_the_last_points_at_once_redeem_once(
    shop: ShopDatabase, tmp_path: Path
) -> None:
    reward = _reward(shop, RewardInput("Cake 🎂", 100, "amount", amount=300))
    account_id = member(shop, "Zoë")
    _give(shop, account_id, 100)

    def redeem(till: ShopDatabase) -> None:
        with till.write() as session:
            account = session.get(LoyaltyAccount, account_id)
            assert account is not None
            redeem_reward(session, account, reward)

    for _round in range(3):
        outcomes = _race(tmp_path / "shop.aftercare", 2, redeem)
        refused = [text for text in outcomes if text != "ok"]
        assert outcomes.count("ok") == 1
        assert refused == ["Zoë has 0 points; “Cake 🎂” needs 100 points."]
        _give(shop, account_id, 100 - balance(shop, account_id))
    assert balance(shop, account_id) == 100 == ledger_sum(shop, account_id)
    assert _vouchers(shop) == sum(
        1 for kind, *_rest in entries(shop, account_id) if kind == "redeem"
    )


def test_one_confirmation_seen_on_two_tills_redeems_once(
    shop: ShopDatabase, tmp_path: Path
) -> None:
    reward = _reward(shop, RewardInput("Cake 🎂", 100, "amount", amount=300))
    account_id = member(shop, "Ελένη")
    _give(shop, account_id, 1000)
    seen = _account(shop, account_id)

    def redeem(till: ShopDatabase) -> None:
        with till.write() as session:
            redeem_reward(session, seen, reward)

    outcomes = _race(tmp_path / "shop.aftercare", 2, redeem)
    refused = [text for text in outcomes if text != "ok"]
    assert outcomes.count("ok") == 1
    assert len(refused) == 1 and "changed at another till" in refused[0]
    assert balance(shop, account_id) == 900 == ledger_sum(shop, account_id)
    assert _vouchers(shop) == 1
