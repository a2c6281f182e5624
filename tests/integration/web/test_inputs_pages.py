"""The 申請推進・窓口の入力 section of the plan page, driven as a browser without JavaScript
would (issue 8 §4 "the pages"; R2.4, R3.2–R3.4, R6.1-2, R6.1-3, R6 roles)."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from typing import Any

import pytest

from kofuplan.domain.plan_edit import EDITABLE_COLUMNS
from tests.web_support import Client, eventually, memory_service, signed_in


@pytest.fixture()
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    with memory_service(tmp_path_factory, per_prefecture=1) as running:
        yield running


def _value(page: str, name: str) -> str:
    m = re.search(rf'name="{re.escape(name)}"[^>]*?value="([^"]*)"', page)
    assert m, name
    return html_lib.unescape(m.group(1))


def _codes(page: str, section: str = "review-findings") -> set[str]:
    part = page.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    return set(re.findall(r'data-code="([^"]+)"', part))


FULL_FORM = {
    "qr_mailing_forms": "12000",
    "qr_mailing_months": "2020-12;2021-01",
    "insurance_support_method": "交付時に窓口で案内し、端末で申込を支援",
    "insurance_assist_share": "0.8",
    "konbini_offered": "yes",
    "konbini_fee_counter_yen": "300",
    "konbini_fee_store_yen": "200",
    "konbini_reduction_from": "2021-04-01",
    "event.0.month": "2021-01",
    "event.0.days": "3",
    "event.0.applications_per_day": "40",
    "event.0.infection_control": "yes",
}


def _save(c: Client, lg: str, fields: dict[str, str]) -> Any:
    base = _value(c.get(f"/m/{lg}").text, "inputs_base_revision_id")
    return c.post(
        f"/m/{lg}/inputs", data={"inputs_base_revision_id": base, "inputs_reason": "t", **fields}
    )


def _municipality(accounts: Any) -> tuple[str, str]:
    lg = next(c for c in accounts.municipalities if c.startswith("01"))
    return lg, accounts.municipalities[lg]


def test_R3_4_a_bad_share_names_the_field_keeps_what_was_typed_and_saves_nothing(
    service: tuple[str, Any],
) -> None:
    url, accounts = service
    lg, login = _municipality(accounts)
    c = signed_in(url, login)
    r = c.post(
        f"/m/{lg}/inputs",
        data={"inputs_base_revision_id": "", **FULL_FORM, "insurance_assist_share": "1.5"},
    )
    assert r.status_code == 422
    assert "支援する住民の割合" in r.text and "insurance_assist_share" in r.text
    assert 'data-field="insurance_assist_share"' in r.text
    assert _value(r.text, "insurance_assist_share") == "1.5"  # what was typed stays
    assert _value(r.text, "qr_mailing_forms") == "12000"
    assert _value(r.text, "event.0.month") == "2021-01"
    api = c.get(f"/api/municipalities/{lg}/inputs").json()
    assert api["revision"] is None  # nothing saved


def test_R3_3_a_bad_event_month_names_the_row_and_saves_nothing(service: tuple[str, Any]) -> None:
    url, accounts = service
    lg, login = _municipality(accounts)
    c = signed_in(url, login)
    r = c.post(
        f"/m/{lg}/inputs",
        data={"inputs_base_revision_id": "", **FULL_FORM, "event.0.month": "2021-13"},
    )
    assert r.status_code == 422
    assert "出張申請受付 1行目の月" in r.text and "offsite_events" in r.text
    assert _value(r.text, "event.0.month") == "2021-13"
    assert c.get(f"/api/municipalities/{lg}/inputs").json()["revision"] is None


def test_R6_a_stale_inputs_save_is_refused_and_keeps_what_was_typed(
    service: tuple[str, Any],
) -> None:
    url, accounts = service
    lg, login = _municipality(accounts)
    alice, bob = signed_in(url, login), signed_in(url, login)
    base = _value(bob.get(f"/m/{lg}").text, "inputs_base_revision_id")
    assert _save(alice, lg, {"staff": "7"}).status_code == 303
    r = bob.post(
        f"/m/{lg}/inputs",
        data={"inputs_base_revision_id": base, "inputs_reason": "Bさん", "terminals": "5"},
    )
    assert r.status_code == 409 and "先に更新" in r.text
    assert _value(r.text, "terminals") == "5" and _value(r.text, "inputs_reason") == "Bさん"
    assert _value(alice.get(f"/m/{lg}").text, "staff") == "7"
    history = alice.get(f"/m/{lg}/history").text
    assert "入力 第1版" in history and "職員数（現在）" in history and "Bさん" not in history


def test_R3_2_R3_4_R2_4_promotion_findings_follow_the_section_on_the_page_and_the_list(
    service: tuple[str, Any],
) -> None:
    url, accounts = service
    lg, login = _municipality(accounts)
    c, pref = signed_in(url, login), signed_in(url, "pref01")
    assert not _codes(c.get(f"/m/{lg}").text) & {"R3.2", "R3.3", "R3.4", "R2.4"}
    r = _save(c, lg, {"konbini_offered": "yes", "konbini_fee_counter_yen": "300",
                      "konbini_fee_store_yen": "300"})  # fmt: skip
    assert r.status_code == 303
    page = c.get(r.headers["location"]).text
    assert "申請推進・窓口の入力を保存しました" in page
    assert {"R3.2", "R3.4", "R2.4"} <= _codes(page)
    listing = pref.get("/p/01").text
    row = re.search(rf'data-lg-code="{lg}".*?</tr>', listing, flags=re.S)
    assert row and 'data-code="R3.2"' in row.group(0)
    # The prefecture sees the inputs read-only.
    seen = pref.get(f"/m/{lg}").text
    assert 'id="inputs-readonly"' in seen and 'id="inputs-form"' not in seen
    assert "実施している" in seen
    # A full section clears R3.2, R3.4 and R2.4.
    assert _save(c, lg, FULL_FORM).status_code == 303
    assert not _codes(c.get(f"/m/{lg}").text) & {"R3.2", "R3.4", "R2.4"}
    row = re.search(rf'data-lg-code="{lg}".*?</tr>', pref.get("/p/01").text, flags=re.S)
    assert row and 'data-code="R3.2"' not in row.group(0)
    # The Ministry's rollup counts the forms and the event.
    ministry = signed_in(url, accounts.ministry)
    hokkaido = eventually(
        lambda: (
            (row := re.search(r'<tr data-pref="01">.*?</tr>', ministry.get("/nation").text, re.S))
            and "12,000" in row.group(0)
        )
    )
    assert hokkaido, "the rollup counts the forms (after the aggregate's recompute)"


def _plan_rows(c: Client, lg: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = c.get(f"/api/municipalities/{lg}/plan").json()["revision"][
        "content"
    ]
    assert all(name in rows[0] for name in EDITABLE_COLUMNS)
    return rows


def test_R6_1_2_R6_1_3_the_checks_use_the_municipalitys_own_figures(
    service: tuple[str, Any],
) -> None:
    """A lower office limit raises R6.1-3; a lower daily figure per counter raises R6.1-2."""
    url, accounts = service
    lg, login = _municipality(accounts)
    c = signed_in(url, login)
    before = _codes(c.get(f"/m/{lg}").text)
    assert not before & {"R6.1-2", "R6.1-3"}
    rows = _plan_rows(c, lg)
    in_office = max(
        r["dedicated_counters"] - r["offsite_counters"] + r["combined_counters"] for r in rows
    )
    assert _save(c, lg, {"office_max_counters": str(in_office)}).status_code == 303
    assert "R6.1-3" not in _codes(c.get(f"/m/{lg}").text)  # the limit holds them all
    assert _save(c, lg, {"office_max_counters": str(in_office - 1)}).status_code == 303
    assert "R6.1-3" in _codes(c.get(f"/m/{lg}").text)
    lowest = min(float(r["dedicated_daily_per_counter"]) for r in rows)
    r = _save(c, lg, {"dedicated_daily_per_counter": str(lowest / 4),
                      "combined_daily_per_counter": "0.5"})  # fmt: skip
    assert r.status_code == 303
    page = c.get(f"/m/{lg}").text
    # The form is the whole of the inputs: the office limit left blank is the default again.
    assert "R6.1-2" in _codes(page) and "R6.1-3" not in _codes(page)
    assert float(_value(page, "dedicated_daily_per_counter")) == lowest / 4


def test_R6_1_2_the_plan_table_and_a_new_plan_revision_follow_the_inputs(
    service: tuple[str, Any],
) -> None:
    """Lower daily figures per counter lower the plan's capacity column, so the editor's own
    check flags it too, and the next plan revision is saved with the inputs' figures."""
    url, accounts = service
    lg, login = _municipality(accounts)
    c = signed_in(url, login)
    rows = _plan_rows(c, lg)
    r = _save(c, lg, {"dedicated_daily_per_counter": "1", "combined_daily_per_counter": "1",
                      "evenings_per_month": "4", "evening_hours": "2"})  # fmt: skip
    assert r.status_code == 303
    page = c.get(f"/m/{lg}").text
    assert "R6.1-2" in _codes(page, "findings")
    base = _value(page, "base_revision_id")
    saved = c.post(f"/m/{lg}/plan", data={"base_revision_id": base, "action": "save"})
    assert saved.status_code == 303
    new_rows = _plan_rows(c, lg)
    assert all(row["dedicated_daily_per_counter"] == 1.0 for row in new_rows)
    assert all(row["evening_day_equivalents"] > 0 for row in new_rows)
    assert sum(row["capacity"] for row in new_rows) < sum(row["capacity"] for row in rows)
    assert [row["issuance"] for row in new_rows] == [row["issuance"] for row in rows]
