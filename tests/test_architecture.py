"""The dependency direction of ARCHITECTURE.md holds (also checked by lint-imports)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("procedures", "engine", "forms", "adapters", "web")
ALLOWED = {
    "web": {"engine", "forms", "adapters", "procedures"},
    "engine": {"forms", "adapters", "procedures"},
    "forms": set(),
    "adapters": set(),
    "procedures": set(),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_only_what_it_may(package: str) -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(bad)
        for p in (ROOT / package).rglob("*.py")
        if (bad := _imports(p) - ALLOWED[package] - {package})
    }
    assert offenders == {}
