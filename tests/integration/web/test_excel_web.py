"""Plan workbooks through the shared service (issue 6 with issue 5's Excel format): download
the current revision, fill it in, upload it as a new revision; stale uploads are refused."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest

from kofuplan.adapters.excel.layout import MONTHLY_TABLE, sheet_title
from tests.web_support import memory_service, signed_in


@pytest.fixture()
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    with memory_service(tmp_path_factory, per_prefecture=1) as running:
        yield running


def _set_issuance(data: bytes, month_row: int, value: int) -> bytes:
    """Change one month's issuance, as a clerk would in Excel."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[sheet_title(MONTHLY_TABLE)]
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
    (lg, login), (other, other_login) = list(accounts.municipalities.items())[:2]
    c = signed_in(url, login)
    base = c.get(f"/api/municipalities/{lg}/plan").json()["revision"]["id"]
    not_excel = c.post(
        f"/m/{lg}/plan.xlsx",
        files={"file": (f"{lg}.xlsx", b"not a workbook", "application/octet-stream")},
        data={"base_revision_id": str(base)},
    )
    assert not_excel.status_code == 422
    neighbour = signed_in(url, other_login)
    theirs = neighbour.get(f"/m/{other}/plan.xlsx").content
    foreign = c.post(  # another municipality's workbook, whatever the file is called
        f"/m/{lg}/plan.xlsx",
        files={"file": (f"{lg}.xlsx", theirs, "application/octet-stream")},
        data={"base_revision_id": str(base)},
    )
    assert foreign.status_code == 422 and f"団体コード {other}" in foreign.text
    assert c.get(f"/api/municipalities/{lg}/plan").json()["revision"]["id"] == base
    # Another municipality may not download or upload this one's workbook.
    assert neighbour.get(f"/m/{lg}/plan.xlsx").status_code == 403
    # Issue 15 §1: the workbook carries its code, so the file may be called anything.
    mine = c.get(f"/m/{lg}/plan.xlsx").content
    renamed = c.post(
        f"/m/{lg}/plan.xlsx",
        files={"file": ("計画.xlsx", mine, "application/octet-stream")},
        data={"base_revision_id": str(base)},
    )
    assert renamed.status_code in (200, 303), renamed.text


def _fill_promotion(data: bytes) -> bytes:
    """A clerk fills the promotion section and one profile figure, as clerks write."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    promo = wb[sheet_title("promotion")]
    values = {
        "QRコード付き申請書の送付枚数": "５，０００",
        "送付月": "令和2年12月、2021/01",
        "夜間開庁の回数（月）": "4回",
        "夜間延長時間": 2.5,
        "コンビニ交付の実施": "○",
        "引下げ開始日": "令和3年4月1日",
    }
    for row in promo.iter_rows(min_row=4, max_col=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    events = wb[sheet_title("events")]
    for cell, value in zip(events[4], ("2021-02", 3, 40, "はい"), strict=False):
        cell.value = value
    profile = wb[sheet_title("profile")]
    for row in profile.iter_rows(min_row=4, max_col=2):
        if row[0].value == "庁舎内最大窓口数":
            row[1].value = 9
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_R3_2_R3_3_upload_saves_the_promotion_section_and_profile_as_inputs(
    service: tuple[str, Any],
) -> None:
    """Issue 15 §5: the whole workbook counts: the monthly table becomes the plan revision, the
    promotion and events tables and the profile figures the inputs revision, with a 409 when
    the inputs were saved by someone else after the download."""
    url, accounts = service
    lg, login = next(iter(accounts.municipalities.items()))
    c = signed_in(url, login)
    base = c.get(f"/api/municipalities/{lg}/plan").json()["revision"]["id"]
    before = c.get(f"/api/municipalities/{lg}/inputs").json()
    inputs_base = before["revision"]["id"] if before["revision"] else ""
    filled = _fill_promotion(c.get(f"/m/{lg}/plan.xlsx").content)
    up = c.post(
        f"/api/municipalities/{lg}/plan.xlsx",
        files={"file": (f"{lg}.xlsx", filled, "application/octet-stream")},
        data={
            "base_revision_id": str(base),
            "inputs_base_revision_id": str(inputs_base),
            "csrf_token": c.csrf,
        },
    )
    assert up.status_code == 201, up.text
    after = c.get(f"/api/municipalities/{lg}/inputs").json()
    got = after["inputs"]
    assert got["qr_mailing_forms"] == 5000
    assert got["qr_mailing_months"] == ["2020-12", "2021-01"]
    assert got["evenings_per_month"] == 4 and got["evening_hours"] == 2.5
    assert got["konbini_offered"] is True and got["konbini_reduction_from"] == "2021-04-01"
    assert got["offsite_events"] == [
        {"month": "2021-02", "days": 3, "applications_per_day": 40, "infection_control": True}
    ]
    assert got["office_max_counters"] == 9
    # Someone saves the inputs after this workbook was downloaded: the upload is refused whole.
    newer = c.put(
        f"/api/municipalities/{lg}/inputs",
        json={
            "base_revision_id": after["revision"]["id"],
            "reason": "画面で修正",
            "inputs": {**got, "qr_mailing_forms": 6000},
        },
        headers={"X-CSRF-Token": c.csrf},
    )
    assert newer.status_code == 200, newer.text
    plan_now = c.get(f"/api/municipalities/{lg}/plan").json()["revision"]["id"]
    stale = c.post(
        f"/api/municipalities/{lg}/plan.xlsx",
        files={"file": (f"{lg}.xlsx", filled, "application/octet-stream")},
        data={
            "base_revision_id": str(plan_now),
            "inputs_base_revision_id": str(after["revision"]["id"]),
            "csrf_token": c.csrf,
        },
    )
    assert stale.status_code == 409
    assert c.get(f"/api/municipalities/{lg}/plan").json()["revision"]["id"] == plan_now
    assert c.get(f"/api/municipalities/{lg}/inputs").json()["inputs"]["qr_mailing_forms"] == 6000


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
