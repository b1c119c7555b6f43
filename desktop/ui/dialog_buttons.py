"""The foot of a dialog: Cancel, then the dialog's one action, which Enter presses."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QWidget


def action_buttons(
    dialog: QDialog, action: str, act: Callable[[], object], *left: QWidget
) -> tuple[QPushButton, QHBoxLayout]:
    """The action button and the row holding it; `left` widgets sit at the row's other end."""
    button = QPushButton(action)
    button.setDefault(True)
    button.clicked.connect(act)
    cancel = QPushButton("Cancel")
    cancel.setAutoDefault(False)
    cancel.clicked.connect(dialog.reject)
    row = QHBoxLayout()
    for widget in left:
        row.addWidget(widget)
    row.addStretch(1)
    row.addWidget(cancel)
    row.addWidget(button)
    return button, row
