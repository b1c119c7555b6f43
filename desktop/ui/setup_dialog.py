"""First run: set up the shop, or look around a sample shop first (kept in a separate file)."""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import describe_error
from desktop.shop.settings import ShopProfile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.inline_errors import error_label, show_message
from desktop.ui.settings_page import ProfileForm

Choice = Literal["setup", "sample"]


def _title(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    label.setFont(font)
    return label


class SetupDialog(QDialog):
    """Accepted with `choice()` "setup" once the profile (and logo) are saved in `shop`, or
    with "sample" for the app to open the sample shop instead."""

    def __init__(self, shop: ShopDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shop = shop
        self._choice: Choice = "setup"
        self.setWindowTitle("Welcome to Aftercare")
        self.resize(640, 600)

        self.setup_button = QCommandLinkButton(
            "&Set up my shop",
            "Type your shop's name and details. You can change them later in Settings.",
        )
        self.sample_button = QCommandLinkButton(
            "&Explore a sample shop first",
            "Opens a made-up shop full of customers and sales, in a file of its own, to try "
            "everything. Your own shop stays untouched until you set it up.",
        )
        self.setup_button.clicked.connect(self.show_form)
        self.sample_button.clicked.connect(self.choose_sample)
        welcome = QWidget()
        intro = QLabel(
            "Aftercare keeps track of your customers and what they bought, and helps you "
            "bring them back. Everything stays on this computer, in one shop file."
        )
        intro.setWordWrap(True)
        welcome_layout = QVBoxLayout(welcome)
        welcome_layout.addWidget(_title("Welcome to Aftercare"))
        welcome_layout.addWidget(intro)
        welcome_layout.addSpacing(12)
        welcome_layout.addWidget(self.setup_button)
        welcome_layout.addWidget(self.sample_button)
        welcome_layout.addStretch(1)

        self.form = ProfileForm()
        self.problem = error_label()
        back = QPushButton("← Back")
        back.clicked.connect(self.show_welcome)
        self.start_button = QPushButton("Start using Aftercare")
        self.start_button.clicked.connect(self.save_and_start)
        for button in (back, self.start_button):
            button.setAutoDefault(False)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        holder = QWidget()
        held = QVBoxLayout(holder)
        held.setContentsMargins(0, 0, 0, 0)
        held.addWidget(self.form)
        held.addStretch(1)
        scroll.setWidget(holder)
        form_page = QWidget()
        buttons = QHBoxLayout()
        buttons.addWidget(back)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        form_layout = QVBoxLayout(form_page)
        form_layout.addWidget(_title("Your shop"))
        form_layout.addWidget(QLabel("Only the shop name is needed now."))
        form_layout.addWidget(scroll, 1)
        form_layout.addWidget(self.problem)
        form_layout.addLayout(buttons)

        self.pages = QStackedWidget()
        self.pages.addWidget(welcome)
        self.pages.addWidget(form_page)
        QVBoxLayout(self).addWidget(self.pages)
        self.setup_button.setFocus()

    def choice(self) -> Choice:
        return self._choice

    def profile(self) -> ShopProfile:
        """The profile as saved (tidied by the shop) once accepted; as typed before."""
        return self.form.profile()

    def logo(self) -> bytes | None:
        return self.form.logo.data()

    def show_form(self) -> None:
        self._choice = "setup"
        self.pages.setCurrentIndex(1)
        self.form.name.setFocus()

    def show_welcome(self) -> None:
        self.pages.setCurrentIndex(0)
        self.setup_button.setFocus()

    def choose_sample(self) -> None:
        self._choice = "sample"
        self.accept()

    def save_and_start(self) -> None:
        """Check and save the profile and logo in the shop; stay here showing what to fix."""
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
            self._choice = "setup"
            self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # On the form, Escape goes back to the two choices and Enter starts.
        on_form = self.pages.currentIndex() == 1
        if on_form and event.key() == Qt.Key.Key_Escape:
            self.show_welcome()
        elif on_form and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save_and_start()
        else:
            super().keyPressEvent(event)
