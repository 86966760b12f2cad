"""Sample payloads of the procedures, for demos, tests, benchmarks and the docs.

Samples live in ``procedures/_samples/<id>.json``. Dates that must stay valid as time
passes (a due date in the future, a child under three) are written relative to today:
``"@today-400"`` is the ISO date 400 days ago, ``"@today+120"`` 120 days ahead.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).parent / "_samples"
_RELATIVE = re.compile(r"^@today([+-]\d+)?$")


def _resolve(value: Any, today: dt.date) -> Any:
    if isinstance(value, dict):
        return {k: _resolve(v, today) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, today) for v in value]
    if isinstance(value, str) and (m := _RELATIVE.match(value)):
        return (today + dt.timedelta(days=int(m.group(1) or 0))).isoformat()
    return value


def sample_ids() -> list[str]:
    """Procedures that have a sample payload."""
    return sorted(p.stem for p in SAMPLES.glob("*.json"))


def sample(procedure_id: str, today: dt.date | None = None) -> dict[str, Any]:
    """The sample payload of ``procedure_id`` with relative dates resolved against ``today``."""
    raw = json.loads((SAMPLES / f"{procedure_id}.json").read_text(encoding="utf-8"))
    resolved: dict[str, Any] = _resolve(raw, today or dt.date.today())
    return resolved
