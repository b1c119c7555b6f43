"""How the customer screens write money and dates (in the shop's currency and language), and
the quieter grey of secondary text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache

from babel.dates import format_date, format_time
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from desktop.shop.money import format_money
from desktop.shop.settings import get_profile


@lru_cache(maxsize=4096)
def _money(minor: int, currency: str, locale: str) -> str:
    return format_money(minor, currency, locale)


@lru_cache(maxsize=4096)
def _date(ordinal: int, locale: str) -> str:
    return str(format_date(date.fromordinal(ordinal), "medium", locale=locale))


@lru_cache(maxsize=4096)
def _clock(hour: int, minute: int, locale: str) -> str:
    return str(format_time(time(hour, minute), "short", locale=locale))


@dataclass(frozen=True)
class ShopFormat:
    currency: str = "GBP"
    locale: str = "en_GB"

    @classmethod
    def of(cls, session: Session) -> ShopFormat:
        profile = get_profile(session)
        return cls(profile.currency, profile.locale)

    def money(self, minor: int, currency: str | None = None) -> str:
        return _money(minor, currency or self.currency, self.locale)

    def day(self, value: date | datetime | None, empty: str = "") -> str:
        """A local date ('3 May 2025'); UTC times are turned into local time first."""
        if value is None:
            return empty
        if isinstance(value, datetime):
            value = value.astimezone().date()
        return _date(value.toordinal(), self.locale)

    def day_of_ordinal(self, ordinal: int) -> str:
        return _date(ordinal, self.locale)

    def moment(self, value: datetime) -> str:
        """A local date and time ('3 May 2025, 14:02')."""
        local = value.astimezone()
        clock = _clock(local.hour, local.minute, self.locale)
        return f"{_date(local.toordinal(), self.locale)}, {clock}"


def mute(widget: QWidget) -> QWidget:
    """Secondary text in the theme's placeholder grey: readable, light or dark."""
    palette = widget.palette()
    palette.setColor(
        QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText)
    )
    widget.setPalette(palette)
    return widget
