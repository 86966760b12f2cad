"""The ``resident_login`` mock: the OIDC relying party wired to the in-process mock provider.

One mock Digital Authentication App is kept per demo world and issuer
(:func:`shared_resident_provider`), so the app a demo serves
(:func:`resident_provider_app`, mounted in the same process) and the relying party
registered under ``resident_login = mock`` share their codes and keys. The relying party
reaches the provider through its Flask test client instead of the network.

Configuration keys: ``resident_login_issuer`` (default ``http://localhost:8801``) and
the ``mock_*`` keys of :mod:`adapters.mock.world`. The client is ``madoguchi-web``
(confidential) with the redirect URIs in
:data:`adapters.mock.oidc_resident.DEFAULT_RESIDENT_CLIENTS`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from flask import Flask

from adapters.base import ResidentLogin
from adapters.capabilities import RESIDENT_LOGIN
from adapters.mock.oidc_provider import OidcProvider
from adapters.mock.oidc_resident import DEFAULT_RESIDENT_CLIENTS, resident_provider
from adapters.mock.world import DemoWorld, world_from_config
from adapters.oidc_login import OidcResidentLogin
from adapters.registry import default_registry

DEFAULT_RESIDENT_ISSUER = "http://localhost:8801"


class FlaskTransport:
    """:class:`adapters.oidc_login.OidcTransport` into a Flask app, without a network."""

    def __init__(self, app: Flask, issuer: str) -> None:
        self._client = app.test_client()
        self._issuer = issuer.rstrip("/")

    def _path(self, url: str) -> str:
        if not url.startswith(self._issuer):
            raise ValueError(f"{url} is not on the mock issuer {self._issuer}")
        return url[len(self._issuer) :] or "/"

    def get_json(self, url: str) -> Any:
        """GET ``url`` from the app and parse the JSON body."""
        return self._client.get(self._path(url)).get_json()

    def post_form(
        self, url: str, data: Mapping[str, str], headers: Mapping[str, str]
    ) -> tuple[int, Any]:
        """POST a form to the app; the status and the parsed JSON body."""
        reply = self._client.post(self._path(url), data=dict(data), headers=dict(headers))
        return reply.status_code, reply.get_json()


_providers: dict[tuple[int, str], tuple[DemoWorld, OidcProvider, Flask]] = {}
_providers_lock = threading.Lock()


def _shared(world: DemoWorld, issuer: str) -> tuple[OidcProvider, Flask]:
    key = (id(world), issuer)
    with _providers_lock:
        entry = _providers.get(key)
        if entry is None:
            provider = resident_provider(world.population, world.card_reader, issuer)
            # The world is kept in the entry so that its id cannot be reused meanwhile.
            entry = (world, provider, provider.create_app())
            _providers[key] = entry
        return entry[1], entry[2]


def shared_resident_provider(
    world: DemoWorld, issuer: str = DEFAULT_RESIDENT_ISSUER
) -> OidcProvider:
    """The world's mock Digital Authentication App at ``issuer``, built on first use."""
    return _shared(world, issuer)[0]


def resident_provider_app(config: Mapping[str, str]) -> Flask:
    """The Flask app of the configured world's mock provider (for ``mock-services``)."""
    issuer = config.get("resident_login_issuer", DEFAULT_RESIDENT_ISSUER)
    return _shared(world_from_config(config), issuer)[1]


@default_registry.register(RESIDENT_LOGIN, "mock")
def mock_resident_login(config: Mapping[str, str]) -> ResidentLogin:
    """A relying party of the world's mock Digital Authentication App (client ``madoguchi-web``)."""
    issuer = config.get("resident_login_issuer", DEFAULT_RESIDENT_ISSUER)
    app = resident_provider_app(config)
    web = DEFAULT_RESIDENT_CLIENTS[0]
    return OidcResidentLogin(
        issuer, web.client_id, web.client_secret, transport=FlaskTransport(app, issuer)
    )
