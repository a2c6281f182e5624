"""Every finding code any module declares in ``CODES`` is documented under ``## CODE`` in
docs/findings.md (issue 3 item 2; STYLE: documentation that cannot drift)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import kofuplan
from kofuplan.domain.findings import FindingCode

DOCS = Path(__file__).resolve().parents[2] / "docs" / "findings.md"


def declared_codes() -> dict[str, str]:
    """Every code in every ``CODES`` of the package, with the module that declares it."""
    found: dict[str, str] = {}
    for info in pkgutil.walk_packages(kofuplan.__path__, "kofuplan."):
        if info.name.endswith("__main__"):
            continue  # running it would start the CLI
        module = importlib.import_module(info.name)
        for code in getattr(module, "CODES", ()):
            assert isinstance(code, FindingCode), f"{info.name}.CODES holds {code!r}"
            found.setdefault(code.code, info.name)
    return found


def documented_codes() -> set[str]:
    text = DOCS.read_text(encoding="utf-8")
    return {m.strip() for m in re.findall(r"^## (.+)$", text, flags=re.MULTILINE)}


def test_every_declared_code_is_documented() -> None:
    missing = {c: mod for c, mod in declared_codes().items() if c not in documented_codes()}
    assert not missing, f"codes without a '## CODE' section in {DOCS}: {missing}"


def test_the_check_codes_are_found_R6_1_R1_2_R2_3_R5_1() -> None:
    codes = declared_codes()
    for code in ("R6.1-1", "R6.1-2", "R6.1-3", "R6.1-4", "R1.2", "R2.3", "R5.1"):
        assert code in codes
