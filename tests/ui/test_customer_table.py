"""The lazy customer list: a page at a time, every customer once, shown in the shop's money."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from sqlalchemy import insert

from desktop.shop.customers import CustomerDetails, unsaved_customer
from desktop.shop.directory import PAGE_SIZE
from desktop.shop.settings import ShopProfile, save_profile
from desktop.store.models import Customer
from desktop.store.shopfile import ShopDatabase
from desktop.ui.customer_table import COLUMNS, CUSTOMER_ID_ROLE, CustomerTableModel

SEEN = datetime(2025, 5, 3, 12, tzinfo=UTC)


def fill(shop: ShopDatabase, count: int) -> None:
    rows = []
    for number in range(count):
        customer = unsaved_customer(
            CustomerDetails(
                name=f"Łukasz {number:04d}" if number % 2 else f"Zoë {number:04d}",
                email=f"c{number}@example.com",
            )
        )
        rows.append(
            {
                "name": customer.name,
                "sort_name": customer.sort_name,
                "search_text": customer.search_text,
                "email": customer.email,
                "email_key": customer.email_key,
                "visit_count": number % 7,
                "total_spent": number * 125,
                "last_seen_at": SEEN if number % 3 else None,
            }
        )
    with shop.write() as session:
        session.execute(insert(Customer), rows)


def column(model: CustomerTableModel, row: int, name: str) -> str:
    return str(model.data(model.index(row, COLUMNS.index(name))))


def test_rows_are_read_a_page_at_a_time_and_each_customer_appears_once(
    qapp: object, shop: ShopDatabase
) -> None:
    fill(shop, 2 * PAGE_SIZE + 37)
    model = CustomerTableModel(shop)
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 2 * PAGE_SIZE + 37
    ids = [model.customer_id(row) for row in range(model.rowCount())]
    assert len(set(ids)) == len(ids)
    names = [column(model, row, "Name") for row in range(model.rowCount())]
    assert names == sorted(names, key=lambda n: n.replace("Ł", "L").replace("ë", "e"))


def test_cells_show_money_and_local_dates(qapp: object, shop: ShopDatabase) -> None:
    fill(shop, 5)
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Ζ shop", currency="EUR", locale="de_DE"))
    model = CustomerTableModel(shop)
    row = next(r for r in range(5) if column(model, r, "Name") == "Łukasz 0001")
    assert column(model, row, "Spent") == "1,25\xa0€"
    assert column(model, row, "Visits") == "1"
    assert column(model, row, "Last seen") == "03.05.2025"
    assert column(model, row, "Email") == "c1@example.com"
    never = next(r for r in range(5) if column(model, r, "Name") == "Zoë 0000")
    assert column(model, never, "Last seen") == "never"
    right = model.data(model.index(row, COLUMNS.index("Spent")), Qt.ItemDataRole.TextAlignmentRole)
    assert right & Qt.AlignmentFlag.AlignRight
    assert model.data(model.index(row, 0), CUSTOMER_ID_ROLE) == model.customer_id(row)


def test_set_query_starts_again_from_the_first_match(qapp: object, shop: ShopDatabase) -> None:
    fill(shop, PAGE_SIZE + 10)
    model = CustomerTableModel(shop)
    model.fetchMore()
    model.set_query("lukasz")
    assert model.rowCount() == PAGE_SIZE // 2 + 5
    assert not model.canFetchMore()
    assert all(column(model, r, "Name").startswith("Łukasz") for r in range(model.rowCount()))
    model.set_query("zoe 0004")
    assert [column(model, r, "Name") for r in range(model.rowCount())] == ["Zoë 0004"]
    model.set_query("")
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore()


def test_refresh_keeps_the_rows_already_scrolled_to(qapp: object, shop: ShopDatabase) -> None:
    fill(shop, 3 * PAGE_SIZE)
    model = CustomerTableModel(shop)
    model.fetchMore()
    last = model.customer_id(2 * PAGE_SIZE - 1)
    model.refresh()
    assert model.rowCount() == 2 * PAGE_SIZE
    assert model.row_of(last) == 2 * PAGE_SIZE - 1
