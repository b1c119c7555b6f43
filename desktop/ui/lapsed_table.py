"""The lazy list of customers not seen lately: most valuable first, a page at a time, with
the three judgements side by side."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from PySide6.QtCore import QModelIndex, QObject, Qt

from desktop.shop.lapsed import LapsedCustomer, Rule, WorthKey, not_seen_lately
from desktop.shop.money import format_money
from desktop.shop.settings import ShopProfile, get_profile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.table_models import Index, RowsTableModel

PAGE_SIZE = 200
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTRE = int(Qt.AlignmentFlag.AlignCenter)


def day_text(day: date) -> str:
    """'7 Feb 2026', the same on every platform (no %-d on Windows)."""
    return f"{day.day} {day:%b %Y}"


def chance_text(p_alive: float) -> str:
    return "under 1%" if p_alive < 0.005 else f"{round(p_alive * 100)}%"


class LapsedTableModel(RowsTableModel):
    """Customers the chosen rule flags, fetched a page at a time as the view scrolls."""

    HEADERS = (
        "Customer",
        "Why",
        "Spent",
        "Visits",
        "Last seen",
        "Usual gap",
        "Expected back",
        "Past limit",
        "Past rhythm",
        "Still active?",
    )
    (NAME, REASON, SPENT, VISITS, LAST_SEEN, GAP, EXPECTED, BY_LIMIT, BY_RHYTHM, BY_MODEL) = range(
        10
    )
    TOOLTIPS: ClassVar[dict[int, str]] = {
        BY_LIMIT: "Away longer than the shop's limit",
        BY_RHYTHM: "Away much longer than their own usual gap between visits",
        BY_MODEL: "The model's chance that they still shop here (✔: probably drifted away)",
    }

    def __init__(self, shop: ShopDatabase, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._shop = shop
        self._rule: Rule = "rhythm"
        self._rows: list[LapsedCustomer] = []
        self._next: WorthKey | None = None
        self._profile = ShopProfile()
        self._today = date.today()
        self.used: Rule = "rhythm"

    @property
    def rule(self) -> Rule:
        return self._rule

    def set_rule(self, rule: Rule) -> None:
        self._rule = rule
        self.refresh()

    def refresh(self) -> None:
        """Start again from the most valuable customer (after a sale, a refit, new settings)."""
        self._today = date.today()
        with self._shop.read() as session:
            self._profile = get_profile(session)
            page = not_seen_lately(session, self._rule, limit=PAGE_SIZE, today=self._today)
        self.beginResetModel()
        self._rows = page.rows
        self._next = page.next_key
        self.used = page.used
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._next is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._next is None:
            return
        with self._shop.read() as session:
            page = not_seen_lately(
                session, self._rule, limit=PAGE_SIZE, after=self._next, today=self._today
            )
        self.append_rows(page.rows)
        self._next = page.next_key

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.TOOLTIPS.get(section)
        return None

    def row(self, index: int) -> LapsedCustomer:
        return self._rows[index]

    def row_of(self, customer_id: int) -> int | None:
        """The row showing that customer, if it has been fetched."""
        return next((i for i, r in enumerate(self._rows) if r.customer_id == customer_id), None)

    def names(self) -> list[str]:
        """The names fetched so far, in order (what the list shows)."""
        return [row.name for row in self._rows]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (self.SPENT, self.VISITS, self.GAP):
                return RIGHT
            if column >= self.BY_LIMIT:
                return CENTRE
        return None

    def _text(self, row: LapsedCustomer, column: int) -> str:
        if column == self.NAME:
            return row.name
        if column == self.REASON:
            return row.reason[:1].upper() + row.reason[1:]
        if column == self.SPENT:
            return format_money(row.total_spent, self._profile.currency, self._profile.locale)
        if column == self.VISITS:
            return f"{row.visits:,}"
        if column == self.LAST_SEEN:
            return day_text(row.last_seen)
        if column == self.GAP:
            gap = row.usual_gap_days
            return "—" if gap is None else f"{round(gap)} days"
        if column == self.EXPECTED:
            return "—" if row.expected_next is None else day_text(row.expected_next)
        if column == self.BY_LIMIT:
            return _verdict(row.by_threshold)
        if column == self.BY_RHYTHM:
            return _verdict(row.by_rhythm)
        if row.p_alive is None:
            return "—"
        chance = chance_text(row.p_alive)
        return f"{chance}  ✔" if row.by_model else chance

    def _tooltip(self, row: LapsedCustomer, column: int) -> str | None:
        if column == self.REASON:
            return self._text(row, column)
        if column == self.GAP and row.usual_gap_days is None:
            return "Bought only once: no rhythm yet"
        if column == self.EXPECTED and row.expected_next is not None:
            late = (self._today - row.expected_next).days
            if late > 0:
                return f"Expected {late:,} days ago"
            return "Expected by the model" if row.usual_gap_days is None else None
        if column == self.BY_MODEL and row.p_alive is None:
            if row.usual_gap_days is None:
                return "Bought only once: the model can judge them once they come back"
            return "No model for this shop yet"
        if column == self.BY_MODEL and row.p_alive is not None:
            verdict = "probably drifted away" if row.by_model else "probably still a customer"
            return f"{chance_text(row.p_alive)} chance they still shop here: {verdict}"
        return None


def _verdict(flagged: bool) -> str:
    return "✔" if flagged else "–"
