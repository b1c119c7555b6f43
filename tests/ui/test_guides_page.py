"""The Guides page: write, tie, change and delete a guide; bad input refused where it was typed;
unsaved changes never dropped silently; the care card previewed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop.shop.catalogue import add_category, add_product
from desktop.shop.guides import GuideInput, create_guide, guide_details, list_guides
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.guides_page import GuidesPage
from tests.unit.printing.samples import png

TITLE = "Уход за кожей — Zoë's leather 👜"
BODY = "# Ελένη's tips\n- Wipe with a **damp** cloth\n- Feed it *balm* 李雷"


@pytest.fixture
def catalogue(shop: ShopDatabase) -> dict[str, int]:
    with shop.write() as session:
        leather = add_category(session, "Leather").id
        pottery = add_category(session, "Pottery").id
        satchel = add_product(session, "Łukasz satchel", 8900, category_id=leather).id
        add_product(session, "Blue mug", 1800, category_id=pottery)
    return {"leather": leather, "pottery": pottery, "satchel": satchel}


def _page(qtbot: QtBot, shop: ShopDatabase, events: ShopEvents | None = None) -> GuidesPage:
    page = GuidesPage(shop, events or ShopEvents())
    qtbot.addWidget(page)
    page.resize(1200, 800)
    with qtbot.waitActive(page):
        page.show()
        page.activateWindow()
    page.activate()
    return page


def _guides(shop: ShopDatabase) -> list[tuple[str, str | None, list[str], list[str]]]:
    with shop.read() as session:
        return [(g.title, g.url, g.categories, g.products) for g in list_guides(session)]


def _answer(page: GuidesPage, button: QMessageBox.StandardButton) -> None:
    box = page.confirmation
    assert box is not None and box.isVisible()
    box.button(button).click()


def test_a_guide_is_written_tied_and_saved(
    qtbot: QtBot, shop: ShopDatabase, catalogue: dict[str, int]
) -> None:
    events = ShopEvents()
    page = _page(qtbot, shop, events)
    assert page.empty.isVisible() and not page.table.isVisible()

    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.editor.title.hasFocus()
    page.editor.title.insert(TITLE)  # QTest types ASCII only
    page.editor.body.setPlainText(BODY)
    qtbot.keyClicks(page.editor.url, "hollybank.example/leather")
    page.editor.categories.item_named("Leather").setCheckState(Qt.CheckState.Checked)
    page.editor.products.filter.setText("lukasz")  # accents aside
    satchel = page.editor.products.item_named("Łukasz satchel (Leather)")
    assert not satchel.isHidden()
    assert page.editor.products.item_named("Blue mug (Pottery)").isHidden()
    satchel.setCheckState(Qt.CheckState.Checked)
    # The preview shows the formatting, not the marks.
    preview = page.editor.preview.toPlainText()
    assert "Ελένη's tips" in preview and "**" not in preview and "#" not in preview
    assert page.save_button.isEnabled()

    with qtbot.waitSignal(events.changed) as changed:
        qtbot.keyClick(page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert changed.args == ["guides"]
    assert _guides(shop) == [
        (TITLE, "https://hollybank.example/leather", ["Leather"], ["Łukasz satchel"])
    ]
    assert page.done.text() == "✓ Saved" and not page.save_button.isEnabled()
    assert page.model.rowCount() == 1
    assert page.model.index(0, 2).data() == "QR code"
    assert page.table.selectionModel().isRowSelected(0)


def test_a_bad_web_address_is_refused_under_its_field(
    qtbot: QtBot, shop: ShopDatabase, catalogue: dict[str, int]
) -> None:
    page = _page(qtbot, shop)
    page.editor.title.insert(TITLE)
    qtbot.keyClicks(page.editor.url, "ftp://files.example/leather")

    assert page.save() is False

    assert page.editor.url_error.isVisible()
    assert "http://" in page.editor.url_error.text()
    assert page.editor.url.hasFocus()
    assert _guides(shop) == []
    qtbot.keyClicks(page.editor.url, "x")  # typing again clears the message
    assert not page.editor.url_error.isVisible()


def test_a_bad_picture_is_refused_and_a_good_one_shown(
    qtbot: QtBot, shop: ShopDatabase, catalogue: dict[str, int], tmp_path: Path
) -> None:
    page = _page(qtbot, shop)
    (tmp_path / "notes.png").write_bytes(b"not a picture")
    page.editor.set_image_file(tmp_path / "notes.png")
    assert "PNG or JPEG" in page.editor.image_error.text()
    assert not page.editor.remove_picture.isEnabled()

    (tmp_path / "satchel.png").write_bytes(png(40, 30, lambda x, y: (150, 90 + y, 40, 255)))
    page.editor.set_image_file(tmp_path / "satchel.png")

    assert not page.editor.image_error.isVisible()
    assert not page.editor.picture.pixmap().isNull()
    assert page.editor.remove_picture.isEnabled()
    qtbot.keyClicks(page.editor.title, "Leather")
    assert page.save()
    assert page.model.index(0, 0).data() == "Leather 🖼"


def test_a_guide_is_changed_untied_and_deleted(
    qtbot: QtBot, shop: ShopDatabase, catalogue: dict[str, int]
) -> None:
    with shop.write() as session:
        guide = create_guide(
            session, GuideInput(TITLE, BODY, category_ids=[catalogue["leather"]])
        ).id
    page = _page(qtbot, shop)
    assert page.model.index(0, 2).data() == "Care card"
    page.table.selectRow(0)
    assert page.editor.title.text() == TITLE and page.editor.body.toPlainText() == BODY

    page.editor.categories.item_named("Leather").setCheckState(Qt.CheckState.Unchecked)
    page.editor.categories.item_named("Pottery").setCheckState(Qt.CheckState.Checked)
    page.editor.title.selectAll()
    page.editor.title.insert("Ελένη's pottery")
    assert page.save()

    with shop.read() as session:
        details = guide_details(session, guide)
    assert details.title == "Ελένη's pottery"
    assert details.category_ids == [catalogue["pottery"]] and details.body == BODY

    page.ask_delete()
    _answer(page, QMessageBox.StandardButton.Cancel)
    assert len(_guides(shop)) == 1

    page.ask_delete()
    _answer(page, QMessageBox.StandardButton.Yes)
    assert _guides(shop) == []
    assert page.editing.text() == "New guide" and page.editor.title.text() == ""


def test_unsaved_changes_are_asked_about_not_dropped(
    qtbot: QtBot, shop: ShopDatabase, catalogue: dict[str, int]
) -> None:
    with shop.write() as session:
        for title in ("Brewing tea 🍵", "Дмитрий's teapot"):
            create_guide(session, GuideInput(title))
    page = _page(qtbot, shop)
    page.table.selectRow(0)
    qtbot.keyClicks(page.editor.body, "Warm the pot first.")

    page.table.selectRow(1)  # another guide, with changes not saved
    assert page.editor.body.toPlainText() == "Warm the pot first."
    _answer(page, QMessageBox.StandardButton.Cancel)
    assert page.editor.body.toPlainText() == "Warm the pot first."
    qtbot.waitUntil(lambda: page.table.selectionModel().isRowSelected(0))
    assert not page.table.selectionModel().isRowSelected(1)

    page.table.selectRow(1)
    _answer(page, QMessageBox.StandardButton.Save)
    assert page.editor.title.text() == "Дмитрий's teapot"
    with shop.read() as session:
        saved = [guide_details(session, row.id) for row in list_guides(session)]
    assert saved[0].body == "Warm the pot first."

    qtbot.keyClicks(page.editor.body, "Rinse, never scrub.")
    page.new_guide()
    _answer(page, QMessageBox.StandardButton.Discard)
    assert page.editing.text() == "New guide"
    with shop.read() as session:
        assert guide_details(session, list_guides(session)[1].id).body == ""


def test_search_finds_guides_by_title_category_or_product(
    qtbot: QtBot, shop: ShopDatabase, catalogue: dict[str, int]
) -> None:
    with shop.write() as session:
        create_guide(session, GuideInput("Satchel story", product_ids=[catalogue["satchel"]]))
        create_guide(session, GuideInput("Glazes", category_ids=[catalogue["pottery"]]))
    page = _page(qtbot, shop)

    page.search.setText("LUKASZ")
    assert [page.model.row(n).title for n in range(page.model.rowCount())] == ["Satchel story"]
    page.search.setText("pottery")
    assert [page.model.row(n).title for n in range(page.model.rowCount())] == ["Glazes"]


def test_a_new_category_appears_to_tick(
    qtbot: QtBot, shop: ShopDatabase, catalogue: dict[str, int]
) -> None:
    events = ShopEvents()
    page = _page(qtbot, shop, events)
    page.editor.categories.item_named("Leather").setCheckState(Qt.CheckState.Checked)
    with shop.write() as session:
        add_category(session, "Чай")
    events.changed.emit("catalogue")

    assert page.editor.categories.item_named("Чай").checkState() == Qt.CheckState.Unchecked
    assert page.editor.categories.ticked() == [catalogue["leather"]]  # still ticked


def test_print_care_card_previews_the_guide_as_typed(
    qtbot: QtBot, shop: ShopDatabase, catalogue: dict[str, int]
) -> None:
    page = _page(qtbot, shop)
    page.editor.title.insert(TITLE)
    page.editor.body.setPlainText(BODY)

    page.print_button.click()
    qtbot.waitUntil(lambda: page.card.preview is not None, timeout=30_000)

    preview = page.card.preview
    assert preview is not None and preview.isVisible()
    assert TITLE in preview.windowTitle()
    assert page.card.rendered is not None
    text = " ".join(PdfReader(io.BytesIO(page.card.rendered)).pages[0].extract_text().split())
    assert "Ελένη's tips" in text and "Wipe with a damp cloth" in text
    preview.close()
