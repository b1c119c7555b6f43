"""What customers think over a period: average stars, the recommend score with its counts, the
month-by-month trend, each category, and the latest comments."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.shop.satisfaction import (
    Month,
    Satisfaction,
    by_category,
    months_ending,
    recent_comments,
    satisfaction_between,
    trend_by_month,
)
from desktop.shop.settings import get_profile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.feedback_format import day, one_line, score

PERIODS = (("This month", 1), ("Last 3 months", 3), ("Last 12 months", 12))
FIGURE_HEADERS = ("Responses", "Average stars", "Recommend score", "Promoters", "Detractors")


def average_text(figures: Satisfaction) -> str:
    if figures.average_rating is None:
        return "—"
    return f"{figures.average_rating:.1f} ★"


def recommend_text(figures: Satisfaction) -> str:
    value = figures.recommend_score
    return "—" if value is None else f"{value:+d}"


def _figure(title: str) -> tuple[QFrame, QLabel, QLabel]:
    box = QFrame()
    box.setFrameShape(QFrame.Shape.StyledPanel)
    value = QLabel("—")
    value.setStyleSheet("font-size: 22pt; font-weight: 600;")
    note = QLabel()
    note.setWordWrap(True)
    layout = QVBoxLayout(box)
    layout.addWidget(QLabel(title))
    layout.addWidget(value)
    layout.addWidget(note)
    return box, value, note


def _table(headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for number, cells in enumerate(rows):
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(number, column, item)


def _cells(name: str, figures: Satisfaction) -> list[str]:
    return [
        name,
        str(figures.responses),
        average_text(figures),
        recommend_text(figures),
        str(figures.promoters),
        str(figures.detractors),
    ]


class SatisfactionView(QWidget):
    def __init__(self, shop: ShopDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shop = shop
        self.period = QComboBox()
        for title, months in PERIODS:
            self.period.addItem(title, months)
        self.period.setCurrentIndex(1)
        self.period.currentIndexChanged.connect(lambda _index: self.refresh())
        average_box, self.average, self.average_note = _figure("Average rating")
        recommend_box, self.recommend, self.recommend_note = _figure(
            "Recommend score (promoters − detractors)"
        )
        responses_box, self.responses, self.responses_note = _figure("Responses")
        self.trend = _table(("Month", *FIGURE_HEADERS))
        self.categories = _table(("Category", *FIGURE_HEADERS))
        self.comments = QListWidget()
        self.comments.setWordWrap(True)
        self.comments.setAlternatingRowColors(True)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Period"))
        bar.addWidget(self.period)
        bar.addStretch(1)
        figures = QHBoxLayout()
        for box in (average_box, recommend_box, responses_box):
            figures.addWidget(box, 1)
        grid = QGridLayout()
        grid.addWidget(QLabel("<b>By month</b>"), 0, 0)
        grid.addWidget(QLabel("<b>By category</b>"), 0, 1)
        grid.addWidget(self.trend, 1, 0)
        grid.addWidget(self.categories, 1, 1)
        grid.addWidget(QLabel("<b>Latest comments</b>"), 2, 0, 1, 2)
        grid.addWidget(self.comments, 3, 0, 1, 2)
        grid.setRowStretch(1, 3)
        grid.setRowStretch(3, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(figures)
        layout.addLayout(grid, 1)

    def refresh(self, today: date | None = None) -> None:
        """Read the chosen period's figures (ending this month, or `today`'s)."""
        count = int(self.period.currentData())
        months = months_ending(Month.of(today or date.today()), count)
        start, end = months[0].bounds()[0], months[-1].bounds()[1]
        with self.shop.read() as session:
            locale = get_profile(session).locale
            overall = satisfaction_between(session, start, end)
            trend = trend_by_month(session, list(reversed(months)))
            categories = by_category(session, start, end)
            comments = recent_comments(session)
        self.average.setText(average_text(overall))
        self.average_note.setText(
            f"from {overall.ratings} star rating{'s' if overall.ratings != 1 else ''}"
        )
        self.recommend.setText(recommend_text(overall))
        self.recommend_note.setText(
            f"{overall.promoters} promoters (9–10), {overall.passives} passives (7–8), "
            f"{overall.detractors} detractors (0–6)"
        )
        self.responses.setText(str(overall.responses))
        self.responses_note.setText(self.period.currentText().lower())
        _fill(self.trend, [_cells(item.month.label(locale), item.figures) for item in trend])
        _fill(self.categories, [_cells(item.name, item.figures) for item in categories])
        self.comments.clear()
        for row in comments:
            who = row.customer_name or "Someone"
            self.comments.addItem(
                f"{day(row.received_at)} · {who} · {score(row.rating, row.recommend)}\n"
                f"“{one_line(row.comment, 300)}”"
            )
        if not comments:
            self.comments.addItem("No comments yet.")

    def figures_shown(self) -> dict[str, str]:
        """The headline figures as shown (for a quick look, and the tests)."""
        return {
            "average": self.average.text(),
            "recommend": self.recommend.text(),
            "responses": self.responses.text(),
        }
