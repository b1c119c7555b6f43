"""The programme's settings and its arithmetic: earning, rounding, and the expiry calendar."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.shop.catalogue import add_category
from desktop.shop.errors import InvalidInput
from desktop.shop.loyalty_rules import (
    Programme,
    Tier,
    add_months,
    earning_rule,
    expiry_day,
    get_programme,
    last_expired_visit,
    points_for_spend,
    qualifying_spend,
    save_programme,
)
from desktop.store.shopfile import ShopDatabase
from tests.unit.test_loyalty_support import member, programme

POINTS = Programme(points_per_unit=3)
lines_strategy = st.lists(
    st.tuples(st.integers(0, 100_000), st.sampled_from([None, 1, 2, 3])), min_size=1, max_size=8
)


def test_a_new_shop_earns_one_point_per_pound(shop: ShopDatabase) -> None:
    with shop.read() as session:
        assert get_programme(session) == Programme()


def test_the_programme_is_kept_in_the_shop_file_with_the_shops_own_words(
    shop: ShopDatabase,
) -> None:
    with shop.write() as session:
        coffee = add_category(session, "Kaffee ☕").id
    gold = Tier("Złoty ✨", 50_000, Decimal("1.5"), "Free refills for Zoë's friends")
    saved = programme(
        shop,
        unit_singular=" bean ",
        unit_plural="beans",
        points_per_unit=2,
        min_spend=500,
        excluded_category_ids=(coffee,),
        joining_bonus=50,
        expiry_months=12,
        tiers=(gold, Tier("Bronze", 0)),
        point_value=Decimal("0.5"),
    )
    with shop.read() as session:
        again = get_programme(session)
    assert again == saved
    assert again.unit_singular == "bean"
    assert [t.name for t in again.tiers] == ["Bronze", "Złoty ✨"]
    assert again.tiers[1].multiplier == Decimal("1.5")
    assert again.units(1) == "1 bean" and again.units(1200) == "1,200 beans"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "miles"}, "kind"),
        ({"points_per_unit": 0}, "points per pound"),
        ({"min_spend": -1}, "minimum spend"),
        ({"unit_plural": "  "}, "unit name"),
        ({"card_size": 1}, "card size"),
        ({"expiry_months": 0}, "expiry"),
        ({"joining_bonus": -5}, "joining bonus"),
        ({"excluded_category_ids": (999,)}, "excluded categories"),
        ({"point_value": Decimal("0.001")}, "point value"),
        ({"tiers": (Tier("Gold", 100), Tier("gold", 200))}, "tiers"),
        ({"tiers": (Tier("Gold", 100, Decimal("0.5")),)}, "tiers"),
        ({"tiers": (Tier("Silver", 100), Tier("Gold", 100))}, "tiers"),
    ],
)
def test_a_bad_setting_is_refused_naming_the_field(
    shop: ShopDatabase, change: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused, shop.write() as session:
        save_programme(session, Programme(**change))  # type: ignore[arg-type]
    assert refused.value.field == field
    with shop.read() as session:
        assert get_programme(session) == Programme()


def test_the_kind_cannot_switch_while_members_hold_points(shop: ShopDatabase) -> None:
    programme(shop, joining_bonus=10)
    member(shop, "Дмитрий")
    with pytest.raises(InvalidInput, match="1 member still holds points"), shop.write() as s:
        save_programme(s, Programme(kind="stamps"))


def test_the_rule_is_shown_in_words_with_an_example() -> None:
    rule = earning_rule(Programme(points_per_unit=2, min_spend=500), "GBP")
    assert rule == (
        "2 points for every whole £1.00 spent when the purchase comes to £5.00 or more; "
        "pennies left over earn nothing (£12.99 earns 24 points)."
    )
    stamps = Programme(kind="stamps", unit_singular="stamp", unit_plural="stamps", card_size=8)
    assert earning_rule(stamps, "GBP") == "One stamp per visit; a full card has 8 stamps."


@given(spend=st.integers(0, 10**9), per=st.integers(1, 1000))
def test_points_are_earned_on_whole_pounds_only(spend: int, per: int) -> None:
    earned = points_for_spend(Programme(points_per_unit=per), spend, "GBP", Decimal(1))
    assert earned == (spend // 100) * per
    # A penny more never earns less, and 99p more never earns a whole extra pound's worth.
    assert points_for_spend(Programme(points_per_unit=per), spend + 1, "GBP", Decimal(1)) >= earned
    assert (
        points_for_spend(Programme(points_per_unit=per), spend + 99, "GBP", Decimal(1))
        <= earned + per
    )


@given(spend=st.integers(0, 10**7), hundredths=st.integers(100, 1000))
def test_a_multiplier_rounds_down_to_a_whole_point(spend: int, hundredths: int) -> None:
    multiplier = Decimal(hundredths) / 100
    earned = points_for_spend(POINTS, spend, "GBP", multiplier)
    exact = Decimal((spend // 100) * 3) * multiplier
    assert earned <= exact < earned + 1


def test_yen_have_no_pennies() -> None:
    assert points_for_spend(Programme(), 1299, "JPY", Decimal(1)) == 1299


@given(spend=st.integers(0, 10**6), minimum=st.integers(0, 10**5))
def test_below_the_minimum_spend_nothing_is_earned(spend: int, minimum: int) -> None:
    points = points_for_spend(Programme(min_spend=minimum), spend, "GBP", Decimal(1))
    stamps = points_for_spend(Programme(kind="stamps", min_spend=minimum), spend, "GBP", Decimal(2))
    if spend < minimum:
        assert points == 0 and stamps == 0
    else:
        assert points == spend // 100
        assert stamps == (1 if spend > 0 else 0)


@given(lines=lines_strategy, discount_share=st.integers(0, 100))
def test_qualifying_spend_leaves_out_excluded_lines_and_shares_the_discount(
    lines: list[tuple[int, int | None]], discount_share: int
) -> None:
    total = sum(amount for amount, _ in lines)
    paid = total * (100 - discount_share) // 100
    spend = qualifying_spend(lines, paid, {2})
    eligible = sum(amount for amount, category in lines if category != 2)
    assert 0 <= spend <= min(eligible, paid)
    assert qualifying_spend(lines, total, set()) == total
    if total:
        # Within a penny of the exact proportional share, never above it.
        assert Decimal(eligible * paid) / total - 1 < spend <= Decimal(eligible * paid) / total


@given(day=st.dates(date(2000, 1, 1), date(2090, 1, 1)), months=st.integers(-60, 60))
def test_adding_months_keeps_the_day_or_the_months_end(day: date, months: int) -> None:
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or (later.day < day.day and (later + timedelta(days=1)).day == 1)


@given(today=st.dates(date(2001, 1, 1), date(2090, 1, 1)), months=st.integers(1, 36))
def test_the_expiry_run_cut_off_matches_each_visits_own_expiry_day(
    today: date, months: int
) -> None:
    cutoff = last_expired_visit(today, months)
    assert expiry_day(cutoff, months) <= today
    assert expiry_day(cutoff + timedelta(days=1), months) > today


def test_points_go_on_the_same_day_months_later_or_the_months_end() -> None:
    assert expiry_day(date(2024, 3, 15), 12) == date(2025, 3, 15)
    assert expiry_day(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert last_expired_visit(date(2025, 2, 28), 1) == date(2025, 1, 31)
