"""The Loyalty page's dialogs: adjusting points (always with a reason), the programme's settings
(with the rounding shown on an example), the rewards catalogue, and the rewards poll."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.shop.catalogue import add_category, add_product
from desktop.shop.loyalty_ledger import adjust_points, get_account
from desktop.shop.loyalty_rules import Programme, Tier, get_programme
from desktop.shop.reward_poll import Poll, get_poll, poll_results, save_poll
from desktop.shop.rewards import RewardInput, add_reward, list_rewards
from desktop.store.models_loyalty import LoyaltyEntry
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.loyalty_adjust_dialog import AdjustDialog
from desktop.ui.loyalty_poll import PollDialog, PollTab
from desktop.ui.loyalty_rewards_dialog import RewardsDialog
from desktop.ui.loyalty_settings_dialog import BONUSES, EARNING, TIERS, ProgrammeDialog
from tests.unit.test_loyalty_support import customer, member, programme


def adjust_dialog(qtbot: QtBot, shop: ShopDatabase, account_id: int) -> AdjustDialog:
    with shop.read() as session:
        balance = get_account(session, account_id).balance
        current = get_programme(session)
    dialog = AdjustDialog(shop, ShopEvents(), account_id, "Zoë Ó'Brien", balance, current)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def entries(shop: ShopDatabase, account_id: int) -> list[tuple[str, int, str]]:
    with shop.read() as session:
        return [
            (e.kind, e.points, e.reason)
            for e in session.scalars(
                select(LoyaltyEntry)
                .where(LoyaltyEntry.account_id == account_id)
                .order_by(LoyaltyEntry.sequence)
            )
        ]


def test_an_adjustment_needs_a_reason(qtbot: QtBot, shop: ShopDatabase) -> None:
    account_id = member(shop, "Zoë Ó'Brien")
    dialog = adjust_dialog(qtbot, shop, account_id)
    dialog.points.setValue(50)
    assert dialog.after.text() == "Zoë Ó'Brien will have 50 points."

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error.isVisible() and dialog.error.text() == "Please enter the reason."
    assert dialog.focusWidget() is dialog.reason
    assert entries(shop, account_id) == []

    dialog.reason.setText("Points missed on receipt P-000123")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert entries(shop, account_id) == [("adjust", 50, "Points missed on receipt P-000123")]


def test_taking_away_more_than_they_have_is_refused_in_words(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    programme(shop, unit_singular="star", unit_plural="stars")
    account_id = member(shop, "Zoë Ó'Brien")
    with shop.write() as session:
        adjust_points(session, account_id, 30, "Opening balance")
    dialog = adjust_dialog(qtbot, shop, account_id)
    dialog.take.setChecked(True)
    dialog.points.setValue(31)
    dialog.reason.setText("Returned a gift")
    assert dialog.unit.text() == "stars"

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == ("Zoë Ó'Brien has 30 stars: you can take away at most 30 stars.")
    assert dialog.focusWidget() is dialog.points
    assert len(entries(shop, account_id)) == 1


def open_settings(qtbot: QtBot, shop: ShopDatabase, events: ShopEvents) -> ProgrammeDialog:
    dialog = ProgrammeDialog(shop, events)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_earning_rule_is_shown_with_its_rounding_as_it_is_typed(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    dialog = open_settings(qtbot, shop, ShopEvents())
    assert dialog.rule.text() == (
        "1 point for every whole £1.00 spent; pennies left over earn nothing "
        "(£12.99 earns 12 points)."
    )
    dialog.per_unit.setValue(2)
    dialog.min_spend.setText("10")
    assert dialog.rule.text() == (
        "2 points for every whole £1.00 spent when the purchase comes to £10.00 or more; "
        "pennies left over earn nothing (£12.99 earns 24 points)."
    )
    dialog.stamps_kind.setChecked(True)
    assert (dialog.singular.text(), dialog.plural.text()) == ("stamp", "stamps")
    assert not dialog.per_unit.isVisible() and dialog.card_size.isVisible()
    assert dialog.rule.text() == (
        "One stamp per visit when the purchase comes to £10.00 or more; a full card has 10 stamps."
    )


def test_programme_settings_are_saved_and_the_page_told(qtbot: QtBot, shop: ShopDatabase) -> None:
    with shop.write() as session:
        gift_cards = add_category(session, "Gift cards").id
        add_category(session, "Tea")
    events = ShopEvents()
    changes: list[str] = []
    events.changed.connect(changes.append)
    dialog = open_settings(qtbot, shop, events)
    dialog.singular.setText("bean")
    dialog.plural.setText("beans")
    dialog.per_unit.setValue(3)
    [gift] = [
        dialog.excluded.item(row)
        for row in range(dialog.excluded.count())
        if dialog.excluded.item(row).text() == "Gift cards"
    ]
    gift.setCheckState(Qt.CheckState.Checked)
    dialog.joining.setValue(25)
    dialog.expires.setChecked(True)
    dialog.expiry_months.setValue(18)
    dialog.point_value.setText("0.5")
    dialog.tiers.add_tier()
    dialog.tiers.item(0, 0).setText("Bronze")
    dialog.tiers.add_tier()
    dialog.tiers.item(1, 0).setText("Gold ✨")
    dialog.tiers.item(1, 1).setText("£250")
    dialog.tiers.item(1, 2).setText("1.5")
    dialog.tiers.item(1, 3).setText("Early access to sales")

    dialog.save()

    assert not dialog.isVisible()
    assert changes == ["loyalty"]
    with shop.read() as session:
        saved = get_programme(session)
    assert (saved.unit_singular, saved.unit_plural, saved.points_per_unit) == ("bean", "beans", 3)
    assert saved.excluded_category_ids == (gift_cards,)
    assert (saved.joining_bonus, saved.expiry_months, saved.point_value) == (
        25,
        18,
        Decimal("0.5"),
    )
    assert saved.tiers == (
        Tier("Bronze", 0),
        Tier("Gold ✨", 25_000, Decimal("1.5"), "Early access to sales"),
    )


def test_a_mistake_is_shown_on_its_own_tab(qtbot: QtBot, shop: ShopDatabase) -> None:
    dialog = open_settings(qtbot, shop, ShopEvents())
    dialog.tiers.add_tier()
    dialog.tiers.item(0, 0).setText("Silver")
    dialog.tiers.item(0, 2).setText("lots")
    dialog.tabs.setCurrentIndex(EARNING)
    dialog.save()

    assert dialog.isVisible()
    assert dialog.tabs.currentIndex() == TIERS
    assert "Check the spend and the multiplier of tier 1 (Silver)" in dialog.errors[TIERS].text()

    dialog.tiers.item(0, 2).setText("1.25")
    dialog.plural.setText("")
    dialog.save()
    assert dialog.tabs.currentIndex() == EARNING
    assert dialog.errors[EARNING].text() == "Please enter the unit name."
    assert dialog.focusWidget() is dialog.singular
    assert not dialog.errors[BONUSES].isVisible()
    with shop.read() as session:
        assert get_programme(session) == Programme()


def test_switching_to_stamps_while_members_hold_points_is_refused(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    account_id = member(shop, "Zoë")
    with shop.write() as session:
        adjust_points(session, account_id, 10, "Opening balance")
    dialog = open_settings(qtbot, shop, ShopEvents())
    dialog.stamps_kind.setChecked(True)
    dialog.save()
    assert "1 member still holds points" in dialog.errors[EARNING].text()


def open_rewards(qtbot: QtBot, shop: ShopDatabase) -> RewardsDialog:
    dialog = RewardsDialog(shop, ShopEvents())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def shown_rewards(dialog: RewardsDialog) -> list[list[str]]:
    table = dialog.table
    return [
        [table.item(row, column).text() for column in range(table.columnCount())]
        for row in range(table.rowCount())
    ]


def test_rewards_of_every_kind_are_added_from_the_form(qtbot: QtBot, shop: ShopDatabase) -> None:
    with shop.write() as session:
        add_product(session, "Flat white", 320)
    dialog = open_rewards(qtbot, shop)

    dialog.name.setText("10% off 🎉")
    dialog.cost.setValue(200)
    dialog.gives.setCurrentIndex(dialog.gives.findData("percent"))
    dialog.percent.setValue(10)
    dialog.add()
    dialog.name.setText("£5 off")
    dialog.cost.setValue(500)
    dialog.gives.setCurrentIndex(dialog.gives.findData("amount"))
    dialog.amount.setText("£5")
    dialog.add()
    dialog.name.setText("Coffee on us")
    dialog.cost.setValue(100)
    dialog.gives.setCurrentIndex(dialog.gives.findData("free_item"))
    # Until a product is chosen, the free item's value is typed.
    assert dialog.product.isVisible() and dialog.amount.isVisible()
    dialog.product.setCurrentIndex(dialog.product.findText("Flat white (£3.20)"))
    assert not dialog.amount.isVisible()
    dialog.add()

    assert shown_rewards(dialog) == [
        ["Coffee on us", "100 points", "Free Flat white (worth £3.20)", ""],
        ["10% off 🎉", "200 points", "10% off", ""],
        ["£5 off", "500 points", "£5.00 off", ""],
    ]
    assert dialog.notice.text() == "Added “Coffee on us”."


def test_a_reward_is_changed_and_retired_never_deleted(qtbot: QtBot, shop: ShopDatabase) -> None:
    with shop.write() as session:
        add_reward(session, RewardInput("Tote bag", 800, "amount", amount=1200))
    dialog = open_rewards(qtbot, shop)
    dialog.table.selectRow(0)
    assert dialog.name.text() == "Tote bag" and dialog.amount.text() == "12.00"

    dialog.cost.setValue(750)
    dialog.save()
    assert shown_rewards(dialog)[0][:2] == ["Tote bag", "750 points"]

    dialog.table.selectRow(0)
    dialog.retire()
    assert shown_rewards(dialog) == []
    dialog.show_retired.setChecked(True)
    assert shown_rewards(dialog) == [["Tote bag", "750 points", "£12.00 off", "retired"]]
    dialog.table.selectRow(0)
    assert not dialog.save_button.isEnabled()
    with shop.read() as session:
        assert list_rewards(session) == []


def test_a_reward_that_makes_no_sense_is_explained(qtbot: QtBot, shop: ShopDatabase) -> None:
    dialog = open_rewards(qtbot, shop)
    dialog.name.setText("Five pounds")
    dialog.gives.setCurrentIndex(dialog.gives.findData("amount"))
    dialog.amount.setText("five")
    dialog.add()
    assert "“five” is not an amount of money" in dialog.error.text()
    assert dialog.focusWidget() is dialog.amount

    dialog.name.setText("")
    dialog.amount.setText("5")
    dialog.add()
    assert dialog.error.text() == "Please enter the reward name."
    assert dialog.focusWidget() is dialog.name
    assert shown_rewards(dialog) == []


def test_the_poll_is_set_up_answered_in_two_clicks_and_shown_as_bars(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    events = ShopEvents()
    tab = PollTab(shop, events)
    qtbot.addWidget(tab)
    tab.show()
    tab.refresh()
    assert tab.empty.isVisible() and tab.edit_button.text() == "Set up the poll…"

    dialog = PollDialog(shop, events, get_poll_of(shop))
    qtbot.addWidget(dialog)
    dialog.options.setPlainText("Free coffee ☕")
    dialog.save()
    assert dialog.error.text() == "A poll needs at least two options to choose from."
    dialog.options.setPlainText("Free coffee ☕\n10% off your birthday month\nA tote bag")
    dialog.save()
    tab.refresh()
    assert [b.text() for b in tab.option_buttons] == [
        "Free coffee ☕",
        "10% off your birthday month",
        "A tote bag",
    ]

    for _ in range(2):
        qtbot.mouseClick(tab.option_buttons[0], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(tab.record_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.option_buttons[2], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.record_button, Qt.MouseButton.LeftButton)

    assert tab.done.text() == "Thank you! Recorded “A tote bag”."
    assert not tab.record_button.isEnabled()  # nothing chosen for the next customer yet
    assert tab.total.text() == "3 answers to “Which reward would you most like?”"
    assert tab.bars.lines() == [
        "Free coffee ☕: 2 answers · 66.7%",
        "A tote bag: 1 answer · 33.3%",
        "10% off your birthday month: 0 answers · 0.0%",
    ]


def test_a_customers_answer_counts_once(qtbot: QtBot, shop: ShopDatabase) -> None:
    with shop.write() as session:
        save_poll(session, "Which reward?", ["Free coffee", "Tote bag"])
    zoe = customer(shop, "Zoë Ó'Brien")
    tab = PollTab(shop, ShopEvents())
    qtbot.addWidget(tab)
    tab.show()
    tab.refresh()
    tab.set_customer((zoe, "Zoë Ó'Brien"))
    assert tab.for_customer.isVisible() and tab.for_customer.isChecked()

    for _ in range(2):
        qtbot.mouseClick(tab.option_buttons[0], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(tab.record_button, Qt.MouseButton.LeftButton)

    assert tab.error.text() == "Zoë Ó'Brien already chose “Free coffee”."
    with shop.read() as session:
        assert poll_results(session).answers == 1


def get_poll_of(shop: ShopDatabase) -> Poll:
    with shop.read() as session:
        return get_poll(session)
