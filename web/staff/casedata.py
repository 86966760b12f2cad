"""What the case page shows beyond the case row: events, registry differences, partners."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from adapters.base import PublicFundsAccounts, ResidentRegistry
from engine.definitions.models import Procedure
from engine.models import Attachment, CaseEvent, OutboxMessage
from engine.pii import sensitive_paths
from engine.prefill import prefill
from engine.records import CaseRecord


@dataclass(frozen=True)
class Difference:
    """An answer that differs from what the registry says now."""

    path: str
    label: str
    filed: str
    registry: str


def _dig(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _label(proc: Procedure, path: str) -> str:
    for p, spec in proc.form.iter_fields():
        if p == path:
            return spec.label.ja
    return path


def _show(value: Any, secret: bool) -> str:
    if value is None or value == "":
        return "（なし）"
    if isinstance(value, list):
        return "、".join(
            str(item.get("name") or item) if isinstance(item, dict) else str(item) for item in value
        )
    if isinstance(value, dict):
        value = " ".join(str(v) for v in value.values() if v not in (None, ""))
    text = str(value)
    if secret:
        return "*" * max(0, len(text) - 4) + text[-4:]
    return text


def _same(filed: Any, known: Any) -> bool:
    """Whether the filed answer agrees with the registry's, on what the registry knows
    (spaces and hyphens aside; a child row is compared on the registry's keys only)."""
    if isinstance(known, dict):
        return isinstance(filed, dict) and all(
            _same(filed.get(k), v) for k, v in known.items() if v not in (None, "")
        )
    if isinstance(known, list):
        return (
            isinstance(filed, list)
            and len(filed) == len(known)
            and all(_same(f, k) for f, k in zip(filed, known, strict=True))
        )
    if isinstance(known, str) and isinstance(filed, str):
        strip = str.maketrans("", "", " \u3000-‐－")
        return filed.translate(strip) == known.translate(strip)
    return bool(filed == known)


def registry_differences(
    proc: Procedure,
    plain: dict[str, Any],
    applicant_id: str,
    registry: ResidentRegistry,
    accounts: PublicFundsAccounts | None = None,
) -> list[Difference]:
    """Answers prefilled from the registry that the application states differently."""
    pre = prefill(proc.form, applicant_id, registry=registry, accounts=accounts)
    secret = set(sensitive_paths(proc.form))
    out: list[Difference] = []
    for path in sorted(pre.prefilled):
        if "[]" in path:
            continue
        filed, known = _dig(plain, path), _dig(pre.data, path)
        # An answer left out (a bank account given instead of the public-funds account)
        # is the resident's choice, not a difference.
        if known is None or filed is None or _same(filed, known):
            continue
        hide = path in secret
        out.append(Difference(path, _label(proc, path), _show(filed, hide), _show(known, hide)))
    return out


def events(session: Session, case_id: str) -> list[CaseEvent]:
    """The case's events, oldest first."""
    return list(
        session.exec(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(col(CaseEvent.seq))
        )
    )


def attachments(session: Session, case_id: str) -> list[Attachment]:
    """The files filed with the case."""
    return list(
        session.exec(
            select(Attachment).where(Attachment.case_id == case_id).order_by(col(Attachment.id))
        )
    )


def partner_failures(session: Session, case_id: str) -> list[OutboxMessage]:
    """Side effects of the case that failed or keep failing (a partner system is down)."""
    rows = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.case_id == case_id, col(OutboxMessage.status) != "done")
        .order_by(col(OutboxMessage.id))
    )
    return [m for m in rows if m.status == "failed" or m.attempts > 0]


@dataclass(frozen=True)
class SignatureInfo:
    """How the filing was signed or the filer identified, for the case page."""

    ok: bool
    ja: str
    en: str


def signature_info(case: CaseRecord, history: list[CaseEvent]) -> SignatureInfo:
    """The verification result, from the channel and the filing's events."""
    first = history[0] if history else None
    counter = (first.changes or {}).get("counter") if first else None
    if case.channel == "pittari":
        failed = next((e for e in history if e.trigger == "reject_intake"), None)
        if failed is not None:
            return SignatureInfo(
                False,
                f"電子署名の検証失敗：{failed.comment}",
                f"Signature failed: {failed.comment}",
            )
        return SignatureInfo(
            True,
            "マイナンバーカードの署名用電子証明書で署名され、受付時に検証済み",
            "Signed with the My Number Card's signing certificate; verified at intake",
        )
    if isinstance(counter, dict):
        check = counter.get("identity_check") or ""
        return SignatureInfo(
            True, f"窓口で職員が代理入力：{check}", f"Filed at the counter by staff: {check}"
        )
    if case.channel == "online":
        return SignatureInfo(
            True,
            "マイナンバーカードでログインした本人が申請",
            "Filed by the resident logged in with the My Number Card",
        )
    return SignatureInfo(True, f"受付経路：{case.channel}", f"Channel: {case.channel}")


def is_overdue(case: CaseRecord, today: dt.date) -> bool:
    return case.due_date is not None and case.due_date < today
