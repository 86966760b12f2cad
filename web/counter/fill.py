"""Life events, and the one screen that fills the chosen procedures together."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlmodel import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from engine.definitions.models import Procedure
from engine.files import FileRejected, store_upload
from engine.visits import (
    IDENTITY_METHODS,
)
from forms import FieldError
from forms.render import (
    ACTION,
    apply_row_action,
    parse_form_post,
    render_error_summary,
    render_step,
    step_takes_files,
)
from forms.render.names import field_input_name
from forms.spec import FieldSpec, LocalizedText
from web.counter import bp
from web.counter.bundles import (
    Bundle,
    build_bundle,
    leaves,
    life_events,
    merge_answer,
    prefilled,
    seal,
    share_by_source,
    unseal,
)
from web.counter.common import load_visit, procs_of, resident_of
from web.i18n import lang, t
from web.session import staff_required
from web.staff.common import db_session, rt


@bp.route("/visits/<visit_id>/events", methods=["GET", "POST"])
@staff_required("intake")
def events(visit_id: str) -> WerkzeugResponse | str:
    """Choose life events; tick the procedures the system proposes."""
    runtime = rt()
    all_events = life_events(runtime)
    with db_session() as session:
        visit = load_visit(session, visit_id)
        if request.method == "POST":
            chosen_events = [e.id for e in all_events if e.id in request.form.getlist("event")]
            wanted = request.form.getlist("procedure")
            procs = [p for p in dict.fromkeys(wanted) if p in runtime.catalog.procedures]
            if request.form.get("step") == "events" or not procs:
                visit.life_events = chosen_events
                session.add(visit)
                if request.form.get("step") != "events":
                    flash(
                        t(
                            "申請する手続を1つ以上選んでください。",
                            "Choose at least one procedure.",
                        ),
                        "error",
                    )
                return redirect(url_for("counter.events", visit_id=visit_id))
            visit.procedures = procs
            answers = dict(visit.answers)
            for pid in procs:
                if pid not in answers:
                    proc = runtime.catalog.get(pid)
                    answers[pid] = seal(
                        runtime, proc, prefilled(runtime, session, proc, visit.resident_id)
                    )
            # What one procedure already has from a source, another taking the same source
            # gets too (an answer typed before a procedure was added is not asked again).
            kept = {p.id: p for p in (runtime.catalog.get(pid) for pid in procs)}
            current = {pid: unseal(runtime, kept[pid], answers[pid]) for pid in procs}
            share_by_source(list(kept.values()), current)
            visit.answers = {pid: seal(runtime, kept[pid], current[pid]) for pid in procs}
            session.add(visit)
            return redirect(url_for("counter.fill", visit_id=visit_id))
        proposed: dict[str, dict[str, Any]] = {}
        for ev in all_events:
            if ev.id in visit.life_events:
                for s in ev.suggestions:
                    entry = proposed.setdefault(s.procedure_id, {"checked": False, "notes": []})
                    entry["checked"] = entry["checked"] or s.checked
                    entry["notes"].append(t(ev.name_ja, ev.name_en))
        for pid in visit.procedures:
            proposed.setdefault(pid, {"checked": True, "notes": []})["checked"] = True
        return render_template(
            "counter/events.html",
            visit=visit,
            resident=resident_of(visit),
            events=all_events,
            proposed=proposed,
            others=[p for p in runtime.catalog if "counter" in p.channels and p.id not in proposed],
            catalog=runtime.catalog,
            methods=IDENTITY_METHODS,
        )


@bp.route("/visits/<visit_id>/form", methods=["GET", "POST"])
@staff_required("intake")
def fill(visit_id: str) -> WerkzeugResponse | tuple[str, int]:
    """One screen for all chosen procedures: only what is still missing is asked."""
    runtime = rt()
    today = dt.date.today()
    with db_session() as session:
        visit = load_visit(session, visit_id)
        procs = procs_of(visit)
        if not procs:
            return redirect(url_for("counter.events", visit_id=visit_id))
        answers = {p.id: unseal(runtime, p, visit.answers.get(p.id, {})) for p in procs}
        share_by_source(procs, answers)
        bundle = ask_once(procs, answers, build_bundle(procs, answers, today))
        show_errors = False
        upload_errors: list[FieldError] = []
        if request.method == "POST" and bundle.form is not None:
            typed = set(visit.typed)
            for step in bundle.asked_steps():
                posted = parse_form_post(bundle.form, step.id, request.form, previous=bundle.data)
                upload_errors += _uploads(session, step.fields, bundle.data, posted)
                for key, value in posted.items():
                    if key not in bundle.owners:
                        continue
                    for pid, fid in bundle.owners[key]:
                        before = leaves({fid: answers[pid].get(fid)})
                        answers[pid][fid] = merge_answer(answers[pid].get(fid), value)
                        after = leaves({fid: answers[pid][fid]})
                        typed |= {
                            f"{key}:{path}" for path, v in after.items() if before.get(path) != v
                        }
            action = request.form.get(ACTION, "")
            if action:
                # Add or remove a row of a repeating group: the same questions stay open.
                combined = {**bundle.data}
                for key, owners in bundle.owners.items():
                    pid, fid = owners[0]
                    combined[key] = answers[pid].get(fid)
                try:
                    combined = apply_row_action(bundle.form, combined, action)
                except ValueError:
                    abort(400)
                for key, owners in bundle.owners.items():
                    for pid, fid in owners:
                        answers[pid][fid] = combined.get(key)
            share_by_source(procs, answers)
            visit.typed = sorted(typed)
            visit.answers = {p.id: seal(runtime, p, answers[p.id]) for p in procs}
            session.add(visit)
            if action:
                keep = bundle.form
                bundle = ask_once(procs, answers, build_bundle(procs, answers, today))
                if keep is not None and bundle.form is not None:
                    bundle.form = keep  # the same questions as before the row changed
            else:
                bundle = ask_once(procs, answers, build_bundle(procs, answers, today))
                show_errors = True
        if bundle.form is None and request.method == "POST":
            return redirect(url_for("counter.review", visit_id=visit_id))
        errors = [*upload_errors, *bundle.errors] if show_errors else []
        steps = []
        if bundle.form is not None:
            for step in bundle.asked_steps():
                step_errors = [
                    e
                    for e in errors
                    if e.path.split(".")[0].split("[")[0] in {f.id for f in step.fields}
                ]
                steps.append(
                    {
                        "step": step,
                        "html": render_step(
                            bundle.form, step.id, bundle.data, step_errors, lang=lang(), today=today
                        ),
                    }
                )
        complete = {p.id: sum(1 for _ in leaves(answers[p.id])) for p in procs}
        return (
            render_template(
                "counter/form.html",
                multipart=bundle.form is not None
                and any(step_takes_files(bundle.form, st.id) for st in bundle.asked_steps()),
                visit=visit,
                resident=resident_of(visit),
                procs=procs,
                steps=steps,
                errors=render_error_summary(errors, lang=lang()),
                has_errors=bool(errors),
                complete=complete,
                shared=[k for k, owners in bundle.owners.items() if len(owners) > 1],
            ),
            422 if errors else 200,
        )


def ask_once(procs: list[Procedure], answers: dict[str, dict[str, Any]], bundle: Bundle) -> Bundle:
    """Ask once what several procedures take from the same prefill source.

    When the source had nothing (the registry holds no phone number), each procedure
    still misses the answer, under its own question (``claimant.phone``,
    ``guardian.phone``). Only the first is asked; the others are left out of the form
    and their errors, and :func:`share_by_source` copies the answer to them once typed.
    A question shared by several procedures under one id, or holding an answer (an
    invalid one must be corrected where it is), is left as it is.
    """
    if bundle.form is None:
        return bundle
    key_of = {(pid, fid): k for k, owners in bundle.owners.items() for pid, fid in owners}
    asked = {e.path for e in bundle.errors}
    first: set[str] = set()
    drop: set[str] = set()  # bundle paths left out: answered from the first
    for proc in procs:
        for path, spec in proc.form.iter_fields():
            if not spec.prefill or "[]" in path or spec.fields:
                continue
            fid, _, rest = path.partition(".")
            key = key_of.get((proc.id, fid))
            if key is None:
                continue
            where = key + (f".{rest}" if rest else "")
            if where not in asked or _value(answers[proc.id], path) not in (None, ""):
                continue
            if spec.prefill not in first:
                first.add(spec.prefill)
            elif len(bundle.owners[key]) == 1:
                drop.add(where)
    if not drop:
        return bundle
    steps = []
    for step in bundle.form.steps:
        fields = [f for f in (_without(f, f.id, drop) for f in step.fields) if f is not None]
        if fields:
            steps.append(step.model_copy(update={"fields": tuple(fields)}))
    errors = [e for e in bundle.errors if e.path not in drop]
    form = bundle.form.model_copy(update={"steps": tuple(steps)})
    return Bundle(form, bundle.owners, bundle.data, errors)


def _value(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _without(spec: FieldSpec, path: str, drop: set[str]) -> FieldSpec | None:
    """``spec`` (at ``path`` in the bundle form) without the fields at ``drop``."""
    if path in drop:
        return None
    if not spec.fields or spec.repeat is not None:
        return spec
    kept = [g for g in (_without(f, f"{path}.{f.id}", drop) for f in spec.fields) if g]
    return spec.model_copy(update={"fields": tuple(kept)})


def _uploads(
    session: Session, fields: tuple[FieldSpec, ...], stored: dict[str, Any], posted: dict[str, Any]
) -> list[FieldError]:
    """Store the files of this step (a paper the resident brought, scanned) into ``posted``."""
    errors: list[FieldError] = []
    for path, spec in _attachment_fields(fields, ""):
        for upload in request.files.getlist(field_input_name(path)):
            if not upload or not upload.filename:
                continue
            try:
                ref = store_upload(
                    session, rt().settings.files_dir, spec, path, upload.filename, upload.read()
                ).reference()
            except FileRejected as exc:
                errors.append(
                    FieldError(path, "file_rejected", LocalizedText(ja=exc.ja, en=exc.en))
                )
                continue
            *parents, leaf = path.split(".")
            node = posted
            old: Any = stored
            for part in parents:
                old = old.get(part, {}) if isinstance(old, dict) else {}
                node = node.setdefault(part, dict(old) if isinstance(old, dict) else {})
            current = node.get(leaf) or (old.get(leaf) if isinstance(old, dict) else None) or []
            node[leaf] = [*current, ref]
    return errors


def _attachment_fields(fields: tuple[FieldSpec, ...], prefix: str) -> list[tuple[str, FieldSpec]]:
    found: list[tuple[str, FieldSpec]] = []
    for f in fields:
        if f.type == "attachment":
            found.append((prefix + f.id, f))
        elif f.fields and f.repeat is None:
            found.extend(_attachment_fields(f.fields, prefix + f.id + "."))
    return found
