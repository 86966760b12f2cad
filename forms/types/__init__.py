"""Field types: what each accepts, how it is normalised and validated, its JSON Schema.

Importing this package registers the built-in types in the default registry.
"""

from forms.types import (
    address,
    attachment,
    choices,
    dates,
    identifiers,
    numbers,
    structure,
    text,
)
from forms.types.base import TYPE_PARAMETERS, FieldContext, FieldType
from forms.types.registry import (
    FieldTypeRegistry,
    default_registry,
    field_types,
    get_field_type,
    register_field_type,
)

__all__ = [
    "TYPE_PARAMETERS",
    "FieldContext",
    "FieldType",
    "FieldTypeRegistry",
    "address",
    "attachment",
    "choices",
    "dates",
    "default_registry",
    "field_types",
    "get_field_type",
    "identifiers",
    "numbers",
    "register_field_type",
    "structure",
    "text",
]
