"""Public functions to obtain the configured adapters.

Flow: the caller passes its configuration (a mapping such as
``{"resident_registry": "mock", "mock_seed": "132152"}``); the function looks up the
implementation id under the capability's key in the registry (the default registry, with
the built-in implementations loaded, unless another is passed, as tests do) and builds
it from the configuration. An unknown or missing id raises
:class:`adapters.errors.UnknownImplementationError` listing the known ids.
"""

from __future__ import annotations

from collections.abc import Mapping

from adapters.base import JpkiVerifier, PublicFundsAccounts, ResidentRegistry
from adapters.capabilities import JPKI_VERIFIER, PUBLIC_FUNDS_ACCOUNTS, RESIDENT_REGISTRY
from adapters.registry import Registry, default_registry


def load_builtin_implementations() -> Registry:
    """Import the built-in implementations so they register; returns the default registry."""
    import adapters.mock  # noqa: F401 - imported for its registrations

    return default_registry


def resident_registry(
    config: Mapping[str, str], registry: Registry | None = None
) -> ResidentRegistry:
    """The resident registry (住民記録) named by ``config["resident_registry"]``."""
    return (registry or load_builtin_implementations()).configured(RESIDENT_REGISTRY, config)


def jpki_verifier(config: Mapping[str, str], registry: Registry | None = None) -> JpkiVerifier:
    """The JPKI signature verifier named by ``config["jpki_verifier"]``."""
    return (registry or load_builtin_implementations()).configured(JPKI_VERIFIER, config)


def public_funds_accounts(
    config: Mapping[str, str], registry: Registry | None = None
) -> PublicFundsAccounts:
    """The public-funds account registry named by ``config["public_funds_accounts"]``."""
    return (registry or load_builtin_implementations()).configured(PUBLIC_FUNDS_ACCOUNTS, config)
