"""A message shown where the problem is, under the field or beside the button it is about,
rather than in a box the shopkeeper has to close."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel, QLayout, QVBoxLayout, QWidget


def _dark_theme() -> bool:
    return QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def error_colour() -> str:
    """Red that reads on the theme's background: deep on light, soft on dark."""
    return "#ff8a80" if _dark_theme() else "#b3261e"


def good_colour() -> str:
    """Green for "done" and "valid", readable on the theme's background."""
    return "#7fd69a" if _dark_theme() else "#1b6e3a"


def error_label() -> QLabel:
    """A red, word-wrapped message, hidden until there is something to say; selectable, so
    it can be copied into a message to support."""
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setStyleSheet(f"QLabel#fieldError {{ color: {error_colour()}; font-weight: 600; }}")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def fit_height(dialog: QWidget) -> None:
    """Grow a dialog so wrapped messages that just appeared are not clipped."""
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    needed = layout.totalHeightForWidth(dialog.width())
    if needed > dialog.height():
        dialog.resize(dialog.width(), needed)


def show_message(label: QLabel, message: str) -> None:
    """Say `message` in `label`; an empty message hides it, so it leaves no gap."""
    label.setText(message)
    label.setVisible(bool(message))


def with_error(field: QWidget | QLayout, *below: QWidget) -> QWidget:
    """A form row's field with its message (or note) right under it, no gap while hidden."""
    row = QWidget()
    layout = QVBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(3)
    if isinstance(field, QLayout):
        layout.addLayout(field)
    else:
        layout.addWidget(field)
    for widget in below:
        layout.addWidget(widget)
    return row
