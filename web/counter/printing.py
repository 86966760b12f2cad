"""Printed papers of the counter: the visit's receipt and pre-filled paper forms (PDF).

Templates ``counter_receipt.html`` and ``paper_form.html`` live beside the engine's
document templates and go through the same WeasyPrint pipeline
(:func:`engine.documents.html_to_pdf`, named Japanese fonts).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from engine.definitions.models import Procedure
from engine.documents import JST, TEMPLATES, html_to_pdf, wareki
from engine.runtime import Runtime
from engine.visits import CounterVisit, identity_check_text
from forms.render import render_summary


@functools.cache
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["wareki"] = wareki
    return env


def next_steps(proc: Procedure) -> str:
    """What happens next, in plain Japanese, from the procedure's workflow and period."""
    text = "受け付けました。担当課で内容を確認します。"
    if proc.processing:
        unit = "開庁日" if proc.processing.counting == "business_days" else "日"
        text += f"結果はおおむね{proc.processing.days}{unit}以内にお知らせします。"
    if any(d.kind in ("decision", "rejection") for d in proc.documents):
        text += "決定したら通知書をお送りします。"
    return text


def receipt_pdf(rt: Runtime, visit: CounterVisit, resident: Any) -> bytes:
    """The receipt of a filed visit."""
    rows = []
    for pid, ref in visit.case_ids.items():
        proc = rt.catalog.get(pid)
        rows.append(
            {
                "name": proc.name.ja,
                "reference": ref["reference"],
                "department": "・".join(proc.departments),
                "next": next_steps(proc),
            }
        )
    filed = (visit.filed_at or dt.datetime.now(dt.UTC)).astimezone(JST)
    html = (
        _env()
        .get_template("documents/counter_receipt.html")
        .render(
            org={"name": rt.settings.org_name},
            resident=resident.name.full if resident else "",
            rows=rows,
            issued_on=filed.date(),
            filed_at=filed.strftime("%H:%M"),
            identity=identity_check_text(visit),
            clerk=visit.staff_name or visit.staff_id,
        )
    )
    return html_to_pdf(html)


def paper_form_pdf(rt: Runtime, proc: Procedure, data: dict[str, Any], resident: Any) -> bytes:
    """The procedure's form, filled with what is known, for signing on paper."""
    summary = render_summary(
        proc.form, data, lang="ja", change_url=lambda _s, _f: "", heading_level=2
    )
    html = (
        _env()
        .get_template("documents/paper_form.html")
        .render(
            org={"name": rt.settings.org_name},
            procedure=proc,
            resident=resident.name.full if resident else "",
            summary=summary,
            issued_on=dt.datetime.now(JST).date(),
        )
    )
    return html_to_pdf(html)
