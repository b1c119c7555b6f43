"""The tiers, edited in place: name, the spend that reaches it, its points multiplier, perks."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.shop.errors import InvalidInput
from desktop.shop.loyalty_rules import Tier
from desktop.shop.money import minor_digits, parse_amount, to_input_text
from desktop.shop.settings import ShopProfile

COLUMNS = ("Name", "From a spend of", "Multiplier", "Perks")
NAME, SPEND, MULTIPLIER, PERKS = range(len(COLUMNS))


class TiersTable(QTableWidget):
    def __init__(self, profile: ShopProfile, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.profile = profile
        self.setHorizontalHeaderLabels(COLUMNS)
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.horizontalHeader().setSectionResizeMode(PERKS, QHeaderView.ResizeMode.Stretch)
        for column, width in ((NAME, 130), (SPEND, 130), (MULTIPLIER, 90)):
            self.setColumnWidth(column, width)

    def _money_text(self, minor: int) -> str:
        return to_input_text(minor, self.profile.currency, self.profile.locale)

    def load(self, tiers: tuple[Tier, ...]) -> None:
        self.setRowCount(0)
        for tier in tiers:
            self._append(tier)

    def _append(self, tier: Tier) -> None:
        row = self.rowCount()
        self.insertRow(row)
        cells = (
            tier.name,
            self._money_text(tier.min_spend),
            f"{tier.multiplier.normalize():f}",
            tier.perks,
        )
        for column, text in enumerate(cells):
            self.setItem(row, column, QTableWidgetItem(text))

    def add_tier(self) -> None:
        """A new row, starting £100 above the highest tier, its name ready to type."""
        spends = [t.min_spend for t in self.tiers(strict=False)]
        step = 10_000 * 10 ** max(minor_digits(self.profile.currency) - 2, 0)
        self._append(Tier("", max(spends) + step if spends else 0))
        row = self.rowCount() - 1
        self.setCurrentCell(row, NAME)
        name = self.item(row, NAME)
        if name is not None:
            self.editItem(name)

    def remove_tier(self) -> None:
        row = self.currentRow()
        if row >= 0:
            self.removeRow(row)

    def _cell(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text().strip() if item is not None else ""

    def tiers(self, *, strict: bool = True) -> list[Tier]:
        """The rows as tiers; InvalidInput("tiers") naming a row whose spend or multiplier
        cannot be read (with `strict` off, such rows are left out)."""
        found = []
        for row in range(self.rowCount()):
            name = self._cell(row, NAME)
            try:
                spend = parse_amount(
                    self._cell(row, SPEND) or "0",
                    self.profile.currency,
                    "tiers",
                    self.profile.locale,
                )
                multiplier = Decimal(self._cell(row, MULTIPLIER) or "1")
            except (InvalidInput, InvalidOperation):
                if not strict:
                    continue
                raise InvalidInput(
                    "tiers",
                    f"Check the spend and the multiplier of tier {row + 1} "
                    f"({name or 'no name'}): write them like {self._money_text(20_000)} and 1.25.",
                ) from None
            found.append(Tier(name, spend, multiplier, self._cell(row, PERKS)))
        return found
