"""The rewards poll at the counter: which reward would customers like? Choose their answer and
Record (two clicks), and see the results as bars with counts and shares."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.reward_poll import (
    MAX_OPTIONS,
    Poll,
    PollResults,
    get_poll,
    poll_results,
    record_answer,
    save_poll,
)
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_format import mute
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, good_colour, show_message


def result_line(option: str, count: int, percent: str) -> str:
    answers = "answer" if count == 1 else "answers"
    return f"{count:,} {answers} · {percent}%"


class PollBars(QWidget):
    """One bar per option, longest for the favourite, with its count and share beside it."""

    ROW = 34

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, int, str, bool]] = []  # option, count, percent, offered
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def show_results(self, results: PollResults) -> None:
        self.rows = [(r.option, r.count, f"{r.percent}", r.offered) for r in results.results]
        self.setToolTip(
            "\n".join(f"{option}: {result_line(option, n, p)}" for option, n, p, _ in self.rows)
        )
        self.setFixedHeight(max(len(self.rows), 1) * self.ROW)
        self.update()

    def lines(self) -> list[str]:
        """The results as the bars say them: 'Free coffee: 3 answers · 60.0%'."""
        return [f"{option}: {result_line(option, n, p)}" for option, n, p, _ in self.rows]

    def sizeHint(self) -> QSize:
        return QSize(420, max(len(self.rows), 1) * self.ROW)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_colour = palette.color(palette.ColorRole.WindowText)
        muted = palette.color(palette.ColorRole.PlaceholderText)
        accent = palette.color(palette.ColorRole.Highlight)
        track = palette.color(palette.ColorRole.Midlight)
        metrics = QFontMetrics(self.font())
        label_width = min(self.width() * 0.38, 240.0)
        figure_width = float(metrics.horizontalAdvance("0,000 answers · 100.0%") + 12)
        bar_left = label_width + 10
        bar_width = max(self.width() - bar_left - figure_width, 40.0)
        most = max((count for _, count, _, _ in self.rows), default=0)
        for index, (option, count, percent, offered) in enumerate(self.rows):
            top = index * self.ROW
            middle = top + self.ROW / 2
            painter.setPen(text_colour if offered else muted)
            name = metrics.elidedText(option, Qt.TextElideMode.ElideRight, int(label_width))
            painter.drawText(
                QRectF(0, top, label_width, self.ROW),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                name,
            )
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(track)
            painter.drawRoundedRect(QRectF(bar_left, middle - 8, bar_width, 16), 4, 4)
            if most:
                painter.setBrush(accent if offered else muted)
                painter.drawRoundedRect(
                    QRectF(bar_left, middle - 8, max(bar_width * count / most, 4.0), 16), 4, 4
                )
            painter.setPen(muted)
            painter.drawText(
                QRectF(bar_left + bar_width + 10, top, figure_width, self.ROW),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                result_line(option, count, percent),
            )
        painter.end()


class PollDialog(QDialog):
    """The question and its options, one a line."""

    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, poll: Poll, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.setWindowTitle("Rewards poll")
        self.question = QLineEdit(poll.question)
        self.question.setMinimumWidth(380)
        self.options = QPlainTextEdit("\n".join(poll.options))
        self.options.setPlaceholderText("Free coffee\n10% off your next visit\nA tote bag")
        self.options.setTabChangesFocus(True)
        hint = QLabel(f"One option a line, from 2 to {MAX_OPTIONS}. Answers already given stay.")
        mute(hint)
        self.error = error_label()
        form = QFormLayout()
        form.addRow("Question", self.question)
        form.addRow("Options", self.options)
        form.addRow("", hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def save(self) -> None:
        options = self.options.toPlainText().splitlines()
        try:
            with self.shop.write() as session:
                save_poll(session, self.question.text(), options)
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            show_message(self.error, message)
            return
        self.events.changed.emit("loyalty")
        self.accept()


class PollTab(QWidget):
    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.poll = Poll()
        self.customer: tuple[int, str] | None = None  # the customer at the counter
        self.option_buttons: list[QPushButton] = []
        self.choices = QButtonGroup(self)
        self.choices.setExclusive(True)

        self.question = QLabel()
        self.question.setWordWrap(True)
        big = QFont(self.question.font())
        big.setPointSizeF(big.pointSizeF() * 1.3)
        big.setBold(True)
        self.question.setFont(big)
        self.options_grid = QGridLayout()
        self.options_grid.setSpacing(8)
        self.for_customer = QCheckBox()
        self.record_button = QPushButton("Record answer")
        self.record_button.setMinimumHeight(36)
        self.record_button.clicked.connect(self.record)
        self.done = QLabel()
        self.done.setStyleSheet(f"color: {good_colour()}; font-weight: 600;")
        self.done.setWordWrap(True)
        self.error = error_label()
        self.empty = QLabel(
            "No poll yet. Ask customers which reward they would like: set up a question and "
            "the options they choose from."
        )
        self.empty.setWordWrap(True)
        mute(self.empty)
        self.edit_button = QPushButton("Set up the poll…")
        self.edit_button.clicked.connect(self.edit)

        answer_box = QGroupBox("Record an answer")
        answer = QVBoxLayout(answer_box)
        answer.setSpacing(10)
        answer.addWidget(self.question)
        answer.addLayout(self.options_grid)
        answer.addWidget(self.for_customer)
        record_row = QHBoxLayout()
        record_row.addWidget(self.record_button)
        record_row.addWidget(self.done, 1)
        answer.addLayout(record_row)
        answer.addWidget(self.error)
        answer.addWidget(self.empty)
        answer.addStretch(1)

        self.total = QLabel()
        mute(self.total)
        self.bars = PollBars()
        results_box = QGroupBox("Results")
        results = QVBoxLayout(results_box)
        results.addWidget(self.total)
        results.addWidget(self.bars)
        results.addStretch(1)
        edit_row = QHBoxLayout()
        edit_row.addStretch(1)
        edit_row.addWidget(self.edit_button)
        results.addLayout(edit_row)

        layout = QHBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(answer_box, 1)
        layout.addWidget(results_box, 1)
        self.choices.buttonToggled.connect(lambda *_: self._update())

    def set_customer(self, customer: tuple[int, str] | None) -> None:
        """The customer at the counter, whose answer can count as theirs (once per option)."""
        self.customer = customer
        if customer is not None:
            self.for_customer.setText(f"Answer from {customer[1]} (counts once for them)")
        self.for_customer.setChecked(customer is not None)
        self._update()

    def refresh(self) -> None:
        with self.shop.read() as session:
            self.poll = get_poll(session)
            results = poll_results(session)
        chosen = self._chosen()
        for button in self.option_buttons:
            self.choices.removeButton(button)
            button.deleteLater()
        self.option_buttons = []
        for index, option in enumerate(self.poll.options):
            button = QPushButton(option)
            button.setCheckable(True)
            button.setMinimumHeight(40)
            button.setChecked(option == chosen)
            self.choices.addButton(button)
            self.options_grid.addWidget(button, index // 2, index % 2)
            self.option_buttons.append(button)
        has_poll = bool(self.poll.options)
        self.question.setText(self.poll.question if has_poll else "")
        self.empty.setVisible(not has_poll)
        self.edit_button.setText("Edit the poll…" if has_poll else "Set up the poll…")
        answers = "answer" if results.answers == 1 else "answers"
        self.total.setText(f"{results.answers:,} {answers} to “{results.question}”")
        self.bars.show_results(results)
        self._update()

    def _chosen(self) -> str | None:
        button = self.choices.checkedButton()
        return None if button is None else button.text()

    def _update(self) -> None:
        has_poll = bool(self.poll.options)
        self.record_button.setVisible(has_poll)
        self.record_button.setEnabled(self._chosen() is not None)
        self.for_customer.setVisible(has_poll and self.customer is not None)

    def record(self) -> None:
        option = self._chosen()
        if option is None:
            return
        customer_id = None
        if self.customer is not None and self.for_customer.isChecked():
            customer_id = self.customer[0]
        show_message(self.error, "")
        try:
            with self.shop.write() as session:
                record_answer(session, option, customer_id=customer_id)
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            self.done.setText("")
            show_message(self.error, message)
            return
        self.done.setText(f"Thank you! Recorded “{option}”.")
        self.choices.setExclusive(False)
        for button in self.option_buttons:
            button.setChecked(False)
        self.choices.setExclusive(True)
        self.events.changed.emit("loyalty")
        self.refresh()

    def edit(self) -> None:
        PollDialog(self.shop, self.events, self.poll, self).exec()
