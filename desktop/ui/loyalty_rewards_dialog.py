"""The rewards catalogue: what members can spend their points on. A reward gives a voucher (an
amount or percentage off, or a free item); retired, never deleted, as the history points at it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.shop.catalogue import list_products
from desktop.shop.errors import InvalidInput
from desktop.shop.loyalty_rules import MAX_POINTS, Programme, get_programme
from desktop.shop.money import format_money, parse_amount, to_input_text
from desktop.shop.rewards import (
    GIVES,
    RewardInput,
    add_reward,
    describe_reward,
    list_rewards,
    retire_reward,
    update_reward,
)
from desktop.shop.settings import ShopProfile, get_profile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_format import mute
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, good_colour, show_message
from desktop.ui.shop_writes import write_or_say

HEADERS = ("Reward", "Costs", "Gives", "")
NO_PRODUCT = "(not a product: enter its value)"


@dataclass(frozen=True)
class RewardLine:
    """A reward as the list and the form show it."""

    id: int
    name: str
    cost: int
    gives: str
    percent: int | None
    amount: int | None
    product_id: int | None
    description: str  # '10% off', 'Free Mug (worth £9.00)'
    active: bool


class RewardsDialog(QDialog):
    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.setWindowTitle("Rewards")
        self.profile = ShopProfile()
        self.programme = Programme()
        self.rewards: list[RewardLine] = []
        self._editing: int | None = None

        self.show_retired = QCheckBox("Show retired rewards")
        self.show_retired.toggled.connect(lambda _on: self.reload())
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._chosen)

        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Free coffee, £5 off, Tote bag")
        self.cost = QSpinBox()
        self.cost.setRange(1, MAX_POINTS)
        self.cost.setGroupSeparatorShown(True)
        self.cost.setMinimumWidth(140)
        self.gives = QComboBox()
        for key, words in GIVES.items():
            self.gives.addItem(words, key)
        self.gives.currentIndexChanged.connect(lambda _index: self._gives_changed())
        self.percent = QSpinBox()
        self.percent.setRange(1, 100)
        self.percent.setSuffix("% off")
        self.amount = QLineEdit()
        self.product = QComboBox()
        self.product.currentIndexChanged.connect(lambda _index: self._gives_changed())
        self.percent_label = QLabel("Percentage")
        self.amount_label = QLabel("Amount off")
        self.product_label = QLabel("Item")
        self.add_button = QPushButton("Add as new reward")
        self.add_button.clicked.connect(self.add)
        self.save_button = QPushButton("Save changes")
        self.save_button.clicked.connect(self.save)
        self.retire_button = QPushButton("Retire")
        self.retire_button.clicked.connect(self.retire)
        clear = QPushButton("Clear form")
        clear.clicked.connect(self.clear_form)
        for button in (self.add_button, self.save_button, self.retire_button, clear):
            button.setAutoDefault(False)
        self.error = error_label()
        self.notice = QLabel()
        self.notice.setStyleSheet(f"color: {good_colour()};")

        form_box = QGroupBox("Reward")
        form = QFormLayout(form_box)
        form.addRow("Name", self.name)
        form.addRow("Costs", self.cost)
        form.addRow("Gives", self.gives)
        form.addRow(self.percent_label, self.percent)
        form.addRow(self.product_label, self.product)
        form.addRow(self.amount_label, self.amount)
        form_buttons = QHBoxLayout()
        for button in (self.add_button, self.save_button, self.retire_button, clear):
            form_buttons.addWidget(button)
        form_buttons.addStretch(1)
        form.addRow("", form_buttons)
        form.addRow("", self.error)
        form.addRow("", self.notice)
        hint = QLabel(
            "Redeeming a reward turns the member's points into a voucher for them. Changing a "
            "reward leaves vouchers already made as they were."
        )
        hint.setWordWrap(True)
        mute(hint)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.show_retired)
        layout.addWidget(self.table, 1)
        layout.addWidget(form_box)
        layout.addWidget(close)
        self.reload()
        self.clear_form()
        self.resize(640, 600)

    def reload(self) -> None:
        """Read the rewards (and products, for free items) again."""
        with self.shop.read() as session:
            self.profile = get_profile(session)
            self.programme = get_programme(session)
            rewards = list_rewards(session, active_only=not self.show_retired.isChecked())
            self.rewards = [
                RewardLine(
                    r.id,
                    r.name,
                    r.cost,
                    r.gives,
                    r.percent,
                    r.amount,
                    r.product_id,
                    describe_reward(session, r),
                    r.active,
                )
                for r in rewards
            ]
            products = [
                (p.id, f"{p.name} ({self._money(p.unit_price)})")
                for p in list_products(session)
                if p.unit_price > 0
            ]
        self.cost.setSuffix(f" {self.programme.unit_plural}")
        kept = self.product.currentData()
        self.product.blockSignals(True)
        self.product.clear()
        self.product.addItem(NO_PRODUCT, None)
        for product_id, text in products:
            self.product.addItem(text, product_id)
        self.product.setCurrentIndex(max(0, self.product.findData(kept)))
        self.product.blockSignals(False)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rewards))
        for row, line in enumerate(self.rewards):
            cells = (
                line.name,
                self.programme.units(line.cost),
                line.description,
                "" if line.active else "retired",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not line.active:
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(row, column, item)
            if line.id == self._editing:
                self.table.selectRow(row)
        self.table.blockSignals(False)
        self._update_buttons()

    def _money(self, minor: int) -> str:
        return format_money(minor, self.profile.currency, self.profile.locale)

    def _line(self) -> RewardLine | None:
        return next((r for r in self.rewards if r.id == self._editing), None)

    def _chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self._editing = None
            self._update_buttons()
            return
        line = self.rewards[rows[0].row()]
        self._editing = line.id
        self.name.setText(line.name)
        self.cost.setValue(line.cost)
        self.gives.setCurrentIndex(max(0, self.gives.findData(line.gives)))
        self.percent.setValue(line.percent or 10)
        self.product.setCurrentIndex(max(0, self.product.findData(line.product_id)))
        amount = line.amount
        shown = to_input_text(amount, self.profile.currency, self.profile.locale) if amount else ""
        self.amount.setText(shown)
        show_message(self.error, "")
        self.notice.setText("")
        self._gives_changed()
        self._update_buttons()

    def _gives_changed(self) -> None:
        gives = self.gives.currentData()
        free_item = gives == "free_item"
        by_value = gives == "amount" or (free_item and self.product.currentData() is None)
        shown: list[tuple[QWidget, bool]] = [
            (self.percent, gives == "percent"),
            (self.percent_label, gives == "percent"),
            (self.product, free_item),
            (self.product_label, free_item),
            (self.amount, by_value),
            (self.amount_label, by_value),
        ]
        for widget, visible in shown:
            widget.setVisible(visible)
        self.amount_label.setText("Item's value" if free_item else "Amount off")

    def _update_buttons(self) -> None:
        line = self._line()
        self.save_button.setEnabled(line is not None and line.active)
        self.retire_button.setEnabled(line is not None and line.active)

    def clear_form(self) -> None:
        self.table.clearSelection()
        self._editing = None
        self.name.clear()
        self.cost.setValue(100)
        self.gives.setCurrentIndex(0)
        self.percent.setValue(10)
        self.amount.clear()
        self.product.setCurrentIndex(0)
        show_message(self.error, "")
        self._gives_changed()
        self._update_buttons()
        self.name.setFocus()

    def _input(self) -> RewardInput | None:
        """What the form says; None after showing an amount that cannot be read."""
        gives = str(self.gives.currentData())
        data = RewardInput(name=self.name.text(), cost=self.cost.value(), gives=gives)
        if gives == "percent":
            data.percent = self.percent.value()
        elif gives == "free_item" and self.product.currentData() is not None:
            data.product_id = int(self.product.currentData())
        else:
            try:
                data.amount = parse_amount(
                    self.amount.text(), self.profile.currency, "value", self.profile.locale
                )
            except InvalidInput as error:
                show_message(self.error, str(error))
                self.amount.setFocus()
                return None
        return data

    def _write(self, change: Callable[[Session], object]) -> bool:
        self.notice.setText("")
        if not write_or_say(self.shop, self.error, change, self._focus_field):
            return False
        self.events.changed.emit("loyalty")
        return True

    def _focus_field(self, error: Exception) -> None:
        if isinstance(error, InvalidInput):
            fields: dict[str, QWidget] = {"reward name": self.name, "cost": self.cost}
            fields.get(error.field, self.amount).setFocus()

    def add(self) -> None:
        data = self._input()
        if data is not None and self._write(lambda session: add_reward(session, data)):
            self.clear_form()
            self.reload()
            self.notice.setText(f"Added “{data.name.strip()}”.")

    def save(self) -> None:
        reward_id, data = self._editing, self._input()
        if reward_id is None or data is None:
            return
        if self._write(lambda session: update_reward(session, reward_id, data)):
            self.reload()
            self.notice.setText(f"Saved “{data.name.strip()}”.")

    def retire(self) -> None:
        line = self._line()
        if line is None:
            return
        if self._write(lambda session: retire_reward(session, line.id)):
            self.clear_form()
            self.reload()
            self.notice.setText(f"“{line.name}” is retired: members can no longer choose it.")
