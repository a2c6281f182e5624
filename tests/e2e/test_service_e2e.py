"""Issue 14 in a real headless Chromium: the stale accept (409), hand-in blocked by an
unexplained error, password change and reset, no-store after logout, every page at 390 px and
1366 px no wider than the screen, each role's 利用の手引き reachable from every page. The
guide's screenshots are taken here, so the guide shows the pages as they are."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from kofuplan.adapters.storage.db import Database
from kofuplan.adapters.web.guide import SCREENSHOTS
from tests.web_support import PASSWORD, Client, sample_service, signed_in

pytestmark = pytest.mark.e2e

WIDTHS = (390, 1366)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('e2e14') / 'e2e.sqlite3'}")
    with sample_service(db, per_prefecture=2) as running:
        yield running


def sign_in(
    browser: Browser, url: str, login: str, password: str = PASSWORD, width: int = 1366
) -> Page:
    page = browser.new_page(locale="ja-JP", viewport={"width": width, "height": 800})
    page.goto(f"{url}/login")
    page.get_by_label("ログイン名").fill(login)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    return page


def _first(accounts: Any, pref: str) -> str:
    return next(c for c in sorted(accounts.municipalities) if c.startswith(pref))


def test_R6_1_stale_accept_is_refused_and_the_page_shows_what_changed(
    browser: Browser, service: tuple[str, Any]
) -> None:
    url, accounts = service
    lg = _first(accounts, "05")
    muni = signed_in(url, accounts.municipalities[lg])
    assert muni.post(f"/api/municipalities/{lg}/submit", json={}).status_code == 200
    pref = sign_in(browser, url, accounts.prefectures["05"])
    pref.goto(f"{url}/m/{lg}")  # the prefecture reads revision N …
    plan = muni.get(f"/api/municipalities/{lg}/plan").json()["revision"]
    r = muni.post(  # … while the municipality saves N+1 and hands it in again
        f"/api/municipalities/{lg}/plan",
        json={"base_revision_id": plan["id"], "reason": "職員増",
              "rows": [{"month": "2021-01", "staff": 42}]},
    )  # fmt: skip
    assert r.status_code == 201
    assert muni.post(f"/api/municipalities/{lg}/submit", json={}).status_code == 200
    with pref.expect_response(f"{url}/m/{lg}/review") as answer:
        pref.get_by_role("button", name="受理").click()
    assert answer.value.status == 409
    expect(pref.locator(".error")).to_contain_text("受理・差戻しはしていません")
    stale = pref.locator(".stale")
    expect(stale).to_contain_text("令和3年1月")
    expect(stale).to_contain_text("職員数")
    expect(stale).to_contain_text("42")
    expect(pref.locator("#status")).to_have_text("提出済")
    pref.get_by_role("button", name="受理").click()  # now on the revision shown
    expect(pref.locator("#status")).to_have_text("受理")
    pref.close()


def test_R6_1_hand_in_is_blocked_while_an_error_has_no_reason(
    browser: Browser, service: tuple[str, Any]
) -> None:
    url, accounts = service
    lg = _first(accounts, "06")
    page = sign_in(browser, url, accounts.municipalities[lg])
    page.locator('input[name="2020-12.issuance"]').fill("9000000")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".notice")).to_contain_text("計画を保存しました")
    reasons = page.locator('#hand-in textarea[name^="reason."]')
    expect(reasons.first).to_be_visible()
    # The form asks for every reason; the server refuses too, even without the browser's check.
    reasons.evaluate_all("els => els.forEach(e => e.removeAttribute('required'))")
    with page.expect_response(f"{url}/m/{lg}/submit") as answer:
        page.get_by_role("button", name="この計画を提出").click()
    assert answer.value.status == 422
    expect(page.locator(".error").first).to_contain_text("理由を書いてください")
    expect(page.locator("#status")).to_have_text("作成中")
    for k in range(page.locator('#hand-in textarea[name^="reason."]').count()):
        page.locator('#hand-in textarea[name^="reason."]').nth(k).fill("庁舎外の臨時窓口で対応")
    page.get_by_role("button", name="この計画を提出").click()
    expect(page.locator("#status")).to_have_text("提出済")
    page.close()
    pref = sign_in(browser, url, accounts.prefectures["06"])
    pref.goto(f"{url}/m/{lg}")
    expect(pref.locator("#explanations")).to_contain_text("庁舎外の臨時窓口で対応")
    pref.close()


def test_R6_password_reset_by_the_prefecture_then_change_by_the_clerk(
    browser: Browser, service: tuple[str, Any]
) -> None:
    url, accounts = service
    lg = _first(accounts, "07")
    login = accounts.municipalities[lg]
    pref = sign_in(browser, url, accounts.prefectures["07"])
    pref.goto(f"{url}/m/{lg}")
    pref.locator("#password-reset").get_by_role("button", name="仮パスワードを発行").click()
    temporary = pref.locator("#temporary-password").inner_text().strip()
    assert len(temporary) >= 12
    pref.close()
    assert Client(url).login(login).status_code == 401  # the old password no longer works
    page = sign_in(browser, url, login, temporary)
    expect(page).to_have_url(f"{url}/account/password")  # every page asks for a new one first
    page.goto(f"{url}/m/{lg}")
    expect(page).to_have_url(f"{url}/account/password")
    page.get_by_label("現在のパスワード").fill(temporary)
    page.get_by_label("新しいパスワード（", exact=False).first.fill("short")
    page.get_by_label("新しいパスワード（確認）").fill("short")
    page.locator("#password-form").evaluate("f => f.noValidate = true")
    page.get_by_role("button", name="変更する").click()
    expect(page.locator(".error")).to_contain_text("文字以上")
    new = "新しい合言葉-2021-kofu"
    page.get_by_label("現在のパスワード").fill(temporary)
    page.locator('input[name="new_password"]').fill(new)
    page.get_by_label("新しいパスワード（確認）").fill(new)
    page.get_by_role("button", name="変更する").click()
    expect(page).to_have_url(re.compile(rf"/m/{lg}\?done=password"))
    expect(page.locator(".notice")).to_contain_text("パスワードを変更しました")
    page.close()
    assert Client(url).login(login, new).status_code == 200
    ministry = sign_in(browser, url, accounts.ministry)
    ministry.goto(f"{url}/audit?login={login}")
    audit = ministry.locator("#audit")
    expect(audit).to_contain_text("パスワード再設定")
    expect(audit).to_contain_text("パスワード変更")
    expect(audit).to_contain_text(accounts.prefectures["07"])
    ministry.close()


def test_R6_after_logout_back_shows_the_sign_in_page(
    browser: Browser, service: tuple[str, Any]
) -> None:
    url, accounts = service
    lg = _first(accounts, "08")
    page = sign_in(browser, url, accounts.municipalities[lg])
    expect(page).to_have_url(f"{url}/m/{lg}")
    response = page.goto(f"{url}/m/{lg}/history")
    assert response is not None and response.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(f"{url}/login")
    page.go_back()
    expect(page).to_have_url(f"{url}/login")
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("変更履歴")
    page.close()


def _pages(url: str, accounts: Any) -> dict[str, tuple[str | None, list[str]]]:
    """Role → (login, the paths that role uses)."""
    lg = _first(accounts, "09")
    return {
        "anonymous": (None, ["/login", "/help/municipality"]),
        "municipality": (accounts.municipalities[lg], [f"/m/{lg}", f"/m/{lg}/history",
                                                       "/account/password", "/help/municipality"]),
        "prefecture": (accounts.prefectures["09"], ["/p/09", f"/m/{lg}", "/help/prefecture"]),
        "ministry": (accounts.ministry, ["/nation", "/p/09", "/audit", "/help/ministry"]),
    }  # fmt: skip


def _context(browser: Browser, url: str, login: str | None) -> BrowserContext:
    """A browser context (its own cookies) at 1366 × 800, signed in as ``login`` (None: not
    signed in). Its pages share the session, so each login signs in once (issue 12 item 6)."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1366, "height": 800})
    if login is not None:
        page = context.new_page()
        page.goto(f"{url}/login")
        page.get_by_label("ログイン名").fill(login)
        page.get_by_label("パスワード").fill(PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_load_state()
        expect(page).not_to_have_url(f"{url}/login")
        page.close()
    return context


def test_R8_every_page_fits_390_and_1366_px_and_links_its_role_guide(
    browser: Browser, service: tuple[str, Any]
) -> None:
    url, accounts = service
    problems = []
    for role, (login, paths) in _pages(url, accounts).items():
        context = _context(browser, url, login)
        page = context.new_page()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            for path in paths:
                response = page.goto(f"{url}{path}")
                assert response is not None and response.status == 200, path
                wide = page.evaluate("document.documentElement.scrollWidth")
                if wide > width:
                    problems.append(f"{role} {path} at {width}px: {wide}px wide")
                guide = page.locator("#help-link")
                expected = "municipality" if role == "anonymous" else role
                if guide.get_attribute("href") != f"/help/{expected}":
                    problems.append(f"{role} {path}: guide link {guide.get_attribute('href')}")
        context.close()
    assert problems == []


def test_R8_each_role_guide_opens_from_its_pages_and_the_screenshots_are_taken(
    browser: Browser, service: tuple[str, Any], tmp_path: Path
) -> None:
    """The guide's screenshots come from here (1366 × 800, the top of each page). They are
    written into the guide only with KOFUPLAN_UPDATE_GUIDE_SCREENSHOTS=1, so that a test run
    leaves the working tree as it was; otherwise into a temporary folder."""
    url, accounts = service
    lg = _first(accounts, "10")
    update = os.environ.get("KOFUPLAN_UPDATE_GUIDE_SCREENSHOTS") == "1"
    shot_dir = SCREENSHOTS if update else tmp_path
    shot_dir.mkdir(parents=True, exist_ok=True)
    shots = {"login.png": (None, "/login"),
             "municipality-plan.png": (accounts.municipalities[lg], f"/m/{lg}"),
             "municipality-history.png": (accounts.municipalities[lg], f"/m/{lg}/history"),
             "prefecture-list.png": (accounts.prefectures["10"], "/p/10"),
             "prefecture-review.png": (accounts.prefectures["10"], f"/m/{lg}#review"),
             "nation.png": (accounts.ministry, "/nation")}  # fmt: skip
    contexts = {login: _context(browser, url, login) for login, _ in shots.values()}

    for name, (login, path) in shots.items():
        page = contexts[login].new_page()
        page.goto(f"{url}{path}")
        page.screenshot(path=str(shot_dir / name))
        page.close()
    for login, path in {login: path for login, path in shots.values()}.items():
        page = contexts[login].new_page()
        page.goto(f"{url}{path}")
        page.get_by_role("link", name="利用の手引き").click()
        role = {accounts.ministry: "ministry", accounts.prefectures["10"]: "prefecture"}.get(
            login or "", "municipality"
        )
        expect(page).to_have_url(f"{url}/help/{role}")
        expect(page.locator("h1")).to_contain_text("利用の手引き")
        for img in page.locator("article.guide img").all():
            src = img.get_attribute("src") or ""
            assert httpx.get(f"{url}{src}").status_code == 200, src
        page.close()
    for context in contexts.values():
        context.close()
    for name in shots:
        assert (shot_dir / name).stat().st_size > 10_000
        assert (SCREENSHOTS / name).is_file()


def test_R8_the_guide_in_docs_ja_is_the_served_guide() -> None:
    from kofuplan.adapters.web.guide import docs_text

    docs = Path(__file__).parents[2] / "docs" / "ja"
    for role in ("municipality", "prefecture", "ministry"):
        assert (docs / f"{role}.md").read_text(encoding="utf-8") == docs_text(role), (
            f"docs/ja/{role}.md differs from the served guide: copy guide.docs_text('{role}')"
        )
