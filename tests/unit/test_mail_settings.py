"""The SMTP settings and the password: in the OS keyring only, read back after saving, kept in
memory (with a clear message) where the computer has no safe store."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend

from desktop.mail.smtp_settings import (
    KEYRING_SERVICE,
    NO_SAFE_STORE,
    PasswordStore,
    SmtpSettings,
    check_settings,
    load_settings,
    save_settings,
)
from desktop.shop.errors import InvalidInput
from desktop.store.models import Setting
from desktop.store.shopfile import ShopDatabase

# The SMTP server, certificate and keyring fixtures.
pytest_plugins = ("tests.mail_fixtures",)

SETTINGS = SmtpSettings(host="smtp.example.org", port=587, security="starttls", user="zoë@shop")


def test_password_is_saved_in_the_keyring_and_read_back(memory_keyring: KeyringBackend) -> None:
    store = PasswordStore()
    saved = store.save(SETTINGS, "Łukasz-p@ss 🔑")
    assert saved.in_keyring and saved.notice == ""
    # A fresh store (the next start of the app) finds it in the keyring, not in memory.
    assert PasswordStore().get(SETTINGS) == "Łukasz-p@ss 🔑"
    assert keyring.get_password(KEYRING_SERVICE, SETTINGS.account) == "Łukasz-p@ss 🔑"
    store.forget(SETTINGS)
    assert PasswordStore().get(SETTINGS) is None


def test_without_a_keyring_the_password_is_kept_in_memory_with_a_message(
    no_keyring: KeyringBackend,
) -> None:
    store = PasswordStore()
    saved = store.save(SETTINGS, "hunter2")
    assert not saved.in_keyring
    assert "this computer can't store the password safely" in saved.notice.lower()
    assert saved.notice == NO_SAFE_STORE
    assert store.get(SETTINGS) == "hunter2"
    # The next start of the app has to ask again.
    assert PasswordStore().get(SETTINGS) is None
    store.forget(SETTINGS)
    assert store.get(SETTINGS) is None


def test_a_keyring_that_drops_the_password_counts_as_none(null_keyring: KeyringBackend) -> None:
    store = PasswordStore()
    saved = store.save(SETTINGS, "hunter2")
    assert not saved.in_keyring and saved.notice == NO_SAFE_STORE
    assert store.get(SETTINGS) == "hunter2"


def test_settings_are_kept_in_the_shop_but_never_the_password(
    shop: ShopDatabase, memory_keyring: KeyringBackend
) -> None:
    with shop.write() as session:
        save_settings(session, SmtpSettings(" smtp.example.org ", 465, "tls", " Ελένη "))
    PasswordStore().save(SETTINGS, "never-in-the-file")
    with shop.read() as session:
        assert load_settings(session) == SmtpSettings("smtp.example.org", 465, "tls", "Ελένη")
        stored = " ".join(row.value for row in session.query(Setting))
    assert "never-in-the-file" not in stored


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (SmtpSettings(host=""), "host"),
        (SmtpSettings(host="smtp.example.org\r\nRCPT TO:<x@y>"), "host"),
        (SmtpSettings(host="smtp.example.org", port=0), "port"),
        (SmtpSettings(host="smtp.example.org", security="plain"), "security"),  # type: ignore[arg-type]
    ],
)
def test_unworkable_settings_are_refused_naming_the_field(
    shop: ShopDatabase, settings: SmtpSettings, field: str
) -> None:
    with pytest.raises(InvalidInput) as problem:
        check_settings(settings)
    assert problem.value.field == field
    with shop.write() as session, pytest.raises(InvalidInput) as refused:
        save_settings(session, settings)
    assert refused.value.field == field
