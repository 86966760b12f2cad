"""The workflow diagram on the case page: Graphviz renders the engine's DOT to SVG.

Rendered server-side, so the page needs no script (the CSP allows none inline) and the
diagram is the same for every browser. Results are cached per definition version and
state. Without the ``dot`` program (installed by ``make``), the page shows the list of
states alone, which is also the diagram's text alternative.
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
import subprocess

from markupsafe import Markup

from engine.definitions.models import Procedure
from engine.machine import graphviz_dot

log = logging.getLogger(__name__)

_XML_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)


def workflow_svg(proc: Procedure, current: str | None) -> Markup | None:
    """The workflow as inline SVG with ``current`` marked, or None when it can't be drawn."""
    return _render(proc.version, graphviz_dot(proc, current))


@functools.lru_cache(maxsize=512)
def _render(_version: str, source: str) -> Markup | None:
    dot = shutil.which("dot")
    if dot is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 - fixed program, no shell, our own input
            [dot, "-Tsvg"], input=source.encode(), capture_output=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError) as error:
        log.warning("workflow diagram not drawn: %s", type(error).__name__)
        return None
    svg = _XML_PROLOGUE.sub("", done.stdout.decode("utf-8"), count=1)
    # Decorative for assistive technology: the list of states beside it says the same.
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    return Markup(svg)  # noqa: S704 - SVG from Graphviz on labels it escaped itself
