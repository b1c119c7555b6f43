"""Who counts as not seen lately: the shop's limit, the rhythm multiple, the shortest absence
and the model's cut-off. The shop checks the values; its message shows beside the field."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.errors import InvalidInput
from desktop.shop.lapsed import LapsedRules, get_rules, save_rules
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_format import mute
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, show_message


class LapsedSettingsDialog(QDialog):
    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.setWindowTitle("Not seen lately: settings")
        with shop.read() as session:
            rules = get_rules(session)

        # Wide spin ranges on purpose: the shop's own check decides, and says why.
        self.threshold_days = QSpinBox()
        self.threshold_days.setRange(0, 99_999)
        self.threshold_days.setSuffix(" days")
        self.threshold_days.setValue(rules.threshold_days)
        self.rhythm_factor = QDoubleSpinBox()
        self.rhythm_factor.setRange(0.0, 99.0)
        self.rhythm_factor.setDecimals(1)
        self.rhythm_factor.setSingleStep(0.5)
        self.rhythm_factor.setSuffix(" × their usual gap")
        self.rhythm_factor.setValue(rules.rhythm_factor)
        self.rhythm_min_days = QSpinBox()
        self.rhythm_min_days.setRange(0, 99_999)
        self.rhythm_min_days.setSuffix(" days")
        self.rhythm_min_days.setValue(rules.rhythm_min_days)
        self.alive_below = QSpinBox()
        self.alive_below.setRange(0, 100)
        self.alive_below.setSuffix(" %")
        self.alive_below.setValue(round(rules.alive_below * 100))

        self.problems: dict[str, QLabel] = {}
        form = QFormLayout()
        rows = (
            ("threshold_days", "Shop's &limit", self.threshold_days, "Away longer than this."),
            (
                "rhythm_factor",
                "&Rhythm",
                self.rhythm_factor,
                "Away this many times their own usual gap between visits…",
            ),
            (
                "rhythm_min_days",
                "…and at &least",
                self.rhythm_min_days,
                "So a daily regular isn't flagged after a weekend off.",
            ),
            (
                "alive_below",
                "&Model",
                self.alive_below,
                "Flag when the chance they still shop here falls below this.",
            ),
        )
        for field, label, widget, hint in rows:
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(widget)
            help_text = QLabel(hint)
            help_text.setWordWrap(True)
            box.addWidget(mute(help_text))
            problem = error_label()
            box.addWidget(problem)
            self.problems[field] = problem
            buddy = QLabel(label)
            buddy.setBuddy(widget)
            form.addRow(buddy, box)
            widget.valueChanged.connect(self._clear_problems)
        self.message = error_label()

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def rules(self) -> LapsedRules:
        return LapsedRules(
            threshold_days=self.threshold_days.value(),
            rhythm_factor=round(self.rhythm_factor.value(), 1),
            rhythm_min_days=self.rhythm_min_days.value(),
            alive_below=self.alive_below.value() / 100,
        )

    def _clear_problems(self) -> None:
        for label in (*self.problems.values(), self.message):
            show_message(label, "")

    def save(self) -> None:
        self._clear_problems()
        try:
            with self.shop.write() as session:
                save_rules(session, self.rules())
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            field = error.field if isinstance(error, InvalidInput) else ""
            show_message(self.problems.get(field, self.message), message)
            widget = getattr(self, field, None)
            if isinstance(widget, QSpinBox | QDoubleSpinBox):
                widget.setFocus()
                widget.selectAll()
            return
        self.events.changed.emit("settings")
        self.accept()
