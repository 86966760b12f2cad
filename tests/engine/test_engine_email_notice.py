"""Email notices: ``notify_resident`` emails the applicant who gave an address, exactly once.

A real SMTP server (aiosmtpd on a free localhost port) receives the mail; it defers the
first delivery (451), as a busy server does, and the outbox delivers on the retry.
"""

from __future__ import annotations

import dataclasses
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine
from sqlmodel import Session

from adapters.notifier_email import EmailNotifier, SmtpSettings
from engine.actors import Actor
from engine.cases import fire, submit
from engine.config import Settings
from engine.intake import email_notice_handler
from engine.models import Notice as StoredNotice
from engine.outbox import OutboxWorker, handlers, list_messages
from engine.runtime import Runtime, build_runtime
from tests.engine.conftest import REPO_PROCEDURES

EXTRA = Path(__file__).resolve().parent / "procedures_extra"
PROCEDURE = "hokan-basho-shoumei"
SENDER = "madoguchi@city.kunitachi.example.lg.jp"
CLERK = Actor.staff("clerk-1", {"intake", "review"}, {"交通課"})  # type: ignore[arg-type]
APPLICATION = {
    "name": "佐藤 美咲",
    "email": "misaki@example.jp",
    "chassis_number": "ZVW50-1234567",
    "parking_place": "東京都国立市富士見台二丁目12番3号",
}


@dataclass
class FlakyHandler:
    """An aiosmtpd handler deferring the first ``defer`` messages (451), keeping the rest."""

    defer: int = 1
    refuse: bool = False
    attempts: int = 0
    messages: list[tuple[list[str], bytes]] = field(default_factory=list)

    async def handle_DATA(  # noqa: N802 - the name aiosmtpd calls
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        """Defer, refuse or keep the message."""
        self.attempts += 1
        if self.refuse:
            return "554 5.7.1 Message rejected"
        if self.attempts <= self.defer:
            return "451 4.3.0 Temporary failure, try again later"
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def parsed(self) -> list[EmailMessage]:
        """The kept messages, parsed."""
        return [
            message_from_bytes(content, _class=EmailMessage, policy=policy.default)
            for _, content in self.messages
        ]


@pytest.fixture
def smtp() -> Iterator[tuple[FlakyHandler, SmtpSettings]]:
    """A real SMTP server on a free localhost port that defers its first message."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = FlakyHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, SmtpSettings(host="127.0.0.1", port=port, sender=SENDER, timeout_seconds=5)
    finally:
        controller.stop()


@pytest.fixture
def vehicle_rt(tmp_path: Path, settings: Settings, db: Engine) -> Runtime:
    """The runtime with the shipped shapes and the test-only vehicle procedures."""
    root = tmp_path / "procedures"
    shutil.copytree(REPO_PROCEDURES / "_shapes", root / "_shapes")
    shutil.copytree(EXTRA / "jidousha", root / "jidousha")
    rt = build_runtime(dataclasses.replace(settings, procedures_dir=root), db)
    rt.sync_definitions()
    return rt


def file_and_ask_for_correction(rt: Runtime, data: dict[str, Any]) -> str:
    """File the application online, receive it and ask for a correction; the case id."""
    with Session(rt.db, expire_on_commit=False) as s:
        case = submit(
            rt,
            s,
            PROCEDURE,
            data,
            actor=Actor.resident("1000000102"),
            applicant_id="1000000102",
            channel="online",
            idempotency_key="web-1",
        ).case
        s.commit()
    for trigger, comment in (("receive", None), ("request_correction", "車台番号をご確認ください")):
        with Session(rt.db, expire_on_commit=False) as s:
            fire(rt, s, case.id, trigger, CLERK, comment=comment)
            s.commit()
    return case.id


def worker(rt: Runtime, settings: SmtpSettings) -> OutboxWorker:
    """An outbox worker that emails through ``settings`` and retries at once."""
    kinds = {
        **handlers(),
        "email_notice": email_notice_handler(EmailNotifier(settings), "http://127.0.0.1:5000"),
    }
    return OutboxWorker(rt.db, kinds=kinds, base_delay=0.0)


def test_a_correction_request_is_emailed_once_despite_a_deferral(
    vehicle_rt: Runtime, smtp: tuple[FlakyHandler, SmtpSettings]
) -> None:
    handler, settings = smtp
    file_and_ask_for_correction(vehicle_rt, APPLICATION)
    deliveries = worker(vehicle_rt, settings)
    first = deliveries.run_once()
    assert (first.retried, handler.messages) == (1, [])  # 451: the row waits for a retry
    deliveries.run_once()
    deliveries.run_once()
    assert handler.attempts == 2
    [message] = handler.parsed()
    assert handler.messages[0][0] == ["misaki@example.jp"]
    assert message["To"] == "misaki@example.jp"
    assert message["Subject"].startswith("【補正のお願い】自動車保管場所証明申請（テスト用）")
    body = message.get_content()
    assert "補正をお願いします" in body
    assert "訂正をお願いしたい点があります" in body  # the definition's own words
    assert "---- English ----" in body
    rows = {m.kind: m.status for m in list_messages(vehicle_rt.db)}
    assert rows["email_notice"] == "done"
    with Session(vehicle_rt.db) as s:
        assert len(s.exec(StoredNotice.__table__.select()).all()) == 1  # "my applications"


def test_no_address_no_email(vehicle_rt: Runtime) -> None:
    data = {k: v for k, v in APPLICATION.items() if k != "email"}
    file_and_ask_for_correction(vehicle_rt, data)
    kinds = [m.kind for m in list_messages(vehicle_rt.db)]
    assert "notice" in kinds
    assert "email_notice" not in kinds


def test_a_refused_address_fails_the_row_for_staff_to_see(
    vehicle_rt: Runtime, smtp: tuple[FlakyHandler, SmtpSettings]
) -> None:
    handler, settings = smtp
    handler.refuse = True
    file_and_ask_for_correction(vehicle_rt, APPLICATION)
    worker(vehicle_rt, settings).run_once()
    [failed] = list_messages(vehicle_rt.db, "failed")
    assert failed.kind == "email_notice"
    assert "refused" in (failed.last_error or "")
    assert handler.messages == []


def test_without_a_mail_server_the_row_says_what_to_configure(vehicle_rt: Runtime) -> None:
    file_and_ask_for_correction(vehicle_rt, APPLICATION)
    kinds = {**handlers(), "email_notice": email_notice_handler(None, "http://127.0.0.1:5000")}
    OutboxWorker(vehicle_rt.db, kinds=kinds).run_once()
    [failed] = list_messages(vehicle_rt.db, "failed")
    assert "smtp_host" in (failed.last_error or "")
