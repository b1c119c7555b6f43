"""A real keyring backend that keeps passwords in memory, for tests only.

Defining a backend class registers it with keyring, so this module lives under tests/ where
the shipped app never imports it. Tests choose it with `keyring.set_keyring(MemoryKeyring())`.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    # Low, so keyring's own automatic choice never picks it even where it is imported.
    priority = 0.1

    def __init__(self) -> None:
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")
