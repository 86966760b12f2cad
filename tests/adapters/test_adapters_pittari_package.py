"""The ``pittari-package/1`` format: the exported schema, good packages, clear errors."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from adapters.errors import PackageFormatError, PartnerRefusalError
from adapters.exchange import Attachment
from adapters.mock.pittari_filing import file_application
from adapters.mock.world import DemoWorld
from adapters.pittari_package import PACKAGE_FORMAT, package_json_schema, parse_package

FORMATS = Path(__file__).parents[2] / "docs" / "formats"
SCHEMA_FILE = FORMATS / "pittari-package.schema.json"
FORM = {"claimant": {"name": "高橋\u3000大輔", "kana": "タカハシ\u3000ダイスケ"}, "children": 1}


@pytest.fixture
def good(pittari_world: DemoWorld) -> dict[str, Any]:
    """A filed package as JSON data, ready to be spoiled by each test."""
    persona = pittari_world.population.persona("newborn_family")
    attachment = Attachment("通帳.png", "image/png", b"\x89PNG\r\n\x1a\n-passbook-")
    application_id = file_application(
        pittari_world, "jidou-teate-nintei", persona, FORM, [attachment]
    )
    data: dict[str, Any] = json.loads(pittari_world.pittari.package_bytes(application_id))
    return data


def problems_of(data: dict[str, Any]) -> tuple[str, ...]:
    with pytest.raises(PackageFormatError) as caught:
        parse_package(json.dumps(data))
    return caught.value.problems


def test_exported_schema_file_is_the_models_schema() -> None:
    exported = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert exported == package_json_schema()
    assert exported["properties"]["format"]["const"] == PACKAGE_FORMAT
    assert exported["additionalProperties"] is False


def test_the_documented_example_is_a_valid_package() -> None:
    package = parse_package((FORMATS / "pittari-package.example.json").read_bytes())
    assert package.application_id == "PT2025060200000001"
    assert package.attachments[0].content().decode("utf-8") == "口座確認書類（見本）"
    assert f'"signer_serial": "{package.signer_serial}"' in (
        FORMATS / "pittari-package.md"
    ).read_text(encoding="utf-8")


def test_a_filed_package_validates_and_survives_a_round_trip(good: dict[str, Any]) -> None:
    package = parse_package(json.dumps(good, ensure_ascii=False).encode("utf-8"))
    assert package.format == "pittari-package/1"
    assert package.lg_code == "132152"
    assert package.submitted_at.utcoffset() is not None
    assert package.attachments[0].content() == b"\x89PNG\r\n\x1a\n-passbook-"
    assert parse_package(package.to_json_bytes()) == package
    assert parse_package(good) == package


def test_a_package_error_is_a_refusal_listing_every_problem(good: dict[str, Any]) -> None:
    good["format"] = "pittari-package/2"
    good["lg_code"] = "132153"
    good["surprise"] = True
    with pytest.raises(PartnerRefusalError) as caught:
        parse_package(json.dumps(good))
    assert isinstance(caught.value, PackageFormatError)
    problems = caught.value.problems
    assert any(p.startswith("format: ") and "pittari-package/1" in p for p in problems)
    assert "lg_code: 132153 is not a local government code (wrong check digit)" in problems
    assert any(p.startswith("surprise: ") for p in problems)


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("application_id", "PT123", "application_id"),
        ("procedure_code", "Jidou Teate", "procedure_code"),
        ("submitted_at", "2025-06-02T12:00:00", "submitted_at"),
        ("form_data", ["not", "an", "object"], "form_data"),
        ("signer_serial", "0123", "signer_serial"),
        ("attachments", None, "attachments"),
    ],
)
def test_malformed_top_level_fields_are_named(
    good: dict[str, Any], field: str, value: object, where: str
) -> None:
    good[field] = value
    assert any(p.startswith(f"{where}: ") for p in problems_of(good))


def test_a_missing_field_is_named(good: dict[str, Any]) -> None:
    del good["signature"]
    assert problems_of(good) == ("signature: Field required",)


def test_attachment_size_and_digest_must_match_the_content(good: dict[str, Any]) -> None:
    good["attachments"][0]["size"] += 1
    (problem,) = problems_of(good)
    assert problem.startswith("attachments.0: size is ")
    good["attachments"][0]["size"] -= 1
    good["attachments"][0]["content_base64"] = base64.b64encode(b"other").decode()
    good["attachments"][0]["size"] = 5
    assert problems_of(good) == ("attachments.0: sha256 does not match the content",)


def test_base64_must_be_strict(good: dict[str, Any]) -> None:
    good["rendering"]["content_base64"] = "PGh0bWw+x"
    (problem,) = problems_of(good)
    assert problem.startswith("rendering.content_base64: not valid base64")


def test_rendering_type_is_pdf_or_html(good: dict[str, Any]) -> None:
    good["rendering"]["content_type"] = "image/png"
    (problem,) = problems_of(good)
    assert problem.startswith("rendering.content_type: ")


def test_signer_serial_must_be_the_certificates(good: dict[str, Any]) -> None:
    good["signer_serial"] = str(int(good["signer_serial"]) + 1)
    (problem,) = problems_of(good)
    assert "is not the certificate's serial" in problem


def test_signature_algorithm_must_fit_the_key(good: dict[str, Any]) -> None:
    good["signature"]["algorithm"] = "sha256WithRSAEncryption"
    (problem,) = problems_of(good)
    assert "the key needs ecdsa-with-SHA256" in problem


def test_certificate_must_be_a_certificate(good: dict[str, Any]) -> None:
    good["signature"]["certificate_pem"] = "-----BEGIN CERTIFICATE-----\nAAAA\n"
    assert problems_of(good) == ("(package): signature.certificate_pem is not a PEM certificate",)


def test_not_json_at_all_is_a_format_error() -> None:
    with pytest.raises(PackageFormatError, match="pittari-package/1: invalid package"):
        parse_package(b'{"format": "pittari-package/1", ')
