"""Writes a check's findings as CSV (``FINDING_COLUMNS``) and its aggregates as JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kofuplan.adapters.safe_text import safe_text
from kofuplan.domain.findings import FINDING_COLUMNS, Finding


def summary_path(out: Path) -> Path:
    """``findings.csv`` -> ``findings.summary.json`` beside it."""
    return out.with_name(out.stem + ".summary.json")


def findings_text(findings: Iterable[Finding]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(FINDING_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for f in findings:
        row = f.as_row()
        # Codes and messages may echo what a user typed; the figures are numbers.
        row["lg_code"] = safe_text(row["lg_code"])
        row["message"] = safe_text(row["message"])
        writer.writerow(row)
    return buffer.getvalue()


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_findings(out: Path, findings: Iterable[Finding], summary: dict[str, Any]) -> Path:
    """Write the findings CSV and the summary JSON; returns the JSON's path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(summary, ensure_ascii=False, indent=1) + "\n"
    target = summary_path(out)
    _write_atomically(out, findings_text(findings))
    _write_atomically(target, text)
    return target
