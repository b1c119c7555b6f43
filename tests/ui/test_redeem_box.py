"""The scan box: forgiving codes, the value and conditions, redeeming once, and every refusal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.shop.codes import check_character
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.purchases import (
    LineInput,
    PurchaseInput,
    get_purchase,
    record_purchase,
    void_purchase,
)
from desktop.shop.vouchers import VoucherTerms, find_voucher, issue_voucher, void_voucher
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.redeem_box import RedeemBox, RedeemDialog

# Zeros and ones, so the test can type them as the letters O and l.
CODE_BODY = "0F0R1Q0MX1A"
CODE = CODE_BODY + check_character(CODE_BODY)


@dataclass
class Counter:
    zoe: int
    dmitry: int
    zoe_sale: int  # Zoë's £25.00 purchase today
    dmitry_sale: int  # Дмитрий's £80.00 purchase today


@pytest.fixture
def counter(shop: ShopDatabase) -> Counter:
    with shop.write() as session:
        zoe = create_customer(session, CustomerDetails(name="Zoë Ó'Brien")).id
        dmitry = create_customer(session, CustomerDetails(name="Дмитрий Иванов")).id
        zoe_sale = record_purchase(
            session, PurchaseInput([LineInput("Blue mug", 1, 2500)], customer_id=zoe)
        ).id
        dmitry_sale = record_purchase(
            session, PurchaseInput([LineInput("Teapot 🫖", 2, 4000)], customer_id=dmitry)
        ).id
    return Counter(zoe, dmitry, zoe_sale, dmitry_sale)


def _voucher(shop: ShopDatabase, code: str = CODE, **terms: Any) -> str:
    """A voucher with a known code (so the test can type it badly)."""
    with shop.write() as session:
        voucher = issue_voucher(session, VoucherTerms(kind="thank_you", **terms))
        voucher.code = code
    return code


def _box(qtbot: QtBot, shop: ShopDatabase) -> RedeemBox:
    box = RedeemBox(shop, ShopEvents())
    qtbot.addWidget(box)
    box.resize(800, 200)
    box.show()
    box.focus()
    return box


def _scan(qtbot: QtBot, box: RedeemBox, typed: str) -> None:
    box.focus()
    qtbot.keyClicks(box.code, typed)
    qtbot.keyClick(box.code, Qt.Key.Key_Return)


def _open_redeem(qtbot: QtBot, box: RedeemBox) -> RedeemDialog:
    qtbot.mouseClick(box.redeem_button, Qt.MouseButton.LeftButton)
    assert box.dialog is not None
    qtbot.waitUntil(box.dialog.isVisible)
    return box.dialog


def test_a_badly_typed_code_is_found_redeemed_once_and_then_refused_with_the_purchase(
    qtbot: QtBot, shop: ShopDatabase, counter: Counter
) -> None:
    _voucher(shop, percent=10, customer_id=counter.zoe)
    box = _box(qtbot, shop)
    redeemed: list[int] = []
    box.redeemed.connect(redeemed.append)

    # Lower case, dashes in odd places, O for 0 and l for 1: as a person might read it out.
    _scan(qtbot, box, "of-or lq-om-xla" + CODE[-1].lower())

    assert box.verdict.isVisible()
    assert "Can be used now" in box.verdict.text()
    assert "10% off" in box.title.text()
    assert "Thank you" in box.title.text()
    assert "Zoë Ó'Brien" in box.conditions.text()
    assert box.redeem_button.isVisible()

    dialog = _open_redeem(qtbot, box)
    # Zoë's purchase today is chosen for her voucher, with what it will cost her.
    assert dialog.chosen() == counter.zoe_sale
    assert "£25.00 − £2.50 off = £22.50 to pay" in dialog.summary.text()
    qtbot.mouseClick(dialog.redeem_button, Qt.MouseButton.LeftButton)

    assert "Took £2.50 off purchase P-000001: the new total is £22.50." in box.verdict.text()
    assert redeemed == [counter.zoe_sale]
    with shop.read() as session:
        assert get_purchase(session, counter.zoe_sale).total == 2250

    _scan(qtbot, box, CODE)
    assert "already used on" in box.verdict.text()
    assert "(purchase P-000001)" in box.verdict.text()
    assert not box.redeem_button.isVisible()


def test_enter_again_on_a_good_voucher_opens_the_redeem_step(
    qtbot: QtBot, shop: ShopDatabase, counter: Counter
) -> None:
    _voucher(shop, amount=500)
    box = _box(qtbot, shop)
    _scan(qtbot, box, CODE)
    qtbot.keyClick(box.code, Qt.Key.Key_Return)
    assert box.dialog is not None
    # A bearer voucher: the newest purchase today is offered first.
    assert box.dialog.chosen() == counter.dmitry_sale
    assert "£80.00 − £5.00 off = £75.00 to pay" in box.dialog.summary.text()


def test_the_purchases_offered_are_todays_live_ones(
    qtbot: QtBot, shop: ShopDatabase, counter: Counter
) -> None:
    with shop.write() as session:
        yesterday = record_purchase(
            session,
            PurchaseInput(
                [LineInput("Old mug", 1, 900)],
                customer_id=counter.zoe,
                purchased_at=datetime.now(UTC) - timedelta(days=1, hours=1),
            ),
        ).id
        mistake = record_purchase(
            session, PurchaseInput([LineInput("Rang twice", 1, 5000)], customer_id=counter.zoe)
        ).id
        void_purchase(session, mistake, "Rang up twice")
    _voucher(shop, percent=10, customer_id=counter.zoe)
    box = _box(qtbot, shop)
    _scan(qtbot, box, CODE)
    dialog = _open_redeem(qtbot, box)
    offered = [
        dialog.purchases.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(dialog.purchases.count())
    ]
    # Her own sale first, then the rest of today's; not yesterday's, not the voided one.
    assert offered == [counter.zoe_sale, counter.dmitry_sale]
    assert yesterday not in offered and mistake not in offered


def test_expired_and_cancelled_vouchers_are_refused_in_red(
    qtbot: QtBot, shop: ShopDatabase, counter: Counter
) -> None:
    expired_body = "1111111111A"
    _voucher(shop, amount=500)
    _voucher(shop, expired_body + check_character(expired_body), percent=5)
    with shop.write() as session:
        find_voucher(session, expired_body + check_character(expired_body)).expires_on = (
            date.today() - timedelta(days=1)
        )
        void_voucher(session, find_voucher(session, CODE).id, "Issued by mistake")
    box = _box(qtbot, shop)

    _scan(qtbot, box, expired_body + check_character(expired_body))
    assert "expired on" in box.verdict.text()
    assert "#b3261e" in box.verdict.styleSheet()
    assert not box.redeem_button.isVisible()

    _scan(qtbot, box, CODE)
    assert "cancelled on" in box.verdict.text()
    assert "Issued by mistake" in box.verdict.text()


def test_minimum_spend_is_refused_on_a_smaller_purchase_and_allowed_on_a_bigger_one(
    qtbot: QtBot, shop: ShopDatabase, counter: Counter
) -> None:
    _voucher(shop, amount=1000, min_spend=5000)
    box = _box(qtbot, shop)
    _scan(qtbot, box, CODE)
    assert "When you spend £50.00 or more" in box.conditions.text()
    dialog = _open_redeem(qtbot, box)
    zoe_row = next(
        i
        for i in range(dialog.purchases.count())
        if dialog.purchases.item(i).data(Qt.ItemDataRole.UserRole) == counter.zoe_sale
    )
    dialog.purchases.setCurrentRow(zoe_row)
    assert "needs a spend of at least £50.00" in dialog.summary.text()
    assert not dialog.redeem_button.isEnabled()

    # Typing the other purchase's reference picks it: £80 is enough.
    dialog.reference.setText("2")
    qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)
    assert dialog.chosen() == counter.dmitry_sale
    assert "£80.00 − £10.00 off = £70.00 to pay" in dialog.summary.text()
    assert dialog.redeem_button.isEnabled()


def test_a_purchase_counter_dialog_can_check_spend_and_owner_as_it_scans(
    qtbot: QtBot, shop: ShopDatabase, counter: Counter
) -> None:
    _voucher(shop, percent=10, min_spend=3000, customer_id=counter.zoe)
    box = RedeemBox(shop, ShopEvents(), redeem_here=False)
    qtbot.addWidget(box)
    box.show()
    results: list[bool] = []
    box.checked.connect(results.append)

    box.set_context(spend=2000, customer_id=counter.zoe)
    _scan(qtbot, box, CODE)
    assert "needs a spend of at least £30.00" in box.verdict.text()

    box.set_context(spend=4000, customer_id=counter.dmitry)
    _scan(qtbot, box, CODE)
    assert "This voucher is for Zoë Ó'Brien" in box.verdict.text()

    box.set_context(spend=4000, customer_id=counter.zoe)
    _scan(qtbot, box, CODE)
    assert "Can be used now" in box.verdict.text()
    assert "Enter again" not in box.verdict.text()
    assert not box.redeem_button.isVisible()
    assert results == [False, False, True]


def test_unknown_codes_typos_and_stray_characters_are_explained(
    qtbot: QtBot, shop: ShopDatabase, counter: Counter
) -> None:
    _voucher(shop, percent=10)
    box = _box(qtbot, shop)
    unknown = "ABCDEFGHJKM"
    _scan(qtbot, box, unknown + check_character(unknown))
    assert "No voucher has the code ABCD-EFGH-JKM" in box.verdict.text()

    typo = ("1" if CODE[3] != "1" else "2") + CODE[1:]
    _scan(qtbot, box, typo)
    assert "typo" in box.verdict.text()

    _scan(qtbot, box, "ZOË-1234")
    assert "has no “Ë”" in box.verdict.text()
    assert box.title.isHidden()


def test_a_voucher_for_one_customer_is_refused_on_anothers_purchase(
    qtbot: QtBot, shop: ShopDatabase, counter: Counter
) -> None:
    _voucher(shop, percent=10, customer_id=counter.zoe)
    box = _box(qtbot, shop)
    _scan(qtbot, box, CODE)
    dialog = _open_redeem(qtbot, box)
    dialog.reference.setText("P-000002")
    qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)
    assert "This voucher is for Zoë Ó'Brien" in dialog.summary.text()
    assert not dialog.redeem_button.isEnabled()
    with shop.read() as session:
        assert get_purchase(session, counter.dmitry_sale).total == 8000
