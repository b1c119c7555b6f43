"""The customer list: a lazy table over the directory, a page at a time (keyset paging)."""

from __future__ import annotations

from array import array
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from desktop.shop import directory
from desktop.shop.directory import CustomerRow, PageKey
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_format import ShopFormat

ModelIndex = QModelIndex | QPersistentModelIndex
COLUMNS = ("Name", "Email", "Phone", "Postcode", "Last seen", "Visits", "Spent")
NAME, EMAIL, PHONE, POSTCODE, LAST_SEEN, VISITS, SPENT = range(len(COLUMNS))
CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole
# After a change elsewhere the list is read again up to where the person had scrolled,
# within reason: a refresh must stay quick even after scrolling through everyone.
REFRESH_LIMIT = 2000
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class _Rows:
    """Loaded rows column by column: plain arrays and strings, no object per customer, so
    scrolling through 100,000 customers costs a few tens of megabytes."""

    def __init__(self) -> None:
        self.ids = array("q")
        self.names: list[str] = []
        self.emails: list[str] = []
        self.phones: list[str] = []
        self.postcodes: list[str] = []
        self.last_seen = array("l")  # local date as an ordinal; 0 = never
        self.visits = array("l")
        self.spent = array("q")

    def __len__(self) -> int:
        return len(self.ids)

    def extend(self, rows: list[CustomerRow]) -> None:
        for row in rows:
            self.ids.append(row.id)
            self.names.append(row.name)
            self.emails.append(row.email or "")
            self.phones.append(row.phone or "")
            self.postcodes.append(row.postcode)
            seen = row.last_seen_at
            self.last_seen.append(seen.astimezone().toordinal() if seen else 0)
            self.visits.append(row.visit_count)
            self.spent.append(row.total_spent)

    def text(self, row: int, column: int, shown: ShopFormat) -> str:
        if column == NAME:
            return self.names[row]
        if column == EMAIL:
            return self.emails[row]
        if column == PHONE:
            return self.phones[row]
        if column == POSTCODE:
            return self.postcodes[row]
        if column == LAST_SEEN:
            seen = self.last_seen[row]
            return shown.day_of_ordinal(seen) if seen else "never"
        if column == VISITS:
            return str(self.visits[row])
        return shown.money(self.spent[row])


class CustomerTableModel(QAbstractTableModel):
    """Customers A to Z, or those matching the search; more are read as the view scrolls."""

    def __init__(self, shop: ShopDatabase, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._shop = shop
        self._query = ""
        self._rows = _Rows()
        self._next: PageKey | None = None
        with shop.read() as session:
            self._format = ShopFormat.of(session)
        self._load(directory.PAGE_SIZE)

    @property
    def query(self) -> str:
        return self._query

    def has_more(self) -> bool:
        """Whether more matches exist beyond the rows read so far."""
        return self._next is not None

    def set_query(self, text: str) -> None:
        """Show the first page of customers matching `text` (all customers when empty)."""
        self._query = text
        self._load(directory.PAGE_SIZE)

    def refresh(self) -> None:
        """Read the rows again after a change (same search, about as far down)."""
        with self._shop.read() as session:
            self._format = ShopFormat.of(session)
        self._load(max(directory.PAGE_SIZE, min(len(self._rows), REFRESH_LIMIT)))

    def _load(self, limit: int) -> None:
        with self._shop.read() as session:
            page = directory.browse(session, self._query, None, limit)
        self.beginResetModel()
        self._rows = _Rows()
        self._rows.extend(page.rows)
        self._next = page.next_key
        self.endResetModel()

    def customer_id(self, row: int) -> int:
        return self._rows.ids[row]

    def row_of(self, customer_id: int) -> int | None:
        """The row showing this customer, if it has been read."""
        try:
            return self._rows.ids.index(customer_id)
        except ValueError:
            return None

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._next is not None

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._next is None:
            return
        with self._shop.read() as session:
            page = directory.browse(session, self._query, self._next)
        self._next = page.next_key
        if not page.rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
        self._rows.extend(page.rows)
        self.endInsertRows()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows.text(index.row(), index.column(), self._format)
        if role == CUSTOMER_ID_ROLE:
            return self._rows.ids[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (VISITS, SPENT):
            return _RIGHT
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (VISITS, SPENT):
            return _RIGHT
        return None
