"""The list behind each figure of the Today page: what it holds (`FigureList`, read through the
shop's dashboard functions) and the dialog that shows it, read in the background."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.errors import describe_error
from desktop.shop import dashboard
from desktop.shop.feedback import STATES, follow_ups
from desktop.shop.satisfaction import Month
from desktop.shop.voucher_kinds import KINDS
from desktop.store.shopfile import ShopDatabase
from desktop.ui import workers
from desktop.ui.customer_format import ShopFormat, mute
from desktop.ui.inline_errors import error_label, show_message
from desktop.ui.list_view import list_view
from desktop.ui.table_models import Index, RowsTableModel

UNKNOWN_ERROR = "The list could not be read. The details are in the log."


@dataclass(frozen=True)
class ListRow:
    customer_id: int | None  # the customer a double-click opens
    cells: tuple[str, ...]


@dataclass(frozen=True)
class FigureList:
    """One figure's list: its title, columns, how to read it, and the page that holds more."""

    title: str
    headers: tuple[str, ...]
    read: Callable[[Session], list[ListRow]]
    empty: str
    right: tuple[int, ...] = ()  # columns of figures, aligned right
    page: str | None = None  # the page where these are worked on


def _customers(rows: list[dashboard.CustomerRow], shown: ShopFormat) -> list[ListRow]:
    return [
        ListRow(
            row.customer_id,
            (
                row.name,
                row.email or row.phone or "",
                f"{row.visits:,}",
                shown.money(row.total_spent),
                shown.day(row.last_seen_at, "—"),
            ),
        )
        for row in rows
    ]


_CUSTOMER_HEADERS = ("Customer", "Email or phone", "Visits", "Spent", "Last seen")
_CUSTOMER_RIGHT = (2, 3)


def _customer_list(
    title: str, empty: str, read: Callable[[Session], list[dashboard.CustomerRow]], page: str | None
) -> FigureList:
    return FigureList(
        title,
        _CUSTOMER_HEADERS,
        lambda session: _customers(read(session), ShopFormat.of(session)),
        empty,
        _CUSTOMER_RIGHT,
        page,
    )


def parcels(today: date, *, unprinted: bool = False) -> FigureList:
    def read(session: Session) -> list[ListRow]:
        shown = ShopFormat.of(session)
        found = (dashboard.inserts_to_print_list if unprinted else dashboard.parcels_list)(
            session, today
        )
        return [
            ListRow(
                row.customer_id,
                (
                    f"{row.purchased_at.astimezone():%H:%M}",
                    row.reference,
                    row.customer_name or "No customer",
                    row.items,
                    shown.money(row.total, row.currency),
                    "Not printed" if row.insert_printed_at is None else "Printed",
                ),
            )
            for row in found
        ]

    return FigureList(
        "Inserts to print today" if unprinted else "Parcels to pack today",
        ("Time", "Reference", "Customer", "What they chose", "Total", "Insert"),
        read,
        "No online or phone orders today.",
        (4,),
        "Today's parcels",
    )


def open_follow_ups() -> FigureList:
    def read(session: Session) -> list[ListRow]:
        shown = ShopFormat.of(session)
        return [
            ListRow(
                row.customer_id,
                (
                    row.customer_name or "No customer",
                    STATES[row.state],
                    "—" if row.rating is None else "★" * row.rating,
                    "—" if row.recommend is None else f"{row.recommend}/10",
                    row.comment,
                    shown.day(row.received_at),
                ),
            )
            for row in follow_ups(session, "open")
        ]

    return FigureList(
        "Follow-ups to do",
        ("Customer", "State", "Stars", "Recommend", "What they said", "Received"),
        read,
        "No low scores waiting for a reply.",
        page="Feedback",
    )


def newly_not_seen(today: date) -> FigureList:
    return _customer_list(
        "Newly not seen lately",
        "Nobody has newly slipped away this week.",
        lambda session: dashboard.newly_not_seen_list(session, today),
        "Not seen lately",
    )


def repeat_buyers() -> FigureList:
    return _customer_list(
        "Customers who came back",
        "Nobody has bought on two different days yet.",
        dashboard.repeat_buyers_list,
        None,
    )


def points_holders() -> FigureList:
    def read(session: Session) -> list[ListRow]:
        return [
            ListRow(
                row.customer_id, (row.name or "No customer", row.card_number, f"{row.balance:,}")
            )
            for row in dashboard.points_holders_list(session)
        ]

    return FigureList(
        "Members holding points",
        ("Member", "Card", "Points"),
        read,
        "No member holds points.",
        (2,),
        "Loyalty",
    )


CustomerKind = Literal["new", "returning", "all"]
_KIND_TITLES = {"new": "New customers", "returning": "Returning customers", "all": "Customers"}


def customers_in_month(month: Month, which: CustomerKind) -> FigureList:
    return _customer_list(
        f"{_KIND_TITLES[which]} in {month.label()}",
        f"Nobody bought in {month.label()}.",
        lambda session: dashboard.customers_in_month_list(session, month, which),
        None,
    )


def vouchers_in_month(month: Month, which: Literal["issued", "redeemed"]) -> FigureList:
    def read(session: Session) -> list[ListRow]:
        shown = ShopFormat.of(session)
        return [
            ListRow(
                row.customer_id,
                (
                    row.code,
                    KINDS.get(row.kind, row.kind),
                    row.customer_name or "Anyone",
                    shown.moment(row.at),
                    "" if row.discount is None else shown.money(row.discount),
                ),
            )
            for row in dashboard.vouchers_in_month_list(session, month, which)
        ]

    return FigureList(
        f"Vouchers {which} in {month.label()}",
        ("Code", "Kind", "Customer", "Redeemed" if which == "redeemed" else "Issued", "Took off"),
        read,
        f"No voucher was {which} in {month.label()}.",
        (4,),
        "Vouchers",
    )


def won_back(month: Month) -> FigureList:
    return _customer_list(
        f"Won back by a campaign in {month.label()}",
        f"No campaign brought anyone back in {month.label()}.",
        lambda session: dashboard.won_back_list(session, month),
        "Campaigns",
    )


def feedback_in_month(month: Month) -> FigureList:
    def read(session: Session) -> list[ListRow]:
        shown = ShopFormat.of(session)
        return [
            ListRow(
                row.customer_id,
                (
                    row.customer_name or "No customer",
                    "—" if row.rating is None else "★" * row.rating,
                    "—" if row.recommend is None else f"{row.recommend}/10",
                    row.comment,
                    shown.day(row.received_at),
                ),
            )
            for row in dashboard.feedback_in_month_list(session, month)
        ]

    return FigureList(
        f"Feedback in {month.label()}",
        ("Customer", "Stars", "Recommend", "What they said", "Received"),
        read,
        f"No feedback came in {month.label()}.",
        page="Feedback",
    )


class ListModel(RowsTableModel):
    def __init__(self, figure: FigureList, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.HEADERS = figure.headers
        self._right = figure.right

    def set_rows(self, rows: list[ListRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row(self, index: int) -> ListRow:
        row: ListRow = self._rows[index]
        return row

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        text = self.row(index.row()).cells[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self._right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ListDialog(QDialog):
    """A figure's list. Double-click or Enter on a row: `customer_requested(id)`; the button
    under it: `page_requested(title)` for the page where these are worked on."""

    customer_requested = Signal(int)
    page_requested = Signal(str)

    def __init__(self, shop: ShopDatabase, figure: FigureList, parent: QWidget | None = None):
        super().__init__(parent)
        self.figure = figure
        self.setWindowTitle(figure.title)
        self.resize(820, 480)
        self.model = ListModel(figure, self)
        self.table = list_view(self.model)
        self.table.setShowGrid(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(self._activated)
        self.status = QLabel("Loading…")
        mute(self.status)
        self.error = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.page_button: QPushButton | None = None
        if figure.page is not None:
            self.page_button = buttons.addButton(
                f"Open {figure.page}", QDialogButtonBox.ButtonRole.ActionRole
            )
            self.page_button.clicked.connect(self._open_page)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.worker = workers.start(
            lambda _progress: self._read(shop), finished=self._loaded, failed=self._failed
        )

    def _read(self, shop: ShopDatabase) -> list[ListRow]:
        with shop.read() as session:
            return self.figure.read(session)

    def _loaded(self, rows: list[ListRow]) -> None:
        self.model.set_rows(rows)
        header = self.table.horizontalHeader()
        header.resizeSections(QHeaderView.ResizeMode.ResizeToContents)
        for column in range(self.model.columnCount() - 1):
            header.resizeSection(column, min(header.sectionSize(column) + 16, 280))
        if not rows:
            self.status.setText(self.figure.empty)
        elif len(rows) >= dashboard.LIST_LIMIT:
            self.status.setText(f"The first {len(rows):,}. Double-click a customer to open them.")
        else:
            hint = " Double-click a customer to open them." if self._has_customers() else ""
            self.status.setText(f"{len(rows):,} in all.{hint}")
        if rows:
            self.table.selectRow(0)
            self.table.setFocus()

    def _has_customers(self) -> bool:
        return any(self.model.row(n).customer_id is not None for n in range(self.model.rowCount()))

    def _failed(self, error: BaseException) -> None:
        self.status.hide()
        show_message(self.error, describe_error(error) or UNKNOWN_ERROR)

    def _activated(self, index: QModelIndex) -> None:
        customer_id = self.model.row(index.row()).customer_id
        if customer_id is not None:
            self.customer_requested.emit(customer_id)

    def _open_page(self) -> None:
        if self.figure.page is not None:
            self.page_requested.emit(self.figure.page)
            self.accept()
