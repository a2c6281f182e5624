"""Issue 14 §2 and §7 over HTTP: a review tied to the revision seen, hand-in with 理由 for each
error, the prefecture list's filters and bulk accept, and the table exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.web_support import Client, memory_service, signed_in


@pytest.fixture()
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    with memory_service(tmp_path_factory, per_prefecture=2) as s:
        yield s


def _plan(c: Client, lg: str) -> dict[str, Any]:
    revision: dict[str, Any] = c.get(f"/api/municipalities/{lg}/plan").json()["revision"]
    return revision


def _save(c: Client, lg: str, rows: list[dict[str, Any]], reason: str = "t") -> dict[str, Any]:
    base = _plan(c, lg)["id"]
    r = c.post(
        f"/api/municipalities/{lg}/plan",
        json={"base_revision_id": base, "reason": reason, "rows": rows},
    )
    assert r.status_code == 201, r.text
    return _plan(c, lg)


def test_R6_1_accept_of_a_revision_not_seen_is_refused_with_what_changed(
    service: tuple[str, Any],
) -> None:
    url, accounts = service
    lg = next(c for c in accounts.municipalities if c.startswith("01"))
    muni, pref = signed_in(url, accounts.municipalities[lg]), signed_in(url, "pref01")
    assert muni.post(f"/api/municipalities/{lg}/submit", json={}).status_code == 200
    seen = _plan(pref, lg)  # the prefecture opens revision N
    month = seen["content"][3]["month"]
    newer = _save(muni, lg, [{"month": month, "staff": 31}])  # the municipality saves N+1 …
    assert muni.post(f"/api/municipalities/{lg}/submit", json={}).status_code == 200  # … again
    r = pref.post(
        f"/api/municipalities/{lg}/review", json={"decision": "accept", "revision_id": seen["id"]}
    )
    assert r.status_code == 409
    body = r.json()
    assert body["current_revision_id"] == newer["id"]
    assert [month, "staff"] == body["changes"][0][:2] and body["changes"][0][3] == 31
    assert "第" in body["detail"] and "受理・差戻しはしていません" in body["detail"]
    status = pref.get("/api/prefectures/01").json()["municipalities"]
    assert {m["lg_code"]: m["status"] for m in status}[lg] == "submitted"  # not accepted
    ok = pref.post(
        f"/api/municipalities/{lg}/review", json={"decision": "accept", "revision_id": newer["id"]}
    )
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"


def test_R6_1_a_plan_with_errors_is_handed_in_only_with_a_reason_for_each(
    service: tuple[str, Any],
) -> None:
    url, accounts = service
    lg = next(c for c in accounts.municipalities if c.startswith("02"))
    muni = signed_in(url, accounts.municipalities[lg])
    month = _plan(muni, lg)["content"][0]["month"]
    _save(muni, lg, [{"month": month, "issuance": 9_000_000}])  # far over the capacity
    r = muni.post(f"/api/municipalities/{lg}/submit", json={})
    assert r.status_code == 422 and "理由" in r.json()["detail"]
    page = muni.get(f"/m/{lg}").text
    keys = sorted(set(_reason_fields(page)))
    assert keys, "the hand-in form asks a 理由 for each error"
    partial = {k: "窓口増設の予算が未確定のため" for k in keys[:-1]}
    r = muni.post(f"/api/municipalities/{lg}/submit", json={"explanations": partial})
    assert r.status_code == 422  # one error still unexplained
    reasons = {k: f"理由{i}" for i, k in enumerate(keys)}
    r = muni.post(f"/api/municipalities/{lg}/submit", json={"explanations": reasons})
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    pref_page = signed_in(url, "pref02").get(f"/m/{lg}").text
    assert "提出時に書かれた誤りの理由" in pref_page and "理由0" in pref_page


def _reason_fields(html: str) -> list[str]:
    import re

    return re.findall(r'name="reason\.([^"]+)"', html)


def test_R6_prefecture_list_filters_sorts_and_accepts_clean_plans_in_bulk(
    service: tuple[str, Any],
) -> None:
    url, accounts = service
    lgs = sorted(c for c in accounts.municipalities if c.startswith("03"))
    for lg in lgs:
        c = signed_in(url, accounts.municipalities[lg])
        assert c.post(f"/api/municipalities/{lg}/submit", json={}).status_code == 200
    pref = signed_in(url, "pref03")
    rows = pref.get("/api/prefectures/03").json()["municipalities"]
    clean = [r["lg_code"] for r in rows if r["errors"] == 0 and r["warnings"] == 0]
    assert clean, "the sample has a plan with no findings to accept"
    listing = pref.get("/p/03?status=submitted&sort=coverage&order=desc").text
    assert all(f'data-lg-code="{lg}"' in listing for lg in lgs)
    assert pref.get("/p/03?status=accepted").text.count('data-lg-code="') == 0
    r = pref.post("/p/03/accept-clean", data={"accept": [f"{lg}:{_rid(rows, lg)}" for lg in lgs]})
    assert r.status_code == 200
    after = {
        r["lg_code"]: r["status"] for r in pref.get("/api/prefectures/03").json()["municipalities"]
    }
    assert {lg for lg, s in after.items() if s == "accepted"} == set(clean)
    assert all(after[lg] == "submitted" for lg in lgs if lg not in clean)


def _rid(rows: list[dict[str, Any]], lg: str) -> int:
    return int(next(r["revision_id"] for r in rows if r["lg_code"] == lg))


def test_R7_tables_export_as_csv_with_bom_and_excel_without_formulas(
    service: tuple[str, Any],
) -> None:
    url, accounts = service
    lg = next(c for c in accounts.municipalities if c.startswith("04"))
    muni, pref = signed_in(url, accounts.municipalities[lg]), signed_in(url, "pref04")
    assert muni.post(f"/api/municipalities/{lg}/submit", json={}).status_code == 200
    evil = '=HYPERLINK("http://example.invalid","x")'
    r = pref.post(
        f"/api/municipalities/{lg}/review",
        json={"decision": "return", "comment": evil, "revision_id": _plan(pref, lg)["id"]},
    )
    assert r.status_code == 200
    raw = pref.get("/p/04/table.csv").content
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:3] == ["団体コード", "市区町村", "状況"]
    row = next(t for t in table if t[0] == lg)
    assert row[2] == "差戻し" and row[-1] == "'" + evil
    book = load_workbook(io.BytesIO(pref.get("/p/04/table.xlsx").content))
    cells = [c for r in book.active.iter_rows() for c in r if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)
    ministry = signed_in(url, accounts.ministry)
    nation = list(
        csv.reader(io.StringIO(ministry.get("/nation/table.csv").content.decode("utf-8-sig")))
    )
    assert len(nation) == 1 + 47 and nation[0][2] == "都道府県"
    assert (
        load_workbook(io.BytesIO(ministry.get("/nation/table.xlsx").content)).active.max_row == 48
    )
    assert pref.get("/nation/table.csv").status_code == 403
