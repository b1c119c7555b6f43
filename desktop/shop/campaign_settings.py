"""The campaign rules a shop can set: the cooldown between two contacts for the same purpose, the
window in which a contacted customer who buys counts as won back, the email rate limit; and
the shop's text settings other capabilities keep (email templates, mail server)."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from desktop.shop.errors import InvalidInput
from desktop.store.models import Setting

COOLDOWN_KEY = "campaigns.cooldown_days"
WON_BACK_KEY = "campaigns.won_back_days"
RATE_KEY = "campaigns.emails_per_minute"
SMTP_KEY = "mail.smtp"
DEFAULTS = {COOLDOWN_KEY: 30, WON_BACK_KEY: 60, RATE_KEY: 120}
LIMITS = {COOLDOWN_KEY: (0, 3650), WON_BACK_KEY: (1, 3650), RATE_KEY: (0, 10_000)}


def _setting(session: Session, key: str) -> int:
    row = session.get(Setting, key)
    return DEFAULTS[key] if row is None else int(json.loads(row.value))


def _set_setting(session: Session, key: str, value: int, field_name: str) -> int:
    least, most = LIMITS[key]
    if not least <= value <= most:
        raise InvalidInput(field_name, f"The {field_name} must be between {least} and {most:,}.")
    session.merge(Setting(key=key, value=json.dumps(value)))
    return value


def cooldown_days(session: Session) -> int:
    """Days before a customer may be contacted again for the same purpose (30 until changed)."""
    return _setting(session, COOLDOWN_KEY)


def set_cooldown_days(session: Session, days: int) -> int:
    return _set_setting(session, COOLDOWN_KEY, days, "cooldown")


def won_back_days(session: Session) -> int:
    """Days after a contact within which a purchase counts as won back (60 until changed)."""
    return _setting(session, WON_BACK_KEY)


def set_won_back_days(session: Session, days: int) -> int:
    return _set_setting(session, WON_BACK_KEY, days, "won-back window")


def emails_per_minute(session: Session) -> int:
    """The sending rate limit (0: as fast as the server takes them)."""
    return _setting(session, RATE_KEY)


def set_emails_per_minute(session: Session, rate: int) -> int:
    return _set_setting(session, RATE_KEY, rate, "emails per minute")


def setting_text(session: Session, key: str) -> str | None:
    """A stored setting's raw text (the mail settings keep their own format)."""
    row = session.get(Setting, key)
    return None if row is None else row.value


def set_setting_text(session: Session, key: str, value: str) -> None:
    session.merge(Setting(key=key, value=value))
