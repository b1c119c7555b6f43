"""Table models for purchases: the lazy list of past sales, and the lines of a sale being typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import QApplication

from desktop.shop.errors import InvalidInput
from desktop.shop.money import format_money, parse_amount, to_input_text
from desktop.shop.purchases import CHANNELS, MAX_QUANTITY, LineInput, PurchaseRow, browse_purchases
from desktop.shop.settings import ShopProfile, get_profile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.table_models import Index, RowsTableModel

PAGE_SIZE = 200


def local_time(moment: datetime) -> str:
    """A stored UTC time as the shop reads it: '03 May 2024 14:02' in local time."""
    return f"{moment.astimezone():%d %b %Y %H:%M}"


def _greyed() -> QBrush:
    return QApplication.palette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)


class PurchaseTableModel(RowsTableModel):
    """Past purchases newest first, fetched a page at a time as the view scrolls."""

    HEADERS = ("Date", "Reference", "Customer", "Channel", "Total")
    TOTAL = 4

    def __init__(self, shop: ShopDatabase, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._shop = shop
        self._rows: list[PurchaseRow] = []
        self._next: tuple[datetime, int] | None = None
        self._reference: str | None = None
        self._profile = ShopProfile()
        self.refresh()

    @property
    def reference(self) -> str | None:
        return self._reference

    def show_only(self, reference: str | None) -> None:
        """Show the one purchase with `reference`, or all of them again with None."""
        self._reference = reference
        self.refresh()

    def refresh(self) -> None:
        """Start again from the newest purchase (after a sale, a void or a settings change)."""
        with self._shop.read() as session:
            self._profile = get_profile(session)
            page = browse_purchases(session, limit=PAGE_SIZE, reference=self._reference)
        self.beginResetModel()
        self._rows = page.rows
        self._next = page.next_key
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._next is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._next is None:
            return
        with self._shop.read() as session:
            page = browse_purchases(
                session, after=self._next, limit=PAGE_SIZE, reference=self._reference
            )
        self.append_rows(page.rows)
        self._next = page.next_key

    def row(self, index: int) -> PurchaseRow:
        return self._rows[index]

    def row_of(self, purchase_id: int) -> int | None:
        """The row showing that purchase, if it has been fetched."""
        return next((i for i, r in enumerate(self._rows) if r.id == purchase_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.TOTAL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if not row.voided:
            return None
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            return _greyed()
        if role == Qt.ItemDataRole.ToolTipRole:
            when = f" on {local_time(row.voided_at)}" if row.voided_at else ""
            return f"Voided{when}: {row.void_reason or 'no reason given'}"
        return None

    def _text(self, row: PurchaseRow, column: int) -> str:
        if column == 0:
            return local_time(row.purchased_at)
        if column == 1:
            return f"{row.reference} (void)" if row.voided else row.reference
        if column == 2:
            return row.customer_name or "—"
        if column == 3:
            return CHANNELS.get(row.channel, row.channel)
        return format_money(row.total, row.currency, self._profile.locale)


@dataclass
class EntryLine:
    """A line of the sale being typed; checked by the shop only when the sale is saved."""

    description: str
    quantity: int
    unit_price: int
    product_id: int | None = None


class PurchaseLinesModel(QAbstractTableModel):
    """The lines of the sale being typed. Quantity and price are editable in place;
    `problem` carries the message when an edit is refused."""

    HEADERS = ("Item", "Qty", "Unit price", "Line total")
    ITEM, QUANTITY, PRICE, LINE_TOTAL = range(4)
    problem = Signal(str)

    def __init__(self, currency: str, locale: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._currency = currency
        self._locale = locale
        self._lines: list[EntryLine] = []

    @property
    def lines(self) -> list[EntryLine]:
        return list(self._lines)

    def line_inputs(self) -> list[LineInput]:
        return [
            LineInput(line.description, line.quantity, line.unit_price, line.product_id)
            for line in self._lines
        ]

    def total(self) -> int:
        return sum(line.quantity * line.unit_price for line in self._lines)

    def money(self, minor: int) -> str:
        return format_money(minor, self._currency, self._locale)

    def add(self, line: EntryLine) -> int:
        """Add a line, or raise the quantity of the same catalogue product at the same price
        (a second scan of a mug is two mugs, not two lines). Returns the row."""
        for row, existing in enumerate(self._lines):
            same = line.product_id is not None and existing.product_id == line.product_id
            if same and existing.unit_price == line.unit_price:
                existing.quantity += line.quantity
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.LINE_TOTAL))
                return row
        row = len(self._lines)
        self.beginInsertRows(QModelIndex(), row, row)
        self._lines.append(line)
        self.endInsertRows()
        return row

    def remove(self, row: int) -> None:
        if 0 <= row < len(self._lines):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._lines[row]
            self.endRemoveRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() != self.LINE_TOTAL:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        line = self._lines[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and column != self.ITEM:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.EditRole:
            if column == self.QUANTITY:
                return line.quantity
            if column == self.PRICE:
                return to_input_text(line.unit_price, self._currency, self._locale)
            return line.description
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.ITEM:
                return line.description
            if column == self.QUANTITY:
                return str(line.quantity)
            if column == self.PRICE:
                return self.money(line.unit_price)
            return self.money(line.quantity * line.unit_price)
        return None

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        line = self._lines[index.row()]
        where = f"line {index.row() + 1}"
        column = index.column()
        if column == self.ITEM:
            text = str(value).strip()
            if not text:
                self.problem.emit(f"Please describe what was bought on {where}.")
                return False
            line.description = text
        elif column == self.QUANTITY:
            quantity = value if isinstance(value, int) else _whole_number(str(value))
            if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
                self.problem.emit(f"The quantity on {where} must be a whole number from 1.")
                return False
            line.quantity = quantity
        elif column == self.PRICE:
            try:
                line.unit_price = parse_amount(str(value), self._currency, "price", self._locale)
            except InvalidInput as error:
                self.problem.emit(f"Line {index.row() + 1}: {error}")
                return False
        else:
            return False
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.LINE_TOTAL))
        return True


def _whole_number(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None
