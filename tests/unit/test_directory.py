"""Finding a customer the way a shopkeeper types: any case, no accents, phone in any form."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.shop.customers import CustomerDetails, create_customer
from desktop.shop.directory import browse, count_customers, search_terms
from desktop.shop.text import words
from desktop.store.shopfile import ShopDatabase, open_shop

PEOPLE = [
    CustomerDetails(
        name="Zoë Ó'Brien",
        email="Zoe.OBrien@Example.com",
        phone="07700 900123",
        postcode="ba1 1aa",
    ),
    CustomerDetails(name="Łukasz Nowak", email="lukasz@poczta.pl", postcode="00-950", country="PL"),
    CustomerDetails(name="Ελένη Παπαδοπούλου", phone="+30 21 0123 4567", country="GR"),
    CustomerDetails(name="Дмитрий Иванов", email="dima@example.ru"),
    CustomerDetails(name="李雷", phone="+44 7700 900777"),
    CustomerDetails(name="Amelia Jones 🌸", postcode="SW1A 2AA"),
]


@pytest.fixture
def directory_shop(shop: ShopDatabase) -> ShopDatabase:
    with shop.write() as session:
        for details in PEOPLE:
            create_customer(session, details)
    return shop


def names_found(shop: ShopDatabase, query: str) -> list[str]:
    with shop.read() as session:
        return [row.name for row in browse(session, query).rows]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("zoe", "Zoë Ó'Brien"),
        ("ZOË", "Zoë Ó'Brien"),
        ("o'brien", "Zoë Ó'Brien"),
        ("obrien", "Zoë Ó'Brien"),
        ("zoe obr", "Zoë Ó'Brien"),
        ("lukasz", "Łukasz Nowak"),
        ("Łuk", "Łukasz Nowak"),
        ("nowak ł", "Łukasz Nowak"),
        ("ελενη", "Ελένη Παπαδοπούλου"),
        ("Ελέ", "Ελένη Παπαδοπούλου"),
        ("παπαδο", "Ελένη Παπαδοπούλου"),
        ("дмитрий", "Дмитрий Иванов"),
        ("ДМИТ", "Дмитрий Иванов"),
        ("李", "李雷"),
        ("李雷", "李雷"),
        ("雷", "李雷"),
        ("amelia", "Amelia Jones 🌸"),
    ],
)
def test_names_are_found_by_the_start_of_any_word(
    directory_shop: ShopDatabase, typed: str, expected: str
) -> None:
    assert names_found(directory_shop, typed) == [expected]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("zoe.obrien@example.com", "Zoë Ó'Brien"),
        ("ZOE.OB", "Zoë Ó'Brien"),
        ("@example.ru", "Дмитрий Иванов"),
        ("poczta", "Łukasz Nowak"),
        ("dima@", "Дмитрий Иванов"),
    ],
)
def test_email_is_found_by_its_start_or_its_domain(
    directory_shop: ShopDatabase, typed: str, expected: str
) -> None:
    assert names_found(directory_shop, typed) == [expected]


@pytest.mark.parametrize(
    "typed",
    [
        "07700 900123",
        "07700900123",
        "07700-900-123",
        "+44 7700 900123",
        "+44 (0)7700 900123",
        "+447700900123",
        "447700900123",
        "7700 900 123",
        "07700 9001",
    ],
)
def test_phone_is_found_typed_in_national_or_international_form(
    directory_shop: ShopDatabase, typed: str
) -> None:
    assert names_found(directory_shop, typed) == ["Zoë Ó'Brien"]


def test_a_phone_prefix_finds_everyone_sharing_it(directory_shop: ShopDatabase) -> None:
    assert sorted(names_found(directory_shop, "07700 900")) == ["Zoë Ó'Brien", "李雷"]
    assert names_found(directory_shop, "+30 21 0123") == ["Ελένη Παπαδοπούλου"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("BA1 1AA", "Zoë Ó'Brien"),
        ("ba11aa", "Zoë Ó'Brien"),
        ("ba1", "Zoë Ó'Brien"),
        ("sw1a2aa", "Amelia Jones 🌸"),
        ("00-950", "Łukasz Nowak"),
        ("00950", "Łukasz Nowak"),
    ],
)
def test_postcode_is_found_with_or_without_its_space(
    directory_shop: ShopDatabase, typed: str, expected: str
) -> None:
    assert names_found(directory_shop, typed) == [expected]


def test_every_typed_word_must_match(directory_shop: ShopDatabase) -> None:
    assert names_found(directory_shop, "zoe nowak") == []
    assert names_found(directory_shop, "nobody") == []


def test_an_empty_search_lists_everyone_a_to_z(directory_shop: ShopDatabase) -> None:
    listed = names_found(directory_shop, "  ")
    assert listed == [
        "Amelia Jones 🌸",
        "Łukasz Nowak",
        "Zoë Ó'Brien",
        "Ελένη Παπαδοπούλου",
        "Дмитрий Иванов",
        "李雷",
    ]


def test_search_shows_the_newest_customers_first(shop: ShopDatabase) -> None:
    with shop.write() as session:
        for name in ("Anna First", "Anna Second", "Anna Third"):
            create_customer(session, CustomerDetails(name=name))
    assert names_found(shop, "anna") == ["Anna Third", "Anna Second", "Anna First"]


def test_search_terms_gather_a_typed_phone_number_into_digits() -> None:
    assert search_terms("+44 (0)7700 900-123") == ["447700900123"]
    assert search_terms("07700 900123") == ["07700900123"]
    assert search_terms("Zoë 07700") == ["zoe", "07700"]
    assert search_terms("") == []


def _page_through(shop: ShopDatabase, query: str, limit: int) -> list[int]:
    seen: list[int] = []
    after = None
    with shop.read() as session:
        while True:
            page = browse(session, query, after, limit)
            assert len(page.rows) <= limit
            seen += [row.id for row in page.rows]
            if page.next_key is None:
                return seen
            after = page.next_key


@pytest.mark.parametrize("query", ["", "smith", "07700"])
def test_paging_returns_every_customer_exactly_once(shop: ShopDatabase, query: str) -> None:
    wanted: set[int] = set()
    with shop.write() as session:
        for number in range(47):
            # Many share a name, so the A-to-Z order needs the id to break ties.
            name = "Jo Smith" if number % 3 else f"Åsa Smith {number}"
            customer = create_customer(
                session, CustomerDetails(name=name, phone=f"07700 900{number:03d}")
            )
            wanted.add(customer.id)
        other = create_customer(session, CustomerDetails(name="Nobody Else", phone="+33 123456789"))
        if not query:
            wanted.add(other.id)
    for limit in (1, 5, 46, 47, 200):
        seen = _page_through(shop, query, limit)
        assert len(seen) == len(set(seen)), "a customer was shown twice"
        assert set(seen) == wanted


def test_count_customers(directory_shop: ShopDatabase) -> None:
    with directory_shop.read() as session:
        assert count_customers(session) == len(PEOPLE)


@pytest.fixture(scope="module")
def property_shop(tmp_path_factory: pytest.TempPathFactory) -> ShopDatabase:
    folder: Path = tmp_path_factory.mktemp("property")
    return open_shop(folder / "shop.aftercare", backups=folder / "backups")


# Letters, marks and digits of any script, with the spaces and punctuation names carry.
NAME_CHARACTERS = st.characters(categories=["L", "M", "Nd", "Zs", "Pd", "Po"]) | st.sampled_from(
    "李雷王芳김민준さくらカタカナ"
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=st.text(NAME_CHARACTERS, min_size=1, max_size=30), data=st.data())
def test_any_saved_name_is_found_by_any_of_its_words(
    property_shop: ShopDatabase, name: str, data: st.DataObject
) -> None:
    if not words(name) or not name.strip():
        return
    with property_shop.write() as session:
        customer_id = create_customer(session, CustomerDetails(name=name)).id
    typed = data.draw(st.sampled_from([name, *words(name)]), label="typed")
    with property_shop.read() as session:
        found = [row.id for row in browse(session, typed).rows]
    assert customer_id in found


@settings(max_examples=150, deadline=None)
@given(query=st.text(max_size=40))
def test_any_typed_search_gives_a_page_and_never_fails(
    property_shop: ShopDatabase, query: str
) -> None:
    with property_shop.read() as session:
        page = browse(session, query, limit=20)
    assert len(page.rows) <= 20
