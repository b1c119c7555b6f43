"""The shop's profile and logo: saved as typed (any script), checked, carried in the file."""

from __future__ import annotations

import struct
import zlib

import pytest

from desktop.shop.errors import InvalidInput
from desktop.shop.settings import (
    MAX_LOGO_BYTES,
    ShopProfile,
    currency_choices,
    get_logo,
    get_profile,
    is_set_up,
    locale_choices,
    save_profile,
    set_logo,
)
from desktop.store.models import Asset
from desktop.store.shopfile import ShopDatabase, open_shop


def tiny_png() -> bytes:
    """A real 1×1 PNG, built by hand so unit tests need no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xcc\x88\x44")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PROFILE = ShopProfile(
    name="Łukasz & Ελένη's Tea Room ☕ 李雷",
    address="12 Rue de l'Église\nДмитров\nZoë's Yard",
    phone="020 7946 0018",
    website="tea.example.co.uk",
    email="Hello@Example.com",
    currency="GBP",
    locale="en_GB",
)


def test_a_new_shop_is_not_set_up_and_has_sensible_defaults(shop: ShopDatabase) -> None:
    with shop.read() as session:
        assert not is_set_up(session)
        profile = get_profile(session)
    assert (profile.name, profile.currency, profile.locale) == ("", "GBP", "en_GB")


def test_the_profile_round_trips_in_any_script(shop: ShopDatabase) -> None:
    with shop.write() as session:
        save_profile(session, PROFILE)
    assert shop.path is not None
    shop.close()
    reopened = open_shop(shop.path)
    try:
        with reopened.read() as session:
            assert is_set_up(session)
            stored = get_profile(session)
    finally:
        reopened.close()
    assert stored.name == PROFILE.name
    assert stored.address == PROFILE.address
    assert stored.email == "Hello@example.com"
    assert stored.phone == "020 7946 0018"
    assert (stored.currency, stored.locale, stored.country) == ("GBP", "en_GB", "GB")


def test_codes_are_tidied_as_people_type_them(shop: ShopDatabase) -> None:
    with shop.write() as session:
        saved = save_profile(
            session,
            ShopProfile(name="Zoë", currency=" eur ", locale="de-DE", phone="+44 20 7946 0018"),
        )
    assert (saved.currency, saved.locale, saved.country) == ("EUR", "de_DE", "DE")
    # A number abroad keeps its country code.
    assert saved.phone == "+44 20 7946 0018"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "shop name"),
        ({"name": "Tea\x00Room"}, "shop name"),
        ({"currency": "POUNDS"}, "currency"),
        ({"currency": "XYZ"}, "currency"),
        ({"locale": "xx_YY"}, "locale"),
        ({"locale": ""}, "locale"),
        ({"email": "zoë@"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"phone": "call us"}, "phone"),
        ({"website": "my shop"}, "website"),
        ({"address": "x" * 501}, "address"),
    ],
)
def test_a_wrong_field_is_named_and_nothing_is_saved(
    shop: ShopDatabase, change: dict[str, str], field: str
) -> None:
    values = {**PROFILE.__dict__, **change}
    with pytest.raises(InvalidInput) as caught, shop.write() as session:
        save_profile(session, ShopProfile(**values))
    assert caught.value.field == field
    assert str(caught.value)
    with shop.read() as session:
        assert not is_set_up(session)


def test_saving_again_replaces_the_profile(shop: ShopDatabase) -> None:
    with shop.write() as session:
        save_profile(session, PROFILE)
    with shop.write() as session:
        save_profile(
            session, ShopProfile(name="Дмитрий's Ceramics", currency="JPY", locale="ja_JP")
        )
    with shop.read() as session:
        profile = get_profile(session)
    assert (profile.name, profile.currency, profile.address) == ("Дмитрий's Ceramics", "JPY", "")


def test_the_logo_is_kept_inside_the_shop_file(shop: ShopDatabase) -> None:
    png = tiny_png()
    with shop.write() as session:
        set_logo(session, png)
    with shop.read() as session:
        assert get_logo(session) == png
        asset = session.get(Asset, "logo")
        assert asset is not None and asset.media_type == "image/png"
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 100
    with shop.write() as session:
        set_logo(session, jpeg)
    with shop.read() as session:
        assert get_logo(session) == jpeg
        asset = session.get(Asset, "logo")
        assert asset is not None and asset.media_type == "image/jpeg"
    with shop.write() as session:
        set_logo(session, None)
    with shop.read() as session:
        assert get_logo(session) is None


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"GIF89a" + b"\x00" * 40, "PNG or JPEG"),
        (b"", "PNG or JPEG"),
        (b"%PDF-1.7", "PNG or JPEG"),
        (b"\x89PNG" + b"\x00" * 10, "PNG or JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_LOGO_BYTES, "too large"),
    ],
)
def test_a_file_that_is_not_a_logo_is_refused(shop: ShopDatabase, data: bytes, words: str) -> None:
    with shop.write() as session:
        set_logo(session, tiny_png())
    with pytest.raises(InvalidInput, match=words) as caught, shop.write() as session:
        set_logo(session, data)
    assert caught.value.field == "logo"
    with shop.read() as session:
        assert get_logo(session) == tiny_png()


def test_the_lists_offer_common_choices_with_their_names() -> None:
    locales = dict(locale_choices())
    assert locales["en_GB"] == "English (United Kingdom)"
    assert locales["el_GR"] == "Greek (Greece)"
    currencies = dict(currency_choices())
    assert currencies["GBP"] == "British Pound"
    assert next(iter(currencies)) == "GBP"


def test_country_comes_from_the_locale() -> None:
    assert ShopProfile(locale="zh_Hans_CN").country == "CN"
    assert ShopProfile(locale="fr_BE").country == "BE"
    assert ShopProfile(locale="en").country == "GB"
