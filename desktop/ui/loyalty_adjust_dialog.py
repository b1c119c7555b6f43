"""Adjust a member's points by hand: add or take away, always with the reason on record."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.errors import InvalidInput
from desktop.shop.loyalty_ledger import adjust_points
from desktop.shop.loyalty_rules import MAX_POINTS, Programme
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_format import mute
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, show_message


class AdjustDialog(QDialog):
    """Accepted once the change is stored (and `events` told)."""

    def __init__(
        self,
        shop: ShopDatabase,
        events: ShopEvents,
        account_id: int,
        name: str,
        balance: int,
        programme: Programme,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.account_id = account_id
        self.name = name
        self.balance = balance
        self.programme = programme
        self.setWindowTitle(f"Adjust {programme.unit_plural}")

        heading = QLabel(
            f"{name} has {programme.units(balance)}. A change by hand needs a reason: it stays "
            "in their history."
        )
        heading.setWordWrap(True)
        self.add = QRadioButton("&Add")
        self.take = QRadioButton("&Take away")
        self.add.setChecked(True)
        direction = QButtonGroup(self)
        direction.addButton(self.add)
        direction.addButton(self.take)
        self.points = QSpinBox()
        self.points.setRange(1, MAX_POINTS)
        self.points.setGroupSeparatorShown(True)
        self.points.setMinimumWidth(120)
        self.unit = QLabel()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. Points missed on receipt P-000123 (required)")
        self.reason.setMinimumWidth(360)
        self.after = QLabel()
        mute(self.after)
        self.error = error_label()

        how = QHBoxLayout()
        how.addWidget(self.add)
        how.addWidget(self.take)
        how.addSpacing(12)
        how.addWidget(self.points)
        how.addWidget(self.unit)
        how.addStretch(1)
        form = QFormLayout()
        form.addRow("Change", how)
        form.addRow("Reason", self.reason)
        form.addRow("", self.after)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        for radio in (self.add, self.take):
            radio.toggled.connect(self._update)
        self.points.valueChanged.connect(self._update)
        self._update()
        self.setMinimumWidth(560)
        self.points.setFocus()
        self.points.selectAll()

    def change(self) -> int:
        """The signed number of points the form asks for."""
        return self.points.value() * (-1 if self.take.isChecked() else 1)

    def _update(self) -> None:
        after = self.balance + self.change()
        plural = self.points.value() != 1
        self.unit.setText(self.programme.unit_plural if plural else self.programme.unit_singular)
        self.after.setText(f"{self.name} will have {self.programme.units(after)}.")
        show_message(self.error, "")

    def save(self) -> None:
        change, reason = self.change(), self.reason.text()
        try:
            with self.shop.write() as session:
                adjust_points(session, self.account_id, change, reason)
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            show_message(self.error, message)
            field = error.field if isinstance(error, InvalidInput) else ""
            (self.points if field == "points" else self.reason).setFocus()
            return
        self.events.changed.emit("loyalty")
        self.accept()
