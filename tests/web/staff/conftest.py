"""Staff screen test fixtures: a child allowance claim under review (the app and the staff
clients come from tests/web/conftest.py)."""

from __future__ import annotations

import pytest
from flask import Flask

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
