"""A hand-written OIDC relying party for the mock providers' tests (Flask test client).

It does what a real client does: builds the authorize URL with ``state``, ``nonce`` and a
PKCE S256 challenge, posts the login form, reads the code from the redirect, exchanges it
at ``/token`` and verifies the ID token with the provider's JWKS.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

from flask.testing import FlaskClient
from joserfc import jwt
from joserfc.jwk import KeySet
from werkzeug.test import TestResponse


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of ``verifier``."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass
class Attempt:
    """One authorization request: the URL and the values the client keeps."""

    url: str
    state: str
    nonce: str
    verifier: str


@dataclass
class RelyingParty:
    """A client of one provider app, registered as ``client_id``."""

    http: FlaskClient
    issuer: str
    client_id: str
    redirect_uri: str
    client_secret: str | None = None
    attempts: list[Attempt] = field(default_factory=list)

    def begin(
        self,
        scope: str = "openid",
        *,
        state: bool = True,
        pkce: bool = True,
        method: str = "S256",
    ) -> Attempt:
        """A fresh authorize URL (path and query) with state, nonce and PKCE as asked."""
        attempt = Attempt("", secrets.token_urlsafe(16), secrets.token_urlsafe(16), "")
        attempt.verifier = secrets.token_urlsafe(48)
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": scope,
            "nonce": attempt.nonce,
        }
        if state:
            params["state"] = attempt.state
        if pkce:
            params["code_challenge"] = (
                s256(attempt.verifier) if method == "S256" else attempt.verifier
            )
            params["code_challenge_method"] = method
        attempt.url = f"/authorize?{urlencode(params)}"
        self.attempts.append(attempt)
        return attempt

    def callback(self, response: TestResponse) -> dict[str, str]:
        """The query of the redirect back to the client (asserting it is one)."""
        assert response.status_code == 302, response.get_data(as_text=True)
        location = response.headers["Location"]
        assert location.startswith(self.redirect_uri)
        return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}

    def exchange(self, code: str, verifier: str) -> TestResponse:
        """POST the code and verifier to ``/token`` with this client's credentials."""
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": verifier,
        }
        if self.client_secret is None:
            data["client_id"] = self.client_id
            return self.http.post("/token", data=data)
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        return self.http.post("/token", data=data, headers={"Authorization": f"Basic {basic}"})

    def verify_id_token(self, id_token: str, nonce: str) -> dict[str, object]:
        """The ID token's claims after checking signature, iss, aud, nonce, iat and exp."""
        keys = KeySet.import_key_set(self.http.get("/jwks").get_json())
        token = jwt.decode(id_token, keys, algorithms=["ES256"])
        registry = jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.client_id},
            nonce={"essential": True, "value": nonce},
            exp={"essential": True},
            iat={"essential": True},
            sub={"essential": True},
        )
        registry.validate(token.claims)
        assert int(token.claims["exp"]) > time.time()
        return dict(token.claims)
