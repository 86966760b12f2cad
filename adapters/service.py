"""Public functions to obtain the configured adapters.

Flow: the caller passes its configuration (a mapping such as
``{"resident_registry": "mock", "mock_seed": "132152"}``); the function looks up the
implementation id under the capability's key in the registry (the default registry, with
the built-in implementations loaded, unless another is passed, as tests do) and builds
it from the configuration. An unknown or missing id raises
:class:`adapters.errors.UnknownImplementationError` listing the known ids.

Core systems are one capability (``core_system``) serving nine businesses: the id is read
from ``core_system.<business>`` when a deployment sets it (say, a real 児童手当 system
beside mocks of the others), else from ``core_system``; the factory is told the business
under ``core_system_business``.

The notifier (``notifier``: ``mynaportal``, ``email`` or ``mock``) delivers notices to
residents. The Mynaportal one needs the Pittari intake: pass the one the caller already
holds as ``pittari``, else the configured ``pittari_intake`` is built.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from adapters.base import (
    CoreSystem,
    JpkiVerifier,
    Notifier,
    OssIntake,
    PittariIntake,
    PublicFundsAccounts,
    ResidentLogin,
    ResidentRegistry,
    StaffLogin,
)
from adapters.capabilities import (
    CORE_BUSINESS_KEY,
    CORE_SYSTEM,
    JPKI_VERIFIER,
    NOTIFIER,
    OSS_INTAKE,
    PITTARI_INTAKE,
    PUBLIC_FUNDS_ACCOUNTS,
    RESIDENT_LOGIN,
    RESIDENT_REGISTRY,
    STAFF_LOGIN,
)
from adapters.errors import UnknownImplementationError
from adapters.registry import Registry, default_registry


def load_builtin_implementations() -> Registry:
    """Import the built-in implementations so they register; returns the default registry."""
    for module in (
        "adapters.mock",
        "adapters.notifiers",
        "adapters.oidc_login",
        "adapters.partners_http",
        "adapters.pittari_http",
    ):
        importlib.import_module(module)  # imported for its registrations

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


def pittari_intake(config: Mapping[str, str], registry: Registry | None = None) -> PittariIntake:
    """The Mynaportal ぴったりサービス intake named by ``config["pittari_intake"]``."""
    return (registry or load_builtin_implementations()).configured(PITTARI_INTAKE, config)


def oss_intake(config: Mapping[str, str], registry: Registry | None = None) -> OssIntake:
    """The OSS (vehicle procedures) intake named by ``config["oss_intake"]``."""
    return (registry or load_builtin_implementations()).configured(OSS_INTAKE, config)


def resident_login(config: Mapping[str, str], registry: Registry | None = None) -> ResidentLogin:
    """The resident login (デジタル認証アプリ) named by ``config["resident_login"]``."""
    return (registry or load_builtin_implementations()).configured(RESIDENT_LOGIN, config)


def staff_login(config: Mapping[str, str], registry: Registry | None = None) -> StaffLogin:
    """The staff login (the municipality's identity provider) named by ``config["staff_login"]``."""
    return (registry or load_builtin_implementations()).configured(STAFF_LOGIN, config)


def core_system(
    business: str, config: Mapping[str, str], registry: Registry | None = None
) -> CoreSystem:
    """The core system of ``business`` (``jidou-teate``, ...; see the module text).

    Raises :class:`adapters.errors.UnknownImplementationError` when no id is configured
    and :class:`adapters.errors.UnknownCoreBusinessError` when the implementation has no
    such business.
    """
    chosen = registry or load_builtin_implementations()
    impl_id = config.get(f"{CORE_SYSTEM.name}.{business}", config.get(CORE_SYSTEM.name))
    if impl_id is None:
        raise UnknownImplementationError(CORE_SYSTEM.name, None, chosen.known_ids(CORE_SYSTEM))
    return chosen.get(CORE_SYSTEM, impl_id, {**config, CORE_BUSINESS_KEY: business})


def notifier(
    config: Mapping[str, str],
    registry: Registry | None = None,
    *,
    pittari: PittariIntake | None = None,
) -> Notifier:
    """The notifier named by ``config["notifier"]`` (``mynaportal``, ``email``, ``mock``).

    For ``mynaportal``, ``pittari`` (when given) is the intake the notices go through;
    otherwise the one ``config["pittari_intake"]`` names is used.
    """
    # Imported here: adapters.notifiers imports this module for its Pittari lookup.
    from adapters.notifier_mynaportal import MynaportalNotifier
    from adapters.notifiers import MYNAPORTAL

    chosen = registry or load_builtin_implementations()
    if config.get(NOTIFIER.name) == MYNAPORTAL and pittari is not None:
        chosen.factory(NOTIFIER, MYNAPORTAL)  # the registry must offer it all the same
        return MynaportalNotifier(pittari)
    return chosen.configured(NOTIFIER, config)
