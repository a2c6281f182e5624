"""End-to-end in a real headless Chromium (Debian's package, driven by Playwright): the plan
page, the prefecture's return with a comment, and a refused neighbour (issue 6; R6, R6.1)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web_support import PASSWORD, memory_service

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    # The in-memory sample (seeded once per run, tests/web_support.py): what is tested here is
    # the browser's side; test_service_e2e runs the browser against SQLite (issue 12 item 6).
    with memory_service(tmp_path_factory, per_prefecture=2) as running:
        yield running


def sign_in(browser: Browser, url: str, login: str) -> Page:
    page = browser.new_page(locale="ja-JP")
    page.goto(f"{url}/login")
    page.get_by_label("ログイン名").fill(login)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    return page


def test_R6_municipality_edits_a_month_sees_the_check_change_saves_then_prefecture_returns_it(
    browser: Browser, service: tuple[str, Any]
) -> None:
    url, accounts = service
    lg = next(c for c in accounts.municipalities if c.startswith("13"))
    page = sign_in(browser, url, accounts.municipalities[lg])
    expect(page).to_have_url(f"{url}/m/{lg}")
    findings = page.locator("#findings")
    # The engine's plan has no error (check_plan may warn of staffing, R2.3).
    expect(findings.locator("li.error")).to_have_count(0)

    cell = page.locator('input[name="2020-11.issuance"]')
    before = int(cell.input_value())
    cell.fill(str(before + 5000))
    # The page's own script re-checks while typing (the same formula as the server) …
    expect(page.locator("#live-check")).to_contain_text("交付能力を超える月")
    expect(page.locator("#live-check")).to_contain_text("+5,000")
    page.get_by_label("変更理由").fill("11月に出張交付を追加")
    # … and the 確認 button runs every check on the server, without saving.
    page.get_by_role("button", name="確認（保存しない）").click()
    # The prefecture's own check set (check_plan, as `kofuplan check`): R6.1-2 in November.
    expect(findings.locator('[data-code="R6.1-2"]')).to_contain_text("令和2年11月")
    expect(page.locator('input[name="2020-11.issuance"]')).to_have_value(str(before + 5000))

    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".notice")).to_contain_text("計画を保存しました")
    expect(page.locator("#status")).to_have_text("作成中")
    expect(page.locator('input[name="2020-11.issuance"]')).to_have_value(str(before + 5000))
    expect(findings.locator('[data-code="R6.1-2"]')).to_be_visible()
    # The saved revision's checks are the same set.
    expect(page.locator('#review-findings [data-code="R6.1-2"]')).to_contain_text("令和2年11月")

    # The saved plan has errors: each needs a 理由 before it can be handed in (issue 14).
    reasons = page.locator('#hand-in textarea[name^="reason."]')
    expect(reasons.first).to_be_visible()
    for k in range(reasons.count()):
        reasons.nth(k).fill("11月は出張交付で対応するため")
    page.get_by_role("button", name="この計画を提出").click()
    expect(page.locator("#status")).to_have_text("提出済")
    page.close()

    pref = sign_in(browser, url, accounts.prefectures["13"])
    expect(pref).to_have_url(f"{url}/p/13")
    row = pref.locator(f'tr[data-lg-code="{lg}"]')
    expect(row).to_contain_text("提出済")
    row.get_by_role("link").click()
    expect(pref).to_have_url(f"{url}/m/{lg}")
    pref.locator('textarea[name="comment"]').fill(
        "合計が交付枚数の想定と一致しません。修正してください。"
    )
    pref.get_by_role("button", name="差戻し").click()
    expect(pref.locator("#status")).to_have_text("差戻し")
    pref.goto(f"{url}/p/13")
    expect(pref.locator(f'tr[data-lg-code="{lg}"]')).to_contain_text("差戻し")
    expect(pref.locator(f'tr[data-lg-code="{lg}"]')).to_contain_text("一致しません")
    pref.close()

    again = sign_in(browser, url, accounts.municipalities[lg])
    expect(again.locator(".comment")).to_contain_text("一致しません")
    again.close()


def test_R6_another_municipality_is_refused(browser: Browser, service: tuple[str, Any]) -> None:
    url, accounts = service
    lg_a = next(c for c in accounts.municipalities if c.startswith("13"))
    lg_other = next(c for c in accounts.municipalities if c.startswith("14"))
    page = sign_in(browser, url, accounts.municipalities[lg_other])
    expect(page).to_have_url(f"{url}/m/{lg_other}")
    response = page.goto(f"{url}/m/{lg_a}")
    assert response is not None and response.status == 403
    expect(page.locator(".error")).to_contain_text("権限がありません")
    response = page.goto(f"{url}/p/13")
    assert response is not None and response.status == 403
    page.close()


def test_R6_forms_work_without_javascript(browser: Browser, service: tuple[str, Any]) -> None:
    url, accounts = service
    lg = next(c for c in accounts.municipalities if c.startswith("27"))
    context = browser.new_context(java_script_enabled=False, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{url}/login")
    page.get_by_label("ログイン名").fill(accounts.municipalities[lg])
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(f"{url}/m/{lg}")
    page.locator('input[name="2021-04.staff"]').fill("77")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".notice")).to_contain_text("計画を保存しました")
    expect(page.locator('input[name="2021-04.staff"]')).to_have_value("77")
    page.get_by_role("link", name="変更履歴").click()
    expect(page.locator("table.diff").first).to_contain_text("職員数")
    context.close()


def test_R3_promotion_section_without_javascript_changes_the_checks(
    browser: Browser, service: tuple[str, Any]
) -> None:
    """Issue 8 on the page: a bad share is refused naming the field and keeping the form; a
    filled section saves, and the promotion findings follow it."""
    url, accounts = service
    lg = next(c for c in accounts.municipalities if c.startswith("28"))
    context = browser.new_context(java_script_enabled=False, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{url}/login")
    page.get_by_label("ログイン名").fill(accounts.municipalities[lg])
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(f"{url}/m/{lg}")
    form = page.locator("#inputs-form")
    form.get_by_label("コンビニ交付の実施").select_option("yes")
    form.get_by_label("証明書の窓口手数料（円）").fill("300")
    form.get_by_label("証明書のコンビニ手数料（円）").fill("300")
    form.get_by_label("支援する住民の割合（0〜1）").fill("1.5")
    form.get_by_role("button", name="入力を保存").click()
    expect(page.locator("#inputs-error")).to_contain_text("支援する住民の割合")
    expect(page.locator("#inputs-error")).not_to_contain_text("insurance_assist_share")
    expect(page.locator("#inputs-form").get_by_label("証明書の窓口手数料（円）")).to_have_value(
        "300"
    )
    page.locator("#inputs-form").get_by_label("支援する住民の割合（0〜1）").fill("")
    page.locator("#inputs-form").get_by_role("button", name="入力を保存").click()
    expect(page.locator(".notice")).to_contain_text("申請推進・窓口の入力を保存しました")
    review = page.locator("#review-findings")
    expect(review.locator('[data-code="R2.4"]')).to_be_visible()
    expect(review.locator('[data-code="R3.2"]')).to_be_visible()
    form = page.locator("#inputs-form")
    form.get_by_label("QRコード付き申請書の送付数").fill("5000")
    form.get_by_label("申請書を送付する月").fill("2021-01;2021-02")
    form.get_by_label("証明書のコンビニ手数料（円）").fill("200")
    form.get_by_role("button", name="入力を保存").click()
    expect(page.locator(".notice")).to_contain_text("申請推進・窓口の入力を保存しました")
    expect(review.locator('[data-code="R3.2"]')).to_have_count(0)
    expect(review.locator('[data-code="R2.4"]')).to_have_count(0)
    expect(review.locator('[data-code="R3.4"]')).to_be_visible()
    context.close()
