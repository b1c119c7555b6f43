"""The "Not seen lately" page: who has drifted away, most valuable first, judged three ways.

The list reads the model's last stored fit and never waits for a new one: when the fit is out
of date (another day, or the purchases changed) a background worker refits, and the page
refreshes when it is done.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.bgnbd import MIN_REPEAT_CUSTOMERS
from desktop.shop.lapsed import Rule, count_not_seen_lately, get_rules
from desktop.shop.visit_model import FitResult, current_fit, fit_needed, refit
from desktop.store.shopfile import ShopDatabase
from desktop.ui import workers
from desktop.ui.customer_format import mute
from desktop.ui.events import Freshness, ShopEvents
from desktop.ui.inline_errors import error_label, show_message
from desktop.ui.lapsed_settings_dialog import LapsedSettingsDialog
from desktop.ui.lapsed_table import LapsedTableModel
from desktop.ui.list_view import list_view
from desktop.ui.segments_dialog import SegmentsDialog

REFRESHED_BY = ("purchases", "customers", "settings")
REFIT_AFTER = ("purchases", "customers")  # a merge or an erasure moves visit days too
COLUMN_WIDTHS = {0: 170, 1: 300, 2: 90, 3: 60, 4: 100, 5: 80, 6: 110, 7: 80, 8: 85, 9: 95}


def rule_titles(threshold_days: int) -> dict[Rule, str]:
    return {
        "rhythm": "By their own rhythm",
        "threshold": f"Away longer than {threshold_days:,} days",
        "model": "Probably drifted away (model)",
    }


def _when(moment: datetime, today: date) -> str:
    local = moment.astimezone()
    if local.date() == today:
        return (
            "this morning"
            if local.hour < 12
            else "this afternoon"
            if local.hour < 18
            else "this evening"
        )
    if (today - local.date()).days == 1:
        return "yesterday"
    return f"on {local.day} {local:%B %Y}"


def model_state(fit: FitResult | None, fitting: bool, rule: Rule, today: date) -> str:
    """The model's state in plain words, for the line above the list; when the model's view
    falls back on each customer's rhythm, it says so."""
    fallback = ": using each customer's own rhythm." if rule == "model" else "."
    if fit is None and fitting:
        meanwhile = " Meanwhile using each customer's own rhythm." if rule == "model" else ""
        return f"Fitting the model to your shop's history…{meanwhile}"
    if fit is None:
        return f"The model has not been fitted yet{fallback}"
    if fit.usable:
        text = f"Model fitted on {fit.customers:,} customers {_when(fit.fitted_at, today)}."
    elif fit.repeat_customers < MIN_REPEAT_CUSTOMERS:
        text = (
            f"Not enough history for the model yet ({fit.repeat_customers:,} repeat "
            f"customer{'' if fit.repeat_customers == 1 else 's'}; it needs "
            f"{MIN_REPEAT_CUSTOMERS}){fallback}"
        )
    else:
        text = f"{fit.reason[:1].upper()}{fit.reason[1:]}{fallback}"
    return f"{text} Updating it with the latest sales…" if fitting else text


class LapsedPage(QWidget):
    """`show_customer_requested(id)`: the main window opens that customer's page."""

    show_customer_requested = Signal(int)

    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self._worker: workers.Worker | None = None
        self._check_again = False

        self.rule_box = QComboBox()
        self.rule_box.activated.connect(self._rule_chosen)
        self.count = QLabel()
        self.customer_button = QPushButton("Show &customer")
        self.customer_button.clicked.connect(self.show_customer)
        self.segments_button = QPushButton("Se&gments…")
        self.segments_button.clicked.connect(self.open_segments)
        self.settings_button = QPushButton("&Settings…")
        self.settings_button.clicked.connect(self.open_settings)
        self.model_line = QLabel()
        self.model_line.setWordWrap(True)
        mute(self.model_line)
        self.message = error_label()

        self.model = LapsedTableModel(shop, self)
        self.table = list_view(self.model, stretch=(LapsedTableModel.REASON,), widths=COLUMN_WIDTHS)
        # Compact rows: more customers on a counter screen at once.
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        # Enter and double-click both arrive as `activated`.
        self.table.activated.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        mute(self.empty)

        rule_label = QLabel("&Show")
        rule_label.setBuddy(self.rule_box)
        top = QHBoxLayout()
        top.addWidget(rule_label)
        top.addWidget(self.rule_box)
        top.addWidget(self.count, 1)
        top.addWidget(self.customer_button)
        top.addWidget(self.segments_button)
        top.addWidget(self.settings_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.model_line)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)

        self.freshness = Freshness(self, events, REFRESHED_BY, self.refresh)
        events.changed.connect(self._refit_after)  # after the list is read again
        self.refresh()

    @property
    def fitting(self) -> bool:
        return self._worker is not None

    def activate(self) -> None:
        """Shown by the main window: catch up, refit the model if it is out of date."""
        self.freshness.catch_up()
        self.fit_if_needed()
        self.table.setFocus()

    def refresh(self) -> None:
        """Read the rules, the list and the model's state again."""
        with self.shop.read() as session:
            rules = get_rules(session)
        rule = self.model.rule
        self.rule_box.clear()
        for key, title in rule_titles(rules.threshold_days).items():
            self.rule_box.addItem(title, key)
        self.rule_box.setCurrentIndex(self.rule_box.findData(rule))
        self._show_list()

    def _show_list(self) -> None:
        keep = self.selected_customer()
        self.model.refresh()
        with self.shop.read() as session:
            flagged = count_not_seen_lately(session, self.model.rule)
        people = f"{flagged:,} customer{'' if flagged == 1 else 's'}"
        self.count.setText(f"{people}, most valuable first" if flagged > 1 else people)
        self._show_model_state()
        self.empty.setText(
            "Nobody has drifted away by this rule: everyone is coming back as usual."
        )
        self.empty.setVisible(self.model.rowCount() == 0)
        self._select(keep)
        self._selection_changed()

    def _show_model_state(self) -> None:
        with self.shop.read() as session:
            fit = current_fit(session)
        self.model_line.setText(model_state(fit, self.fitting, self.model.rule, date.today()))

    def _select(self, customer_id: int | None) -> None:
        """Select that customer if the list shows them, else the first row."""
        if not self.model.rowCount():
            return
        row = self.model.row_of(customer_id) if customer_id is not None else None
        self.table.selectRow(row or 0)

    def set_rule(self, rule: Rule) -> None:
        self.rule_box.setCurrentIndex(self.rule_box.findData(rule))
        self._rule_chosen()

    def _rule_chosen(self, _index: int = 0) -> None:
        rule: Rule = self.rule_box.currentData()
        self.model.set_rule(rule)
        self._show_list()

    def _refit_after(self, what: str) -> None:
        if what in REFIT_AFTER and self.isVisible():
            self.fit_if_needed()

    # --- The model, in the background ------------------------------------------------------

    def fit_if_needed(self) -> None:
        """Refit in a worker when the stored fit is out of date; one fit at a time."""
        if self._worker is not None:
            self._check_again = True
            return
        with self.shop.read() as session:
            needed = fit_needed(session)
        if not needed or self.shop.read_only:
            return
        shop = self.shop
        self._worker = workers.start(
            lambda _progress: refit(shop), finished=self._fitted, failed=self._fit_failed
        )
        self._show_model_state()

    def _fitted(self, _result: object) -> None:
        self._worker = None
        show_message(self.message, "")
        self.refresh()
        if self._check_again:
            self._check_again = False
            self.fit_if_needed()

    def _fit_failed(self, error: BaseException) -> None:
        self._worker = None
        self._check_again = False
        reason = describe_error(error) or "something went wrong (details are in the log)"
        show_message(self.message, f"The model could not be updated: {reason}")
        self._show_model_state()

    # --- Opening a customer, segments and settings -----------------------------------------

    def selected_customer(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()).customer_id if rows else None

    def _selection_changed(self, *_args: object) -> None:
        self.customer_button.setEnabled(self.selected_customer() is not None)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.show_customer_requested.emit(self.model.row(index.row()).customer_id)

    def show_customer(self) -> None:
        customer_id = self.selected_customer()
        if customer_id is not None:
            self.show_customer_requested.emit(customer_id)

    def open_settings(self) -> None:
        LapsedSettingsDialog(self.shop, self.events, self).exec()

    def open_segments(self) -> None:
        SegmentsDialog(self.shop, self.events, self).exec()
