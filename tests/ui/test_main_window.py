"""The main window as a shopkeeper meets it: pages, shortcuts, one window per shop file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialog, QLineEdit
from pytestqt.qtbot import QtBot

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.main_window import MainWindow
from desktop.ui.single_instance import SingleInstance


def _window(qtbot: QtBot, shop: ShopDatabase) -> MainWindow:
    window = MainWindow(shop, ShopEvents())
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def test_every_sidebar_page_opens_a_real_page(qtbot: QtBot, shop: ShopDatabase) -> None:
    window = _window(qtbot, shop)
    assert window.page_titles() == [
        "Today",
        "Customers",
        "Purchases",
        "Today's parcels",
        "Vouchers",
        "Loyalty",
        "Feedback",
        "Not seen lately",
        "Campaigns",
        "Guides",
        "Settings",
    ]
    for index in range(len(window.page_titles())):
        window.sidebar.setCurrentRow(index)
        assert window.stack.currentIndex() == index
        page = window.stack.currentWidget()
        assert page is window.page(index)
        shown = [
            *page.findChildren(QLineEdit),
            *page.findChildren(QAbstractItemView),
            *page.findChildren(QChartView),
        ]
        assert shown, f"page {index} shows no fields, lists or charts"


def test_ctrl_f_puts_the_cursor_in_customer_search(qtbot: QtBot, shop: ShopDatabase) -> None:
    with shop.write() as session:
        create_customer(session, CustomerDetails(name="Zoë Ó'Brien"))
    window = _window(qtbot, shop)
    window.sidebar.setCurrentRow(2)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentIndex() == window.page_index("Customers")
    focused = QApplication.focusWidget()
    assert isinstance(focused, QLineEdit)
    assert "search" in focused.placeholderText().lower()


def test_every_page_has_a_keyboard_shortcut(qtbot: QtBot, shop: ShopDatabase) -> None:
    window = _window(qtbot, shop)
    for key, title in (
        (Qt.Key.Key_6, "Loyalty"),
        (Qt.Key.Key_0, "Guides"),
        (Qt.Key.Key_Comma, "Settings"),
        (Qt.Key.Key_1, "Today"),
    ):
        qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentIndex() == window.page_index(title)


def test_ctrl_n_opens_the_purchase_dialog(qtbot: QtBot, shop: ShopDatabase) -> None:
    window = _window(qtbot, shop)
    seen: list[str] = []

    def close_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog):
            seen.append(type(dialog).__name__)
            dialog.reject()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(200, close_dialog)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["PurchaseDialog"]


def test_window_size_is_remembered(qtbot: QtBot, shop: ShopDatabase) -> None:
    first = _window(qtbot, shop)
    # The offscreen screen is 800×600 and restoring clamps to the screen: choose a height in it.
    first.resize(first.width(), 517)
    chosen = first.size()
    first.close()
    assert QSettings().value("main_window/geometry") is not None
    second = _window(qtbot, shop)
    assert second.size() == chosen


def test_a_second_launch_on_the_same_file_wakes_the_first(qtbot: QtBot, tmp_path: Path) -> None:
    location = str(tmp_path / "shop.aftercare")
    first = SingleInstance(location)
    assert first.acquire()
    try:
        with qtbot.waitSignal(first.activation_requested, timeout=3000):
            assert not SingleInstance(location).acquire()
        other = SingleInstance(str(tmp_path / "other.aftercare"))
        assert other.acquire()
        other.release()
    finally:
        first.release()
