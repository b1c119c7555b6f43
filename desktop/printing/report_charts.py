"""The monthly report's charts as ReportLab drawings, in the shop's colours and embedded fonts:
bars (side by side or stacked) and lines with gaps where a month has no value."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.units import mm

from desktop.printing import fonts
from desktop.printing.palette import COLOUR

INK, SOFT, LINE = COLOUR.ink, COLOUR.soft, COLOUR.line
GRID = HexColor("#DDE6E4")


def _drawing(width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    # A drawing starts in Helvetica, which would be named (not embedded) on every page.
    drawing.initialFontName = fonts.face(fonts.BODY)
    drawing.initialFontSize = 7
    return drawing


def _axis_fonts(chart: Any, size: float = 7) -> None:
    for labels in (chart.categoryAxis.labels, chart.valueAxis.labels):
        labels.fontName = fonts.face(fonts.BODY)
        labels.fontSize = size
        labels.fillColor = SOFT
    chart.categoryAxis.strokeColor = LINE
    chart.valueAxis.strokeColor = None
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.categoryAxis.visibleTicks = False


def _step(top: float) -> int:
    """A round step for an axis that reaches `top`: 1, 2, 5, 10, 20, 50 …"""
    step = 1
    while top / step > 5:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if top / step <= 5:
                break
    return step


def bar_chart(
    width: float,
    months: Sequence[str],
    series: Sequence[tuple[str, list[int], Color]],
    *,
    stacked: bool = False,
    height: float = 54 * mm,
) -> Drawing:
    drawing = _drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 8 * mm
    chart.width, chart.height = width - 14 * mm, height - 18 * mm
    chart.data = [values for _, values, _ in series]
    chart.categoryAxis.categoryNames = list(months)
    top = max(
        [sum(column) for column in zip(*chart.data, strict=True)]
        if stacked
        else [v for values in chart.data for v in values] + [0]
    )
    step = _step(max(top, 1))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(step, -(-top // step) * step)
    chart.valueAxis.valueStep = step
    chart.valueAxis.labelTextFormat = lambda value: f"{value:,.0f}"
    if stacked:
        chart.categoryAxis.style = "stacked"
    chart.barSpacing = 1
    chart.groupSpacing = 6
    for index, (_, _, colour) in enumerate(series):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    _axis_fonts(chart)
    drawing.add(chart)
    if not top:
        drawing.add(_nothing_yet(width / 2, height / 2, "None yet"))
    drawing.add(
        _legend([(name, colour) for name, _, colour in series], width - 2 * mm, height - 3 * mm)
    )
    return drawing


def line_chart(
    width: float,
    months: Sequence[str],
    values: Sequence[float | int | None],
    scale: tuple[int, int, int],
    title: str,
    colour: Color,
    *,
    height: float = 44 * mm,
) -> Drawing:
    drawing = _drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 10 * mm, 8 * mm
    chart.width, chart.height = width - 12 * mm, height - 18 * mm
    runs = _runs(values)
    # One series per unbroken run of months, so a month without answers leaves a gap rather
    # than a line drawn across it; a run of one month is a dot.
    chart.data = [
        [value if index in run else None for index, value in enumerate(values)] for run in runs
    ] or [[None] * len(values)]
    chart.categoryAxis.categoryNames = list(months)
    low, high, step = scale
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = low, high, step
    chart.joinedLines = 0
    for index, run in enumerate(runs):
        chart.lines[index].strokeColor = colour
        chart.lines[index].strokeWidth = 1.6
        chart.lines[index].symbol = _dot(colour)
        chart.lines[index].lineStyle = "joinedLine" if len(run) > 1 else None
    _axis_fonts(chart)
    chart.categoryAxis.joinAxisMode = "bottom"  # below a score that can be negative
    drawing.add(chart)
    label = String(
        0, height - 4 * mm, title, fontName=fonts.face(fonts.BOLD), fontSize=7.5, fillColor=SOFT
    )
    drawing.add(label)
    if all(value is None for value in values):
        drawing.add(_nothing_yet(width / 2, height / 2, "No answers yet"))
    return drawing


def _nothing_yet(x: float, y: float, text: str) -> String:
    return String(
        x,
        y,
        text,
        fontName=fonts.face(fonts.ITALIC),
        fontSize=8,
        fillColor=SOFT,
        textAnchor="middle",
    )


def _runs(values: Sequence[float | int | None]) -> list[range]:
    """The index ranges of unbroken runs of values."""
    runs: list[range] = []
    start: int | None = None
    for index, value in enumerate([*values, None]):
        if value is not None and start is None:
            start = index
        elif value is None and start is not None:
            runs.append(range(start, index))
            start = None
    return runs


def _dot(colour: Color) -> Any:
    from reportlab.graphics.widgets.markers import makeMarker

    marker = makeMarker("FilledCircle")
    marker.size = 3.2
    marker.fillColor = colour
    marker.strokeColor = colour
    return marker


def _legend(items: Sequence[tuple[str, Color]], right: float, top: float) -> Legend:
    legend = Legend()
    legend.alignment = "right"
    legend.x, legend.y = right - 40 * mm, top
    legend.columnMaximum = 1
    legend.deltax = 22 * mm
    legend.dx = legend.dy = 6
    legend.fontName = fonts.face(fonts.BODY)
    legend.fontSize = 7.5
    legend.fillColor = INK
    legend.strokeColor = None
    legend.colorNamePairs = [(colour, name) for name, colour in items]
    return legend
