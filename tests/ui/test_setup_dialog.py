"""First run: set up the shop (saved in the shop file) or choose to explore the sample shop."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from desktop.shop.settings import get_logo, get_profile, is_set_up
from desktop.store.shopfile import ShopDatabase
from desktop.ui.setup_dialog import SetupDialog


def _dialog(qtbot: QtBot, shop: ShopDatabase) -> SetupDialog:
    dialog = SetupDialog(shop)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    return dialog


def test_setting_up_with_the_keyboard_saves_the_shop(qtbot: QtBot, shop: ShopDatabase) -> None:
    dialog = _dialog(qtbot, shop)
    assert QApplication.focusWidget() is dialog.setup_button
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert QApplication.focusWidget() is dialog.form.name
    qtbot.keyClicks(dialog.form.name, "The Teapot Tree")
    qtbot.keyClick(dialog.form.name, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "12 Rue de l'Eglise")
    qtbot.keyClick(dialog.form.name, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.choice() == "setup"
    with shop.read() as session:
        assert is_set_up(session)
        stored = get_profile(session)
    assert (stored.name, stored.address, stored.currency, stored.locale) == (
        "The Teapot Tree",
        "12 Rue de l'Eglise",
        "GBP",
        "en_GB",
    )
    assert dialog.profile() == stored
    assert dialog.logo() is None


def test_the_profile_and_logo_are_saved_together(
    qtbot: QtBot, shop: ShopDatabase, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, shop)
    dialog.setup_button.click()
    form = dialog.form
    form.name.setText("Łukasz & Ελένη — Дмитрий's 李雷 Café ☕")
    form.address.setPlainText("1 Żurawia\nWarszawa")
    form.phone.setText("22 123 45 67")
    form.website.setText("herbata.example.pl")
    form.currency_box.setCurrentIndex(form.currency_box.findData("PLN"))
    form.locale_box.setCurrentIndex(form.locale_box.findData("pl_PL"))
    image = QImage(80, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("darkred"))
    logo = tmp_path / "logo.png"
    image.save(str(logo))
    assert form.logo.load_file(logo)
    dialog.start_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    with shop.read() as session:
        stored = get_profile(session)
        assert get_logo(session) == logo.read_bytes()
    assert stored.name == "Łukasz & Ελένη — Дмитрий's 李雷 Café ☕"
    assert (stored.currency, stored.locale, stored.phone) == ("PLN", "pl_PL", "22 123 45 67")
    assert dialog.profile() == stored
    assert dialog.logo() == logo.read_bytes()


def test_a_shop_needs_a_name_and_nothing_is_saved_without_one(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    dialog = _dialog(qtbot, shop)
    dialog.setup_button.click()
    dialog.form.website.setText("teapot.example")
    dialog.start_button.click()
    assert dialog.isVisible()
    assert dialog.form._errors["shop name"].text() == "Please enter the shop name."
    assert QApplication.focusWidget() is dialog.form.name
    with shop.read() as session:
        assert not is_set_up(session)


def test_exploring_the_sample_shop_saves_nothing_here(qtbot: QtBot, shop: ShopDatabase) -> None:
    dialog = _dialog(qtbot, shop)
    qtbot.keyClick(dialog, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    # A mnemonic presses its button visibly, so the click lands a moment later.
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert dialog.choice() == "sample"
    with shop.read() as session:
        assert not is_set_up(session)


def test_escape_on_the_form_goes_back_to_the_two_choices(qtbot: QtBot, shop: ShopDatabase) -> None:
    dialog = _dialog(qtbot, shop)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1)
    qtbot.keyClick(dialog.form.name, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert dialog.pages.currentIndex() == 0
    assert QApplication.focusWidget() is dialog.setup_button
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    with shop.read() as session:
        assert not is_set_up(session)
