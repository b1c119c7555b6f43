"""Today: what a shopkeeper checks each morning. The quick figures (parcels, inserts, follow-ups,
points) show at once; customers newly not seen lately, the repeat rate and the 12-month charts
load in a worker meanwhile. Every figure opens the list behind it, or the page where it is
worked on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from babel.dates import format_date
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.dashboard import Charts, Headline, charts, headline
from desktop.shop.satisfaction import Month
from desktop.store.shopfile import ShopDatabase
from desktop.ui import today_lists, workers
from desktop.ui.customer_format import ShopFormat
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, show_message
from desktop.ui.loyalty_widgets import muted, scaled
from desktop.ui.today_charts import BLUE, GREEN, ORANGE, PURPLE, ChartCard, Series
from desktop.ui.today_lists import FigureList, ListDialog
from desktop.ui.today_tiles import FigureTile

REFRESHED_BY = frozenset(
    {"purchases", "vouchers", "feedback", "campaigns", "loyalty", "customers", "settings"}
)
DEBOUNCE_MS = 400  # a burst of changes (a sale moves customers, purchases, loyalty) loads once
UNREADABLE = "The figures could not be read. The details are in the log."


def read_charts(shop: ShopDatabase, today: date) -> Charts:
    """The background figures, in the worker's own session."""
    with shop.read() as session:
        return charts(session, today)


def _plural(count: int, noun: str, many: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else many or noun + 's'}"


class TodayPage(QWidget):
    show_customer_requested = Signal(int)
    open_page_requested = Signal(str)

    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.today = date.today()
        self.shown = ShopFormat()
        self.head: Headline | None = None
        self.figures: Charts | None = None
        self.dialog: ListDialog | None = None
        self._worker: workers.Worker | None = None
        self._again = False  # the shop changed while the worker read: its result is old
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)

        self.heading = scaled(QLabel("Today"), 1.6)
        self.date_line = muted(QLabel())
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Read the figures again (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.refresh)
        self.error = error_label()

        self.parcels_tile = FigureTile("Parcels to pack")
        self.inserts_tile = FigureTile("Inserts to print")
        self.follow_ups_tile = FigureTile("Follow-ups due")
        self.newly_tile = FigureTile("Newly not seen lately")
        self.repeat_tile = FigureTile("Repeat customers")
        self.points_tile = FigureTile("Points outstanding")
        self.parcels_tile.clicked.connect(lambda: self.open_list(today_lists.parcels(self.today)))
        self.inserts_tile.clicked.connect(lambda: self.open_page_requested.emit("Today's parcels"))
        self.follow_ups_tile.clicked.connect(lambda: self.open_list(today_lists.open_follow_ups()))
        self.newly_tile.clicked.connect(
            lambda: self.open_list(today_lists.newly_not_seen(self.today))
        )
        self.repeat_tile.clicked.connect(lambda: self.open_list(today_lists.repeat_buyers()))
        self.points_tile.clicked.connect(lambda: self.open_list(today_lists.points_holders()))
        self.tiles = [
            self.parcels_tile,
            self.inserts_tile,
            self.follow_ups_tile,
            self.newly_tile,
            self.repeat_tile,
            self.points_tile,
        ]

        self.customers_chart = ChartCard(
            "Returning and new customers", "Customers who bought each month"
        )
        self.vouchers_chart = ChartCard("Vouchers", "Issued and redeemed each month")
        self.win_backs_chart = ChartCard("Won back", "Customers a campaign brought back")
        self.satisfaction_chart = ChartCard("Satisfaction", "Average stars each month")
        self.customers_chart.month_clicked.connect(
            lambda month, kind: self._month_list(
                month, lambda m: today_lists.customers_in_month(m, ("returning", "new")[kind])
            )
        )
        self.vouchers_chart.month_clicked.connect(
            lambda month, kind: self._month_list(
                month, lambda m: today_lists.vouchers_in_month(m, ("issued", "redeemed")[kind])
            )
        )
        self.win_backs_chart.month_clicked.connect(
            lambda month, _kind: self._month_list(month, today_lists.won_back)
        )
        self.satisfaction_chart.month_clicked.connect(
            lambda month, _kind: self._month_list(month, today_lists.feedback_in_month)
        )
        self.chart_cards = [
            self.customers_chart,
            self.vouchers_chart,
            self.win_backs_chart,
            self.satisfaction_chart,
        ]

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addSpacing(12)
        top.addWidget(self.date_line, 0, Qt.AlignmentFlag.AlignBottom)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        tiles = QHBoxLayout()
        tiles.setSpacing(12)
        for tile in self.tiles:
            tiles.addWidget(tile, 1)
        grid = QGridLayout()
        grid.setSpacing(12)
        for number, card in enumerate(self.chart_cards):
            grid.addWidget(card, number // 2, number % 2)
        body = QWidget()
        inside = QVBoxLayout(body)
        inside.setContentsMargins(0, 0, 4, 0)
        inside.setSpacing(12)
        inside.addLayout(tiles)
        inside.addLayout(grid, 1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(scroll, 1)

        events.changed.connect(self._shop_changed)

    def activate(self) -> None:
        """Shown by the main window: read everything again, the first tile ready for Enter."""
        self.refresh()
        if self.focusWidget() not in self.tiles:
            self.parcels_tile.setFocus()

    def refresh(self) -> None:
        """The quick figures now; the rest from a worker (one at a time)."""
        self._debounce.stop()
        self.today = date.today()
        try:
            with self.shop.read() as session:
                self.head = headline(session, self.today)
                self.shown = ShopFormat.of(session)
        except Exception as error:  # shown where the figures would be, and logged by the window
            show_message(self.error, describe_error(error) or UNREADABLE)
            return
        show_message(self.error, "")
        self.date_line.setText(format_date(self.today, "EEEE d MMMM", locale=self.shown.locale))
        self._show_headline(self.head)
        self._load_charts()

    def loading(self) -> bool:
        return self._worker is not None

    def _load_charts(self) -> None:
        if self._worker is not None:
            self._again = True
            return
        if self.figures is None:
            for card in self.chart_cards:
                card.show_loading()
            for tile in (self.newly_tile, self.repeat_tile):
                tile.set_figure("…", "Loading…")
        shop, today = self.shop, self.today
        self._worker = workers.start(
            lambda _progress: read_charts(shop, today),
            finished=self._charts_read,
            failed=self._charts_failed,
        )

    def _charts_read(self, figures: Charts) -> None:
        self._worker = None
        if self._again:
            self._again = False
            self._load_charts()
            return
        self.figures = figures
        self._show_charts(figures)

    def _charts_failed(self, error: BaseException) -> None:
        self._worker = None
        self._again = False
        message = describe_error(error) or UNREADABLE
        for card in self.chart_cards:
            card.show_failed(message)
        for tile in (self.newly_tile, self.repeat_tile):
            tile.set_figure("—", "Could not be read")

    def _shop_changed(self, what: str) -> None:
        # Hidden, the page catches up when it is shown again (activate).
        if what in REFRESHED_BY and self.isVisible():
            self._debounce.start()

    def _show_headline(self, head: Headline) -> None:
        parcels = head.parcels
        self.parcels_tile.set_figure(
            f"{parcels.to_pack:,}",
            "online and phone orders today" if parcels.to_pack else "no orders to pack yet",
        )
        waiting = parcels.inserts_to_print
        self.inserts_tile.set_figure(
            f"{waiting:,}",
            "every insert printed"
            if parcels.to_pack and not waiting
            else f"of {_plural(parcels.to_pack, 'parcel')} today",
        )
        follow = head.follow_ups
        oldest = (
            f"Waiting since {self.shown.day(follow.oldest_opened_at)}"
            if follow.oldest_opened_at
            else ""
        )
        self.follow_ups_tile.set_figure(
            f"{follow.open:,}",
            f"{follow.new:,} new · {follow.open - follow.new:,} contacted"
            if follow.open
            else "no low scores waiting",
            oldest,
        )
        points = head.points
        holders = f"{points.points:,} points, {_plural(points.members_holding, 'member')}"
        if points.liability is None:
            self.points_tile.set_figure(f"{points.points:,}", holders, points.liability_basis)
        else:
            self.points_tile.set_figure(
                self.shown.money(points.liability, points.currency),
                holders,
                f"What the points could cost the shop, valued at {points.liability_basis}",
            )

    def _show_charts(self, figures: Charts) -> None:
        newly = figures.newly_not_seen
        self.newly_tile.set_figure(
            f"{newly.count:,}",
            f"since {self.shown.day(newly.since)}",
            newly.note or "Flagged as not seen lately this week, and not a week ago",
        )
        repeat = figures.repeat
        self.repeat_tile.set_figure(
            "—" if repeat.rate is None else f"{repeat.rate:.0%}",
            f"{repeat.repeat_buyers:,} of {_plural(repeat.buyers, 'customer')} came back",
            "Customers who bought on two different days or more",
        )
        locale = self.shown.locale
        labels = [f.month.label(locale, short=True) for f in figures.customers]
        self.customers_chart.show_bars(
            labels,
            [
                Series("Returning", [f.returning for f in figures.customers], BLUE),
                Series("New", [f.new for f in figures.customers], ORANGE),
            ],
            stacked=True,
            empty="Nothing yet: customers appear here once they buy.",
        )
        self.vouchers_chart.show_bars(
            labels,
            [
                Series("Issued", [f.issued for f in figures.vouchers], PURPLE),
                Series("Redeemed", [f.redeemed for f in figures.vouchers], GREEN),
            ],
            empty="Nothing yet: no voucher issued or redeemed this year.",
        )
        reached = sum(f.contacted for f in figures.win_backs)
        self.win_backs_chart.set_note(
            f"Customers a campaign brought back · {reached:,} reached this year"
        )
        self.win_backs_chart.show_bars(
            labels,
            [Series("Won back", [f.won_back for f in figures.win_backs], GREEN)],
            empty="Nothing yet: no campaign has brought anyone back this year.",
        )
        answered = [f.figures.recommend_score for f in figures.satisfaction]
        latest = next((score for score in reversed(answered) if score is not None), None)
        self.satisfaction_chart.set_note(
            "Average stars each month"
            + ("" if latest is None else f" · recommend score lately {latest:+d}")
        )
        self.satisfaction_chart.show_lines(
            labels,
            [
                Series(
                    "Average stars",
                    [f.figures.average_rating for f in figures.satisfaction],
                    ORANGE,
                )
            ],
            low=1,
            high=5,
            empty="Nothing yet: feedback shows here as it comes in.",
        )

    def _month_list(self, index: int, make: Callable[[Month], FigureList]) -> None:
        """The list behind the chart's `index`th month (the months all charts share)."""
        if self.figures is not None and 0 <= index < len(self.figures.customers):
            self.open_list(make(self.figures.customers[index].month))

    def open_list(self, figure: FigureList) -> ListDialog:
        """The list behind a figure, in a window of its own beside the page."""
        if self.dialog is not None:
            self.dialog.close()
        dialog = ListDialog(self.shop, figure, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.customer_requested.connect(self.show_customer_requested)
        dialog.page_requested.connect(self.open_page_requested)
        dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.show()
        return dialog
