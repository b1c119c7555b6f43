"""The Customers page: search as you type, the list, and each customer's own page."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.shop.directory import PAGE_SIZE, count_customers
from desktop.store.shopfile import ShopDatabase
from desktop.ui import customer_table as columns
from desktop.ui.customer_dialog import CustomerDialog
from desktop.ui.customer_format import mute
from desktop.ui.customer_table import CustomerTableModel
from desktop.ui.customer_view import CustomerView
from desktop.ui.duplicates_dialog import DuplicatesDialog
from desktop.ui.events import ShopEvents
from desktop.ui.list_view import list_view

SEARCH_HINT = "Search name, email, phone or postcode"
KEYS_HINT = "↓ goes to the list · Enter opens · Ctrl+Shift+N adds a customer"
_WIDTHS = {
    columns.PHONE: 150,
    columns.POSTCODE: 90,
    columns.LAST_SEEN: 110,
    columns.VISITS: 60,
    columns.SPENT: 100,
}
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class CustomersPage(QWidget):
    """Customers: the list (search box, table, hint line) or one customer's page."""

    record_purchase_requested = Signal(int)

    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self._total = 0
        self._duplicates: DuplicatesDialog | None = None

        self.search = QLineEdit()
        self.search.setPlaceholderText(SEARCH_HINT)
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search customers")
        # Each keystroke searches at once: a search plus the list reset takes a few
        # milliseconds on 100,000 customers, so waiting would only feel slower.
        self.search.textChanged.connect(self._search_changed)
        self.search.installEventFilter(self)
        self.new_button = QPushButton("New customer")
        self.new_button.setToolTip("Add a customer (Ctrl+Shift+N)")
        self.new_button.clicked.connect(self.new_customer)
        self.duplicates_button = QPushButton("Possible duplicates…")
        self.duplicates_button.clicked.connect(self.show_duplicates)

        self.model = CustomerTableModel(shop, self)
        self.table = list_view(self.model, stretch=(columns.NAME, columns.EMAIL), widths=_WIDTHS)
        self.table.doubleClicked.connect(self._open_index)
        self.table.installEventFilter(self)
        self.model.modelReset.connect(self._update_hint)
        self.model.rowsInserted.connect(self._update_hint)

        self.hint = QLabel()
        self.keys = QLabel(KEYS_HINT)
        mute(self.keys)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.duplicates_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.hint, 1)
        bottom.addWidget(self.keys)
        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.addLayout(top)
        list_layout.addWidget(self.table, 1)
        list_layout.addLayout(bottom)

        self.view = CustomerView(shop, events)
        self.view.back_requested.connect(self.show_list)
        self.view.record_purchase_requested.connect(self.record_purchase_requested)
        self.stack = QStackedWidget()
        self.stack.addWidget(list_page)
        self.stack.addWidget(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        new_shortcut = QShortcut(QKeySequence("Ctrl+Shift+N"), self)
        new_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new_shortcut.activated.connect(self.new_customer)
        events.changed.connect(self._shop_changed)
        self._count()
        self._update_hint()

    # The page as the main window sees it.

    def activate(self) -> None:
        """Shown by the main window: bring the list up to date and put the cursor in search."""
        self.refresh()
        if self.stack.currentWidget() is self.view:
            self.view.record_button.setFocus()
        else:
            self.search.setFocus()

    def focus_search(self) -> None:
        """Ctrl+F: back to the list with the search text selected, ready to type over."""
        self.show_list()
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        """Read the list again, keeping the search and the selected customer."""
        selected = self.selected_customer_id()
        self._count()
        self.model.refresh()
        if selected is not None:
            self._select(selected)

    # Moving between the list and a customer.

    def open_customer(self, customer_id: int) -> None:
        self.view.show_customer(customer_id)
        if self.view.customer_id == customer_id:
            self.stack.setCurrentWidget(self.view)
            self.view.record_button.setFocus()

    def show_list(self) -> None:
        self.stack.setCurrentIndex(0)
        shown = self.view.customer_id
        if shown is not None and self._select(shown):
            self.table.setFocus()
        else:
            self.search.setFocus()

    def selected_customer_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.customer_id(index.row()) if index.isValid() else None

    def _select(self, customer_id: int) -> bool:
        row = self.model.row_of(customer_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_customer(self.model.customer_id(index.row()))

    def _open_current(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid() and self.model.rowCount() > 0:
            index = self.model.index(0, 0)
        self._open_index(index)

    # Adding and merging.

    def new_customer(self) -> CustomerDialog:
        """Open the new-customer dialog; what was typed in search starts the name."""
        dialog = CustomerDialog(self.shop, self.events, self)
        typed = self.search.text().strip()
        if typed and not any(ch.isdigit() or ch == "@" for ch in typed):
            dialog.form.name.setText(typed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(self.open_customer)
        dialog.open()
        return dialog

    def show_duplicates(self) -> DuplicatesDialog:
        """Look for possible duplicates afresh; the dialog is kept (not deleted on close), so
        a search still running in the background always has somewhere to report."""
        if self._duplicates is None:
            self._duplicates = DuplicatesDialog(self.shop, self.events, self)
        else:
            self._duplicates.scan()
        self._duplicates.open()
        return self._duplicates

    # Keeping up to date.

    def _shop_changed(self, what: str) -> None:
        if what in ("customers", "purchases", "settings"):
            self.refresh()

    def _search_changed(self, text: str) -> None:
        self.model.set_query(text)
        if self.model.rowCount() > 0:
            self.table.selectRow(0)

    def _count(self) -> None:
        with self.shop.read() as session:
            self._total = count_customers(session)

    def _update_hint(self) -> None:
        query = self.model.query.strip()
        shown = self.model.rowCount()
        if not query:
            if self._total == 0:
                text = "No customers yet. Press Ctrl+Shift+N to add the first one."
            else:
                text = f"{self._total:,} customer{'s' if self._total != 1 else ''}, A to Z."
        elif shown == 0:
            text = f"No customer matches “{query}”. Ctrl+Shift+N adds them."
        elif self.model.has_more():
            text = (
                f"More than {max(shown, PAGE_SIZE):,} customers match “{query}”, newest first. "
                "Keep typing to narrow it down."
            )
        else:
            verb = "matches" if shown == 1 else "match"
            text = f"{shown:,} customer{'s' if shown != 1 else ''} {verb} “{query}”, newest first."
        self.hint.setText(text)

    # Keyboard: from search into the list and back, Enter opens, typing searches.

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.search:
            if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.model.rowCount() > 0:
                if not self.table.currentIndex().isValid():
                    self.table.selectRow(0)
                self.table.setFocus()
                return True
            if key in _ENTER:
                self._open_current()
                return True
            if key == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
        elif watched is self.table:
            if key in _ENTER:
                self._open_current()
                return True
            if key == Qt.Key.Key_Up and self.table.currentIndex().row() <= 0:
                self.search.setFocus()
                return True
            text = event.text()
            plain = event.modifiers() in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.ShiftModifier,
            )
            if plain and text and text.isprintable() and not text.isspace():
                self.search.setFocus()
                self.search.insert(text)
                return True
        return super().eventFilter(watched, event)
