"""The test email goes through a real SMTP server on 127.0.0.1, and each way it can fail comes
back as a sentence the shopkeeper can act on."""

from __future__ import annotations

import socket
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from desktop.mail.messages import Person
from desktop.mail.sending import MailError
from desktop.mail.test_email import send_test_email
from desktop.shop.errors import InvalidInput

# The SMTP server, certificate and keyring fixtures.
pytest_plugins = ("tests.mail_fixtures",)

if TYPE_CHECKING:
    from tests.mail_fixtures import Server

SHOP = Person("Zoë's Tea & Co — 李雷 🍵", "hello@zoes.example")


def test_the_test_email_arrives_from_the_shop_with_both_parts(smtp_server: Server) -> None:
    sent_to = send_test_email(
        smtp_server.settings,
        smtp_server.password,
        SHOP,
        " Lukasz@Example.ORG ",
        context=smtp_server.context,
    )
    assert sent_to == "Lukasz@example.org"
    [message] = smtp_server.inbox.messages
    assert message["From"].addresses[0].display_name == SHOP.name
    assert message["From"].addresses[0].addr_spec == SHOP.email
    assert message["To"].addresses[0].addr_spec == "Lukasz@example.org"
    assert message["Subject"] == f"Test email from {SHOP.name}"
    assert message.is_multipart()
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and "settings work" in plain.get_content()
    assert html is not None and "<p>" in html.get_content()


def test_implicit_tls_works_too(tls_server: Server) -> None:
    send_test_email(
        tls_server.settings,
        tls_server.password,
        SHOP,
        "dmitry@example.org",
        context=tls_server.context,
    )
    [message] = tls_server.inbox.messages
    assert message["To"].addresses[0].addr_spec == "dmitry@example.org"


def test_a_wrong_password_is_said_plainly_and_nothing_is_sent(smtp_server: Server) -> None:
    with pytest.raises(MailError, match="refused the user name or password"):
        send_test_email(
            smtp_server.settings, "wrong", SHOP, "zoe@example.org", context=smtp_server.context
        )
    assert smtp_server.inbox.received == []


def test_nothing_listening_on_the_port_is_said_plainly(smtp_server: Server) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings = replace(smtp_server.settings, port=closed_port)
    with pytest.raises(MailError) as raised:
        send_test_email(settings, "x", SHOP, "zoe@example.org", context=smtp_server.context)
    assert str(raised.value) == (
        f"The mail server 127.0.0.1 refused the connection on port {closed_port}. Check the "
        "port: usually 587 for STARTTLS, 465 for TLS."
    )


def test_tls_chosen_for_a_starttls_port_points_at_the_security_choice(
    smtp_server: Server,
) -> None:
    settings = replace(smtp_server.settings, security="tls")
    with pytest.raises(MailError, match=r"could not be encrypted\. Check the security choice"):
        send_test_email(
            settings, smtp_server.password, SHOP, "zoe@example.org", context=smtp_server.context
        )


def test_an_untrusted_certificate_is_refused(smtp_server: Server) -> None:
    # The system's own trust store does not know the test server's self-signed certificate.
    with pytest.raises(MailError, match="did not prove who it is"):
        send_test_email(smtp_server.settings, smtp_server.password, SHOP, "zoe@example.org")
    assert smtp_server.inbox.logins == []


def test_an_unknown_server_name_is_said_plainly(smtp_server: Server) -> None:
    settings = replace(smtp_server.settings, host="no-such-host.invalid")
    with pytest.raises(MailError, match=r"could not find the mail server “no-such-host\.invalid”"):
        send_test_email(settings, "x", SHOP, "zoe@example.org")


def test_a_refused_recipient_is_said_plainly(smtp_server: Server) -> None:
    smtp_server.inbox.refuse.add("nobody@example.org")
    with pytest.raises(MailError, match=r"refused nobody@example\.org.*Check the address"):
        send_test_email(
            smtp_server.settings,
            smtp_server.password,
            SHOP,
            "nobody@example.org",
            context=smtp_server.context,
        )


@pytest.mark.parametrize("to", ["", "not an address"])
def test_a_missing_or_odd_address_is_refused_before_connecting(
    smtp_server: Server, to: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        send_test_email(smtp_server.settings, "x", SHOP, to, context=smtp_server.context)
    assert raised.value.field in ("test address", "email")
    assert smtp_server.inbox.logins == []
