"""What a guide is tied to: categories and products as ticked lists, with a filter box."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop.shop.text import fold


class TickList(QWidget):
    """Named things to tick, filtered by what is typed above them (ignoring case and accents)."""

    changed = Signal()

    def __init__(self, heading: str, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = heading
        self.heading = QLabel(heading)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(placeholder)
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.list = QListWidget()
        self.list.setUniformItemSizes(True)
        self.list.itemChanged.connect(self._ticked)
        self.heading.setBuddy(self.filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.heading)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)

    def set_choices(self, choices: list[tuple[int, str]], ticked: list[int]) -> None:
        """Offer `choices` (id, name) with the ids in `ticked` ticked; the filter is kept."""
        wanted = set(ticked)
        self.list.blockSignals(True)
        self.list.clear()
        for number, name in choices:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, number)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if number in wanted else Qt.CheckState.Unchecked
            )
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._filter(self.filter.text())

    def tick(self, ids: list[int]) -> None:
        wanted = set(ids)
        self.list.blockSignals(True)
        for item in self._items():
            ticked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self._count()

    def ticked(self) -> list[int]:
        return [
            int(item.data(Qt.ItemDataRole.UserRole))
            for item in self._items()
            if item.checkState() == Qt.CheckState.Checked
        ]

    def item_named(self, name: str) -> QListWidgetItem:
        return next(item for item in self._items() if item.text() == name)

    def _items(self) -> list[QListWidgetItem]:
        return [self.list.item(row) for row in range(self.list.count())]

    def _filter(self, text: str) -> None:
        wanted = fold(text.strip())
        for item in self._items():
            item.setHidden(bool(wanted) and wanted not in fold(item.text()))
        self._count()

    def _ticked(self, _item: QListWidgetItem) -> None:
        self._count()
        self.changed.emit()

    def _count(self) -> None:
        ticked = len(self.ticked())
        self.heading.setText(f"{self._title} ({ticked} ticked)" if ticked else self._title)
