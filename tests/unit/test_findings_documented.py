"""Every finding code that any module declares in ``CODES`` is documented in docs/findings.md
(datasette's rule: what is not documented fails a test). Generic: it walks the packages where
findings are raised, so codes the checks and later modules add are covered too."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import kofuplan.domain
import kofuplan.services
from kofuplan.domain.findings import FindingCode

DOCS = Path(__file__).resolve().parents[2] / "docs" / "findings.md"
PACKAGES = (kofuplan.domain, kofuplan.services)


def declared_codes() -> dict[str, str]:
    """code -> the module declaring it, from every module with a ``CODES`` tuple."""
    found: dict[str, str] = {}
    for package in PACKAGES:
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            for code in getattr(module, "CODES", ()):
                assert isinstance(code, FindingCode), f"{info.name}.CODES holds {code!r}"
                found[code.code] = info.name
    return found


def documented_codes() -> set[str]:
    text = DOCS.read_text(encoding="utf-8")
    return set(re.findall(r"^## (\S+)\s*$", text, flags=re.MULTILINE))


def test_R6_2_followup_codes_are_declared() -> None:
    """The follow-up's five codes (R6.2, R8.1) are found by the walk."""
    codes = declared_codes()
    for code in ("F-behind", "F-backlog", "F-slow", "F-weekend", "F-focus"):
        assert code in codes


@pytest.mark.parametrize("code", sorted(declared_codes()))
def test_R6_every_finding_code_has_a_heading_in_docs(code: str) -> None:
    """R6.1/R6.2: the advice a prefecture sends is traceable to a documented rule."""
    assert code in documented_codes(), (
        f"{code} (declared in {declared_codes()[code]}) has no '## {code}' heading in {DOCS}"
    )


def test_finding_codes_are_unique_across_modules() -> None:
    """Two different findings never share a code (a module may re-export another's CODES)."""
    seen: dict[str, tuple[FindingCode, str]] = {}
    for package in PACKAGES:
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            for code in getattr(module, "CODES", ()):
                if code.code in seen:
                    other, where = seen[code.code]
                    assert other is code, f"{code.code} declared in {where} and {info.name}"
                seen[code.code] = (code, info.name)
