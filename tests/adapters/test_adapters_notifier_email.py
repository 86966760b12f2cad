"""Email notices through a real SMTP server (aiosmtpd on a free localhost port)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from adapters.errors import (
    EmailDeliveryError,
    EmailRefusedError,
    EmailTimeoutError,
    IdempotencyConflictError,
    PartnerError,
    PartnerRefusalError,
)
from adapters.exchange import Notice, NoticeChannel
from adapters.notice_templates import NoticeKind, build_notice
from adapters.notifier_email import EmailNotifier, SmtpSettings, message_id_for
from tests.adapters.conftest import NOON

SENDER = "madoguchi@city.kunitachi.example.lg.jp"
VALUES = {
    "procedure_name": "児童手当 認定請求",
    "reference_number": "R2025-000123",
    "link": "https://madoguchi.example.lg.jp/cases/R2025-000123",
}


@dataclass
class RecordingHandler:
    """An aiosmtpd handler that keeps every message and refuses some recipients."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    async def handle_RCPT(  # noqa: N802 - the name aiosmtpd calls
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        """Refuse ``unknown@`` for good and ``busy@`` for now; accept the others."""
        if address.startswith("unknown@"):
            return "550 5.1.1 No such user"
        if address.startswith("busy@"):
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - the name aiosmtpd calls
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        """Keep the message as received."""
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def parsed(self) -> list[EmailMessage]:
        """The received messages, parsed."""
        return [
            message_from_bytes(content, _class=EmailMessage, policy=policy.default)
            for _, _, content in self.messages
        ]


def free_port() -> int:
    """A localhost port nobody listens on (just released by the OS)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class SmtpServer:
    """The running test server: its handler and the settings that reach it."""

    handler: RecordingHandler
    settings: SmtpSettings


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on localhost, stopped after the test."""
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(handler, SmtpSettings("127.0.0.1", SENDER, port=port, timeout_seconds=5))
    finally:
        controller.stop()


def notice_to(address: str, key: str = "case-1/received") -> Notice:
    """A 受付 notice by email to ``address``."""
    return build_notice(
        NoticeKind.RECEIVED,
        VALUES,
        channel=NoticeChannel.EMAIL,
        resident_number="1000000201",
        idempotency_key=key,
        recipient_email=address,
    )


def notifier_for(server: SmtpServer) -> EmailNotifier:
    """A notifier sending to ``server`` with the fixed test clock."""
    return EmailNotifier(server.settings, clock=lambda: NOON)


def test_a_notice_arrives_as_a_proper_utf8_message(smtp_server: SmtpServer) -> None:
    receipt = notifier_for(smtp_server).send(notice_to("hanako@example.jp"))
    ((mail_from, rcpt_tos, raw),) = smtp_server.handler.messages
    assert (mail_from, rcpt_tos) == (SENDER, ["hanako@example.jp"])
    (message,) = smtp_server.handler.parsed()
    assert message["From"] == SENDER
    assert message["To"] == "hanako@example.jp"
    assert message["Subject"].startswith("【受付】児童手当 認定請求（受付番号 R2025-000123）")
    assert b"=?utf-8?" in raw.split(b"\r\n\r\n", 1)[0]  # the Subject travels encoded
    assert message["Date"].datetime == NOON
    expected_id = message_id_for("case-1/received", "city.kunitachi.example.lg.jp")
    assert message["Message-ID"] == expected_id == receipt.notice_id
    assert receipt.accepted_at == NOON
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    body = payload.decode("utf-8")
    assert "児童手当 認定請求 の申請を受け付けました。" in body
    assert "受付番号: R2025-000123" in body
    assert body.index("受け付けました") < body.index("We have received your application")


def test_the_same_key_is_sent_once(smtp_server: SmtpServer) -> None:
    notifier = notifier_for(smtp_server)
    first = notifier.send(notice_to("hanako@example.jp"))
    again = notifier.send(notice_to("hanako@example.jp"))
    assert again == first
    assert notifier.was_sent("case-1/received") == first
    assert len(smtp_server.handler.messages) == 1
    notifier.send(notice_to("hanako@example.jp", key="case-1/decided"))
    assert len(smtp_server.handler.messages) == 2


def test_a_key_reused_for_another_notice_is_refused(smtp_server: SmtpServer) -> None:
    notifier = notifier_for(smtp_server)
    notifier.send(notice_to("hanako@example.jp"))
    with pytest.raises(IdempotencyConflictError):
        notifier.send(notice_to("jiro@example.jp"))
    assert len(smtp_server.handler.messages) == 1


def test_a_retried_key_keeps_its_message_id_across_notifiers(smtp_server: SmtpServer) -> None:
    # A process that crashed after sending retries with a fresh notifier: the receiving
    # side sees the same Message-ID and can drop the duplicate.
    notifier_for(smtp_server).send(notice_to("hanako@example.jp"))
    notifier_for(smtp_server).send(notice_to("hanako@example.jp"))
    first, second = smtp_server.handler.parsed()
    assert first["Message-ID"] == second["Message-ID"]


def test_a_temporary_refusal_is_transient(smtp_server: SmtpServer) -> None:
    notifier = notifier_for(smtp_server)
    with pytest.raises(EmailDeliveryError) as raised:
        notifier.send(notice_to("busy@example.jp"))
    assert isinstance(raised.value, PartnerError)
    assert raised.value.smtp_code == 450
    assert notifier.was_sent("case-1/received") is None
    assert smtp_server.handler.messages == []


def test_an_unknown_recipient_is_refused_for_good(smtp_server: SmtpServer) -> None:
    with pytest.raises(EmailRefusedError) as raised:
        notifier_for(smtp_server).send(notice_to("unknown@example.jp"))
    assert isinstance(raised.value, PartnerRefusalError)
    assert not isinstance(raised.value, PartnerError)
    assert raised.value.smtp_code == 550
    assert smtp_server.handler.messages == []


def test_a_login_the_server_does_not_offer_is_refused(smtp_server: SmtpServer) -> None:
    settings = replace(smtp_server.settings, user="madoguchi", password="secret")
    with pytest.raises(EmailRefusedError, match="AUTH"):
        EmailNotifier(settings).send(notice_to("hanako@example.jp"))


def test_a_refused_connection_is_transient() -> None:
    settings = SmtpSettings("127.0.0.1", SENDER, port=free_port(), timeout_seconds=5)
    with pytest.raises(EmailDeliveryError, match="cannot reach") as raised:
        EmailNotifier(settings).send(notice_to("hanako@example.jp"))
    assert isinstance(raised.value, PartnerError)


def test_a_silent_server_times_out() -> None:
    # A listening socket that never greets: the connection opens, no reply ever comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        settings = SmtpSettings("127.0.0.1", SENDER, port=port, timeout_seconds=0.3)
        with pytest.raises(EmailTimeoutError, match=r"within 0\.3 s") as raised:
            EmailNotifier(settings).send(notice_to("hanako@example.jp"))
    assert isinstance(raised.value, PartnerError)


def test_wrong_notices_are_programming_errors(smtp_server: SmtpServer) -> None:
    notifier = notifier_for(smtp_server)
    with pytest.raises(ValueError, match="recipient address"):
        notifier.send(replace(notice_to("hanako@example.jp"), recipient_email=None))
    with pytest.raises(ValueError, match="mynaportal"):
        notifier.send(replace(notice_to("hanako@example.jp"), channel=NoticeChannel.MYNAPORTAL))
    assert smtp_server.handler.messages == []


def test_settings_come_from_the_configuration() -> None:
    settings = SmtpSettings.from_config(
        {
            "smtp_host": "mail.example.lg.jp",
            "smtp_port": "587",
            "smtp_sender": SENDER,
            "smtp_starttls": "true",
            "smtp_user": "madoguchi",
            "smtp_password": "secret",
            "smtp_timeout": "12.5",
        }
    )
    assert settings == SmtpSettings(
        "mail.example.lg.jp",
        SENDER,
        port=587,
        starttls=True,
        user="madoguchi",
        password="secret",
        timeout_seconds=12.5,
    )
    assert settings.domain == "city.kunitachi.example.lg.jp"
    plain = SmtpSettings.from_config({"smtp_host": "mail", "smtp_sender": SENDER})
    assert (plain.port, plain.starttls, plain.user, plain.timeout_seconds) == (25, False, None, 30)


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ({"smtp_sender": SENDER}, "smtp_host"),
        ({"smtp_host": "mail", "smtp_sender": "madoguchi"}, "smtp_sender"),
        ({"smtp_host": "mail", "smtp_sender": SENDER, "smtp_starttls": "maybe"}, "starttls"),
        ({"smtp_host": "mail", "smtp_sender": SENDER, "smtp_user": "u"}, "together"),
        ({"smtp_host": "mail", "smtp_sender": SENDER, "smtp_timeout": "0"}, "positive"),
    ],
)
def test_malformed_settings_are_refused(config: dict[str, str], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        SmtpSettings.from_config(config)
