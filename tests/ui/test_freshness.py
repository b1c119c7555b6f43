"""A page refreshes at once when shown, or once when it is next shown after changes."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.ui.events import Freshness, ShopEvents


def test_a_hidden_page_catches_up_once_and_a_shown_one_at_once(qtbot: QtBot) -> None:
    events = ShopEvents()
    page = QWidget()
    qtbot.addWidget(page)
    refreshed: list[str] = []
    freshness = Freshness(page, events, ("purchases",), lambda: refreshed.append("now"))

    events.changed.emit("purchases")
    events.changed.emit("purchases")
    events.changed.emit("loyalty")  # not this page's business
    assert refreshed == []
    freshness.catch_up()
    freshness.catch_up()
    assert refreshed == ["now"]

    page.show()
    events.changed.emit("purchases")
    events.changed.emit("guides")
    assert refreshed == ["now", "now"]
