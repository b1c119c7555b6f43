"""The shop's profile (name, address, logo, currency, locale), kept in the shop file."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

import phonenumbers
from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_name
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from desktop.shop.errors import InvalidInput
from desktop.shop.text import clean_line, clean_text
from desktop.store.models import Asset, Setting

PROFILE_KEY = "shop.profile"
LOGO_ASSET = "logo"
MAX_LOGO_BYTES = 2 * 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"

# Offered first in the set-up and settings lists; any other valid code may still be typed.
COMMON_CURRENCIES = (
    *("GBP", "EUR", "USD", "CHF", "SEK", "NOK", "DKK", "PLN"),
    *("CAD", "AUD", "NZD", "JPY", "CNY", "INR"),
)
COMMON_LOCALES = (
    "en_GB",
    "en_IE",
    "en_US",
    "en_CA",
    "en_AU",
    "en_NZ",
    "cy_GB",
    "ga_IE",
    "fr_FR",
    "fr_BE",
    "de_DE",
    "de_AT",
    "de_CH",
    "nl_NL",
    "es_ES",
    "it_IT",
    "pt_PT",
    "pl_PL",
    "el_GR",
    "sv_SE",
    "da_DK",
    "nb_NO",
    "fi_FI",
    "tr_TR",
    "ru_RU",
    "ja_JP",
    "zh_CN",
)


@dataclass(frozen=True)
class ShopProfile:
    name: str = ""
    address: str = ""
    phone: str = ""
    website: str = ""
    email: str = ""
    currency: str = "GBP"
    locale: str = "en_GB"

    @property
    def country(self) -> str:
        """The country for phone numbers: from the locale, GB when it names none."""
        try:
            territory = Locale.parse(self.locale).territory
        except (UnknownLocaleError, ValueError):
            return "GB"
        return str(territory) if territory else "GB"


def locale_choices() -> list[tuple[str, str]]:
    """(code, name in English) for the common locales: ("en_GB", "English (United Kingdom)")."""
    return [(code, str(Locale.parse(code).get_display_name("en"))) for code in COMMON_LOCALES]


def currency_choices() -> list[tuple[str, str]]:
    """(code, name in English) for the common currencies: ("GBP", "British Pound")."""
    return [(code, str(get_currency_name(code, locale="en"))) for code in COMMON_CURRENCIES]


def is_set_up(session: Session) -> bool:
    """Whether the first-run set-up has been completed for this shop file."""
    return session.get(Setting, PROFILE_KEY) is not None


def get_profile(session: Session) -> ShopProfile:
    """The shop's profile; defaults before set-up."""
    row = session.get(Setting, PROFILE_KEY)
    if row is None:
        return ShopProfile()
    stored = json.loads(row.value)
    known = {f.name for f in fields(ShopProfile)}
    return ShopProfile(**{k: v for k, v in stored.items() if k in known})


def _checked_locale(value: str) -> str:
    try:
        return str(Locale.parse(value.strip().replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        raise InvalidInput("locale", f"“{value}” is not a locale Aftercare knows.") from None


def _checked_currency(value: str) -> str:
    currency = value.strip().upper()
    # Babel answers an unknown code with the code itself.
    if len(currency) != 3 or get_currency_name(currency, locale="en") == currency:
        raise InvalidInput("currency", f"“{value}” is not a currency code (like GBP).")
    return currency


def _checked_phone(value: str, country: str) -> str:
    """The shop's own number, written as people in its country write it."""
    value = clean_line(value, "phone", max_length=40)
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, country)
    except phonenumbers.NumberParseException:
        raise InvalidInput("phone", f"“{value}” is not a phone number.") from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidInput("phone", f"“{value}” does not look like a complete phone number.")
    home = phonenumbers.region_code_for_number(number) == country
    style = phonenumbers.PhoneNumberFormat
    return str(phonenumbers.format_number(number, style.NATIONAL if home else style.INTERNATIONAL))


def _checked_email(value: str) -> str:
    value = clean_line(value, "email", max_length=320)
    if not value:
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise InvalidInput("email", f"“{value}” is not a valid email address: {error}") from None


def _checked_website(value: str) -> str:
    value = clean_line(value, "website", max_length=300)
    if value and (any(ch.isspace() for ch in value) or "." not in value):
        raise InvalidInput("website", f"“{value}” does not look like a web address.")
    return value


def save_profile(session: Session, profile: ShopProfile) -> ShopProfile:
    """Check and store the profile. Raises InvalidInput naming the field."""
    locale = _checked_locale(profile.locale)
    cleaned = ShopProfile(
        name=clean_line(profile.name, "shop name", required=True),
        address=clean_text(profile.address, "address", max_length=500),
        phone=_checked_phone(profile.phone, ShopProfile(locale=locale).country),
        website=_checked_website(profile.website),
        email=_checked_email(profile.email),
        currency=_checked_currency(profile.currency),
        locale=locale,
    )
    session.merge(Setting(key=PROFILE_KEY, value=json.dumps(asdict(cleaned), ensure_ascii=False)))
    return cleaned


def get_logo(session: Session) -> bytes | None:
    asset = session.get(Asset, LOGO_ASSET)
    return None if asset is None else asset.data


def check_logo(data: bytes) -> str:
    """The logo's media type ('image/png' or 'image/jpeg'), or InvalidInput saying what's wrong:
    the set-up and settings screens call it as soon as a file is chosen."""
    if len(data) > MAX_LOGO_BYTES:
        raise InvalidInput("logo", "The logo file is too large (at most 2 MB).")
    if data.startswith(PNG_SIGNATURE):
        return "image/png"
    if data.startswith(JPEG_SIGNATURE):
        return "image/jpeg"
    raise InvalidInput("logo", "The logo must be a PNG or JPEG picture.")


def set_logo(session: Session, data: bytes | None) -> None:
    """Store the logo inside the shop file (so a backup carries it); None removes it."""
    existing = session.get(Asset, LOGO_ASSET)
    if data is None:
        if existing is not None:
            session.delete(existing)
        return
    session.merge(Asset(name=LOGO_ASSET, media_type=check_logo(data), data=data))
