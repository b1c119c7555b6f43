"""A simple catalogue: categories and the products in them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.text import clean_line, fold
from desktop.store.models import Category, Product


def add_category(session: Session, name: str) -> Category:
    """A new category; names are unique ignoring case and accents."""
    name = clean_line(name, "category name", max_length=120, required=True)
    if any(fold(c.name) == fold(name) for c in list_categories(session)):
        raise InvalidInput("category name", f"There is already a category called “{name}”.")
    category = Category(name=name)
    session.add(category)
    session.flush()
    return category


def list_categories(session: Session) -> list[Category]:
    return sorted(session.scalars(select(Category)), key=lambda c: fold(c.name))


def add_product(
    session: Session,
    name: str,
    unit_price: int,
    *,
    category_id: int | None = None,
    sku: str | None = None,
) -> Product:
    """A new product at `unit_price` minor units; `sku` is what a barcode scanner types."""
    name = clean_line(name, "product name", required=True)
    sku = clean_line(sku or "", "barcode / SKU", max_length=64) or None
    if unit_price < 0:
        raise InvalidInput("price", "The price cannot be negative.")
    if category_id is not None and session.get(Category, category_id) is None:
        raise NotFound(f"There is no category number {category_id}.")
    product = Product(name=name, sku=sku, category_id=category_id, unit_price=unit_price)
    session.add(product)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise InvalidInput(
            "barcode / SKU", f"Another product already has the code “{sku}”."
        ) from None
    return product


def list_products(session: Session, *, active_only: bool = True) -> list[Product]:
    statement = select(Product)
    if active_only:
        statement = statement.where(Product.active.is_(True))
    return sorted(session.scalars(statement), key=lambda p: fold(p.name))


def find_product(session: Session, text: str) -> Product | None:
    """The product a scanner or a person named: exact SKU first, then exact name."""
    text = text.strip()
    if not text:
        return None
    by_sku = session.scalar(select(Product).where(Product.sku == text, Product.active.is_(True)))
    if by_sku is not None:
        return by_sku
    wanted = fold(text)
    return next((p for p in list_products(session) if fold(p.name) == wanted), None)
