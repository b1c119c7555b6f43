"""Sending through a real SMTP server on 127.0.0.1: TLS always, the certificate verified, no
password in clear, one refused recipient does not stop the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from desktop.mail.messages import Person, build_message, render
from desktop.mail.sending import (
    ConnectionLost,
    InsecureServer,
    MailConnection,
    MailError,
    RateLimit,
    RecipientRefused,
)
from desktop.shop.campaigns import Template

# The SMTP server, certificate and keyring fixtures.
pytest_plugins = ("tests.mail_fixtures",)

if TYPE_CHECKING:
    from tests.mail_fixtures import Server

SHOP = Person("Zoë's Tea & Co", "hello@zoes.example")


def _connect(server: Server) -> MailConnection:
    return MailConnection(server.settings, server.password, context=server.context)


def _send(connection: MailConnection, to: Person, number: int = 1) -> None:
    rendered = render(
        Template("Hi {first_name}", "Hello {first_name}"), {"first_name": to.name}, SHOP.email
    )
    message = build_message(
        SHOP, to, rendered, unsubscribe_to=SHOP.email, message_id=f"<{number}@zoes.example>"
    )
    connection.send(message, SHOP.email, to.email)


def test_starttls_login_and_send(smtp_server: Server) -> None:
    with MailConnection(
        smtp_server.settings, smtp_server.password, context=smtp_server.context
    ) as connection:
        _send(connection, Person("Дмитрий", "dmitry@example.org"))
    assert smtp_server.inbox.logins == [(smtp_server.settings.user, smtp_server.password)]
    [message] = smtp_server.inbox.messages
    assert message["To"].addresses[0].display_name == "Дмитрий"
    assert message["Subject"] == "Hi Дмитрий"


def test_implicit_tls_login_and_send(tls_server: Server) -> None:
    with MailConnection(
        tls_server.settings, tls_server.password, context=tls_server.context
    ) as connection:
        _send(connection, Person("李雷", "li.lei@example.org"))
    assert [m["Subject"] for m in tls_server.inbox.messages] == ["Hi 李雷"]


def test_the_certificate_is_verified_by_default(smtp_server: Server, tls_server: Server) -> None:
    # Production's default context does not trust the test's self-signed certificate.
    for server in (smtp_server, tls_server):
        with pytest.raises(MailError, match="did not prove who it is"):
            MailConnection(server.settings, server.password)
    assert smtp_server.inbox.logins == [] and tls_server.inbox.logins == []


def test_no_password_is_sent_to_a_server_without_starttls(plain_server: Server) -> None:
    with pytest.raises(InsecureServer, match="does not offer STARTTLS"):
        _connect(plain_server)
    assert plain_server.inbox.logins == []


def test_a_wrong_password_is_a_plain_message(smtp_server: Server) -> None:
    with pytest.raises(MailError, match="refused the user name or password"):
        MailConnection(smtp_server.settings, "wrong", context=smtp_server.context)


def test_a_refused_recipient_is_reported_and_the_connection_goes_on(smtp_server: Server) -> None:
    smtp_server.inbox.refuse.add("gone@example.org")
    with MailConnection(
        smtp_server.settings, smtp_server.password, context=smtp_server.context
    ) as connection:
        with pytest.raises(RecipientRefused, match="550"):
            _send(connection, Person("Gone", "gone@example.org"), 1)
        _send(connection, Person("Zoë", "zoe@example.org"), 2)
    assert [m["To"].addresses[0].addr_spec for m in smtp_server.inbox.messages] == [
        "zoe@example.org"
    ]


def test_a_dropped_connection_says_whether_the_server_had_the_message(
    smtp_server: Server,
) -> None:
    smtp_server.inbox.drop_at_rcpt = 1
    with (
        MailConnection(
            smtp_server.settings, smtp_server.password, context=smtp_server.context
        ) as connection,
        pytest.raises(ConnectionLost) as lost,
    ):
        _send(connection, Person("Zoë", "zoe@example.org"))
    assert not lost.value.uncertain
    smtp_server.inbox.drop_at_rcpt = None
    smtp_server.inbox.drop_in_data = smtp_server.inbox.datas + 1
    with (
        MailConnection(
            smtp_server.settings, smtp_server.password, context=smtp_server.context
        ) as connection,
        pytest.raises(ConnectionLost) as lost,
    ):
        _send(connection, Person("Zoë", "zoe@example.org"))
    assert lost.value.uncertain


def test_the_rate_limit_spaces_messages_evenly() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limit = RateLimit(30, clock=lambda: now[0], sleep=sleep)  # one every 2 seconds
    moments = []
    for _ in range(4):
        limit.wait()
        moments.append(now[0])
    assert moments == pytest.approx([100.0, 102.0, 104.0, 106.0])
    assert max(slept) <= 0.2 + 1e-9  # short naps, so a cancel is noticed at once


def test_a_cancel_stops_waiting_for_the_rate_limit() -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    limit = RateLimit(1, clock=lambda: now[0], sleep=sleep)
    limit.wait()
    limit.wait(should_stop=lambda: now[0] >= 1.0)
    assert now[0] == pytest.approx(1.0)
