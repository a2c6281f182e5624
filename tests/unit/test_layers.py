"""Layers (issue 12 item 2, DESIGN.md): the domain imports no adapter, and neither do the use
cases. The test reads the imports of every module (not its docstrings).

The use cases are not all there yet: the modules in ``NOT_YET`` still import an adapter
(file readers, the ORM models and repository, the Excel writer). The list may only shrink: a
module not in it that imports an adapter fails, and so does a listed module that no longer
does (take it off the list)."""

from __future__ import annotations

import ast
from pathlib import Path

import kofuplan

ROOT = Path(kofuplan.__file__).parent

NOT_YET: set[str] = set()


def adapter_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8-sig"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
            if node.module == "kofuplan":  # from kofuplan import adapters
                names += [f"kofuplan.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found += [
            n for n in names if n == "kofuplan.adapters" or n.startswith("kofuplan.adapters.")
        ]
    return found


def _importers(layer: str) -> dict[str, list[str]]:
    out = {}
    for path in sorted((ROOT / layer).rglob("*.py")):
        names = adapter_imports(path)
        if names:
            out[str(path.relative_to(ROOT))] = names
    return out


def test_the_domain_imports_no_adapter() -> None:
    assert _importers("domain") == {}


def test_use_cases_import_no_adapter_beyond_the_shrinking_list() -> None:
    importers = _importers("services")
    new = sorted(set(importers) - NOT_YET)
    assert new == [], (
        f"{new} import an adapter: take the store's records through services/ports.py and the "
        "files through an adapter that calls the use case (or, knowingly, list them in NOT_YET)"
    )
    assert sorted(NOT_YET - set(importers)) == []  # done: take it off the list


def test_the_import_reader_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        '"""kofuplan.adapters in a docstring is fine."""\n'
        "def f():\n    from kofuplan.adapters.storage import db\n",
        encoding="utf-8",
    )
    assert adapter_imports(module) == ["kofuplan.adapters.storage"]


def test_issue12_the_import_reader_sees_every_spelling_of_an_adapter_import(
    tmp_path: Path,
) -> None:
    """Issue 12 (layers): ``import kofuplan.adapters.x as y`` and ``from kofuplan import
    adapters`` are adapter imports too; ``from kofuplan import errors`` is not."""
    module = tmp_path / "m.py"
    module.write_text(
        "import kofuplan.adapters.web as web\n"
        "from kofuplan import adapters, errors\n"
        "from kofuplan.domain import plan\n",
        encoding="utf-8",
    )
    assert adapter_imports(module) == ["kofuplan.adapters.web", "kofuplan.adapters"]
