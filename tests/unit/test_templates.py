"""Insert message templates: built-in styles, the shop's own, placeholders checked and filled."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.shop.errors import InvalidInput, NotFound
from desktop.shop.templates import (
    PLACEHOLDERS,
    Template,
    add_template,
    check_placeholders,
    copy_template,
    delete_template,
    fill_template,
    get_template,
    list_templates,
    season,
    update_template,
)
from desktop.store.shopfile import ShopDatabase

VALUES = {name: "" for name in PLACEHOLDERS} | {
    "first_name": "Zoë",
    "shop_name": "Hollybank Tea & Pottery",
    "signed_by": "Anna",
    "voucher_value": "10% off",
    "voucher_code": "7G9C-4X6R-A6PM",
    "voucher_expiry": "31 December 2026",
}


def _mine(
    name: str = "Plant lovers",
    greeting: str = "Hello {first_name} 🌿",
    body: str = "Your plants from {shop_name} are on their way.\n\nWater them weekly.",
    signature: str = "Green wishes, {signed_by}",
) -> Template:
    return Template(name, greeting, body, signature)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 1), "christmas"),
        (date(2027, 1, 6), "christmas"),
        (date(2027, 1, 7), "winter"),
        (date(2027, 2, 28), "winter"),
        (date(2027, 3, 1), "spring"),
        (date(2027, 6, 1), "summer"),
        (date(2027, 9, 1), "autumn"),
        (date(2027, 11, 30), "autumn"),
    ],
)
def test_the_season_follows_the_date(day: date, expected: str) -> None:
    assert season(day) == expected


def test_seasonal_wording_changes_with_the_date(shop: ShopDatabase) -> None:
    with shop.read() as session:
        christmas = get_template(session, "seasonal", date(2026, 12, 20))
        summer = get_template(session, "Seasonal", date(2026, 7, 20))
    filled_christmas = fill_template(christmas, VALUES, with_voucher=False)
    filled_summer = fill_template(summer, VALUES, with_voucher=False)
    assert filled_christmas.greeting == "Merry Christmas, Zoë!"
    assert "Christmas" in filled_christmas.body and "summer" in filled_summer.body
    assert filled_summer.signature == "Sunny wishes, Anna"


def test_built_ins_come_first_then_the_shops_own_from_a_to_z(shop: ShopDatabase) -> None:
    with shop.write() as session:
        add_template(session, _mine(name="Zebra"))
        add_template(session, _mine(name="Élan"))
        names = [t.name for t in list_templates(session)]
    assert names == ["warm", "short", "seasonal", "Élan", "Zebra"]


def test_the_warm_template_fills_in_the_purchase(shop: ShopDatabase) -> None:
    with shop.read() as session:
        warm = get_template(session, "warm")
    filled = fill_template(warm, VALUES, with_voucher=True)
    assert filled.greeting == "Dear Zoë,"
    assert "Hollybank Tea & Pottery" in filled.body
    assert "10% off your next order: just use the code 7G9C-4X6R-A6PM by 31 December 2026" in (
        filled.body
    )
    assert filled.signature == "With love, Anna"
    assert "{" not in filled.body


def test_without_a_voucher_its_paragraph_is_left_out(shop: ShopDatabase) -> None:
    with shop.read() as session:
        for template in list_templates(session):
            filled = fill_template(template, VALUES, with_voucher=False)
            assert "code" not in filled.body, template.name
            assert filled.body.strip() and "\n\n\n" not in filled.body


def test_an_anonymous_purchase_is_greeted_without_a_name(shop: ShopDatabase) -> None:
    with shop.read() as session:
        warm = get_template(session, "warm")
    filled = fill_template(warm, VALUES | {"first_name": ""}, with_voucher=False)
    assert filled.greeting == "Hello,"


@pytest.mark.parametrize(
    "name", ["{Zoë}", "Łukasz {first_name}", "}{", "{{", "<b>Smith & Co</b>", "{0!r:>{1}}"]
)
def test_braces_in_a_customers_name_print_as_typed(shop: ShopDatabase, name: str) -> None:
    with shop.read() as session:
        short = get_template(session, "short")
    filled = fill_template(short, VALUES | {"first_name": name}, with_voucher=False)
    assert filled.greeting == f"Hi {name},"


@given(st.text(max_size=40), st.text(max_size=80))
def test_filling_never_crashes_on_any_text(name: str, own_text: str) -> None:
    template = Template("x", own_text, own_text + "\n\n{voucher_code}", own_text)
    filled = fill_template(template, VALUES | {"first_name": name}, with_voucher=True)
    assert "7G9C-4X6R-A6PM" in filled.body


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Dear {frist_name},", "“{frist_name}”, which Aftercare doesn't know"),
        ("Dear {},", "“{}”, which Aftercare doesn't know"),
        ("Dear {first_name.upper},", "“{first_name.upper}”"),
        ("Dear {first_name!r},", "without “{first_name!r}”"),
        ("Dear {first_name:>20},", "without “{first_name:>20}”"),
        ("Dear {first_name,", "a “{” on its own (near “Dear {first_name,”)"),
        ("Smiles } all round", "a “}” on its own"),
        ("{{first_name}", "a “}” on its own"),
    ],
)
def test_a_bad_placeholder_is_refused_by_name(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_placeholders(text, "greeting")
    assert says in str(refused.value)
    assert refused.value.field == "greeting"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Hi!\n\nSee you { soon", "(near “Hi! See you { soon”)"),
        ("Dear {first\nname},", "“{first name}”, which Aftercare doesn't know"),
        ("Dear {first_name:\t>\n20},", "without “{first_name: > 20}”"),
    ],
)
def test_what_a_message_quotes_from_the_text_is_on_one_line(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_placeholders(text, "message")
    assert says in str(refused.value)
    assert not any(ch in str(refused.value) for ch in "\n\r\t")


def test_doubled_braces_are_allowed_and_print_single() -> None:
    text = check_placeholders("Our {{secret}} blend, {first_name}", "message")
    filled = fill_template(Template("x", "", text, ""), VALUES, with_voucher=False)
    assert filled.body == "Our {secret} blend, Zoë"


def test_saving_refuses_an_unknown_placeholder_and_keeps_nothing(shop: ShopDatabase) -> None:
    with shop.write() as session, pytest.raises(InvalidInput) as refused:
        add_template(session, _mine(body="Use {voucher_cod} next time"))
    assert "“{voucher_cod}”" in str(refused.value)
    assert refused.value.field == "message"
    with shop.read() as session:
        assert len(list_templates(session)) == 3


def test_the_shops_own_templates_can_be_added_changed_and_deleted(shop: ShopDatabase) -> None:
    with shop.write() as session:
        add_template(session, _mine())
    with shop.write() as session:
        update_template(session, "plant lovers", _mine(name="Plant people", greeting="Hi!"))
    with shop.read() as session:
        changed = get_template(session, "Plant people")
        assert changed.greeting == "Hi!" and not changed.built_in
        with pytest.raises(NotFound):
            get_template(session, "Plant lovers")
    with shop.write() as session:
        delete_template(session, "PLANT PEOPLE")
    with shop.read() as session:
        assert [t.name for t in list_templates(session)] == ["warm", "short", "seasonal"]


def test_names_are_unique_and_built_ins_are_read_only(shop: ShopDatabase) -> None:
    with shop.write() as session:
        add_template(session, _mine())
        with pytest.raises(InvalidInput, match="already a template"):
            add_template(session, _mine(name="PLANT LOVERS"))
        with pytest.raises(InvalidInput, match="built-in template"):
            add_template(session, _mine(name="Warm"))
        with pytest.raises(InvalidInput, match="cannot be changed: copy it first"):
            update_template(session, "warm", _mine(name="warm"))
        with pytest.raises(InvalidInput, match="cannot be deleted"):
            delete_template(session, "short")
        with pytest.raises(InvalidInput, match="Please enter the template name"):
            add_template(session, _mine(name="  "))


def test_a_built_in_can_be_copied_and_then_changed(shop: ShopDatabase) -> None:
    with shop.write() as session:
        copy = copy_template(session, "seasonal", "Our winter", on=date(2027, 2, 1))
        update_template(session, "Our winter", replace(copy, signature="Xx"))
    with shop.read() as session:
        mine = get_template(session, "our winter", on=date(2027, 7, 1))
        assert not mine.built_in and mine.signature == "Xx"
        assert "winter" in mine.body
        assert "Christmas" not in mine.body
