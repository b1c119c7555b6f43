"""The segments dialog: build a segment with its live count, save it, combine, rename, delete."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.shop.catalogue import add_category, add_product
from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.segments import list_segments, segment_definition
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.segments_dialog import SegmentsDialog


@pytest.fixture
def customers(shop: ShopDatabase) -> dict[str, int]:
    """Zoë bought a teapot twice; Дмитрий tea once, 8 months ago; 李雷 tea once, last week."""
    today = date.today()
    with shop.write() as session:
        pottery = add_category(session, "Pottery & Ceramics")
        tea = add_category(session, "Tea")
        teapot = add_product(session, "Teapot 🫖", 3_000, category_id=pottery.id).id
        sencha = add_product(session, "Sencha", 900, category_id=tea.id).id
        ids = {}
        for name, (product, item), days_ago in (
            ("Zoë Ó'Brien", (teapot, "Teapot 🫖"), [200, 10]),
            ("Дмитрий", (sencha, "Sencha"), [243]),
            ("李雷", (sencha, "Sencha"), [7]),
        ):
            customer_id = create_customer(session, CustomerDetails(name=name)).id
            for ago in days_ago:
                record_purchase(
                    session,
                    PurchaseInput(
                        [LineInput(item, 1, 900, product_id=product)],
                        customer_id=customer_id,
                        purchased_at=datetime.combine(
                            today - timedelta(days=ago), time(12), tzinfo=UTC
                        ),
                    ),
                )
            ids[name] = customer_id
    return ids


def _dialog(qtbot: QtBot, shop: ShopDatabase, events: ShopEvents | None = None) -> SegmentsDialog:
    dialog = SegmentsDialog(shop, events or ShopEvents())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _choose(dialog: SegmentsDialog, kind: str) -> None:
    dialog.kind.setCurrentIndex(dialog.kind.findData(kind))


def _counted(qtbot: QtBot, dialog: SegmentsDialog, text: str) -> None:
    """Wait for the live count, which follows the form once clicking settles."""
    qtbot.waitUntil(lambda: dialog.live_count.text() == text)


def _saved_texts(dialog: SegmentsDialog) -> list[str]:
    return [dialog.saved_list.item(row).text() for row in range(dialog.saved_list.count())]


def _when_modal(act: Callable[[], None]) -> None:
    QTimer.singleShot(100, act)


def test_saving_a_segment_shows_its_count(
    qtbot: QtBot, shop: ShopDatabase, customers: dict[str, int]
) -> None:
    events = ShopEvents()
    dialog = _dialog(qtbot, shop, events)
    assert _saved_texts(dialog) == ["No segments saved yet."]

    _choose(dialog, "one_time_buyers")
    _counted(qtbot, dialog, "Right now: 2 customers")
    assert dialog.words.text() == "Bought only once"

    dialog.name.setText("Once only ✨")
    with qtbot.waitSignal(events.changed) as changed:
        dialog.save()
    assert changed.args == ["segments"]
    assert _saved_texts(dialog) == ["Once only ✨: 2 customers\nBought only once"]
    assert dialog.name.text() == ""
    with shop.read() as session:
        (saved,) = list_segments(session)
        assert saved.name == "Once only ✨"
        assert segment_definition(saved) == {"kind": "one_time_buyers"}


def test_a_category_segment_counts_who_bought_from_it(
    qtbot: QtBot, shop: ShopDatabase, customers: dict[str, int]
) -> None:
    dialog = _dialog(qtbot, shop)
    _choose(dialog, "bought_from_category")
    assert dialog.options.isVisible()
    assert [dialog.category.itemText(n) for n in range(dialog.category.count())] == [
        "Pottery & Ceramics",
        "Tea",
    ]
    _counted(qtbot, dialog, "Right now: 1 customer")
    dialog.category.setCurrentIndex(dialog.category.findText("Tea"))
    _counted(qtbot, dialog, "Right now: 2 customers")
    assert dialog.words.text() == "Bought from Tea"


def test_a_name_already_taken_is_refused_beside_the_name(
    qtbot: QtBot, shop: ShopDatabase, customers: dict[str, int]
) -> None:
    dialog = _dialog(qtbot, shop)
    dialog.name.setText("Łapsed regulars")
    dialog.save()
    dialog.name.setText("lapsed REGULARS")
    dialog.save()
    assert dialog.name_problem.isVisible()
    assert "already a segment called" in dialog.name_problem.text()
    dialog.name.setText("")
    assert not dialog.name_problem.isVisible()
    dialog.save()
    assert dialog.name_problem.isVisible()
    with shop.read() as session:
        assert len(list_segments(session)) == 1


def test_segments_combine_saved_ones(
    qtbot: QtBot, shop: ShopDatabase, customers: dict[str, int]
) -> None:
    dialog = _dialog(qtbot, shop)
    _choose(dialog, "one_time_buyers")
    dialog.name.setText("Once only")
    dialog.save()
    _choose(dialog, "bought_from_category")  # Pottery & Ceramics: Zoë
    dialog.name.setText("Pottery")
    dialog.save()
    _choose(dialog, "any_of")
    # Nothing chosen yet: the shop says what is missing.
    qtbot.waitUntil(lambda: dialog.definition_problem.isVisible())
    assert dialog.definition_problem.text() == "A combination takes 1 to 20 parts."

    for row in range(dialog.parts.count()):
        dialog.parts.item(row).setCheckState(Qt.CheckState.Checked)
    _counted(qtbot, dialog, "Right now: 3 customers")
    assert not dialog.definition_problem.isVisible()
    assert dialog.words.text() == "Bought only once or Bought from Pottery & Ceramics"
    _choose(dialog, "all_of")
    _counted(qtbot, dialog, "Right now: 0 customers")

    _choose(dialog, "any_of")
    dialog.name.setText("Worth a note")
    dialog.save()
    assert "Worth a note: 3 customers\nBought only once or Bought from Pottery & Ceramics" in (
        _saved_texts(dialog)
    )


def test_renaming_and_deleting_saved_segments(
    qtbot: QtBot, shop: ShopDatabase, customers: dict[str, int]
) -> None:
    dialog = _dialog(qtbot, shop)
    _choose(dialog, "birthday_this_month")
    dialog.name.setText("Birthdays")
    dialog.save()
    _choose(dialog, "not_seen_lately")
    dialog.name.setText("Drifted away")
    dialog.save()
    assert _saved_texts(dialog) == [
        "Birthdays: 0 customers\nBirthday this month",
        "Drifted away: 1 customer\nNot seen lately (by their own rhythm)",
    ]

    dialog.saved_list.setCurrentRow(1)

    def rename() -> None:
        box = QApplication.activeModalWidget()
        assert box is not None
        box.findChild(type(dialog.name)).setText("Ελένη's list")  # type: ignore[union-attr]
        box.accept()  # type: ignore[attr-defined]

    _when_modal(rename)
    dialog.rename_selected()
    assert (
        _saved_texts(dialog)[1] == "Ελένη's list: 1 customer\nNot seen lately (by their own rhythm)"
    )

    # A name another segment has is refused, and nothing changes.
    dialog.rename(dialog.saved[1], "birthdays")
    assert dialog.saved_problem.text() == "There is already a segment called “birthdays”."
    assert [segment.name for segment in dialog.saved] == ["Birthdays", "Ελένη's list"]

    dialog.saved_list.setCurrentRow(0)

    def confirm() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        assert "Birthdays" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    _when_modal(confirm)
    dialog.delete_selected()
    assert [segment.name for segment in dialog.saved] == ["Ελένη's list"]
    with shop.read() as session:
        assert [segment.name for segment in list_segments(session)] == ["Ελένη's list"]
