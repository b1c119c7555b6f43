"""Writing a campaign email: unknown placeholders are refused inline, placeholders go in at the
cursor, and the preview shows a real customer's email exactly as they would get it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from desktop.shop.campaigns import DEFAULT_TEMPLATE, Template
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.settings import ShopProfile, save_profile
from desktop.shop.vouchers import VoucherTerms
from desktop.store.models import utc_now
from desktop.store.shopfile import ShopDatabase
from desktop.ui.email_template_dialog import EmailTemplateDialog


@pytest.fixture
def customers(shop: ShopDatabase) -> ShopDatabase:
    """Ελένη was in three days ago, Zoë a year ago; 李雷 today, but with no email address."""
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Łukasz's Teas", email="hello@teas.example"))
        for name, email, days_ago in (
            ("Zoë Ó'Brien", "zoe@example.org", 365),
            ("Ελένη Παπαδοπούλου", "eleni@example.org", 3),
            ("李雷", "", 0),
        ):
            customer = create_customer(session, CustomerDetails(name=name, email=email))
            record_purchase(
                session,
                PurchaseInput(
                    lines=[LineInput("Sencha", 1, 850)],
                    customer_id=customer.id,
                    purchased_at=utc_now() - timedelta(days=days_ago, hours=1),
                ),
            )
    return shop


def _dialog(qtbot: QtBot, shop: ShopDatabase, template: Template) -> EmailTemplateDialog:
    dialog = EmailTemplateDialog(shop, template, voucher=VoucherTerms("welcome_back", percent=15))
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
    return dialog


def test_the_preview_shows_a_recent_customer_with_email_as_they_would_get_it(
    qtbot: QtBot, customers: ShopDatabase
) -> None:
    dialog = _dialog(qtbot, customers, DEFAULT_TEMPLATE)
    assert "Ελένη Παπαδοπούλου" in dialog.picker.summary.text()
    assert dialog.preview_subject.text() == "<b>Subject:</b> We miss you at Łukasz&#x27;s Teas"
    text = dialog.preview_text.toPlainText()
    assert text.startswith("Hello Ελένη,\n\nIt's been a while! Here is 15% off your next visit")
    assert "Reply with “unsubscribe”, or write to hello@teas.example" in text
    shown = dialog.preview_html.toPlainText()
    assert "Hello Ελένη," in shown and "Unsubscribe and we'll stop." in shown
    assert "SAMP-LECO-DE00" in shown  # the sample voucher's code: none is issued


def test_choosing_another_customer_previews_with_their_first_name(
    qtbot: QtBot, customers: ShopDatabase
) -> None:
    dialog = _dialog(qtbot, customers, Template("Hi {first_name} 🍵", "Dear {first_name}"))
    dialog.picker.search.setFocus()
    qtbot.keyClicks(dialog.picker.search, "zoe")
    dialog.picker.search.textEdited.emit("zoe")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    assert dialog.preview_subject.text() == "<b>Subject:</b> Hi Zoë 🍵"
    assert dialog.preview_text.toPlainText().startswith("Dear Zoë\n")
    assert "Dear Zoë" in dialog.preview_html.toPlainText()


def test_an_unknown_placeholder_is_refused_until_fixed(
    qtbot: QtBot, customers: ShopDatabase
) -> None:
    dialog = _dialog(qtbot, customers, DEFAULT_TEMPLATE)
    assert dialog.ok_button.isEnabled() and not dialog.error.isVisible()
    dialog.subject.setText("Hello {frist_name}, from {shop_name}")
    assert dialog.error.isVisible()
    assert "Aftercare can't fill {frist_name}" in dialog.error.text()
    assert not dialog.ok_button.isEnabled()
    dialog.accept()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted

    dialog.subject.setText("Hello {first_name}, from {shop_name}")
    assert not dialog.error.isVisible() and dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.subject, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.template() == Template(
        "Hello {first_name}, from {shop_name}", DEFAULT_TEMPLATE.text, ""
    )


def test_a_placeholder_goes_in_at_the_cursor_of_the_last_editor(
    qtbot: QtBot, customers: ShopDatabase
) -> None:
    dialog = _dialog(qtbot, customers, Template("Hi", "Hello ,\nSee you"))
    dialog.text.setFocus()
    cursor = dialog.text.textCursor()
    cursor.setPosition(len("Hello "))
    dialog.text.setTextCursor(cursor)
    first_name = dialog.placeholders.item(0)
    assert first_name.text().startswith("{first_name}")
    dialog.placeholders.setFocus()
    dialog.placeholders.setCurrentItem(first_name)
    qtbot.keyClick(dialog.placeholders, Qt.Key.Key_Return)
    assert dialog.isVisible()  # Enter inserted; it did not close the dialog
    assert dialog.text.toPlainText() == "Hello {first_name},\nSee you"
    assert dialog.text.textCursor().position() == len("Hello {first_name}")
    assert dialog.preview_text.toPlainText().startswith("Hello Ελένη,")

    qtbot.mouseClick(dialog.subject, Qt.MouseButton.LeftButton)
    dialog.subject.setCursorPosition(len("Hi"))
    dialog.placeholders.itemClicked.emit(dialog.placeholders.item(4))
    assert dialog.subject.text() == "Hi{shop_name}"
    assert QApplication.focusWidget() is dialog.subject


def test_without_customers_the_preview_says_what_to_do(qtbot: QtBot, shop: ShopDatabase) -> None:
    dialog = _dialog(qtbot, shop, DEFAULT_TEMPLATE)
    assert dialog.preview_text.toPlainText() == ""
    assert "Pick a customer" in dialog.preview_note.text()
    assert dialog.ok_button.isEnabled()
