"""Errors raised by adapters and by the adapter registry."""

from __future__ import annotations

from collections.abc import Iterable


class AdapterError(Exception):
    """Base of every error raised by this package."""


class RegistryError(AdapterError):
    """The adapter registry was used wrongly (a configuration or programming error)."""


class DuplicateImplementationError(RegistryError):
    """An implementation id was registered twice for the same capability."""

    def __init__(self, capability: str, impl_id: str) -> None:
        super().__init__(f"{capability}: implementation id {impl_id!r} is already registered")
        self.capability = capability
        self.impl_id = impl_id


class UnknownImplementationError(RegistryError):
    """No implementation is registered under the requested or configured id."""

    def __init__(self, capability: str, impl_id: str | None, known: Iterable[str]) -> None:
        self.capability = capability
        self.impl_id = impl_id
        self.known = tuple(known)
        listing = ", ".join(self.known) if self.known else "(none registered)"
        if impl_id is None:
            problem = f"no implementation configured (set {capability!r})"
        else:
            problem = f"unknown implementation {impl_id!r}"
        super().__init__(f"{capability}: {problem}; known ids: {listing}")


class PartnerError(AdapterError):
    """A remote partner (a national service or core system) could not answer properly.

    Callers retry these; the outcome of the call on the far side may be unknown.
    """


class PartnerTimeoutError(PartnerError):
    """The partner did not answer in time; the call may or may not have taken effect."""


class PartnerUnavailableError(PartnerError):
    """The partner refused the call or answered with a server error (5xx)."""


class MalformedReplyError(PartnerError):
    """The partner answered with something that is not a valid reply."""


class RevocationCheckError(AdapterError):
    """The revocation list could not be trusted (bad signature or wrong issuer).

    Raised instead of a verdict: whether the certificate is revoked is unknown.
    """


class CardError(AdapterError):
    """A My Number Card operation failed (mock card reader)."""


class NoCardError(CardError):
    """The resident has no My Number Card, or the card has no certificate of that kind."""


class WrongPinError(CardError):
    """A wrong PIN or password was entered; ``remaining_attempts`` tries are left."""

    def __init__(self, message: str, remaining_attempts: int) -> None:
        super().__init__(message)
        self.remaining_attempts = remaining_attempts


class PinLockedError(CardError):
    """The PIN or password is locked after too many wrong tries.

    The resident must have it reset at the municipal counter.
    """
