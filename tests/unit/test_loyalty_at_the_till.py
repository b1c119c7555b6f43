"""Recording, voiding and discounting a sale move a member's points in the same transaction."""

from __future__ import annotations

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.loyalty_ledger import member_balance
from desktop.shop.loyalty_members import enrol
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase, void_purchase
from desktop.shop.vouchers import VoucherTerms, issue_voucher, redeem_voucher
from desktop.store.shopfile import ShopDatabase


def _member(shop: ShopDatabase, name: str = "Łukasz Ó'Brien") -> int:
    with shop.write() as session:
        customer = create_customer(session, CustomerDetails(name=name))
        enrol(session, customer.id)
        return customer.id


def test_a_members_purchase_earns_points_and_a_void_takes_them_back(shop: ShopDatabase) -> None:
    customer_id = _member(shop)
    with shop.read() as session:
        start = member_balance(session, customer_id)
    assert start is not None
    with shop.write() as session:
        sale = record_purchase(
            session, PurchaseInput([LineInput("Teapot", 1, 2499)], customer_id=customer_id)
        )
    with shop.read() as session:
        assert member_balance(session, customer_id) == start + 24  # whole pounds, 1 point each
    with shop.write() as session:
        void_purchase(session, sale.id, "Rang up twice")
    with shop.read() as session:
        assert member_balance(session, customer_id) == start


def test_a_voucher_lowers_what_the_sale_earns(shop: ShopDatabase) -> None:
    customer_id = _member(shop, "Ελένη")
    with shop.write() as session:
        voucher = issue_voucher(session, VoucherTerms(kind="goodwill", amount=1000))
        sale = record_purchase(
            session, PurchaseInput([LineInput("Vase", 1, 3000)], customer_id=customer_id)
        )
    with shop.read() as session:
        before = member_balance(session, customer_id)
    with shop.write() as session:
        redeem_voucher(session, voucher.code, sale.id)
    with shop.read() as session:
        assert member_balance(session, customer_id) == (before or 0) - 10


def test_a_non_member_earns_nothing(shop: ShopDatabase) -> None:
    with shop.write() as session:
        customer = create_customer(session, CustomerDetails(name="Дмитрий"))
        record_purchase(session, PurchaseInput([LineInput("Mug", 2, 900)], customer_id=customer.id))
    with shop.read() as session:
        assert member_balance(session, customer.id) is None
