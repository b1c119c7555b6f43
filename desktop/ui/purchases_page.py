"""The Purchases page: every sale newest first, find one by reference, void one, record one."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QMetaMethod, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.money import format_money
from desktop.shop.purchases import CHANNELS, PurchaseRow, find_purchase, get_purchase
from desktop.shop.settings import get_profile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import Freshness, ShopEvents
from desktop.ui.inline_errors import error_label, show_message
from desktop.ui.list_view import list_view
from desktop.ui.purchase_dialog import PurchaseDialog
from desktop.ui.purchase_table import PurchaseTableModel, local_time
from desktop.ui.void_dialog import VoidDialog

REFRESHED_BY = ("purchases", "customers", "settings")


class PurchasesPage(QWidget):
    """`show_customer_requested(id)`: the main window opens that customer's page."""

    show_customer_requested = Signal(int)

    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events

        self.find_box = QLineEdit()
        self.find_box.setPlaceholderText("Find a reference, e.g. P-000123 or just 123, then Enter")
        self.find_box.setClearButtonEnabled(True)
        self.find_box.returnPressed.connect(self.find_reference)
        self.find_box.textChanged.connect(self._find_text_changed)
        self.show_all_button = QPushButton("Show all")
        self.show_all_button.clicked.connect(self.show_all)
        self.show_all_button.hide()
        self.new_button = QPushButton("New purchase…")
        self.new_button.clicked.connect(self.new_purchase)
        self.void_button = QPushButton("Void…")
        self.void_button.clicked.connect(self.void_selected)
        self.customer_button = QPushButton("Show customer")
        self.customer_button.clicked.connect(self.show_customer)
        self.message = error_label()

        self.model = PurchaseTableModel(shop, self)
        widths = {0: 150, 1: 150, 3: 130, 4: 110}
        self.table = list_view(self.model, stretch=(2,), widths=widths)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.show_customer())
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table, self.void_selected).setContext(
            Qt.ShortcutContext.WidgetShortcut
        )

        top = QHBoxLayout()
        top.addWidget(QLabel("Find reference"))
        top.addWidget(self.find_box, 1)
        top.addWidget(self.show_all_button)
        top.addSpacing(16)
        top.addWidget(self.new_button)
        top.addWidget(self.void_button)
        top.addWidget(self.customer_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)

        self.freshness = Freshness(self, events, REFRESHED_BY, self.refresh)
        self._selection_changed()

    def activate(self) -> None:
        """Shown by the main window: catch up on changes made elsewhere, keys to the list."""
        self.freshness.catch_up()
        self.table.setFocus()
        if self.selected_row() is None and self.model.rowCount():
            self.table.selectRow(0)

    def refresh(self) -> None:
        """Read the list again, keeping the selected purchase when it is still there."""
        selected = self.selected_row()
        self.model.refresh()
        if selected is not None:
            self._select(selected.id)
        self._selection_changed()

    def selected_row(self) -> PurchaseRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def _select(self, purchase_id: int) -> bool:
        row = self.model.row_of(purchase_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _selection_changed(
        self,
        _selected: QItemSelection | None = None,
        _deselected: QItemSelection | None = None,
    ) -> None:
        row = self.selected_row()
        self.void_button.setEnabled(row is not None and not row.voided)
        self.customer_button.setEnabled(row is not None and row.customer_id is not None)
        self.details.setText(self._describe(row) if row is not None else self._hint())

    def _hint(self) -> str:
        if self.model.rowCount():
            return "Choose a purchase to see what was bought."
        if self.model.reference is not None:
            return ""
        return "No purchases yet. Press “New purchase…” (Ctrl+N) to record the first sale."

    def _describe(self, row: PurchaseRow) -> str:
        """What was bought, for the purchase selected in the list."""
        with self.shop.read() as session:
            locale = get_profile(session).locale
            purchase = get_purchase(session, row.id)
            lines = [
                f"{line.quantity} × {line.description} at "
                f"{format_money(line.unit_price, purchase.currency, locale)}"
                for line in purchase.lines
            ]
            note = purchase.note
        who = row.customer_name or "No customer"
        channel = CHANNELS.get(row.channel, row.channel)
        text = f"{row.reference} · {local_time(row.purchased_at)} · {channel} · {who}\n"
        text += "; ".join(lines)
        text += f"\nTotal {format_money(row.total, row.currency, locale)}"
        if note:
            text += f"\nNote: {note}"
        if row.voided and row.voided_at is not None:
            text += f"\nVoided on {local_time(row.voided_at)}: {row.void_reason}"
        return text

    def _find_text_changed(self, text: str) -> None:
        show_message(self.message, "")
        if not text.strip() and self.model.reference is not None:
            self.show_all()

    def find_reference(self) -> None:
        """Enter in the find box: show just that purchase, or say it isn't there."""
        show_message(self.message, "")
        if not self.find_box.text().strip():
            self.show_all()
            return
        try:
            with self.shop.read() as session:
                purchase = find_purchase(session, self.find_box.text())
                reference, purchase_id = purchase.reference, purchase.id
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            show_message(self.message, message)
            return
        self.model.show_only(reference)
        self.show_all_button.show()
        self._select(purchase_id)
        self._selection_changed()
        self.table.setFocus()

    def show_all(self) -> None:
        self.show_all_button.hide()
        self.model.show_only(None)
        self._selection_changed()

    def new_purchase(self) -> None:
        dialog = PurchaseDialog(self.shop, self.events, self)
        # The list has already refreshed itself on the dialog's "purchases" event.
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved_id is not None:
            self._select(dialog.saved_id)

    def void_selected(self) -> None:
        row = self.selected_row()
        if row is None or row.voided:
            return
        VoidDialog(self.shop, self.events, row.id, self).exec()

    def show_customer(self) -> None:
        row = self.selected_row()
        if row is None or row.customer_id is None:
            return
        if self.isSignalConnected(QMetaMethod.fromSignal(self.show_customer_requested)):
            self.show_customer_requested.emit(row.customer_id)
        else:
            self._customer_window(row.customer_id)

    def _customer_window(self, customer_id: int) -> None:
        """The customer in a window of its own, where no main window is there to show them."""
        from desktop.ui.customer_view import CustomerView

        dialog = QDialog(self)
        view = CustomerView(self.shop, self.events, dialog)
        view.show_customer(customer_id)
        view.back_requested.connect(dialog.accept)
        view.record_purchase_requested.connect(
            lambda customer: PurchaseDialog(self.shop, self.events, dialog, customer).exec()
        )
        QVBoxLayout(dialog).addWidget(view)
        dialog.setWindowTitle("Customer")
        dialog.resize(820, 620)
        dialog.exec()
