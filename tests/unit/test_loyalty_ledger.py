"""Members and the points ledger: joining, finding a card, earning, voids, adjustments, bonuses,
and the invariant that a balance is always its ledger's sum."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from desktop.shop.catalogue import add_category, add_product
from desktop.shop.codes import ALPHABET
from desktop.shop.consent import ConsentChoice, record_consent
from desktop.shop.customers import get_customer
from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.loyalty_earning import award_bonuses, earn_for_purchase
from desktop.shop.loyalty_ledger import adjust_points, member_balance
from desktop.shop.loyalty_members import CARD_LENGTH, AlreadyMember, NotAMember, enrol, find_member
from desktop.shop.loyalty_rules import Tier
from desktop.shop.purchases import get_purchase
from desktop.shop.rewards import RewardInput, RewardRefused, add_reward, redeem_reward
from desktop.shop.vouchers import VoucherTerms, issue_voucher, redeem_voucher
from desktop.store.models_loyalty import LoyaltyAccount, LoyaltyEntry
from desktop.store.shopfile import ShopDatabase
from tests.unit.test_loyalty_support import (
    balance,
    customer,
    customer_of,
    entries,
    ledger_sum,
    member,
    programme,
    sale,
    void,
)


def _card(shop: ShopDatabase, account_id: int) -> str:
    with shop.read() as session:
        account = session.get(LoyaltyAccount, account_id)
        assert account is not None
        return account.card_number


def test_joining_gives_a_card_number_and_the_welcome_bonus(shop: ShopDatabase) -> None:
    programme(shop, joining_bonus=25)
    account_id = member(shop, "Zoë Ó'Brien")
    card = _card(shop, account_id)
    assert len(card) == CARD_LENGTH and set(card) <= set(ALPHABET)
    assert balance(shop, account_id) == 25
    assert entries(shop, account_id) == [("bonus", 25, "Welcome bonus")]


def test_a_customer_joins_only_once(shop: ShopDatabase) -> None:
    account_id = member(shop, "Łukasz")
    card = _card(shop, account_id)
    with (
        pytest.raises(AlreadyMember, match="Łukasz is already a member") as refused,
        shop.write() as session,
    ):
        enrol(session, customer_of(shop, account_id))
    assert f"{card[:4]}-{card[4:8]}-{card[8:]}" in str(refused.value)


def test_a_card_is_found_however_it_is_typed_or_scanned(shop: ShopDatabase) -> None:
    account_id = member(shop, "Ελένη")
    card = _card(shop, account_id)
    typed = [
        card,
        card.lower(),
        f" {card[:4]}-{card[4:8]}-{card[8:]}\n",
        f"{card[:5]} {card[5:]}",
        card.replace("0", "O").replace("1", "l"),
    ]
    with shop.read() as session:
        for text in typed:
            assert find_member(session, text).id == account_id


def test_a_mistyped_card_number_is_caught_before_it_finds_anyone(shop: ShopDatabase) -> None:
    card = _card(shop, member(shop, "李雷"))
    wrong = ALPHABET[(ALPHABET.index(card[3]) + 1) % 32]
    with shop.read() as session:
        with pytest.raises(InvalidInput, match="typo") as typo:
            find_member(session, card[:3] + wrong + card[4:])
        assert typo.value.field == "card number"
        with pytest.raises(InvalidInput, match="10 characters"):
            find_member(session, card[:-2])
        with pytest.raises(InvalidInput, match="Please scan"):
            find_member(session, "  ")


def test_a_customer_number_finds_the_member_or_says_they_have_not_joined(
    shop: ShopDatabase,
) -> None:
    account_id = member(shop, "Дмитрий")
    outsider = customer(shop, "Zoë 🌸")
    with shop.read() as session:
        assert find_member(session, str(customer_of(shop, account_id))).id == account_id
        assert find_member(session, f"#{customer_of(shop, account_id)}").id == account_id
        with pytest.raises(NotAMember, match="Zoë 🌸 is not a member yet") as not_member:
            find_member(session, str(outsider))
        assert not_member.value.customer_id == outsider
        with pytest.raises(NotFound, match="no customer number 9999"):
            find_member(session, "9999")


def test_an_unknown_card_says_so(shop: ShopDatabase) -> None:
    member(shop, "Zoë")
    with shop.read() as session, pytest.raises(NotFound, match="No member has the card"):
        find_member(session, "0000000000")


def test_a_sale_earns_on_whole_pounds_and_says_which_purchase(shop: ShopDatabase) -> None:
    account_id = member(shop, "Zoë")
    purchase_id = sale(shop, customer_of(shop, account_id), 1299)
    assert balance(shop, account_id) == 12
    with shop.read() as session:
        reference = get_purchase(session, purchase_id).reference
        assert member_balance(session, customer_of(shop, account_id)) == 12
    assert entries(shop, account_id) == [("earn", 12, f"Purchase {reference}")]


def test_a_sale_to_someone_who_has_not_joined_earns_nothing(shop: ShopDatabase) -> None:
    outsider = customer(shop, "Ελένη")
    sale(shop, outsider, 5000)
    sale(shop, None, 5000)
    with shop.read() as session:
        assert session.scalars(select(LoyaltyEntry)).all() == []
        assert member_balance(session, outsider) is None


def test_excluded_categories_and_the_minimum_spend_earn_nothing(shop: ShopDatabase) -> None:
    with shop.write() as session:
        gift_cards = add_category(session, "Gift cards")
        card_product = add_product(session, "Gift card £20", 2000, category_id=gift_cards.id).id
    programme(shop, excluded_category_ids=(gift_cards.id,), min_spend=500)
    account_id = member(shop, "Łukasz")
    who = customer_of(shop, account_id)
    sale(shop, who, (2000, card_product), (750, None))
    assert balance(shop, account_id) == 7
    sale(shop, who, (2000, card_product), (499, None))
    assert balance(shop, account_id) == 7


def test_voiding_a_sale_takes_back_exactly_what_it_earned(shop: ShopDatabase) -> None:
    programme(shop, joining_bonus=5, points_per_unit=3)
    account_id = member(shop, "Zoë")
    who = customer_of(shop, account_id)
    kept = sale(shop, who, 1000)
    voided = sale(shop, who, 4550)
    assert balance(shop, account_id) == 5 + 30 + 135
    void(shop, voided)
    assert balance(shop, account_id) == 5 + 30
    with shop.read() as session:
        reference = get_purchase(session, voided).reference
    assert entries(shop, account_id)[-1] == ("reverse", -135, f"Purchase {reference} voided")
    void(shop, kept)
    assert balance(shop, account_id) == 5


def test_points_already_spent_when_a_sale_is_voided_leave_a_debt(shop: ShopDatabase) -> None:
    with shop.write() as session:
        reward = add_reward(session, RewardInput("Tote bag 👜", 40, "amount", amount=500)).id
    account_id = member(shop, "Дмитрий")
    purchase_id = sale(shop, customer_of(shop, account_id), 4000)
    with shop.write() as session:
        account = session.get(LoyaltyAccount, account_id)
        assert account is not None
        redeem_reward(session, account, reward)
    void(shop, purchase_id)
    assert balance(shop, account_id) == -40 == ledger_sum(shop, account_id)


def test_a_voucher_taken_off_a_sale_lowers_what_it_earns(shop: ShopDatabase) -> None:
    account_id = member(shop, "Ελένη")
    who = customer_of(shop, account_id)
    purchase_id = sale(shop, who, 3000)
    with shop.write() as session:
        voucher = issue_voucher(session, VoucherTerms(kind="goodwill", amount=1000))
        redeem_voucher(session, voucher.code, purchase_id)
        earn_for_purchase(session, get_purchase(session, purchase_id))
        earn_for_purchase(session, get_purchase(session, purchase_id))
    assert balance(shop, account_id) == 20
    assert [kind for kind, _points, _reason in entries(shop, account_id)] == ["earn", "earn"]
    assert entries(shop, account_id)[-1][1] == -10


def test_a_higher_tier_multiplies_what_a_sale_earns(shop: ShopDatabase) -> None:
    programme(shop, tiers=(Tier("Bronze", 0), Tier("Gold", 10_000, Decimal("1.5"))))
    account_id = member(shop, "Zoë")
    who = customer_of(shop, account_id)
    long_ago = datetime.now(UTC) - timedelta(days=500)
    sale(shop, who, 20_000, when=long_ago)  # outside the 12 months: no tier from it
    sale(shop, who, 10_000)  # reaches Gold, but earns at Bronze: the tier is the one walked in with
    sale(shop, who, 1_099)  # at Gold: 10 x 1.5
    assert [points for _kind, points, _reason in entries(shop, account_id)] == [200, 100, 15]


def test_a_manual_adjustment_needs_a_reason_and_cannot_go_below_zero(shop: ShopDatabase) -> None:
    account_id = member(shop, "Łukasz")
    with shop.write() as session:
        with pytest.raises(InvalidInput, match="reason") as no_reason:
            adjust_points(session, account_id, 10, "  ")
        assert no_reason.value.field == "reason"
    with shop.write() as session:
        adjust_points(session, account_id, 10, "Till was offline on Saturday")
    with pytest.raises(InvalidInput, match="at most 10 points"), shop.write() as session:
        adjust_points(session, account_id, -11, "Typo")
    with shop.write() as session:
        adjust_points(session, account_id, -10, "Given twice")
    assert balance(shop, account_id) == 0
    assert entries(shop, account_id) == [
        ("adjust", 10, "Till was offline on Saturday"),
        ("adjust", -10, "Given twice"),
    ]


def test_the_birthday_bonus_comes_once_a_year_in_the_birthday_week(shop: ShopDatabase) -> None:
    programme(shop, birthday_bonus=100)
    account_id = member(shop, "Zoë", birth_day=10, birth_month=6)

    def run(day: date) -> int:
        with shop.write() as session:
            return award_bonuses(session, day)

    assert run(date(2025, 6, 9)) == 0
    assert run(date(2025, 6, 16)) == 1  # six days late still counts
    assert run(date(2025, 6, 16)) == 0
    assert run(date(2025, 6, 10)) == 0
    assert run(date(2026, 6, 17)) == 0  # a week late is too late
    assert run(date(2027, 6, 10)) == 1
    assert balance(shop, account_id) == 200


def test_a_29_february_birthday_is_kept_on_the_28th_in_other_years(shop: ShopDatabase) -> None:
    programme(shop, birthday_bonus=50)
    account_id = member(shop, "Дмитрий", birth_day=29, birth_month=2)
    with shop.write() as session:
        assert award_bonuses(session, date(2025, 2, 27)) == 0
        assert award_bonuses(session, date(2025, 2, 28)) == 1
        assert award_bonuses(session, date(2025, 3, 1)) == 0
    assert balance(shop, account_id) == 50


def test_the_email_bonus_comes_once_with_consent(shop: ShopDatabase) -> None:
    programme(shop, email_bonus=30)
    with_email = member(shop, "Ελένη", email="eleni@example.gr")
    assert balance(shop, with_email) == 0
    with shop.write() as session:
        person = get_customer(session, customer_of(shop, with_email))
        record_consent(session, person, "email", ConsentChoice(granted=True))
        assert award_bonuses(session, date.today(), customer_id=person.id) == 1
        record_consent(session, person, "email", ConsentChoice(granted=False))
        record_consent(session, person, "email", ConsentChoice(granted=True))
        assert award_bonuses(session, date.today()) == 0
    assert balance(shop, with_email) == 30
    consenting = customer(shop, "李雷", email="li@example.cn")
    with shop.write() as session:
        record_consent(session, get_customer(session, consenting), "email", ConsentChoice(True))
    with shop.write() as session:
        assert enrol(session, consenting).balance == 30


_EXAMPLES = itertools.count()
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("sale"), st.integers(0, 20_000)),
        st.tuples(st.just("void"), st.integers(0, 10)),
        st.tuples(st.just("adjust"), st.integers(-300, 300)),
        st.tuples(st.just("redeem"), st.integers(0, 1)),
        st.tuples(st.just("voucher"), st.integers(0, 10)),
    ),
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_the_balance_is_always_the_ledgers_sum(
    shop: ShopDatabase, operations: list[tuple[str, int]]
) -> None:
    example = next(_EXAMPLES)
    with shop.write() as session:
        rewards = [
            add_reward(
                session, RewardInput(f"Treat {cost} #{example} 🍰", cost, "amount", amount=100)
            ).id
            for cost in (25, 60)
        ]
    account_id = member(shop, "Zoë")
    who = customer_of(shop, account_id)
    sales: list[int] = []
    for name, value in operations:
        if name == "sale":
            sales.append(sale(shop, who, value) if value else sale(shop, who, 1))
        elif name == "void" and sales:
            purchase_id = sales.pop(value % len(sales))
            void(shop, purchase_id)
            with shop.read() as session:
                earned = session.scalars(
                    select(LoyaltyEntry.points).where(LoyaltyEntry.purchase_id == purchase_id)
                ).all()
            assert sum(earned) == 0
        elif name == "adjust" and value:
            try:
                with shop.write() as session:
                    adjust_points(session, account_id, value, "Stocktake")
            except InvalidInput:
                assert balance(shop, account_id) + value < 0
        elif name == "redeem":
            try:
                with shop.write() as session:
                    account = session.get(LoyaltyAccount, account_id)
                    assert account is not None
                    redeem_reward(session, account, rewards[value])
            except RewardRefused:
                assert balance(shop, account_id) < (25, 60)[value]
        elif name == "voucher" and sales:
            purchase_id = sales[value % len(sales)]
            with shop.write() as session:
                voucher = issue_voucher(session, VoucherTerms(kind="goodwill", percent=50))
                if get_purchase(session, purchase_id).total > 0:
                    redeem_voucher(session, voucher.code, purchase_id)
                    earn_for_purchase(session, get_purchase(session, purchase_id))
        with shop.read() as session:
            rows = session.scalars(
                select(LoyaltyEntry)
                .where(LoyaltyEntry.account_id == account_id)
                .order_by(LoyaltyEntry.sequence)
            ).all()
            account = session.get(LoyaltyAccount, account_id)
            assert account is not None
        assert [r.sequence for r in rows] == list(range(1, len(rows) + 1))
        assert account.version == len(rows)
        assert account.balance == sum(r.points for r in rows) == ledger_sum(shop, account_id)
        running = 0
        for row in rows:
            running += row.points
            assert row.balance_after == running
            if row.kind == "redeem":
                assert row.balance_after >= 0
