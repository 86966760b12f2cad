"""The resident registry, public-funds accounts and core-system mocks over HTTP.

``madoguchi mock-services`` serves these apps beside the Pittari one, and the clients in
:mod:`adapters.partners_http` talk to them as they would to the real systems. The API
is documented in ``docs/formats/partners-http.md``; faults are turned into HTTP by
:class:`adapters.mock.http_serving.MockServer`.

My Numbers travel only in request bodies (``POST .../by-my-number``), never in URLs, so
they cannot end up in access logs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from flask import Flask, Response, request

from adapters.exchange import RegistrationResult
from adapters.mock.core_systems import MockCoreSystem
from adapters.mock.http_serving import (
    DEFAULT_HANG_SECONDS,
    BadRequestBody,
    MockServer,
    body_object,
    error_reply,
    json_reply,
    text_field,
)
from adapters.mock.public_funds import MockPublicFundsAccounts
from adapters.mock.resident_registry import MockResidentRegistry
from adapters.mock.world import world_from_config
from adapters.records import Household, PublicFundsAccount, Resident
from adapters.wire import account_json, household_json, registration_json, resident_json

UNKNOWN_RESIDENT = "unknown_resident"
UNKNOWN_HOUSEHOLD = "unknown_household"
UNKNOWN_REGISTRATION = "unknown_registration"
# Distinct from the generic "not_found" of a path that does not exist: a client pointed at
# the wrong URL must not read every lookup as "nobody", "nothing registered".


def _resident_or_404(resident: Resident | None) -> Response:
    if resident is None:
        return error_reply(404, UNKNOWN_RESIDENT, "no such resident")
    return json_reply(resident_json(resident))


def create_resident_registry_app(
    registry: MockResidentRegistry, *, hang_seconds: float = DEFAULT_HANG_SECONDS
) -> Flask:
    """The resident registry (住民記録) as a JSON API (``/v1/residents``, ``/v1/households``)."""
    server = MockServer("madoguchi-mock-resident-registry", hang_seconds=hang_seconds)
    app, faults = server.app, registry.faults

    @app.get("/v1/residents/<resident_number>")
    def by_resident_number(resident_number: str) -> Response:
        return server.serve(
            faults, lambda: registry.by_resident_number(resident_number), _resident_or_404
        )

    @app.post("/v1/residents/by-my-number")
    def by_my_number() -> Response:
        return server.serve(
            faults,
            lambda: registry.by_my_number(text_field(body_object(), "my_number")),
            _resident_or_404,
        )

    @app.get("/v1/residents/by-certificate-serial/<serial>")
    def by_certificate_serial(serial: str) -> Response:
        def call() -> Resident | None:
            if not serial.isdigit():
                raise BadRequestBody("the serial is a decimal number")
            return registry.by_certificate_serial(int(serial))

        return server.serve(faults, call, _resident_or_404)

    @app.get("/v1/households/<household_number>")
    def household(household_number: str) -> Response:
        def reply(found: Household | None) -> Response:
            if found is None:
                return error_reply(404, UNKNOWN_HOUSEHOLD, "no such household")
            return json_reply(household_json(found))

        return server.serve(faults, lambda: registry.household(household_number), reply)

    @app.get("/v1/residents")
    def search() -> Response:
        def call() -> tuple[Resident, ...]:
            args = request.args
            limit_text = args.get("limit", "50")
            if not limit_text.isdigit():
                raise BadRequestBody("limit must be a whole number")
            try:
                birth = args.get("birth_date")
                birth_date = None if birth is None else date.fromisoformat(birth)
            except ValueError:
                raise BadRequestBody("birth_date must be YYYY-MM-DD") from None
            return registry.search(
                name=args.get("name"),
                kana=args.get("kana"),
                birth_date=birth_date,
                limit=int(limit_text),
            )

        return server.serve(
            faults, call, lambda found: json_reply({"residents": [resident_json(r) for r in found]})
        )

    return app


def create_public_funds_app(
    accounts: MockPublicFundsAccounts, *, hang_seconds: float = DEFAULT_HANG_SECONDS
) -> Flask:
    """The public-funds account registry (公金受取口座) as a JSON API."""
    server = MockServer("madoguchi-mock-public-funds", hang_seconds=hang_seconds)

    @server.app.post("/v1/accounts/lookup")
    def lookup() -> Response:
        def reply(found: PublicFundsAccount | None) -> Response:
            return json_reply({"account": None if found is None else account_json(found)})

        return server.serve(
            accounts.faults,
            lambda: accounts.lookup(text_field(body_object(), "my_number")),
            reply,
        )

    return server.app


_CRITERION = re.compile(r"^[a-z][a-z0-9_]*$")


def create_core_systems_app(
    systems: Mapping[str, MockCoreSystem], *, hang_seconds: float = DEFAULT_HANG_SECONDS
) -> Flask:
    """Every core system (標準準拠システム) as a JSON API under ``/v1/{business}``."""
    server = MockServer("madoguchi-mock-core-systems", hang_seconds=hang_seconds)
    app = server.app

    def unknown_business(business: str) -> Response:
        return error_reply(
            404, "unknown_business", f"no core system {business!r}; known: {', '.join(systems)}"
        )

    @app.post("/v1/<business>/registrations")
    def register(business: str) -> Response:
        if business not in systems:
            return unknown_business(business)
        system = systems[business]

        def call() -> RegistrationResult:
            key = request.headers.get("Idempotency-Key", "")
            if not key.strip():
                raise BadRequestBody("the Idempotency-Key header is required")
            record = body_object().get("record")
            if not isinstance(record, dict):
                raise BadRequestBody("record must be a JSON object")
            return system.register(key, record)

        def reply(result: RegistrationResult) -> Response:
            return json_reply(registration_json(result), 201 if result.created else 200)

        return server.serve(system.faults, call, reply)

    @app.get("/v1/<business>/registrations/<path:key>")
    def lookup(business: str, key: str) -> Response:
        if business not in systems:
            return unknown_business(business)
        system = systems[business]

        def reply(found: RegistrationResult | None) -> Response:
            if found is None:
                return error_reply(404, UNKNOWN_REGISTRATION, f"no registration under {key!r}")
            return json_reply(registration_json(found))

        return server.serve(system.faults, lambda: system.lookup(key), reply)

    @app.get("/v1/<business>/records")
    def query(business: str) -> Response:
        if business not in systems:
            return unknown_business(business)
        system = systems[business]

        def call() -> tuple[Mapping[str, object], ...]:
            criteria = dict(request.args.items())
            bad = [k for k in criteria if not _CRITERION.match(k)]
            if bad:
                raise BadRequestBody(f"malformed criteria: {', '.join(bad)}")
            return system.query(criteria)

        return server.serve(
            system.faults, call, lambda found: json_reply({"records": [dict(r) for r in found]})
        )

    return app


def resident_registry_app_from_config(config: Mapping[str, str]) -> Flask:
    """The configured demo world's resident registry over HTTP (for ``mock-services``)."""
    return create_resident_registry_app(world_from_config(config).resident_registry)


def public_funds_app_from_config(config: Mapping[str, str]) -> Flask:
    """The configured demo world's public-funds accounts over HTTP."""
    return create_public_funds_app(world_from_config(config).public_funds_accounts)


def core_systems_app_from_config(config: Mapping[str, str]) -> Flask:
    """The configured demo world's core systems (all nine businesses) over HTTP."""
    return create_core_systems_app(world_from_config(config).core_systems)
