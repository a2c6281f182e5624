"""Issue 12, done-when "one rule each": the page's live check and the prefecture's check give the
same findings for the same plan, seen as the clerk and the prefecture see them over HTTP.

tests/unit/test_one_check_set.py shows it for the use cases; here the clerk's 「確認」 on the
page (the preview, not saved), the same edits saved, the page's list of the prefecture's checks
on the stored revision, and the prefecture's own list (API) all hold the same findings
(R6.1-1, R6.1-2, R6.1-4 added by the edits). On the in-memory store."""

from __future__ import annotations

import html
import re
from collections import Counter
from typing import Any

import pytest

from tests.web_support import eventually, memory_service, signed_in

ITEM = re.compile(r'<li class="(\w+)" data-code="([^"]+)"[^>]*>(.*?)</li>', re.DOTALL)


def _section(page: str, section: str) -> list[tuple[str, str, str]]:
    """(severity, code, message) of each finding listed in ``<section id=section>``."""
    start = page.index(f'<section id="{section}"')
    body = page[start : page.index("</section>", start)]
    out = []
    for severity, code, inner in ITEM.findall(body):
        text = html.unescape(re.sub(r"<[^>]+>", "", inner))
        message = text.split("：", 1)[1] if "：" in text else text
        # the preview's lines start with 誤り/注意, the review's with the month and "："
        out.append((severity, code, message.strip().removeprefix("誤り").removeprefix("注意")))
    return [(s, c, m.strip()) for s, c, m in out]


def test_issue12_the_pages_live_check_is_the_prefectures_check(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with memory_service(tmp_path_factory, per_prefecture=1) as (url, accounts):
        lg = next(code for code in accounts.municipalities if code.startswith("13"))
        clerk = signed_in(url, accounts.municipalities[lg])
        prefecture = signed_in(url, accounts.prefectures["13"])
        revision = clerk.get(f"/api/municipalities/{lg}/plan").json()["revision"]
        rows: list[dict[str, Any]] = revision["content"]
        edits = {
            f"{rows[3]['month']}.weekend_days": "0",  # R6.1-4: short of a weekend day a week
            f"{rows[5]['month']}.dedicated_counters": "0",  # R6.1-2 with no counter at all
            f"{rows[5]['month']}.combined_counters": "0",
            f"{rows[-1]['month']}.issuance": str(max(int(rows[-1]["issuance"]) - 1000, 0)),
        }
        form = {"base_revision_id": str(revision["id"]), "reason": "issue 12", **edits}

        preview = clerk.post(f"/m/{lg}/plan", data={**form, "action": "check"})
        assert preview.status_code == 200, preview.text[:500]
        live = _section(preview.text, "findings")
        assert {"R6.1-1", "R6.1-2", "R6.1-4"} <= {code for _, code, _ in live}, live

        saved = clerk.post(f"/m/{lg}/plan", data={**form, "action": "save"})
        assert saved.status_code == 303, saved.text[:500]
        review = _section(clerk.get(f"/m/{lg}").text, "review-findings")
        assert Counter(review) == Counter(live)
        stored = clerk.get(f"/api/municipalities/{lg}/plan").json()["revision"]["id"]
        assert stored != revision["id"]

        def prefecture_row() -> dict[str, Any] | None:
            rows = prefecture.get("/api/prefectures/13").json()["municipalities"]
            row = next(r for r in rows if r["lg_code"] == lg)
            return row if row["revision_id"] == stored else None

        row = eventually(prefecture_row)
        severities = Counter(severity for severity, _, _ in live)
        assert row["errors"] == severities["error"]
        assert row["warnings"] == severities["warning"]
        assert row["finding_codes"] == sorted({code for _, code, _ in live})
