"""The demo integrator client that ``madoguchi demo`` registers and prints."""

from __future__ import annotations

from sqlmodel import Session

from engine import api_clients
from engine.runtime import Runtime

DEMO_CLIENT_NAME = "デモ連携アプリ (demo integrator)"


def demo_client_lines(rt: Runtime, base_url: str = "http://127.0.0.1:5000") -> list[str]:
    """Register the demo integrator (or give it a new secret) and say how to use it.

    The secret is stored only as a hash, so each run prints a fresh one.
    """
    with Session(rt.db, expire_on_commit=False) as s:
        found = [
            c
            for c in api_clients.list_clients(s)
            if c.name == DEMO_CLIENT_NAME and c.kind == "integrator" and c.active
        ]
        if found:
            client = found[0]
            secret = api_clients.rotate_secret(s, client)
        else:
            client, new = api_clients.create_client(
                s, DEMO_CLIENT_NAME, "integrator", sorted(api_clients.KIND_SCOPES["integrator"])
            )
            secret = new or ""  # a confidential client always has one
        s.commit()
    return [
        "Demo API client (integrator; OAuth 2.0 client credentials; the secret is new each run):",
        f"  client_id     {client.id}",
        f"  client_secret {secret}",
        f"  token:  curl -u {client.id}:{secret} -d grant_type=client_credentials "
        f"{base_url}/api/v1/oauth/token",
        f"  then:   curl -H 'Authorization: Bearer <access_token>' {base_url}/api/v1/applications",
        f"  reference: {base_url}/api/v1/docs (OpenAPI: {base_url}/api/v1/openapi.json)",
    ]
