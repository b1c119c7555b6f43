"""Today's parcels: one batch of inserts through the page's own code path, marked printed only
once printed or saved; cancel, reprint, the layout chosen and the extras to pack."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit
from pytestqt.qtbot import QtBot

from desktop.shop.catalogue import add_category, add_product
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.guides import GuideInput, create_guide, guide_details, update_guide
from desktop.shop.insert_options import insert_options, save_insert_options
from desktop.shop.parcels import set_extras_to_pack, todays_parcels
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.parcels_page import ParcelsPage
from desktop.ui.print_preview import PrintPreviewDialog

NAMES = ("Zoë Ó'Brien", "Дмитрий Иванов", "Ελένη Παπαδοπούλου", "Łukasz Wójcik")


def _parcels(
    shop: ShopDatabase, names: tuple[str, ...] = NAMES, when: datetime | None = None
) -> None:
    moment = when or datetime.now(UTC) - timedelta(minutes=len(names) + 1)
    with shop.write() as session:
        for n, name in enumerate(names):
            customer = create_customer(session, CustomerDetails(name=name)).id
            record_purchase(
                session,
                PurchaseInput(
                    [LineInput("Blue stoneware mug", 2, 1450), LineInput("Tea towel", 1, 900)],
                    customer_id=customer,
                    channel="online" if n % 2 == 0 else "phone",
                    purchased_at=moment + timedelta(minutes=n),
                ),
            )
        # Sold over the counter: no parcel, no insert.
        record_purchase(session, PurchaseInput([LineInput("Card", 1, 300)], purchased_at=moment))


def _page(qtbot: QtBot, shop: ShopDatabase, events: ShopEvents | None = None) -> ParcelsPage:
    page = ParcelsPage(shop, events or ShopEvents())
    qtbot.addWidget(page)
    page.resize(1030, 640)
    page.show()
    page.activate()
    return page


def _preview(qtbot: QtBot, page: ParcelsPage, start: object) -> PrintPreviewDialog:
    with qtbot.waitSignal(page.printer.previewing, timeout=30_000) as opened:
        assert callable(start)
        start()
    preview = opened.args[0]
    assert isinstance(preview, PrintPreviewDialog)
    return preview


def _to_pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def _printed_at(shop: ShopDatabase) -> list[datetime | None]:
    with shop.read() as session:
        return [row.insert_printed_at for row in todays_parcels(session)]


def _insert_column(page: ParcelsPage) -> list[str]:
    model = page.model
    return [str(model.data(model.index(row, model.INSERT))) for row in range(model.rowCount())]


def test_unprinted_inserts_print_as_one_document_and_are_marked_once_printed(
    qtbot: QtBot, shop: ShopDatabase, tmp_path: Path
) -> None:
    _parcels(shop)
    events = ShopEvents()
    page = _page(qtbot, shop, events)
    assert page.model.rowCount() == 4  # the counter sale is not a parcel
    assert page.print_button.text() == "Print 4 unprinted inserts"
    assert _insert_column(page) == ["Not printed"] * 4
    changes: list[str] = []
    events.changed.connect(changes.append)

    preview = _preview(
        qtbot, page, lambda: qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    )

    batch = page.printer.rendered
    assert batch is not None
    reader = PdfReader(io.BytesIO(batch.pdf))
    assert len(reader.pages) == 4  # A6 by default: one card a page, in one document
    text = "\n".join(p.extract_text() for p in reader.pages)
    for first_name in ("Zoë", "Дмитрий", "Ελένη", "Łukasz"):
        assert f"Dear {first_name}," in text
    # Previewed is not printed: nothing is marked yet.
    assert _printed_at(shop) == [None] * 4
    assert changes == []

    with qtbot.waitSignal(page.printer.marked, timeout=30_000):
        preview.print_on(_to_pdf_printer(tmp_path / "printed.pdf"))

    assert len(PdfReader(tmp_path / "printed.pdf").pages) == 4
    assert all(when is not None for when in _printed_at(shop))
    assert all(state.startswith("✓ Printed at ") for state in _insert_column(page))
    assert page.print_button.text() == "Every insert is printed"
    assert not page.print_button.isEnabled()
    assert "purchases" in changes
    assert "4 inserts marked as printed" in page.done.text()


def test_saving_the_batch_as_a_pdf_marks_it_printed_too(
    qtbot: QtBot, shop: ShopDatabase, tmp_path: Path
) -> None:
    _parcels(shop, NAMES[:2])
    page = _page(qtbot, shop)
    preview = _preview(qtbot, page, page.print_unprinted)
    target = tmp_path / "inserts for today.pdf"

    def type_file_name() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QFileDialog)
        name_box = dialog.findChild(QLineEdit, "fileNameEdit")
        assert name_box is not None
        name_box.setText(str(target))
        dialog.accept()

    QTimer.singleShot(300, type_file_name)
    with qtbot.waitSignal(page.printer.marked, timeout=30_000):
        preview.save_as()

    assert PdfReader(target).pages[0].extract_text().count("Dear Zoë,") == 1
    assert all(when is not None for when in _printed_at(shop))


def test_cancel_leaves_every_insert_unprinted(qtbot: QtBot, shop: ShopDatabase) -> None:
    many = tuple(f"{name} {n}" for n in range(15) for name in NAMES)
    _parcels(shop, many)
    page = _page(qtbot, shop)
    with qtbot.waitSignal(page.printer.idle, timeout=30_000):
        page.print_unprinted()
        assert page.progress.isVisible()
        assert not page.print_button.isEnabled()
        qtbot.mouseClick(page.progress.cancel_button, Qt.MouseButton.LeftButton)

    assert page.printer.preview is None
    assert "Cancelled: nothing was printed or marked as printed." in page.message.text()
    assert page.progress.isHidden()
    assert _printed_at(shop) == [None] * len(many)
    assert page.print_button.isEnabled()


def test_closing_the_preview_without_printing_marks_nothing(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    _parcels(shop, NAMES[:1])
    page = _page(qtbot, shop)
    preview = _preview(qtbot, page, page.print_unprinted)
    preview.reject()
    qtbot.waitUntil(lambda: page.printer.preview is None)
    assert _printed_at(shop) == [None]
    assert page.print_button.text() == "Print 1 unprinted insert"


def test_reprint_uses_the_layout_and_colour_chosen_from_the_shops_settings(
    qtbot: QtBot, shop: ShopDatabase, tmp_path: Path
) -> None:
    _parcels(shop, NAMES[:3])
    with shop.write() as session:
        save_insert_options(session, replace(insert_options(session), layout="dl", colour=False))
    page = _page(qtbot, shop)
    assert page.layout_choice.currentData() == "dl"
    assert page.colour_choice.currentText() == "Greyscale"

    page.layout_choice.setCurrentIndex(page.layout_choice.findData("a4-4up"))
    page.table.selectRow(1)
    assert page.reprint_button.isEnabled()
    preview = _preview(qtbot, page, page.reprint_selected)
    batch = page.printer.rendered
    assert batch is not None
    reader = PdfReader(io.BytesIO(batch.pdf))
    assert len(reader.pages) == 1
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert round(width_mm) == 210  # four cards on an A4 sheet
    assert "Дмитрий" in reader.pages[0].extract_text()

    with qtbot.waitSignal(page.printer.marked, timeout=30_000):
        preview.print_on(_to_pdf_printer(tmp_path / "one.pdf"))
    marked = _printed_at(shop)
    assert marked[0] is None and marked[1] is not None and marked[2] is None
    assert page.print_button.text() == "Print 2 unprinted inserts"


def test_the_extras_to_pack_follow_the_shops_list(qtbot: QtBot, shop: ShopDatabase) -> None:
    events = ShopEvents()
    page = _page(qtbot, shop, events)
    assert page.extras.extras() == ["a few sweets", "a sample sachet", "a handwritten card"]
    page.extras.boxes[0].setChecked(True)

    with shop.write() as session:
        set_extras_to_pack(session, ["a few sweets", "Łakocie 🍬", "a care card"])
    events.changed.emit("settings")

    assert page.extras.extras() == ["a few sweets", "Łakocie 🍬", "a care card"]
    # A tick made while packing stays on an extra that is still on the list.
    assert page.extras.boxes[0].isChecked()
    assert not page.extras.boxes[1].isChecked()


def test_another_day_can_be_looked_at(qtbot: QtBot, shop: ShopDatabase) -> None:
    yesterday = datetime.combine(date.today() - timedelta(days=1), datetime.min.time())
    _parcels(shop, ("李雷",), when=yesterday.astimezone() + timedelta(hours=10))
    page = _page(qtbot, shop)
    assert page.model.rowCount() == 0
    assert page.empty.isVisible()
    assert "No online or phone orders today" in page.empty.text()
    assert not page.print_button.isEnabled()

    page.day.setDate(QDate.currentDate().addDays(-1))
    assert page.model.rowCount() == 1
    assert page.model.data(page.model.index(0, 2)) == "李雷"
    assert page.heading.text().startswith("Parcels, ")
    assert page.print_button.text() == "Print 1 unprinted insert"

    qtbot.mouseClick(page.today_button, Qt.MouseButton.LeftButton)
    assert page.heading.text() == "Today's parcels"


@pytest.mark.parametrize("what", ["purchases", "customers"])
def test_a_new_parcel_shows_up_when_the_shop_changes(
    qtbot: QtBot, shop: ShopDatabase, what: str
) -> None:
    events = ShopEvents()
    page = _page(qtbot, shop, events)
    _parcels(shop, ("Siobhán D'Arcy",))
    events.changed.emit(what)
    assert page.model.rowCount() == 1
    assert page.print_button.text() == "Print 1 unprinted insert"


def test_a_parcel_whose_guide_has_no_web_page_gets_a_care_card_in_the_batch(
    qtbot: QtBot, shop: ShopDatabase
) -> None:
    _parcels(shop, NAMES[:1])
    with shop.write() as session:
        leather = add_category(session, "Leather").id
        satchel = add_product(session, "Satchel", 8900, category_id=leather).id
        guide = create_guide(
            session,
            GuideInput("Уход за кожей 👜", "- Wipe with a **damp** cloth", category_ids=[leather]),
        ).id
        customer = create_customer(session, CustomerDetails(name="李雷")).id
        record_purchase(
            session,
            PurchaseInput([LineInput("Satchel", 1, 8900, satchel)], customer, channel="phone"),
        )
    events = ShopEvents()
    page = _page(qtbot, shop, events)

    also = [page.model.index(row, page.model.ALSO).data() for row in range(2)]
    assert also == ["", "Care card: Уход за кожей 👜"]
    assert "1 care card to pack" in page.summary.text()

    _preview(qtbot, page, page.print_unprinted)
    batch = page.printer.rendered
    assert batch is not None and batch.pieces == 2
    texts = [p.extract_text() for p in PdfReader(io.BytesIO(batch.pdf)).pages]
    assert len(texts) == 3  # two A6 inserts, then the care card
    assert "Уход за кожей" in texts[2] and "Wipe with a damp cloth" in texts[2]
    assert "Dear 李雷," in texts[1] and "Уход за кожей" not in texts[1]

    # Given a web page, the guide goes on the insert as a QR code: no card to pack.
    with shop.write() as session:
        details = replace(guide_details(session, guide), url="hollybank.example/leather")
        update_guide(session, guide, details)
    events.changed.emit("guides")
    assert [page.model.index(row, page.model.ALSO).data() for row in range(2)] == ["", ""]
    assert "care card" not in page.summary.text()
