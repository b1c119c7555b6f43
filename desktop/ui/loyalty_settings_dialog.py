"""Programme settings: points or stamps and what they are called, how they are earned (with the
rounding shown on an example), bonuses, expiry, the value of a point, and tiers."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.catalogue import list_categories
from desktop.shop.errors import InvalidInput
from desktop.shop.loyalty_rules import (
    MAX_POINTS,
    Programme,
    earning_rule,
    get_programme,
    save_programme,
)
from desktop.shop.money import format_money, minor_digits, parse_amount, to_input_text
from desktop.shop.settings import ShopProfile, get_profile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_format import mute
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, show_message
from desktop.ui.loyalty_tiers_table import TiersTable

DEFAULT_WORDS = {"points": ("point", "points"), "stamps": ("stamp", "stamps")}
MINOR_UNITS = {"GBP": "pence", "EUR": "cents", "USD": "cents", "AUD": "cents", "CAD": "cents"}
EARNING, BONUSES, TIERS = range(3)
# Where each field save_programme may name lives: the tab, then the widget's attribute.
FIELDS = {
    "kind": (EARNING, "points_kind"),
    "unit name": (EARNING, "singular"),
    "points per pound": (EARNING, "per_unit"),
    "card size": (EARNING, "card_size"),
    "minimum spend": (EARNING, "min_spend"),
    "excluded categories": (EARNING, "excluded"),
    "joining bonus": (BONUSES, "joining"),
    "birthday bonus": (BONUSES, "birthday"),
    "email bonus": (BONUSES, "email"),
    "expiry": (BONUSES, "expiry_months"),
    "point value": (BONUSES, "point_value"),
    "tier months": (TIERS, "tier_months"),
    "tiers": (TIERS, "tiers"),
    "tier name": (TIERS, "tiers"),
    "perks": (TIERS, "tiers"),
}


def _spin(low: int, high: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setGroupSeparatorShown(True)
    spin.setSuffix(suffix)
    spin.setMinimumWidth(120)
    return spin


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    mute(label)
    return label


class ProgrammeDialog(QDialog):
    """Accepted once the programme is saved (and `events` told)."""

    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.setWindowTitle("Loyalty programme settings")
        with shop.read() as session:
            self.profile: ShopProfile = get_profile(session)
            self.programme = get_programme(session)
            categories = [(c.id, c.name) for c in list_categories(session)]

        self.tabs = QTabWidget()
        self.errors = [error_label() for _ in range(3)]
        self.tabs.addTab(self._earning_tab(categories), "Earning")
        self.tabs.addTab(self._bonuses_tab(), "Bonuses and expiry")
        self.tabs.addTab(self._tiers_tab(), "Tiers")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self._load(self.programme)
        self.resize(640, 560)

    # Building ------------------------------------------------------------------------------

    def _earning_tab(self, categories: list[tuple[int, str]]) -> QWidget:
        one = format_money(
            10 ** minor_digits(self.profile.currency), self.profile.currency, self.profile.locale
        )
        self.points_kind = QRadioButton(f"Points for every {one} spent")
        self.stamps_kind = QRadioButton("Stamps: one per visit, on a card")
        kinds = QButtonGroup(self)
        kinds.addButton(self.points_kind)
        kinds.addButton(self.stamps_kind)
        self.singular = QLineEdit()
        self.singular.setPlaceholderText("point")
        self.plural = QLineEdit()
        self.plural.setPlaceholderText("points")
        words = QHBoxLayout()
        words.addWidget(QLabel("one"))
        words.addWidget(self.singular)
        words.addWidget(QLabel("many"))
        words.addWidget(self.plural)
        self.per_unit = _spin(1, 1000)
        self.per_unit_label = QLabel(f"Points per {one}")
        self.card_size = _spin(2, 50, " stamps")
        self.card_size_label = QLabel("A full card holds")
        self.min_spend = QLineEdit()
        self.min_spend.setPlaceholderText("none")
        self.excluded = QListWidget()
        self.excluded.setMaximumHeight(110)
        for category_id, name in categories:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, category_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.excluded.addItem(item)
        self.rule = QLabel()
        self.rule.setWordWrap(True)
        self.rule.setObjectName("earningRule")
        self.rule.setStyleSheet(
            "QLabel#earningRule { border: 1px solid palette(mid); border-radius: 6px; "
            "padding: 8px; background: palette(base); }"
        )
        form = QFormLayout()
        form.addRow("Members collect", self.points_kind)
        form.addRow("", self.stamps_kind)
        form.addRow("Called", words)
        form.addRow(self.per_unit_label, self.per_unit)
        form.addRow(self.card_size_label, self.card_size)
        form.addRow("Minimum spend", self.min_spend)
        if categories:
            form.addRow("No points on", self.excluded)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(QLabel("How it works, as your customers will see it:"))
        layout.addWidget(self.rule)
        layout.addWidget(self.errors[EARNING])
        layout.addStretch(1)
        for radio in (self.points_kind, self.stamps_kind):
            radio.toggled.connect(self._kind_changed)
        for edit in (self.singular, self.plural, self.min_spend):
            edit.textChanged.connect(self._show_rule)
        for spin in (self.per_unit, self.card_size):
            spin.valueChanged.connect(self._show_rule)
        return page

    def _bonuses_tab(self) -> QWidget:
        self.joining = _spin(0, MAX_POINTS)
        self.birthday = _spin(0, MAX_POINTS)
        self.email = _spin(0, MAX_POINTS)
        self.expires = QCheckBox("expire after")
        self.expiry_months = _spin(1, 120, " months without a visit")
        expiry = QHBoxLayout()
        expiry.addWidget(self.expires)
        expiry.addWidget(self.expiry_months)
        expiry.addStretch(1)
        self.expires.toggled.connect(self.expiry_months.setEnabled)
        minor = MINOR_UNITS.get(self.profile.currency, f"1/100 {self.profile.currency}")
        self.point_value = QLineEdit()
        self.point_value.setPlaceholderText("from your rewards")
        self.point_value_label = QLabel(f"Value of one point ({minor})")
        form = QFormLayout()
        form.addRow("Welcome bonus", self.joining)
        form.addRow("Birthday bonus", self.birthday)
        form.addRow("Email bonus", self.email)
        form.addRow(
            "",
            _note(
                "The email bonus is for giving an email address with consent to "
                "marketing; each bonus is given once (birthdays once a year)."
            ),
        )
        form.addRow("Points", expiry)
        form.addRow(
            "",
            _note(
                "Members about to lose points are listed on the Programme tab, so "
                "you can nudge them first."
            ),
        )
        form.addRow(self.point_value_label, self.point_value)
        form.addRow(
            "",
            _note(
                "What a point could cost you, for the liability figure. Leave it "
                "empty to take it from your most generous reward."
            ),
        )
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(self.errors[BONUSES])
        layout.addStretch(1)
        return page

    def _tiers_tab(self) -> QWidget:
        self.tier_months = _spin(1, 36, " months")
        self.tiers = TiersTable(self.profile)
        add = QPushButton("Add tier")
        add.setAutoDefault(False)
        add.clicked.connect(self.tiers.add_tier)
        remove = QPushButton("Remove tier")
        remove.setAutoDefault(False)
        remove.clicked.connect(self.tiers.remove_tier)
        period = QHBoxLayout()
        period.addWidget(QLabel("Members reach a tier by what they spent in the last"))
        period.addWidget(self.tier_months)
        period.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(period)
        layout.addWidget(self.tiers, 1)
        layout.addLayout(buttons)
        layout.addWidget(
            _note(
                "A tier's multiplier raises the points each purchase earns "
                "(×1.5: half as many again). No tiers: everyone earns the same."
            )
        )
        layout.addWidget(self.errors[TIERS])
        return page

    # Form <-> programme --------------------------------------------------------------------

    def _money_text(self, minor: int) -> str:
        return to_input_text(minor, self.profile.currency, self.profile.locale)

    def _load(self, programme: Programme) -> None:
        (self.stamps_kind if programme.kind == "stamps" else self.points_kind).setChecked(True)
        self.singular.setText(programme.unit_singular)
        self.plural.setText(programme.unit_plural)
        self.per_unit.setValue(programme.points_per_unit)
        self.card_size.setValue(programme.card_size)
        self.min_spend.setText(self._money_text(programme.min_spend) if programme.min_spend else "")
        for row in range(self.excluded.count()):
            item = self.excluded.item(row)
            excluded = item.data(Qt.ItemDataRole.UserRole) in programme.excluded_category_ids
            item.setCheckState(Qt.CheckState.Checked if excluded else Qt.CheckState.Unchecked)
        self.joining.setValue(programme.joining_bonus)
        self.birthday.setValue(programme.birthday_bonus)
        self.email.setValue(programme.email_bonus)
        self.expires.setChecked(programme.expiry_months is not None)
        self.expiry_months.setValue(programme.expiry_months or 12)
        self.expiry_months.setEnabled(programme.expiry_months is not None)
        value = programme.point_value
        self.point_value.setText("" if value is None else f"{value.normalize():f}")
        self.tier_months.setValue(programme.tier_months)
        self.tiers.load(programme.tiers)
        self._kind_changed()

    def read_programme(self) -> Programme:
        """The programme the form describes (checked when saved); InvalidInput for money or
        numbers that cannot be read."""
        currency, locale = self.profile.currency, self.profile.locale
        typed_minimum = self.min_spend.text().strip()
        minimum = (
            parse_amount(typed_minimum, currency, "minimum spend", locale) if typed_minimum else 0
        )
        typed_value = self.point_value.text().strip()
        value = None
        if typed_value:
            try:
                value = Decimal(typed_value.replace(",", "."))
            except InvalidOperation:
                raise InvalidInput(
                    "point value", "The value of a point must be a number, like 1 or 0.5."
                ) from None
        excluded = tuple(
            int(self.excluded.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.excluded.count())
            if self.excluded.item(row).checkState() == Qt.CheckState.Checked
        )
        return Programme(
            kind="stamps" if self.stamps_kind.isChecked() else "points",
            unit_singular=self.singular.text(),
            unit_plural=self.plural.text(),
            points_per_unit=self.per_unit.value(),
            min_spend=minimum,
            excluded_category_ids=excluded,
            card_size=self.card_size.value(),
            joining_bonus=self.joining.value(),
            birthday_bonus=self.birthday.value(),
            email_bonus=self.email.value(),
            expiry_months=self.expiry_months.value() if self.expires.isChecked() else None,
            tier_months=self.tier_months.value(),
            tiers=tuple(self.tiers.tiers()),
            point_value=value,
        )

    # Reacting ------------------------------------------------------------------------------

    def _kind_changed(self) -> None:
        stamps = self.stamps_kind.isChecked()
        kind, other = ("stamps", "points") if stamps else ("points", "stamps")
        if (self.singular.text(), self.plural.text()) == DEFAULT_WORDS[other]:
            self.singular.setText(DEFAULT_WORDS[kind][0])
            self.plural.setText(DEFAULT_WORDS[kind][1])
        for widget in (self.per_unit, self.per_unit_label):
            widget.setVisible(not stamps)
        for widget in (self.card_size, self.card_size_label):
            widget.setVisible(stamps)
        self._show_rule()

    def _show_rule(self) -> None:
        try:
            minimum_text = self.min_spend.text().strip()
            minimum = (
                parse_amount(
                    minimum_text, self.profile.currency, "minimum spend", self.profile.locale
                )
                if minimum_text
                else 0
            )
        except InvalidInput:
            self.rule.setText("(Write the minimum spend as an amount, or leave it empty.)")
            return
        words = (self.singular.text().strip() or "point", self.plural.text().strip() or "points")
        programme = replace(
            self.programme,
            kind="stamps" if self.stamps_kind.isChecked() else "points",
            unit_singular=words[0],
            unit_plural=words[1],
            points_per_unit=self.per_unit.value(),
            card_size=self.card_size.value(),
            min_spend=minimum,
        )
        self.rule.setText(earning_rule(programme, self.profile.currency, self.profile.locale))

    def save(self) -> None:
        for label in self.errors:
            show_message(label, "")
        try:
            programme = self.read_programme()
            with self.shop.write() as session:
                save_programme(session, programme)
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            field = error.field if isinstance(error, InvalidInput) else ""
            tab, name = FIELDS.get(field, (self.tabs.currentIndex(), ""))
            self.tabs.setCurrentIndex(tab)
            show_message(self.errors[tab], message)
            widget = getattr(self, name, None)
            if isinstance(widget, QWidget):
                widget.setFocus()
            return
        self.events.changed.emit("loyalty")
        self.accept()
