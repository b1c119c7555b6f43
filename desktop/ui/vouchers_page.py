"""The Vouchers page: the scan box on top (redeem at the counter), then every voucher, newest
first, to issue, print slips for, or cancel."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.shop.codes import format_code
from desktop.shop.settings import get_profile
from desktop.shop.voucher_kinds import KINDS
from desktop.shop.vouchers import (
    VoucherRow,
    VoucherState,
    describe_value,
    list_vouchers,
    unprinted_vouchers,
)
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import Freshness, ShopEvents
from desktop.ui.inline_errors import error_label, good_colour, show_message
from desktop.ui.list_view import list_view
from desktop.ui.print_jobs import BatchPrinter, PrintProgress, RenderedBatch, plural, slips_job
from desktop.ui.redeem_box import RedeemBox
from desktop.ui.table_models import Index, RowsTableModel
from desktop.ui.voucher_dialog import CancelVoucherDialog, IssueVoucherDialog

PAGE_SIZE = 200
REFRESHED_BY = ("vouchers", "customers", "purchases", "settings")
StateFilter = VoucherState | Literal["all"]
STATE_CHOICES: tuple[tuple[str, StateFilter], ...] = (
    ("Unused", "unused"),
    ("Redeemed", "redeemed"),
    ("Expired", "expired"),
    ("Cancelled", "void"),
    ("All vouchers", "all"),
)
STATE_WORDS = {"unused": "Unused", "redeemed": "Used", "expired": "Expired", "void": "Cancelled"}
STATE_COLOURS = {"unused": good_colour(), "void": "#8a8a8a", "expired": "#8a5a00"}


def _day(moment: datetime | date) -> str:
    if isinstance(moment, datetime):
        moment = moment.astimezone()
    return f"{moment:%d %b %Y}"


class VoucherTableModel(RowsTableModel):
    """Vouchers newest first in one state, read a page at a time as the view scrolls."""

    HEADERS = ("Code", "Kind", "Value", "For", "Issued", "Valid until", "State", "Slip")
    STATE = 6

    def __init__(self, shop: ShopDatabase, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._shop = shop
        self._rows: list[VoucherRow] = []
        self._next: tuple[datetime, int] | None = None
        self._locale = "en_GB"
        self.state: StateFilter = "unused"
        self._code_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

    @property
    def locale(self) -> str:
        return self._locale

    def refresh(self) -> None:
        with self._shop.read() as session:
            self._locale = get_profile(session).locale
            page = list_vouchers(session, state=self.state, limit=PAGE_SIZE)
        self.beginResetModel()
        self._rows, self._next = page.rows, page.next_key
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._next is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._next is None:
            return
        with self._shop.read() as session:
            page = list_vouchers(session, state=self.state, limit=PAGE_SIZE, after=self._next)
        self.append_rows(page.rows)
        self._next = page.next_key

    def row(self, index: int) -> VoucherRow:
        return self._rows[index]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, index.column())
        if role == Qt.ItemDataRole.FontRole and index.column() == 0:
            return self._code_font
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.STATE:
            colour = STATE_COLOURS.get(row.state)
            return QColor(colour) if colour else None
        return None

    def text(self, row: VoucherRow, column: int) -> str:
        if column == 0:
            return format_code(row.code)
        if column == 1:
            return KINDS.get(row.kind, row.kind)
        if column == 2:
            return describe_value(row, self._locale)
        if column == 3:
            return row.customer_name or "Whoever brings it"
        if column == 4:
            return _day(row.issued_at)
        if column == 5:
            return _day(row.expires_on) if row.expires_on else "No expiry"
        if column == self.STATE:
            if row.state == "redeemed" and row.redeemed_at is not None:
                return f"Used {_day(row.redeemed_at)} on {row.redeemed_on}"
            return STATE_WORDS[row.state]
        return f"Printed {_day(row.printed_at)}" if row.printed_at else "Not printed"


class VouchersPage(QWidget):
    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self._unprinted = 0
        self.issue_dialog: IssueVoucherDialog | None = None
        self.cancel_dialog: CancelVoucherDialog | None = None

        heading = QLabel("Redeem a voucher")
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        self.redeem_box = RedeemBox(shop, events)
        self.state = QComboBox()
        for title, state in STATE_CHOICES:
            self.state.addItem(title, state)
        self.state.currentIndexChanged.connect(lambda _index: self.refresh())
        self.issue_button = QPushButton("Issue voucher…")
        self.issue_button.clicked.connect(self.issue)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_slips)
        self.cancel_button = QPushButton("Cancel voucher…")
        self.cancel_button.clicked.connect(self.cancel_selected)

        self.model = VoucherTableModel(shop, self)
        widths = {0: 140, 1: 135, 2: 80, 4: 95, 5: 95, 6: 190, 7: 130}
        self.table = list_view(self.model, stretch=(3,), widths=widths, many=True)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()

        self.progress = PrintProgress()
        self.printer = BatchPrinter(shop, events, self.progress, self)
        self.message = error_label()
        self.done = QLabel()
        self.done.setStyleSheet(f"color: {good_colour()};")
        self.done.setWordWrap(True)
        self.done.hide()
        self.printer.message.connect(lambda text: show_message(self.message, text))
        self.printer.marked.connect(self._marked)
        self.printer.idle.connect(self._update_buttons)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Show"))
        bar.addWidget(self.state)
        bar.addStretch(1)
        bar.addWidget(self.issue_button)
        bar.addWidget(self.print_button)
        bar.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.redeem_box)
        layout.addSpacing(8)
        layout.addLayout(bar)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.done)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)

        self.freshness = Freshness(self, events, REFRESHED_BY, self.refresh)
        self.refresh()

    def activate(self) -> None:
        """Shown by the main window: catch up, and the cursor in the scan box for the scanner."""
        self.freshness.catch_up()
        self.redeem_box.focus()

    def refresh(self) -> None:
        self.model.state = STATE_CHOICES[max(0, self.state.currentIndex())][1]
        self.model.refresh()
        with self.shop.read() as session:
            self._unprinted = len(unprinted_vouchers(session))
        empty = self.model.rowCount() == 0
        shown = self.state.currentText().lower()
        self.empty.setText(
            "No vouchers yet. Press “Issue voucher…” to make the first."
            if self.model.state == "all"
            else f"No {shown} vouchers."
        )
        self.empty.setVisible(empty)
        self.table.setVisible(not empty)
        self._update_buttons()

    def selected_rows(self) -> list[VoucherRow]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.row(row) for row in rows]

    def _update_buttons(self) -> None:
        selected = self.selected_rows()
        busy = self.printer.busy
        if selected:
            self.print_button.setText(f"Print {plural(len(selected), 'slip')}…")
            self.print_button.setEnabled(not busy)
        else:
            self.print_button.setText(
                f"Print {plural(self._unprinted, 'unprinted slip')}…"
                if self._unprinted
                else "Print slips…"
            )
            self.print_button.setEnabled(bool(self._unprinted) and not busy)
        self.cancel_button.setEnabled(
            len(selected) == 1 and selected[0].state in ("unused", "expired")
        )

    def issue(self, customer_id: int | None = None) -> IssueVoucherDialog:
        """The issue dialog, open; once issued, the list shows it and its slip can print."""
        dialog = IssueVoucherDialog(self.shop, self.events, self, customer_id=customer_id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._issued(dialog))
        dialog.destroyed.connect(lambda: setattr(self, "issue_dialog", None))
        self.issue_dialog = dialog
        dialog.open()
        return dialog

    def _issued(self, dialog: IssueVoucherDialog) -> None:
        self.done.setText(dialog.summary)
        self.done.show()
        if dialog.print_now.isChecked() and dialog.issued_code is not None:
            self._print([dialog.issued_code], "Preparing the slip…")

    def print_slips(self) -> None:
        """The selected vouchers' slips, or every usable one not printed yet, in one PDF."""
        selected = self.selected_rows()
        if selected:
            codes: list[str] | None = [row.code for row in selected]
            waiting = f"Preparing {plural(len(selected), 'slip')}…"
        else:
            codes, waiting = None, f"Preparing {plural(self._unprinted, 'slip')}…"
        self._print(codes, waiting)

    def _print(self, codes: list[str] | None, waiting: str) -> None:
        if self.printer.busy:
            return
        self.printer.start(slips_job(self.shop, codes, colour=True), waiting)
        self._update_buttons()

    def _marked(self, batch: RenderedBatch) -> None:
        self.done.setText(f"✓ {plural(len(batch.voucher_ids), 'slip')} marked as printed.")
        self.done.show()

    def cancel_selected(self) -> CancelVoucherDialog | None:
        selected = self.selected_rows()
        if len(selected) != 1:
            return None
        row = selected[0]
        owner = f" for {row.customer_name}" if row.customer_name else ""
        described = f"{format_code(row.code)} ({describe_value(row, self.model.locale)}{owner})"
        dialog = CancelVoucherDialog(self.shop, self.events, row.id, described, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, "cancel_dialog", None))
        self.cancel_dialog = dialog
        dialog.open()
        return dialog
