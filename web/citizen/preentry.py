"""Continue at the counter (事前入力): a draft's QR code for the no-writing counter.

A resident who started an application at home shows this page (or a print of it) at the
city hall counter; the clerk scans the QR code (``madoguchi:pre-entry:<draft id>``, what
:func:`web.counter.common.pre_entry_draft` reads) and the resident's card PIN proves who
they are. The code is also written out in groups of four characters to read aloud or
type when no scanner is at hand.
"""

from __future__ import annotations

import segno
from flask import abort, redirect, render_template, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from web.citizen import bp
from web.citizen.common import session, texts
from web.citizen.filing import load_draft
from web.counter.common import QR_PREFIX
from web.session import resident_required


def pre_entry_payload(draft_id: str) -> str:
    """What the QR code of a draft holds: what the counter's scanner field accepts."""
    return f"{QR_PREFIX}{draft_id}"


def spoken_code(draft_id: str) -> str:
    """The draft's code in groups of four characters, to read aloud or type."""
    return " ".join(draft_id[i : i + 4] for i in range(0, len(draft_id), 4))


def qr_svg(payload: str, title: str) -> Markup:
    """The QR code of ``payload`` as inline SVG (no script, no style), named ``title``
    for screen readers; black on a white square with the quiet zone around it."""
    code = segno.make(payload, error="m")
    svg: str = code.svg_inline(scale=5, dark="#000", light="#fff", title=title, svgclass="mg-qr")
    # The SVG is segno's own markup; only the title is ours, and segno escapes it.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704


@bp.get("/drafts/<draft_id>/counter")
@resident_required
def pre_entry(draft_id: str) -> WerkzeugResponse | str:
    """The draft's QR code to continue at the counter (only its owner sees it)."""
    with session() as s:
        view, proc = load_draft(s, draft_id)  # 404 for a draft that is not the resident's
        row = view.row
        if row.status != "open":  # filed already: nothing to continue
            return redirect(url_for("citizen.mine"))
        if row.purpose != "new" or "counter" not in proc.channels:
            abort(404)
        payload = pre_entry_payload(row.id)
        return render_template(
            "citizen/pre_entry.html",
            proc=proc,
            draft=row,
            payload=payload,
            spoken=spoken_code(row.id),
            qr=qr_svg(payload, texts("窓口用のQRコード", "QR code for the counter")),
        )
