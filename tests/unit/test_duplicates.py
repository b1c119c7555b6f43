"""Spotting one person entered twice, and merging them without losing anything."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from desktop.shop.consent import ConsentChoice, consent_history, record_consent
from desktop.shop.customers import (
    CustomerDetails,
    create_customer,
    get_customer,
    unsaved_customer,
)
from desktop.shop.directory import browse
from desktop.shop.duplicates import (
    all_possible_duplicates,
    merge_customers,
    possible_duplicates,
    similar_names,
)
from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.purchases import LineInput, PurchaseInput, record_purchase, void_purchase
from desktop.store.shopfile import ShopDatabase


def add(shop: ShopDatabase, **fields: object) -> int:
    with shop.write() as session:
        return create_customer(session, CustomerDetails(**fields)).id  # type: ignore[arg-type]


def buy(shop: ShopDatabase, customer_id: int, pence: int, when: datetime) -> int:
    with shop.write() as session:
        purchase = record_purchase(
            session,
            PurchaseInput(
                [LineInput("Candle", 1, pence)], customer_id=customer_id, purchased_at=when
            ),
        )
        return purchase.id


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ({"name": "Zoe Obrien", "email": "ZOE@EXAMPLE.COM"}, "same email"),
        ({"name": "Z. O'Brien", "phone": "+44 7700 900123"}, "same phone"),
        ({"name": "Zoe O'Brien", "postcode": "ba11aa"}, "similar name, same postcode"),
        ({"name": "O'Brien Zoë", "postcode": "BA1 1AA"}, "similar name, same postcode"),
    ],
)
def test_a_new_customer_who_may_already_exist_is_spotted(
    shop: ShopDatabase, typed: dict[str, str], reason: str
) -> None:
    existing = add(
        shop, name="Zoë O'Brien", email="zoe@example.com", phone="07700 900123", postcode="BA1 1AA"
    )
    with shop.read() as session:
        pairs = possible_duplicates(session, unsaved_customer(CustomerDetails(**typed)))  # type: ignore[arg-type]
        assert [(p.second.id, p.reason) for p in pairs] == [(existing, reason)]


def test_a_neighbour_with_another_name_is_not_a_duplicate(shop: ShopDatabase) -> None:
    add(shop, name="Zoë O'Brien", postcode="BA1 1AA")
    with shop.read() as session:
        other = unsaved_customer(CustomerDetails(name="Дмитрий Иванов", postcode="BA1 1AA"))
        assert possible_duplicates(session, other) == []
        assert possible_duplicates(session, unsaved_customer(CustomerDetails(name="Zoë"))) == []


def test_similar_names() -> None:
    assert similar_names("jon smith", "john smith")
    assert similar_names("smith john", "john smith")
    assert not similar_names("ann lee", "bob lee")


def test_all_possible_duplicates_lists_each_pair_once_with_its_reason(shop: ShopDatabase) -> None:
    zoe = add(shop, name="Zoë O'Brien", email="zoe@example.com", phone="07700 900123")
    zoe_again = add(shop, name="Zoe", email="Zoe@Example.com", phone="07700 900123")
    lukasz = add(shop, name="Łukasz Nowak", postcode="SW1A 2AA")
    lukasz_again = add(shop, name="Lukasz Nowak", postcode="sw1a 2aa")
    add(shop, name="Ελένη", postcode="SW1A 2AA")
    add(shop, name="李雷", email="li@example.cn")
    with shop.read() as session:
        pairs = all_possible_duplicates(session)
        found = {(p.first.id, p.second.id): p.reason for p in pairs}
    assert found == {
        (zoe, zoe_again): "same email",
        (lukasz, lukasz_again): "similar name, same postcode",
    }


def test_merge_moves_purchases_and_permissions_and_totals_add_up(shop: ShopDatabase) -> None:
    keep = add(shop, name="Zoë O'Brien", email="zoe@example.com", tags=["VIP"], notes="Likes lilac")
    other = add(
        shop,
        name="Zoe OBrien",
        email="zoe.work@example.com",
        phone="07700 900123",
        address_line1="12 Rose Lane",
        town="Bath",
        postcode="BA1 1AA",
        birth_day=3,
        birth_month=5,
        tags=["candles", "VIP"],
        notes="Allergic to wool",
    )
    buy(shop, keep, 1000, datetime(2025, 1, 10, 12, tzinfo=UTC))
    buy(shop, other, 2500, datetime(2024, 12, 1, 12, tzinfo=UTC))
    voided = buy(shop, other, 9900, datetime(2025, 2, 1, 12, tzinfo=UTC))
    with shop.write() as session:
        void_purchase(session, voided, "Rang up twice")
        record_consent(
            session,
            get_customer(session, keep),
            "email",
            ConsentChoice(True),
            when=datetime(2025, 1, 1, tzinfo=UTC),
        )
        record_consent(
            session,
            get_customer(session, other),
            "email",
            ConsentChoice(False),
            when=datetime(2025, 3, 1, tzinfo=UTC),
        )
    with shop.write() as session:
        merge_customers(session, keep, other)
    with shop.read() as session:
        merged = get_customer(session, keep)
        assert (merged.visit_count, merged.total_spent) == (2, 3500)
        assert merged.first_seen_at == datetime(2024, 12, 1, 12, tzinfo=UTC)
        assert merged.last_seen_at == datetime(2025, 1, 10, 12, tzinfo=UTC)
        assert merged.email == "zoe@example.com"
        assert merged.phone == "+44 7700 900123"
        assert (merged.address_line1, merged.postcode) == ("12 Rose Lane", "BA1 1AA")
        assert (merged.birth_day, merged.birth_month) == (3, 5)
        assert [t.name for t in merged.tags] == ["VIP", "candles"]
        assert "Likes lilac" in merged.notes and "Allergic to wool" in merged.notes
        assert "zoe.work@example.com" in merged.notes
        # The newest decision, the other record's withdrawal, holds.
        assert not merged.email_marketing
        assert len(consent_history(session, keep)) == 2
        with pytest.raises(NotFound):
            get_customer(session, other)
        # Found by the details that came over.
        assert [r.id for r in browse(session, "07700 900123").rows] == [keep]
        assert [r.id for r in browse(session, "ba1").rows] == [keep]


def test_a_customer_cannot_be_merged_with_themselves(shop: ShopDatabase) -> None:
    zoe = add(shop, name="Zoë")
    with pytest.raises(InvalidInput, match="themselves"), shop.write() as session:
        merge_customers(session, zoe, zoe)
