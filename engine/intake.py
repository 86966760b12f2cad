"""The intake job: pull applications from Mynaportal Pittari and OSS and file them as cases.

Both portals are pulled the same way (:class:`adapters.base.IntakeChannel`); one
:class:`IntakeJob` serves one portal, and :func:`build_intake_job` runs both. OSS
delivers each organisation its own copy of a vehicle filing, so a police deployment and a
prefecture deployment (``MADOGUCHI_ORG_CODE``) each file their copy as their own case.

Flow per run (``madoguchi intake run [--once]``, or the worker's periodic pass):

1. list the applications to this organisation not yet acknowledged;
2. download each package (a failure leaves it listed: the next run tries again);
3. verify the signature over ``canonical_bytes(form_data)`` and that the signer is the
   resident the certificate serial is linked to in the resident registry;
4. file a case with the portal's application id as the idempotency key (a package
   fetched twice never makes two cases); a package whose signature, applicant or data is
   wrong still becomes a case, moved at once to the workflow's ``intake_error`` state with
   the reason (受付エラー, posted back to the portal), never silently dropped;
5. acknowledge it (only after the case is committed).

State changes of portal cases post their status (処理中, 要訂正, 受付エラー, 完了) back to the
portal the case came from through the outbox (kind ``portal_status``), so a portal outage
delays the status but never loses it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlmodel import Session

from adapters.base import (
    IntakeChannel,
    JpkiVerifier,
    Notifier,
    OssIntake,
    PittariIntake,
    ResidentRegistry,
)
from adapters.errors import PartnerError, PartnerRefusalError
from adapters.exchange import Notice, NoticeChannel, PortalStatus
from adapters.notice_templates import TEMPLATE_VARIABLES, Language, NoticeKind, render
from adapters.oss_package import OssPackage
from adapters.pittari_package import PittariPackage
from adapters.signatures import canonical_bytes
from engine.actors import Actor
from engine.cases import fire, submit
from engine.errors import EngineError
from engine.models import Case, OutboxMessage
from engine.outbox import PermanentFailure
from engine.runtime import Runtime
from engine.signing import applicant_number_mismatch
from forms import FieldError

log = logging.getLogger(__name__)
CHANNEL = "pittari"
OSS_CHANNEL = "oss"
INTAKE_ACTOR = Actor.system("pittari-intake")
OSS_INTAKE_ACTOR = Actor.system("oss-intake")
REJECT_INTAKE = "reject_intake"

Package = PittariPackage | OssPackage


class PortalIntake(IntakeChannel, Protocol):
    """A portal the job pulls from: the pull API and a download of its package format."""

    def download(self, application_id: str) -> Package:
        """The package of one application."""
        ...


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

    def __add__(self, other: IntakeStats) -> IntakeStats:
        return IntakeStats(
            self.listed + other.listed,
            self.created + other.created,
            self.replayed + other.replayed,
            self.intake_errors + other.intake_errors,
            self.acknowledged + other.acknowledged,
            self.failures + other.failures,
            self.reasons + other.reasons,
        )


@dataclass
class IntakeJob:
    """Pulls one portal's applications into cases for this deployment's organisation.

    ``channel`` is the case channel (``pittari`` or ``oss``) and names the portal in logs.
    """

    rt: Runtime
    portal: PortalIntake
    verifier: JpkiVerifier
    registry: ResidentRegistry
    batch: int = 100
    channel: str = CHANNEL

    @property
    def actor(self) -> Actor:
        """Who files the cases (a system actor per portal)."""
        return OSS_INTAKE_ACTOR if self.channel == OSS_CHANNEL else INTAKE_ACTOR

    def run_once(self, now: dt.datetime | None = None) -> IntakeStats:
        """One pass over the applications waiting now."""
        stats = IntakeStats()
        try:
            waiting = self.portal.list_new(self.rt.settings.org_code, self.batch)
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
            package = self.portal.download(application_id)
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
            self.portal.acknowledge(application_id)
            stats.acknowledged += 1
        except PartnerError as exc:
            # The case is committed; the package stays listed and the next run replays it
            # (same idempotency key: the same case) and acknowledges again.
            stats.failures += 1
            stats.reasons.append(f"{application_id}: acknowledge: {type(exc).__name__}")

    def _problem(self, package: Package) -> tuple[str | None, str | None]:
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

    def _signer_is_applicant(self, package: Package, my_number: str) -> bool:
        """The applicant's own My Number in the form is the signer's (engine.signing)."""
        try:
            form = self.rt.catalog.get(package.procedure_code).form
        except KeyError:
            return True  # an unknown procedure is refused when filing
        return applicant_number_mismatch(form, dict(package.form_data), my_number) is None

    def _file(self, package: Package, now: dt.datetime | None) -> bool | None:
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
                    actor=self.actor,
                    applicant_id=applicant_id,
                    channel=self.channel,
                    idempotency_key=package.application_id,
                    now=now,
                    accept_invalid=True,
                )
            except EngineError as exc:
                # Not even an invalid case can be made (unknown or retired procedure): tell
                # the resident through the portal and keep the reason in the log for staff.
                log.warning("%s %s refused: %s", self.channel, package.application_id, exc.code)
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
                    self.actor,
                    comment="。".join(reasons),
                    now=now,
                )
            s.commit()
            return not reasons

    def _post_now(self, application_id: str, status: PortalStatus, message: str) -> None:
        try:
            self.portal.acknowledge(application_id)
            self.portal.post_status(application_id, status, message)
        except PartnerError:
            log.warning("%s %s: status not posted yet", self.channel, application_id)


def _errors_ja(errors: Sequence[FieldError]) -> str:
    shown = " / ".join(f"{e.path}: {e.message.ja}" for e in errors[:10])
    more = f" ほか{len(errors) - 10}件" if len(errors) > 10 else ""
    return f"入力内容に誤りがあります: {shown}{more}"


def portal_status_handler(
    pittari: PittariIntake, oss: OssIntake | None = None
) -> Callable[[Session, OutboxMessage], None]:
    """The outbox handler posting a portal case's status (kind ``portal_status``) to the
    portal the case came from: OSS for ``oss`` cases (when ``oss`` is given), else Pittari.

    Posting the same status twice records nothing new at the portal, so a redelivery
    after a lost reply is harmless.
    """

    def deliver(session: Session, msg: OutboxMessage) -> None:
        p = msg.payload
        case = session.get(Case, msg.case_id) if msg.case_id else None
        portal: IntakeChannel = pittari
        if oss is not None and case is not None and case.channel == OSS_CHANNEL:
            portal = oss
        portal.post_status(p["application_id"], PortalStatus(p["status"]), p.get("message"))

    return deliver


def portal_notice_handler(
    portal: PittariIntake | OssIntake,
) -> Callable[[Session, OutboxMessage], None]:
    """The outbox handler putting a notice in the portal inbox of a portal case's
    applicant (kinds ``mynaportal_notice`` and ``oss_notice``), once: the portal keys it
    by the row's key."""

    def deliver(_session: Session, msg: OutboxMessage) -> None:
        p = msg.payload
        portal.send_notice(
            title=p["title"],
            body=p["body"],
            idempotency_key=msg.idempotency_key,
            application_id=p["application_id"],
        )

    return deliver


mynaportal_notice_handler = portal_notice_handler
"""The Mynaportal inbox notice handler (kind ``mynaportal_notice``)."""


def email_notice_handler(
    notifier: Notifier | None, public_url: str
) -> Callable[[Session, OutboxMessage], None]:
    """The outbox handler emailing a notice (kind ``email_notice``), once per row.

    The notice is rendered with its kind's template (Japanese first, English after it)
    and sent under the row's key, so a retry after a failed or unclear attempt never
    sends a second message. ``notifier`` is None when no mail server is configured: the
    row then fails at once, visible to staff, rather than waiting for one.
    """

    def deliver(_session: Session, msg: OutboxMessage) -> None:
        if notifier is None:
            raise PermanentFailure(
                "メールサーバーが設定されていないため送信できません"
                "（MADOGUCHI_ADAPTERS に smtp_host と smtp_sender を設定してください）"
                " / email is not configured: set smtp_host and smtp_sender"
            )
        p = msg.payload
        kind = NoticeKind(p["kind"])
        link = f"{public_url}/"
        ja = render(kind, Language.JA, _notice_values(kind, link, p, "ja"))
        en = render(kind, Language.EN, _notice_values(kind, link, p, "en"))
        notice = Notice(
            recipient_resident_number=p["resident_number"],
            channel=NoticeChannel.EMAIL,
            subject_ja=ja.subject,
            body_ja=ja.body,
            idempotency_key=msg.idempotency_key,
            subject_en=en.subject,
            body_en=en.body,
            recipient_email=p["to"],
        )
        try:
            notifier.send(notice)
        except PartnerRefusalError as exc:
            raise PermanentFailure(f"the mail server refused the notice: {exc}") from exc

    return deliver


def _notice_values(
    kind: NoticeKind, link: str, p: Mapping[str, Any], language: str
) -> dict[str, str]:
    """The template values of one language, from the ``email_notice`` payload."""
    filled = {
        "reference_number": p["reference"],
        "link": link,
        "procedure_name": p[f"procedure_{language}"] or p["procedure_ja"],
        "title": p[f"title_{language}"] or p["title_ja"],
        "office_message": p[f"body_{language}"] or p["body_ja"],
    }
    return {name: filled[name] for name in TEMPLATE_VARIABLES[kind]}


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


@dataclass
class IntakeJobs:
    """Every portal's intake job, run one after the other."""

    jobs: tuple[IntakeJob, ...]

    def run_once(self, now: dt.datetime | None = None) -> IntakeStats:
        """One pass over each portal; the figures added up."""
        total = IntakeStats()
        for job in self.jobs:
            total = total + job.run_once(now)
        return total


def build_intake_job(rt: Runtime) -> IntakeJobs:
    """The intake jobs over the partner implementations the settings choose: Pittari, and
    OSS when ``oss_intake`` names an implementation."""
    from adapters import service

    config = rt.adapter_config
    verifier = service.jpki_verifier(config)
    registry = service.resident_registry(config)
    jobs = [IntakeJob(rt, service.pittari_intake(config), verifier, registry)]
    if config.get("oss_intake"):
        oss = service.oss_intake(config)
        jobs.append(IntakeJob(rt, oss, verifier, registry, channel=OSS_CHANNEL))
    return IntakeJobs(tuple(jobs))


def worker_handlers(rt: Runtime) -> dict[str, Callable[[Session, OutboxMessage], None]]:
    """Every outbox handler a worker of this deployment needs, partners included."""
    from adapters import service
    from engine.documents import document_handler
    from engine.outbox import handlers

    config = rt.adapter_config
    pittari = service.pittari_intake(config)
    oss = service.oss_intake(config) if config.get("oss_intake") else None
    email = service.notifier({**config, "notifier": "email"}) if config.get("smtp_host") else None
    kinds = {
        **handlers(),
        "portal_status": portal_status_handler(pittari, oss),
        "mynaportal_notice": portal_notice_handler(pittari),
        "email_notice": email_notice_handler(email, rt.settings.public_url),
        "core_system": core_system_handler(config),
        "document": document_handler(rt),
    }
    if oss is not None:
        kinds["oss_notice"] = portal_notice_handler(oss)
    return kinds
