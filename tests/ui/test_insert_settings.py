"""Insert settings: the shop's own wording checked as it is typed, a live sample, every option
saved in one go (or none), the extras to pack, and a sample insert previewed as a real PDF."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop.shop.guides import GuideInput, create_guide
from desktop.shop.insert_options import InsertOptions, insert_options
from desktop.shop.parcels import extras_to_pack
from desktop.shop.settings import ShopProfile, save_profile
from desktop.shop.templates import list_templates
from desktop.shop.vouchers import list_vouchers
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.insert_settings_dialog import InsertSettingsDialog
from desktop.ui.parcels_page import ParcelsPage
from desktop.ui.print_preview import PrintPreviewDialog


@pytest.fixture
def shop_named(shop: ShopDatabase) -> ShopDatabase:
    with shop.write() as session:
        save_profile(
            session, ShopProfile(name="Łąka & Ζωή Tea", website="laka-tea.example", currency="GBP")
        )
    return shop


def _dialog(
    qtbot: QtBot, shop: ShopDatabase, events: ShopEvents | None = None
) -> InsertSettingsDialog:
    dialog = InsertSettingsDialog(shop, events or ShopEvents())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def _type(widget: QWidget, text: str) -> None:
    """Type any text, as a keyboard with that layout would (QTest types ASCII only)."""
    for character in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, character)
            QApplication.sendEvent(widget, event)


def _own_copy(qtbot: QtBot, dialog: InsertSettingsDialog) -> None:
    qtbot.mouseClick(dialog.editor.copy_button, Qt.MouseButton.LeftButton)
    assert not dialog.editor.greeting.isReadOnly()


def test_built_in_wording_is_read_only_until_copied_as_the_shops_own(
    qtbot: QtBot, shop_named: ShopDatabase
) -> None:
    events = ShopEvents()
    changes: list[str] = []
    events.changed.connect(changes.append)
    dialog = _dialog(qtbot, shop_named, events)
    assert dialog.editor.template_choice.currentText() == "Warm (built in)"
    assert dialog.editor.greeting.isReadOnly() and dialog.editor.body.isReadOnly()
    assert dialog.editor.built_in_note.isVisible()
    assert not dialog.editor.delete_button.isEnabled()

    _own_copy(qtbot, dialog)

    assert dialog.editor.template_choice.currentText() == "My warm"
    assert dialog.editor.name.text() == "My warm"
    assert dialog.editor.name.hasFocus()
    assert changes == ["settings"]
    with shop_named.read() as session:
        assert [t.name for t in list_templates(session)][-1] == "My warm"
    # A second copy gets a name of its own.
    dialog.editor.template_choice.setCurrentIndex(0)
    _own_copy(qtbot, dialog)
    assert dialog.editor.template_choice.currentText() == "My warm 2"


def test_placeholders_are_checked_as_typed_and_the_sample_follows(
    qtbot: QtBot, shop_named: ShopDatabase
) -> None:
    dialog = _dialog(qtbot, shop_named)
    assert "Dear Zoë," in dialog.editor.sample.text()
    assert "Łąka &amp; Ζωή Tea" in dialog.editor.sample.text()
    _own_copy(qtbot, dialog)

    dialog.editor.greeting.clear()
    _type(dialog.editor.greeting, "Cześć {frist_name}!")
    assert dialog.editor.greeting_error.isVisible()
    assert "{frist_name}" in dialog.editor.greeting_error.text()
    assert "doesn't know" in dialog.editor.greeting_error.text()

    dialog.editor.greeting.setText("Cześć {first_name}!")
    assert not dialog.editor.greeting_error.isVisible()
    assert "Cześć Zoë!" in dialog.editor.sample.text()

    dialog.editor.body.setPlainText("Thank you from {shop_name} { and goodbye")
    assert dialog.editor.body_error.isVisible()
    assert "on its own" in dialog.editor.body_error.text()
    dialog.editor.body.setPlainText("Thank you <b>from</b> {shop_name}.")
    assert not dialog.editor.body_error.isVisible()
    # Shop text is shown as written, never as markup.
    assert "Thank you &lt;b&gt;from&lt;/b&gt; Łąka &amp; Ζωή Tea." in dialog.editor.sample.text()


def test_a_lone_brace_is_pointed_out_on_one_line(qtbot: QtBot, shop_named: ShopDatabase) -> None:
    dialog = _dialog(qtbot, shop_named)
    _own_copy(qtbot, dialog)
    dialog.editor.body.setPlainText("Γεια!\n\nSee you { soon")
    assert dialog.editor.body_error.isVisible()
    assert "(near “Γεια! See you { soon”)" in dialog.editor.body_error.text()
    assert "\n" not in dialog.editor.body_error.text()


def test_a_half_typed_feedback_address_does_not_stop_the_sample(
    qtbot: QtBot, shop_named: ShopDatabase
) -> None:
    dialog = _dialog(qtbot, shop_named)
    dialog.qr_feedback.setChecked(True)
    dialog.feedback_url.setText("laka tea")
    dialog.voucher_box.setChecked(True)
    assert "little thank-you, here is 10% off" in dialog.editor.sample.text()


def test_a_placeholder_is_inserted_where_the_cursor_was(
    qtbot: QtBot, shop_named: ShopDatabase
) -> None:
    dialog = _dialog(qtbot, shop_named)
    _own_copy(qtbot, dialog)
    dialog.editor.signature.setText("Love, ")
    dialog.editor.signature.setFocus()
    dialog.editor.signature.end(False)
    item = next(
        dialog.editor.placeholders.item(i)
        for i in range(dialog.editor.placeholders.count())
        if dialog.editor.placeholders.item(i).data(Qt.ItemDataRole.UserRole) == "signed_by"
    )
    dialog.editor.placeholders.itemActivated.emit(item)
    assert dialog.editor.signature.text() == "Love, {signed_by}"
    assert "Love, Łąka &amp; Ζωή Tea" in dialog.editor.sample.text()


def test_the_voucher_paragraph_appears_only_when_inserts_carry_a_voucher(
    qtbot: QtBot, shop_named: ShopDatabase
) -> None:
    dialog = _dialog(qtbot, shop_named)
    assert "little thank-you" not in dialog.editor.sample.text()
    dialog.voucher_box.setChecked(True)
    assert "little thank-you, here is 10% off" in dialog.editor.sample.text()
    dialog.value.by_amount.setChecked(True)
    dialog.value.amount.setText("4.50")
    assert "£4.50 off" in dialog.editor.sample.text()


def test_everything_is_saved_together_and_the_parcels_page_follows(
    qtbot: QtBot, shop_named: ShopDatabase
) -> None:
    events = ShopEvents()
    page = ParcelsPage(shop_named, events)
    qtbot.addWidget(page)
    page.show()
    dialog = _dialog(qtbot, shop_named, events)
    _own_copy(qtbot, dialog)
    dialog.editor.name.setText("Ελένη's note")
    dialog.editor.body.setPlainText("Ευχαριστώ, {first_name}! Enjoy your {items}.")
    dialog.editor.signed_by.setText("Anna & Łucja")
    dialog.layout_choice.setCurrentIndex(dialog.layout_choice.findData("dl"))
    dialog.greyscale.setChecked(True)
    dialog.voucher_box.setChecked(True)
    dialog.value.by_amount.setChecked(True)
    dialog.value.amount.setText("5")
    dialog.min_spend.setText("20.00")
    dialog.validity.setValue(60)
    dialog.qr_feedback.setChecked(True)
    dialog.feedback_url.setText("laka-tea.example/feedback")
    dialog.add_extra()
    item = dialog.extras.item(dialog.extras.count() - 1)
    item.setText("Łakocie 🍬")

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    with shop_named.read() as session:
        options = insert_options(session)
        extras = extras_to_pack(session)
        own = [t for t in list_templates(session) if not t.built_in]
    assert options == InsertOptions(
        template="Ελένη's note",
        layout="dl",
        colour=False,
        voucher=True,
        voucher_kind="thank_you",
        voucher_percent=None,
        voucher_amount=500,
        voucher_min_spend=2000,
        voucher_validity_days=60,
        qr="feedback",
        feedback_url="laka-tea.example/feedback",
        signed_by="Anna & Łucja",
    )
    assert [t.name for t in own] == ["Ελένη's note"]
    assert own[0].body == "Ευχαριστώ, {first_name}! Enjoy your {items}."
    assert extras[-1] == "Łakocie 🍬"
    assert page.layout_choice.currentData() == "dl"
    assert page.colour_choice.currentText() == "Greyscale"
    assert page.extras.extras()[-1] == "Łakocie 🍬"

    reopened = _dialog(qtbot, shop_named)
    assert reopened.editor.template_choice.currentText() == "Ελένη's note"
    assert reopened.value.amount.text() == "5.00"
    assert reopened.qr_feedback.isChecked()


def test_a_bad_template_stops_the_save_and_nothing_is_stored(
    qtbot: QtBot, shop_named: ShopDatabase
) -> None:
    dialog = _dialog(qtbot, shop_named)
    _own_copy(qtbot, dialog)
    dialog.layout_choice.setCurrentIndex(dialog.layout_choice.findData("a5"))
    dialog.editor.body.setPlainText("Thanks {name}")
    dialog.tabs.setCurrentIndex(1)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.tabs.currentIndex() == 0
    assert "“{name}”" in dialog.editor.body_error.text()
    with shop_named.read() as session:
        assert insert_options(session).layout == "a6"


def test_the_feedback_link_and_the_extras_are_checked_on_their_tabs(
    qtbot: QtBot, shop_named: ShopDatabase
) -> None:
    dialog = _dialog(qtbot, shop_named)
    dialog.qr_feedback.setChecked(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.tabs.currentIndex() == 1
    assert dialog.qr_error.isVisible()
    assert "feedback form's web address" in dialog.qr_error.text()

    dialog.feedback_url.setText("not a web address")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "is not a web address" in dialog.qr_error.text()

    dialog.qr_none.setChecked(True)
    dialog.feedback_url.clear()
    for n in range(13):
        dialog.add_extra()
        dialog.extras.item(dialog.extras.count() - 1).setText(f"Extra {n}")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.tabs.currentIndex() == 2
    assert "12 extras at most" in dialog.extras_error.text()
    assert not dialog.qr_error.isVisible()
    with shop_named.read() as session:
        assert insert_options(session).qr == "site"


def test_deleting_the_shops_own_template_asks_first(qtbot: QtBot, shop_named: ShopDatabase) -> None:
    dialog = _dialog(qtbot, shop_named)
    _own_copy(qtbot, dialog)
    assert dialog.editor.delete_button.isEnabled()

    def answer_yes() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(200, answer_yes)
    qtbot.mouseClick(dialog.editor.delete_button, Qt.MouseButton.LeftButton)
    assert dialog.editor.template_choice.currentText() == "Warm (built in)"
    with shop_named.read() as session:
        assert all(t.built_in for t in list_templates(session))


def test_preview_insert_renders_one_sample_card_and_issues_no_voucher(
    qtbot: QtBot, shop_named: ShopDatabase
) -> None:
    dialog = _dialog(qtbot, shop_named)
    _own_copy(qtbot, dialog)
    dialog.editor.body.setPlainText(
        "Дякуємо, {first_name}, for choosing {shop_name}.\n\n{voucher_code}"
    )
    dialog.voucher_box.setChecked(True)
    dialog.layout_choice.setCurrentIndex(dialog.layout_choice.findData("a5"))
    with qtbot.waitSignal(dialog.printer.previewing, timeout=30_000) as opened:
        qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    assert isinstance(opened.args[0], PrintPreviewDialog)
    batch = dialog.printer.rendered
    assert batch is not None
    reader = PdfReader(io.BytesIO(batch.pdf))
    assert len(reader.pages) == 1
    assert round(float(reader.pages[0].mediabox.width) / 72 * 25.4) == 148  # A5, as chosen
    text = reader.pages[0].extract_text()
    assert "Дякуємо, Zoë, for choosing Łąka & Ζωή Tea." in text
    with shop_named.read() as session:
        assert list_vouchers(session).rows == []
        assert insert_options(session).layout == "a6"


def test_the_sample_shows_a_guides_qr_code_once_the_shop_has_one(
    qtbot: QtBot, shop_named: ShopDatabase
) -> None:
    with shop_named.write() as session:
        create_guide(
            session, GuideInput("Caring for Łąka stoneware", url="https://laka.example/care")
        )
    dialog = _dialog(qtbot, shop_named)
    with qtbot.waitSignal(dialog.printer.previewing, timeout=30_000):
        qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    batch = dialog.printer.rendered
    assert batch is not None
    words = " ".join(PdfReader(io.BytesIO(batch.pdf)).pages[0].extract_text().split())
    assert "How to care for it: Caring for Łąka stoneware" in words
