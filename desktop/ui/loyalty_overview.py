"""The programme at a glance: members, points outstanding and what they could cost the shop, the
month's points, who is close to a reward, who is about to lose points, and the top members.
Read in a worker: on a big shop the sums take longer than a click should."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.loyalty import close_to_reward, loyalty_figures
from desktop.shop.loyalty_expiry import members_about_to_expire
from desktop.shop.loyalty_rules import MAX_POINTS, get_programme
from desktop.shop.rewards import list_rewards
from desktop.store.shopfile import ShopDatabase
from desktop.ui import workers
from desktop.ui.customer_format import ShopFormat, mute
from desktop.ui.inline_errors import error_label, show_message
from desktop.ui.loyalty_widgets import muted, panel_frame, scaled, wrapping

Row = tuple[int, tuple[str, ...]]  # account id, cells
DEFAULT_EXPIRY_DAYS = 30
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Overview:
    """The tab's words and rows, made in the worker."""

    tiles: list[tuple[str, str, str]]  # caption, figure, note
    within: int  # points from a reward that count as close
    unit: str
    close: list[Row]
    expiring: list[Row] | None  # None: points never expire
    top: list[Row]
    tier_months: int


def read_overview(shop: ShopDatabase, within: int | None, days: int) -> Overview:
    """Everything the tab shows; `within` None picks a fifth of the cheapest reward."""
    with shop.read() as session:
        shown = ShopFormat.of(session)
        programme = get_programme(session)
        if within is None:
            rewards = list_rewards(session)
            within = max(1, rewards[0].cost // 5) if rewards else 50
        figures = loyalty_figures(session)
        close = close_to_reward(session, within)
        expiring = (
            members_about_to_expire(session, days) if programme.expiry_months is not None else None
        )
    units = programme.units
    liability = "—" if figures.liability is None else shown.money(figures.liability)
    month = [f"{units(figures.month_earned)} earned"]
    if figures.month_bonus:
        month.append(f"{figures.month_bonus:,} as bonuses")
    tiles = [
        (
            "Members",
            f"{figures.members:,}",
            f"{figures.members_with_balance:,} hold {programme.unit_plural}",
        ),
        (
            f"{programme.unit_plural.capitalize()} outstanding",
            f"{figures.outstanding:,}",
            "what members could still spend",
        ),
        ("Could cost you", liability, f"valued at {figures.liability_basis}"),
        (
            "This month",
            f"+{figures.month_earned + figures.month_bonus:,}",
            f"{' and '.join(month)}; {figures.month_redeemed:,} redeemed, "
            f"{figures.month_expired:,} expired",
        ),
    ]
    return Overview(
        tiles=tiles,
        within=within,
        unit=programme.unit_plural,
        close=[
            (
                c.member.account_id,
                (c.member.name, f"{c.member.balance:,}", c.reward, f"{c.short_by:,}"),
            )
            for c in close
        ],
        expiring=None
        if expiring is None
        else [
            (
                m.account_id,
                (m.name, f"{m.balance:,}", shown.day(m.expires_on), shown.day(m.last_visit)),
            )
            for m in expiring
        ],
        top=[
            (m.account_id, (m.name, m.tier or "—", shown.money(m.spend), f"{m.balance:,}"))
            for m in figures.top
        ],
        tier_months=programme.tier_months,
    )


def _tile() -> tuple[QFrame, QLabel, QLabel, QLabel]:
    frame = panel_frame()
    caption, figure, note = muted(QLabel()), scaled(wrapping(), 1.9), muted(wrapping())
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 10, 14, 10)
    layout.setSpacing(2)
    layout.addWidget(caption)
    layout.addWidget(figure)
    layout.addWidget(note)
    layout.addStretch(1)
    return frame, caption, figure, note


class _Table(QTableWidget):
    """A read-only list whose `right` columns hold figures."""

    def __init__(self, headers: tuple[str, ...], right: tuple[int, ...]) -> None:
        super().__init__(0, len(headers))
        self.right = right


def _table(headers: tuple[str, ...], right: tuple[int, ...]) -> _Table:
    table = _Table(headers, right)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return table


def _fill(table: _Table, rows: list[Row], empty: str) -> None:
    table.setRowCount(max(len(rows), 1))
    table.clearSpans()
    if not rows:
        item = QTableWidgetItem(empty)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        table.setItem(0, 0, item)
        table.setSpan(0, 0, 1, table.columnCount())
        return
    for row, (account_id, cells) in enumerate(rows):
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, account_id)
            if column in table.right:
                item.setTextAlignment(_RIGHT)
            table.setItem(row, column, item)


class OverviewTab(QWidget):
    """`member_opened(account_id)` on double-click in any list."""

    member_opened = Signal(int)

    def __init__(self, shop: ShopDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shop = shop
        self._worker: workers.Worker | None = None
        self._again = False
        self._within: int | None = None
        self.overview: Overview | None = None

        tiles = QHBoxLayout()
        tiles.setSpacing(12)
        self.tiles: list[tuple[QLabel, QLabel, QLabel]] = []
        for _ in range(4):
            frame, caption, figure, note = _tile()
            tiles.addWidget(frame, 1)
            self.tiles.append((caption, figure, note))
        self.status = QLabel("Reading the figures…")
        mute(self.status)
        self.error = error_label()

        self.within = QSpinBox()
        self.within.setRange(1, MAX_POINTS)
        self.within.setPrefix("within ")
        self.within.setKeyboardTracking(False)
        self.within.valueChanged.connect(self._within_changed)
        self.close_table = _table(("Member", "Balance", "Next reward", "Short by"), (1, 3))
        close_box = QGroupBox("Close to a reward: worth a nudge")
        close_layout = QVBoxLayout(close_box)
        close_top = QHBoxLayout()
        self.close_note = QLabel()
        mute(self.close_note)
        close_top.addWidget(self.close_note, 1)
        close_top.addWidget(self.within)
        close_layout.addLayout(close_top)
        close_layout.addWidget(self.close_table)

        self.days = QSpinBox()
        self.days.setRange(1, 365)
        self.days.setValue(DEFAULT_EXPIRY_DAYS)
        self.days.setPrefix("in the next ")
        self.days.setSuffix(" days")
        self.days.setKeyboardTracking(False)
        self.days.valueChanged.connect(lambda _days: self.refresh())
        self.expiring_table = _table(("Member", "Balance", "Expires on", "Last visit"), (1,))
        self.expiry_off = QLabel(
            "Points never expire in your programme (change that in “Programme settings…”)."
        )
        self.expiry_off.setWordWrap(True)
        mute(self.expiry_off)
        expiring_box = QGroupBox("About to lose their points")
        expiring_layout = QVBoxLayout(expiring_box)
        expiring_top = QHBoxLayout()
        expiring_top.addStretch(1)
        expiring_top.addWidget(self.days)
        expiring_layout.addLayout(expiring_top)
        expiring_layout.addWidget(self.expiring_table)
        expiring_layout.addWidget(self.expiry_off)

        self.top_table = _table(("Member", "Tier", "Spent", "Balance"), (2, 3))
        self.top_box = QGroupBox("Top members")
        QVBoxLayout(self.top_box).addWidget(self.top_table)

        lists = QGridLayout()
        lists.setSpacing(12)
        lists.addWidget(close_box, 0, 0)
        lists.addWidget(expiring_box, 1, 0)
        lists.addWidget(self.top_box, 0, 1, 2, 1)
        lists.setColumnStretch(0, 1)
        lists.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addLayout(tiles)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addLayout(lists, 1)
        for table in (self.close_table, self.expiring_table, self.top_table):
            table.itemActivated.connect(self._opened)
            table.itemDoubleClicked.connect(self._opened)

    @property
    def loading(self) -> bool:
        return self._worker is not None

    def refresh(self) -> None:
        """Read the figures again in the background (once more after, if already reading)."""
        if self._worker is not None:
            self._again = True
            return
        within, days = self._within, self.days.value()
        self.status.setText("Reading the figures…")
        self.status.show()
        self._worker = workers.start(
            lambda _progress: read_overview(self.shop, within, days),
            finished=self._loaded,
            failed=self._failed,
        )

    def _within_changed(self, value: int) -> None:
        self._within = value
        self.refresh()

    def _finish(self) -> None:
        self._worker = None
        if self._again:
            self._again = False
            self.refresh()

    def _failed(self, error: BaseException) -> None:
        self.status.hide()
        message = describe_error(error)
        show_message(self.error, message or "The figures could not be read: see the log.")
        self._finish()

    def _loaded(self, overview: Overview) -> None:
        self.overview = overview
        self.status.hide()
        show_message(self.error, "")
        for (caption, figure, note), (title, value, words) in zip(
            self.tiles, overview.tiles, strict=True
        ):
            caption.setText(title)
            figure.setText(value)
            note.setText(words)
        self.within.blockSignals(True)
        self.within.setValue(overview.within)
        self.within.setSuffix(f" {overview.unit}")
        self.within.blockSignals(False)
        self.close_note.setText("Members this near to their next reward:")
        _fill(self.close_table, overview.close, "Nobody is that close to a reward just now.")
        self.expiring_table.setVisible(overview.expiring is not None)
        self.days.setVisible(overview.expiring is not None)
        self.expiry_off.setVisible(overview.expiring is None)
        if overview.expiring is not None:
            _fill(self.expiring_table, overview.expiring, "Nobody's points expire that soon.")
        self.top_box.setTitle(f"Top members (spend in the last {overview.tier_months} months)")
        _fill(self.top_table, overview.top, "No member has bought anything yet.")
        self._finish()

    def _opened(self, item: QTableWidgetItem) -> None:
        account_id = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(account_id, int):
            self.member_opened.emit(account_id)
