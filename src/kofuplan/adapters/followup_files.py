"""Writers for the follow-up's outputs. Every file is written whole or not at all, through
:func:`kofuplan.adapters.output.write_files`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kofuplan.adapters.output import write_files


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buffer.getvalue()


def json_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_all(files: Mapping[Path, str | bytes]) -> list[Path]:
    """Write every file, or none (see :mod:`kofuplan.adapters.output`)."""
    return write_files(files)
