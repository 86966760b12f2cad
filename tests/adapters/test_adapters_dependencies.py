"""The adapters package depends on nothing else in the project (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import adapters

FORBIDDEN = ("engine", "forms", "web", "procedures")


def test_adapters_import_no_other_project_package() -> None:
    root = Path(adapters.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            offenders += [
                f"{path.name}: {name}" for name in names if name.split(".")[0] in FORBIDDEN
            ]
    assert offenders == []
    assert len(list(root.rglob("*.py"))) > 10
