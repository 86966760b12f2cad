"""The adapter registry: implementations registered under ids, picked by configuration.

Follows the plugin registries of Open Forms: a decorator registers a factory under a
unique id for a capability; a module-level :data:`default_registry` holds the built-in
implementations, and service functions (:mod:`adapters.service`) accept another registry
so tests can use their own. Mocks are ordinary implementations with the id ``mock``.

A factory receives the whole configuration mapping, so an implementation reads its own
settings (for example ``mock_seed``) from it::

    @default_registry.register(RESIDENT_REGISTRY, "mock")
    def build(config: Mapping[str, str]) -> ResidentRegistry: ...

    registry = default_registry.configured(RESIDENT_REGISTRY, {"resident_registry": "mock"})
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from typing import TypeVar, cast

from adapters.capabilities import Capability
from adapters.errors import DuplicateImplementationError, UnknownImplementationError

T = TypeVar("T")

Factory = Callable[[Mapping[str, str]], T]

_IMPL_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class Registry:
    """Implementations of each capability, by id."""

    def __init__(self) -> None:
        self._factories: dict[str, dict[str, Callable[[Mapping[str, str]], object]]] = {}
        self._lock = threading.Lock()

    def register(
        self, capability: Capability[T], impl_id: str
    ) -> Callable[[Factory[T]], Factory[T]]:
        """Decorator registering a factory for ``capability`` under ``impl_id``.

        The factory is returned unchanged. Raises ``DuplicateImplementationError`` when the
        id is already taken for this capability and ``ValueError`` for a malformed id.
        """
        if not _IMPL_ID.match(impl_id):
            raise ValueError(f"implementation ids are lower-case ASCII words: {impl_id!r}")

        def decorator(factory: Factory[T]) -> Factory[T]:
            with self._lock:
                known = self._factories.setdefault(capability.name, {})
                if impl_id in known:
                    raise DuplicateImplementationError(capability.name, impl_id)
                known[impl_id] = factory
            return factory

        return decorator

    def known_ids(self, capability: Capability[T]) -> tuple[str, ...]:
        """The registered ids for ``capability``, sorted."""
        return tuple(sorted(self._factories.get(capability.name, {})))

    def factory(self, capability: Capability[T], impl_id: str) -> Factory[T]:
        """The factory registered under ``impl_id``.

        Raises ``UnknownImplementationError`` (listing the known ids) when there is none.
        """
        factories = self._factories.get(capability.name, {})
        if impl_id not in factories:
            raise UnknownImplementationError(capability.name, impl_id, self.known_ids(capability))
        # The decorator only accepted factories of this capability's interface.
        return cast(Factory[T], factories[impl_id])

    def get(
        self, capability: Capability[T], impl_id: str, config: Mapping[str, str] | None = None
    ) -> T:
        """An implementation built by the factory ``impl_id`` from ``config`` (default: empty)."""
        return self.factory(capability, impl_id)({} if config is None else config)

    def configured(self, capability: Capability[T], config: Mapping[str, str]) -> T:
        """The implementation that ``config[capability.name]`` names, built from ``config``.

        Raises ``UnknownImplementationError`` listing the known ids when the key is missing
        or names no registered implementation.
        """
        impl_id = config.get(capability.name)
        if impl_id is None:
            raise UnknownImplementationError(capability.name, None, self.known_ids(capability))
        return self.get(capability, impl_id, config)


default_registry = Registry()
"""The process-wide registry; built-in implementations register themselves here."""
