"""Every finding code any module declares in ``CODES`` is documented under ``## CODE`` in
docs/findings.md (datasette's rule: what is not documented fails a test). Generic: it walks
the whole package, so codes later modules add are covered too."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import kofuplan
from kofuplan.domain.findings import FindingCode

DOCS = Path(__file__).resolve().parents[2] / "docs" / "findings.md"


def _modules() -> Iterator[ModuleType]:
    for info in pkgutil.walk_packages(kofuplan.__path__, "kofuplan."):
        if info.name.endswith("__main__"):
            continue  # running it would start the CLI
        yield importlib.import_module(info.name)


def declared_codes() -> dict[str, str]:
    """Every code in every ``CODES`` of the package, with the module that declares it."""
    found: dict[str, str] = {}
    for module in _modules():
        for code in getattr(module, "CODES", ()):
            assert isinstance(code, FindingCode), f"{module.__name__}.CODES holds {code!r}"
            found.setdefault(code.code, module.__name__)
    return found


def documented_codes() -> set[str]:
    text = DOCS.read_text(encoding="utf-8-sig")
    return {m.strip() for m in re.findall(r"^## (.+)$", text, flags=re.MULTILINE)}


@pytest.mark.parametrize("code", sorted(declared_codes()))
def test_R6_every_finding_code_has_a_heading_in_docs(code: str) -> None:
    """R6.1/R6.2: the advice a prefecture sends is traceable to a documented rule."""
    assert code in documented_codes(), (
        f"{code} (declared in {declared_codes()[code]}) has no '## {code}' heading in {DOCS}"
    )


def test_the_check_followup_and_promotion_codes_are_found() -> None:
    codes = declared_codes()
    expected = (
        *("R6.1-1", "R6.1-2", "R6.1-3", "R6.1-4", "R1.2", "R2.3", "R5.1"),
        *("F-behind", "F-backlog", "F-slow", "F-weekend", "F-focus"),
        *("R3.2", "R3.3", "R3.4", "R2.4"),
    )
    for code in expected:
        assert code in codes, code


def test_finding_codes_are_unique_across_modules() -> None:
    """Two different findings never share a code (a module may re-export another's CODES)."""
    seen: dict[str, tuple[FindingCode, str]] = {}
    for module in _modules():
        for code in getattr(module, "CODES", ()):
            if code.code in seen:
                other, where = seen[code.code]
                assert other is code, f"{code.code} declared in {where} and {module.__name__}"
            seen[code.code] = (code, module.__name__)
