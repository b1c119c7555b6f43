"""Today's parcels: the online and phone orders to pack, their thank-you inserts printed in one
batch, and a reminder of the little extras that go in every parcel, care cards included."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from babel.dates import format_date
from PySide6.QtCore import (
    QDate,
    QObject,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.printing import LAYOUTS
from desktop.shop.guides import guides_for_purchases
from desktop.shop.insert_options import InsertOptions, insert_options
from desktop.shop.money import format_money
from desktop.shop.parcels import ParcelRow, extras_to_pack, todays_parcels
from desktop.shop.purchases import CHANNELS
from desktop.shop.settings import get_profile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import Freshness, ShopEvents
from desktop.ui.inline_errors import error_label, show_message
from desktop.ui.insert_settings_dialog import InsertSettingsDialog
from desktop.ui.list_view import list_view
from desktop.ui.print_jobs import BatchPrinter, PrintProgress, RenderedBatch, insert_job, plural
from desktop.ui.table_models import Index, RowsTableModel

REFRESHED_BY = ("purchases", "customers", "settings", "guides", "catalogue")
PRINTED_COLOUR = "#1b6e3a"


def _time(moment: datetime) -> str:
    return f"{moment.astimezone():%H:%M}"


class ParcelTableModel(RowsTableModel):
    """One day's parcels (a day is a few dozen at most, so it is read whole)."""

    HEADERS = ("Time", "Reference", "Customer", "What they chose", "Total", "Insert", "Also pack")
    TOTAL, INSERT, ALSO = 4, 5, 6

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ParcelRow] = []
        self._cards: dict[int, str] = {}
        self._locale = "en_GB"
        self._day = date.today()

    def set_rows(
        self, rows: list[ParcelRow], locale: str, day: date, cards: dict[int, str] | None = None
    ) -> None:
        """`cards`: the title of the printed care card each purchase gets, by purchase id."""
        self.beginResetModel()
        self._rows, self._locale, self._day = rows, locale, day
        self._cards = cards or {}
        self.endResetModel()

    def care_card(self, row: ParcelRow) -> str | None:
        return self._cards.get(row.purchase_id)

    def row(self, index: int) -> ParcelRow:
        return self._rows[index]

    def rows(self) -> list[ParcelRow]:
        return list(self._rows)

    def insert_state(self, row: ParcelRow) -> str:
        printed = row.insert_printed_at
        if printed is None:
            return "Not printed"
        local = printed.astimezone()
        if local.date() == self._day:
            return f"✓ Printed at {local:%H:%M}"
        return f"✓ Printed {local:%d %b} at {local:%H:%M}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column, printed = index.column(), row.insert_printed_at is not None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return row.items
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return CHANNELS.get(row.channel, row.channel)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.TOTAL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and column == self.INSERT and not printed:
            bold = QFont()
            bold.setBold(True)
            return bold
        if role == Qt.ItemDataRole.ForegroundRole and column == self.INSERT and printed:
            return QColor(PRINTED_COLOUR)
        return None

    def _text(self, row: ParcelRow, column: int) -> str:
        if column == 0:
            return _time(row.purchased_at)
        if column == 1:
            return row.reference
        if column == 2:
            return row.customer_name or "No customer"
        if column == 3:
            return row.items
        if column == self.TOTAL:
            return format_money(row.total, row.currency, self._locale)
        if column == self.ALSO:
            card = self.care_card(row)
            return f"Care card: {card}" if card else ""
        return self.insert_state(row)


class ExtrasPanel(QGroupBox):
    """ "Remember to pack": the shop's extras as boxes to tick while packing (the ticks help the
    person packing and are not saved)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Remember to pack", parent)
        self.boxes: list[QCheckBox] = []
        self._list = QVBoxLayout()
        self._list.setSpacing(10)
        self.empty = QLabel("Nothing extra to pack. Add sweets, samples or a card here:")
        self.empty.setWordWrap(True)
        self.settings_button = QPushButton("Insert settings…")
        layout = QVBoxLayout(self)
        layout.addSpacing(6)
        layout.addLayout(self._list)
        layout.addWidget(self.empty)
        layout.addStretch(1)
        layout.addWidget(self.settings_button)
        self.setMinimumWidth(240)
        self.setMaximumWidth(300)

    def set_extras(self, extras: list[str]) -> None:
        ticked = {box.text().replace("&&", "&") for box in self.boxes if box.isChecked()}
        for box in self.boxes:
            self._list.removeWidget(box)
            box.deleteLater()
        self.boxes = []
        for extra in extras:
            # "&" would otherwise turn the next letter into a keyboard shortcut.
            box = QCheckBox(extra.replace("&", "&&"))
            box.setChecked(extra in ticked)
            self._list.addWidget(box)
            self.boxes.append(box)
        self.empty.setVisible(not extras)

    def extras(self) -> list[str]:
        return [box.text().replace("&&", "&") for box in self.boxes]


class ParcelsPage(QWidget):
    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.settings_dialog: InsertSettingsDialog | None = None

        self.heading = QLabel()
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.summary = QLabel()
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        self.day.setMaximumDate(QDate.currentDate())
        self.day.dateChanged.connect(lambda _day: self.refresh())
        self.today_button = QPushButton("Today")
        self.today_button.clicked.connect(self.show_today)

        self.print_button = QPushButton()
        self.print_button.setMinimumHeight(40)
        bold = QFont(self.print_button.font())
        bold.setBold(True)
        self.print_button.setFont(bold)
        self.print_button.clicked.connect(self.print_unprinted)
        self.reprint_button = QPushButton("Reprint selected")
        self.reprint_button.clicked.connect(self.reprint_selected)
        self.layout_choice = QComboBox()
        self.layout_choice.setMaximumWidth(260)
        for paper in LAYOUTS.values():
            self.layout_choice.addItem(paper.title, paper.name)
        self.colour_choice = QComboBox()
        self.colour_choice.addItem("Colour", True)
        self.colour_choice.addItem("Greyscale", False)

        self.model = ParcelTableModel(self)
        widths = {0: 60, 1: 90, 2: 170, 4: 80, 5: 150, 6: 190}
        self.table = list_view(self.model, stretch=(3,), widths=widths, many=True)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.hide()

        self.extras = ExtrasPanel()
        self.extras.settings_button.clicked.connect(self.open_settings)
        self.progress = PrintProgress()
        self.message = error_label()
        self.printer = BatchPrinter(shop, events, self.progress, self)
        self.printer.message.connect(lambda text: show_message(self.message, text))
        self.printer.marked.connect(self._marked)
        self.printer.idle.connect(self._update_buttons)
        self.done = QLabel()
        self.done.setStyleSheet(f"color: {PRINTED_COLOUR};")
        self.done.hide()
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_unprinted)

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(QLabel("Day"))
        top.addWidget(self.day)
        top.addWidget(self.today_button)
        actions = QHBoxLayout()
        actions.addWidget(self.print_button, 1)
        actions.addWidget(self.reprint_button)
        actions.addSpacing(12)
        actions.addWidget(QLabel("Layout"))
        actions.addWidget(self.layout_choice)
        actions.addWidget(self.colour_choice)
        left = QVBoxLayout()
        left.addWidget(self.summary)
        left.addLayout(actions)
        left.addWidget(self.progress)
        left.addWidget(self.message)
        left.addWidget(self.done)
        left.addWidget(self.table, 1)
        left.addWidget(self.empty, 1)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(self.extras)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)

        events.changed.connect(self._settings_changed)  # before the list is read again
        self.freshness = Freshness(self, events, REFRESHED_BY, self.refresh)
        self._load_options()
        self.refresh()

    def activate(self) -> None:
        """Shown by the main window: catch up, and move on to today if the day has turned."""
        if self.day.maximumDate() != QDate.currentDate():
            self.day.setMaximumDate(QDate.currentDate())
            self.day.setDate(QDate.currentDate())
        self.freshness.catch_up()
        (self.print_button if self.print_button.isEnabled() else self.table).setFocus()

    def shown_day(self) -> date:
        shown = self.day.date()
        return date(shown.year(), shown.month(), shown.day())

    def show_today(self) -> None:
        self.day.setDate(QDate.currentDate())

    def refresh(self) -> None:
        day = self.shown_day()
        with self.shop.read() as session:
            rows = todays_parcels(session, day)
            guides = guides_for_purchases(session, [row.purchase_id for row in rows])
            locale = get_profile(session).locale
            extras = extras_to_pack(session)
        # A guide with a web page reaches the customer as a QR code on the insert; one without is
        # printed on a card after the inserts, for the packer to put in.
        cards = {number: guide.title for number, guide in guides.items() if guide.url is None}
        self.model.set_rows(rows, locale, day, cards)
        self.extras.set_extras(extras)
        when = "Today" if day == date.today() else format_date(day, "EEEE d MMMM", locale=locale)
        self.heading.setText(f"{when}'s parcels" if day == date.today() else f"Parcels, {when}")
        waiting = len(self.unprinted_ids())
        to_print = f"{plural(waiting, 'insert')} to print" if waiting else "every insert printed"
        with_cards = f" · {plural(len(cards), 'care card')} to pack" if cards else ""
        self.summary.setText(
            f"{plural(len(rows), 'parcel')} to pack · {to_print}{with_cards}" if rows else ""
        )
        none = "today" if day == date.today() else "on this day"
        self.empty.setText(
            f"No online or phone orders {none}.\nParcels appear here as soon as they are recorded."
        )
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))
        self._update_buttons()

    def _load_options(self) -> None:
        with self.shop.read() as session:
            options = insert_options(session)
        self._select(self.layout_choice, options.layout)
        self._select(self.colour_choice, options.colour)

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    def _settings_changed(self, what: str) -> None:
        if what == "settings":
            self._load_options()

    def unprinted_ids(self) -> list[int]:
        return [row.purchase_id for row in self.model.rows() if row.insert_printed_at is None]

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.row(row).purchase_id for row in rows]

    def _update_buttons(self) -> None:
        waiting = len(self.unprinted_ids())
        busy = self.printer.busy
        if waiting:
            self.print_button.setText(f"Print {plural(waiting, 'unprinted insert')}")
        elif self.model.rowCount():
            self.print_button.setText("Every insert is printed")
        else:
            self.print_button.setText("No inserts to print")
        self.print_button.setEnabled(bool(waiting) and not busy)
        selected = len(self.selected_ids())
        self.reprint_button.setText(
            f"Reprint {selected} selected" if selected > 1 else "Reprint selected"
        )
        self.reprint_button.setEnabled(bool(selected) and not busy)

    def chosen_options(self) -> InsertOptions:
        """The shop's insert options with the layout and colour chosen on this page."""
        with self.shop.read() as session:
            stored = insert_options(session)
        return replace(
            stored,
            layout=str(self.layout_choice.currentData()),
            colour=bool(self.colour_choice.currentData()),
        )

    def print_unprinted(self) -> None:
        """Every unprinted insert of the day shown, in one document, then the preview."""
        ids = self.unprinted_ids()
        if ids and not self.printer.busy:
            self._print(ids, f"Preparing {plural(len(ids), 'insert')}…")

    def reprint_selected(self) -> None:
        ids = self.selected_ids()
        if ids and not self.printer.busy:
            self._print(ids, f"Preparing {plural(len(ids), 'insert')} again…")

    def _print(self, ids: list[int], waiting: str) -> None:
        self.done.hide()
        self.printer.start(insert_job(self.shop, ids, self.chosen_options()), waiting)
        self._update_buttons()

    def _marked(self, batch: RenderedBatch) -> None:
        self.refresh()
        self.done.setText(f"✓ {plural(len(batch.purchase_ids), 'insert')} marked as printed.")
        self.done.show()

    def open_settings(self) -> None:
        """Insert settings: wording, layout, voucher, QR code and the extras to pack."""
        dialog = InsertSettingsDialog(self.shop, self.events, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.settings_dialog = dialog
        dialog.destroyed.connect(lambda: setattr(self, "settings_dialog", None))
        dialog.open()
