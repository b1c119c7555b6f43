"""The guides list: each guide with what it goes with and how it reaches the customer."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.shop.guides import GuideRow
from desktop.shop.text import fold
from desktop.ui.table_models import Index, RowsTableModel


def matching(rows: list[GuideRow], search: str) -> list[GuideRow]:
    """The guides whose title, categories or products contain `search` (case and accents aside)."""
    wanted = fold(search.strip())
    return [
        row
        for row in rows
        if not wanted or wanted in fold(" ".join([row.title, *row.categories, *row.products]))
    ]


class GuideTableModel(RowsTableModel):
    HEADERS = ("Title", "Goes with", "In the parcel")

    def set_rows(self, rows: list[GuideRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row(self, index: int) -> GuideRow:
        guide: GuideRow = self._rows[index]
        return guide

    def find(self, guide_id: int) -> int | None:
        return next((n for n, row in enumerate(self._rows) if row.id == guide_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        guide = self.row(index.row())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return f"A QR code to {guide.url} on the insert" if guide.url else "A printed A6 card"
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if index.column() == 0:
            return guide.title + (" 🖼" if guide.has_image else "")
        if index.column() == 1:
            tied = [*guide.categories, *guide.products]
            return ", ".join(tied) if tied else "Nothing yet"
        return "QR code" if guide.url else "Care card"
