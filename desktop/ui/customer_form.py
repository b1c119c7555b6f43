"""The fields of a customer, with each field's problem shown right under it."""

from __future__ import annotations

from babel.dates import get_month_names
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.shop.customers import CustomerDetails, countries
from desktop.ui.inline_errors import error_label


class CustomerForm(QWidget):
    """Name, contact details, address, birthday, notes and tags. `changed` fires on any edit."""

    changed = Signal()

    def __init__(self, locale: str, default_country: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Required")
        self.email = QLineEdit()
        self.email.setPlaceholderText("name@example.com")
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("As they say it, e.g. 07700 900123")
        self.address_line1 = QLineEdit()
        self.address_line2 = QLineEdit()
        self.town = QLineEdit()
        self.postcode = QLineEdit()
        self.postcode.setMaximumWidth(140)
        self.country = QComboBox()
        for code, name in countries(locale):
            self.country.addItem(name, code)
        self._select_country(default_country)
        self.birth_day = QSpinBox()
        self.birth_day.setRange(0, 31)
        self.birth_day.setSpecialValueText("day")
        self.birth_day.setAccessibleName("Birthday day")
        self.birth_month = QComboBox()
        self.birth_month.setAccessibleName("Birthday month")
        self.birth_month.addItem("month", None)
        for number, month in sorted(get_month_names("wide", locale=locale).items()):
            self.birth_month.addItem(str(month), number)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(64)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("Comma-separated, e.g. VIP, candles")

        self.errors: dict[str, QLabel] = {}
        self._focus_for: dict[str, QWidget] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        birthday = QHBoxLayout()
        birthday.addWidget(self.birth_day)
        birthday.addWidget(self.birth_month)
        birthday.addStretch(1)
        address = QVBoxLayout()
        address.addWidget(self.address_line1)
        address.addWidget(self.address_line2)
        rows: list[tuple[str, str, QWidget | QHBoxLayout | QVBoxLayout, QWidget]] = [
            ("&Name", "name", self.name, self.name),
            ("&Email", "email", self.email, self.email),
            ("&Phone", "phone", self.phone, self.phone),
            ("&Address", "address", address, self.address_line1),
            ("&Town", "town", self.town, self.town),
            ("Post&code", "postcode", self.postcode, self.postcode),
            ("C&ountry", "country", self.country, self.country),
            ("&Birthday", "birthday", birthday, self.birth_day),
            ("No&tes", "notes", self.notes, self.notes),
            ("Ta&gs", "tag", self.tags, self.tags),
        ]
        for text, field, widget, focus in rows:
            cell = QVBoxLayout()
            cell.setSpacing(2)
            if isinstance(widget, QWidget):
                cell.addWidget(widget)
            else:
                cell.addLayout(widget)
            self.errors[field] = error_label()
            cell.addWidget(self.errors[field])
            label = QLabel(text)
            label.setBuddy(focus)
            form.addRow(label, cell)
            self._focus_for[field] = focus
        for line in (
            self.name,
            self.email,
            self.phone,
            self.address_line1,
            self.address_line2,
            self.town,
            self.postcode,
            self.tags,
        ):
            line.textEdited.connect(self.changed)
        self.notes.textChanged.connect(self.changed)
        self.country.currentIndexChanged.connect(self.changed)
        self.birth_day.valueChanged.connect(self.changed)
        self.birth_month.currentIndexChanged.connect(self.changed)

    def _select_country(self, code: str) -> None:
        index = self.country.findData(code)
        self.country.setCurrentIndex(max(index, 0))

    def set_details(self, details: CustomerDetails) -> None:
        self.name.setText(details.name)
        self.email.setText(details.email)
        self.phone.setText(details.phone)
        self.address_line1.setText(details.address_line1)
        self.address_line2.setText(details.address_line2)
        self.town.setText(details.town)
        self.postcode.setText(details.postcode)
        self._select_country(details.country)
        self.birth_day.setValue(details.birth_day or 0)
        self.birth_month.setCurrentIndex(details.birth_month or 0)
        self.notes.setPlainText(details.notes)
        self.tags.setText(", ".join(details.tags))

    def details(self) -> CustomerDetails:
        """What is typed, unchecked: the shop's rules check it when it is saved."""
        month = self.birth_month.currentData()
        return CustomerDetails(
            name=self.name.text(),
            email=self.email.text(),
            phone=self.phone.text(),
            address_line1=self.address_line1.text(),
            address_line2=self.address_line2.text(),
            town=self.town.text(),
            postcode=self.postcode.text(),
            country=str(self.country.currentData() or ""),
            birth_day=self.birth_day.value() or None,
            birth_month=int(month) if month is not None else None,
            notes=self.notes.toPlainText(),
            tags=[tag.strip() for tag in self.tags.text().split(",") if tag.strip()],
        )

    def show_error(self, field: str, message: str) -> bool:
        """Show `message` under the field named `field`; False when no field has that name."""
        label = self.errors.get(field)
        if label is None:
            return False
        label.setText(message)
        label.show()
        self._focus_for[field].setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.hide()
