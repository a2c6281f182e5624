"""Plan workbooks through the shared service (issue 6 with issue 5's Excel format): download
the current revision, fill it in, upload it as a new revision; stale uploads are refused."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kofuplan.adapters.excel.layout import MONTHLY_TABLE
from kofuplan.adapters.storage.db import Database
from tests.web_support import sample_service, signed_in


@pytest.fixture()
def service(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    db = Database(f"sqlite:///{tmp_path / 'excel.sqlite3'}")
    with sample_service(db, per_prefecture=1) as running:
        yield running


def _set_issuance(data: bytes, month_row: int, value: int) -> bytes:
    """Change one month's issuance, as a clerk would in Excel."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[MONTHLY_TABLE]
    table = next(iter(ws.tables.values()))
    first = openpyxl.utils.cell.range_boundaries(table.ref)
    header = [c.value for c in ws[first[1]]]
    col = header.index(next(h for h in header if h and "交付" in str(h) and "枚数" in str(h))) + 1
    ws.cell(row=first[1] + month_row, column=col, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_R6_excel_round_trip_makes_a_new_revision_and_refuses_a_stale_upload(
    service: tuple[str, Any],
) -> None:
    url, accounts = service
    lg, login = next(iter(accounts.municipalities.items()))
    c = signed_in(url, login)
    plan = c.get(f"/api/municipalities/{lg}/plan").json()
    base = plan["revision"]
    r = c.get(f"/api/municipalities/{lg}/plan.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    name = r.headers["content-disposition"].split('filename="')[1].rstrip('"')
    assert name.startswith(lg)
    october = base["content"][0]["issuance"]
    filled = _set_issuance(r.content, 1, october + 123)
    up = c.post(
        f"/api/municipalities/{lg}/plan.xlsx",
        files={"file": (name, filled, "application/octet-stream")},
        data={"base_revision_id": str(base["id"]), "reason": "Excel で修正", "csrf_token": c.csrf},
    )
    assert up.status_code == 201, up.text
    now = c.get(f"/api/municipalities/{lg}/plan").json()["revision"]
    assert now["seq"] == base["seq"] + 1 and now["reason"] == "Excel で修正"
    assert now["content"][0]["issuance"] == october + 123
    stale = c.post(
        f"/api/municipalities/{lg}/plan.xlsx",
        files={"file": (name, filled, "application/octet-stream")},
        data={"base_revision_id": str(base["id"]), "csrf_token": c.csrf},
    )
    assert stale.status_code == 409


def test_R6_bad_workbooks_are_named_and_refused_on_the_page(service: tuple[str, Any]) -> None:
    url, accounts = service
    (lg, login), (other, _) = list(accounts.municipalities.items())[:2]
    c = signed_in(url, login)
    base = c.get(f"/api/municipalities/{lg}/plan").json()["revision"]["id"]
    mine = c.get(f"/m/{lg}/plan.xlsx").content
    wrong_name = c.post(
        f"/m/{lg}/plan.xlsx",
        files={"file": ("plan.xlsx", mine, "application/octet-stream")},
        data={"base_revision_id": str(base)},
    )
    assert wrong_name.status_code == 422 and "団体コード" in wrong_name.text
    not_excel = c.post(
        f"/m/{lg}/plan.xlsx",
        files={"file": (f"{lg}.xlsx", b"not a workbook", "application/octet-stream")},
        data={"base_revision_id": str(base)},
    )
    assert not_excel.status_code == 422
    foreign = c.post(
        f"/m/{lg}/plan.xlsx",
        files={"file": (f"{other}.xlsx", mine, "application/octet-stream")},
        data={"base_revision_id": str(base)},
    )
    assert foreign.status_code == 422
    assert c.get(f"/api/municipalities/{lg}/plan").json()["revision"]["id"] == base
    # Another municipality may not download or upload this one's workbook.
    neighbour = signed_in(url, accounts.municipalities[other])
    assert neighbour.get(f"/m/{lg}/plan.xlsx").status_code == 403


def test_R7_1_prefecture_downloads_its_submission_workbook(service: tuple[str, Any]) -> None:
    url, accounts = service
    pref = signed_in(url, accounts.prefectures["13"])
    r = pref.get("/api/prefectures/13/submission.xlsx")
    assert r.status_code == 200, r.text
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert "計画一覧" in wb.sheetnames
    text = " ".join(str(c.value) for row in wb["計画一覧"].iter_rows() for c in row if c.value)
    lg = next(c for c in accounts.municipalities if c.startswith("13"))
    assert lg in text
    assert signed_in(url, accounts.ministry).get("/p/13/submission.xlsx").status_code == 200
    assert (
        signed_in(url, accounts.prefectures["14"]).get("/p/13/submission.xlsx").status_code == 403
    )
