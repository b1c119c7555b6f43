"""The "Not seen lately" page: who has drifted away and why, three rules, the model fitted in
the background, the fallback on thin data, opening a customer, the settings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from PySide6.QtCore import Qt, QThreadPool
from pytestqt.qtbot import QtBot

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.demo import DemoOptions, build_demo
from desktop.shop.lapsed import get_rules
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.lapsed_page import LapsedPage
from desktop.ui.lapsed_settings_dialog import LapsedSettingsDialog
from desktop.ui.lapsed_table import LapsedTableModel

FIT_TIMEOUT_MS = 30_000


def _visits(shop: ShopDatabase, name: str, days_ago: list[int], price: int = 1_000) -> int:
    """A customer who bought on each of those days (at noon UTC, the same local date here)."""
    today = date.today()
    with shop.write() as session:
        customer_id = create_customer(session, CustomerDetails(name=name)).id
        for ago in days_ago:
            moment = datetime.combine(today - timedelta(days=ago), time(12), tzinfo=UTC)
            record_purchase(
                session,
                PurchaseInput(
                    [LineInput("Łapsang souchong", 1, price)],
                    customer_id=customer_id,
                    purchased_at=moment,
                ),
            )
    return customer_id


def _every(gap: int, last: int, count: int) -> list[int]:
    return [last + gap * n for n in range(count)]


@pytest.fixture(autouse=True)
def _no_fit_left_running() -> Iterator[None]:
    # A fit still running when the test's shop file closes would fail in its thread.
    yield
    QThreadPool.globalInstance().waitForDone()


def _page(qtbot: QtBot, shop: ShopDatabase, events: ShopEvents | None = None) -> LapsedPage:
    page = LapsedPage(shop, events or ShopEvents())
    qtbot.addWidget(page)
    page.resize(1280, 640)
    page.show()
    page.activate()
    return page


def _wait_for_fit(qtbot: QtBot, page: LapsedPage) -> None:
    qtbot.waitUntil(lambda: not page.fitting, timeout=FIT_TIMEOUT_MS)


def _cell(page: LapsedPage, row: int, column: int) -> str:
    return str(page.model.data(page.model.index(row, column)))


@pytest.fixture
def thin_shop(shop: ShopDatabase) -> dict[str, int]:
    """A few customers with known rhythms: far too few for the model."""
    return {
        # Every 3 weeks, last seen 11 weeks ago: lapsed by rhythm, inside the 90-day limit.
        "Zoë Ó'Brien": _visits(shop, "Zoë Ó'Brien", _every(21, 77, 6), price=4_500),
        # Once, 8 months ago.
        "Łukasz Ó'Brien": _visits(shop, "Łukasz Ó'Brien", [243], price=9_900),
        # Weekly, last seen three days ago: not lapsed at all.
        "Дмитрий": _visits(shop, "Дмитрий", _every(7, 3, 10)),
        # Every two months, last seen 100 days ago: past the limit, inside their rhythm.
        "Ελένη 🌿": _visits(shop, "Ελένη 🌿", _every(60, 100, 4), price=2_000),
    }


def test_a_lapsed_regular_is_listed_with_the_reason_in_plain_words(
    qtbot: QtBot, shop: ShopDatabase, thin_shop: dict[str, int]
) -> None:
    page = _page(qtbot, shop)
    _wait_for_fit(qtbot, page)

    names = page.model.names()
    assert names == ["Zoë Ó'Brien", "Łukasz Ó'Brien"]  # most valuable first: £270, £99
    zoe = names.index("Zoë Ó'Brien")
    assert _cell(page, zoe, LapsedTableModel.REASON) == (
        "Usually every 3 weeks; last seen 11 weeks ago"
    )
    assert _cell(page, zoe, LapsedTableModel.GAP) == "21 days"
    expected = date.today() - timedelta(days=77 - 21)
    assert _cell(page, zoe, LapsedTableModel.EXPECTED) == f"{expected.day} {expected:%b %Y}"
    assert _cell(page, zoe, LapsedTableModel.BY_LIMIT) == "–"
    assert _cell(page, zoe, LapsedTableModel.BY_RHYTHM) == "✔"
    lukasz = names.index("Łukasz Ó'Brien")
    assert _cell(page, lukasz, LapsedTableModel.REASON) == "Bought once, 8 months ago"
    assert _cell(page, lukasz, LapsedTableModel.SPENT) == "£99.00"
    assert page.count.text().startswith("2 customers")


def test_switching_rules_changes_the_list(
    qtbot: QtBot, shop: ShopDatabase, thin_shop: dict[str, int]
) -> None:
    page = _page(qtbot, shop)
    _wait_for_fit(qtbot, page)
    assert "Ελένη 🌿" not in page.model.names()

    page.set_rule("threshold")

    assert page.rule_box.currentText() == "Away longer than 90 days"
    assert page.model.names() == ["Łukasz Ó'Brien", "Ελένη 🌿"]
    assert _cell(page, 1, LapsedTableModel.REASON) == "Last seen 3 months ago"
    assert page.count.text().startswith("2 customers")


def test_a_thin_shop_explains_why_the_model_is_not_used(
    qtbot: QtBot, shop: ShopDatabase, thin_shop: dict[str, int]
) -> None:
    page = _page(qtbot, shop)
    assert page.fitting
    assert "Fitting the model" in page.model_line.text()
    _wait_for_fit(qtbot, page)

    assert page.model_line.text() == (
        "Not enough history for the model yet (3 repeat customers; it needs 30)."
    )
    page.set_rule("model")
    # Judged by rhythm instead, and the page says so.
    assert page.model.used == "rhythm"
    assert page.model.names() == ["Zoë Ó'Brien", "Łukasz Ó'Brien"]
    assert page.model_line.text() == (
        "Not enough history for the model yet (3 repeat customers; it needs 30): "
        "using each customer's own rhythm."
    )
    assert _cell(page, 0, LapsedTableModel.BY_MODEL) == "—"


def test_the_model_is_fitted_in_the_background_and_refitted_after_a_sale(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    build_demo(shop, DemoOptions(customers=300, years=2, seed=4))
    events = ShopEvents()
    page = _page(qtbot, shop, events)
    # The page shows the list at once: the fit has not finished.
    assert page.fitting
    assert page.model.rowCount() > 0
    assert "Fitting the model" in page.model_line.text()

    _wait_for_fit(qtbot, page)
    page.set_rule("model")

    assert page.model_line.text().startswith("Model fitted on ")
    assert " customers this " in page.model_line.text()
    assert page.model.used == "model"
    reason = _cell(page, 0, LapsedTableModel.REASON)
    assert reason.startswith("Probably drifted away: ")
    assert reason.endswith("chance still active")
    assert _cell(page, 0, LapsedTableModel.BY_MODEL).endswith("✔")

    # A sale changes the history: the model is refitted in the background again.
    customer_id = page.model.row(0).customer_id
    with shop.write() as session:
        record_purchase(
            session, PurchaseInput([LineInput("Teapot", 1, 3_000)], customer_id=customer_id)
        )
    events.changed.emit("purchases")
    assert page.fitting
    assert page.model_line.text().endswith("Updating it with the latest sales…")
    assert customer_id not in [page.model.row(n).customer_id for n in range(3)]
    _wait_for_fit(qtbot, page)
    assert not page.model_line.text().endswith("…")


def test_a_long_list_is_read_a_page_at_a_time(qtbot: QtBot, shop: ShopDatabase) -> None:
    build_demo(shop, DemoOptions(customers=600, years=2, seed=2))
    page = _page(qtbot, shop)
    page.set_rule("threshold")
    flagged = int(page.count.text().split()[0].replace(",", ""))
    assert flagged > 200  # more than one page
    assert page.model.rowCount() == 200
    while page.model.canFetchMore():
        page.model.fetchMore()
    assert page.model.rowCount() == flagged
    spent = [page.model.row(n).total_spent for n in range(flagged)]
    assert spent == sorted(spent, reverse=True)
    assert len({page.model.row(n).customer_id for n in range(flagged)}) == flagged


def test_enter_and_double_click_open_the_customer(
    qtbot: QtBot, shop: ShopDatabase, thin_shop: dict[str, int]
) -> None:
    page = _page(qtbot, shop)
    _wait_for_fit(qtbot, page)
    page.table.selectRow(1)
    with qtbot.waitSignal(page.show_customer_requested) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [thin_shop["Łukasz Ó'Brien"]]

    index = page.model.index(0, LapsedTableModel.NAME)
    where = page.table.visualRect(index).center()
    # A real double-click: the view only opens what the first press picked.
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    with qtbot.waitSignal(page.show_customer_requested) as opened:
        qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert opened.args == [thin_shop["Zoë Ó'Brien"]]


def test_settings_show_a_refused_value_beside_its_field_and_apply_a_good_one(
    qtbot: QtBot, shop: ShopDatabase, thin_shop: dict[str, int]
) -> None:
    events = ShopEvents()
    page = _page(qtbot, shop, events)
    _wait_for_fit(qtbot, page)
    dialog = LapsedSettingsDialog(shop, events, page)
    qtbot.addWidget(dialog)
    dialog.show()

    dialog.threshold_days.setValue(3)
    dialog.save()
    problem = dialog.problems["threshold_days"]
    assert problem.isVisible()
    assert problem.text() == "The limit must be between 7 and 3,650 days."
    assert dialog.isVisible()
    with shop.read() as session:
        assert get_rules(session).threshold_days == 90

    dialog.threshold_days.setValue(60)
    assert not problem.isVisible()
    dialog.save()
    assert not dialog.isVisible()
    with shop.read() as session:
        assert get_rules(session).threshold_days == 60
    # The page follows: Zoë (77 days away) is now past the limit too.
    page.set_rule("threshold")
    assert page.rule_box.currentText() == "Away longer than 60 days"
    assert "Zoë Ó'Brien" in page.model.names()
