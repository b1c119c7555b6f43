"""The follow-ups list: low scores still to deal with (or any state), oldest first, with the
chosen one in detail beside it; a goodwill voucher's slip can print straight away."""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.shop.feedback import FollowUpRow, FollowUpState, follow_ups
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.feedback_follow_up_panel import FollowUpPanel
from desktop.ui.feedback_format import STATE_COLOURS, age, one_line, score, state
from desktop.ui.feedback_goodwill import GoodwillVoucherDialog
from desktop.ui.inline_errors import error_label, good_colour, show_message
from desktop.ui.list_view import list_view
from desktop.ui.print_jobs import BatchPrinter, PrintProgress, slips_job
from desktop.ui.table_models import Index, RowsTableModel

StateFilter = FollowUpState | Literal["open", "all"]
STATE_CHOICES: tuple[tuple[str, StateFilter], ...] = (
    ("Still to do (new or contacted)", "open"),
    ("New", "new"),
    ("Contacted", "contacted"),
    ("Resolved", "resolved"),
    ("All follow-ups", "all"),
)
CUSTOMER = 1


class FollowUpTableModel(RowsTableModel):
    HEADERS = ("State", "Customer", "Score", "Comment", "Waiting", "Notes")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[FollowUpRow] = []

    def set_rows(self, rows: list[FollowUpRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row(self, index: int) -> FollowUpRow:
        return self._rows[index]

    def find(self, feedback_id: int) -> int | None:
        return next((n for n, row in enumerate(self._rows) if row.feedback_id == feedback_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return row.comment or None
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return QColor(STATE_COLOURS[row.state])
        return None

    def text(self, row: FollowUpRow, column: int) -> str:
        if column == 0:
            return state(row.state)
        if column == CUSTOMER:
            return row.customer_name or "—"
        if column == 2:
            return score(row.rating, row.recommend)
        if column == 3:
            return one_line(row.comment) or "(no comment)"
        if column == 4:
            return "—" if row.state == "resolved" else age(row.opened_at)
        return str(row.notes) if row.notes else ""


class FollowUpsView(QWidget):
    """`show_customer(id)` on a double-click on the customer (or the link in the details)."""

    show_customer = Signal(int)

    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.goodwill_dialog: GoodwillVoucherDialog | None = None
        self.state = QComboBox()
        for title, value in STATE_CHOICES:
            self.state.addItem(title, value)
        self.state.currentIndexChanged.connect(lambda _index: self.refresh())
        self.count = QLabel()
        self.model = FollowUpTableModel(self)
        widths = {0: 90, 1: 160, 2: 130, 4: 70, 5: 50}
        self.table = list_view(self.model, stretch=(3,), widths=widths)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._chosen())
        self.table.doubleClicked.connect(self._double_clicked)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.panel = FollowUpPanel(shop, events)
        self.panel.goodwill_requested.connect(self.issue_goodwill)
        self.panel.show_customer.connect(self.show_customer)
        self.progress = PrintProgress()
        self.printer = BatchPrinter(shop, events, self.progress, self)
        self.message = error_label()
        self.printer.message.connect(lambda text: show_message(self.message, text))
        self.done = QLabel()
        self.done.setStyleSheet(f"color: {good_colour()};")
        self.done.setWordWrap(True)
        self.done.hide()

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Show"))
        bar.addWidget(self.state)
        bar.addSpacing(12)
        bar.addWidget(self.count)
        bar.addStretch(1)
        listing = QWidget()
        left = QVBoxLayout(listing)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(bar)
        left.addWidget(self.table, 1)
        left.addWidget(self.empty, 1)
        splitter = QSplitter()
        splitter.addWidget(listing)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.done)
        layout.addWidget(splitter, 1)

    def refresh(self) -> None:
        """Read the list again, keeping the chosen follow-up chosen while it is still listed."""
        chosen = self.panel.row.feedback_id if self.panel.row else None
        wanted: StateFilter = STATE_CHOICES[max(0, self.state.currentIndex())][1]
        with self.shop.read() as session:
            rows = follow_ups(session, wanted)
        self.model.set_rows(rows)
        empty = not rows
        self.empty.setText(
            "Nothing to follow up: every low score has been dealt with."
            if wanted == "open"
            else f"No follow-ups {self.state.currentText().lower()}."
            if wanted != "all"
            else "No follow-ups yet. Low scores (2 stars or less, 6 or less out of 10) "
            "come here so someone gets back to the customer."
        )
        self.empty.setVisible(empty)
        self.table.setVisible(not empty)
        self.count.setText("" if empty else f"{len(rows)} listed")
        place = self.model.find(chosen) if chosen is not None else None
        if place is None and rows:
            place = 0
        if place is None:
            self.panel.show_row(None)
        else:
            self.table.selectRow(place)
            self._chosen()

    def select(self, feedback_id: int) -> bool:
        place = self.model.find(feedback_id)
        if place is not None:
            self.table.selectRow(place)
        return place is not None

    def current(self) -> FollowUpRow | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def _chosen(self) -> None:
        self.panel.show_row(self.current())

    def _double_clicked(self, index: QModelIndex) -> None:
        row = self.model.row(index.row())
        if index.column() == CUSTOMER and row.customer_id is not None:
            self.show_customer.emit(row.customer_id)

    def issue_goodwill(self, row: FollowUpRow) -> GoodwillVoucherDialog:
        """The voucher terms dialog for this follow-up's customer, open (not blocking)."""
        dialog = GoodwillVoucherDialog(
            self.shop, self.events, row.feedback_id, row.customer_id, row.customer_name, self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._issued(dialog))
        dialog.destroyed.connect(lambda: setattr(self, "goodwill_dialog", None))
        self.goodwill_dialog = dialog
        dialog.open()
        return dialog

    def _issued(self, dialog: GoodwillVoucherDialog) -> None:
        self.done.setText(dialog.summary)
        self.done.show()
        if dialog.print_now.isChecked() and dialog.issued_code is not None:
            self.printer.start(
                slips_job(self.shop, [dialog.issued_code], colour=True), "Preparing the slip…"
            )
