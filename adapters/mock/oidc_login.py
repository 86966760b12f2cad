"""The ``resident_login`` and ``staff_login`` mocks: relying parties wired to the mock providers.

One mock Digital Authentication App is kept per demo world and issuer, and one staff
identity provider per issuer, so the Flask app the web app mounts
(:func:`resident_provider_app`, :func:`staff_provider_app`) and the relying party
registered under ``mock`` share their codes and keys. The relying party reaches the
provider through ``httpx.WSGITransport`` into that very app, not over the network, so a
web app served on any port and its tests need no second server.

Issuers: ``resident_login_issuer`` (default :data:`DEFAULT_RESIDENT_ISSUER`) and
``staff_login_issuer`` (default :data:`DEFAULT_STAFF_ISSUER`). The web app mounts the
providers at ``{public_url}/mock/digital-auth`` and ``{public_url}/mock/staff-idp``;
the engine (``engine.runtime.adapter_config``) fills both keys from its ``public_url``
when they are not set. The path of an issuer is where its app is mounted: the
transport strips it, as a WSGI dispatcher does.

Clients: ``madoguchi-web`` (residents) and ``madoguchi-staff`` (staff), both confidential,
accepting ``/login/callback`` and ``/staff/login/callback`` on any loopback port.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx
from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from adapters.base import ResidentLogin, StaffLogin
from adapters.capabilities import RESIDENT_LOGIN, STAFF_LOGIN
from adapters.mock.oidc_provider import OidcProvider
from adapters.mock.oidc_resident import DEFAULT_RESIDENT_CLIENTS, resident_provider
from adapters.mock.oidc_staff import DEFAULT_STAFF_CLIENTS, staff_provider
from adapters.mock.world import DemoWorld, world_from_config
from adapters.oidc_login import OidcResidentLogin, OidcStaffLogin
from adapters.registry import default_registry

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
RESIDENT_MOUNT = "/mock/digital-auth"
STAFF_MOUNT = "/mock/staff-idp"
DEFAULT_RESIDENT_ISSUER = DEFAULT_PUBLIC_URL + RESIDENT_MOUNT
DEFAULT_STAFF_ISSUER = DEFAULT_PUBLIC_URL + STAFF_MOUNT

RESIDENT_ISSUER_KEY = "resident_login_issuer"
STAFF_ISSUER_KEY = "staff_login_issuer"


def issuers_for(public_url: str) -> dict[str, str]:
    """The mock issuers of a web app reachable at ``public_url`` (they are mounted in it)."""
    base = public_url.rstrip("/")
    return {RESIDENT_ISSUER_KEY: base + RESIDENT_MOUNT, STAFF_ISSUER_KEY: base + STAFF_MOUNT}


def wsgi_transport(app: Flask, issuer: str) -> httpx.WSGITransport:
    """An httpx transport into ``app`` as if it were mounted at the path of ``issuer``."""
    path = urlsplit(issuer).path.rstrip("/")
    mounted = DispatcherMiddleware(NotFound(), {path: app}) if path else app
    return httpx.WSGITransport(app=mounted)


_residents: dict[tuple[int, str], tuple[DemoWorld, OidcProvider, Flask]] = {}
_staff: dict[str, tuple[OidcProvider, Flask]] = {}
_lock = threading.Lock()


def _resident_entry(world: DemoWorld, issuer: str) -> tuple[OidcProvider, Flask]:
    key = (id(world), issuer.rstrip("/"))
    with _lock:
        entry = _residents.get(key)
        if entry is None:
            provider = resident_provider(world.population, world.card_reader, key[1])
            # The world is kept in the entry so that its id cannot be reused meanwhile.
            entry = (world, provider, provider.create_app())
            _residents[key] = entry
        return entry[1], entry[2]


def _staff_entry(issuer: str) -> tuple[OidcProvider, Flask]:
    key = issuer.rstrip("/")
    with _lock:
        entry = _staff.get(key)
        if entry is None:
            provider = staff_provider(key)
            entry = (provider, provider.create_app())
            _staff[key] = entry
        return entry


def shared_resident_provider(
    world: DemoWorld, issuer: str = DEFAULT_RESIDENT_ISSUER
) -> OidcProvider:
    """The world's mock Digital Authentication App at ``issuer``, built on first use."""
    return _resident_entry(world, issuer)[0]


def resident_issuer(config: Mapping[str, str]) -> str:
    """The configured resident issuer (``resident_login_issuer``)."""
    return config.get(RESIDENT_ISSUER_KEY) or DEFAULT_RESIDENT_ISSUER


def staff_issuer(config: Mapping[str, str]) -> str:
    """The configured staff issuer (``staff_login_issuer``)."""
    return config.get(STAFF_ISSUER_KEY) or DEFAULT_STAFF_ISSUER


def resident_provider_app(config: Mapping[str, str]) -> Flask:
    """The Flask app of the mock Digital Authentication App that ``resident_login = mock``
    talks to under ``config`` (mount it at the path of ``resident_login_issuer``)."""
    return _resident_entry(world_from_config(config), resident_issuer(config))[1]


def staff_provider_app(config: Mapping[str, str]) -> Flask:
    """The Flask app of the mock staff identity provider that ``staff_login = mock`` talks
    to under ``config`` (mount it at the path of ``staff_login_issuer``)."""
    return _staff_entry(staff_issuer(config))[1]


@default_registry.register(RESIDENT_LOGIN, "mock")
def mock_resident_login(config: Mapping[str, str]) -> ResidentLogin:
    """A relying party of the world's mock Digital Authentication App (client ``madoguchi-web``)."""
    issuer = resident_issuer(config)
    web = DEFAULT_RESIDENT_CLIENTS[0]
    transport = wsgi_transport(resident_provider_app(config), issuer)
    return OidcResidentLogin(issuer, web.client_id, web.client_secret, transport=transport)


@default_registry.register(STAFF_LOGIN, "mock")
def mock_staff_login(config: Mapping[str, str]) -> StaffLogin:
    """A relying party of the mock staff identity provider (client ``madoguchi-staff``)."""
    issuer = staff_issuer(config)
    staff = DEFAULT_STAFF_CLIENTS[0]
    transport = wsgi_transport(staff_provider_app(config), issuer)
    return OidcStaffLogin(issuer, staff.client_id, staff.client_secret, transport=transport)
