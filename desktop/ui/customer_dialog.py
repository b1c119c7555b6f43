"""Adding a customer (with their marketing choices) or changing one's details."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.shop.consent import EMAIL_WORDING, POST_WORDING, ConsentChoice
from desktop.shop.customers import (
    CustomerDetails,
    create_customer,
    get_customer,
    unsaved_customer,
    update_customer,
)
from desktop.shop.duplicates import DuplicatePair, possible_duplicates
from desktop.shop.errors import InvalidInput, ShopError
from desktop.shop.settings import get_profile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_form import CustomerForm
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, fit_height

MAX_MATCHES_SHOWN = 3


class CustomerDialog(QDialog):
    """`chosen` carries the customer saved, or the existing one the person chose to open
    instead (then `opened_existing` is set); `customer_id` keeps it too."""

    chosen = Signal(int)

    def __init__(
        self,
        shop: ShopDatabase,
        events: ShopEvents,
        parent: QWidget | None = None,
        *,
        customer_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._shop = shop
        self._events = events
        self.customer_id = customer_id
        self.opened_existing = False
        self._adding = customer_id is None
        self._acknowledged: set[int] = set()
        self._open_buttons: QButtonGroup | None = None
        self._dirty = False
        with shop.read() as session:
            profile = get_profile(session)
            existing = None if customer_id is None else get_customer(session, customer_id)
            details = None if existing is None else CustomerDetails.of(existing)
        self.setWindowTitle("New customer" if details is None else f"Edit {details.name}")
        self.setMinimumWidth(560)

        self.form = CustomerForm(profile.locale, profile.country)
        if details is not None:
            self.form.set_details(details)
        self.form.changed.connect(self._mark_dirty)
        self.warning = QFrame()
        self.warning.setObjectName("duplicateWarning")
        self.warning.setStyleSheet(
            "QFrame#duplicateWarning { background: #fff4ce; border: 1px solid #e0b400;"
            " border-radius: 4px; } QFrame#duplicateWarning QLabel { color: #3d3000; }"
        )
        self.warning_layout = QVBoxLayout(self.warning)
        self.warning.hide()
        self.general_error = error_label()

        self.email_marketing = QCheckBox("Email")
        self.post_marketing = QCheckBox("Post")
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addWidget(self.form)
        if self._adding:
            layout.addWidget(self._marketing_box())
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.form.name.setFocus()

    def _marketing_box(self) -> QGroupBox:
        box = QGroupBox("Marketing — read the question out; tick only if they say yes")
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        for row, (check, wording) in enumerate(
            ((self.email_marketing, EMAIL_WORDING), (self.post_marketing, POST_WORDING))
        ):
            shown = QLabel(f"“{wording}”")
            shown.setWordWrap(True)
            shown.setBuddy(check)
            grid.addWidget(check, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(shown, row, 1)
            check.toggled.connect(self._mark_dirty)
        return box

    def _mark_dirty(self) -> None:
        self._dirty = True

    def _choices(self) -> tuple[ConsentChoice | None, ConsentChoice | None]:
        # The ledger keeps the exact words shown beside the ticked box.
        email = ConsentChoice(True, "consent", EMAIL_WORDING)
        post = ConsentChoice(True, "consent", POST_WORDING)
        return (
            email if self.email_marketing.isChecked() else None,
            post if self.post_marketing.isChecked() else None,
        )

    def save(self) -> None:
        """Check and save; problems appear under their fields and nothing is written."""
        self.form.clear_errors()
        self.general_error.hide()
        details = self.form.details()
        try:
            if self._adding:
                if self._warn_of_duplicates(details):
                    return
                email, post = self._choices()
                with self._shop.write() as session:
                    new_id = create_customer(
                        session, details, email_consent=email, post_consent=post
                    ).id
                self.customer_id = new_id
            elif self.customer_id is not None:
                with self._shop.write() as session:
                    update_customer(session, self.customer_id, details)
        except InvalidInput as error:
            self._show_problem(error.field, str(error))
            return
        except ShopError as error:
            self._show_problem("", str(error))
            return
        self._dirty = False
        self._events.changed.emit("customers")
        self.accept()
        if self.customer_id is not None:
            self.chosen.emit(self.customer_id)

    def _show_problem(self, field: str, message: str) -> None:
        if not self.form.show_error(field, message):
            self.general_error.setText(message)
            self.general_error.show()
        fit_height(self)

    def _warn_of_duplicates(self, details: CustomerDetails) -> bool:
        """True when there are look-alikes the person has not yet seen (so saving waits)."""
        with self._shop.read() as session:
            pairs = possible_duplicates(session, unsaved_customer(details))
            matches = [(p.second.id, p.second.name, _why(p)) for p in pairs]
        unseen = {customer_id for customer_id, _name, _why in matches} - self._acknowledged
        if not unseen:
            return False
        self._acknowledged |= unseen
        self._show_warning(matches)
        return True

    def _show_warning(self, matches: list[tuple[int, str, str]]) -> None:
        while (item := self.warning_layout.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        if self._open_buttons is not None:
            self._open_buttons.deleteLater()
        names = ", ".join(
            f"<b>{escape(name, quote=False)}</b> ({escape(why, quote=False)})"
            for _id, name, why in matches[:MAX_MATCHES_SHOWN]
        )
        more = len(matches) - MAX_MATCHES_SHOWN
        if more > 0:
            names += f" and {more} more"
        text = QLabel(
            f"Possibly the same person as {names}. Open the existing customer, "
            "or press <b>Save anyway</b> if this is someone else."
        )
        text.setWordWrap(True)
        self.warning_layout.addWidget(text)
        self._open_buttons = QButtonGroup(self.warning)
        self._open_buttons.idClicked.connect(self._open_existing)
        for customer_id, name, _why in matches[:MAX_MATCHES_SHOWN]:
            button = QPushButton(f"Open {name}")
            button.setAutoDefault(False)
            self._open_buttons.addButton(button, customer_id)
            self.warning_layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        self.warning.show()
        self.save_button.setText("Save anyway")
        fit_height(self)

    def _open_existing(self, customer_id: int) -> None:
        self.customer_id = customer_id
        self.opened_existing = True
        self._dirty = False
        self.accept()
        self.chosen.emit(customer_id)

    def reject(self) -> None:
        if self._dirty and not self._confirm_discard():
            return
        super().reject()

    def _confirm_discard(self) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question, "Aftercare", "Close without saving?", parent=self
        )
        box.setInformativeText("What you typed here will be lost.")
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        return box.clickedButton() is discard


def _why(pair: DuplicatePair) -> str:
    other = pair.second
    if pair.reason == "same email":
        return f"same email, {other.email}"
    if pair.reason == "same phone":
        return f"same phone, {other.phone}"
    return f"{pair.reason}, {other.postcode}"
