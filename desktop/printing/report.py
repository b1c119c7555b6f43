"""The monthly report on A4: the month's figures as tiles, the Today page's charts over twelve
months, satisfaction by category and what customers wrote, for the shop's records."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from babel.dates import format_date, format_datetime
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.printing import fonts
from desktop.printing.document import write_pdf
from desktop.printing.palette import COLOUR
from desktop.printing.report_charts import bar_chart, line_chart
from desktop.printing.text import TextStyle, draw_line, fit_line
from desktop.shop.money import format_money

if TYPE_CHECKING:  # the content classes live beside SQLAlchemy, which printing never needs
    from desktop.shop.inserts import ShopBranding
    from desktop.shop.monthly_report import MonthlyReport
    from desktop.shop.satisfaction import Satisfaction

PAGE = (210 * mm, 297 * mm)
MARGIN = 18 * mm
WIDTH = PAGE[0] - 2 * MARGIN
INK, SOFT, ACCENT, LINE = COLOUR.ink, COLOUR.soft, COLOUR.accent, COLOUR.line
TINT = HexColor("#EEF4F3")  # tiles and table headings
WARM = HexColor("#C8734F")  # the second series of a chart, beside the accent
PALE = HexColor("#9DC3BE")


def render_monthly_report(
    report: MonthlyReport, branding: ShopBranding, out: BinaryIO | Path
) -> int:
    """Write the report to `out` as an A4 PDF (fonts embedded); returns the number of pages."""
    writer = _Writer(report, branding)
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 8 * mm,
        bottomMargin=MARGIN,
        title=f"Monthly report, {writer.month_name}",
        author=branding.name,
        creator="Aftercare",
        initialFontName=fonts.face(fonts.BODY),
    )
    frame = Frame(
        MARGIN,
        MARGIN,
        WIDTH,
        PAGE[1] - 2 * MARGIN - 8 * mm,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    document.addPageTemplates([PageTemplate("page", [frame], onPage=writer.page_furniture)])
    document.build(writer.story())
    write_pdf(buffer.getvalue(), out)
    return int(document.page)


def _style(
    name: str, face: str, size: float, colour: Color = INK, **options: Any
) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=fonts.face(face),
        fontSize=size,
        leading=options.pop("leading", size * 1.3),
        textColor=colour,
        **options,
    )


TITLE = _style("title", fonts.BOLD, 24, ACCENT, leading=28)
SUBTITLE = _style("subtitle", fonts.BODY, 10.5, SOFT)
HEADING = _style("heading", fonts.BOLD, 12, ACCENT, spaceBefore=5 * mm, spaceAfter=2 * mm)
BODY = _style("body", fonts.BODY, 9)
NOTE = _style("note", fonts.BODY, 7.5, SOFT)
LABEL = _style("label", fonts.BOLD, 6.5, SOFT)
VALUE = _style("value", fonts.BOLD, 15, INK, leading=19)
CELL = _style("cell", fonts.BODY, 8.5)
CELL_HEAD = _style("cell-head", fonts.BOLD, 7.5, ACCENT)
QUOTE = _style("quote", fonts.ITALIC, 9, INK, leftIndent=4 * mm)


def _table_style(commands: list[tuple[Any, ...]]) -> TableStyle:
    # A table's own default font is Helvetica, named (not embedded) even when no cell uses it.
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.face(fonts.BODY)), *commands])


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """Plain text (a customer's words included) as a paragraph: escaped, glyphs falling back."""
    primary = fonts.face(style.fontName)
    return Paragraph("<br/>".join(fonts.markup(line, primary) for line in text.split("\n")), style)


def _stars(rating: int | None) -> str:
    return "" if rating is None else "★" * rating + "☆" * (5 - rating)


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def _score(figures: Satisfaction) -> str:
    score = figures.recommend_score
    return "–" if score is None else f"{score:+d}"


def _change(now: int, before: int, month_before: str) -> str:
    if before == 0:
        return f"none in {month_before}" if now else ""
    change = (now - before) / before * 100
    arrow = "▲" if change > 0 else "▼" if change < 0 else "="
    return f"{arrow} {abs(change):.0f}% on {month_before}"


class _Writer:
    """Builds the story of one report: its paragraphs, tiles, charts and tables."""

    def __init__(self, report: MonthlyReport, branding: ShopBranding) -> None:
        self.report = report
        self.branding = branding
        self.locale = report.locale or branding.locale
        self.month_name = report.month.label(self.locale)
        self.months = [
            m.label(self.locale, short=True) for m in (f.month for f in report.customers)
        ]

    def money(self, minor: int) -> str:
        return format_money(minor, self.report.currency, self.locale)

    def page_furniture(self, canvas: Canvas, document: BaseDocTemplate) -> None:
        top, half = PAGE[1] - MARGIN, WIDTH / 2
        name = TextStyle(fonts.BOLD, 8, ACCENT, tracking=1.2)
        what = TextStyle(fonts.BODY, 8, SOFT, align="right")
        made = format_datetime(
            self.report.generated_at.astimezone(), "d MMMM y 'at' HH:mm", locale=self.locale
        )
        foot = TextStyle(fonts.BODY, 7, SOFT, align="centre")
        canvas.saveState()
        for text, style, x, y, width in (
            (self.branding.name.upper(), name, MARGIN, top, half),
            (f"Monthly report · {self.month_name}", what, MARGIN + half, top, half),
            (
                f"Made with Aftercare on {made}   ·   page {document.page}",
                foot,
                MARGIN,
                10 * mm,
                WIDTH,
            ),
        ):
            draw_line(canvas, fit_line(text, style, width), style, x, y, width)
        canvas.setStrokeColor(LINE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, top - 3 * mm, PAGE[0] - MARGIN, top - 3 * mm)
        canvas.restoreState()

    def story(self) -> list[Flowable]:
        report = self.report
        story: list[Flowable] = [
            _p(self.month_name, TITLE),
            Spacer(0, 1 * mm),
            _p(f"Monthly report for {self.branding.name}", SUBTITLE),
            Spacer(0, 5 * mm),
            self.tiles(),
            _p("Customers: new and returning", HEADING),
            _p(
                "Customers who bought each month: new ones made their first purchase that "
                "month; returning ones had bought before.",
                NOTE,
            ),
            self.customers_chart(),
            _p("Vouchers issued and redeemed", HEADING),
            self.vouchers_chart(),
            KeepTogether([_p("As things stand today", HEADING), self.today()]),
            KeepTogether(
                [
                    _p("Satisfaction", HEADING),
                    _p(
                        "Average star rating, and the recommend score: the share of promoters "
                        "(9–10 out of 10) less the share of detractors (0–6).",
                        NOTE,
                    ),
                    *self.satisfaction_charts(),
                ]
            ),
            KeepTogether(
                [
                    _p("Repeat custom", HEADING),
                    _p(
                        "Of the customers who bought each month, the share who had bought before.",
                        NOTE,
                    ),
                    self.returning_chart(),
                ]
            ),
            KeepTogether(
                [
                    _p("Campaign win-backs", HEADING),
                    _p(
                        "Customers a campaign reached each month, and those who came back to "
                        "buy within the won-back window after it.",
                        NOTE,
                    ),
                    self.win_backs_chart(),
                ]
            ),
        ]
        if report.categories:
            story += [KeepTogether([_p("Satisfaction by category", HEADING), self.categories()])]
        story += [_p("What customers said", HEADING), *self.comments()]
        return story

    # --- Tiles ----------------------------------------------------------------------------

    def tiles(self) -> Table:
        report = self.report
        month = report.customers[-1]
        sales, before = report.sales, report.previous_sales
        vouchers = report.vouchers[-1]
        satisfaction = report.satisfaction
        rating = satisfaction.average_rating
        tiles = [
            (
                "SALES",
                self.money(sales.revenue),
                f"{sales.purchases:,} purchases\n"
                + _change(
                    sales.revenue,
                    before.revenue,
                    report.month.shifted(-1).label(self.locale).split()[0],
                ),
            ),
            (
                "CUSTOMERS",
                f"{month.active:,}",
                f"{month.new:,} new\n{month.returning:,} returning",
            ),
            ("RETURNING SHARE", _percent(month.returning_share), "of this month's customers"),
            (
                "VOUCHERS",
                f"{vouchers.issued:,} / {vouchers.redeemed:,}",
                f"issued / redeemed\n{self.money(vouchers.discount)} taken off",
            ),
            (
                "FEEDBACK",
                f"{satisfaction.responses:,}",
                f"responses\n{satisfaction.ratings:,} with stars",
            ),
            ("AVERAGE RATING", "–" if rating is None else f"{rating:.1f} ★", "out of 5 stars"),
            (
                "RECOMMEND SCORE",
                _score(satisfaction),
                f"{satisfaction.promoters} promoters\n{satisfaction.detractors} detractors",
            ),
            (
                "FOLLOW-UPS",
                f"{report.follow_ups_opened:,} / {report.follow_ups_resolved:,}",
                "opened / resolved\nthis month",
            ),
        ]
        cells = [[self.tile(*tile) for tile in tiles[start : start + 4]] for start in (0, 4)]
        table = Table(cells, colWidths=[WIDTH / 4] * 4)
        table.setStyle(
            _table_style(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), TINT),
                    ("LINEAFTER", (0, 0), (-2, -1), 3, HexColor("#FFFFFF")),
                    ("LINEBELOW", (0, 0), (-1, 0), 3, HexColor("#FFFFFF")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3.2 * mm),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3.2 * mm),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3.5 * mm),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2.5 * mm),
                ]
            )
        )
        return table

    def tile(self, label: str, value: str, note: str) -> list[Flowable]:
        return [_p(label, LABEL), Spacer(0, 1.2 * mm), _p(value, VALUE), _p(note, NOTE)]

    # --- Charts ---------------------------------------------------------------------------

    def customers_chart(self) -> Drawing:
        new = [f.new for f in self.report.customers]
        returning = [f.returning for f in self.report.customers]
        return bar_chart(
            WIDTH, self.months, [("New", new, ACCENT), ("Returning", returning, PALE)], stacked=True
        )

    def vouchers_chart(self) -> Drawing:
        issued = [v.issued for v in self.report.vouchers]
        redeemed = [v.redeemed for v in self.report.vouchers]
        return bar_chart(
            WIDTH, self.months, [("Issued", issued, ACCENT), ("Redeemed", redeemed, WARM)]
        )

    def win_backs_chart(self) -> Drawing:
        reached = [w.contacted for w in self.report.win_backs]
        won = [w.won_back for w in self.report.win_backs]
        return bar_chart(
            WIDTH, self.months, [("Reached", reached, PALE), ("Won back", won, ACCENT)]
        )

    def satisfaction_charts(self) -> list[Flowable]:
        trend = self.report.satisfaction_trend
        ratings = [m.figures.average_rating for m in trend]
        scores = [m.figures.recommend_score for m in trend]
        return [
            line_chart(WIDTH, self.months, ratings, (1, 5, 1), "Average rating (stars)", ACCENT),
            Spacer(0, 3 * mm),
            line_chart(WIDTH, self.months, scores, (-100, 100, 50), "Recommend score", WARM),
        ]

    def returning_chart(self) -> Drawing:
        shares = [
            None if f.returning_share is None else round(f.returning_share * 100, 1)
            for f in self.report.customers
        ]
        return line_chart(WIDTH, self.months, shares, (0, 100, 25), "Returning share (%)", ACCENT)

    # --- Tables ---------------------------------------------------------------------------

    def categories(self) -> Table:
        rows: list[list[Flowable]] = [
            [
                _p(head, CELL_HEAD)
                for head in ("CATEGORY", "RESPONSES", "AVERAGE RATING", "RECOMMEND SCORE")
            ]
        ]
        for category in self.report.categories:
            figures = category.figures
            rating = figures.average_rating
            rows.append(
                [
                    _p(category.name, CELL),
                    _p(f"{figures.responses:,}", CELL),
                    _p("–" if rating is None else f"{rating:.1f}", CELL),
                    _p(_score(figures), CELL),
                ]
            )
        table = Table(
            rows, colWidths=[WIDTH * 0.46, WIDTH * 0.16, WIDTH * 0.19, WIDTH * 0.19], repeatRows=1
        )
        table.setStyle(
            _table_style(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), TINT),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.4, LINE),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.6 * mm),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6 * mm),
                ]
            )
        )
        return table

    def comments(self) -> list[Flowable]:
        if not self.report.comments:
            return [_p("No comments came in this month.", BODY)]
        shown: list[Flowable] = []
        for row in self.report.comments:
            when = format_date(row.received_at.astimezone().date(), "d MMMM", locale=self.locale)
            about = [part for part in (row.customer_name, row.reference, when) if part]
            stars = _stars(row.rating)
            score = "" if row.recommend is None else f"{row.recommend}/10"
            head = "  ".join(part for part in (stars, score, " · ".join(about)) if part)
            shown.append(
                KeepTogether(
                    [
                        _p(head, CELL_HEAD),
                        Spacer(0, 0.8 * mm),
                        _p(f"“{row.comment}”", QUOTE),
                        Spacer(0, 2.5 * mm),
                    ]
                )
            )
        return shown

    def today(self) -> Table:
        report = self.report
        points = report.points
        liability = (
            "" if points.liability is None else f", worth up to {self.money(points.liability)}"
        )
        lines = [
            (
                "Follow-ups still open",
                f"{report.follow_ups.open:,} ({report.follow_ups.new:,} not yet contacted)",
            ),
            ("Customers not seen lately", f"{report.not_seen_lately:,}"),
            (
                "Customers who came back on another day",
                f"{report.repeat.repeat_buyers:,} of {report.repeat.buyers:,} "
                f"({_percent(report.repeat.rate)})",
            ),
            (
                "Loyalty points outstanding",
                f"{points.points:,} held by {points.members_holding:,} members{liability}",
            ),
        ]
        table = Table(
            [[_p(label, CELL), _p(value, CELL)] for label, value in lines],
            colWidths=[WIDTH * 0.42, WIDTH * 0.58],
        )
        table.setStyle(
            _table_style(
                [
                    ("LINEBELOW", (0, 0), (-1, -2), 0.4, LINE),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.6 * mm),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6 * mm),
                ]
            )
        )
        return table
