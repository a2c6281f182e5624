"""Writes a check's findings as CSV (``FINDING_COLUMNS``) and its aggregates as JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kofuplan.adapters.output import write_files
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


def write_findings(out: Path, findings: Iterable[Finding], summary: dict[str, Any]) -> Path:
    """Write the findings CSV and the summary JSON, both or neither; returns the JSON's path."""
    text = json.dumps(summary, ensure_ascii=False, indent=1) + "\n"
    target = summary_path(out)
    write_files({out: findings_text(findings), target: text})
    return target
