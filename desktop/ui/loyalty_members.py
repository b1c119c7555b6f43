"""Every member A to Z with balance and tier, read a page at a time as the list scrolls; cards
for the chosen ones printed in one go."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop.shop.loyalty import PAGE_SIZE, MemberRow, browse_members
from desktop.shop.loyalty_rules import Programme, get_programme
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_format import ShopFormat, mute
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, show_message
from desktop.ui.list_view import list_view
from desktop.ui.loyalty_cards import CardPrintButton, card_job
from desktop.ui.print_jobs import BatchPrinter, PrintProgress
from desktop.ui.table_models import Index, RowsTableModel

COLUMNS = ("Name", "Card", "Balance", "Tier", "Spent (tier period)")
NAME, CARD, BALANCE, TIER, SPENT = range(len(COLUMNS))
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class MembersModel(RowsTableModel):
    """Members A to Z; more are read as the view scrolls (keyset paging)."""

    HEADERS = COLUMNS

    def __init__(self, shop: ShopDatabase, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._shop = shop
        self._rows: list[MemberRow]
        self._next: tuple[str, int] | None = None
        self._format = ShopFormat()
        self.programme = Programme()

    def refresh(self) -> None:
        """Read the first page again (after a change, or when first shown)."""
        with self._shop.read() as session:
            self._format = ShopFormat.of(session)
            self.programme = get_programme(session)
            page = browse_members(session)
        self.beginResetModel()
        self._rows, self._next = page.rows, page.next_key
        self.endResetModel()

    def row(self, index: int) -> MemberRow:
        return self._rows[index]

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._next is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._next is None:
            return
        with self._shop.read() as session:
            page = browse_members(session, self._next, PAGE_SIZE)
        self._next = page.next_key
        self.append_rows(page.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        member = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NAME:
                return member.name
            if column == CARD:
                return member.card
            if column == BALANCE:
                return f"{member.balance:,}"
            if column == TIER:
                return member.tier or "—"
            return self._format.money(member.spend)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (BALANCE, SPENT):
            return _RIGHT
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == BALANCE:
                return self.programme.unit_plural.capitalize()
            if section == SPENT:
                return f"Spent (last {self.programme.tier_months} months)"
            return COLUMNS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (BALANCE, SPENT):
            return _RIGHT
        return None


class MembersTab(QWidget):
    """`member_opened(account_id)` on double-click or Enter."""

    member_opened = Signal(int)

    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.model = MembersModel(shop, self)
        widths = {CARD: 150, BALANCE: 110, TIER: 120, SPENT: 170}
        self.table = list_view(self.model, stretch=(NAME,), widths=widths, many=True)
        self.table.setShowGrid(False)
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        self.table.activated.connect(lambda index: self._open(index.row()))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.hint = QLabel()
        mute(self.hint)
        self.print_button = CardPrintButton("Print cards for the chosen members")
        self.print_button.chosen.connect(self.print_cards)
        self.error = error_label()
        self.print_progress = PrintProgress()
        self.printer = BatchPrinter(shop, events, self.print_progress, self)
        self.printer.message.connect(lambda text: show_message(self.error, text))

        bottom = QHBoxLayout()
        bottom.addWidget(self.hint, 1)
        bottom.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.print_progress)
        layout.addWidget(self.error)
        layout.addLayout(bottom)

    def refresh(self) -> None:
        self.model.refresh()
        self._selection_changed()

    def chosen_accounts(self) -> list[int]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.row(row).account_id for row in rows]

    def _selection_changed(self) -> None:
        chosen = len(self.chosen_accounts())
        self.print_button.setEnabled(chosen > 0)
        if not self.model.rowCount():
            self.hint.setText("No members yet: find a customer above and enrol them (Ctrl+E).")
        elif chosen:
            self.hint.setText(f"{chosen} chosen. Double-click a member to see them at the counter.")
        else:
            self.hint.setText(
                "Double-click a member to see them at the counter; choose several "
                "(Shift or Ctrl and click) to print their cards together."
            )

    def _open(self, row: int) -> None:
        self.member_opened.emit(self.model.row(row).account_id)

    def print_cards(self, layout: str, colour: bool) -> None:
        chosen = self.chosen_accounts()
        if chosen:
            self.printer.start(
                card_job(self.shop, chosen, layout=layout, colour=colour), "Preparing the cards…"
            )
