"""Issue 14 §5: every message of the workbook upload path a clerk meets on the plan page is
Japanese, one problem a line (a bad cell, text in a number cell, a missing month, not a
workbook, another municipality's workbook, an empty upload)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest

from kofuplan.adapters.excel.layout import MONTHLY_TABLE, sheet_title
from tests.unit.test_japanese_messages import assert_japanese
from tests.web_support import Client, memory_service, signed_in


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    with memory_service(tmp_path_factory, per_prefecture=1) as running:
        yield running


def _workbook(c: Client, lg: str) -> tuple[str, bytes, int]:
    r = c.get(f"/api/municipalities/{lg}/plan.xlsx")
    name = r.headers["content-disposition"].split('filename="')[1].rstrip('"')
    base = c.get(f"/api/municipalities/{lg}/plan").json()["revision"]["id"]
    return name, r.content, base


def _edit(data: bytes, cells: dict[tuple[int, str], Any]) -> bytes:
    """Set cells of the monthly table: (row within the table from 1, the column whose header
    starts with the text given)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[sheet_title(MONTHLY_TABLE)]
    first_col, first_row, last_col, _ = openpyxl.utils.cell.range_boundaries(
        next(iter(ws.tables.values())).ref
    )
    headers = [str(ws.cell(first_row, c).value or "") for c in range(first_col, last_col + 1)]
    for (row, header), value in cells.items():
        col = first_col + next(j for j, h in enumerate(headers) if h.startswith(header))
        ws.cell(row=first_row + row, column=col, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _page_errors(html: str) -> list[str]:
    block = re.search(r'<(?:p|ul) class="error" role="alert">(.*?)</(?:p|ul)>', html, re.S)
    assert block, "the page shows the error"
    items = re.findall(r"<li>(.*?)</li>", block.group(1), re.S) or [block.group(1)]
    return [re.sub(r"<[^>]+>", "", i).strip() for i in items]


def test_R6_every_upload_error_on_the_page_is_japanese_one_a_line(
    service: tuple[str, Any],
) -> None:
    url, accounts = service
    lgs = sorted(accounts.municipalities)
    lg, other = lgs[0], lgs[1]
    c = signed_in(url, accounts.municipalities[lg])
    name, data, base = _workbook(c, lg)
    other_name, other_data, _ = _workbook(signed_in(url, accounts.municipalities[other]), other)
    uploads = {
        "text and a negative number in count cells": (
            name, _edit(data, {(1, "交付枚数"): "たくさん", (2, "交付枚数"): -5,
                               (3, "専用窓口"): "x"})),
        "a month that is not one": (name, _edit(data, {(4, "月"): "来年のいつか"})),
        "not a workbook": (name, b"this is not a spreadsheet"),
        "another municipality's workbook": (other_name, other_data),
    }  # fmt: skip
    seen = 0
    for case, (filename, content) in uploads.items():
        r = c.post(
            f"/m/{lg}/plan.xlsx",
            files={"file": (filename, content, "application/octet-stream")},
            data={"base_revision_id": str(base), "csrf_token": c.csrf},
        )
        assert r.status_code == 422, (case, r.status_code)
        lines = _page_errors(r.text)
        if case.startswith("text"):
            assert len(lines) >= 3, f"one problem a line: {lines}"
        for line in lines:
            assert_japanese(line)
            seen += 1
    assert seen >= 6
