"""Settings › Email as a shopkeeper uses it: the mail server saved, its password in the system
keyring (never the shop file), the campaign windows checked inline, and a test email that
reaches a real SMTP server while the window stays responsive."""

from __future__ import annotations

from typing import TYPE_CHECKING

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.mail.smtp_settings import (
    KEYRING_SERVICE,
    NO_SAFE_STORE,
    PasswordStore,
    SmtpSettings,
    load_settings,
)
from desktop.shop.campaign_settings import cooldown_days, emails_per_minute, won_back_days
from desktop.shop.settings import ShopProfile, save_profile
from desktop.store.shopfile import ShopDatabase
from desktop.ui.email_settings import IN_KEYRING, EmailSettingsTab
from desktop.ui.events import ShopEvents
from desktop.ui.settings_page import SettingsPage

# The SMTP server, certificate and keyring fixtures.
pytest_plugins = ("tests.mail_fixtures",)

if TYPE_CHECKING:
    from tests.mail_fixtures import Server

PASSWORD = "Łukasz-sécret 🔑 Дмитрий"
SENDER = "Zoë's Tea Room 🍵 <hello@zoes.example>   (change under Shop details)"


@pytest.fixture
def profiled(shop: ShopDatabase) -> ShopDatabase:
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Zoë's Tea Room 🍵", email="hello@zoes.example"))
    return shop


def _tab(qtbot: QtBot, shop: ShopDatabase) -> tuple[EmailSettingsTab, list[str]]:
    events = ShopEvents()
    seen: list[str] = []
    events.changed.connect(seen.append)
    tab = EmailSettingsTab(shop, events, passwords=PasswordStore())
    qtbot.addWidget(tab)
    tab.resize(1000, 800)
    tab.show()
    tab.reload()
    return tab, seen


def _type_server(tab: EmailSettingsTab, settings: SmtpSettings, password: str) -> None:
    tab.host.setText(settings.host)
    tab.host.textEdited.emit(settings.host)
    tab.security.setCurrentIndex(tab.security.findData(settings.security))
    tab.port.setValue(settings.port)
    tab.user.setText(settings.user)
    tab.password.setText(password)


def test_settings_are_saved_and_the_password_goes_to_the_keyring_not_the_file(
    qtbot: QtBot, profiled: ShopDatabase, memory_keyring: KeyringBackend
) -> None:
    tab, seen = _tab(qtbot, profiled)
    assert tab.sender_label.text() == SENDER
    assert tab.test_to.text() == "hello@zoes.example"
    settings = SmtpSettings("smtp.zoes.example", 465, "tls", "Ελένη@zoes.example")
    _type_server(tab, settings, PASSWORD)
    tab.rate.setValue(30)
    tab.cooldown.setValue(45)
    tab.won_back.setValue(90)
    assert tab.status.text() == "Changes not saved yet."

    assert tab.save()

    assert tab.status.text() == "Saved."
    assert seen == ["settings"]
    assert tab.password.text() == ""
    assert tab.password_state.text() == IN_KEYRING
    assert tab.forget_button.isEnabled()
    with profiled.read() as session:
        assert load_settings(session) == settings
        assert (emails_per_minute(session), cooldown_days(session), won_back_days(session)) == (
            30,
            45,
            90,
        )
    assert keyring.get_password(KEYRING_SERVICE, settings.account) == PASSWORD
    # Every byte of the shop file (and its journal), read with the shop closed.
    profiled.close()
    assert profiled.path is not None
    stored = b"".join(
        path.read_bytes() for path in profiled.path.parent.glob(profiled.path.name + "*")
    )
    assert b"smtp.zoes.example" in stored
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        assert PASSWORD.encode(encoding) not in stored


def test_forget_removes_the_password_from_the_keyring(
    qtbot: QtBot, profiled: ShopDatabase, memory_keyring: KeyringBackend
) -> None:
    tab, _ = _tab(qtbot, profiled)
    settings = SmtpSettings("smtp.zoes.example", 587, "starttls", "zoe")
    _type_server(tab, settings, PASSWORD)
    assert tab.save()
    tab.forget_button.click()
    assert keyring.get_password(KEYRING_SERVICE, settings.account) is None
    assert "No password saved yet" in tab.password_state.text()
    assert not tab.forget_button.isEnabled()


def test_a_changed_user_name_keeps_the_saved_password(
    qtbot: QtBot, profiled: ShopDatabase, memory_keyring: KeyringBackend
) -> None:
    tab, _ = _tab(qtbot, profiled)
    old = SmtpSettings("smtp.zoes.example", 587, "starttls", "zoe")
    _type_server(tab, old, PASSWORD)
    assert tab.save()
    new = SmtpSettings("smtp.zoes.example", 587, "starttls", "zoë@zoes.example")
    tab.user.setText(new.user)
    tab.user.textEdited.emit(new.user)
    assert tab.save()
    assert keyring.get_password(KEYRING_SERVICE, new.account) == PASSWORD
    assert keyring.get_password(KEYRING_SERVICE, old.account) is None
    assert tab.password_state.text() == IN_KEYRING


def test_without_a_keyring_the_shopkeeper_is_told_plainly(
    qtbot: QtBot, profiled: ShopDatabase, no_keyring: KeyringBackend
) -> None:
    tab, _ = _tab(qtbot, profiled)
    _type_server(tab, SmtpSettings("smtp.zoes.example", 587, "starttls", "zoe"), PASSWORD)
    assert tab.save()
    assert tab.password_state.text() == NO_SAFE_STORE
    assert "can't store the password safely" in tab.password_state.text()


def test_a_bad_value_is_shown_beside_its_field_and_nothing_is_saved(
    qtbot: QtBot, profiled: ShopDatabase, memory_keyring: KeyringBackend
) -> None:
    tab, seen = _tab(qtbot, profiled)
    _type_server(tab, SmtpSettings("smtp.zoes.example", 587, "starttls", "zoe"), PASSWORD)
    tab.cooldown.setValue(5000)
    assert not tab.save()
    assert tab.errors["cooldown"].isVisible()
    assert "between 0 and 3,650" in tab.errors["cooldown"].text()
    tab.cooldown.setValue(30)
    tab.host.setText("")
    assert not tab.save()
    assert tab.errors["host"].isVisible() and not tab.errors["cooldown"].isVisible()
    assert seen == []
    with profiled.read() as session:
        assert load_settings(session) is None
    assert memory_keyring.passwords == {}  # type: ignore[attr-defined]


def test_the_port_follows_the_security_choice(qtbot: QtBot, profiled: ShopDatabase) -> None:
    tab, _ = _tab(qtbot, profiled)
    assert tab.port.value() == 587
    tab.security.setCurrentIndex(tab.security.findData("tls"))
    assert tab.port.value() == 465
    tab.port.setValue(2525)
    tab.security.setCurrentIndex(tab.security.findData("starttls"))
    assert tab.port.value() == 2525


def test_a_test_email_reaches_the_server_in_the_background(
    qtbot: QtBot, profiled: ShopDatabase, smtp_server: Server, memory_keyring: KeyringBackend
) -> None:
    tab, _ = _tab(qtbot, profiled)
    tab.tls_context = smtp_server.context
    _type_server(tab, smtp_server.settings, smtp_server.password)
    tab.test_to.setText("zoe@example.org")
    tab.test_button.click()
    assert tab.test_button.text() == "Sending…" and not tab.test_button.isEnabled()
    qtbot.waitUntil(tab.test_result.isVisible, timeout=20_000)
    assert tab.test_result.text() == "✓ Test email sent to zoe@example.org — check the inbox."
    assert tab.test_button.isEnabled()
    [message] = smtp_server.inbox.messages
    assert message["To"].addresses[0].addr_spec == "zoe@example.org"
    assert message["From"].addresses[0].display_name == "Zoë's Tea Room 🍵"
    assert message["Subject"] == "Test email from Zoë's Tea Room 🍵"


def test_a_wrong_password_is_said_plainly(
    qtbot: QtBot, profiled: ShopDatabase, smtp_server: Server, memory_keyring: KeyringBackend
) -> None:
    tab, _ = _tab(qtbot, profiled)
    tab.tls_context = smtp_server.context
    _type_server(tab, smtp_server.settings, "not the password")
    tab.test_button.click()
    qtbot.waitUntil(tab.test_error.isVisible, timeout=20_000)
    assert tab.test_error.text() == (
        "The mail server refused the user name or password. Check both and try again."
    )
    assert not tab.test_result.isVisible()
    assert smtp_server.inbox.received == []


def test_a_test_needs_the_shops_email_and_a_password(
    qtbot: QtBot, shop: ShopDatabase, memory_keyring: KeyringBackend
) -> None:
    tab, _ = _tab(qtbot, shop)
    _type_server(tab, SmtpSettings("smtp.zoes.example", 587, "starttls", "zoe"), "")
    tab.test_to.setText("zoe@example.org")
    tab.test_button.click()
    assert "Enter the shop's email address in Settings" in tab.test_error.text()
    with shop.write() as session:
        save_profile(session, ShopProfile(name="Zoë's", email="hello@zoes.example"))
    tab.test_button.click()
    assert tab.test_error.text() == "Type the mail server's password first."
    assert tab.test_button.isEnabled()


def test_the_settings_page_has_the_email_and_unsubscribes_tabs(
    qtbot: QtBot, profiled: ShopDatabase
) -> None:
    page = SettingsPage(profiled, ShopEvents())
    qtbot.addWidget(page)
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert titles == ["Shop details", "Catalogue", "Email", "Unsubscribes"]
    page.activate()
    assert page.email.sender_label.text() == SENDER


def test_ctrl_s_saves_the_tab_being_looked_at(
    qtbot: QtBot, profiled: ShopDatabase, memory_keyring: KeyringBackend
) -> None:
    page = SettingsPage(profiled, ShopEvents())
    qtbot.addWidget(page)
    with qtbot.waitActive(page):
        page.show()
        page.activateWindow()
    page.activate()
    page.tabs.setCurrentWidget(page.email)
    page.email.host.setText("smtp.zoes.example")
    page.email.user.setText("zoë")
    qtbot.keyClick(page.email.host, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with profiled.read() as session:
        saved = load_settings(session)
    assert saved is not None and saved.host == "smtp.zoes.example"
    assert page.email.status.text() == "Saved."
