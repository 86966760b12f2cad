"""Staff-screen fixtures: an app with demo cases, and logins as the demo staff accounts."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from adapters.mock.oidc_staff import DEMO_STAFF


@pytest.fixture
def demo_app(app: Flask) -> Flask:
    """The app with the demo cases filed."""
    from web.demo import load_demo

    load_demo(app)
    return app


def _login_as(client: FlaskClient, login_id: str) -> None:
    """Put a demo staff account's login in the client's session (the OIDC flow is tested
    on its own in test_web_staff_login.py)."""
    account = next(a for a in DEMO_STAFF if a.login_id == login_id)
    with client.session_transaction() as sess:
        sess.clear()
        sess.permanent = True
        sess["staff"] = {
            "staff_id": account.login_id,
            "name": account.name,
            "roles": list(account.roles),
            "departments": list(account.departments),
        }
        sess["seen"] = time.time()


@pytest.fixture
def staff_client(demo_app: Flask) -> Callable[[str], FlaskClient]:
    """``staff_client("kosodate-shinsa")``: a client logged in as that demo account."""

    def make(login_id: str) -> FlaskClient:
        client = demo_app.test_client()
        _login_as(client, login_id)
        return client

    return make


@pytest.fixture
def login_as() -> Callable[[FlaskClient, str], None]:
    """``login_as(client, login_id)``: log the client in as a demo staff account."""
    return _login_as


EXPECTING_MOTHER = "1000000102"  # family_expecting: no child allowance case in the demo


def file_claim_under_review(app: Flask) -> str:
    """A valid child allowance claim of 佐藤 美咲 (prefilled from the registry), moved to
    審査中 by the demo staff; returns its case id."""
    import datetime as dt
    import uuid

    from sqlmodel import Session

    from adapters.service import public_funds_accounts, resident_registry
    from engine.actors import Actor
    from engine.cases import fire, submit
    from engine.prefill import prefill
    from web import runtime

    rt = runtime(app)
    proc = rt.catalog.get("jidou-teate-nintei")
    config = rt.adapter_config
    data = prefill(
        proc.form,
        EXPECTING_MOTHER,
        registry=resident_registry(config),
        accounts=public_funds_accounts(config),
    ).data
    data["claimant"] |= {
        "phone": "042-576-2111",
        "occupation": "会社員",
        "pension_scheme": "kousei",
    }
    data["claim_reason"] = "moved_in"
    data["event_date"] = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    data["has_spouse"] = True
    data["spouse"] |= {"occupation": "会社員", "living_together": True}
    for child in data["children"]:
        child |= {"relationship": "jisshi", "in_custody": True, "shared_livelihood": True}
    data |= {
        "has_supported_older_child": False,
        "use_public_funds_account": True,
        "consent_records": True,
    }
    kosodate = frozenset({"子育て支援課"})
    with Session(rt.db) as s:
        case = submit(
            rt,
            s,
            proc.id,
            data,
            actor=Actor.resident(EXPECTING_MOTHER),
            applicant_id=EXPECTING_MOTHER,
            channel="online",
            idempotency_key=uuid.uuid4().hex,
        ).case
        fire(rt, s, case.id, "receive", Actor.staff("kosodate-uketsuke", {"intake"}, kosodate))
        fire(rt, s, case.id, "start_review", Actor.staff("kosodate-shinsa", {"review"}, kosodate))
        s.commit()
    return case.id


@pytest.fixture
def claim_id(demo_app: Flask) -> str:
    """The id of a valid claim in 審査中 (see :func:`file_claim_under_review`)."""
    return file_claim_under_review(demo_app)
