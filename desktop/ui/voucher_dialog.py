"""Issuing a voucher (kind, percentage or amount, minimum spend, expiry, terms, for whom) and
cancelling one with a reason; each problem is shown under the field it is about."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.shop.codes import format_code
from desktop.shop.customers import create_customer
from desktop.shop.errors import NotFound
from desktop.shop.money import parse_amount
from desktop.shop.settings import get_profile
from desktop.shop.vouchers import (
    VoucherTerms,
    describe_value,
    issue_voucher,
    validity_days,
    void_voucher,
)
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_picker import NEW_FIELDS, CustomerPicker
from desktop.ui.dialog_buttons import action_buttons
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, fit_height, show_message, with_error
from desktop.ui.reason_dialog import ReasonDialog
from desktop.ui.shop_writes import refusal, say_at
from desktop.ui.voucher_value import VoucherValueField

# "reward" vouchers come from the loyalty programme, not from this dialog.
ISSUED_KINDS = {
    "thank_you": "Thank you",
    "welcome_back": "Welcome back",
    "goodwill": "Goodwill (with our apologies)",
}


class IssueVoucherDialog(QDialog):
    """After Issue: `issued_code` and `issued_id` are set, and `print_now` says whether the
    shopkeeper wants the slip printed straight away."""

    def __init__(
        self,
        shop: ShopDatabase,
        events: ShopEvents,
        parent: QWidget | None = None,
        *,
        customer_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Issue a voucher")
        self.shop = shop
        self.events = events
        self.issued_code: str | None = None
        self.issued_id: int | None = None
        self.summary = ""
        with shop.read() as session:
            self.profile = get_profile(session)
            usual_days = validity_days(session)

        self.kind = QComboBox()
        self.kind.setMaximumWidth(300)
        for kind, title in ISSUED_KINDS.items():
            self.kind.addItem(title, kind)
        self.value = VoucherValueField(self.profile)
        self.min_spend = QLineEdit()
        self.min_spend.setPlaceholderText("none")
        self.min_spend.setMaximumWidth(120)
        self.expires = QDateEdit(QDate.currentDate().addDays(usual_days))
        self.expires.setCalendarPopup(True)
        self.expires.setDisplayFormat("d MMMM yyyy")
        self.expires.setMinimumDate(QDate.currentDate())
        self.expires.setMaximumWidth(200)
        self.terms = QLineEdit()
        self.terms.setPlaceholderText(
            "One line of small print (optional), e.g. Not valid on sale items"
        )
        self.for_customer = QRadioButton("A customer")
        self.for_bearer = QRadioButton("Whoever brings it")
        owners = QButtonGroup(self)
        owners.addButton(self.for_customer)
        owners.addButton(self.for_bearer)
        self.picker = CustomerPicker(
            shop, self.profile.country, nobody_label="For the bearer (anyone)"
        )
        self.picker.chosen.connect(self._picked)
        self.for_bearer.toggled.connect(self._owner_changed)
        if customer_id is not None:
            self.picker.preselect(customer_id)
            self.for_customer.setChecked(True)
        else:
            self.for_bearer.setChecked(True)
        self._owner_changed()
        self.print_now = QCheckBox("Print the slip now")
        self.print_now.setChecked(True)

        self.kind_error, self.value_error = error_label(), error_label()
        self.min_spend_error, self.expiry_error = error_label(), error_label()
        self.terms_error, self.form_error = error_label(), error_label()

        owner = QHBoxLayout()
        owner.addWidget(self.for_customer)
        owner.addWidget(self.for_bearer)
        owner.addStretch(1)
        form = QFormLayout()
        form.addRow("Kind", with_error(self.kind, self.kind_error))
        form.addRow("Value", with_error(self.value, self.value_error))
        form.addRow("Minimum spend", with_error(self.min_spend, self.min_spend_error))
        form.addRow("Valid until", with_error(self.expires, self.expiry_error))
        form.addRow("Terms", with_error(self.terms, self.terms_error))
        form.addRow("For", with_error(owner, self.picker))

        self.issue_button, buttons = action_buttons(
            self, "Issue voucher", self.issue, self.print_now
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.form_error)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(620)
        self.kind.setFocus()

    def _owner_changed(self) -> None:
        self.picker.setVisible(self.for_customer.isChecked())
        if self.for_customer.isChecked():
            self.picker.search.setFocus()

    def _picked(self) -> None:
        # Choosing "For the bearer (anyone)" in the list means just that.
        if self.picker.choice() is self.picker.nobody:
            self.for_bearer.setChecked(True)

    def _money(self, text: str, field: str) -> int | None:
        if not text.strip():
            return None
        return parse_amount(text, self.profile.currency, field, self.profile.locale)

    def terms_typed(self) -> VoucherTerms:
        """The terms as typed; InvalidInput naming the field for an amount that isn't money."""
        expires = self.expires.date()
        percent, amount = self.value.value()
        return VoucherTerms(
            kind=str(self.kind.currentData()),
            percent=percent,
            amount=amount,
            min_spend=self._money(self.min_spend.text(), "minimum spend") or 0,
            expires_on=date(expires.year(), expires.month(), expires.day()),
            terms=self.terms.text(),
            reason="Issued at the counter",
        )

    def issue(self) -> None:
        """Issue the voucher (adding a new customer in the same transaction if one was typed)."""
        for label in self._labels():
            show_message(label, "")
        self.picker.clear_error()
        choice = self.picker.choice() if self.for_customer.isChecked() else None
        if self.for_customer.isChecked() and (
            choice is None or (choice.customer_id is None and choice.new_customer is None)
        ):
            self.picker.show_error(
                "Type the customer's name and pick them from the list (Enter), "
                "or choose “Whoever brings it”."
            )
            fit_height(self)
            return
        try:
            terms = self.terms_typed()
            with self.shop.write() as session:
                if choice is not None and choice.new_customer is not None:
                    terms.customer_id = create_customer(session, choice.new_customer).id
                elif choice is not None:
                    terms.customer_id = choice.customer_id
                voucher = issue_voucher(session, terms)
                self.issued_code, self.issued_id = voucher.code, voucher.id
                owner = voucher.customer.name if voucher.customer else "whoever brings it"
                value = describe_value(voucher, self.profile.locale)
        except Exception as error:
            self._show_error(error)
            return
        self.summary = f"Issued {format_code(self.issued_code)}: {value} for {owner}."
        self.events.changed.emit("vouchers")
        if choice is not None and choice.new_customer is not None:
            self.events.changed.emit("customers")
        self.accept()

    def _labels(self) -> list[QLabel]:
        return [
            self.kind_error,
            self.value_error,
            self.min_spend_error,
            self.expiry_error,
            self.terms_error,
            self.form_error,
        ]

    def _show_error(self, error: BaseException) -> None:
        message, field = refusal(error)
        if field in NEW_FIELDS or (isinstance(error, NotFound) and "customer" in message):
            self.picker.show_error(message, field)
            fit_height(self)
            return
        places: dict[str | None, tuple[QLabel, QWidget]] = {
            "kind": (self.kind_error, self.kind),
            "value": (self.value_error, self.value.chosen_field()),
            "minimum spend": (self.min_spend_error, self.min_spend),
            "expiry": (self.expiry_error, self.expires),
            "terms": (self.terms_error, self.terms),
        }
        say_at(self, *places.get(field, (self.form_error, self.issue_button)), message)


class CancelVoucherDialog(ReasonDialog):
    """Cancel an unused voucher: it stays on record and can never be used."""

    changes = ("vouchers",)

    def __init__(
        self,
        shop: ShopDatabase,
        events: ShopEvents,
        voucher_id: int,
        described: str,
        parent: QWidget | None = None,
    ) -> None:
        self.voucher_id = voucher_id
        super().__init__(
            shop,
            events,
            title="Cancel voucher",
            heading=f"<b>Cancel {escape(described)}?</b>",
            details=None,
            explanation="It stays on record, marked cancelled, and a scan of it will say so. "
            "This cannot be undone.",
            placeholder="Why? For example: issued by mistake, customer asked",
            action="Cancel voucher",
            parent=parent,
        )
        self.cancel_button = self.action_button

    def perform(self, session: Session, reason: str) -> None:
        void_voucher(session, self.voucher_id, reason)
