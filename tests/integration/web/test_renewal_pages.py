"""Issue 17 item 3 end to end over HTTP (a running server, a browser without JavaScript and an
API client): the municipality, prefecture and nation pages show the renewal plan (更新) beside
the issuance plan; the clerk previews and saves a renewal revision; a 30-digit number is the
field's own error (422), a stale base 409; the API reads and saves the same."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web_support import eventually, memory_service, signed_in


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    # The in-memory sample (seeded once per run): the renewal store on SQLite and PostgreSQL is
    # test_renewal_service's and test_store_contract's (issue 12 item 6).
    with memory_service(tmp_path_factory, per_prefecture=1) as running:
        yield running


def _value(html: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


def test_I17_3_renewal_plan_pages_and_api_end_to_end(service: tuple[str, Any]) -> None:
    url, accounts = service
    lg, login = sorted(accounts.municipalities.items())[0]
    clerk = signed_in(url, login)

    page = clerk.get(f"/m/{lg}").text
    assert "交付円滑化計画" in page and "月別計画" in page  # the issuance plan …
    assert 'id="renewal"' in page and "更新の計画（電子証明書の更新・カードの更新" in page
    assert "電子証明書の更新" in page and "カードの更新" in page and "更新の予算" in page
    assert 'id="renewal-seq">第1版' in page
    assert 'name="renewal.2027-05.staff"' in page  # … and the renewal plan, editable
    base = _value(page, "renewal_base_revision_id")
    issuance_base = _value(page, "base_revision_id")
    assert base != issuance_base

    # a 30-digit number: the field's own error, nothing saved
    huge = clerk.post(
        f"/m/{lg}/renewal-plan",
        data={"renewal_base_revision_id": base, "action": "save",
              "renewal.2026-01.issuance": "1" * 30},
    )  # fmt: skip
    assert huge.status_code == 422
    assert "令和8年1月の更新の件数（窓口に来る人数）" in huge.text
    assert "以下の整数で入力してください" in huge.text
    assert 'id="renewal-seq">第1版' in huge.text

    # a preview shows the checks of what was typed, without saving
    preview = clerk.post(
        f"/m/{lg}/renewal-plan",
        data={"renewal_base_revision_id": base, "action": "check",
              "renewal.2027-05.dedicated_counters": "999"},
    )  # fmt: skip
    assert preview.status_code == 200 and "まだ保存していません" in preview.text
    assert 'data-code="R6.1-3"' in preview.text

    saved = clerk.post(
        f"/m/{lg}/renewal-plan",
        data={"renewal_base_revision_id": base, "action": "save", "renewal_reason": "増員",
              "renewal.2027-05.staff": "23"},
    )  # fmt: skip
    assert saved.status_code == 303 and saved.headers["location"].endswith("done=renewal#renewal")
    after = clerk.get(saved.headers["location"].split("#")[0]).text
    assert "更新の計画を保存しました。" in after and 'id="renewal-seq">第2版' in after
    assert _value(after, "renewal.2027-05.staff") == "23"
    assert _value(after, "base_revision_id") == issuance_base  # the issuance plan unchanged

    stale = clerk.post(
        f"/m/{lg}/renewal-plan",
        data={"renewal_base_revision_id": base, "action": "save", "renewal.2027-05.staff": "5"},
    )
    assert stale.status_code == 409 and "先に更新したため保存できませんでした" in stale.text
    assert _value(stale.text, "renewal.2027-05.staff") == "5"  # what was typed stays

    # the API: the same plan, the same validation and stale-base refusal
    api = clerk.get(f"/api/municipalities/{lg}/renewal-plan").json()
    assert api["revision"]["kind"] == "renewal" and api["revision"]["seq"] == 2
    assert api["months"][0] == "2025-04" and api["fiscal_years"][0] == 2025
    current = api["revision"]["id"]
    bad = clerk.post(
        f"/api/municipalities/{lg}/renewal-plan",
        json={"base_revision_id": current, "reason": "",
              "rows": [{"month": "2027-06", "terminals": int("9" * 30)}]},
    )  # fmt: skip
    assert bad.status_code == 422, bad.text
    assert "令和9年6月の統合端末の台数" in bad.text
    ok = clerk.post(
        f"/api/municipalities/{lg}/renewal-plan",
        json={"base_revision_id": current, "reason": "API", "rows": [
            {"month": "2027-06", "terminals": 6}]},
    )  # fmt: skip
    assert ok.status_code == 201 and ok.json()["revision"]["seq"] == 3
    again = clerk.post(
        f"/api/municipalities/{lg}/renewal-plan",
        json={"base_revision_id": current, "reason": "", "rows": []},
    )
    assert again.status_code == 409 and again.json()["current_revision_id"] != current
    issuance = clerk.get(f"/api/municipalities/{lg}/plan").json()
    assert issuance["revision"]["kind"] == "issuance" and issuance["revision"]["seq"] == 1

    # the prefecture and the nation: the renewal plans summed, beside the issuance plans
    pref = signed_in(url, f"pref{lg[:2]}")
    pref_page = pref.get(f"/p/{lg[:2]}").text
    assert "の更新の計画（電子証明書の更新・カードの更新" in pref_page
    assert 'id="renewal-area-budget"' in pref_page and 'id="renewal-area-months"' in pref_page
    assert pref.get(f"/p/{lg[:2]}").status_code == 200
    pref_api = pref.get(f"/api/prefectures/{lg[:2]}").json()["renewal"]
    assert pref_api["municipalities_with_plan"] == 1 and len(pref_api["months"]) == 72
    assert eventually(
        lambda: pref.get(f"/api/prefectures/{lg[:2]}").json()["renewal"]["terminals"][26] == 6
    )
    ministry = signed_in(url, "ministry")
    nation = ministry.get("/nation").text
    assert "全国の更新の計画（電子証明書の更新・カードの更新" in nation
    nation_api = ministry.get("/api/nation").json()["renewal"]
    assert nation_api["municipalities_with_plan"] == len(accounts.municipalities)
    assert sum(nation_api["expected"]) > 0


def test_I17_3_a_prefecture_sees_but_cannot_save_a_renewal_plan(service: tuple[str, Any]) -> None:
    url, accounts = service
    lg = sorted(accounts.municipalities)[1]
    pref = signed_in(url, f"pref{lg[:2]}")
    page = pref.get(f"/m/{lg}").text
    assert 'id="renewal"' in page and 'name="renewal.2027-05.staff"' not in page
    refused = pref.post(
        f"/m/{lg}/renewal-plan",
        data={"renewal_base_revision_id": "1", "action": "save", "renewal.2027-05.staff": "1"},
    )
    assert refused.status_code == 403
