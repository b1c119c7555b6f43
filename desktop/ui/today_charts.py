"""The Today page's month-by-month charts (QtCharts): a card with a title, showing "Loading…",
the chart, or "Nothing yet"; bars and lines coloured for the application's light or dark
palette. Clicking a month's bar or point says which month and which series."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import floor, log10

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, QObject, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QLabel, QStackedWidget, QVBoxLayout, QWidget

from desktop.ui.customer_format import mute
from desktop.ui.loyalty_widgets import muted, scaled

# Mid-tone colours that read on a white and on a near-black background alike.
BLUE, ORANGE, GREEN, PURPLE = "#3f7fd9", "#e58a2f", "#2f9e6e", "#8f6ad4"
CHART_HEIGHT = 230


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one a month; None: nothing to show that month
    colour: str


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def apply_palette(chart: QChart, palette: QPalette, colours: Sequence[str]) -> None:
    """Theme `chart` for `palette` (background, text and grid follow the application's), its
    bar sets or lines, in order, in `colours` (a theme brings colours of its own)."""
    dark = is_dark(palette)
    chart.setTheme(QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight)
    shown = iter(colours)
    for series in chart.series():
        if isinstance(series, QBarSeries | QStackedBarSeries):
            for bar in series.barSets():
                colour = QColor(next(shown))
                bar.setColor(colour)
                bar.setBorderColor(colour)
        elif isinstance(series, QLineSeries):
            series.setPen(QPen(QColor(next(shown)), 2.5))
    text = palette.color(QPalette.ColorRole.Text)
    grid = palette.color(QPalette.ColorRole.Midlight if dark else QPalette.ColorRole.Mid)
    chart.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
    chart.setBackgroundRoundness(0)
    chart.legend().setLabelColor(text)
    for axis in chart.axes():
        axis.setLabelsColor(text)
        axis.setGridLineColor(grid)
        axis.setLinePenColor(grid)


class _View(QChartView):
    """A chart view that asks for a modest height: in the page's scroll area the charts share
    the window rather than pushing one another out of sight."""

    def sizeHint(self) -> QSize:
        return QSize(400, CHART_HEIGHT)


class ChartCard(QFrame):
    """One chart on a framed card. `month_clicked(month index, series index)`, by a click on
    a bar or point, or from the keyboard: Tab to the chart, Left/Right to choose a month (its
    figures show under the title), Up/Down one of its series, Enter to open it."""

    month_clicked = Signal(int, int)

    def __init__(self, title: str, note: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels: list[str] = []
        self.series: list[Series] = []
        self.title = scaled(QLabel(title), 1.1)
        self.note = muted(QLabel(note))
        self.view = _View()
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(CHART_HEIGHT)
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self.view.setCursor(Qt.CursorShape.PointingHandCursor)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.view.installEventFilter(self)
        self.chosen: int | None = None
        self.chosen_series = 0
        self._note = note
        self.message = QLabel("Loading…")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        mute(self.message)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 8)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        layout.addWidget(self.stack, 1)

    def chart(self) -> QChart:
        return self.view.chart()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.view or not self.labels:
            return False
        if event.type() == QEvent.Type.FocusIn:
            self.choose(self.chosen if self.chosen is not None else len(self.labels) - 1)
        elif event.type() == QEvent.Type.FocusOut:
            self.note.setText(self._note)
        elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = Qt.Key(event.key())
            step = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}.get(key)
            if step is not None and self.chosen is not None:
                self.choose(max(0, min(len(self.labels) - 1, self.chosen + step)))
                return True
            turn = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(key)
            if turn is not None and self.chosen is not None:
                self.chosen_series = (self.chosen_series + turn) % len(self.series)
                self.choose(self.chosen)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
                if self.chosen is not None:
                    self.month_clicked.emit(self.chosen, self.chosen_series)
                return True
        return False

    def set_note(self, text: str) -> None:
        """The line under the title, shown again when the keyboard leaves the chart."""
        self._note = text
        if self.chosen is None or not self.view.hasFocus():
            self.note.setText(text)

    def choose(self, month: int) -> None:
        """Say the month's figures under the title, the chosen series in brackets:
        'March: Returning 80 · [New 12]'."""
        self.chosen = month
        figures = " · ".join(
            f"[{words}]" if number == self.chosen_series and len(self.series) > 1 else words
            for number, one in enumerate(self.series)
            for words in [f"{one.name} {_figure(one.values[month])}"]
        )
        self.note.setText(f"{self.labels[month]}: {figures} — Enter opens the list")

    def showing_chart(self) -> bool:
        return self.stack.currentWidget() is self.view

    def show_loading(self) -> None:
        self.chosen = None
        self.note.setText(self._note)
        self.message.setText("Loading…")
        self.stack.setCurrentWidget(self.message)

    def show_failed(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)

    def show_bars(
        self, labels: list[str], series: list[Series], *, stacked: bool = False, empty: str
    ) -> None:
        """Bars a month, side by side (or stacked); `empty` in their place when all are nought."""
        if self._nothing(series, empty):
            return
        self.labels, self.series = labels, series
        bars = QStackedBarSeries() if stacked else QBarSeries()
        for number, one in enumerate(series):
            bar = QBarSet(one.name)
            bar.append([float(value or 0) for value in one.values])
            bar.setColor(QColor(one.colour))
            bar.setBorderColor(QColor(one.colour))
            bar.clicked.connect(lambda index, n=number: self.month_clicked.emit(index, n))
            bars.append(bar)
        chart = self._new_chart(labels)
        chart.addSeries(bars)
        totals = (
            [sum(float(one.values[m] or 0) for one in series) for m in range(len(labels))]
            if stacked
            else [float(value or 0) for one in series for value in one.values]
        )
        top = max(totals)
        self._attach(chart, bars, 0, _nice_top(top), "%d")

    def show_lines(
        self, labels: list[str], series: list[Series], *, low: float, high: float, empty: str
    ) -> None:
        """A line a series over the months, skipping months without a value, on `low`..`high`."""
        if self._nothing(series, empty, nought_counts=True):
            return
        self.labels, self.series = labels, series
        chart = self._new_chart(labels)
        axis_x = chart.axes(Qt.Orientation.Horizontal)[0]
        for number, one in enumerate(series):
            line = QLineSeries()
            line.setName(one.name)
            line.setPointsVisible(True)
            line.setPen(QPen(QColor(one.colour), 2.5))
            for index, value in enumerate(one.values):
                if value is not None:
                    line.append(QPointF(index, value))
            line.clicked.connect(
                lambda point, n=number: self.month_clicked.emit(round(point.x()), n)
            )
            chart.addSeries(line)
            line.attachAxis(axis_x)
        axis_y = QValueAxis()
        axis_y.setRange(low, high)
        axis_y.setLabelFormat("%.0f")
        axis_y.setTickCount(int(high - low) + 1)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        for drawn in chart.series():
            drawn.attachAxis(axis_y)
        self._show(chart)

    def _nothing(self, series: list[Series], empty: str, *, nought_counts: bool = False) -> bool:
        values = [v for one in series for v in one.values if v is not None]
        if values if nought_counts else any(values):
            return False
        self.show_failed(empty)
        return True

    def _new_chart(self, labels: list[str]) -> QChart:
        chart = QChart()
        chart.setMargins(QMargins(2, 2, 2, 2))
        chart.layout().setContentsMargins(0, 0, 0, 0)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        chart.legend().setVisible(len(self.series) > 1)
        chart.legend().setMarkerShape(chart.legend().MarkerShape.MarkerShapeCircle)
        axis_x = QBarCategoryAxis()
        axis_x.append(labels)
        axis_x.setGridLineVisible(False)
        axis_x.setTruncateLabels(False)  # "Sept" is a letter longer than the other months
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        return chart

    def _attach(
        self, chart: QChart, bars: QBarSeries | QStackedBarSeries, low: float, high: float, fmt: str
    ) -> None:
        bars.attachAxis(chart.axes(Qt.Orientation.Horizontal)[0])
        axis_y = QValueAxis()
        axis_y.setRange(low, high)
        axis_y.setLabelFormat(fmt)
        axis_y.setTickCount(5)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        bars.attachAxis(axis_y)
        self._show(chart)

    def _show(self, chart: QChart) -> None:
        apply_palette(chart, self.palette(), [one.colour for one in self.series])
        old = self.view.chart()
        self.view.setChart(chart)
        if old is not None:
            old.deleteLater()
        self.stack.setCurrentWidget(self.view)

    def paintEvent(self, event: QPaintEvent) -> None:
        # Painted rather than styled: a style sheet would keep the palette it was polished
        # with, and the card must follow a switch between light and dark.
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        painter.end()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and self.series:
            apply_palette(self.view.chart(), self.palette(), [one.colour for one in self.series])
        super().changeEvent(event)


def _figure(value: float | int | None) -> str:
    if value is None:
        return "—"
    return (
        f"{value:,.1f}" if isinstance(value, float) and not value.is_integer() else f"{value:,.0f}"
    )


def _nice_top(value: float) -> float:
    """An axis top at or above `value` that divides into four round whole steps."""
    if value <= 4:
        return 4.0
    magnitude = 10 ** floor(log10(value / 4))
    step = next(magnitude * f for f in (1, 2, 5, 10) if magnitude * f * 4 >= value)
    return float(step * 4)
