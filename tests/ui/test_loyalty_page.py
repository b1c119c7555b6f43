"""The Loyalty page at the counter: scan or search, enrol with the keyboard, redeem after a
clear question, print a card; the day's upkeep; members and figures kept current."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.shop.codes import format_code
from desktop.shop.loyalty_ledger import adjust_points, get_account
from desktop.shop.loyalty_rules import Tier
from desktop.shop.rewards import RewardInput, add_reward
from desktop.store.models import Voucher
from desktop.store.models_loyalty import LoyaltyAccount, LoyaltyEntry
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.loyalty_page import LoyaltyPage, describe_upkeep
from tests.unit.printing.samples import page_sizes_mm, page_texts
from tests.unit.test_loyalty_support import customer, customer_of, member, programme, sale

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def events() -> ShopEvents:
    return ShopEvents()


@pytest.fixture
def open_page(qtbot: QtBot, shop: ShopDatabase, events: ShopEvents) -> Callable[[], LoyaltyPage]:
    def make() -> LoyaltyPage:
        page = LoyaltyPage(shop, events)
        qtbot.addWidget(page)
        page.resize(1100, 760)
        page.show()
        page.activateWindow()
        qtbot.waitUntil(page.isActiveWindow)
        page.activate()
        qtbot.waitUntil(lambda: page.upkeep_day is not None)
        return page

    return make


def type_text(widget: QWidget, text: str) -> None:
    """Type as a keyboard (or a scanner) would; QTest's own typing knows only Latin-1 keys."""
    for character in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, character)
            )


def scan(qtbot: QtBot, page: LoyaltyPage, text: str) -> None:
    """What a barcode scanner does: the characters, then Enter."""
    page.lookup.box.clear()
    type_text(page.lookup.box, text)
    qtbot.keyClick(page.lookup.box, Qt.Key.Key_Return)


def balance(shop: ShopDatabase, account_id: int) -> int:
    with shop.read() as session:
        return get_account(session, account_id).balance


def card_of(shop: ShopDatabase, account_id: int) -> str:
    with shop.read() as session:
        return get_account(session, account_id).card_number


def give(shop: ShopDatabase, account_id: int, points: int) -> None:
    with shop.write() as session:
        adjust_points(session, account_id, points, "Points brought over from the paper cards")


def answer_question(button: str, seen: list[str]) -> None:
    """Answer the next question box with `button`, noting what it asked."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        seen.append(box.informativeText())
        [choice] = [b for b in box.buttons() if b.text() == button]
        choice.click()

    QTimer.singleShot(50, answer)


def test_a_customer_is_enrolled_with_two_keystrokes_and_sees_their_new_card_number(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], LoyaltyPage]
) -> None:
    programme(shop, joining_bonus=50)
    customer_id = customer(shop, "Łukasz Ó'Brien")
    page = open_page()
    changes: list[str] = []
    page.events.changed.connect(changes.append)

    scan(qtbot, page, "łukasz")
    panel = page.panel
    assert panel.stack.currentWidget() is panel.join_page
    assert panel.join_page.subtitle.text() == f"Customer {customer_id} · not a member yet"
    assert "welcome bonus of 50 points" in panel.join_page.offer.text()

    qtbot.keyClick(page.lookup.box, Qt.Key.Key_E, CTRL)
    assert panel.join_page.confirm_strip.isVisible()
    assert QApplication.focusWidget() is panel.join_page.confirm_button
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    with shop.read() as session:
        account = session.scalar(
            select(LoyaltyAccount).where(LoyaltyAccount.customer_id == customer_id)
        )
        assert account is not None
        card = format_code(account.card_number)
    assert panel.stack.currentWidget() is panel.member_page
    assert panel.name.text() == "Łukasz Ó'Brien"
    assert f"Card number {card}" in panel.notice.text()
    assert card in panel.subtitle.text()
    assert panel.balance.text() == "50"
    assert "loyalty" in changes


def test_escape_thinks_again_and_enrols_nobody(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], LoyaltyPage]
) -> None:
    customer_id = customer(shop, "Ελένη Παπαδοπούλου")
    page = open_page()
    scan(qtbot, page, f"#{customer_id}")
    qtbot.keyClick(page.lookup.box, Qt.Key.Key_E, CTRL)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)

    assert not page.panel.join_page.confirm_strip.isVisible()
    with shop.read() as session:
        assert session.scalar(select(LoyaltyAccount.id)) is None


def test_a_scanned_card_shows_balance_tier_and_the_rewards_they_can_have(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], LoyaltyPage]
) -> None:
    programme(
        shop,
        unit_singular="bean",
        unit_plural="beans",
        tiers=(Tier("Bronze", 0), Tier("Silver", 10_000, perks="Free gift wrap")),
    )
    with shop.write() as session:
        add_reward(session, RewardInput("Free flat white ☕", 10, "amount", amount=320))
        add_reward(session, RewardInput("Tote bag", 100, "amount", amount=1500))
    account_id = member(shop, "Zoë Ó'Brien")
    sale(shop, customer_of(shop, account_id), 2550)
    page = open_page()

    # Scanned in lower case and with spaces, as some scanners and people do.
    scan(qtbot, page, format_code(card_of(shop, account_id)).lower().replace("-", " "))

    panel = page.panel
    assert panel.name.text() == "Zoë Ó'Brien"
    assert panel.balance.text() == "25"
    assert panel.balance_unit.text() == "beans"
    assert panel.tier_name.text() == "Bronze"
    assert panel.tier_next.text() == "£74.50 more to reach Silver"
    assert [row.choice.name for row in panel.reward_rows] == ["Free flat white ☕"]
    assert panel.next_reward.text() == "Next: Tote bag, 75 beans to go."
    assert panel.recent.item(0, 1).text() == "Earned — Purchase P-000001"
    assert panel.recent.item(0, 2).text() == "+25"
    # Ready for the next scan: what was scanned is selected, so it is simply replaced.
    assert page.lookup.box.selectedText() == page.lookup.box.text()


def test_a_card_number_with_a_typo_says_so(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], LoyaltyPage]
) -> None:
    account_id = member(shop, "Дмитрий Иванов")
    card = card_of(shop, account_id)
    typo = card[:3] + ("X" if card[3] != "X" else "Y") + card[4:]
    page = open_page()

    scan(qtbot, page, format_code(typo))

    assert page.lookup.message.isVisible()
    assert page.lookup.message.text() == (
        "That card number has a typo in it: please check each character."
    )
    assert page.panel.view is None

    scan(qtbot, page, "K3MQ")
    assert "A card number has 10 characters; this has 4" in page.lookup.message.text()


def test_a_name_search_lists_the_customers_and_enter_picks_the_chosen_one(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], LoyaltyPage]
) -> None:
    first = member(shop, "Zoë Ó'Brien")
    give(shop, first, 120)
    customer(shop, "Zoe Newcomer")
    page = open_page()

    scan(qtbot, page, "zoe")
    results = page.lookup.results
    assert results.isVisible()
    shown = sorted(results.item(row).text() for row in range(results.count()))
    assert shown == ["Zoe Newcomer   (not a member yet)", "Zoë Ó'Brien   (member, 120 points)"]

    [row] = [r for r in range(results.count()) if results.item(r).text().startswith("Zoë")]
    for _ in range(row):
        qtbot.keyClick(page.lookup.box, Qt.Key.Key_Down)
    qtbot.keyClick(page.lookup.box, Qt.Key.Key_Return)
    assert page.panel.name.text() == "Zoë Ó'Brien"
    assert not results.isVisible()


def test_nobody_found_by_name_is_said_plainly(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], LoyaltyPage]
) -> None:
    member(shop, "李雷")
    page = open_page()
    scan(qtbot, page, "Fotheringham")
    assert page.lookup.message.text() == "No customer matches “Fotheringham”."


def test_redeeming_a_reward_makes_a_voucher_and_lowers_the_balance(
    qtbot: QtBot, shop: ShopDatabase, events: ShopEvents, open_page: Callable[[], LoyaltyPage]
) -> None:
    with shop.write() as session:
        five = add_reward(session, RewardInput("£5 off", 500, "amount", amount=500)).id
    account_id = member(shop, "Zoë")
    give(shop, account_id, 600)
    page = open_page()
    changes: list[str] = []
    events.changed.connect(changes.append)
    page.show_member(account_id)
    [row] = page.panel.reward_rows

    asked: list[str] = []
    answer_question("Redeem", asked)
    qtbot.mouseClick(row.redeem_button, Qt.MouseButton.LeftButton)

    assert asked == [
        "Turn 500 points into a £5.00 voucher for Zoë?",
        "Zoë will have 100 points left. The voucher's code shows here, ready to print.",
    ]
    assert balance(shop, account_id) == 100
    with shop.read() as session:
        voucher = session.scalar(select(Voucher))
        assert voucher is not None
        assert (voucher.amount, voucher.customer_id) == (500, customer_of(shop, account_id))
        entry = session.scalar(select(LoyaltyEntry).where(LoyaltyEntry.kind == "redeem"))
        assert entry is not None and (entry.reward_id, entry.voucher_id) == (five, voucher.id)
        code = format_code(voucher.code)
    assert page.panel.balance.text() == "100"
    assert page.panel.notice.text() == (
        f"Done: voucher {code} (£5.00 off) for Zoë, who now has 100 points."
    )
    assert page.panel.reward_rows == []
    assert {"loyalty", "vouchers"} <= set(changes)

    # The slip prints from here, and the voucher is then marked printed.
    assert page.panel.print_voucher_button.isVisible()
    qtbot.mouseClick(page.panel.print_voucher_button, Qt.MouseButton.LeftButton)
    printer = page.panel.printer
    qtbot.waitUntil(lambda: printer.preview is not None, timeout=20_000)
    assert printer.rendered is not None and printer.rendered.voucher_ids == (voucher.id,)
    assert printer.preview is not None
    printer.preview.close()


def test_cancelling_a_redemption_changes_nothing(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], LoyaltyPage]
) -> None:
    with shop.write() as session:
        add_reward(session, RewardInput("20% off", 300, "percent", percent=20))
    account_id = member(shop, "Ελένη")
    give(shop, account_id, 300)
    page = open_page()
    page.show_member(account_id)

    asked: list[str] = []
    answer_question("Cancel", asked)
    qtbot.mouseClick(page.panel.reward_rows[0].redeem_button, Qt.MouseButton.LeftButton)

    assert asked[0] == "Turn 300 points into a 20% off voucher for Ελένη?"
    assert balance(shop, account_id) == 300
    with shop.read() as session:
        assert session.scalar(select(Voucher.id)) is None


def test_a_redemption_refused_because_another_till_spent_the_points_says_so(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], LoyaltyPage]
) -> None:
    with shop.write() as session:
        add_reward(session, RewardInput("Mug", 400, "amount", amount=900))
    account_id = member(shop, "Дмитрий")
    give(shop, account_id, 450)
    page = open_page()
    page.show_member(account_id)
    # Meanwhile, at the other till:
    with shop.write() as session:
        adjust_points(session, account_id, -100, "Spent at the other till")

    answer_question("Redeem", [])
    qtbot.mouseClick(page.panel.reward_rows[0].redeem_button, Qt.MouseButton.LeftButton)

    assert "changed at another till" in page.panel.error.text()
    assert balance(shop, account_id) == 350
    assert page.panel.balance.text() == "350"


def test_print_card_makes_the_members_card_for_the_chosen_printer(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], LoyaltyPage], tmp_path: Path
) -> None:
    account_id = member(shop, "Łukasz Ó'Brien")
    page = open_page()
    page.show_member(account_id)

    page.panel.card_button.layout_actions["cr80"].trigger()
    printer = page.panel.printer
    qtbot.waitUntil(lambda: printer.preview is not None, timeout=20_000)
    assert printer.rendered is not None
    out = tmp_path / "card.pdf"
    out.write_bytes(printer.rendered.pdf)
    assert page_sizes_mm(out) == [(85.6, 54.0)]
    [text] = page_texts(out)
    assert "Łukasz Ó'Brien" in text
    assert format_code(card_of(shop, account_id)) in text
    printer.preview.close()


def test_the_days_upkeep_runs_once_when_the_page_first_opens(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], LoyaltyPage]
) -> None:
    today = date.today()
    account_id = member(shop, "Zoë", birth_day=today.day, birth_month=today.month)
    # The bonus is set after joining, so it is the day's upkeep that gives it.
    programme(shop, birthday_bonus=100)
    page = open_page()

    assert balance(shop, account_id) == 100
    assert page.upkeep_note.text() == "Today: 1 bonus given."
    page.activate()
    assert page._upkeep_worker is None
    assert balance(shop, account_id) == 100


def test_upkeep_words() -> None:
    from desktop.shop.loyalty_expiry import Upkeep

    assert describe_upkeep(Upkeep(0, 0)) == ""
    assert describe_upkeep(Upkeep(3, 1)) == "Today: 3 bonuses given, 1 member's points expired."


def test_members_are_listed_a_page_at_a_time_and_open_at_the_counter(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], LoyaltyPage]
) -> None:
    from desktop.shop.customers import CustomerDetails, create_customer
    from desktop.shop.loyalty import PAGE_SIZE
    from desktop.shop.loyalty_members import enrol

    with shop.write() as session:
        for number in range(PAGE_SIZE + 5):
            enrol(
                session, create_customer(session, CustomerDetails(name=f"Member {number:03d}")).id
            )
    page = open_page()
    page.tabs.setCurrentWidget(page.members)

    model = page.members.model
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == PAGE_SIZE + 5
    assert model.data(model.index(0, 0)) == "Member 000"
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Points"

    page.members.table.doubleClicked.emit(model.index(3, 0))
    assert page.tabs.currentWidget() is page.panel
    assert page.panel.name.text() == "Member 003"


def test_the_programme_tab_shows_the_figures_and_who_to_nudge(
    qtbot: QtBot, shop: ShopDatabase, open_page: Callable[[], LoyaltyPage]
) -> None:
    with shop.write() as session:
        add_reward(session, RewardInput("£5 off", 500, "amount", amount=500))
    near = member(shop, "Zoë")
    give(shop, near, 450)
    far = member(shop, "李雷")
    give(shop, far, 50)
    page = open_page()
    page.tabs.setCurrentWidget(page.overview)
    qtbot.waitUntil(lambda: page.overview.overview is not None, timeout=20_000)

    captions = {caption.text(): figure.text() for caption, figure, _note in page.overview.tiles}
    assert captions["Members"] == "2"
    assert captions["Points outstanding"] == "500"
    assert captions["Could cost you"] == "£5.00"
    # Within a fifth of the cheapest reward: Zoë, 50 short, is worth a nudge; 李雷 is not.
    table = page.overview.close_table
    assert table.rowCount() == 1
    assert [table.item(0, column).text() for column in range(4)] == ["Zoë", "450", "£5 off", "50"]


def test_a_change_elsewhere_shows_at_once(
    qtbot: QtBot, shop: ShopDatabase, events: ShopEvents, open_page: Callable[[], LoyaltyPage]
) -> None:
    account_id = member(shop, "Zoë")
    page = open_page()
    page.show_member(account_id)
    give(shop, account_id, 42)
    events.changed.emit("loyalty")
    assert page.panel.balance.text() == "42"
