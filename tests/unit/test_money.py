"""Money typed at the counter: what is accepted, what is refused, and that shown = typed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.shop.errors import InvalidInput
from desktop.shop.money import (
    MAX_AMOUNT,
    format_money,
    minor_digits,
    parse_amount,
    to_input_text,
    to_major_text,
)

CURRENCIES = ["GBP", "EUR", "USD", "JPY", "CHF", "BHD", "PLN"]
LOCALES = ["en_GB", "en_US", "de_DE", "fr_FR", "pl_PL", "el_GR", "ru_RU", "de_CH", "ja_JP", "en_IN"]
amounts = st.integers(min_value=0, max_value=MAX_AMOUNT)


@given(amounts, st.sampled_from(CURRENCIES), st.sampled_from(LOCALES))
def test_what_is_shown_reads_back_as_the_same_amount(
    minor: int, currency: str, locale: str
) -> None:
    shown = format_money(minor, currency, locale)
    assert parse_amount(shown, currency, locale=locale) == minor


@given(amounts, st.sampled_from(CURRENCIES), st.sampled_from(LOCALES))
def test_the_editing_text_reads_back_as_the_same_amount(
    minor: int, currency: str, locale: str
) -> None:
    assert parse_amount(to_input_text(minor, currency, locale), currency, locale=locale) == minor


@given(st.text(max_size=30), st.sampled_from(CURRENCIES), st.sampled_from(LOCALES))
def test_any_typing_gives_an_amount_or_a_message(text: str, currency: str, locale: str) -> None:
    try:
        minor = parse_amount(text, currency, "price", locale)
    except InvalidInput as error:
        assert error.field == "price"
        assert str(error)
    else:
        assert 0 <= minor <= MAX_AMOUNT


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=9))
def test_fractions_of_a_penny_are_refused(pounds: int, tenth_of_a_penny: int) -> None:
    with pytest.raises(InvalidInput, match="more decimal places than GBP allows"):
        parse_amount(f"{pounds}.{tenth_of_a_penny:03d}", "GBP")


@pytest.mark.parametrize(
    ("typed", "currency", "locale", "minor"),
    [
        ("12.50", "GBP", "en_GB", 1250),
        ("£12.50", "GBP", "en_GB", 1250),
        (" 12.5 ", "GBP", "en_GB", 1250),
        ("1,234.5", "GBP", "en_GB", 123450),
        ("12", "GBP", "en_GB", 1200),
        ("12.", "GBP", "en_GB", 1200),
        (".99", "GBP", "en_GB", 99),
        ("0", "GBP", "en_GB", 0),
        ("12.50 GBP", "GBP", "en_GB", 1250),
        ("1250", "JPY", "en_GB", 1250),
        ("¥1,250", "JPY", "ja_JP", 1250),
        ("12,50 €", "EUR", "de_DE", 1250),
        ("1.234,50", "EUR", "de_DE", 123450),
        ("1\u202f234,50\u00a0€", "EUR", "fr_FR", 123450),
        ("1 234,50", "PLN", "pl_PL", 123450),
        ("1.250", "BHD", "en_GB", 1250),
    ],
)
def test_amounts_as_people_type_them(typed: str, currency: str, locale: str, minor: int) -> None:
    assert parse_amount(typed, currency, locale=locale) == minor


def test_yen_has_no_minor_unit() -> None:
    assert minor_digits("JPY") == 0
    assert format_money(1250, "JPY") == "JP¥1,250"
    with pytest.raises(InvalidInput, match="more decimal places than JPY allows"):
        parse_amount("12.5", "JPY", "price")


@pytest.mark.parametrize(
    ("typed", "locale", "words"),
    [
        ("12,50", "en_GB", "write it like 12.50"),
        ("12.50", "de_DE", "write it like 12,50"),
        ("1e3", "en_GB", "not an amount"),
        ("NaN", "en_GB", "not an amount"),
        ("twelve", "en_GB", "not an amount"),
        ("12.50.1", "en_GB", "not an amount"),
        ("-3", "en_GB", "cannot be negative"),
        ("£-3.00", "en_GB", "cannot be negative"),
        ("−3", "en_GB", "cannot be negative"),
        ("", "en_GB", "Please enter the price"),
        ("£", "en_GB", "Please enter the price"),
        ("5012345678900", "en_GB", "too large"),
    ],
)
def test_unclear_amounts_are_refused_with_a_reason(typed: str, locale: str, words: str) -> None:
    with pytest.raises(InvalidInput, match=words) as caught:
        parse_amount(typed, "GBP" if locale == "en_GB" else "EUR", "price", locale)
    assert caught.value.field == "price"


def test_money_is_written_the_shops_way() -> None:
    assert format_money(1250, "GBP") == "£12.50"
    assert format_money(123450, "EUR", "de_DE") == "1.234,50\xa0€"
    assert to_major_text(5, "GBP") == "0.05"
    assert to_major_text(1250, "JPY") == "1250"
    assert to_input_text(123450, "EUR", "de_DE") == "1234,50"
