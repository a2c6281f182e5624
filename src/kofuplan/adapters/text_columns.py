"""CSV text for columns of numbers, each distinct value formatted once, rows written in chunks.

A national plan has 52,000 rows of 29 columns, but few distinct values per column (a month's
open days, a municipality's code, a counter count): formatting every cell one by one took half
a second of every ``kofuplan plan``. A :class:`TextColumn` holds each distinct text once and a
code per row; :func:`write_csv` streams the rows out a chunk at a time, so the whole file never
sits in memory as one string.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.adapters.output import CSV_ENCODING, write_file

__all__ = [
    "TextColumn",
    "csv_content",
    "decimal_text",
    "int_text",
    "text_column",
    "texts",
    "write_csv",
]

_ROWS_PER_CHUNK = 8192


@dataclass(frozen=True)
class TextColumn:
    """Row ``i`` reads ``labels[codes[i]]``."""

    labels: npt.NDArray[np.object_]  # distinct texts
    codes: npt.NDArray[np.intp]  # one per row

    def __len__(self) -> int:
        return len(self.codes)

    def rows(self, start: int = 0, stop: int | None = None) -> npt.NDArray[np.object_]:
        return self.labels[self.codes[start:stop]]

    def tolist(self) -> list[str]:
        out: list[str] = self.rows().tolist()
        return out


def texts(values: Iterable[str]) -> npt.NDArray[np.object_]:
    """Strings as a numpy object array (one label per element)."""
    items = list(values)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def int_text(x: Any) -> str:
    return str(x)


def decimal_text(places: int) -> Callable[[Any], str]:
    """At most ``places`` decimals, trailing zeros and a bare point dropped: 2.50 → 2.5."""

    def text(x: Any) -> str:
        return f"{x:.{places}f}".rstrip("0").rstrip(".")

    return text


def text_column(values: npt.ArrayLike, fmt: Callable[[Any], str] = int_text) -> TextColumn:
    """``fmt`` applied to each distinct value of ``values`` (flattened in C order).

    Floats are told apart by their bits, so 0.0 and -0.0, or two NaNs, keep the text each
    would get on its own."""
    flat = np.ascontiguousarray(values).reshape(-1)
    if flat.dtype == np.float64:
        keys, codes = np.unique(flat.view(np.int64), return_inverse=True)
        distinct: list[Any] = keys.view(np.float64).tolist()
    else:
        uniq, codes = np.unique(flat, return_inverse=True)
        distinct = uniq.tolist()
    return TextColumn(texts(fmt(x) for x in distinct), codes.astype(np.intp, copy=False))


def csv_content(columns: Mapping[str, TextColumn | Sequence[str]]) -> Callable[[Path], None]:
    """The columns as CSV content for :func:`kofuplan.adapters.output.write_files`: checked
    now, streamed into the file it is given a chunk at a time.

    Values here are numbers, codes and field names, never user text, so no quoting is
    needed; a comma would be a bug, and is refused before anything is written."""
    names = list(columns)
    coded = [
        c if isinstance(c, TextColumn) else TextColumn(texts(c), np.arange(len(c), dtype=np.intp))
        for c in columns.values()
    ]
    lengths = {len(c) for c in coded}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths {sorted(lengths)}")
    for name, column in zip([*names], coded, strict=True):
        if "," in name or any("," in str(label) for label in column.labels.tolist()):
            raise ValueError(f"a value of column {name} contains a comma")
    n_rows = lengths.pop() if lengths else 0

    def write(path: Path) -> None:
        with path.open("x", encoding=CSV_ENCODING, newline="\n") as out:
            out.write(",".join(names) + "\n")
            for start in range(0, n_rows, _ROWS_PER_CHUNK):
                stop = min(start + _ROWS_PER_CHUNK, n_rows)
                chunk = [c.rows(start, stop) for c in coded]
                out.write("\n".join(map(",".join, zip(*chunk, strict=True))))
                out.write("\n")

    return write


def write_csv(path: Path, columns: Mapping[str, TextColumn | Sequence[str]]) -> None:
    """Write the columns as CSV, whole or not at all (:mod:`kofuplan.adapters.output`)."""
    try:
        content = csv_content(columns)
    except ValueError as exc:
        raise ValueError(f"{path.name}: {exc}") from None
    write_file(path, content)
