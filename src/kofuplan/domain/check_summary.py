"""Aggregates of a check run: per prefecture, how many municipalities pass each check; for the
nation, the summed monthly plan against the aim of 3.3 million cards a month (R8.4)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain.findings import Finding, FindingCode

IntArray = npt.NDArray[np.int64]


def prefecture_passes(
    lg_codes: Sequence[str],
    pref_codes: Sequence[str],
    findings: Iterable[Finding],
    codes: Sequence[FindingCode],
) -> dict[str, dict[str, Any]]:
    """For each prefecture: municipalities checked, how many have no finding of each code,
    and how many have no error at all."""
    failed: dict[str, set[str]] = {c.code: set() for c in codes}
    with_error: set[str] = set()
    for f in findings:
        failed.setdefault(f.code, set()).add(f.lg_code)
        if f.severity == "error":
            with_error.add(f.lg_code)
    out: dict[str, dict[str, Any]] = {}
    for pref in sorted(set(pref_codes)):
        members = [lg for lg, p in zip(lg_codes, pref_codes, strict=True) if p == pref]
        out[pref] = {
            "municipalities": len(members),
            "without_errors": sum(lg not in with_error for lg in members),
            "passing": {c.code: sum(lg not in failed[c.code] for lg in members) for c in codes},
        }
    return out


def national_against_aim(
    months: Sequence[str], issuance: IntArray, monthly_aim: int
) -> dict[str, Any]:
    """The summed monthly plan against the national aim (R8.4)."""
    total = issuance.sum(axis=0)
    over = [m for m, x in zip(months, total.tolist(), strict=True) if x >= monthly_aim]
    peak = int(np.argmax(total)) if len(months) else 0
    return {
        "monthly_aim": monthly_aim,
        "monthly_issuance": {m: int(x) for m, x in zip(months, total.tolist(), strict=True)},
        "months_at_aim": over,
        "first_month_at_aim": over[0] if over else None,
        "peak_month": months[peak] if len(months) else None,
        "peak_issuance": int(total[peak]) if len(months) else 0,
        "total_planned": int(total.sum()),
    }
