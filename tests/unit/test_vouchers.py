"""Vouchers at the till: issued with sensible defaults, refused with the reason, used once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.shop.codes import format_code
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.vouchers import (
    VoucherRefused,
    VoucherTerms,
    describe_conditions,
    describe_value,
    find_voucher,
    issue_voucher,
    list_vouchers,
    redeem_voucher,
    refusal,
    set_validity_days,
    unprinted_vouchers,
    void_voucher,
)
from desktop.store.models import Customer, Purchase, Voucher, VoucherRedemption
from desktop.store.shopfile import ShopDatabase, open_shop


def _customer(session: Session, name: str) -> int:
    return create_customer(session, CustomerDetails(name=name)).id


def _purchase(session: Session, total: int, customer_id: int | None = None) -> int:
    line = LineInput("Tenmoku tea bowl", 1, total)
    return record_purchase(session, PurchaseInput([line], customer_id=customer_id)).id


def _voucher(session: Session, **terms: object) -> Voucher:
    chosen: dict[str, object] = {"kind": "thank_you", "percent": 10} | terms
    return issue_voucher(session, VoucherTerms(**chosen))  # type: ignore[arg-type]


def test_a_voucher_lasts_the_shops_usual_validity_unless_a_date_is_chosen(
    shop: ShopDatabase,
) -> None:
    with shop.write() as session:
        usual = _voucher(session)
        chosen = _voucher(session, expires_on=date(2099, 12, 31))
        set_validity_days(session, 30)
        shorter = _voucher(session)
    assert usual.expires_on == date.today() + timedelta(days=90)
    assert chosen.expires_on == date(2099, 12, 31)
    assert shorter.expires_on == date.today() + timedelta(days=30)


@pytest.mark.parametrize(
    ("terms", "field", "says"),
    [
        ({"kind": "bribe"}, "kind", "Unknown kind"),
        ({"percent": None}, "value", "either a percentage or an amount"),
        ({"amount": 500}, "value", "either a percentage or an amount"),
        ({"percent": 101}, "value", "between 1 and 100"),
        ({"percent": None, "amount": 0}, "value", "more than zero"),
        ({"min_spend": -1}, "minimum spend", "cannot be negative"),
        ({"expires_on": date(2020, 1, 1)}, "expiry", "already past"),
    ],
)
def test_bad_terms_are_refused_naming_the_field(
    shop: ShopDatabase, terms: dict[str, object], field: str, says: str
) -> None:
    with shop.write() as session, pytest.raises(InvalidInput, match=says) as raised:
        _voucher(session, **terms)
    assert raised.value.field == field
    with shop.read() as session:
        assert session.scalar(select(func.count(Voucher.id))) == 0


def test_a_voucher_for_a_missing_customer_or_purchase_is_refused(shop: ShopDatabase) -> None:
    with shop.write() as session, pytest.raises(NotFound, match="no customer number 99"):
        _voucher(session, customer_id=99)
    with shop.write() as session, pytest.raises(NotFound, match="no purchase number 42"):
        _voucher(session, purchase_id=42)
    with shop.write() as session, pytest.raises(InvalidInput, match="validity"):
        set_validity_days(session, 0)


def test_value_and_small_print_read_naturally(shop: ShopDatabase) -> None:
    with shop.write() as session:
        zoe = _customer(session, "Zoë Ó'Brien")
        voucher = _voucher(
            session,
            percent=None,
            amount=500,
            min_spend=2000,
            expires_on=date(2099, 12, 31),
            customer_id=zoe,
        )
        assert describe_value(voucher) == "£5.00 off"
        assert describe_conditions(voucher) == (
            "When you spend £20.00 or more, valid until 31 December 2099, one use only, "
            "for Zoë Ó'Brien."
        )
        assert describe_value(voucher, "de_DE") == "5,00\xa0£ off"
        assert "31 Dezember 2099" in describe_conditions(voucher, "de_DE")


def test_a_row_of_the_list_reads_as_the_voucher_does(shop: ShopDatabase) -> None:
    with shop.write() as session:
        vouchers = [
            _voucher(session, percent=15, amount=None),
            _voucher(session, percent=None, amount=1250),
        ]
    with shop.read() as session:
        rows = {row.id: row for row in list_vouchers(session).rows}
        for voucher in vouchers:
            stored = session.get(Voucher, voucher.id)
            assert stored is not None
            for locale in ("en_GB", "de_DE"):
                assert describe_value(rows[voucher.id], locale) == describe_value(stored, locale)
        assert describe_value(rows[vouchers[0].id]) == "15% off"
        assert describe_value(rows[vouchers[1].id], "de_DE") == "12,50\xa0£ off"


def test_an_expired_voucher_is_refused_with_its_date(shop: ShopDatabase) -> None:
    with shop.write() as session:
        voucher = _voucher(session)
        purchase_id = _purchase(session, 5000)
        voucher.expires_on = date.today() - timedelta(days=1)
        yesterday = voucher.expires_on
    with shop.write() as session, pytest.raises(VoucherRefused) as refused:
        redeem_voucher(session, voucher.code, purchase_id)
    assert str(refused.value) == (f"This voucher expired on {yesterday.day} {yesterday:%B %Y}.")
    with shop.read() as session:
        assert session.get(Purchase, purchase_id).total == 5000  # type: ignore[union-attr]
        still = find_voucher(session, voucher.code)
        assert refusal(session, still, spend=None, customer_id=None, today=yesterday) is None


def test_a_voided_voucher_is_refused_with_the_reason(shop: ShopDatabase) -> None:
    with shop.write() as session:
        voucher = _voucher(session)
        purchase_id = _purchase(session, 5000)
        void_voucher(session, voucher.id, "Printed twice by mistake")
    with shop.write() as session, pytest.raises(VoucherRefused, match="cancelled on") as refused:
        redeem_voucher(session, voucher.code, purchase_id)
    assert str(refused.value).endswith(": Printed twice by mistake")


def test_the_minimum_spend_is_enforced(shop: ShopDatabase) -> None:
    with shop.write() as session:
        voucher = _voucher(session, min_spend=2000)
        small = _purchase(session, 1999)
        enough = _purchase(session, 2000)
    with shop.write() as session, pytest.raises(VoucherRefused) as refused:
        redeem_voucher(session, voucher.code, small)
    assert str(refused.value) == "This voucher needs a spend of at least £20.00."
    with shop.write() as session:
        assert redeem_voucher(session, format_code(voucher.code).lower(), enough).discount == 200


def test_a_voucher_for_one_customer_is_refused_for_another(shop: ShopDatabase) -> None:
    with shop.write() as session:
        zoe = _customer(session, "Zoë")
        dmitry = _customer(session, "Дмитрий")
        voucher = _voucher(session, customer_id=zoe)
        theirs = _purchase(session, 3000, dmitry)
        anonymous = _purchase(session, 3000)
        hers = _purchase(session, 3000, zoe)
    for purchase_id in (theirs, anonymous):
        with shop.write() as session, pytest.raises(VoucherRefused) as refused:
            redeem_voucher(session, voucher.code, purchase_id)
        assert (
            str(refused.value) == "This voucher is for Zoë: choose them as the customer to use it."
        )
    with shop.write() as session:
        assert redeem_voucher(session, voucher.code, hers).discount == 300


def test_a_used_voucher_says_when_and_on_which_purchase(shop: ShopDatabase) -> None:
    with shop.write() as session:
        voucher = _voucher(session)
        first = _purchase(session, 4000)
        second = _purchase(session, 4000)
        first_reference = session.get(Purchase, first).reference  # type: ignore[union-attr]
    with shop.write() as session:
        redemption = redeem_voucher(session, voucher.code, first)
    local = redemption.redeemed_at.astimezone()
    with shop.write() as session, pytest.raises(VoucherRefused) as refused:
        redeem_voucher(session, voucher.code, second)
    assert str(refused.value) == (
        f"This voucher was already used on {local.day} {local:%b %Y at %H:%M} "
        f"(purchase {first_reference})."
    )
    with shop.read() as session:
        assert session.get(Purchase, second).total == 4000  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("percent", "spend", "off"),
    [(10, 1005, 101), (10, 1004, 100), (15, 999, 150), (12, 1234, 148), (100, 2599, 2599)],
)
def test_a_percentage_rounds_half_up_to_the_penny(
    shop: ShopDatabase, percent: int, spend: int, off: int
) -> None:
    with shop.write() as session:
        zoe = _customer(session, "Zoë")
        voucher = _voucher(session, percent=percent)
        purchase_id = _purchase(session, spend, zoe)
        redemption = redeem_voucher(session, voucher.code, purchase_id)
    assert redemption.discount == off
    with shop.read() as session:
        purchase = session.get(Purchase, purchase_id)
        customer = session.get(Customer, zoe)
        assert purchase is not None and customer is not None
        assert (purchase.total, purchase.discount) == (spend - off, off)
        assert customer.total_spent == spend - off


def test_an_amount_off_never_takes_more_than_was_spent(shop: ShopDatabase) -> None:
    with shop.write() as session:
        voucher = _voucher(session, percent=None, amount=500)
        purchase_id = _purchase(session, 300)
        assert redeem_voucher(session, voucher.code, purchase_id).discount == 300
    with shop.read() as session:
        assert session.get(Purchase, purchase_id).total == 0  # type: ignore[union-attr]


def test_a_voucher_is_for_the_next_purchase_not_the_one_that_earned_it(
    shop: ShopDatabase,
) -> None:
    with shop.write() as session:
        purchase_id = _purchase(session, 3000)
        voucher = _voucher(session, purchase_id=purchase_id)
    with shop.write() as session, pytest.raises(VoucherRefused, match="for the next one"):
        redeem_voucher(session, voucher.code, purchase_id)


def test_a_typo_in_the_code_is_caught_before_looking_it_up(shop: ShopDatabase) -> None:
    with shop.write() as session:
        voucher = _voucher(session)
        purchase_id = _purchase(session, 3000)
    wrong = ("1" if voucher.code[3] != "1" else "2").join((voucher.code[:3], voucher.code[4:]))
    with shop.write() as session, pytest.raises(InvalidInput, match="typo"):
        redeem_voucher(session, wrong, purchase_id)


def _till(
    location: str, code: str, purchase_id: int, start: threading.Barrier, results: list[str]
) -> None:
    till = open_shop(location)
    try:
        start.wait()
        with till.write() as session:
            redeem_voucher(session, code, purchase_id)
        results.append(f"used on {purchase_id}")
    except VoucherRefused as refused:
        results.append(str(refused))
    finally:
        till.close()


@pytest.mark.parametrize("attempt", range(4))
def test_two_tills_redeeming_the_same_code_at_once_give_exactly_one_success(
    shop: ShopDatabase, attempt: int
) -> None:
    with shop.write() as session:
        voucher = _voucher(session, percent=None, amount=500)
        purchases = [_purchase(session, 2000 + attempt), _purchase(session, 3000 + attempt)]
    start = threading.Barrier(2)
    results: list[str] = []
    tills = [
        threading.Thread(target=_till, args=(shop.location, voucher.code, p, start, results))
        for p in purchases
    ]
    for thread in tills:
        thread.start()
    for thread in tills:
        thread.join()
    successes = [r for r in results if r.startswith("used on")]
    assert len(results) == 2 and len(successes) == 1
    refused = next(r for r in results if not r.startswith("used on"))
    assert "already used" in refused or "just used at another till" in refused
    with shop.read() as session:
        totals = {p: session.get(Purchase, p).total for p in purchases}  # type: ignore[union-attr]
        used = session.scalar(select(func.count(VoucherRedemption.id)))
    winner = int(successes[0].removeprefix("used on "))
    loser = next(p for p in purchases if p != winner)
    assert used == 1
    assert totals[winner] == (2000 if winner == purchases[0] else 3000) + attempt - 500
    assert totals[loser] == (2000 if loser == purchases[0] else 3000) + attempt


def test_the_vouchers_list_pages_and_filters_by_state(shop: ShopDatabase) -> None:
    with shop.write() as session:
        zoe = _customer(session, "Zoë")
        unused = [_voucher(session, customer_id=zoe) for _ in range(3)]
        expired = _voucher(session)
        expired.expires_on = date.today() - timedelta(days=1)
        cancelled = _voucher(session)
        void_voucher(session, cancelled.id, "Wrong customer")
        used = _voucher(session)
        purchase_id = _purchase(session, 1000)
        redeem_voucher(session, used.code, purchase_id)
        reference = session.get(Purchase, purchase_id).reference  # type: ignore[union-attr]
    with shop.read() as session:
        everything = list_vouchers(session)
        assert len(everything.rows) == 6 and everything.next_key is None
        first = list_vouchers(session, limit=4)
        rest = list_vouchers(session, limit=4, after=first.next_key)
        assert [r.id for r in first.rows + rest.rows] == [r.id for r in everything.rows]
        assert len(first.rows) == 4 and rest.next_key is None

        def ids(state: str, **extra: object) -> set[int]:
            page = list_vouchers(session, state=state, **extra)  # type: ignore[arg-type]
            assert all(row.state == state for row in page.rows) or state == "all"
            return {row.id for row in page.rows}

        assert ids("unused") == {v.id for v in unused}
        assert ids("expired") == {expired.id}
        assert ids("void") == {cancelled.id}
        assert ids("redeemed") == {used.id}
        assert ids("all", customer_id=zoe) == {v.id for v in unused}
        redeemed_row = list_vouchers(session, state="redeemed").rows[0]
        assert redeemed_row.redeemed_on == reference
        assert {row.customer_name for row in list_vouchers(session, customer_id=zoe).rows} == {
            "Zoë"
        }
        with pytest.raises(InvalidInput, match="Unknown voucher state"):
            list_vouchers(session, state="lost")  # type: ignore[arg-type]


def test_unprinted_vouchers_are_the_usable_ones_never_printed(shop: ShopDatabase) -> None:
    with shop.write() as session:
        waiting = [_voucher(session), _voucher(session)]
        printed = _voucher(session)
        printed.printed_at = datetime.now(UTC)
        cancelled = _voucher(session)
        void_voucher(session, cancelled.id, "Duplicate")
        old = _voucher(session)
        old.expires_on = date.today() - timedelta(days=1)
    with shop.read() as session:
        assert [v.id for v in unprinted_vouchers(session)] == [v.id for v in waiting]
