"""Pittari application package, format ``pittari-package/1``: the model and its JSON Schema.

The real Mynaportal wire format is not public here, so the mock defines this one and
keeps it stable (``docs/formats/pittari-package.md`` documents every field). The pydantic
model is the single source: :func:`package_json_schema` exports the JSON Schema from it
and :func:`parse_package` validates bytes or mappings against it, checking also what a
JSON Schema cannot say (the code's check digit, each attachment's size and SHA-256, the
certificate's serial).

Versioning: a compatible addition is not allowed within a major version (extra fields
are refused); any change gets a new format string (``pittari-package/2``), and readers
choose the model by that string.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from typing import Annotated, Literal

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StrictInt,
    ValidationError,
    model_validator,
)

from adapters.check_digits import is_valid_lg_code
from adapters.errors import PackageFormatError
from adapters.signatures import Signature, canonical_bytes

PACKAGE_FORMAT = "pittari-package/1"
"""The format string of this version; it changes with every incompatible change."""

SCHEMA_ID = "urn:madoguchi:format:pittari-package:1"
"""The ``$id`` of the exported JSON Schema."""

ECDSA_SHA256 = "ecdsa-with-SHA256"
RSA_SHA256 = "sha256WithRSAEncryption"


def _check_base64(value: str) -> str:
    try:
        base64.b64decode(value, validate=True)
    except binascii.Error as error:
        raise ValueError(f"not valid base64 ({error})") from None
    return value


def _check_lg_code(value: str) -> str:
    if not is_valid_lg_code(value):
        raise ValueError(f"{value} is not a local government code (wrong check digit)")
    return value


Base64Text = Annotated[
    str,
    Field(pattern=r"^[A-Za-z0-9+/]*={0,2}$", json_schema_extra={"contentEncoding": "base64"}),
    AfterValidator(_check_base64),
]


LgCode = Annotated[str, Field(pattern=r"^[0-9]{6}$"), AfterValidator(_check_lg_code)]
"""A local government code (6 digits, the last a check digit)."""


class PackagePart(BaseModel):
    """Every part of a package is immutable and refuses unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Rendering(PackagePart):
    """The filled form as the resident saw it: a PDF, or HTML (UTF-8)."""

    content_type: Literal["application/pdf", "text/html"]
    content_base64: Annotated[Base64Text, Field(min_length=4)]

    def content(self) -> bytes:
        """The rendering's bytes."""
        return base64.b64decode(self.content_base64)


class PackageAttachment(PackagePart):
    """A supporting document the resident attached, with its size and SHA-256."""

    name: str = Field(min_length=1, max_length=255, pattern=r"^[^/\\\x00-\x1f]+$")
    content_type: str = Field(pattern=r"^[a-z]+/[A-Za-z0-9.+-]+$")
    size: StrictInt = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    content_base64: Base64Text

    @model_validator(mode="after")
    def _content_matches(self) -> PackageAttachment:
        content = self.content()
        if len(content) != self.size:
            raise ValueError(f"size is {self.size} but the content has {len(content)} bytes")
        if hashlib.sha256(content).hexdigest() != self.sha256:
            raise ValueError("sha256 does not match the content")
        return self

    def content(self) -> bytes:
        """The attachment's bytes."""
        return base64.b64decode(self.content_base64)


class PackageSignature(PackagePart):
    """The applicant's signature over ``canonical_bytes(form_data)``, with its certificate."""

    algorithm: Literal["ecdsa-with-SHA256", "sha256WithRSAEncryption"]
    value: Annotated[Base64Text, Field(min_length=4)]
    certificate_pem: str = Field(pattern=r"^-----BEGIN CERTIFICATE-----\r?\n")

    def to_signature(self) -> Signature:
        """The signature as :class:`adapters.base.JpkiVerifier` takes it."""
        return Signature(value=base64.b64decode(self.value), certificate_pem=self.certificate_pem)


def check_signer(signature: PackageSignature, signer_serial: str) -> None:
    """What a schema cannot say about a package's signature part: the PEM is a
    certificate whose serial is ``signer_serial`` and whose key fits the algorithm
    (``ValueError`` otherwise). Shared by every package format."""
    try:
        certificate = x509.load_pem_x509_certificate(signature.certificate_pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise ValueError("signature.certificate_pem is not a PEM certificate") from None
    if str(certificate.serial_number) != signer_serial:
        raise ValueError(
            f"signer_serial {signer_serial} is not the certificate's serial"
            f" ({certificate.serial_number})"
        )
    key = certificate.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        raise ValueError("the certificate's key is neither RSA nor EC")
    expected = ECDSA_SHA256 if isinstance(key, ec.EllipticCurvePublicKey) else RSA_SHA256
    if signature.algorithm != expected:
        raise ValueError(
            f"signature.algorithm is {signature.algorithm} but the key needs {expected}"
        )


def package_problems(error: ValidationError) -> list[str]:
    """Every problem of a failed validation as ``field.path: what is wrong``."""
    return [_problem(dict(detail)) for detail in error.errors(include_url=False)]


class PittariPackage(PackagePart):
    """One application filed on Mynaportal ぴったりサービス (format ``pittari-package/1``)."""

    model_config = ConfigDict(title="Pittari application package (pittari-package/1)")

    format: Literal["pittari-package/1"]
    application_id: str = Field(pattern=r"^PT[0-9]{16}$")
    procedure_code: str = Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=64)
    lg_code: LgCode
    submitted_at: AwareDatetime
    form_data: dict[str, JsonValue]
    rendering: Rendering
    attachments: tuple[PackageAttachment, ...]
    signature: PackageSignature
    signer_serial: str = Field(pattern=r"^[1-9][0-9]{0,48}$")

    @model_validator(mode="after")
    def _certificate_matches(self) -> PittariPackage:
        check_signer(self.signature, self.signer_serial)
        return self

    @property
    def signer_serial_number(self) -> int:
        """The signing certificate's serial as an integer (the registry's key)."""
        return int(self.signer_serial)

    def signed_payload(self) -> bytes:
        """The exact bytes the applicant signed: canonical JSON of ``form_data``."""
        return canonical_bytes(self.form_data)

    def to_json_bytes(self) -> bytes:
        """The package as JSON (UTF-8), fields in the documented order."""
        return self.model_dump_json().encode("utf-8")


def _problem(error: Mapping[str, object]) -> str:
    loc = error.get("loc", ())
    where = ".".join(str(part) for part in loc) if isinstance(loc, tuple) else ""
    message = str(error.get("msg", "invalid"))
    message = message.removeprefix("Value error, ")
    return f"{where or '(package)'}: {message}"


def parse_package(data: bytes | str | Mapping[str, object]) -> PittariPackage:
    """Validate ``data`` (JSON text or a mapping) as a ``pittari-package/1`` package.

    Raises :class:`adapters.errors.PackageFormatError` listing every problem, e.g.
    ``lg_code: 132153 is not a local government code (wrong check digit)``.
    """
    try:
        if isinstance(data, Mapping):
            return PittariPackage.model_validate(data)
        return PittariPackage.model_validate_json(data)
    except ValidationError as error:
        raise PackageFormatError(PACKAGE_FORMAT, package_problems(error)) from None


def package_json_schema() -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of ``pittari-package/1``, as exported to the docs."""
    schema = PittariPackage.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }
