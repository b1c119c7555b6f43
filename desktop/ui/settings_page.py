"""Settings: the shop's profile and logo (also used by the first-run set-up), and the catalogue."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.errors import InvalidInput
from desktop.shop.settings import (
    ShopProfile,
    check_logo,
    currency_choices,
    get_logo,
    get_profile,
    locale_choices,
    save_profile,
    set_logo,
)
from desktop.store.shopfile import ShopDatabase
from desktop.ui.catalogue_editor import CatalogueEditor
from desktop.ui.email_settings import EmailSettingsTab
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, show_message
from desktop.ui.unsubscribes import UnsubscribesTab

PREVIEW_SIZE = (200, 110)


class LogoPicker(QWidget):
    """A preview of the logo with Choose… and Remove; nothing is stored until the form saves."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data: bytes | None = None
        self.preview = QLabel()
        self.preview.setFixedSize(*PREVIEW_SIZE)
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.choose_button = QPushButton("Choose picture…")
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose)
        self.remove_button = QPushButton("Remove logo")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove)
        self.error = error_label()
        buttons = QVBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(buttons)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._show()

    def data(self) -> bytes | None:
        return self._data

    def set_data(self, data: bytes | None) -> None:
        self._data = data
        show_message(self.error, "")
        self._show()

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose your logo", str(Path.home()), "Pictures (*.png *.jpg *.jpeg)"
        )
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> bool:
        """Take the picture at `path` as the logo, or say why not (the old one stays)."""
        try:
            data = path.read_bytes()
        except OSError as error:
            show_message(self.error, f"{path.name} could not be read: {error.strerror}.")
            return False
        try:
            check_logo(data)
        except InvalidInput as error:
            show_message(self.error, str(error))
            return False
        if QImage.fromData(data).isNull():
            show_message(self.error, f"{path.name} looks like a picture but is damaged.")
            return False
        self.set_data(data)
        self.changed.emit()
        return True

    def remove(self) -> None:
        if self._data is not None:
            self.set_data(None)
            self.changed.emit()

    def _show(self) -> None:
        self.remove_button.setEnabled(self._data is not None)
        if self._data is None:
            self.preview.setPixmap(QPixmap())
            self.preview.setText("No logo")
            return
        picture = QPixmap()
        picture.loadFromData(self._data)
        width, height = PREVIEW_SIZE
        self.preview.setPixmap(
            picture.scaled(
                width - 8,
                height - 8,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )


class ProfileForm(QWidget):
    """The shop's name, contact details, logo, currency and locale, with a message beside each
    field the shop refuses. `changed` fires on every edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText("As customers know it, e.g. The Teapot Tree")
        self.address = QPlainTextEdit()
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.address.setPlaceholderText("Street\nTown\nPostcode")
        self.phone = QLineEdit()
        self.website = QLineEdit()
        self.website.setPlaceholderText("e.g. www.teapottree.co.uk")
        self.email = QLineEdit()
        self.email.setPlaceholderText("e.g. hello@teapottree.co.uk")
        self.currency_box = QComboBox()
        self.currency_box.setEditable(True)
        for code, name in currency_choices():
            self.currency_box.addItem(f"{code} — {name}", code)
        self.locale_box = QComboBox()
        for code, name in locale_choices():
            self.locale_box.addItem(f"{name} — {code}", code)
        self.logo = LogoPicker()
        self._errors = {field: error_label() for field in _FIELDS}

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        rows: list[tuple[str, QWidget, str]] = [
            ("Shop name", self.name, "shop name"),
            ("Address", self.address, "address"),
            ("Phone", self.phone, "phone"),
            ("Website", self.website, "website"),
            ("Email", self.email, "email"),
            ("Logo", self.logo, "logo"),
            ("Currency", self.currency_box, "currency"),
            ("Money and dates as in", self.locale_box, "locale"),
        ]
        for label, widget, field in rows:
            # The message sits right under its field and takes no room while hidden.
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(widget)
            cell.addWidget(self._errors[field])
            form.addRow(label, cell)
        for line in (self.name, self.phone, self.website, self.email):
            line.textEdited.connect(self.changed)
        self.address.textChanged.connect(self.changed)
        self.currency_box.currentTextChanged.connect(self.changed)
        self.locale_box.currentIndexChanged.connect(self.changed)
        self.logo.changed.connect(self.changed)

    def set_profile(self, profile: ShopProfile, logo: bytes | None) -> None:
        self.blockSignals(True)
        self.name.setText(profile.name)
        self.address.setPlainText(profile.address)
        self.phone.setText(profile.phone)
        self.website.setText(profile.website)
        self.email.setText(profile.email)
        at = self.currency_box.findData(profile.currency)
        if at >= 0:
            self.currency_box.setCurrentIndex(at)
        else:
            self.currency_box.setEditText(profile.currency)
        at = self.locale_box.findData(profile.locale)
        if at < 0:
            self.locale_box.addItem(profile.locale, profile.locale)
            at = self.locale_box.count() - 1
        self.locale_box.setCurrentIndex(at)
        self.logo.set_data(logo)
        self.blockSignals(False)
        self.clear_errors()

    def profile(self) -> ShopProfile:
        """What is typed, as the shop will check it."""
        at = self.currency_box.findText(self.currency_box.currentText())
        typed = self.currency_box.currentText().strip()
        currency = self.currency_box.itemData(at) if at >= 0 else typed.split(" ")[0]
        return ShopProfile(
            name=self.name.text(),
            address=self.address.toPlainText(),
            phone=self.phone.text(),
            website=self.website.text(),
            email=self.email.text(),
            currency=str(currency or ""),
            locale=str(self.locale_box.currentData()),
        )

    def clear_errors(self) -> None:
        for label in self._errors.values():
            show_message(label, "")
        show_message(self.logo.error, "")

    def show_error(self, error: InvalidInput) -> None:
        label = self._errors.get(error.field, self._errors["shop name"])
        show_message(label, str(error))
        targets: dict[str, QWidget] = {
            "address": self.address,
            "phone": self.phone,
            "website": self.website,
            "email": self.email,
            "currency": self.currency_box,
            "locale": self.locale_box,
            "logo": self.logo.choose_button,
        }
        targets.get(error.field, self.name).setFocus()

    def save(self, shop: ShopDatabase) -> bool:
        """Store profile and logo together; on a refusal show it by its field and store nothing."""
        self.clear_errors()
        try:
            with shop.write() as session:
                saved = save_profile(session, self.profile())
                set_logo(session, self.logo.data())
        except InvalidInput as error:
            self.show_error(error)
            return False
        self.set_profile(saved, self.logo.data())
        return True


_FIELDS = ("shop name", "address", "phone", "website", "email", "logo", "currency", "locale")


class SettingsPage(QWidget):
    def __init__(
        self, shop: ShopDatabase, events: ShopEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self._unsaved = False

        self.form = ProfileForm()
        self.form.changed.connect(self._edited)
        self.save_button = QPushButton("Save shop details   Ctrl+S")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.problem = error_label()
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_shown_tab).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        self.profile_tab = profile_tab = QWidget()
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.status, 1)
        profile_layout = QVBoxLayout(profile_tab)
        profile_layout.addWidget(self.form)
        profile_layout.addWidget(self.problem)
        profile_layout.addLayout(buttons)
        profile_layout.addStretch(1)

        self.catalogue = CatalogueEditor(shop, events)
        self.email = EmailSettingsTab(shop, events)
        self.unsubscribes = UnsubscribesTab(shop, events)
        self.tabs = QTabWidget()
        self.tabs.addTab(profile_tab, "Shop details")
        self.tabs.addTab(self.catalogue, "Catalogue")
        self.tabs.addTab(self.email, "Email")
        self.tabs.addTab(self.unsubscribes, "Unsubscribes")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.reload()

    def activate(self) -> None:
        """Shown by the main window: fresh values, unless there are edits not yet saved."""
        if not self._unsaved:
            self.reload()
        self.catalogue.reload()
        self.email.reload()
        self.unsubscribes.reload()

    def save_shown_tab(self) -> None:
        """Ctrl+S saves what the shopkeeper is looking at: the shop details or the email."""
        if self.tabs.currentWidget() is self.email:
            self.email.save()
        elif self.tabs.currentWidget() is self.profile_tab:
            self.save()

    def reload(self) -> None:
        with self.shop.read() as session:
            profile, logo = get_profile(session), get_logo(session)
        self.form.set_profile(profile, logo)
        self._unsaved = False
        self.status.setText("")

    def _edited(self) -> None:
        self._unsaved = True
        self.status.setText("Changes not saved yet.")

    def save(self) -> None:
        show_message(self.problem, "")
        try:
            saved = self.form.save(self.shop)
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            show_message(self.problem, message)
            return
        if saved:
            self._unsaved = False
            self.status.setText("Saved.")
            self.events.changed.emit("settings")
