"""The registry of field types: a decorator registers a type under its name.

A module-level default registry holds the built-in types; a vendor adds one with
``@register_field_type("vendor_code")``. Service functions (validation, schema, spec
checks) take ``registry=`` so a test can use another one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TypeVar

from forms.types.base import FieldType

FT = TypeVar("FT", bound=type[FieldType])

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class FieldTypeRegistry:
    """Field types by name."""

    def __init__(self) -> None:
        self._types: dict[str, FieldType] = {}

    def register(self, name: str, *, replace: bool = False) -> Callable[[FT], FT]:
        """Class decorator: register an instance of the class under ``name``."""

        def decorate(cls: FT) -> FT:
            self.add(name, cls(), replace=replace)
            return cls

        return decorate

    def add(self, name: str, field_type: FieldType, *, replace: bool = False) -> None:
        """Register ``field_type`` under ``name``; a taken name needs ``replace=True``."""
        if not _NAME.match(name):
            raise ValueError(f"field type name {name!r} must match {_NAME.pattern}")
        if name in self._types and not replace:
            raise ValueError(f"field type {name!r} is already registered")
        self._types[name] = field_type

    def get(self, name: str) -> FieldType:
        """The type registered as ``name``; KeyError when there is none."""
        try:
            return self._types[name]
        except KeyError:
            raise KeyError(f"unknown field type {name!r}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def names(self) -> list[str]:
        """The registered names, sorted."""
        return sorted(self._types)

    def as_mapping(self) -> Mapping[str, FieldType]:
        """A read-only view of the registered types by name."""
        return MappingProxyType(self._types)

    def copy(self) -> FieldTypeRegistry:
        """A new registry with the same types (extend it without touching this one)."""
        other = FieldTypeRegistry()
        other._types = dict(self._types)
        return other


default_registry = FieldTypeRegistry()


def register_field_type(name: str, *, replace: bool = False) -> Callable[[FT], FT]:
    """Class decorator registering a field type in the default registry."""
    return default_registry.register(name, replace=replace)


def get_field_type(name: str) -> FieldType:
    """The field type ``name`` from the default registry (KeyError when unknown)."""
    return default_registry.get(name)


def field_types() -> Mapping[str, FieldType]:
    """All field types of the default registry, by name (read-only)."""
    return default_registry.as_mapping()
