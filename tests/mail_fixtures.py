"""Fixtures for the mail tests: an in-memory keyring, and a real SMTP server (aiosmtpd) on
127.0.0.1 that speaks STARTTLS or TLS with a self-signed certificate the tests trust.

A test module loads them with `pytest_plugins = ("tests.mail_fixtures",)`; it imports names
from here only under TYPE_CHECKING, so pytest can still rewrite the asserts in this module.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import keyring
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from keyring.backend import KeyringBackend

from desktop.mail.smtp_settings import SmtpSettings
from tests.keyring_backend import MemoryKeyring

USER = "shop@example.org"
PASSWORD = "sécret pass 🔑"


@dataclass
class Inbox:
    """What the server received, and the trouble it is told to make."""

    # Raw bytes as received, parsed when a test looks: parsing as they arrive would slow the
    # server down and make it, not Aftercare, the figure in the benchmark.
    received: list[bytes] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    drop_at_rcpt: int | None = None  # hang up on the Nth RCPT (1-based), before any DATA
    drop_in_data: int | None = None  # hang up after receiving the Nth message's data
    rcpts: int = 0
    datas: int = 0

    async def handle_RCPT(
        self,
        server: SMTPServer,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        self.rcpts += 1
        if self.rcpts == self.drop_at_rcpt:
            assert server.transport is not None
            server.transport.close()
            return "421 going away"
        if address in self.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        self.datas += 1
        if self.datas == self.drop_in_data:
            assert server.transport is not None
            server.transport.close()
            return "421 going away"
        self.received.append(envelope.original_content or b"")
        return "250 Message accepted"

    @property
    def messages(self) -> list[EmailMessage]:
        parsed = [message_from_bytes(raw, policy=policy.default) for raw in self.received]
        assert all(isinstance(message, EmailMessage) for message in parsed)
        return parsed

    def by_recipient(self) -> dict[str, list[EmailMessage]]:
        found: dict[str, list[EmailMessage]] = {}
        for message in self.messages:
            found.setdefault(message["To"].addresses[0].addr_spec, []).append(message)
        return found


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A verifying context that trusts this certificate: the test's only concession."""
        return ssl.create_default_context(cafile=str(self.cert))


def make_certificate(folder: Path) -> Certificate:
    """A self-signed certificate for localhost and 127.0.0.1, written into `folder`."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    result = Certificate(folder / "cert.pem", folder / "key.pem")
    result.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    result.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return result


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("tls"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    inbox: Inbox
    settings: SmtpSettings
    context: ssl.SSLContext
    password: str = PASSWORD


def _authenticator(inbox: Inbox) -> Any:
    def check(
        server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        login = (data.login.decode(), data.password.decode())
        inbox.logins.append(login)
        return AuthResult(success=login == (USER, PASSWORD), handled=False)

    return check


def serve(inbox: Inbox, **options: Any) -> Iterator[int]:
    """Run an aiosmtpd server on 127.0.0.1 for as long as the generator is open; yields the
    port."""
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def starttls_server(certificate: Certificate) -> Iterator[Server]:
    """A STARTTLS server on 127.0.0.1 that wants a login (only after STARTTLS)."""
    inbox = Inbox()
    for port in serve(
        inbox,
        tls_context=certificate.server_context(),
        require_starttls=True,
        authenticator=_authenticator(inbox),
        auth_require_tls=True,
    ):
        settings = SmtpSettings(host="127.0.0.1", port=port, security="starttls", user=USER)
        yield Server(inbox, settings, certificate.client_context())


@pytest.fixture
def smtp_server(certificate: Certificate) -> Iterator[Server]:
    """A STARTTLS server on 127.0.0.1 that wants a login (only after STARTTLS)."""
    yield from starttls_server(certificate)


@pytest.fixture
def tls_server(certificate: Certificate) -> Iterator[Server]:
    """An implicit-TLS server (like port 465)."""
    inbox = Inbox()
    for port in serve(
        inbox,
        ssl_context=certificate.server_context(),
        authenticator=_authenticator(inbox),
        # aiosmtpd counts only STARTTLS as TLS; this connection is TLS from the first byte.
        auth_require_tls=False,
    ):
        settings = SmtpSettings(host="127.0.0.1", port=port, security="tls", user=USER)
        yield Server(inbox, settings, certificate.client_context())


@pytest.fixture
def plain_server(certificate: Certificate) -> Iterator[Server]:
    """A server with no encryption at all, that would take a password in clear."""
    inbox = Inbox()
    for port in serve(inbox, authenticator=_authenticator(inbox), auth_require_tls=False):
        settings = SmtpSettings(host="127.0.0.1", port=port, security="starttls", user=USER)
        yield Server(inbox, settings, certificate.client_context())


def _use_keyring(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> Iterator[KeyringBackend]:
    yield from _use_keyring(MemoryKeyring())


@pytest.fixture
def no_keyring() -> Iterator[KeyringBackend]:
    """A computer without a usable keyring: every call raises KeyringError."""
    from keyring.backends.fail import Keyring as FailKeyring

    yield from _use_keyring(FailKeyring())  # type: ignore[no-untyped-call]


@pytest.fixture
def null_keyring() -> Iterator[KeyringBackend]:
    """A keyring that accepts passwords and silently drops them."""
    from keyring.backends.null import Keyring as NullKeyring

    yield from _use_keyring(NullKeyring())  # type: ignore[no-untyped-call]
