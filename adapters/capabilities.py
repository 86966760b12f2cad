"""Capability keys: the names configuration uses to pick an implementation.

A :class:`Capability` couples a configuration key (``resident_registry``) with the
interface its implementations provide, so the registry can hand back correctly typed
implementations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

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

T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True)
class Capability(Generic[T_co]):
    """A partner capability; ``T_co`` is its interface (a Protocol from :mod:`adapters.base`).

    ``name`` is the configuration key whose value names the implementation to use.
    """

    name: str
    title_ja: str

    def __str__(self) -> str:
        return self.name


RESIDENT_REGISTRY = Capability[ResidentRegistry]("resident_registry", "住民記録")
JPKI_VERIFIER = Capability[JpkiVerifier]("jpki_verifier", "公的個人認証（署名検証）")
PUBLIC_FUNDS_ACCOUNTS = Capability[PublicFundsAccounts]("public_funds_accounts", "公金受取口座")
PITTARI_INTAKE = Capability[PittariIntake]("pittari_intake", "ぴったりサービス")
OSS_INTAKE = Capability[OssIntake]("oss_intake", "自動車保有関係手続のワンストップサービス")
CORE_SYSTEM = Capability[CoreSystem]("core_system", "基幹業務システム")
"""One capability for every core business: an implementation serves the business named by
:data:`CORE_BUSINESS_KEY` in its configuration (see :func:`adapters.service.core_system`)."""
NOTIFIER = Capability[Notifier]("notifier", "通知")
RESIDENT_LOGIN = Capability[ResidentLogin]("resident_login", "住民ログイン（デジタル認証アプリ）")
STAFF_LOGIN = Capability[StaffLogin]("staff_login", "職員ログイン（庁内認証基盤）")

ALL_CAPABILITIES: tuple[Capability[object], ...] = (
    RESIDENT_REGISTRY,
    JPKI_VERIFIER,
    PUBLIC_FUNDS_ACCOUNTS,
    PITTARI_INTAKE,
    OSS_INTAKE,
    CORE_SYSTEM,
    NOTIFIER,
    RESIDENT_LOGIN,
    STAFF_LOGIN,
)

CORE_BUSINESS_KEY = "core_system_business"
"""Configuration key telling a ``core_system`` factory which business to serve."""
