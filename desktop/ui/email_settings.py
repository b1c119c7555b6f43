"""Settings › Email: the mail server, its password (in the system keyring only), the sending
pace and the campaign windows, and a test email sent in the background."""

from __future__ import annotations

import ssl

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.mail.messages import Person
from desktop.mail.sending import MailError
from desktop.mail.smtp_settings import (
    DEFAULT_PORTS,
    NO_SAFE_STORE,
    PASSWORDS,
    SECURITY_CHOICES,
    PasswordStore,
    Security,
    SmtpSettings,
    check_settings,
    load_settings,
    save_settings,
)
from desktop.mail.test_email import send_test_email
from desktop.shop.campaign_emails import sender
from desktop.shop.campaign_settings import (
    cooldown_days,
    emails_per_minute,
    set_cooldown_days,
    set_emails_per_minute,
    set_won_back_days,
    won_back_days,
)
from desktop.shop.errors import InvalidInput
from desktop.shop.settings import get_profile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.inline_errors import error_label, good_colour, show_message, with_error
from desktop.ui.workers import Progress, Worker, start

IN_KEYRING = "✓ Password saved in the system keyring (never in the shop file)."
NO_PASSWORD = "No password saved yet: type it above, then Save."
FIELDS = ("host", "port", "security", "user", "emails per minute", "cooldown", "won-back window")


def _days_box() -> QSpinBox:
    # A wide range on purpose: the shop's own check decides, and says why, beside the field.
    box = QSpinBox()
    box.setRange(0, 99_999)
    box.setSuffix(" days")
    box.setMaximumWidth(140)
    return box


class EmailSettingsTab(QWidget):
    def __init__(
        self,
        shop: ShopDatabase,
        events: ShopEvents,
        parent: QWidget | None = None,
        *,
        passwords: PasswordStore = PASSWORDS,
    ) -> None:
        super().__init__(parent)
        self.shop = shop
        self.events = events
        self.passwords = passwords
        # Tests trust their own server's certificate; the app verifies with the system's.
        self.tls_context: ssl.SSLContext | None = None
        self._worker: Worker | None = None
        self._memory_only = False
        self._unsaved = False
        self._loading = False

        self.host = QLineEdit()
        self.host.setPlaceholderText("e.g. smtp.gmail.com or mail.yourshop.co.uk")
        self.security = QComboBox()
        for value, title in SECURITY_CHOICES.items():
            self.security.addItem(title, value)
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setMaximumWidth(100)
        self.user = QLineEdit()
        self.user.setPlaceholderText("Usually your full email address; empty if none is needed")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Type to set or change the password")
        self.password_state = QLabel()
        self.password_state.setWordWrap(True)
        self.forget_button = QPushButton("Forget password")
        self.forget_button.setAutoDefault(False)
        self.forget_button.clicked.connect(self.forget_password)
        self.sender_label = QLabel()
        self.sender_label.setWordWrap(True)
        self.rate = QSpinBox()
        self.rate.setRange(0, 99_999)
        self.rate.setSpecialValueText("No limit")
        self.rate.setSuffix(" a minute")
        self.rate.setMaximumWidth(140)
        self.cooldown = _days_box()
        self.won_back = _days_box()
        self.errors = {field: error_label() for field in FIELDS}

        self.save_button = QPushButton("Save email settings   Ctrl+S")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.problem = error_label()

        self.test_to = QLineEdit()
        self.test_to.setPlaceholderText("Address to send the test to")
        self.test_button = QPushButton("Send test email")
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self.send_test)
        self.test_to.returnPressed.connect(self.send_test)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.hide()
        self.test_error = error_label()

        self._lay_out()
        self.security.currentIndexChanged.connect(self._security_changed)
        for line in (self.host, self.user, self.password):
            line.textEdited.connect(self._edited)
        for box in (self.port, self.rate, self.cooldown, self.won_back):
            box.valueChanged.connect(self._edited)
        # The shop's name and email (the sender) are edited under Shop details.
        events.changed.connect(lambda what: self.reload() if what == "settings" else None)

    def _lay_out(self) -> None:
        password_row = QHBoxLayout()
        password_row.addWidget(self.password, 1)
        password_row.addWidget(self.forget_button)
        server = QFormLayout()
        server.addRow("&Server", with_error(self.host, self.errors["host"]))
        server.addRow("S&ecurity", with_error(self.security, self.errors["security"]))
        server.addRow("&Port", with_error(self.port, self.errors["port"]))
        server.addRow("&User name", with_error(self.user, self.errors["user"]))
        server.addRow("Pass&word", with_error(password_row, self.password_state))
        server.addRow("Emails come from", self.sender_label)
        server_box = QGroupBox("Mail server")
        server_box.setLayout(server)

        sending = QFormLayout()
        rows = (
            ("emails per minute", "&Emails per minute", self.rate, "Some providers limit this."),
            (
                "cooldown",
                "&Cooldown",
                self.cooldown,
                "Nobody is contacted twice for the same purpose within this many days.",
            ),
            (
                "won-back window",
                "&Won back within",
                self.won_back,
                "A contacted customer who buys within this many days counts as won back.",
            ),
        )
        for field, label, box, hint in rows:
            note = QLabel(hint)
            note.setWordWrap(True)
            note.setStyleSheet("color: palette(placeholder-text);")
            sending.addRow(label, with_error(box, note, self.errors[field]))
        sending_box = QGroupBox("Campaigns")
        sending_box.setLayout(sending)

        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.status, 1)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_to, 1)
        test_row.addWidget(self.test_button)
        test = QVBoxLayout()
        test.addLayout(test_row)
        test.addWidget(self.test_result)
        test.addWidget(self.test_error)
        test_box = QGroupBox("Test email (uses the settings as typed)")
        test_box.setLayout(test)

        # A readable column rather than fields stretched across a wide window.
        body = QWidget()
        body.setMaximumWidth(860)
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(server_box)
        column.addWidget(sending_box)
        column.addWidget(self.problem)
        column.addLayout(buttons)
        column.addWidget(test_box)
        layout = QHBoxLayout(self)
        layout.addWidget(body, 1, Qt.AlignmentFlag.AlignTop)
        layout.addStretch(0)

    def reload(self) -> None:
        """Show what is stored, unless there are edits not yet saved."""
        with self.shop.read() as session:
            settings = load_settings(session) or SmtpSettings()
            profile = get_profile(session)
            rate, cooldown, won_back = (
                emails_per_minute(session),
                cooldown_days(session),
                won_back_days(session),
            )
        if profile.email:
            self.sender_label.setText(
                f"{profile.name or 'Your shop'} <{profile.email}>   (change under Shop details)"
            )
        else:
            self.sender_label.setText("No shop email yet: enter it under Shop details.")
        if not self.test_to.text():
            self.test_to.setText(profile.email)
        if self._unsaved:
            return
        self._loading = True
        self.host.setText(settings.host)
        self.security.setCurrentIndex(max(0, self.security.findData(settings.security)))
        self.port.setValue(settings.port)
        self.user.setText(settings.user)
        self.password.clear()
        self.rate.setValue(rate)
        self.cooldown.setValue(cooldown)
        self.won_back.setValue(won_back)
        self._loading = False
        self._show_password_state(settings)
        self.status.setText("")

    def typed(self) -> SmtpSettings:
        security: Security = "tls" if self.security.currentData() == "tls" else "starttls"
        return SmtpSettings(self.host.text(), self.port.value(), security, self.user.text())

    def _edited(self) -> None:
        if self._loading:
            return
        self._unsaved = True
        self.status.setText("Changes not saved yet.")

    def _security_changed(self) -> None:
        # Follow the usual port for the choice, unless a port of one's own was typed.
        if not self._loading and self.port.value() in DEFAULT_PORTS.values():
            self.port.setValue(DEFAULT_PORTS[self.typed().security])
        self._edited()

    def _show_password_state(self, settings: SmtpSettings) -> None:
        stored = self.passwords.get(settings) is not None
        if stored:
            message = NO_SAFE_STORE if self._memory_only else IN_KEYRING
        elif not settings.user:
            message = "No user name: no password is sent."
        else:
            message = NO_PASSWORD
        self.password_state.setText(message)
        self.forget_button.setEnabled(stored)

    def _clear_errors(self) -> None:
        for label in (*self.errors.values(), self.problem):
            show_message(label, "")

    def save(self) -> bool:
        """Store the settings (the password in the keyring, never the shop file); a refusal is
        shown beside its field and nothing is stored."""
        self._clear_errors()
        try:
            with self.shop.write() as session:
                previous = load_settings(session)
                saved = save_settings(session, self.typed())
                set_emails_per_minute(session, self.rate.value())
                set_cooldown_days(session, self.cooldown.value())
                set_won_back_days(session, self.won_back.value())
        except InvalidInput as error:
            show_message(self.errors.get(error.field, self.problem), str(error))
            self.status.setText("")
            return False
        except Exception as error:
            message = describe_error(error)
            if message is None:
                raise
            show_message(self.problem, message)
            return False
        password = self.password.text()
        if not password and previous is not None and previous.account != saved.account:
            # The password belongs to the old server or user name: carry it over.
            password = self.passwords.get(previous) or ""
            self.passwords.forget(previous)
        if password:
            self._memory_only = not self.passwords.save(saved, password).in_keyring
        self.password.clear()
        self._unsaved = False
        self.events.changed.emit("settings")  # this tab reloads with the rest
        self.status.setText("Saved.")
        return True

    def forget_password(self) -> None:
        settings = self.typed()
        self.passwords.forget(settings)
        self._memory_only = False
        self._show_password_state(settings)

    def send_test(self) -> None:
        """Send a test email in the background with the settings as typed."""
        if self._worker is not None:
            return
        self._clear_errors()
        show_message(self.test_error, "")
        self.test_result.hide()
        try:
            settings = check_settings(self.typed())
            with self.shop.read() as session:
                shop_name, shop_email = sender(session)
        except InvalidInput as error:
            label = self.errors.get(error.field, self.test_error)
            show_message(label, str(error))
            if label is not self.test_error:
                show_message(self.test_error, "Fix the settings above first.")
            return
        password = self.password.text() or self.passwords.get(settings)
        if settings.user and not password:
            show_message(self.test_error, "Type the mail server's password first.")
            self.password.setFocus()
            return
        to = self.test_to.text()
        context = self.tls_context

        def job(_progress: Progress) -> str:
            return send_test_email(
                settings, password, Person(shop_name, shop_email), to, context=context
            )

        self.test_button.setEnabled(False)
        self.test_button.setText("Sending…")
        self._worker = start(job, finished=self._test_sent, failed=self._test_failed)

    def _test_done(self) -> None:
        self._worker = None
        self.test_button.setEnabled(True)
        self.test_button.setText("Send test email")

    def _test_sent(self, address: object) -> None:
        self._test_done()
        self.test_result.setStyleSheet(f"color: {good_colour()}; font-weight: 600;")
        self.test_result.setText(f"✓ Test email sent to {address} — check the inbox.")
        self.test_result.show()

    def _test_failed(self, error: BaseException) -> None:
        self._test_done()
        if isinstance(error, MailError):
            message = str(error)
        else:
            message = describe_error(error) or "The test email could not be sent (see the log)."
        show_message(self.test_error, message)
