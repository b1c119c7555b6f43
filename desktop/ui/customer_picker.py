"""Choosing who is buying: type to find, Enter picks; a new customer inline; or nobody."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.shop.customers import CustomerDetails, get_customer, normalise_email, normalise_phone
from desktop.shop.directory import CustomerRow, browse
from desktop.shop.errors import InvalidInput
from desktop.shop.text import clean_line
from desktop.store.shopfile import ShopDatabase
from desktop.ui.inline_errors import error_label

MATCHES_SHOWN = 8
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
NEW_FIELDS = ("name", "email", "phone")


@dataclass(frozen=True)
class CustomerChoice:
    """Who the sale is for: an existing customer, a new one to add with the sale, or nobody."""

    customer_id: int | None = None
    new_customer: CustomerDetails | None = None
    label: str = ""


NOBODY_LABEL = "No customer (anonymous sale)"


def describe(row: CustomerRow) -> str:
    """'Zoë Ó'Brien — zoe@example.com · 07700 900123 · SW1A 1AA'"""
    details = " · ".join(part for part in (row.email, row.phone, row.postcode) if part)
    return f"{row.name} — {details}" if details else row.name


class CustomerPicker(QWidget):
    """`chosen` fires once a choice is made, so the dialog can move on to the items.

    `nobody_label` says what choosing no one means where the picker is used (a sale without a
    customer, a voucher for the bearer); `nobody` is that choice."""

    chosen = Signal()

    def __init__(
        self,
        shop: ShopDatabase,
        country: str,
        parent: QWidget | None = None,
        *,
        nobody_label: str = NOBODY_LABEL,
    ) -> None:
        super().__init__(parent)
        self._shop = shop
        self._country = country
        self._choice: CustomerChoice | None = None
        self.nobody = CustomerChoice(label=nobody_label)

        self.search = QLineEdit()
        self.search.setPlaceholderText(
            "Type a name, email, phone or postcode and press Enter — leave empty for no customer"
        )
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.hide()
        self.summary = QLabel(self.nobody.label)
        self.summary.setWordWrap(True)
        self.error = error_label()

        self.new_form = QWidget()
        self.new_name = QLineEdit()
        self.new_email = QLineEdit()
        self.new_phone = QLineEdit()
        self.new_name.setPlaceholderText("Full name (required)")
        self.new_email.setPlaceholderText("Optional")
        self.new_phone.setPlaceholderText("Optional")
        use = QPushButton("Use this new customer")
        use.setAutoDefault(False)
        use.clicked.connect(self._confirm_new)
        back = QPushButton("Back to search")
        back.setAutoDefault(False)
        back.clicked.connect(self._leave_new_form)
        form = QFormLayout(self.new_form)
        form.setContentsMargins(0, 4, 0, 0)
        form.addRow("Name", self.new_name)
        form.addRow("Email", self.new_email)
        form.addRow("Phone", self.new_phone)
        buttons = QHBoxLayout()
        buttons.addWidget(use)
        buttons.addWidget(back)
        buttons.addStretch(1)
        form.addRow("", buttons)
        self.new_form.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addWidget(self.new_form)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)

        self.search.textEdited.connect(self._search)
        self.search.installEventFilter(self)
        self.results.itemActivated.connect(lambda _item: self._pick_current())
        self.results.itemClicked.connect(lambda _item: self._pick_current())
        for field in (self.new_name, self.new_email, self.new_phone):
            field.installEventFilter(self)

    def choice(self) -> CustomerChoice | None:
        """The settled choice; None while something is typed but nothing picked from the list."""
        if self._choice is None and not self.search.text().strip():
            return self.nobody
        return self._choice

    def preselect(self, customer_id: int) -> None:
        with self._shop.read() as session:
            customer = get_customer(session, customer_id)
            row = CustomerRow(
                customer.id,
                customer.name,
                customer.email,
                customer.phone,
                customer.postcode,
                customer.last_seen_at,
                customer.visit_count,
                customer.total_spent,
            )
        self._pick_existing(row, announce=False)

    def show_error(self, message: str, field: str | None = None) -> None:
        """Show a message under the picker; for a new customer's field, put the cursor there."""
        self.error.setText(message)
        self.error.show()
        if field in NEW_FIELDS and self._choice is not None and self._choice.new_customer:
            self._open_new_form(self._choice.new_customer)
            self._new_field(field).setFocus()
        else:
            self.search.setFocus()

    def clear_error(self) -> None:
        self.error.clear()
        self.error.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if watched is self.search:
            return self._search_key(key, plain)
        if plain and key in ENTER_KEYS:
            self._new_form_enter(watched)
            return True
        if key == Qt.Key.Key_Escape:
            self._leave_new_form()
            return True
        return super().eventFilter(watched, event)

    def _search_key(self, key: int, plain: bool) -> bool:
        listing = self.results.isVisible() and self.results.count() > 0
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and listing:
            step = 1 if key == Qt.Key.Key_Down else -1
            row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
            self.results.setCurrentRow(row)
            return True
        if key == Qt.Key.Key_Escape and listing:
            self.results.hide()
            return True
        if key in ENTER_KEYS and plain:
            if listing:
                self._pick_current()
            elif self._choice is None and self.search.text().strip():
                self._search(self.search.text())
            else:
                self._settle(self._choice or self.nobody)
            return True
        return False

    def _search(self, text: str) -> None:
        self._choice = None
        self.clear_error()
        self.summary.setText("")
        self.results.clear()
        if not text.strip():
            self.results.hide()
            self.summary.setText(self.nobody.label)
            return
        with self._shop.read() as session:
            rows = browse(session, text, limit=MATCHES_SHOWN).rows
        for row in rows:
            item = QListWidgetItem(describe(row))
            item.setData(Qt.ItemDataRole.UserRole, row)
            self.results.addItem(item)
        new = QListWidgetItem(f"➕ New customer “{text.strip()}”…")
        new.setData(Qt.ItemDataRole.UserRole, "new")
        self.results.addItem(new)
        nobody = QListWidgetItem(self.nobody.label)
        nobody.setData(Qt.ItemDataRole.UserRole, "nobody")
        self.results.addItem(nobody)
        self.results.setCurrentRow(0)
        # As tall as its rows, so the items below stay in view.
        rows_height = sum(self.results.sizeHintForRow(i) for i in range(self.results.count()))
        self.results.setFixedHeight(min(rows_height + 2 * self.results.frameWidth(), 220))
        self.results.show()

    def _pick_current(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        value = item.data(Qt.ItemDataRole.UserRole)
        self.results.hide()
        if isinstance(value, CustomerRow):
            self._pick_existing(value)
        elif value == "new":
            self._open_new_form(self._guess_details(self.search.text().strip()))
        else:
            self.search.clear()
            self._settle(self.nobody)

    def _pick_existing(self, row: CustomerRow, *, announce: bool = True) -> None:
        self.search.setText(row.name)
        seen = "no visits yet"
        if row.last_seen_at is not None:
            visits = f"{row.visit_count} visit{'s' if row.visit_count != 1 else ''}"
            seen = f"{visits}, last on {row.last_seen_at.astimezone():%d %b %Y}"
        choice = CustomerChoice(customer_id=row.id, label=f"✓ {describe(row)} ({seen})")
        if announce:
            self._settle(choice)
        else:
            self._choice = choice
            self.summary.setText(choice.label)

    def _settle(self, choice: CustomerChoice) -> None:
        self._choice = choice
        self.summary.setText(choice.label)
        self.clear_error()
        self.chosen.emit()

    def _guess_details(self, typed: str) -> CustomerDetails:
        """Put what was typed in the field it looks like: an email, a phone number or a name."""
        if "@" in typed:
            return CustomerDetails(name="", email=typed)
        if typed and sum(ch.isdigit() for ch in typed) >= len(typed.replace(" ", "")) - 1:
            return CustomerDetails(name="", phone=typed)
        return CustomerDetails(name=typed)

    def _open_new_form(self, details: CustomerDetails) -> None:
        self.new_name.setText(details.name)
        self.new_email.setText(details.email)
        self.new_phone.setText(details.phone)
        self.new_form.show()
        self.summary.setText("New customer — added to your customers when the sale is saved.")
        first_empty = next((f for f in NEW_FIELDS if not self._new_field(f).text()), "email")
        self._new_field("name" if not details.name else first_empty).setFocus()

    def _new_field(self, field: str) -> QLineEdit:
        return {"name": self.new_name, "email": self.new_email, "phone": self.new_phone}.get(
            field, self.new_name
        )

    def _new_form_enter(self, watched: QObject) -> None:
        order = [self.new_name, self.new_email, self.new_phone]
        if watched is self.new_phone:
            self._confirm_new()
            return
        position = next((i for i, f in enumerate(order) if f is watched), 0)
        order[position + 1].setFocus()

    def _leave_new_form(self) -> None:
        self.new_form.hide()
        self.clear_error()
        if self._choice is None or self._choice.new_customer is None:
            self._choice = None
            self.summary.setText("")
        self.search.setFocus()

    def _confirm_new(self) -> None:
        """Check the new customer's details now, so a mistake shows before the sale is saved;
        the customer is added in the same transaction as the sale."""
        self.clear_error()
        details = CustomerDetails(
            name=self.new_name.text(),
            email=self.new_email.text(),
            phone=self.new_phone.text(),
            country=self._country,
        )
        try:
            name = clean_line(details.name, "name", required=True)
            email, _ = normalise_email(details.email)
            phone, _ = normalise_phone(details.phone, self._country)
        except InvalidInput as error:
            self.error.setText(str(error))
            self.error.show()
            self._new_field(error.field).setFocus()
            return
        self.new_form.hide()
        self.search.setText(name)
        shown = " · ".join(part for part in (name, email, phone) if part)
        self._settle(
            CustomerChoice(
                new_customer=details, label=f"➕ New customer: {shown} (added when you save)"
            )
        )
