"""Money as integer minor units (pence) with a currency code. Never floats."""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import (
    format_currency,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)

from desktop.shop.errors import InvalidInput

# Far above any till total, yet a barcode scanned into a price field (13 digits) is refused
# instead of becoming a sale of billions.
MAX_AMOUNT = 10**11
_SYMBOLS = ("£", "$", "€", "¥", "￥")
_SPACES = " \u00a0\u202f\u2009"
_BIDI_MARKS = "\u200e\u200f\u061c"
_MINUS = "-\u2212"


def minor_digits(currency: str) -> int:
    return int(get_currency_precision(currency))


def _strip_currency(value: str, currency: str, locale: str) -> str:
    text = value.strip()
    for mark in _BIDI_MARKS:
        text = text.replace(mark, "")
    local_symbol = str(get_currency_symbol(currency, locale=locale))
    for symbol in sorted({local_symbol, *_SYMBOLS}, key=len, reverse=True):
        text = text.replace(symbol, "")
    text = re.sub(re.escape(currency), "", text, flags=re.IGNORECASE)
    return text.strip(_SPACES)


def _amount_pattern(locale: str) -> re.Pattern[str]:
    decimal = re.escape(str(get_decimal_symbol(locale)))
    group = str(get_group_symbol(locale))
    group = f"[{_SPACES}]" if group in _SPACES else re.escape(group)
    # Groups of 2 or 3 digits (Indian grouping writes 12,34,567), the last one of 3, so a
    # comma typed as a decimal point ("12,50" in en_GB) is refused rather than read as 1250.
    grouped = rf"\d{{1,3}}(?:{group}\d{{2,3}})*{group}\d{{3}}"
    number = rf"(?P<whole>{grouped}|\d*)(?:{decimal}(?P<part>\d*))?"
    return re.compile(rf"(?P<minus>[{_MINUS}])?\s*{number}")


def parse_amount(value: str, currency: str, field: str = "amount", locale: str = "en_GB") -> int:
    """Typed money -> minor units: '12.50', '£12.50', '1,234.5' (or '12,50 €' in de_DE).

    Refuses negatives, fractions of a penny, misplaced separators and absurd sizes."""
    text = _strip_currency(value, currency, locale)
    if not text:
        raise InvalidInput(field, f"Please enter the {field}.")
    match = _amount_pattern(locale).fullmatch(text)
    if match is None or not (match["whole"] or match["part"]):
        example = to_input_text(1250 * 10 ** max(minor_digits(currency) - 2, 0), currency, locale)
        raise InvalidInput(
            field, f"“{value.strip()}” is not an amount of money (write it like {example})."
        )
    if match["minus"]:
        raise InvalidInput(field, f"The {field} cannot be negative.")
    whole = re.sub(r"\D", "", match["whole"]) or "0"
    amount = Decimal(f"{whole}.{match['part'] or '0'}")
    scaled = amount.scaleb(minor_digits(currency))
    if scaled != scaled.to_integral_value():
        raise InvalidInput(field, f"The {field} has more decimal places than {currency} allows.")
    if scaled > MAX_AMOUNT:
        raise InvalidInput(field, f"The {field} is too large. Was a barcode scanned into it?")
    return int(scaled)


def format_money(minor: int, currency: str, locale: str = "en_GB") -> str:
    """Minor units shown the way the shop's locale writes money: 1250 GBP -> '£12.50'."""
    major = Decimal(minor).scaleb(-minor_digits(currency))
    return str(format_currency(major, currency, locale=locale))


def to_major_text(minor: int, currency: str) -> str:
    """Plain decimal text for export: 1250 -> '12.50'."""
    digits = minor_digits(currency)
    return f"{Decimal(minor).scaleb(-digits):.{digits}f}"


def to_input_text(minor: int, currency: str, locale: str = "en_GB") -> str:
    """The amount as a person would type it in the shop's locale: 1250 -> '12.50' ('12,50')."""
    return to_major_text(minor, currency).replace(".", str(get_decimal_symbol(locale)))
