"""Every API module can be imported first in a fresh process (no import cycle).

engine.models imports the API table modules at its end so their tables are in the
metadata; a command (the benchmark, a one-off script) may import one of them before
engine.models, which must work too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "module",
    ["engine.api_clients", "engine.api_tokens", "engine.api_uploads", "web.api", "web.cli_clients"],
)
def test_the_module_imports_first(module: str) -> None:
    result = subprocess.run(  # noqa: S603  # a fixed command line
        [sys.executable, "-c", f"import {module}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
