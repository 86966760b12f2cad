"""The words of the form screens themselves (not of any definition), in Japanese and English."""

from __future__ import annotations

from dataclasses import dataclass

from forms.spec import LocalizedText


@dataclass(frozen=True)
class UiText:
    """Interface words in one language; the templates read them by attribute."""

    lang: str
    required: str
    error_prefix: str
    error_summary_title: str
    select_placeholder: str
    yes: str
    no: str
    agree: str
    agreed: str
    not_agreed: str
    computed_hint: str
    not_computed: str
    not_given: str
    no_rows: str
    change: str
    steps_label: str
    files_heading: str
    money_unit: str
    # Templates with {placeholders}, filled in by the view builders.
    step_of: str
    row_legend: str
    add_row: str
    remove_row: str
    rows_limit: str
    rows_full: str
    remove_file: str
    file_kinds: str
    file_size: str
    file_count: str
    max_chars: str
    list_separator: str


JA = UiText(
    lang="ja",
    required="必須",
    error_prefix="エラー：",
    error_summary_title="入力内容に誤りがあります",
    select_placeholder="選択してください",
    yes="はい",
    no="いいえ",
    agree="上記の内容に同意します",
    agreed="同意する",
    not_agreed="同意しない",
    computed_hint="ほかの回答から自動で計算します。",
    not_computed="（まだ計算できません）",
    not_given="（未入力）",
    no_rows="（なし）",
    change="変更",
    steps_label="手続のステップ",
    files_heading="添付済みのファイル",
    money_unit="円",
    step_of="ステップ {n} / {total}",
    row_legend="{label} {n}",
    add_row="{label}を追加する",
    remove_row="{row}を削除する",
    rows_limit="{max}件まで入力できます。",
    rows_full="これ以上は追加できません（{max}件まで）。",
    remove_file="「{name}」を削除する",
    file_kinds="添付できるファイル：{kinds}",
    file_size="1ファイル{kb}KBまで",
    file_count="{n}件まで",
    max_chars="{n}文字以内で入力してください。",
    list_separator="、",
)

EN = UiText(
    lang="en",
    required="Required",
    error_prefix="Error: ",
    error_summary_title="There is a problem",
    select_placeholder="Select",
    yes="Yes",
    no="No",
    agree="I agree to the above",
    agreed="Agreed",
    not_agreed="Not agreed",
    computed_hint="Calculated from your other answers.",
    not_computed="(not calculated yet)",
    not_given="Not given",
    no_rows="None",
    change="Change",
    steps_label="Steps of this application",
    files_heading="Files attached",
    money_unit="yen",
    step_of="Step {n} of {total}",
    row_legend="{label} {n}",
    add_row="Add another: {label}",
    remove_row="Remove {row}",
    rows_limit="You can enter up to {max}.",
    rows_full="No more can be added (up to {max}).",
    remove_file="Remove “{name}”",
    file_kinds="Files accepted: {kinds}",
    file_size="up to {kb} KB each",
    file_count="up to {n} files",
    max_chars="Up to {n} characters.",
    list_separator=", ",
)


def ui_text(lang: str) -> UiText:
    """The interface words for ``lang``: English for ``en``, Japanese otherwise.

    The same rule as :meth:`LocalizedText.get`, so labels and interface agree.
    """
    return EN if lang == "en" else JA


def _lt(ja: str, en: str) -> LocalizedText:
    return LocalizedText(ja=ja, en=en)


# What each prefill source is called in the badge beside a prefilled answer.
PREFILLED_FROM: dict[str, LocalizedText] = {
    "registry": _lt("住民記録から入力済み", "Filled in from your resident record"),
    "public_funds_account": _lt(
        "公金受取口座から入力済み", "Filled in from your public-funds account"
    ),
    "jpki": _lt("マイナンバーカードから入力済み", "Filled in from your My Number Card"),
    "previous_case": _lt("前回の申請から入力済み", "Filled in from your previous application"),
}


def prefilled_badge(source: str | None, lang: str) -> str:
    """The badge text for a value prefilled from ``source`` (``registry.resident.name``)."""
    head = (source or "registry").split(".")[0]
    return PREFILLED_FROM.get(head, PREFILLED_FROM["registry"]).get(lang)


# How to type each kind of answer; shown under the definition's own hint.
FORMAT_HINTS: dict[str, LocalizedText] = {
    "date": _lt(
        "西暦（例：2025-04-01）か和暦（例：令和7年4月1日）で入力してください。",
        "Enter it like 2025-04-01, or in the Japanese calendar like 令和7年4月1日.",
    ),
    "postal_code": _lt("例：123-4567", "For example, 123-4567."),
    "phone": _lt("例：090-1234-5678", "For example, 090-1234-5678."),
    "email": _lt("例：taro@example.jp", "For example, taro@example.jp."),
    "kana": _lt("カタカナで入力してください。", "Write it in katakana."),
    "bank_holder_kana": _lt(
        "通帳に書かれているとおりにカタカナで入力してください。",
        "Write it in katakana as it appears on the bank book.",
    ),
    "my_number": _lt("12桁の数字", "12 digits."),
    "insured_number": _lt("10桁の数字", "10 digits."),
    "lg_code": _lt("6桁の数字（例：131016）", "6 digits, for example 131016."),
    "bank_code": _lt("4桁の数字", "4 digits."),
    "branch_code": _lt("3桁の数字", "3 digits."),
    "account_number": _lt("7桁以内の数字", "Up to 7 digits."),
    "money": _lt("1円単位の金額を数字で入力してください。", "A whole amount in yen, in digits."),
}
