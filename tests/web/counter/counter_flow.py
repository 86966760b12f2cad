"""Driving a counter visit through the test client (shared by the counter tests)."""

from __future__ import annotations

import base64
import io
import re
import struct
import zlib
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from engine.visits import CounterVisit
from forms.render.names import field_input_name
from procedures.samples import sample
from web import runtime
from web.counter.bundles import build_bundle, unseal

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def tiny_png() -> bytes:
    """A valid 1x1 PNG (what the signature pad sends)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def signature_data_url() -> str:
    return "data:image/png;base64," + base64.b64encode(tiny_png()).decode()


def visit_id(location: str) -> str:
    found = re.search(r"/visits/([0-9a-f]{32})/", location)
    assert found, location
    return found.group(1)


def _dig(data: Any, path: str) -> Any:
    for part in re.split(r"\.|\[|\]", path):
        if part == "":
            continue
        if isinstance(data, list):
            index = int(part)
            data = data[index] if index < len(data) else None
        elif isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def _form_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)


def _flatten(post: dict[str, Any], name: str, value: Any) -> int:
    """Put ``value`` in ``post`` as the form names it; returns how many answers."""
    if value is None:
        return 0
    if isinstance(value, dict):
        return sum(_flatten(post, f"{name}-{k}", v) for k, v in value.items())
    if isinstance(value, list) and value and isinstance(value[0], dict):
        post[f"_rows-{name}"] = str(len(value))
        return sum(_flatten(post, f"{name}-{i}", v) for i, v in enumerate(value))
    post[name] = _form_value(value)
    return 1


def missing_answers(app: Flask, vid: str) -> tuple[dict[str, Any], int]:
    """POST values for what the bundle still asks, from each procedure's sample payload
    (files as small PDFs); and how many answers that is."""
    rt = runtime(app)
    with Session(rt.db) as s:
        visit = s.get(CounterVisit, vid)
        assert visit is not None
        procs = [rt.catalog.get(p) for p in visit.procedures]
        answers = {p.id: unseal(rt, p, visit.answers[p.id]) for p in procs}
    import datetime as dt

    bundle = build_bundle(procs, answers, dt.date.today())
    post: dict[str, Any] = {}
    typed = 0
    for error in bundle.errors:
        key = re.split(r"\.|\[", error.path)[0]
        pid, fid = bundle.owners[key][0]
        proc = rt.catalog.get(pid)
        value = _dig(sample(pid), fid + error.path[len(key) :])
        name = field_input_name(error.path.replace("[", ".").replace("]", ""))
        spec = next(
            (
                f
                for path, f in proc.form.iter_fields()
                if f.type == "attachment" and path.split(".")[-1] == error.path.split(".")[-1]
            ),
            None,
        )
        if spec is not None:
            post[name] = (io.BytesIO(PDF), "証明書.pdf", "application/pdf")
            typed += 1
            continue
        if error.path.endswith("holder_kana"):  # the account must be in the claimant's name
            value = answers[pid]["claimant"]["kana"]
        typed += _flatten(post, name, value)
    return post, typed


def run_visit(
    app: Flask, client: FlaskClient, resident: str, pin: str, procedures: list[str]
) -> tuple[str, int]:
    """Card, life event, procedures, answers, tablet confirmation, signature, filing.
    Returns the visit id and how many answers the clerk typed."""
    resp = client.post(
        "/counter/visits", data={"method": "card", "resident_id": resident, "pin": pin}
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    vid = visit_id(resp.headers["Location"])
    client.post(f"/counter/visits/{vid}/events", data={"step": "events", "event": "birth"})
    resp = client.post(
        f"/counter/visits/{vid}/events", data={"event": "birth", "procedure": procedures}
    )
    assert resp.status_code == 302
    typed = 0
    for _round in range(6):
        post, n = missing_answers(app, vid)
        if not post:
            break
        typed += n
        page = client.get(f"/counter/visits/{vid}/form").get_data(as_text=True)
        rows = dict(re.findall(r'name="(_rows-[^"]+)" value="(\d+)"', page))
        post = {**rows, **post}
        resp = client.post(
            f"/counter/visits/{vid}/form", data=post, content_type="multipart/form-data"
        )
        if resp.status_code == 302:
            break
    assert resp.status_code == 302, re.findall(
        r'class="mg-error-summary.*?</div>', resp.get_data(as_text=True), re.S
    )
    for pid in procedures:
        page = client.get(f"/counter/visits/{vid}/tablet").get_data(as_text=True)
        assert f'value="{pid}"' in page
        client.post(f"/counter/visits/{vid}/tablet", data={"procedure": pid, "verdict": "ok"})
    resp = client.post(f"/counter/visits/{vid}/signature", data={"signature": signature_data_url()})
    assert resp.status_code == 302
    resp = client.post(f"/counter/visits/{vid}/file")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    assert resp.headers["Location"].endswith(f"/counter/visits/{vid}/done")
    return vid, typed
