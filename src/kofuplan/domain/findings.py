"""Findings: what a check or the follow-up found, with the figures that triggered it.

A finding is data, never a bare string: checks and the follow-up return them; adapters write
them (CSV, Excel, pages). Every code a module can raise is declared in that module's ``CODES``
and documented under a heading of its own in ``docs/findings.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]

FINDING_COLUMNS = ("lg_code", "month", "code", "severity", "value", "threshold", "message")


@dataclass(frozen=True)
class FindingCode:
    code: str
    severity: Severity
    title: str  # one line, Japanese


@dataclass(frozen=True)
class Finding:
    lg_code: str
    month: str | None  # YYYY-MM; None for a finding about the whole plan
    code: str
    severity: Severity
    value: float | None
    threshold: float | None
    message: str  # Japanese, ready for the prefecture to send

    def as_row(self) -> dict[str, str]:
        return {
            "lg_code": self.lg_code,
            "month": self.month or "",
            "code": self.code,
            "severity": self.severity,
            "value": _fmt(self.value),
            "threshold": _fmt(self.threshold),
            "message": self.message,
        }


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.4g}"
