"""Shared steps for the loyalty tests: customers, sales at the counter, the ledger's sums.

Until purchases.py calls the loyalty hooks itself, a sale earns (and a void takes back) by
calling them right after, inside the same unit of work, as the counter will."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.loyalty_earning import earn_for_purchase, reverse_for_purchase
from desktop.shop.loyalty_members import enrol
from desktop.shop.loyalty_rules import Programme, save_programme
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase, void_purchase
from desktop.store.models import Purchase
from desktop.store.models_loyalty import LoyaltyAccount, LoyaltyEntry
from desktop.store.shopfile import ShopDatabase


def customer(shop: ShopDatabase, name: str, **details: object) -> int:
    with shop.write() as session:
        return create_customer(session, CustomerDetails(name=name, **details)).id  # type: ignore[arg-type]


def member(shop: ShopDatabase, name: str, **details: object) -> int:
    """A new customer who joins at once; returns the account id."""
    customer_id = customer(shop, name, **details)
    with shop.write() as session:
        return enrol(session, customer_id).id


def programme(shop: ShopDatabase, **settings: object) -> Programme:
    with shop.write() as session:
        return save_programme(session, Programme(**settings))  # type: ignore[arg-type]


def sale(
    shop: ShopDatabase,
    customer_id: int | None,
    *lines: tuple[int, int | None] | int,
    when: datetime | None = None,
) -> int:
    """Record a sale of lines (pence, product id) or plain pence, earning as the till will."""
    inputs = []
    for line in lines:
        price, product = (line, None) if isinstance(line, int) else line
        inputs.append(LineInput("Item", 1, price, product_id=product))
    with shop.write() as session:
        purchase = record_purchase(
            session, PurchaseInput(inputs, customer_id=customer_id, purchased_at=when)
        )
        earn_for_purchase(session, purchase)
        return purchase.id


def void(shop: ShopDatabase, purchase_id: int) -> None:
    with shop.write() as session:
        purchase = void_purchase(session, purchase_id, "Rung up twice")
        reverse_for_purchase(session, purchase)


def balance(shop: ShopDatabase, account_id: int) -> int:
    with shop.read() as session:
        account = session.get(LoyaltyAccount, account_id)
        assert account is not None
        return account.balance


def ledger_sum(shop: ShopDatabase, account_id: int) -> int:
    with shop.read() as session:
        total = session.scalar(
            select(func.coalesce(func.sum(LoyaltyEntry.points), 0)).where(
                LoyaltyEntry.account_id == account_id
            )
        )
        return int(total or 0)


def entries(shop: ShopDatabase, account_id: int) -> list[tuple[str, int, str]]:
    """(kind, points, reason) oldest first."""
    with shop.read() as session:
        return [
            (e.kind, e.points, e.reason)
            for e in session.scalars(
                select(LoyaltyEntry)
                .where(LoyaltyEntry.account_id == account_id)
                .order_by(LoyaltyEntry.sequence)
            )
        ]


def customer_of(shop: ShopDatabase, account_id: int) -> int:
    with shop.read() as session:
        account = session.get(LoyaltyAccount, account_id)
        assert account is not None and account.customer_id is not None
        return account.customer_id


def purchase_total(shop: ShopDatabase, purchase_id: int) -> int:
    with shop.read() as session:
        purchase = session.get(Purchase, purchase_id)
        assert purchase is not None
        return purchase.total
