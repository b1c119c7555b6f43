"""Recording a sale at the counter: keyboard first, and a barcode scanner just works.

Customer (type, Enter) → item (scan + Enter adds it; a name or free text + Enter goes on to
quantity and price, Enter adds the line) → Alt+1/2/3 for the channel → Ctrl+Enter saves.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, QEvent, QObject, Qt
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.catalogue import find_product, list_products
from desktop.shop.customers import create_customer
from desktop.shop.errors import DuplicateReference, InvalidInput, NotFound, ShopError
from desktop.shop.money import parse_amount, to_input_text
from desktop.shop.purchases import CHANNELS, MAX_QUANTITY, PurchaseInput, record_purchase
from desktop.shop.settings import get_profile
from desktop.shop.till_rewards import record_with_reward
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_picker import ENTER_KEYS, NEW_FIELDS, CustomerPicker
from desktop.ui.events import ShopEvents

# Re-exported for the loyalty screens that still import them from here.
from desktop.ui.inline_errors import error_label, show_message
from desktop.ui.purchase_table import EntryLine, PurchaseLinesModel
from desktop.ui.reward_discount import RewardDiscountBox

DETAIL_FIELDS = ("reference", "date", "note", "channel")


class PurchaseDialog(QDialog):
    def __init__(
        self,
        shop: ShopDatabase,
        events: ShopEvents,
        parent: QWidget | None = None,
        customer_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.saved_reference: str | None = None
        self.saved_id: int | None = None
        with shop.read() as session:
            self.profile = get_profile(session)
            product_names = [p.name for p in list_products(session)]
        self.setWindowTitle("New purchase")
        self.resize(860, 700)

        self.picker = CustomerPicker(shop, self.profile.country)
        self.lines = PurchaseLinesModel(self.profile.currency, self.profile.locale, self)
        self._build_items(product_names)
        details = self._build_details()
        self.form_error = error_label()
        self.save_button = QPushButton("Save purchase   Ctrl+Enter")
        cancel = QPushButton("Cancel   Esc")
        for button in (self.save_button, cancel):
            button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)

        customer_box = QGroupBox("Customer")
        customer_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        QVBoxLayout(customer_box).addWidget(self.picker)
        buttons = QHBoxLayout()
        buttons.addWidget(self.form_error, 1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(customer_box)
        layout.addWidget(self.items_box, 1)
        layout.addWidget(details)
        layout.addLayout(buttons)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save)
        self.picker.chosen.connect(self._customer_chosen)
        self.picker.search.textEdited.connect(lambda _text: self.reward.set_customer(None))
        self.reward.changed.connect(self._update_total)
        self.lines.problem.connect(lambda message: show_message(self.lines_error, message))
        for signal in (self.lines.rowsInserted, self.lines.rowsRemoved, self.lines.dataChanged):
            signal.connect(self._update_total)
        self._update_total()
        if customer_id is not None:
            self.picker.preselect(customer_id)
            self.reward.set_customer(customer_id)
            self.item.setFocus()
        else:
            self.picker.search.setFocus()

    def _build_items(self, product_names: list[str]) -> None:
        self.item = QLineEdit()
        self.item.setPlaceholderText("Scan a barcode, or type a product or a description")
        self.completer = QCompleter(product_names, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.suggestions = QListView()
        self.completer.setPopup(self.suggestions)
        self.item.setCompleter(self.completer)
        self.quantity = QSpinBox()
        self.quantity.setRange(1, MAX_QUANTITY)
        self.quantity.setMinimumWidth(70)
        self.price = QLineEdit()
        self.price.setPlaceholderText(to_input_text(0, self.profile.currency, self.profile.locale))
        self.price.setMaximumWidth(110)
        add = QPushButton("Add line   Enter")
        add.setAutoDefault(False)
        add.clicked.connect(self.add_entry)
        for widget in (self.item, self.quantity, self.price):
            widget.installEventFilter(self)
        self.suggestions.installEventFilter(self)

        self.table = QTableView()
        self.table.setModel(self.lines)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        delete = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        delete.activated.connect(self.remove_selected_line)
        self.entry_error = error_label()
        self.lines_error = error_label()
        self.total_label = QLabel()
        font = QFont(self.total_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.total_label.setFont(font)
        hint = QLabel("F2 changes a line's quantity or price · Delete removes the selected line")
        hint.setEnabled(False)
        self.reward = RewardDiscountBox(self.shop)

        self.items_box = QGroupBox("Items")
        entry = QHBoxLayout()
        entry.addWidget(self.item, 1)
        entry.addWidget(QLabel("Qty"))
        entry.addWidget(self.quantity)
        entry.addWidget(QLabel("Price"))
        entry.addWidget(self.price)
        entry.addWidget(add)
        footer = QHBoxLayout()
        footer.addWidget(hint, 1)
        footer.addWidget(self.total_label)
        box = QVBoxLayout(self.items_box)
        box.addLayout(entry)
        box.addWidget(self.entry_error)
        box.addWidget(self.table, 1)
        box.addWidget(self.lines_error)
        box.addWidget(self.reward)
        box.addLayout(footer)

    def _build_details(self) -> QGroupBox:
        self.channels = QButtonGroup(self)
        channel_row = QHBoxLayout()
        for number, (code, name) in enumerate(CHANNELS.items(), start=1):
            radio = QRadioButton(f"{name}  (Alt+{number})")
            radio.setProperty("channel", code)
            self.channels.addButton(radio, number)
            channel_row.addWidget(radio)
            QShortcut(QKeySequence(f"Alt+{number}"), self, radio.click)
        channel_row.addStretch(1)
        first = self.channels.button(1)
        first.setChecked(True)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("Automatic — or type the order number")
        self.when = QDateTimeEdit(QDateTime.currentDateTime())
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        self._when_changed = False
        self.when.dateTimeChanged.connect(self._mark_when_changed)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("Anything to remember about this sale")
        self.note.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.details_error = error_label()

        box = QGroupBox("Details")
        grid = QGridLayout(box)
        grid.addWidget(QLabel("Channel"), 0, 0)
        grid.addLayout(channel_row, 0, 1, 1, 3)
        grid.addWidget(QLabel("Reference"), 1, 0)
        grid.addWidget(self.reference, 1, 1)
        grid.addWidget(QLabel("Date and time"), 1, 2)
        grid.addWidget(self.when, 1, 3)
        grid.addWidget(QLabel("Note"), 2, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.note, 2, 1, 1, 3)
        grid.addWidget(self.details_error, 3, 1, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return box

    def _mark_when_changed(self) -> None:
        self._when_changed = True

    def channel(self) -> str:
        checked = self.channels.checkedButton()
        return str(checked.property("channel")) if checked else "in_shop"

    def _customer_chosen(self) -> None:
        choice = self.picker.choice()
        self.reward.set_customer(choice.customer_id if choice is not None else None)
        self.item.setFocus()

    def _update_total(self) -> None:
        total = self.lines.total()
        offer = self.reward.applied
        if offer is None:
            self.total_label.setText(f"Total {self.lines.money(total)}")
            return
        off = offer.discount(total)
        self.total_label.setText(
            f"Total {self.lines.money(total)} − {self.lines.money(off)} reward "
            f"= {self.lines.money(total - off)}"
        )

    # Keys: Enter moves along the entry row; the completer's list must not swallow it.
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if event.key() not in ENTER_KEYS or not plain:
            return super().eventFilter(watched, event)
        popup = self.suggestions
        if watched is self.item or watched is popup:
            if popup.isVisible():
                current = popup.currentIndex()
                if current.isValid():
                    self.item.setText(str(current.data()))
                popup.hide()
            self.item_entered()
        elif watched is self.quantity:
            self.quantity.interpretText()
            self.price.setFocus()
            self.price.selectAll()
        elif watched is self.price:
            self.add_entry()
        else:
            return super().eventFilter(watched, event)
        return True

    def item_entered(self) -> None:
        """Enter in the item field: a scanned code adds the product at once; a product name
        fills in its price; then on to the quantity."""
        show_message(self.entry_error, "")
        text = self.item.text().strip()
        if not text:
            if self.lines.rowCount():
                show_message(self.entry_error, "Press Ctrl+Enter to save the purchase.")
            return
        with self.shop.read() as session:
            product = find_product(session, text)
        if product is not None and (product.sku or "").upper() == text.upper():
            self._add_line(EntryLine(product.name, 1, product.unit_price, product.id))
            return
        if product is not None:
            self.item.setText(product.name)
            self.price.setText(
                to_input_text(product.unit_price, self.profile.currency, self.profile.locale)
            )
        self.quantity.setFocus()
        self.quantity.selectAll()

    def add_entry(self) -> None:
        """Add what the entry row holds as a line (a catalogue product when it names one)."""
        show_message(self.entry_error, "")
        text = self.item.text().strip()
        if not text:
            show_message(self.entry_error, "Type or scan what was bought first.")
            self.item.setFocus()
            return
        with self.shop.read() as session:
            product = find_product(session, text)
        try:
            if product is not None and not self.price.text().strip():
                price = product.unit_price
            else:
                price = parse_amount(
                    self.price.text(), self.profile.currency, "price", self.profile.locale
                )
        except InvalidInput as error:
            show_message(self.entry_error, str(error))
            self.price.setFocus()
            self.price.selectAll()
            return
        self.quantity.interpretText()
        if product is not None:
            line = EntryLine(product.name, self.quantity.value(), price, product.id)
        else:
            line = EntryLine(text, self.quantity.value(), price)
        self._add_line(line)

    def _add_line(self, line: EntryLine) -> None:
        row = self.lines.add(line)
        self.table.selectRow(row)
        self.table.scrollTo(self.lines.index(row, 0))
        show_message(self.lines_error, "")
        self.item.clear()
        self.quantity.setValue(1)
        self.price.clear()
        self.item.setFocus()

    def remove_selected_line(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            row = rows[0].row()
            self.lines.remove(row)
            if self.lines.rowCount():
                self.table.selectRow(min(row, self.lines.rowCount() - 1))

    def _purchased_at(self) -> QDateTime | None:
        return self.when.dateTime() if self._when_changed else None

    def save(self) -> None:
        """Ctrl+Enter: record the sale (and a new customer with it) in one transaction."""
        for label in (self.entry_error, self.lines_error, self.details_error, self.form_error):
            show_message(label, "")
        self.picker.clear_error()
        choice = self.picker.choice()
        if choice is None:
            self.picker.show_error(
                "Pick the customer from the list (Enter), or clear the box for a sale "
                "without a customer."
            )
            return
        if self.item.text().strip():
            show_message(
                self.entry_error,
                f"“{self.item.text().strip()}” is typed but not added yet: press Enter to add "
                "it, or clear it.",
            )
            self.item.setFocus()
            return
        when = self._purchased_at()
        purchase_input = PurchaseInput(
            lines=self.lines.line_inputs(),
            customer_id=choice.customer_id,
            channel=self.channel(),
            reference=self.reference.text(),
            purchased_at=(
                datetime.fromtimestamp(when.toSecsSinceEpoch(), UTC) if when is not None else None
            ),
            note=self.note.toPlainText(),
        )
        try:
            with self.shop.write() as session:
                if choice.new_customer is not None:
                    customer = create_customer(session, choice.new_customer)
                    purchase_input.customer_id = customer.id
                if self.reward.applied is not None and self.reward.account is not None:
                    purchase, _ = record_with_reward(
                        session, purchase_input, self.reward.account, self.reward.applied.reward_id
                    )
                else:
                    purchase = record_purchase(session, purchase_input)
                self.saved_reference, self.saved_id = purchase.reference, purchase.id
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            self._show_error(error, message)
            return
        self.events.changed.emit("purchases")
        self.events.changed.emit("customers")
        if self.reward.applied is not None:
            self.events.changed.emit("loyalty")
            self.events.changed.emit("vouchers")
        self.accept()

    def _show_error(self, error: BaseException, message: str) -> None:
        """Put the shop's message next to what it is about, and the cursor there."""
        field = error.field if isinstance(error, InvalidInput) else None
        if field in NEW_FIELDS or (isinstance(error, NotFound) and "customer" in message):
            self.picker.show_error(message, field)
        elif isinstance(error, DuplicateReference) or field in DETAIL_FIELDS:
            show_message(self.details_error, message)
            target = {"date": self.when, "note": self.note}.get(field or "", self.reference)
            target.setFocus()
        elif isinstance(error, ShopError) and (field or "").startswith(
            ("lines", "quantity", "price", "description")
        ):
            show_message(self.lines_error, message)
            named = re.search(r"line (\d+)", message)
            if named:
                self.table.selectRow(int(named.group(1)) - 1)
            (self.table if self.lines.rowCount() else self.item).setFocus()
        else:
            show_message(self.form_error, message)

    def has_unsaved_work(self) -> bool:
        return self.lines.rowCount() > 0 or bool(self.item.text().strip())

    def reject(self) -> None:
        """Escape or Cancel: ask before throwing typed lines away."""
        if self.has_unsaved_work():
            count = self.lines.rowCount()
            box = QMessageBox(
                QMessageBox.Icon.Question,
                "Discard this purchase?",
                "Discard this purchase?",
                parent=self,
            )
            box.setInformativeText(
                f"The {count} line{'s' if count != 1 else ''} you entered will be lost."
                if count
                else f"“{self.item.text().strip()}” is typed but not added."
            )
            discard = box.addButton("Discard purchase", QMessageBox.ButtonRole.DestructiveRole)
            keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(keep)
            box.exec()
            if box.clickedButton() is not discard:
                return
        super().reject()
