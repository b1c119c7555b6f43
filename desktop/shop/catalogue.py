"""A simple catalogue: categories and the products in them.

Products are retired, never deleted: past purchase lines keep pointing at them.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.money import MAX_AMOUNT
from desktop.shop.text import clean_line, fold
from desktop.store.models import Category, Product


def _checked_category_name(session: Session, name: str, category_id: int | None) -> str:
    name = clean_line(name, "category name", max_length=120, required=True)
    for other in list_categories(session):
        if other.id != category_id and fold(other.name) == fold(name):
            raise InvalidInput("category name", f"There is already a category called “{name}”.")
    return name


def add_category(session: Session, name: str) -> Category:
    """A new category; names are unique ignoring case and accents."""
    category = Category(name=_checked_category_name(session, name, None))
    session.add(category)
    session.flush()
    return category


def rename_category(session: Session, category_id: int, name: str) -> Category:
    """Give a category a new name (its products and past sales follow it)."""
    category = get_category(session, category_id)
    category.name = _checked_category_name(session, name, category_id)
    session.flush()
    return category


def get_category(session: Session, category_id: int) -> Category:
    category = session.get(Category, category_id)
    if category is None:
        raise NotFound(f"There is no category number {category_id}.")
    return category


def list_categories(session: Session) -> list[Category]:
    """All categories, A to Z ignoring case and accents."""
    return sorted(session.scalars(select(Category)), key=lambda c: fold(c.name))


def _checked_product(
    session: Session,
    product_id: int | None,
    name: str,
    unit_price: int,
    category_id: int | None,
    sku: str | None,
) -> tuple[str, str | None]:
    """(name, sku) cleaned, or InvalidInput naming the field that is wrong."""
    name = clean_line(name, "product name", required=True)
    sku = clean_line(sku or "", "barcode / SKU", max_length=64) or None
    if unit_price < 0:
        raise InvalidInput("price", "The price cannot be negative.")
    if unit_price > MAX_AMOUNT:
        raise InvalidInput("price", "The price is too large.")
    if category_id is not None:
        get_category(session, category_id)
    same_name = next(
        (p for p in list_products(session) if p.id != product_id and fold(p.name) == fold(name)),
        None,
    )
    if same_name is not None:
        raise InvalidInput("product name", f"There is already a product called “{name}”.")
    if sku is not None:
        # Case-insensitive, because a person may type in lower case what a scanner sends.
        statement = select(Product).where(func.upper(Product.sku) == sku.upper())
        if product_id is not None:
            statement = statement.where(Product.id != product_id)
        owner = session.scalar(statement)
        if owner is not None:
            retired = "" if owner.active else " (retired: bring it back instead)"
            raise InvalidInput(
                "barcode / SKU", f"The code “{sku}” already belongs to “{owner.name}”{retired}."
            )
    return name, sku


def add_product(
    session: Session,
    name: str,
    unit_price: int,
    *,
    category_id: int | None = None,
    sku: str | None = None,
) -> Product:
    """A new product at `unit_price` minor units; `sku` is what a barcode scanner types."""
    name, sku = _checked_product(session, None, name, unit_price, category_id, sku)
    product = Product(name=name, sku=sku, category_id=category_id, unit_price=unit_price)
    session.add(product)
    session.flush()
    return product


def update_product(
    session: Session,
    product_id: int,
    name: str,
    unit_price: int,
    *,
    category_id: int | None = None,
    sku: str | None = None,
) -> Product:
    """Change a product's name, price, category or code; past sales keep what they were sold
    for (their lines carry their own description and price)."""
    product = get_product(session, product_id)
    name, sku = _checked_product(session, product_id, name, unit_price, category_id, sku)
    product.name = name
    product.sku = sku
    product.unit_price = unit_price
    product.category_id = category_id
    session.flush()
    return product


def retire_product(session: Session, product_id: int) -> Product:
    """Stop offering a product: it leaves the till's list and scans, its history stays."""
    product = get_product(session, product_id)
    product.active = False
    session.flush()
    return product


def restore_product(session: Session, product_id: int) -> Product:
    """Offer a retired product again, unless an active one has taken its name meanwhile."""
    product = get_product(session, product_id)
    if not product.active:
        if any(fold(p.name) == fold(product.name) for p in list_products(session)):
            raise InvalidInput(
                "product name", f"There is already a product called “{product.name}”."
            )
        product.active = True
        session.flush()
    return product


def get_product(session: Session, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None:
        raise NotFound(f"There is no product number {product_id}.")
    return product


def list_products(session: Session, *, active_only: bool = True) -> list[Product]:
    """Products A to Z with their category loaded (safe to read after the session ends)."""
    statement = select(Product).options(selectinload(Product.category))
    if active_only:
        statement = statement.where(Product.active.is_(True))
    return sorted(session.scalars(statement), key=lambda p: fold(p.name))


def find_product(session: Session, text: str) -> Product | None:
    """The product a scanner or a person named: its SKU first (any case), then its exact name
    ignoring case and accents. Retired products are not found."""
    text = text.strip()
    if not text:
        return None
    by_sku = session.scalar(
        select(Product).where(func.upper(Product.sku) == text.upper(), Product.active.is_(True))
    )
    if by_sku is not None:
        return by_sku
    wanted = fold(text)
    return next((p for p in list_products(session) if fold(p.name) == wanted), None)
