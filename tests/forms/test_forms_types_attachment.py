"""The attachment field type: references checked against accept, size and count."""

from __future__ import annotations

from typing import Any

from forms import ValidationResult, validate_payload
from forms.spec import FormSpec

PHOTOS = {
    "type": "attachment",
    "label": {"ja": "被害の写真", "en": "Photos of the damage"},
    "accept": ["image/jpeg", "image/png", "application/pdf"],
    "max_size_kb": 100,
    "max_files": 2,
}


def ref(
    name: str = "roof.jpg", content_type: str = "image/jpeg", size: int = 1000
) -> dict[str, Any]:
    return {"sha256": "AB" * 32, "name": name, "content_type": content_type, "size": size}


def check(value: Any, **extra: Any) -> ValidationResult:
    form = FormSpec.model_validate(
        {
            "steps": [
                {"id": "s", "title": {"ja": "入力"}, "fields": [{"id": "f", **PHOTOS, **extra}]}
            ]
        }
    )
    return validate_payload(form, {"f": value})


def test_references_are_normalised() -> None:
    result = check([ref(content_type="Image/JPG; charset=binary", name=" roof.jpg ")])
    assert result.data == {
        "f": [{"sha256": "ab" * 32, "name": "roof.jpg", "content_type": "image/jpeg", "size": 1000}]
    }


def test_a_single_reference_is_a_list_of_one() -> None:
    assert check(ref()).data["f"] == [ref() | {"sha256": "ab" * 32}]


def test_type_not_accepted() -> None:
    (error,) = check([ref(name="roof.gif", content_type="image/gif")]).errors
    assert (error.path, error.code, error.message.ja, error.message.en) == (
        "f[0]",
        "file_type",
        "「被害の写真」に添付できるのはJPEG、PNG、PDFのファイルです。「roof.gif」は添付できません。",
        'Photos of the damage accepts JPEG, PNG, PDF files only; "roof.gif" cannot be attached.',
    )


def test_too_large_and_too_many() -> None:
    errors = check(
        [ref(), ref(), ref(name="big.pdf", content_type="application/pdf", size=102_401)]
    ).errors
    assert [(e.path, e.code) for e in errors] == [("f", "too_many"), ("f[2]", "file_too_large")]
    assert errors[0].message.ja == "「被害の写真」に添付できるファイルは2件までです。"
    assert (
        errors[1].message.ja
        == "「被害の写真」の「big.pdf」は大きすぎます。1ファイル100KBまでにしてください。"
    )


def test_malformed_references() -> None:
    errors = check(
        [{"sha256": "xyz", "name": "a", "content_type": "image/png", "size": 1}, "a"]
    ).errors
    assert [(e.path, e.code) for e in errors] == [("f[0]", "invalid"), ("f[1]", "invalid")]
    assert (
        errors[0].message.ja
        == "「被害の写真」の添付ファイルの情報が正しくありません。もう一度添付してください。"
    )


def test_wildcard_accept() -> None:
    assert check([ref(content_type="image/heic")], accept=["image/*"]).ok
    (error,) = check([ref(content_type="application/pdf", name="a.pdf")], accept=["image/*"]).errors
    assert error.message.ja.startswith("「被害の写真」に添付できるのは画像のファイルです。")


def test_required_attachment() -> None:
    (error,) = check([], required=True).errors
    assert (error.code, error.message.ja) == (
        "required",
        "「被害の写真」のファイルを添付してください。",
    )
