"""`loyalty show` on the command line: a member found by customer number or card."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from desktop.cli_loyalty import add_commands
from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.loyalty_rules import Tier
from desktop.shop.rewards import RewardInput, add_reward
from desktop.store.models_loyalty import LoyaltyAccount
from desktop.store.shopfile import ShopDatabase
from tests.unit.test_loyalty_support import customer_of, member, programme, sale


def _run(*words: str) -> int:
    parser = argparse.ArgumentParser(prog="aftercare")
    add_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(words))
    result: int = args.handler(args)
    return result


def _db(shop: ShopDatabase) -> str:
    assert shop.path is not None
    return str(shop.path)


def test_show_by_customer_number_prints_balance_tier_rewards_and_history(
    shop: ShopDatabase, capsys: pytest.CaptureFixture[str]
) -> None:
    programme(shop, tiers=(Tier("Bronze", 0), Tier("Silver", 10_000, perks="Free gift wrap")))
    with shop.write() as session:
        add_reward(session, RewardInput("Free coffee ☕", 10, "amount", amount=300))
    account_id = member(shop, "Zoë Ó'Brien")
    sale(shop, customer_of(shop, account_id), 1250)
    assert (
        _run("loyalty", "show", "--db", _db(shop), "--customer", str(customer_of(shop, account_id)))
        == 0
    )
    shown = capsys.readouterr().out
    assert f"Zoë Ó'Brien (customer {customer_of(shop, account_id)}), card" in shown
    assert "Balance: 12 points" in shown
    assert "Tier: Bronze (£12.50 in the last 12 months)" in shown
    assert "£87.50 more to reach Silver" in shown
    assert "Free coffee ☕: £3.00 off, 10 points" in shown
    assert "earn    +12  Purchase P-000001" in shown


def test_show_by_card_number_as_printed(
    shop: ShopDatabase, capsys: pytest.CaptureFixture[str]
) -> None:
    programme(shop, kind="stamps", unit_singular="stamp", unit_plural="stamps", card_size=8)
    account_id = member(shop, "Дмитрий")
    for _visit in range(3):
        sale(shop, customer_of(shop, account_id), 400)
    with shop.read() as session:
        card = session.get_one(LoyaltyAccount, account_id).card_number
    assert (
        _run("loyalty", "show", "--card", f"{card[:4]}-{card[4:8]}-{card[8:]}", "--db", _db(shop))
        == 0
    )
    shown = capsys.readouterr().out
    assert "Balance: 3 stamps" in shown and "Card: 3 of 8 stamps" in shown
    assert "No reward is affordable yet." in shown


def test_a_bad_card_or_customer_is_an_error_for_the_terminal(shop: ShopDatabase) -> None:
    member(shop, "Ελένη")
    with pytest.raises(InvalidInput, match="typo"):
        _run("loyalty", "show", "--db", _db(shop), "--card", "0000-0000-01")
    with pytest.raises(NotFound, match="no customer number 404"):
        _run("loyalty", "show", "--db", _db(shop), "--customer", "404")


def test_show_needs_exactly_one_way_to_find_the_member(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        _run("loyalty", "show", "--db", str(tmp_path / "x.aftercare"))
    with pytest.raises(SystemExit):
        _run("loyalty", "show", "--customer", "1", "--card", "ABC")
