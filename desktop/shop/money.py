"""Money as integer minor units (pence) with a currency code. Never floats."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision

from desktop.shop.errors import InvalidInput


def minor_digits(currency: str) -> int:
    return int(get_currency_precision(currency))


def parse_amount(value: str, currency: str, field: str = "amount") -> int:
    """'12.50', '£12.50', '1,234.5' -> minor units; refuses negatives and fractions of a penny."""
    cleaned = value.strip().replace(",", "").lstrip("£$€¥ ").strip()
    if not cleaned:
        raise InvalidInput(field, f"Please enter the {field}.")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(field, f"“{value}” is not an amount of money.") from None
    if not amount.is_finite():
        raise InvalidInput(field, f"“{value}” is not an amount of money.")
    if amount < 0:
        raise InvalidInput(field, f"The {field} cannot be negative.")
    scaled = amount.scaleb(minor_digits(currency))
    if scaled != scaled.to_integral_value():
        raise InvalidInput(field, f"The {field} has more decimal places than {currency} allows.")
    return int(scaled)


def format_money(minor: int, currency: str, locale: str = "en_GB") -> str:
    """Minor units shown the way the shop's locale writes money: 1250 GBP -> '£12.50'."""
    major = Decimal(minor).scaleb(-minor_digits(currency))
    return str(format_currency(major, currency, locale=locale))


def to_major_text(minor: int, currency: str) -> str:
    """Plain decimal text for editing and export: 1250 -> '12.50'."""
    digits = minor_digits(currency)
    return f"{Decimal(minor).scaleb(-digits):.{digits}f}"
