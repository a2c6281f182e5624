"""The server-rendered pages, driven as a browser without JavaScript would (issue 6 §3;
R6, R6.1, R6.2, R7.1, R8.4)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web_support import Client, memory_service, signed_in


@pytest.fixture()
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    with memory_service(tmp_path_factory, per_prefecture=1) as running:
        yield running


def _value(html: str, name: str) -> str:
    m = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert m, name
    return m.group(1)


def test_R6_sign_in_form_lands_each_role_on_its_home(service: tuple[str, Any]) -> None:
    url, accounts = service
    lg, login = next(iter(accounts.municipalities.items()))
    for user, home in ((login, f"/m/{lg}"), ("pref01", "/p/01"), ("ministry", "/nation")):
        c = Client(url)
        r = c.post("/login", data={"login": user, "password": "sample-password-for-tests"})
        assert r.status_code == 303 and r.headers["location"] == home
        assert c.get("/").headers["location"] == home
    bad = Client(url).post("/login", data={"login": "ministry", "password": "nope"})
    assert bad.status_code == 401 and "ログイン名またはパスワードが違います" in bad.text
    assert Client(url).get(f"/m/{lg}").headers["location"] == "/login"


def test_R6_a_stale_page_save_is_refused_and_keeps_what_the_editor_typed(
    service: tuple[str, Any],
) -> None:
    url, accounts = service
    lg, login = next(iter(accounts.municipalities.items()))
    alice, bob = signed_in(url, login), signed_in(url, login)
    page_a, page_b = alice.get(f"/m/{lg}").text, bob.get(f"/m/{lg}").text
    base = _value(page_a, "base_revision_id")
    assert base == _value(page_b, "base_revision_id")
    first = alice.post(
        f"/m/{lg}/plan",
        data={"base_revision_id": base, "action": "save", "2021-01.staff": "31", "reason": "Aさん"},
    )
    assert first.status_code == 303
    second = bob.post(
        f"/m/{lg}/plan",
        data={"base_revision_id": base, "action": "save", "2021-02.staff": "42", "reason": "Bさん"},
    )
    assert second.status_code == 409
    assert "他の方がこの計画を先に更新した" in second.text
    assert _value(second.text, "2021-02.staff") == "42"  # nothing Bob typed is lost
    assert _value(second.text, "reason") == "Bさん"
    now = alice.get(f"/m/{lg}").text
    assert _value(now, "2021-01.staff") == "31"
    history = alice.get(f"/m/{lg}/history").text
    assert "Aさん" in history and "第2版" in history and "Bさん" not in history


def test_R6_check_button_previews_without_saving(service: tuple[str, Any]) -> None:
    url, accounts = service
    lg, login = next(iter(accounts.municipalities.items()))
    c = signed_in(url, login)
    page = c.get(f"/m/{lg}").text
    base = _value(page, "base_revision_id")
    issuance = int(_value(page, "2020-12.issuance"))
    preview = c.post(
        f"/m/{lg}/plan",
        data={"base_revision_id": base, "action": "check", "2020-12.issuance": str(issuance - 1)},
    )
    assert preview.status_code == 200
    assert 'data-code="R6.1-1"' in preview.text  # one card short: check_plan, as kofuplan check
    assert "まだ保存していません" in preview.text
    assert _value(c.get(f"/m/{lg}").text, "base_revision_id") == base  # no new revision
    bad = c.post(
        f"/m/{lg}/plan",
        data={"base_revision_id": base, "action": "check", "2020-12.issuance": "-5"},
    )
    assert bad.status_code == 422 and "負の値" in bad.text


def test_R6_2_actuals_advice_and_review_through_the_forms(service: tuple[str, Any]) -> None:
    url, accounts = service
    lg = next(c for c in accounts.municipalities if c.startswith("01"))
    muni, pref = signed_in(url, accounts.municipalities[lg]), signed_in(url, "pref01")
    r = muni.post(f"/m/{lg}/actuals", data={"month": "2020-10", "issued": "1,234", "backlog": "5"})
    assert r.status_code == 303
    page = muni.get(f"/m/{lg}").text
    assert "1,234" in page and "令和2年10月" in page
    assert (
        muni.post(f"/m/{lg}/actuals", data={"month": "2020-10", "issued": "x"}).status_code == 422
    )
    r = pref.post(f"/m/{lg}/advice", data={"text": "土日の交付日を増やしてください。"})
    assert r.status_code == 303
    assert "土日の交付日を増やしてください。" in muni.get(f"/m/{lg}").text
    # Accepting a plan that was never handed in is refused with the reason.
    r = pref.post(f"/m/{lg}/review", data={"decision": "accept", "comment": ""})
    assert r.status_code == 409 and "受理" in r.text
    assert muni.post(f"/m/{lg}/submit", data={"comment": ""}).status_code == 303
    seen = re.search(r'name="revision_id" value="(\d+)"', pref.get(f"/m/{lg}").text)
    assert seen is not None
    r = pref.post(f"/m/{lg}/review", data={"decision": "accept", "revision_id": seen.group(1)})
    assert r.status_code == 303
    listing = pref.get("/p/01").text
    assert re.search(rf'data-lg-code="{lg}".*?受理', listing, flags=re.S)
    assert pref.post("/p/01/submit", data={}).status_code == 303
    assert "最終提出" in pref.get("/p/01").text


def test_R8_4_national_page_shows_the_aim_the_map_and_the_rankings(
    service: tuple[str, Any],
) -> None:
    url, _ = service
    html = signed_in(url, "ministry").get("/nation").text
    assert "330万" in html and "月間330万枚" in html
    assert html.count('class="map"') == 1
    assert len(re.findall(r"<g><title>[^<]+: [0-9.]+%</title>", html)) == 47
    assert "都道府県の交付率の順位" in html and "市区町村の交付率" in html
    assert "重点的フォローアップの対象" in html


def test_R8_3_plan_page_shows_weekday_and_weekend_waits(service: tuple[str, Any]) -> None:
    """Issue 7: the residents' expected waits are on the plan page, from the stored counts."""
    from kofuplan.services.views import with_waits

    url, accounts = service
    lg, login = next(iter(accounts.municipalities.items()))
    html = signed_in(url, login).get(f"/m/{lg}").text
    assert "平日の待ち(分)" in html and "土日の待ち(分)" in html
    row = {
        "issuance": 3000,
        "open_weekdays": 20,
        "weekend_days": 4,
        "dedicated_counters": 2,
        "combined_counters": 1,
    }
    [few] = with_waits([row], None)
    [many] = with_waits([{**row, "dedicated_counters": 6}], None)
    assert (
        few["wait_weekend_minutes"] == "∞"
        or many["wait_weekend_minutes"] <= few["wait_weekend_minutes"]
    )
    assert isinstance(many["wait_weekday_minutes"], int)
