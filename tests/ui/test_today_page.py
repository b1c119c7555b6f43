"""The Today page on a small hand-made shop: the tiles' figures, the charts as the worker
delivers them, the list behind a tile or a bar, an empty shop, a dark palette, and catching up
when the shop changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCharts import QBarSeries, QChart, QStackedBarSeries
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QPalette
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.feedback import FeedbackInput, record_feedback, set_follow_up_state
from desktop.shop.inserts import mark_inserts_printed
from desktop.shop.loyalty_ledger import adjust_points
from desktop.shop.loyalty_members import enrol
from desktop.shop.loyalty_rules import Programme, save_programme
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase
from desktop.shop.satisfaction import Month
from desktop.shop.vouchers import VoucherTerms, issue_voucher
from desktop.store.shopfile import ShopDatabase
from desktop.ui.events import ShopEvents
from desktop.ui.today_charts import ChartCard
from desktop.ui.today_lists import ListDialog
from desktop.ui.today_page import TodayPage

TODAY = date.today()
THIS_MONTH = Month.of(TODAY)
M2, M1 = THIS_MONTH.shifted(-2), THIS_MONTH.shifted(-1)
NAMES = ("Zoë Ó'Brien", "Łukasz Wójcik", "Ελένη", "Дмитрий", "李雷 🌸")


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour)).astimezone().astimezone(UTC)


def _sale(session: Session, customer_id: int | None, when: datetime, channel: str) -> int:
    purchase = record_purchase(
        session,
        PurchaseInput([LineInput("Blue mug", 1, 1500)], customer_id, channel, purchased_at=when),
    )
    return purchase.id


@pytest.fixture
def small_shop(shop: ShopDatabase) -> dict[str, int]:
    """month   M2               M1                     today
    Zoë     bought           bought                 online order (insert printed)
    Łukasz                   bought                 phone order (insert not printed)
    Ελένη   bought
    Дмитрий                  bought
    Two vouchers issued in M1; feedback in M1: 5 and 1 stars (new follow-up) and 2 stars
    (contacted); points: Zoë 150, Дмитрий 50 at half a penny a point."""
    now = datetime.now(UTC) - timedelta(minutes=5)
    with shop.write() as session:
        ids = {name: create_customer(session, CustomerDetails(name)).id for name in NAMES}
        zoe, lukasz, eleni, dmitry = (ids[name] for name in NAMES[:4])
        _sale(session, zoe, _at(M2.first_day + timedelta(3)), "in_shop")
        _sale(session, eleni, _at(M2.first_day + timedelta(5)), "in_shop")
        _sale(session, zoe, _at(M1.first_day + timedelta(3)), "in_shop")
        _sale(session, lukasz, _at(M1.first_day + timedelta(4)), "in_shop")
        _sale(session, dmitry, _at(M1.first_day + timedelta(6)), "in_shop")
        printed = _sale(session, zoe, now, "online")
        _sale(session, lukasz, now, "phone")
        mark_inserts_printed(session, [printed], now)
        for _ in range(2):
            voucher = issue_voucher(session, VoucherTerms("thank_you", amount=300, customer_id=zoe))
            voucher.issued_at = _at(M1.first_day + timedelta(9))
        received = _at(M1.first_day + timedelta(10))
        for rating, who in ((5, zoe), (1, eleni), (2, dmitry)):
            found = record_feedback(
                session, FeedbackInput(rating=rating, customer_id=who, received_at=received)
            )
            if rating == 2:
                set_follow_up_state(session, found.id, "contacted")
        save_programme(session, Programme(point_value=Decimal("0.5")))
        adjust_points(session, enrol(session, zoe).id, 150, "Opening balance")
        adjust_points(session, enrol(session, dmitry).id, 50, "Opening balance")
    return ids


def _page(qtbot: QtBot, shop: ShopDatabase, events: ShopEvents | None = None) -> TodayPage:
    page = TodayPage(shop, events or ShopEvents())
    qtbot.addWidget(page)
    page.resize(1280, 860)
    page.show()
    page.activate()
    return page


def _loaded(qtbot: QtBot, page: TodayPage) -> None:
    qtbot.waitUntil(lambda: not page.loading() and page.figures is not None, timeout=20_000)


def _bars(card: ChartCard) -> dict[str, list[float]]:
    (series,) = card.chart().series()
    assert isinstance(series, QBarSeries | QStackedBarSeries)
    return {bar.label(): [bar.at(n) for n in range(bar.count())] for bar in series.barSets()}


def _list(qtbot: QtBot, page: TodayPage) -> ListDialog:
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.status.text() != "Loading…", timeout=10_000)
    return dialog


def _names(dialog: ListDialog) -> list[str]:
    return [dialog.model.row(n).cells[0] for n in range(dialog.model.rowCount())]


def test_tiles_show_the_mornings_figures(
    qtbot: QtBot, shop: ShopDatabase, small_shop: dict[str, int]
) -> None:
    page = _page(qtbot, shop)

    figures = {tile.caption.text(): tile.figure.text() for tile in page.tiles}
    assert figures["Parcels to pack"] == "2"
    assert figures["Inserts to print"] == "1"
    assert figures["Follow-ups due"] == "2"
    assert page.follow_ups_tile.secondary.text() == "1 new · 1 contacted"
    assert figures["Points outstanding"] == "£1.00"  # 200 points at half a penny
    assert page.points_tile.secondary.text() == "200 points, 2 members"
    assert page.date_line.text() == f"{TODAY:%A} {TODAY.day} {TODAY:%B}"
    assert page.focusWidget() is page.parcels_tile  # Enter opens it straight away

    _loaded(qtbot, page)
    # Zoë and Łukasz bought on two days or more; Ελένη and Дмитрий once.
    assert page.repeat_tile.figure.text() == "50%"
    assert page.repeat_tile.secondary.text() == "2 of 4 customers came back"


def test_the_charts_arrive_from_the_worker_month_by_month(
    qtbot: QtBot, shop: ShopDatabase, small_shop: dict[str, int]
) -> None:
    page = _page(qtbot, shop)
    _loaded(qtbot, page)

    customers = _bars(page.customers_chart)
    # The last three of twelve months: M2, M1, this month.
    assert customers["New"][-3:] == [2, 2, 0]
    assert customers["Returning"][-3:] == [0, 1, 2]
    assert sum(customers["New"][:-3]) == 0
    vouchers = _bars(page.vouchers_chart)
    assert vouchers["Issued"][-3:] == [0, 2, 0] and sum(vouchers["Redeemed"]) == 0
    (stars,) = page.satisfaction_chart.chart().series()
    assert [(p.x(), p.y()) for p in stars.points()] == [(10.0, 2.67)]  # (5 + 1 + 2) / 3 in M1
    # Nobody was won back: words, not an empty chart.
    assert not page.win_backs_chart.showing_chart()
    assert page.win_backs_chart.message.text().startswith("Nothing yet")


def test_a_tile_opens_its_list_and_a_customer_from_it(
    qtbot: QtBot, shop: ShopDatabase, small_shop: dict[str, int]
) -> None:
    page = _page(qtbot, shop)
    _loaded(qtbot, page)

    qtbot.keyClick(page.points_tile, Qt.Key.Key_Return)
    points = _list(qtbot, page)
    assert points.windowTitle() == "Members holding points"
    assert points.model.rowCount() == 2
    assert [(points.model.row(n).cells[0], points.model.row(n).cells[2]) for n in range(2)] == [
        ("Zoë Ó'Brien", "150"),
        ("Дмитрий", "50"),
    ]

    page.repeat_tile.setFocus()
    qtbot.keyClick(page.repeat_tile, Qt.Key.Key_Space)
    repeat = _list(qtbot, page)
    assert sorted(_names(repeat)) == ["Zoë Ó'Brien", "Łukasz Wójcik"]
    repeat.table.selectRow(_names(repeat).index("Łukasz Wójcik"))
    with qtbot.waitSignal(page.show_customer_requested) as shown:
        qtbot.keyClick(repeat.table, Qt.Key.Key_Return)
    assert shown.args == [small_shop["Łukasz Wójcik"]]

    qtbot.mouseClick(page.follow_ups_tile, Qt.MouseButton.LeftButton)
    follow_ups = _list(qtbot, page)
    assert _names(follow_ups) == ["Ελένη", "Дмитрий"]
    assert follow_ups.page_button is not None
    with qtbot.waitSignal(page.open_page_requested) as opened:
        follow_ups.page_button.click()
    assert opened.args == ["Feedback"]


def test_print_inserts_opens_todays_parcels(
    qtbot: QtBot, shop: ShopDatabase, small_shop: dict[str, int]
) -> None:
    page = _page(qtbot, shop)
    with qtbot.waitSignal(page.open_page_requested) as opened:
        qtbot.mouseClick(page.inserts_tile, Qt.MouseButton.LeftButton)
    assert opened.args == ["Today's parcels"]
    assert page.dialog is None


def test_clicking_a_months_bar_opens_that_months_customers(
    qtbot: QtBot, shop: ShopDatabase, small_shop: dict[str, int]
) -> None:
    page = _page(qtbot, shop)
    _loaded(qtbot, page)
    card = page.customers_chart
    chart = card.chart()
    (series,) = chart.series()
    # The middle of M1's "New" block (stacked on its one returning customer).
    inside = chart.mapToPosition(QPointF(10, 2.0), series)
    at = card.view.mapFromScene(chart.mapToScene(inside))

    qtbot.mouseClick(card.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(at.x(), at.y()))

    dialog = _list(qtbot, page)
    assert dialog.windowTitle() == f"New customers in {M1.label()}"
    assert sorted(_names(dialog)) == sorted(["Łukasz Wójcik", "Дмитрий"])


def test_an_empty_shop_says_nothing_yet(qtbot: QtBot, shop: ShopDatabase) -> None:
    page = _page(qtbot, shop)
    _loaded(qtbot, page)

    assert [tile.figure.text() for tile in page.tiles] == ["0", "0", "0", "0", "—", "0"]
    assert not page.error.isVisible()
    for card in page.chart_cards:
        assert not card.showing_chart()
        assert card.message.text().startswith("Nothing yet")
    qtbot.mouseClick(page.parcels_tile, Qt.MouseButton.LeftButton)
    assert _list(qtbot, page).status.text() == "No online or phone orders today."


def test_a_dark_palette_gives_light_chart_text(
    qtbot: QtBot, shop: ShopDatabase, small_shop: dict[str, int]
) -> None:
    page = _page(qtbot, shop)
    _loaded(qtbot, page)
    dark = QPalette(page.palette())
    for role, colour in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.Base, "#2a2b2e"),
        (QPalette.ColorRole.Text, "#e8eaed"),
        (QPalette.ColorRole.WindowText, "#e8eaed"),
    ):
        dark.setColor(role, QColor(colour))

    page.setPalette(dark)
    image = page.grab().toImage()

    chart = page.customers_chart.chart()
    assert chart.theme() == QChart.ChartTheme.ChartThemeDark
    assert all(axis.labelsColor().lightness() > 200 for axis in chart.axes())
    assert chart.backgroundBrush().color().lightness() < 60
    assert not image.isNull()


def test_the_page_catches_up_when_the_shop_changes(
    qtbot: QtBot, shop: ShopDatabase, small_shop: dict[str, int]
) -> None:
    events = ShopEvents()
    page = _page(qtbot, shop, events)
    _loaded(qtbot, page)
    with shop.write() as session:
        _sale(session, small_shop["Ελένη"], datetime.now(UTC), "online")

    # A burst of events reads once, after a pause, and the worker's older result is dropped.
    for what in ("purchases", "customers", "loyalty"):
        events.changed.emit(what)
    page.refresh()  # the shopkeeper presses F5 meanwhile: no second worker
    page.refresh()

    qtbot.waitUntil(lambda: page.parcels_tile.figure.text() == "3", timeout=5_000)
    _loaded(qtbot, page)
    assert _bars(page.customers_chart)["Returning"][-1] == 3
    assert page.inserts_tile.figure.text() == "2"


def test_a_month_can_be_chosen_and_opened_from_the_keyboard(
    qtbot: QtBot, shop: ShopDatabase, small_shop: dict[str, int]
) -> None:
    page = _page(qtbot, shop)
    _loaded(qtbot, page)
    card = page.customers_chart
    card.view.setFocus()
    qtbot.waitUntil(card.view.hasFocus)
    assert card.note.text().startswith(card.labels[-1])  # the current month, first
    for _ in range(len(card.labels) - 1 - 10):
        qtbot.keyClick(card.view, Qt.Key.Key_Left)
    assert card.note.text().startswith(f"{card.labels[10]}: [Returning 1] · New 2")
    qtbot.keyClick(card.view, Qt.Key.Key_Down)
    assert "[New 2]" in card.note.text()
    qtbot.keyClick(card.view, Qt.Key.Key_Return)

    dialog = _list(qtbot, page)
    assert dialog.windowTitle() == f"New customers in {M1.label()}"
    assert sorted(_names(dialog)) == sorted(["Łukasz Wójcik", "Дмитрий"])
