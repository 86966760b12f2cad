"""The intake job: pull applications from Mynaportal Pittari and file them as cases.

Flow per run (``madoguchi intake run [--once]``, or the worker's periodic pass):

1. list the applications not yet acknowledged;
2. download each package (a failure leaves it listed: the next run tries again);
3. verify the signature over ``canonical_bytes(form_data)`` and that the signer is the
   resident the certificate serial is linked to in the resident registry;
4. file a case with the Pittari application id as the idempotency key (a package fetched
   twice never makes two cases); a package whose signature, applicant or data is wrong
   still becomes a case, moved at once to the workflow's ``intake_error`` state with the
   reason (受付エラー, posted back to Pittari), never silently dropped;
5. acknowledge it (only after the case is committed).

State changes of Pittari cases post their Mynaportal status (処理中, 要訂正, 受付エラー, 完了)
back through the outbox (kind ``portal_status``), so a Pittari outage delays the status
but never loses it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from adapters.base import JpkiVerifier, PittariIntake, ResidentRegistry
from adapters.errors import PartnerError, PartnerRefusalError
from adapters.exchange import PortalStatus
from adapters.pittari_package import PittariPackage
from adapters.signatures import canonical_bytes
from engine.actors import Actor
from engine.cases import fire, submit
from engine.errors import EngineError
from engine.models import OutboxMessage
from engine.outbox import PermanentFailure
from engine.runtime import Runtime
from forms import FieldError

log = logging.getLogger(__name__)
CHANNEL = "pittari"
INTAKE_ACTOR = Actor.system("pittari-intake")
REJECT_INTAKE = "reject_intake"


@dataclass
class IntakeStats:
    """What one run did; ``failures`` are transient partner errors retried next run."""

    listed: int = 0
    created: int = 0
    replayed: int = 0
    intake_errors: int = 0
    acknowledged: int = 0
    failures: int = 0
    reasons: list[str] = field(default_factory=list)


@dataclass
class IntakeJob:
    """Pulls Pittari applications into cases for this deployment's organisation."""

    rt: Runtime
    pittari: PittariIntake
    verifier: JpkiVerifier
    registry: ResidentRegistry
    batch: int = 100

    def run_once(self, now: dt.datetime | None = None) -> IntakeStats:
        """One pass over the applications waiting now."""
        stats = IntakeStats()
        try:
            waiting = self.pittari.list_new(self.rt.settings.org_code, self.batch)
        except PartnerError as exc:
            stats.failures += 1
            stats.reasons.append(f"list: {type(exc).__name__}")
            return stats
        stats.listed = len(waiting)
        for application_id in waiting:
            self._one(application_id, stats, now)
        return stats

    def _one(self, application_id: str, stats: IntakeStats, now: dt.datetime | None) -> None:
        try:
            package = self.pittari.download(application_id)
        except PartnerError as exc:
            stats.failures += 1
            stats.reasons.append(f"{application_id}: download: {type(exc).__name__}")
            return
        except PartnerRefusalError as exc:
            # The portal refuses to serve it (unknown id): nothing to file, nothing to ack.
            stats.reasons.append(f"{application_id}: refused: {exc}")
            return
        try:
            created = self._file(package, now)
        except PartnerError as exc:
            # The registry or the verifier did not answer: nothing was filed and nothing is
            # acknowledged, so the next run tries this package again.
            stats.failures += 1
            stats.reasons.append(f"{application_id}: checks: {type(exc).__name__}")
            return
        if created is None:
            stats.replayed += 1
        elif created:
            stats.created += 1
        else:
            stats.intake_errors += 1
        try:
            self.pittari.acknowledge(application_id)
            stats.acknowledged += 1
        except PartnerError as exc:
            # The case is committed; the package stays listed and the next run replays it
            # (same idempotency key: the same case) and acknowledges again.
            stats.failures += 1
            stats.reasons.append(f"{application_id}: acknowledge: {type(exc).__name__}")

    def _problem(self, package: PittariPackage) -> tuple[str | None, str | None]:
        """(applicant resident number, reason it cannot be accepted or None)."""
        serial = int(package.signer_serial)
        resident = self.registry.by_certificate_serial(serial)
        result = self.verifier.verify(
            canonical_bytes(package.form_data),
            package.signature.to_signature(),
            serial,
            package.submitted_at,
        )
        applicant = resident.resident_number if resident else None
        if not result.ok:
            return applicant, f"電子署名を確認できませんでした（{result.message_ja}）"
        if resident is None:
            return None, "署名した電子証明書のシリアル番号に対応する住民が見つかりません"
        if package.lg_code != self.rt.settings.org_code:
            return applicant, f"宛先の団体コード {package.lg_code} が当団体と異なります"
        if not self._signer_is_applicant(package, resident.my_number):
            return applicant, "申請者の個人番号が、署名した方の個人番号と一致しません"
        return applicant, None

    def _signer_is_applicant(self, package: PittariPackage, my_number: str) -> bool:
        """The applicant's own My Number in the form (the field prefilled from
        ``registry.resident.my_number``) is the signer's."""
        try:
            form = self.rt.catalog.get(package.procedure_code).form
        except KeyError:
            return True  # an unknown procedure is refused when filing
        for path, spec in form.iter_fields():
            if spec.prefill == "registry.resident.my_number" and "[]" not in path:
                value: Any = package.form_data
                for part in path.split("."):
                    value = value.get(part) if isinstance(value, dict) else None
                if value is not None and str(value).replace("-", "").strip() != my_number:
                    return False
        return True

    def _file(self, package: PittariPackage, now: dt.datetime | None) -> bool | None:
        """File the package: True a new case, False a new case in intake error, None a
        case that already existed (a replay)."""
        applicant, problem = self._problem(package)
        data: dict[str, Any] = dict(package.form_data)
        applicant_id = applicant or f"serial:{package.signer_serial}"
        with Session(self.rt.db, expire_on_commit=False) as s:
            try:
                res = submit(
                    self.rt,
                    s,
                    package.procedure_code,
                    data,
                    actor=INTAKE_ACTOR,
                    applicant_id=applicant_id,
                    channel=CHANNEL,
                    idempotency_key=package.application_id,
                    now=now,
                    accept_invalid=True,
                )
            except EngineError as exc:
                # Not even an invalid case can be made (unknown or retired procedure): tell
                # the resident through the portal and keep the reason in the log for staff.
                log.warning("pittari %s refused: %s", package.application_id, exc.code)
                s.rollback()
                self._post_now(package.application_id, PortalStatus.INTAKE_ERROR, exc.ja)
                return False
            if not res.created:
                s.commit()
                return None
            reasons = [problem] if problem else []
            if res.errors:
                reasons.append(_errors_ja(res.errors))
            if reasons:
                fire(
                    self.rt,
                    s,
                    res.case.id,
                    REJECT_INTAKE,
                    INTAKE_ACTOR,
                    comment="。".join(reasons),
                    now=now,
                )
            s.commit()
            return not reasons

    def _post_now(self, application_id: str, status: PortalStatus, message: str) -> None:
        try:
            self.pittari.acknowledge(application_id)
            self.pittari.post_status(application_id, status, message)
        except PartnerError:
            log.warning("pittari %s: status not posted yet", application_id)


def _errors_ja(errors: Sequence[FieldError]) -> str:
    shown = " / ".join(f"{e.path}: {e.message.ja}" for e in errors[:10])
    more = f" ほか{len(errors) - 10}件" if len(errors) > 10 else ""
    return f"入力内容に誤りがあります: {shown}{more}"


def portal_status_handler(pittari: PittariIntake) -> Callable[[Session, OutboxMessage], None]:
    """The outbox handler posting a Pittari case's Mynaportal status (kind ``portal_status``).

    Posting the same status twice records nothing new at the portal, so a redelivery
    after a lost reply is harmless.
    """

    def deliver(_session: Session, msg: OutboxMessage) -> None:
        p = msg.payload
        pittari.post_status(p["application_id"], PortalStatus(p["status"]), p.get("message"))

    return deliver


def mynaportal_notice_handler(
    pittari: PittariIntake,
) -> Callable[[Session, OutboxMessage], None]:
    """The outbox handler putting a notice in the Mynaportal inbox of a Pittari case's
    applicant (kind ``mynaportal_notice``), once: the portal keys it by the row's key."""

    def deliver(_session: Session, msg: OutboxMessage) -> None:
        p = msg.payload
        pittari.send_notice(
            title=p["title"],
            body=p["body"],
            idempotency_key=msg.idempotency_key,
            application_id=p["application_id"],
        )

    return deliver


def core_system_handler(config: Mapping[str, str]) -> Callable[[Session, OutboxMessage], None]:
    """The outbox handler registering a record in a core system (kind ``core_system``).

    Registration is idempotent by the row's key. After a transient failure (a timeout whose
    outcome is unknown, a 5xx) it asks the core system whether the registration was made
    (reconciliation) before the row is retried; a refusal fails the row at once.
    """
    from adapters import service

    def deliver(_session: Session, msg: OutboxMessage) -> None:
        p = msg.payload
        system = service.core_system(p["business"], config)
        try:
            system.register(msg.idempotency_key, p["record"])
        except PartnerRefusalError as exc:
            raise PermanentFailure(f"{p['business']} refused the record: {exc}") from exc
        except PartnerError:
            if system.lookup(msg.idempotency_key) is None:
                raise  # not made: the worker retries with backoff

    return deliver


def build_intake_job(rt: Runtime) -> IntakeJob:
    """The intake job over the partner implementations the settings choose."""
    from adapters import service

    config = rt.adapter_config
    return IntakeJob(
        rt,
        pittari=service.pittari_intake(config),
        verifier=service.jpki_verifier(config),
        registry=service.resident_registry(config),
    )


def worker_handlers(rt: Runtime) -> dict[str, Callable[[Session, OutboxMessage], None]]:
    """Every outbox handler a worker of this deployment needs, partners included."""
    from adapters import service
    from engine.documents import document_handler
    from engine.outbox import handlers

    config = rt.adapter_config
    pittari = service.pittari_intake(config)
    return {
        **handlers(),
        "portal_status": portal_status_handler(pittari),
        "mynaportal_notice": mynaportal_notice_handler(pittari),
        "core_system": core_system_handler(config),
        "document": document_handler(rt),
    }
