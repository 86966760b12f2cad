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

    Transient: callers retry these. The outcome of the call on the far side may be unknown
    (a timeout, or a reply that could not be read), so before repeating a write the caller
    reconciles, e.g. with :meth:`adapters.base.CoreSystem.lookup`.
    """


class PartnerTimeoutError(PartnerError):
    """The partner did not answer in time; the call may or may not have taken effect."""


class PartnerUnavailableError(PartnerError):
    """The partner refused the call or answered with a server error (5xx)."""


class MalformedReplyError(PartnerError):
    """The partner answered with something that is not a valid reply.

    The call may have taken effect: the far side answered, only not readably.
    """


class PartnerRefusalError(AdapterError):
    """A partner answered and refused the call for good: retrying it cannot succeed.

    Unlike a :class:`PartnerError`, nothing is uncertain: the call had no effect. The
    caller must not retry; the case needs a person (fix the data, or investigate).
    """


class RecordRejectedError(PartnerRefusalError):
    """A core system refused a record: its shape is wrong or it refers to nothing.

    ``problems`` lists every fault found, one sentence each, so staff can fix them at once.
    """

    def __init__(self, business: str, problems: Iterable[str]) -> None:
        self.business = business
        self.problems = tuple(problems)
        super().__init__(f"{business}: record refused: " + "; ".join(self.problems))


class IdempotencyConflictError(PartnerRefusalError):
    """An idempotency key was reused for a different record.

    The first record stays as it was; ``record_id`` names it. Reusing a key for other data
    is a programming error in the caller (keys must identify one intended write).
    """

    def __init__(self, business: str, idempotency_key: str, record_id: str) -> None:
        self.business = business
        self.idempotency_key = idempotency_key
        self.record_id = record_id
        super().__init__(
            f"{business}: idempotency key {idempotency_key!r} was already used for "
            f"another record ({record_id})"
        )


class UnknownCoreBusinessError(RegistryError):
    """A core system was asked for a business that has none."""

    def __init__(self, business: str | None, known: Iterable[str]) -> None:
        self.business = business
        self.known = tuple(known)
        problem = "no core business given" if business is None else f"unknown {business!r}"
        super().__init__(f"core system: {problem}; known businesses: {', '.join(self.known)}")


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


class PackageFormatError(PartnerRefusalError):
    """An application package does not follow its documented format.

    ``problems`` lists every fault found as ``field.path: what is wrong``, so the sender
    (or the staff reading an intake error) sees them all at once. Retrying cannot help.
    """

    def __init__(self, format_name: str, problems: Iterable[str]) -> None:
        self.format_name = format_name
        self.problems = tuple(problems)
        super().__init__(f"{format_name}: invalid package: " + "; ".join(self.problems))


class UnknownApplicationError(PartnerRefusalError):
    """An intake channel has no application with this id (its 404); never retried."""

    def __init__(self, channel: str, application_id: str) -> None:
        self.channel = channel
        self.application_id = application_id
        super().__init__(f"{channel}: no application {application_id!r}")


class ApplicationStateError(PartnerRefusalError):
    """An intake channel refused a call the application's state does not allow.

    For example a status posted before the package was acknowledged. Nothing changed.
    """


class UnknownRecipientError(PartnerRefusalError):
    """A notice was addressed to nobody the portal knows; nothing was delivered."""


class EmailDeliveryError(PartnerUnavailableError):
    """The mail server could not take a message now (4xx reply, refused or dropped link).

    Transient: retry later. ``smtp_code`` is the server's reply code when it answered.
    The message carries a Message-ID derived from its idempotency key, so a retry after
    an unclear failure can be recognised as the same message by the receiving side.
    """

    def __init__(self, message: str, smtp_code: int | None = None) -> None:
        super().__init__(message)
        self.smtp_code = smtp_code


class EmailTimeoutError(PartnerTimeoutError):
    """The mail server did not answer in time; the message may or may not have been taken."""


class EmailRefusedError(PartnerRefusalError):
    """The mail server refused the message for good (5xx: unknown recipient, bad login).

    Never retried: the address or the configuration must be fixed first.
    """

    def __init__(self, message: str, smtp_code: int | None = None) -> None:
        super().__init__(message)
        self.smtp_code = smtp_code


class TemplateVariableError(AdapterError, ValueError):
    """A notice template was rendered without a variable it needs (or with an unknown one).

    ``missing`` and ``unknown`` name the variables, so the caller fixes all at once.
    """

    def __init__(self, template: str, missing: Iterable[str], unknown: Iterable[str] = ()) -> None:
        self.template = template
        self.missing = tuple(sorted(missing))
        self.unknown = tuple(sorted(unknown))
        problems = []
        if self.missing:
            problems.append("missing or blank: " + ", ".join(self.missing))
        if self.unknown:
            problems.append("unknown: " + ", ".join(self.unknown))
        super().__init__(f"notice template {template}: " + "; ".join(problems))


class LoginFailedError(PartnerRefusalError):
    """An OpenID Connect login could not be completed; the resident starts it again.

    Raised for a state mismatch, a refused code exchange or an ID token that does not
    verify.
    """
