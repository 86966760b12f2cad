"""OSS application package, format ``oss-package/1``: the model and its JSON Schema.

自動車保有関係手続のワンストップサービス (OSS) takes one vehicle filing from a resident and
delivers a copy to every organisation that handles a part of it: the police (保管場所証明,
the parking certificate) and the prefectural tax office (自動車税). Each copy is a package
of its own, addressed to one organisation (``lg_code``) for the procedure it handles
(``procedure_code``), with its own ``application_id``; the copies of one filing share the
``filing_id``, the form data and the resident's one signature. ``recipients`` lists every
organisation the filing went to, so each knows the others exist.

Everything else is as in ``pittari-package/1`` (:mod:`adapters.pittari_package`, whose
parts this format reuses); ``docs/formats/oss-package.md`` documents the fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import AwareDatetime, ConfigDict, Field, JsonValue, ValidationError, model_validator

from adapters.errors import PackageFormatError
from adapters.pittari_package import (
    LgCode,
    PackageAttachment,
    PackagePart,
    PackageSignature,
    Rendering,
    check_signer,
    package_problems,
)
from adapters.signatures import canonical_bytes

OSS_PACKAGE_FORMAT = "oss-package/1"
"""The format string of this version; it changes with every incompatible change."""

OSS_SCHEMA_ID = "urn:madoguchi:format:oss-package:1"


class OssPackage(PackagePart):
    """One organisation's copy of a vehicle filing made on OSS (format ``oss-package/1``)."""

    model_config = ConfigDict(title="OSS application package (oss-package/1)")

    format: Literal["oss-package/1"]
    application_id: str = Field(pattern=r"^OS[0-9]{16}$")
    filing_id: str = Field(pattern=r"^OF[0-9]{16}$")
    procedure_code: str = Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=64)
    lg_code: LgCode
    recipients: tuple[LgCode, ...] = Field(min_length=1)
    submitted_at: AwareDatetime
    form_data: dict[str, JsonValue]
    rendering: Rendering
    attachments: tuple[PackageAttachment, ...]
    signature: PackageSignature
    signer_serial: str = Field(pattern=r"^[1-9][0-9]{0,48}$")

    @model_validator(mode="after")
    def _consistent(self) -> OssPackage:
        if self.lg_code not in self.recipients:
            raise ValueError(f"lg_code {self.lg_code} is not among the recipients")
        if len(set(self.recipients)) != len(self.recipients):
            raise ValueError("recipients lists an organisation twice")
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


def parse_oss_package(data: bytes | str | Mapping[str, object]) -> OssPackage:
    """Validate ``data`` (JSON text or a mapping) as an ``oss-package/1`` package.

    Raises :class:`adapters.errors.PackageFormatError` listing every problem.
    """
    try:
        if isinstance(data, Mapping):
            return OssPackage.model_validate(data)
        return OssPackage.model_validate_json(data)
    except ValidationError as error:
        raise PackageFormatError(OSS_PACKAGE_FORMAT, package_problems(error)) from None


def oss_package_json_schema() -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of ``oss-package/1``."""
    schema = OssPackage.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": OSS_SCHEMA_ID,
        **schema,
    }
