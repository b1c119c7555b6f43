"""The catalogue: categories, products, codes a scanner types, and retiring what isn't sold."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desktop.shop.catalogue import (
    add_category,
    add_product,
    find_product,
    list_categories,
    list_products,
    rename_category,
    restore_product,
    retire_product,
    update_product,
)
from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.purchases import LineInput, PurchaseInput, get_purchase, record_purchase
from desktop.store.models import Product
from desktop.store.shopfile import ShopDatabase


def _products(shop: ShopDatabase) -> int:
    with shop.read() as session:
        return session.scalar(select(func.count(Product.id))) or 0


@pytest.fixture
def tea(shop: ShopDatabase) -> int:
    with shop.write() as session:
        category = add_category(session, "Thé & Café")
        return add_product(
            session, "Earl Grey Łapsang", 450, category_id=category.id, sku="5012345678900"
        ).id


def test_a_scan_finds_the_product_by_its_code(shop: ShopDatabase, tea: int) -> None:
    with shop.read() as session:
        found = find_product(session, "5012345678900\n")
        assert found is not None and found.id == tea
        assert found.unit_price == 450


def test_a_person_finds_a_product_by_name_or_code_in_any_case(shop: ShopDatabase, tea: int) -> None:
    with shop.write() as session:
        mug = add_product(session, "Zoë mug", 1200, sku="MUG-ZOE").id
    with shop.read() as session:
        assert getattr(find_product(session, "earl grey lapsang"), "id", None) == tea
        assert getattr(find_product(session, "ZOE MUG"), "id", None) == mug
        assert getattr(find_product(session, "mug-zoe"), "id", None) == mug
        assert find_product(session, "Earl") is None
        assert find_product(session, "   ") is None


def test_a_code_belongs_to_one_product_only(shop: ShopDatabase, tea: int) -> None:
    with (
        pytest.raises(InvalidInput, match="already belongs to “Earl Grey Łapsang”") as caught,
        shop.write() as session,
    ):
        add_product(session, "Ελένη's blend", 500, sku="5012345678900")
    assert caught.value.field == "barcode / SKU"
    with pytest.raises(InvalidInput, match="already belongs"), shop.write() as session:
        add_product(session, "Mug", 900, sku="mug-1")
        add_product(session, "Другая кружка", 900, sku="MUG-1")
    assert _products(shop) == 1


def test_a_retired_products_code_is_still_reserved_and_says_so(
    shop: ShopDatabase, tea: int
) -> None:
    with shop.write() as session:
        retire_product(session, tea)
    with shop.read() as session:
        assert find_product(session, "5012345678900") is None
        assert find_product(session, "Earl Grey Łapsang") is None
        assert [p.name for p in list_products(session)] == []
        assert [p.name for p in list_products(session, active_only=False)] == ["Earl Grey Łapsang"]
    with (
        pytest.raises(InvalidInput, match="retired: bring it back instead"),
        shop.write() as session,
    ):
        add_product(session, "New tea", 500, sku="5012345678900")
    with shop.write() as session:
        restore_product(session, tea)
    with shop.read() as session:
        assert getattr(find_product(session, "5012345678900"), "id", None) == tea


def test_two_products_on_sale_cannot_share_a_name(shop: ShopDatabase, tea: int) -> None:
    with (
        pytest.raises(InvalidInput, match="already a product called") as caught,
        shop.write() as session,
    ):
        add_product(session, "EARL GREY LAPSANG", 500)
    assert caught.value.field == "product name"
    with shop.write() as session:
        retire_product(session, tea)
        again = add_product(session, "Earl Grey Łapsang", 520)
    with pytest.raises(InvalidInput, match="already a product called"), shop.write() as session:
        restore_product(session, tea)
    with shop.read() as session:
        assert [p.id for p in list_products(session)] == [again.id]


def test_changing_a_product_leaves_past_sales_as_they_were(shop: ShopDatabase, tea: int) -> None:
    with shop.write() as session:
        sale = record_purchase(session, PurchaseInput([LineInput("", 1, 450, tea)]))
        cups = add_category(session, "Cups")
        update_product(session, tea, "Earl Grey (loose)", 495, category_id=cups.id, sku="EG-1")
    with shop.read() as session:
        line = get_purchase(session, sale.id).lines[0]
        assert (line.description, line.unit_price) == ("Earl Grey Łapsang", 450)
        product = find_product(session, "eg-1")
        assert product is not None
        assert (product.name, product.unit_price) == ("Earl Grey (loose)", 495)
        assert product.category is not None and product.category.name == "Cups"


def test_a_product_may_keep_its_own_name_and_code_when_edited(shop: ShopDatabase, tea: int) -> None:
    with shop.write() as session:
        update_product(session, tea, "earl grey łapsang", 460, sku="5012345678900")
    with shop.read() as session:
        assert [(p.name, p.unit_price, p.category) for p in list_products(session)] == [
            ("earl grey łapsang", 460, None)
        ]


@pytest.mark.parametrize(
    ("name", "price", "sku", "field"),
    [
        ("", 100, None, "product name"),
        ("Mug", -1, None, "price"),
        ("Mug", 10**12, None, "price"),
        ("Mug", 100, "A\tB", "barcode / SKU"),
        ("Mug", 100, "X" * 65, "barcode / SKU"),
    ],
)
def test_bad_product_details_are_refused(
    shop: ShopDatabase, name: str, price: int, sku: str | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught, shop.write() as session:
        add_product(session, name, price, sku=sku)
    assert caught.value.field == field
    assert _products(shop) == 0


def test_products_list_carries_the_category_after_the_session(shop: ShopDatabase, tea: int) -> None:
    with shop.read() as session:
        products = list_products(session)
    category = products[0].category
    assert category is not None and category.name == "Thé & Café"


def test_category_names_are_unique_ignoring_case_and_accents(shop: ShopDatabase) -> None:
    with shop.write() as session:
        ceramics = add_category(session, "Céramique").id
        add_category(session, "Plants 🌱")
    with (
        pytest.raises(InvalidInput, match="already a category called"),
        shop.write() as session,
    ):
        add_category(session, "CERAMIQUE")
    with (
        pytest.raises(InvalidInput, match="already a category called"),
        shop.write() as session,
    ):
        rename_category(session, ceramics, "plants 🌱")
    with shop.write() as session:
        rename_category(session, ceramics, "céramique")
    with shop.read() as session:
        assert [c.name for c in list_categories(session)] == ["céramique", "Plants 🌱"]
    with pytest.raises(NotFound), shop.write() as session:
        add_product(session, "Pot", 100, category_id=999)
