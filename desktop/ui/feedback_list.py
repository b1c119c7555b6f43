"""Every piece of feedback, newest first, read a page at a time as the list scrolls."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QColor

from desktop.shop.feedback import needs_follow_up
from desktop.shop.satisfaction import FeedbackRow, feedback_rows
from desktop.store.shopfile import ShopDatabase
from desktop.ui.feedback_format import LOW_COLOUR, channel, day, one_line, score
from desktop.ui.table_models import Index, RowsTableModel

PAGE_SIZE = 200
CUSTOMER = 1


class FeedbackTableModel(RowsTableModel):
    HEADERS = ("Received", "Customer", "Purchase", "Score", "How it came", "Comment")

    def __init__(self, shop: ShopDatabase, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._shop = shop
        self._rows: list[FeedbackRow] = []
        self._more = False

    def refresh(self) -> None:
        with self._shop.read() as session:
            rows = feedback_rows(session, limit=PAGE_SIZE)
        self.beginResetModel()
        self._rows, self._more = rows, len(rows) == PAGE_SIZE
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._rows:
            return
        last = self._rows[-1]
        after: tuple[datetime, int] = (last.received_at, last.id)
        with self._shop.read() as session:
            rows = feedback_rows(session, limit=PAGE_SIZE, after=after)
        self._more = len(rows) == PAGE_SIZE
        self.append_rows(rows)

    def row(self, index: int) -> FeedbackRow:
        return self._rows[index]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == 5:
            return row.comment or None
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == 3
            and needs_follow_up(row.rating, row.recommend)
        ):
            return QColor(LOW_COLOUR)
        return None

    def text(self, row: FeedbackRow, column: int) -> str:
        if column == 0:
            return day(row.received_at)
        if column == CUSTOMER:
            return row.customer_name or "—"
        if column == 2:
            return row.reference or "In general"
        if column == 3:
            return score(row.rating, row.recommend)
        if column == 4:
            return channel(row.channel)
        return one_line(row.comment)
