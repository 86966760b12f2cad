"""Forms: field types, validation, normalisation, conditional logic, prefill, JSON Schema.

Depends on nothing else in the project (see ARCHITECTURE.md). The engine calls:

- :func:`validate_payload` / :func:`validate_step`: normalise and validate answers;
- :func:`check_form_spec`: find every mistake in a form declaration;
- :func:`json_schema`: the JSON Schema of a form's payload;
- the field-type registry (:func:`register_field_type`, :func:`get_field_type`,
  :func:`field_types`), which a vendor extends with new types.

The web screens draw forms with :mod:`forms.render` (HTML, Jinja macros, POST parsing),
imported on its own so that the engine does not load Jinja.
"""

from forms.checkspec import check_form_spec
from forms.errors import FieldError, ValidationResult
from forms.files import sniff_content_type
from forms.logic import evaluate, referenced_vars
from forms.prefectures import PREFECTURES
from forms.prefill import check_prefill_source, prefill_payload
from forms.schema import json_schema
from forms.types import (  # importing forms.types registers the built-in field types
    FieldContext,
    FieldType,
    FieldTypeRegistry,
    default_registry,
    field_types,
    get_field_type,
    register_field_type,
)
from forms.types.address import format_address
from forms.types.identifiers import format_postal_code, mask_my_number
from forms.validate import validate_payload, validate_step
from forms.wareki import DateInputError, format_date, parse_date

__all__ = [
    "PREFECTURES",
    "DateInputError",
    "FieldContext",
    "FieldError",
    "FieldType",
    "FieldTypeRegistry",
    "ValidationResult",
    "check_form_spec",
    "check_prefill_source",
    "default_registry",
    "evaluate",
    "field_types",
    "format_address",
    "format_date",
    "format_postal_code",
    "get_field_type",
    "json_schema",
    "mask_my_number",
    "parse_date",
    "prefill_payload",
    "referenced_vars",
    "register_field_type",
    "sniff_content_type",
    "validate_payload",
    "validate_step",
]
