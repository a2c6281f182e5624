"""Bounds over HTTP (issue 12 item 5): a number out of range saved through the API or the page
gets the field's own error, and never a 500 for that municipality or anyone else. On the
in-memory store: the refusal comes before any store (issue 12 item 6)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web_support import memory_service, signed_in

HUGE = "1" * 30


def test_R1_2_any_number_through_api_and_page_gets_the_field_error(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with memory_service(tmp_path_factory, per_prefecture=1) as (url, accounts):
        lg = next(code for code in accounts.municipalities if code.startswith("13"))
        c = signed_in(url, accounts.municipalities[lg])
        rev = c.get(f"/api/municipalities/{lg}/plan").json()["revision"]
        month = rev["content"][0]["month"]
        ministry = signed_in(url, accounts.ministry)
        for value in (HUGE, "-3", "2.5", "1e400", "たくさん"):
            _refused(c, lg, rev["id"], month, value)
        for path in ("/api/nation", "/nation", "/p/13", f"/m/{lg}"):
            assert ministry.get(path).status_code == 200, path


def _refused(c: Any, lg: str, rev_id: int, month: str, value: str) -> None:
    r = c.post(
        f"/api/municipalities/{lg}/plan",
        json={"base_revision_id": rev_id, "reason": "x",
              "rows": [{"month": month, "issuance": value}]},
    )  # fmt: skip
    assert r.status_code == 422, r.text
    assert "交付枚数" in r.text or "issuance" in r.text
    page = c.post(
        f"/m/{lg}/plan",
        data={"base_revision_id": str(rev_id), "action": "save", f"{month}.issuance": value},
    )
    assert page.status_code == 422 and "交付枚数" in page.text


def test_R6_2_an_actual_beyond_the_ceiling_is_refused_naming_the_field(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with memory_service(tmp_path_factory, per_prefecture=1) as (url, accounts):
        lg = next(code for code in accounts.municipalities if code.startswith("13"))
        c = signed_in(url, accounts.municipalities[lg])
        month = c.get(f"/api/municipalities/{lg}/plan").json()["revision"]["content"][0]["month"]
        r = c.send("PUT", f"/api/municipalities/{lg}/actuals/{month}", json={"issued": int(HUGE)})
        assert r.status_code == 422 and "交付枚数" in r.text, r.text
        page = c.post(f"/m/{lg}/actuals", data={"month": month, "issued": HUGE})
        assert page.status_code == 422 and "交付枚数" in page.text
        assert c.get(f"/m/{lg}").status_code == 200
