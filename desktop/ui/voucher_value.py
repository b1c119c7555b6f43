"""A voucher's value as the shopkeeper sets it: a percentage or an amount off, one of the two
chosen; the other field is greyed out, and typing an amount chooses it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from desktop.shop.errors import InvalidInput
from desktop.shop.money import parse_amount, to_input_text
from desktop.shop.settings import ShopProfile


class VoucherValueField(QWidget):
    """`changed` on any edit; `value()` reads it as (percent, amount)."""

    changed = Signal()

    def __init__(self, profile: ShopProfile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.by_percent = QRadioButton("Percentage")
        self.by_amount = QRadioButton("Amount")
        self.by_percent.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.by_percent)
        group.addButton(self.by_amount)
        self.percent = QSpinBox()
        self.percent.setRange(1, 100)
        self.percent.setValue(10)
        self.percent.setSuffix(" % off")
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("e.g. 5.00")
        self.amount.setMaximumWidth(120)
        self.amount.setEnabled(False)
        self.by_percent.toggled.connect(self._kind_changed)
        self.percent.valueChanged.connect(self.changed)
        self.amount.textChanged.connect(self.changed)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.by_percent)
        row.addWidget(self.percent)
        row.addSpacing(16)
        row.addWidget(self.by_amount)
        row.addWidget(self.amount)
        row.addWidget(QLabel("off"))
        row.addStretch(1)

    def _kind_changed(self) -> None:
        self.percent.setEnabled(self.by_percent.isChecked())
        self.amount.setEnabled(self.by_amount.isChecked())
        self.chosen_field().setFocus()
        self.changed.emit()

    def chosen_field(self) -> QWidget:
        return self.percent if self.by_percent.isChecked() else self.amount

    def set_value(self, percent: int | None, amount: int | None) -> None:
        self.percent.setValue(percent or 10)
        if amount is not None:
            self.amount.setText(to_input_text(amount, self.profile.currency))
        (self.by_amount if amount is not None else self.by_percent).setChecked(True)
        self.percent.setEnabled(amount is None)
        self.amount.setEnabled(amount is not None)

    def value(self) -> tuple[int | None, int | None]:
        """(percent, None) or (None, amount in minor units); InvalidInput ("value") when the
        amount is missing or not money."""
        if self.by_percent.isChecked():
            return self.percent.value(), None
        text = self.amount.text()
        if not text.strip():
            raise InvalidInput("value", "Please enter the amount off, like 5.00.")
        return None, parse_amount(text, self.profile.currency, "value", self.profile.locale)
