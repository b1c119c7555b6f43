"""Settings as a shopkeeper uses them: the shop's details and logo, and the catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.shop.catalogue import add_category, add_product, find_product, list_products
from desktop.shop.settings import ShopProfile, get_logo, get_profile, save_profile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.settings_page import SettingsPage


@pytest.fixture
def profiled(shop: ShopDatabase) -> ShopDatabase:
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Zoë's Tea Room", address="1 High St\nBath"))
    return shop


def _page(qtbot: QtBot, shop: ShopDatabase) -> tuple[SettingsPage, list[str]]:
    events = ShopEvents()
    seen: list[str] = []
    events.changed.connect(seen.append)
    page = SettingsPage(shop, events)
    qtbot.addWidget(page)
    page.resize(1000, 720)
    with qtbot.waitActive(page):
        page.show()
        page.activateWindow()
    page.activate()
    return page, seen


def picture(path: Path, fmt: str = "PNG") -> Path:
    image = QImage(120, 60, QImage.Format.Format_RGB32)
    image.fill(QColor("#2a6f4e"))
    assert image.save(str(path), fmt)
    return path


def test_the_shop_details_are_shown_changed_and_saved(qtbot: QtBot, profiled: ShopDatabase) -> None:
    page, seen = _page(qtbot, profiled)
    form = page.form
    assert form.name.text() == "Zoë's Tea Room"
    assert form.address.toPlainText() == "1 High St\nBath"
    form.name.setText("Łukasz & Ελένη — Чай 李雷 🍵")
    form.name.textEdited.emit(form.name.text())
    assert page.status.text() == "Changes not saved yet."
    form.phone.setText("+442079460018")
    form.locale_box.setCurrentIndex(form.locale_box.findData("de_DE"))
    form.currency_box.setCurrentIndex(form.currency_box.findData("EUR"))
    qtbot.keyClick(form.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert page.status.text() == "Saved."
    assert seen == ["settings"]
    with profiled.read() as session:
        stored = get_profile(session)
    assert stored.name == "Łukasz & Ελένη — Чай 李雷 🍵"
    assert (stored.currency, stored.locale) == ("EUR", "de_DE")
    assert stored.phone == "+44 20 7946 0018"  # a UK number for a German shop keeps its +44


@pytest.mark.parametrize(
    ("field", "typed", "words"),
    [
        ("email", "zoë at example", "not a valid email address"),
        ("website", "my shop", "does not look like a web address"),
        ("name", "   ", "Please enter the shop name"),
        ("phone", "12", "does not look like a complete phone number"),
    ],
)
def test_a_wrong_detail_is_shown_beside_its_field_and_nothing_is_saved(
    qtbot: QtBot, profiled: ShopDatabase, field: str, typed: str, words: str
) -> None:
    page, seen = _page(qtbot, profiled)
    widget = getattr(page.form, field)
    widget.setText(typed)
    page.save_button.click()
    label = page.form._errors["shop name" if field == "name" else field]
    assert label.isVisible()
    assert words in label.text()
    assert QApplication.focusWidget() is widget
    assert seen == []
    with profiled.read() as session:
        assert get_profile(session).name == "Zoë's Tea Room"


def test_an_unknown_currency_typed_is_refused(qtbot: QtBot, profiled: ShopDatabase) -> None:
    page, _ = _page(qtbot, profiled)
    page.form.currency_box.setEditText("ZZZ")
    page.save()
    assert "not a currency code" in page.form._errors["currency"].text()
    page.form.currency_box.setEditText("jpy")
    page.save()
    with profiled.read() as session:
        assert get_profile(session).currency == "JPY"


def test_a_logo_is_chosen_previewed_saved_and_removed(
    qtbot: QtBot, profiled: ShopDatabase, tmp_path: Path
) -> None:
    page, _ = _page(qtbot, profiled)
    logo = page.form.logo
    assert logo.preview.text() == "No logo"
    png = picture(tmp_path / "Ελένη logo.png")
    assert logo.load_file(png)
    assert not logo.preview.pixmap().isNull()
    assert logo.remove_button.isEnabled()
    page.save()
    with profiled.read() as session:
        assert get_logo(session) == png.read_bytes()
    jpeg = picture(tmp_path / "photo.jpg", "JPG")
    assert logo.load_file(jpeg)
    page.save()
    with profiled.read() as session:
        assert get_logo(session) == jpeg.read_bytes()
    logo.remove_button.click()
    assert logo.preview.text() == "No logo"
    page.save()
    with profiled.read() as session:
        assert get_logo(session) is None


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"GIF89a not a png", "must be a PNG or JPEG picture"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "looks like a picture but is damaged"),
    ],
)
def test_a_file_that_is_no_logo_is_refused_and_the_old_one_stays(
    qtbot: QtBot, profiled: ShopDatabase, tmp_path: Path, content: bytes, words: str
) -> None:
    page, _ = _page(qtbot, profiled)
    logo = page.form.logo
    good = picture(tmp_path / "good.png")
    logo.load_file(good)
    page.save()
    bad = tmp_path / "bad.png"
    bad.write_bytes(content)
    assert not logo.load_file(bad)
    assert logo.error.isVisible() and words in logo.error.text()
    assert logo.data() == good.read_bytes()
    assert not logo.load_file(tmp_path / "missing.png")
    assert "could not be read" in logo.error.text()


def test_unsaved_edits_survive_leaving_the_page(qtbot: QtBot, profiled: ShopDatabase) -> None:
    page, _ = _page(qtbot, profiled)
    qtbot.keyClicks(page.form.website, "teapot.example")
    page.activate()
    assert page.form.website.text() == "teapot.example"
    page.save()
    with profiled.write() as session:
        save_profile(session, ShopProfile(name="Changed elsewhere"))
    page.activate()
    assert page.form.name.text() == "Changed elsewhere"


def test_products_are_added_edited_retired_and_brought_back(
    qtbot: QtBot, profiled: ShopDatabase
) -> None:
    page, seen = _page(qtbot, profiled)
    editor = page.catalogue
    page.tabs.setCurrentWidget(editor)
    editor.category_name.setText("Thé & Tisanes")
    qtbot.keyClick(editor.category_name, Qt.Key.Key_Return)
    assert [editor.categories.item(i).text() for i in range(editor.categories.count())] == [
        "Thé & Tisanes"
    ]
    editor.product_name.setText("Earl Grey Łapsang")
    editor.product_category.setCurrentIndex(editor.product_category.findText("Thé & Tisanes"))
    editor.product_price.setText("4.50")
    editor.product_sku.setText("5012345678900")
    editor.add_button.click()
    assert editor.notice.text() == "Added “Earl Grey Łapsang”."
    assert editor.products.rowCount() == 1
    assert [editor.products.item(0, c).text() for c in range(4)] == [
        "Earl Grey Łapsang",
        "Thé & Tisanes",
        "£4.50",
        "5012345678900",
    ]

    editor.product_name.setText("Другой чай")
    editor.product_price.setText("3")
    editor.product_sku.setText("5012345678900")
    editor.add_button.click()
    assert "already belongs to “Earl Grey Łapsang”" in editor.product_error.text()
    assert editor.products.rowCount() == 1

    editor.products.selectRow(0)
    assert editor.product_name.text() == "Earl Grey Łapsang"
    editor.product_price.setText("4.75")
    editor.save_button.click()
    with profiled.read() as session:
        product = find_product(session, "5012345678900")
        assert product is not None and product.unit_price == 475

    editor.products.selectRow(0)
    assert editor.retire_button.text() == "Retire"
    editor.retire_button.click()
    assert editor.products.rowCount() == 0
    with profiled.read() as session:
        assert find_product(session, "5012345678900") is None
    editor.show_retired.setChecked(True)
    assert editor.products.item(0, 4).text() == "retired"
    editor.products.selectRow(0)
    assert editor.retire_button.text() == "Bring back"
    editor.retire_button.click()
    with profiled.read() as session:
        assert [p.name for p in list_products(session)] == ["Earl Grey Łapsang"]
    assert seen.count("catalogue") == 5


def test_a_bad_price_or_category_name_is_shown_in_place(
    qtbot: QtBot, profiled: ShopDatabase
) -> None:
    with profiled.write() as session:
        add_category(session, "Ceramics")
        add_product(session, "Mug", 900)
    page, seen = _page(qtbot, profiled)
    editor = page.catalogue
    editor.product_name.setText("Teapot")
    editor.product_price.setText("12,50")
    editor.add_button.click()
    assert "not an amount of money (write it like 12.50)" in editor.product_error.text()
    editor.category_name.setText("CERAMICS")
    editor.add_category()
    assert "already a category called" in editor.category_error.text()
    editor.categories.setCurrentRow(0)
    editor.category_name.setText("Céramique")
    editor.rename_button.click()
    assert editor.categories.item(0).text() == "Céramique"
    assert seen == ["catalogue"]
