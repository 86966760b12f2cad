"""Engine test helpers: actors with the usual roles and a way to file a sample case."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from engine.actors import Actor
from engine.cases import submit
from engine.models import Case
from engine.runtime import Runtime
from procedures.samples import sample

KOSODATE = "子育て支援課"
KENKOU = "健康推進課"
APPLICANT = "R0000000001"


def staff(*roles: str, dept: str = KOSODATE, sid: str = "staff-1") -> Actor:
    """A staff member with ``roles`` in ``dept``."""
    return Actor.staff(sid, set(roles), {dept})  # type: ignore[arg-type]


RESIDENT = Actor.resident(APPLICANT, "山田 太郎")


def file_sample(
    rt: Runtime,
    procedure_id: str = "jidou-teate-nintei",
    *,
    data: dict[str, Any] | None = None,
    key: str | None = None,
    now: dt.datetime | None = None,
    actor: Actor = RESIDENT,
) -> Case:
    """File the sample payload (or ``data``) as the resident, committed."""
    with Session(rt.db, expire_on_commit=False) as s:
        res = submit(
            rt,
            s,
            procedure_id,
            data if data is not None else sample(procedure_id),
            actor=actor,
            applicant_id=APPLICANT,
            channel="online",
            idempotency_key=key or uuid.uuid4().hex,
            now=now,
        )
        s.commit()
        return res.case


@pytest.fixture
def case(rt: Runtime) -> Case:
    """A child allowance claim filed online, in state ``submitted``."""
    return file_sample(rt)


REPO_PROCEDURES = Path(__file__).resolve().parents[2] / "procedures"
