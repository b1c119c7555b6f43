"""Small pieces the Loyalty page is built from: sized and quiet labels, a framed panel, the
stamp card, and a reward with its Redeem… button."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.ui.customer_format import mute
from desktop.ui.loyalty_view import RewardChoice


def scaled(label: QLabel, factor: float, *, bold: bool = True) -> QLabel:
    """`label` in type `factor` times the usual size."""
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    label.setFont(font)
    return label


def muted(label: QLabel) -> QLabel:
    """`label` in the theme's quieter grey, for secondary text."""
    mute(label)
    return label


def panel_frame() -> QFrame:
    """A framed, rounded panel on the base colour: a card on the page."""
    frame = QFrame()
    frame.setObjectName("loyaltyPanel")
    frame.setStyleSheet(
        "QFrame#loyaltyPanel { border: 1px solid palette(mid); border-radius: 6px; "
        "background: palette(base); }"
    )
    return frame


def wrapping(text: str = "") -> QLabel:
    """A label that wraps and can be selected and copied."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class StampStrip(QWidget):
    """The stamp card as circles, filled for the stamps on it; ten to a row."""

    PER_ROW = 10
    SIZE = 22

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filled = 0
        self.slots = 0

    def show_card(self, filled: int, slots: int) -> None:
        self.filled, self.slots = filled, slots
        self.setToolTip(f"{filled} of {slots}")
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        rows = -(-self.slots // self.PER_ROW) if self.slots else 0
        columns = min(self.slots, self.PER_ROW)
        return QSize(columns * (self.SIZE + 6), rows * (self.SIZE + 6))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        accent = self.palette().color(self.palette().ColorRole.Highlight)
        for slot in range(self.slots):
            row, column = divmod(slot, self.PER_ROW)
            box = QRectF(
                column * (self.SIZE + 6) + 1, row * (self.SIZE + 6) + 1, self.SIZE, self.SIZE
            )
            painter.setPen(QPen(accent, 1.6))
            painter.setBrush(accent if slot < self.filled else QColor(0, 0, 0, 0))
            painter.drawEllipse(box)
        painter.end()


class RewardRow(QFrame):
    """One reward the member can have, with its Redeem… button."""

    def __init__(self, choice: RewardChoice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = choice
        name = scaled(QLabel(choice.name), 1.1)
        what = muted(QLabel(f"{choice.description} · {choice.cost}"))
        self.redeem_button = QPushButton("Redeem…")
        self.redeem_button.setAutoDefault(True)  # Enter on the focused button redeems
        self.redeem_button.setToolTip(choice.question)
        texts = QVBoxLayout()
        texts.setSpacing(0)
        texts.addWidget(name)
        texts.addWidget(what)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addLayout(texts, 1)
        layout.addWidget(self.redeem_button, 0, Qt.AlignmentFlag.AlignVCenter)
