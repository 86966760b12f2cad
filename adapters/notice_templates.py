"""Notice templates: what a resident reads about their case, Japanese first, English second.

Each :class:`NoticeKind` has a subject and a plain-text body in both languages, written as
:class:`string.Template` text (``$name``). Every template of a kind takes the same
variables (:data:`TEMPLATE_VARIABLES`), so one mapping renders both languages:

- ``procedure_name``: the procedure as the resident knows it (児童手当 認定請求, ...);
- ``reference_number``: the case's reference number (受付番号);
- ``link``: where to look or what to do next (a URL or an instruction);
- ``office_message``: the office's own words (correction, decision, intake error);
- ``appointment`` and ``place``: when and where an interview takes place;
- ``title``: the heading of an ``update`` (the office's own title for the news).

A missing, blank or unknown variable raises :class:`adapters.errors.TemplateVariableError`
when rendering: a notice must never go out with a silent gap. :func:`build_notice` renders
both languages into an :class:`adapters.exchange.Notice` for a notifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from string import Template

from adapters.errors import TemplateVariableError
from adapters.exchange import Notice, NoticeChannel


class NoticeKind(StrEnum):
    """The notices the engine sends about a case."""

    RECEIVED = "received"  # 受付
    CORRECTION_REQUESTED = "correction_requested"  # 補正のお願い
    DECIDED = "decided"  # 決定のお知らせ
    INTAKE_ERROR = "intake_error"  # 受付エラー
    INTERVIEW_BOOKED = "interview_booked"  # 面談のご予約
    UPDATE = "update"  # お知らせ: any other news about the case, in the office's words


class Language(StrEnum):
    """The languages notices are written in; Japanese is always sent, English beside it."""

    JA = "ja"
    EN = "en"


@dataclass(frozen=True)
class RenderedText:
    """A rendered subject and body in one language."""

    subject: str
    body: str


_COMMON = ("procedure_name", "reference_number", "link")

TEMPLATE_VARIABLES: Mapping[NoticeKind, frozenset[str]] = {
    NoticeKind.RECEIVED: frozenset(_COMMON),
    NoticeKind.CORRECTION_REQUESTED: frozenset((*_COMMON, "office_message")),
    NoticeKind.DECIDED: frozenset((*_COMMON, "office_message")),
    NoticeKind.INTAKE_ERROR: frozenset((*_COMMON, "office_message")),
    NoticeKind.INTERVIEW_BOOKED: frozenset((*_COMMON, "appointment", "place")),
    NoticeKind.UPDATE: frozenset((*_COMMON, "title", "office_message")),
}
"""The variables each kind's templates take: all required, no others accepted."""

_SIGNATURE_JA = "\n\n※このお知らせは送信専用です。ご不明な点は担当窓口までお問い合わせください。\n"
_SIGNATURE_EN = (
    "\n\nThis notice was sent automatically; please contact the office in charge with"
    " any questions.\n"
)

_TEMPLATES: Mapping[tuple[NoticeKind, Language], tuple[str, str]] = {
    (NoticeKind.RECEIVED, Language.JA): (
        "【受付】$procedure_name（受付番号 $reference_number）",
        "$procedure_name の申請を受け付けました。\n"
        "受付番号: $reference_number\n\n"
        "審査の状況は次の方法でご確認いただけます。\n$link" + _SIGNATURE_JA,
    ),
    (NoticeKind.RECEIVED, Language.EN): (
        "Application received: $procedure_name (reference $reference_number)",
        "We have received your application for $procedure_name.\n"
        "Reference number: $reference_number\n\n"
        "You can follow its progress here:\n$link" + _SIGNATURE_EN,
    ),
    (NoticeKind.CORRECTION_REQUESTED, Language.JA): (
        "【補正のお願い】$procedure_name（受付番号 $reference_number）",
        "$procedure_name の申請（受付番号 $reference_number）について、"
        "補正をお願いします。\n\n"
        "担当窓口からのご連絡:\n$office_message\n\n"
        "補正の方法:\n$link" + _SIGNATURE_JA,
    ),
    (NoticeKind.CORRECTION_REQUESTED, Language.EN): (
        "Correction requested: $procedure_name (reference $reference_number)",
        "Your application for $procedure_name (reference $reference_number) needs a"
        " correction.\n\n"
        "Message from the office:\n$office_message\n\n"
        "How to correct it:\n$link" + _SIGNATURE_EN,
    ),
    (NoticeKind.DECIDED, Language.JA): (
        "【決定のお知らせ】$procedure_name（受付番号 $reference_number）",
        "$procedure_name の申請（受付番号 $reference_number）について、"
        "決定しましたのでお知らせします。\n\n"
        "担当窓口からのご連絡:\n$office_message\n\n"
        "決定の内容は次の方法でご確認いただけます。\n$link" + _SIGNATURE_JA,
    ),
    (NoticeKind.DECIDED, Language.EN): (
        "Decision: $procedure_name (reference $reference_number)",
        "A decision has been made on your application for $procedure_name"
        " (reference $reference_number).\n\n"
        "Message from the office:\n$office_message\n\n"
        "You can read the decision here:\n$link" + _SIGNATURE_EN,
    ),
    (NoticeKind.INTAKE_ERROR, Language.JA): (
        "【受付エラー】$procedure_name（受付番号 $reference_number）",
        "$procedure_name の申請（受付番号 $reference_number）を受け付けることが"
        "できませんでした。\n\n"
        "理由:\n$office_message\n\n"
        "お手数ですが、次の方法で改めて申請してください。\n$link" + _SIGNATURE_JA,
    ),
    (NoticeKind.INTAKE_ERROR, Language.EN): (
        "Application not accepted: $procedure_name (reference $reference_number)",
        "We could not accept your application for $procedure_name"
        " (reference $reference_number).\n\n"
        "Reason:\n$office_message\n\n"
        "Please apply again as follows:\n$link" + _SIGNATURE_EN,
    ),
    (NoticeKind.INTERVIEW_BOOKED, Language.JA): (
        "【面談のご予約】$procedure_name（受付番号 $reference_number）",
        "$procedure_name の申請（受付番号 $reference_number）について、"
        "面談のご予約を承りました。\n\n"
        "日時: $appointment\n"
        "場所: $place\n\n"
        "予約の確認・変更:\n$link" + _SIGNATURE_JA,
    ),
    (NoticeKind.INTERVIEW_BOOKED, Language.EN): (
        "Interview booked: $procedure_name (reference $reference_number)",
        "Your interview about your application for $procedure_name"
        " (reference $reference_number) is booked.\n\n"
        "When: $appointment\n"
        "Where: $place\n\n"
        "To check or change the booking:\n$link" + _SIGNATURE_EN,
    ),
    (NoticeKind.UPDATE, Language.JA): (
        "【お知らせ】$title（受付番号 $reference_number）",
        "$procedure_name の申請（受付番号 $reference_number）について、"
        "お知らせします。\n\n"
        "■ $title\n$office_message\n\n"
        "申請の状況は次の方法でご確認いただけます。\n$link" + _SIGNATURE_JA,
    ),
    (NoticeKind.UPDATE, Language.EN): (
        "Notice: $title (reference $reference_number)",
        "News about your application for $procedure_name"
        " (reference $reference_number).\n\n"
        "* $title\n$office_message\n\n"
        "You can follow your application here:\n$link" + _SIGNATURE_EN,
    ),
}


def render(
    kind: NoticeKind | str, language: Language | str, values: Mapping[str, str]
) -> RenderedText:
    """The subject and body of ``kind`` in ``language`` with ``values`` filled in.

    Raises :class:`adapters.errors.TemplateVariableError` when a variable the kind takes
    is missing or blank, or when ``values`` holds a variable it does not take (a typo
    would otherwise leave a gap unnoticed); ``ValueError`` for an unknown kind or language.
    """
    kind, language = NoticeKind(kind), Language(language)
    expected = TEMPLATE_VARIABLES[kind]
    missing = {name for name in expected if not values.get(name, "").strip()}
    unknown = set(values) - expected
    if missing or unknown:
        raise TemplateVariableError(f"{kind}/{language}", missing, unknown)
    subject, body = _TEMPLATES[(kind, language)]
    # Subjects are one line: a newline in a value must not break the header.
    one_line = {name: " ".join(value.split()) for name, value in values.items()}
    return RenderedText(
        subject=Template(subject).substitute(one_line),
        body=Template(body).substitute(values),
    )


def build_notice(
    kind: NoticeKind | str,
    values: Mapping[str, str],
    *,
    channel: NoticeChannel | str,
    resident_number: str,
    idempotency_key: str,
    application_id: str | None = None,
    recipient_email: str | None = None,
) -> Notice:
    """A :class:`adapters.exchange.Notice` of ``kind`` rendered in Japanese and English.

    ``idempotency_key`` must name this one intended notice (say, the case id, the kind and
    the transition), so a retried send is recognised and not delivered twice.
    """
    ja = render(kind, Language.JA, values)
    en = render(kind, Language.EN, values)
    return Notice(
        recipient_resident_number=resident_number,
        channel=NoticeChannel(channel),
        subject_ja=ja.subject,
        body_ja=ja.body,
        idempotency_key=idempotency_key,
        subject_en=en.subject,
        body_en=en.body,
        application_id=application_id,
        recipient_email=recipient_email,
    )


def compose(notice: Notice) -> RenderedText:
    """The one subject and body a channel delivers: Japanese first, English after it."""
    subject = notice.subject_ja
    body = notice.body_ja
    if notice.subject_en:
        subject = f"{subject} / {notice.subject_en}"
    if notice.body_en:
        body = f"{body.rstrip()}\n\n---- English ----\n\n{notice.body_en}"
    return RenderedText(subject=subject, body=body)
