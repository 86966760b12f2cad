"""HTTP clients of the resident registry, the public-funds accounts and the core systems.

Each speaks the JSON API of ``docs/formats/partners-http.md`` through
:class:`adapters.http_json.JsonHttp` (timeouts, retries with backoff on timeouts and 5xx)
and is registered as implementation ``http`` of its capability:

- ``resident_registry``: :class:`HttpResidentRegistry`, configured by
  ``resident_registry_url`` (required), ``resident_registry_timeout`` (seconds, default 5)
  and ``resident_registry_retries`` (default 2);
- ``public_funds_accounts``: :class:`HttpPublicFundsAccounts`, by ``public_funds_url``,
  ``public_funds_timeout``, ``public_funds_retries``;
- ``core_system``: :class:`HttpCoreSystem`, by ``core_system_url`` (the base of every
  business's API), ``core_system_timeout``, ``core_system_retries``.

Registrations carry the caller's idempotency key as the ``Idempotency-Key`` header, so a
retry after a reply lost on the way returns the first registration (``created=False``)
instead of making a second one. My Numbers are sent in request bodies, never in URLs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

from adapters.base import CoreSystem, PublicFundsAccounts, ResidentRegistry
from adapters.capabilities import (
    CORE_BUSINESS_KEY,
    CORE_SYSTEM,
    PUBLIC_FUNDS_ACCOUNTS,
    RESIDENT_REGISTRY,
)
from adapters.errors import (
    IdempotencyConflictError,
    MalformedReplyError,
    PartnerRefusalError,
    RecordRejectedError,
    UnknownCoreBusinessError,
)
from adapters.exchange import RegistrationResult
from adapters.http_json import JsonHttp, Reply, error_code, error_message, field_of, settings_from
from adapters.records import Household, PublicFundsAccount, Resident
from adapters.registry import default_registry
from adapters.wire import account_from, household_from, read, registration_from, resident_from


def _segment(value: str) -> str:
    return quote(value, safe="")


def _refused(reply: Reply, what: str) -> Exception:
    """The error an unexpected 4xx reply means (returned, the caller raises it)."""
    if reply.status == 422:
        return ValueError(f"{what}: {error_message(reply)}")
    return PartnerRefusalError(f"{what}: HTTP {reply.status}: {error_message(reply)}")


class HttpResidentRegistry:
    """A :class:`adapters.base.ResidentRegistry` over HTTP (see the module text)."""

    def __init__(self, http: JsonHttp) -> None:
        self.http = http

    def _one(self, reply: Reply, what: str) -> Resident | None:
        if reply.status == 404 and error_code(reply) == "unknown_resident":
            return None
        if reply.status != 200:
            raise _refused(reply, what)
        return read(what, resident_from, reply.body)

    def by_resident_number(self, resident_number: str) -> Resident | None:
        """The resident with this 宛名番号."""
        what = "by_resident_number"
        path = f"/v1/residents/{_segment(resident_number)}"
        return self._one(self.http.call("GET", path, what), what)

    def by_my_number(self, my_number: str) -> Resident | None:
        """The resident with this My Number (sent in the body, never in the URL)."""
        what = "by_my_number"
        reply = self.http.call(
            "POST", "/v1/residents/by-my-number", what, body={"my_number": my_number}
        )
        return self._one(reply, what)

    def by_certificate_serial(self, serial: int) -> Resident | None:
        """The resident a card certificate was issued to."""
        what = "by_certificate_serial"
        path = f"/v1/residents/by-certificate-serial/{int(serial)}"
        return self._one(self.http.call("GET", path, what), what)

    def household(self, household_number: str) -> Household | None:
        """The household with this 世帯番号, head first."""
        what = "household"
        reply = self.http.call("GET", f"/v1/households/{_segment(household_number)}", what)
        if reply.status == 404 and error_code(reply) == "unknown_household":
            return None
        if reply.status != 200:
            raise _refused(reply, what)
        return read(what, household_from, reply.body)

    def search(
        self,
        *,
        name: str | None = None,
        kana: str | None = None,
        birth_date: date | None = None,
        limit: int = 50,
    ) -> tuple[Resident, ...]:
        """Residents matching every given criterion (see the interface)."""
        if name is None and kana is None and birth_date is None:
            raise ValueError("give at least one of name, kana or birth_date")
        params = {"limit": str(limit)}
        if name is not None:
            params["name"] = name
        if kana is not None:
            params["kana"] = kana
        if birth_date is not None:
            params["birth_date"] = birth_date.isoformat()
        what = "search"
        reply = self.http.call("GET", "/v1/residents", what, params=params)
        if reply.status != 200:
            raise _refused(reply, what)
        found = field_of(reply, "residents", what)
        if not isinstance(found, list):
            raise MalformedReplyError(f"{what}: residents is not a list")
        return tuple(read(what, resident_from, r) for r in found)


class HttpPublicFundsAccounts:
    """A :class:`adapters.base.PublicFundsAccounts` over HTTP."""

    def __init__(self, http: JsonHttp) -> None:
        self.http = http

    def lookup(self, my_number: str) -> PublicFundsAccount | None:
        """The account registered for this My Number, or None (number sent in the body)."""
        what = "lookup"
        reply = self.http.call("POST", "/v1/accounts/lookup", what, body={"my_number": my_number})
        if reply.status != 200:
            raise _refused(reply, what)
        account = field_of(reply, "account", what)
        return None if account is None else read(what, account_from, account)


class HttpCoreSystem:
    """A :class:`adapters.base.CoreSystem` of one business over HTTP."""

    def __init__(self, http: JsonHttp, business: str) -> None:
        self.http = http
        self._business = business

    @property
    def business(self) -> str:
        """The business this client registers in."""
        return self._business

    def _base(self) -> str:
        return f"/v1/{_segment(self._business)}"

    def _check_business(self, reply: Reply) -> None:
        if reply.status == 404 and error_code(reply) == "unknown_business":
            raise UnknownCoreBusinessError(self._business, ())

    def register(self, idempotency_key: str, record: Mapping[str, object]) -> RegistrationResult:
        """Register ``record`` under ``idempotency_key`` (sent as ``Idempotency-Key``)."""
        what = f"{self._business}.register"
        reply = self.http.call(
            "POST",
            f"{self._base()}/registrations",
            what,
            body={"record": dict(record)},
            headers={"Idempotency-Key": idempotency_key},
        )
        self._check_business(reply)
        if reply.status == 422 and error_code(reply) == "record_rejected":
            problems = reply.body.get("problems") if isinstance(reply.body, dict) else None
            raise RecordRejectedError(
                self._business,
                [str(p) for p in problems]
                if isinstance(problems, list)
                else [error_message(reply)],
            )
        if reply.status == 409 and error_code(reply) == "idempotency_conflict":
            record_id = reply.body.get("record_id") if isinstance(reply.body, dict) else None
            raise IdempotencyConflictError(self._business, idempotency_key, str(record_id))
        if reply.status not in (200, 201):
            raise _refused(reply, what)
        return self._result(reply, what, idempotency_key)

    def lookup(self, idempotency_key: str) -> RegistrationResult | None:
        """The registration made under ``idempotency_key``, or None."""
        what = f"{self._business}.lookup"
        path = f"{self._base()}/registrations/{_segment(idempotency_key)}"
        reply = self.http.call("GET", path, what)
        self._check_business(reply)
        if reply.status == 404 and error_code(reply) == "unknown_registration":
            return None
        if reply.status != 200:
            raise _refused(reply, what)
        return self._result(reply, what, idempotency_key)

    def query(self, criteria: Mapping[str, str]) -> tuple[Mapping[str, object], ...]:
        """Records matching every criterion, oldest first."""
        what = f"{self._business}.query"
        reply = self.http.call("GET", f"{self._base()}/records", what, params=dict(criteria))
        self._check_business(reply)
        if reply.status != 200:
            raise _refused(reply, what)
        records = field_of(reply, "records", what)
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise MalformedReplyError(f"{what}: records is not a list of objects")
        return tuple(records)

    def _result(self, reply: Reply, what: str, key: str) -> RegistrationResult:
        result = read(what, registration_from, reply.body)
        if result.idempotency_key != key or result.business != self._business:
            raise MalformedReplyError(f"{what}: the reply is about another registration")
        return result


def _http(config: Mapping[str, str], prefix: str, partner: str, **extra: Any) -> JsonHttp:
    return JsonHttp(partner, **settings_from(config, prefix), **extra)


@default_registry.register(RESIDENT_REGISTRY, "http")
def http_resident_registry(config: Mapping[str, str]) -> ResidentRegistry:
    """The resident registry at ``resident_registry_url``."""
    return HttpResidentRegistry(_http(config, "resident_registry", "resident_registry"))


@default_registry.register(PUBLIC_FUNDS_ACCOUNTS, "http")
def http_public_funds_accounts(config: Mapping[str, str]) -> PublicFundsAccounts:
    """The public-funds account registry at ``public_funds_url``."""
    return HttpPublicFundsAccounts(_http(config, "public_funds", "public_funds"))


@default_registry.register(CORE_SYSTEM, "http")
def http_core_system(config: Mapping[str, str]) -> CoreSystem:
    """The core system of ``core_system_business`` at ``core_system_url``."""
    business = config.get(CORE_BUSINESS_KEY)
    if not business:
        raise UnknownCoreBusinessError(business, ())
    return HttpCoreSystem(_http(config, "core_system", f"core_system {business}"), business)
