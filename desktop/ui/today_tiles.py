"""A figure tile of the Today page: a big number, a plain caption and a quieter line under it.
The whole tile is a button: Tab reaches it, Enter, Space or a click opens the list behind it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from desktop.ui.loyalty_widgets import muted, scaled

TILE_HEIGHT = 104


class FigureTile(QPushButton):
    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("todayTile")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoDefault(False)
        self.setMinimumHeight(TILE_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setStyleSheet(
            "QPushButton#todayTile { border: 1px solid palette(mid); border-radius: 8px; "
            "background: palette(base); text-align: left; padding: 0; }"
            "QPushButton#todayTile:hover { border: 1px solid palette(highlight); }"
            "QPushButton#todayTile:focus { border: 2px solid palette(highlight); }"
            "QPushButton#todayTile:pressed { background: palette(alternate-base); }"
        )
        self.caption = QLabel(caption)
        self.figure = scaled(QLabel("…"), 2.1)
        self.secondary = muted(QLabel(""))
        self.secondary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(1)
        for label in (self.caption, self.figure, self.secondary):
            # The clicks go to the button under the words.
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        layout.addStretch(1)
        self.set_figure("…", "")

    def set_figure(self, figure: str, secondary: str, tip: str = "") -> None:
        self.figure.setText(figure)
        self.secondary.setText(secondary)
        self.setToolTip(tip)
        self.setAccessibleName(f"{self.caption.text()}: {figure}")
        self.setAccessibleDescription(secondary)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)
