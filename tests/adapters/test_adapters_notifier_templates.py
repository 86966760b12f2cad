"""Notice templates: both languages render every variable, and a gap is an error."""

from __future__ import annotations

import pytest

from adapters.errors import TemplateVariableError
from adapters.exchange import NoticeChannel
from adapters.notice_templates import (
    TEMPLATE_VARIABLES,
    Language,
    NoticeKind,
    build_notice,
    compose,
    render,
)

VALUES = {
    "procedure_name": "児童手当 認定請求",
    "reference_number": "R2025-000123",
    "link": "https://madoguchi.example.lg.jp/cases/R2025-000123",
    "office_message": "所得証明書の添付をお願いします。",
    "appointment": "2025年6月10日 10:00",
    "place": "国立市役所 2階 子育て支援課",
    "title": "面談の日時を変更しました",
}

HEADINGS_JA = {
    NoticeKind.RECEIVED: "【受付】",
    NoticeKind.CORRECTION_REQUESTED: "【補正のお願い】",
    NoticeKind.DECIDED: "【決定のお知らせ】",
    NoticeKind.INTAKE_ERROR: "【受付エラー】",
    NoticeKind.INTERVIEW_BOOKED: "【面談のご予約】",
    NoticeKind.UPDATE: "【お知らせ】",
}


def values_for(kind: NoticeKind) -> dict[str, str]:
    """Exactly the variables ``kind`` takes."""
    return {name: VALUES[name] for name in TEMPLATE_VARIABLES[kind]}


@pytest.mark.parametrize("kind", list(NoticeKind))
@pytest.mark.parametrize("language", list(Language))
def test_every_template_shows_every_variable_it_takes(kind: NoticeKind, language: Language) -> None:
    text = render(kind, language, values_for(kind))
    assert "R2025-000123" in text.subject
    assert "$" not in text.subject + text.body
    for name in TEMPLATE_VARIABLES[kind]:
        assert VALUES[name] in text.body, name


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_japanese_subjects_name_the_kind(kind: NoticeKind) -> None:
    assert render(kind, "ja", values_for(kind)).subject.startswith(HEADINGS_JA[kind])


def test_the_office_message_is_in_a_correction_request() -> None:
    text = render("correction_requested", "en", values_for(NoticeKind.CORRECTION_REQUESTED))
    assert text.subject == "Correction requested: 児童手当 認定請求 (reference R2025-000123)"
    assert "Message from the office:\n所得証明書の添付をお願いします。" in text.body


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_a_missing_variable_is_an_error_not_a_blank(kind: NoticeKind) -> None:
    for name in TEMPLATE_VARIABLES[kind]:
        values = values_for(kind)
        del values[name]
        with pytest.raises(TemplateVariableError) as raised:
            render(kind, "ja", values)
        assert raised.value.missing == (name,)


def test_a_blank_or_unknown_variable_is_an_error() -> None:
    values = {**values_for(NoticeKind.INTAKE_ERROR), "office_message": "  "}
    with pytest.raises(TemplateVariableError, match="missing or blank: office_message"):
        render(NoticeKind.INTAKE_ERROR, "en", values)
    values = {**values_for(NoticeKind.RECEIVED), "refrence_number": "R1"}
    with pytest.raises(TemplateVariableError, match="unknown: refrence_number") as raised:
        render(NoticeKind.RECEIVED, "ja", values)
    assert raised.value.unknown == ("refrence_number",)


def test_unknown_kinds_and_languages_are_refused() -> None:
    with pytest.raises(ValueError, match="approved"):
        render("approved", "ja", VALUES)
    with pytest.raises(ValueError, match="fr"):
        render("received", "fr", values_for(NoticeKind.RECEIVED))


def test_a_line_break_in_a_value_stays_out_of_the_subject() -> None:
    values = {**values_for(NoticeKind.RECEIVED), "procedure_name": "児童手当\n認定請求"}
    text = render(NoticeKind.RECEIVED, "ja", values)
    assert "\n" not in text.subject
    assert "児童手当 認定請求" in text.subject


def test_built_notices_carry_both_languages_japanese_first() -> None:
    notice = build_notice(
        NoticeKind.DECIDED,
        values_for(NoticeKind.DECIDED),
        channel="email",
        resident_number="1000000201",
        idempotency_key="case-1/decided",
        recipient_email="taro@example.jp",
    )
    assert notice.channel is NoticeChannel.EMAIL
    assert notice.subject_ja.startswith("【決定のお知らせ】")
    assert notice.subject_en is not None
    assert notice.subject_en.startswith("Decision:")
    text = compose(notice)
    assert text.subject == f"{notice.subject_ja} / {notice.subject_en}"
    assert text.body.index("決定しました") < text.body.index("A decision has been made")
