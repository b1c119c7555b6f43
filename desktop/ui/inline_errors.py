"""A message shown where the problem is, under the field or beside the button it is about,
rather than in a box the shopkeeper has to close."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLayout, QVBoxLayout, QWidget

ERROR_COLOUR = "#b3261e"


def error_label() -> QLabel:
    """A red, word-wrapped message, hidden until there is something to say."""
    label = QLabel()
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.setWordWrap(True)
    label.hide()
    return label


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
