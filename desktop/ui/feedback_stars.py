"""A 1 to 5 star rating that the keyboard sets: the keys 1 to 5, 0 or Backspace to clear,
Left and Right to step; or a click on a star (again on the same star clears it)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

DIGIT_KEYS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(6)}


class StarRating(QWidget):
    """`changed(value)` with 0 for no rating."""

    changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = 0
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Star rating")
        self.buttons: list[QToolButton] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(0)
        for number in range(1, 6):
            button = QToolButton()
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(f"{number} star{'s' if number > 1 else ''} (key {number})")
            button.setStyleSheet("QToolButton { font-size: 20pt; color: #c78a00; }")
            button.clicked.connect(lambda _checked=False, n=number: self._clicked(n))
            self.buttons.append(button)
            layout.addWidget(button)
        self.caption = QLabel()
        layout.addSpacing(8)
        layout.addWidget(self.caption)
        layout.addStretch(1)
        self._paint()

    def value(self) -> int | None:
        return self._value or None

    def set_value(self, value: int | None) -> None:
        self._value = max(0, min(5, value or 0))
        self._paint()
        self.changed.emit(self._value)

    def _clicked(self, number: int) -> None:
        self.setFocus()
        self.set_value(0 if number == self._value else number)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in DIGIT_KEYS and DIGIT_KEYS[key] <= 5:
            self.set_value(DIGIT_KEYS[key])
        elif key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self.set_value(0)
        elif key == Qt.Key.Key_Right:
            self.set_value(self._value + 1)
        elif key == Qt.Key.Key_Left:
            self.set_value(self._value - 1)
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._paint()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._paint()

    def _paint(self) -> None:
        for number, button in enumerate(self.buttons, start=1):
            button.setText("★" if number <= self._value else "☆")
        if self._value:
            self.caption.setText(f"{self._value} of 5")
        else:
            self.caption.setText("No stars — press 1 to 5" if self.hasFocus() else "No stars")
