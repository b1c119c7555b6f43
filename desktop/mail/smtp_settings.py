"""How to reach the shop's mail server, and its password, which lives in the OS keyring only.

On a computer without a usable keyring every keyring call raises `KeyringError`; a null
backend accepts a password and silently drops it. Both leave the password in this process's
memory for the session, and the shopkeeper is told why they will be asked again next time.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Literal

import keyring
from keyring.errors import KeyringError
from sqlalchemy.orm import Session

from desktop.shop.campaign_settings import set_setting_text, setting_text
from desktop.shop.errors import InvalidInput

Security = Literal["starttls", "tls"]
SECURITY_CHOICES: dict[Security, str] = {
    "starttls": "STARTTLS (usually port 587)",
    "tls": "TLS from the start (usually port 465)",
}
DEFAULT_PORTS: dict[Security, int] = {"starttls": 587, "tls": 465}
KEYRING_SERVICE = "Aftercare mail server"
SETTINGS_KEY = "mail.smtp"
NO_SAFE_STORE = (
    "This computer can't store the password safely, so Aftercare keeps it only until you "
    "close the app and will ask for it again next time."
)


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""
    port: int = 587
    security: Security = "starttls"
    user: str = ""

    @property
    def account(self) -> str:
        """The keyring's name for this password: one per user and server."""
        return f"{self.user}@{self.host}:{self.port}"


def check_settings(settings: SmtpSettings) -> SmtpSettings:
    """The settings tidied, or InvalidInput naming the field."""
    host = settings.host.strip()
    if not host or any(ch.isspace() or ord(ch) < 32 for ch in host):
        raise InvalidInput("host", "Enter the mail server's name, like smtp.example.com.")
    if not 1 <= settings.port <= 65535:
        raise InvalidInput("port", "The port is a number from 1 to 65535 (often 587 or 465).")
    if settings.security not in SECURITY_CHOICES:
        raise InvalidInput("security", "Choose STARTTLS or TLS: mail is never sent unencrypted.")
    user = settings.user.strip()
    if any(ord(ch) < 32 for ch in user):
        raise InvalidInput("user", "The user name contains a control character.")
    return SmtpSettings(host=host, port=settings.port, security=settings.security, user=user)


def load_settings(session: Session) -> SmtpSettings | None:
    """The shop's mail server settings (never the password); None until set."""
    text = setting_text(session, SETTINGS_KEY)
    if text is None:
        return None
    stored = json.loads(text)
    return SmtpSettings(
        host=str(stored.get("host", "")),
        port=int(stored.get("port", 587)),
        security="tls" if stored.get("security") == "tls" else "starttls",
        user=str(stored.get("user", "")),
    )


def save_settings(session: Session, settings: SmtpSettings) -> SmtpSettings:
    """Check and keep the mail server settings in the shop file."""
    checked = check_settings(settings)
    set_setting_text(session, SETTINGS_KEY, json.dumps(asdict(checked), ensure_ascii=False))
    return checked


@dataclass(frozen=True)
class SavedPassword:
    """Where the password went; `notice` is for the shopkeeper when it is not the keyring."""

    in_keyring: bool
    notice: str = ""


class PasswordStore:
    """The SMTP password: the OS keyring when it works, this process's memory when not."""

    def __init__(self) -> None:
        self._memory: dict[str, str] = {}

    def save(self, settings: SmtpSettings, password: str) -> SavedPassword:
        """Store the password and read it back: a keyring that drops it counts as none."""
        self._memory.pop(settings.account, None)
        try:
            keyring.set_password(KEYRING_SERVICE, settings.account, password)
            stored = keyring.get_password(KEYRING_SERVICE, settings.account)
        except KeyringError:
            stored = None
        if stored == password:
            return SavedPassword(in_keyring=True)
        self._memory[settings.account] = password
        return SavedPassword(in_keyring=False, notice=NO_SAFE_STORE)

    def get(self, settings: SmtpSettings) -> str | None:
        """The password, or None: then ask the shopkeeper for it."""
        if settings.account in self._memory:
            return self._memory[settings.account]
        try:
            return keyring.get_password(KEYRING_SERVICE, settings.account)
        except KeyringError:
            return None

    def forget(self, settings: SmtpSettings) -> None:
        self._memory.pop(settings.account, None)
        try:
            keyring.delete_password(KEYRING_SERVICE, settings.account)
        except KeyringError:  # nothing stored, or no keyring to store in
            return


# The app's one store: where the computer has no keyring, a password typed once (Settings →
# Email, or when sending) stays in this store's memory for every screen that sends.
PASSWORDS = PasswordStore()
