"""The shop's profile (name, address, logo, currency, locale), kept in the shop file."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_name
from sqlalchemy.orm import Session

from desktop.shop.errors import InvalidInput
from desktop.shop.text import clean_line, clean_text
from desktop.store.models import Asset, Setting

PROFILE_KEY = "shop.profile"
LOGO_ASSET = "logo"
MAX_LOGO_BYTES = 2 * 1024 * 1024


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
        return self.locale.split("_")[1] if "_" in self.locale else "GB"


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


def save_profile(session: Session, profile: ShopProfile) -> ShopProfile:
    """Check and store the profile. Raises InvalidInput naming the field."""
    try:
        Locale.parse(profile.locale)
    except (UnknownLocaleError, ValueError):
        raise InvalidInput(
            "locale", f"“{profile.locale}” is not a locale Aftercare knows."
        ) from None
    currency = profile.currency.strip().upper()
    if len(currency) != 3 or get_currency_name(currency, locale="en") == currency:
        raise InvalidInput("currency", f"“{profile.currency}” is not a currency code (like GBP).")
    cleaned = ShopProfile(
        name=clean_line(profile.name, "shop name", required=True),
        address=clean_text(profile.address, "address", max_length=500),
        phone=clean_line(profile.phone, "phone", max_length=40),
        website=clean_line(profile.website, "website", max_length=300),
        email=clean_line(profile.email, "email", max_length=320),
        currency=currency,
        locale=profile.locale,
    )
    session.merge(Setting(key=PROFILE_KEY, value=json.dumps(asdict(cleaned), ensure_ascii=False)))
    return cleaned


def get_logo(session: Session) -> bytes | None:
    asset = session.get(Asset, LOGO_ASSET)
    return None if asset is None else asset.data


def set_logo(session: Session, data: bytes | None, media_type: str = "image/png") -> None:
    """Store the logo inside the shop file (so a backup carries it); None removes it."""
    existing = session.get(Asset, LOGO_ASSET)
    if data is None:
        if existing is not None:
            session.delete(existing)
        return
    if len(data) > MAX_LOGO_BYTES:
        raise InvalidInput("logo", "The logo file is too large (at most 2 MB).")
    if not (data.startswith(b"\x89PNG") or data.startswith(b"\xff\xd8")):
        raise InvalidInput("logo", "The logo must be a PNG or JPEG picture.")
    session.merge(Asset(name=LOGO_ASSET, media_type=media_type, data=data))
