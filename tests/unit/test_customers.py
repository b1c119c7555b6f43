"""Adding and changing customers: what is kept, what is refused, and nothing half-saved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desktop.shop.consent import ConsentChoice, consent_history
from desktop.shop.customers import (
    CustomerDetails,
    countries,
    create_customer,
    get_customer,
    unsaved_customer,
    update_customer,
)
from desktop.shop.directory import browse
from desktop.shop.errors import InvalidInput, NotFound
from desktop.store.models import Consent, Customer, Tag
from desktop.store.shopfile import ShopDatabase


def count(shop: ShopDatabase, model: type[Customer] | type[Consent] | type[Tag]) -> int:
    with shop.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_new_customer_is_kept_tidy(shop: ShopDatabase) -> None:
    with shop.write() as session:
        customer = create_customer(
            session,
            CustomerDetails(
                name="  Łukasz Ó'Brien ",
                email="Lukasz.OBrien@Example.COM",
                phone="07700 900123",
                address_line1="12 Rose Lane",
                town="Bath",
                postcode="ba1 1aa",
                birth_day=29,
                birth_month=2,
                notes="Likes lavender.\r\nAllergic to wool.",
                tags=["VIP", " candles ", ""],
            ),
        )
        customer_id = customer.id
    with shop.read() as session:
        saved = get_customer(session, customer_id)
        assert saved.name == "Łukasz Ó'Brien"
        assert saved.email == "Lukasz.OBrien@example.com"
        assert saved.phone == "+44 7700 900123"
        assert saved.postcode == "BA1 1AA"
        assert (saved.birth_day, saved.birth_month) == (29, 2)
        assert saved.notes == "Likes lavender.\nAllergic to wool."
        assert [t.name for t in saved.tags] == ["VIP", "candles"]
        assert not saved.email_marketing and not saved.post_marketing
        assert saved.visit_count == 0 and saved.total_spent == 0


def test_a_phone_number_is_read_in_the_customers_own_country(shop: ShopDatabase) -> None:
    with shop.write() as session:
        greek = create_customer(
            session, CustomerDetails(name="Ελένη", phone="21 0123 4567", country="gr")
        )
        assert greek.phone == "+30 21 0123 4567"
        assert greek.country == "GR"


@pytest.mark.parametrize(
    ("details", "field", "words"),
    [
        (CustomerDetails(name="Zoë", email="zoe@@example"), "email", "not a valid email"),
        (CustomerDetails(name="Zoë", email="zoë at example.com"), "email", "not a valid email"),
        (CustomerDetails(name="   "), "name", "Please enter the name"),
        (CustomerDetails(name="Zoë\nSmith"), "name", "control character"),
        (CustomerDetails(name="Zoë\u202eevil"), "name", "control character"),
        (CustomerDetails(name="Zoë", town="Bath\x00"), "town", "control character"),
        (CustomerDetails(name="Zoë", phone="12"), "phone", "complete phone number"),
        (CustomerDetails(name="Zoë", phone="call me"), "phone", "not a phone number"),
        (CustomerDetails(name="Zoë", birth_day=31, birth_month=2), "birthday", "31/2"),
        (CustomerDetails(name="Zoë", birth_day=0, birth_month=5), "birthday", "0/5"),
        (CustomerDetails(name="Zoë", birth_day=1, birth_month=13), "birthday", "1/13"),
        (CustomerDetails(name="Zoë", birth_day=12), "birthday", "both the day and the month"),
        (CustomerDetails(name="Zoë", country="United Kingdom"), "country", "too long"),
        (CustomerDetails(name="Zoë", country="XX"), "country", "not a country code"),
        (CustomerDetails(name="Zoë", tags=["a" * 61]), "tag", "too long"),
        (CustomerDetails(name="Z" * 201), "name", "at most 200"),
    ],
)
def test_bad_details_are_refused_by_field_and_nothing_is_written(
    shop: ShopDatabase, details: CustomerDetails, field: str, words: str
) -> None:
    with pytest.raises(InvalidInput) as refused, shop.write() as session:
        create_customer(session, details)
    assert refused.value.field == field
    assert words in str(refused.value)
    assert count(shop, Customer) == 0
    assert count(shop, Tag) == 0


def test_tags_are_shared_between_customers(shop: ShopDatabase) -> None:
    with shop.write() as session:
        create_customer(session, CustomerDetails(name="Zoë", tags=["VIP"]))
        create_customer(session, CustomerDetails(name="Дмитрий", tags=["VIP", "wholesale"]))
    assert count(shop, Tag) == 2


def test_changing_details_is_searchable_at_once(shop: ShopDatabase) -> None:
    with shop.write() as session:
        customer_id = create_customer(session, CustomerDetails(name="Zoe Smith")).id
    with shop.write() as session:
        update_customer(session, customer_id, CustomerDetails(name="Zoë Ó'Brien", tags=["VIP"]))
    with shop.read() as session:
        assert [r.id for r in browse(session, "obrien").rows] == [customer_id]
        assert browse(session, "smith").rows == []
        assert [t.name for t in get_customer(session, customer_id).tags] == ["VIP"]


def test_a_refused_change_leaves_the_customer_as_they_were(shop: ShopDatabase) -> None:
    with shop.write() as session:
        customer_id = create_customer(
            session, CustomerDetails(name="Zoë", email="z@example.com")
        ).id
    with pytest.raises(InvalidInput), shop.write() as session:
        update_customer(session, customer_id, CustomerDetails(name="Zoë", email="broken@"))
    with shop.read() as session:
        assert get_customer(session, customer_id).email == "z@example.com"


def test_removing_the_address_withdraws_the_permission_that_needed_it(shop: ShopDatabase) -> None:
    details = CustomerDetails(
        name="Zoë", email="zoe@example.com", address_line1="1 High St", postcode="BA1 1AA"
    )
    with shop.write() as session:
        customer_id = create_customer(
            session,
            details,
            email_consent=ConsentChoice(True),
            post_consent=ConsentChoice(True, "legitimate_interest"),
        ).id
    with shop.write() as session:
        update_customer(session, customer_id, CustomerDetails(name="Zoë"))
    with shop.read() as session:
        customer = get_customer(session, customer_id)
        assert not customer.email_marketing and not customer.post_marketing
        latest = consent_history(session, customer_id)[:2]
        assert {(c.channel, c.granted, c.source) for c in latest} == {
            ("email", False, "edit"),
            ("post", False, "edit"),
        }


def test_unsaved_customer_checks_without_writing(shop: ShopDatabase) -> None:
    candidate = unsaved_customer(CustomerDetails(name="Zoë", email="ZOE@example.com"))
    assert candidate.id is None
    assert candidate.email_key == "zoe@example.com"
    with pytest.raises(InvalidInput) as refused:
        unsaved_customer(CustomerDetails(name="Zoë", email="nope"))
    assert refused.value.field == "email"
    assert count(shop, Customer) == 0


def test_unknown_customer_number_is_said_plainly(shop: ShopDatabase) -> None:
    with pytest.raises(NotFound, match="no customer number 42"), shop.read() as session:
        get_customer(session, 42)


def test_countries_are_named_in_the_shops_language() -> None:
    english = dict(countries("en_GB"))
    assert english["GB"] == "United Kingdom"
    assert dict(countries("de_DE"))["DE"] == "Deutschland"
    names = [name for _code, name in countries("en_GB")]
    assert names.index("Åland Islands") < names.index("Brazil")
