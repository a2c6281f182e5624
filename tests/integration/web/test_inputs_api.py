"""The municipality's own inputs and promotion section through the API (issue 8 §4 "the pages
and the API"; R6 roles, R2.4, R3.2–R3.4, R6.1). The round trip runs end to end on PostgreSQL;
the refusals and the checks on the in-memory store (the stores themselves are
test_store_contract's, on memory, SQLite and PostgreSQL: issue 12 item 6)."""

from __future__ import annotations

from typing import Any

import pytest

from kofuplan.adapters.storage.db import Database
from tests.web_support import eventually, memory_service, sample_service, signed_in

FULL_SECTION: dict[str, Any] = {
    "dedicated_counters": 2,
    "dedicated_daily_per_counter": 45.5,
    "combined_counters": 1,
    "office_max_counters": 6,
    "weekend_policy": "all",
    "staff_month_yen": 250000,
    "qr_mailing_forms": 12000,
    "qr_mailing_months": ["2020-12", "2021-01"],
    "offsite_events": [
        {"month": "2021-01", "days": 3, "applications_per_day": 40, "infection_control": True},
        {"month": "2021-02", "days": 2, "applications_per_day": 30, "infection_control": False},
    ],
    "insurance_support_method": "交付時に窓口で申込を案内し、端末で手続を支援する",
    "insurance_assist_share": 0.8,
    "evenings_per_month": 2,
    "evening_hours": 2.5,
    "konbini_offered": True,
    "konbini_fee_counter_yen": 300,
    "konbini_fee_store_yen": 200,
    "konbini_reduction_from": "2021-04-01",
}


def _given(inputs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in inputs.items() if v is not None}


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_R3_R6_inputs_round_trip_history_and_stale_put(database: Database) -> None:
    """PUT then GET gives back the same inputs; a PUT on a stale base gets 409 and changes
    nothing; every revision is kept with who, when and why."""
    with sample_service(database, per_prefecture=1) as (url, accounts):
        lg = next(c for c in accounts.municipalities if c.startswith("01"))
        c = signed_in(url, accounts.municipalities[lg])
        path = f"/api/municipalities/{lg}/inputs"
        empty = c.get(path).json()
        assert empty["revision"] is None and _given(empty["inputs"]) == {}
        r = c.put(path, json={"base_revision_id": None, "reason": "初回", "inputs": FULL_SECTION})
        assert r.status_code == 200, r.text
        first = r.json()["revision"]
        got = c.get(path).json()
        assert _given(got["inputs"]) == FULL_SECTION
        assert got["revision"]["author"] == accounts.municipalities[lg]
        assert got["revision"]["reason"] == "初回"

        # Someone else, still on the empty base, saves: refused, nothing changes.
        other = signed_in(url, accounts.municipalities[lg])
        stale = other.put(
            path, json={"base_revision_id": None, "reason": "古い", "inputs": {"staff": 9}}
        )
        assert stale.status_code == 409
        assert stale.json()["current_revision_id"] == first["id"]
        assert _given(c.get(path).json()["inputs"]) == FULL_SECTION

        second = {**FULL_SECTION, "offsite_events": [], "office_max_counters": 4}
        r = c.put(path, json={"base_revision_id": first["id"], "reason": "2回目", "inputs": second})
        assert r.status_code == 200, r.text
        assert _given(r.json()["inputs"]) == {
            k: v for k, v in second.items() if k != "offsite_events"
        }
        history = c.get(f"{path}/revisions").json()
        assert [h["reason"] for h in history] == ["2回目", "初回"]
        assert history[0]["base_revision_id"] == first["id"]
        assert _given(history[1]["inputs"]) == FULL_SECTION  # never updated in place

        # The prefecture reads them; the Ministry reads them; neither may write.
        for login in ("pref01", accounts.ministry):
            reader = signed_in(url, login)
            assert reader.get(path).json()["revision"]["seq"] == 2
            refused = reader.put(
                path, json={"base_revision_id": history[0]["id"], "reason": "", "inputs": {}}
            )
            assert refused.status_code == 403


def test_R3_2_bad_inputs_are_refused_naming_the_field(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with memory_service(tmp_path_factory, per_prefecture=1) as (url, accounts):
        lg = next(c for c in accounts.municipalities if c.startswith("01"))
        c = signed_in(url, accounts.municipalities[lg])
        path = f"/api/municipalities/{lg}/inputs"
        for bad, field in (
            ({"insurance_assist_share": 1.5}, "insurance_assist_share"),
            ({"qr_mailing_months": ["2021-13"]}, "qr_mailing_months"),
            ({"offsite_events": [{"month": "2019-01", "days": 1, "applications_per_day": 5}]},
             "offsite_events"),
            ({"weekend_policy": "sometimes"}, "weekend_policy"),
            ({"no_such_field": 1}, "no_such_field"),
        ):  # fmt: skip
            r = c.put(path, json={"base_revision_id": None, "reason": "", "inputs": bad})
            assert r.status_code == 422, (bad, r.text)
            assert field in r.text
        assert c.get(path).json()["revision"] is None  # nothing saved


def test_R2_4_R3_2_checks_and_national_rollup_follow_the_inputs(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The promotion findings appear once the section is filled, and the Ministry's rollup
    counts forms, events and fee reductions by prefecture."""
    with memory_service(tmp_path_factory, per_prefecture=1) as (url, accounts):
        lg = next(c for c in accounts.municipalities if c.startswith("01"))
        c = signed_in(url, accounts.municipalities[lg])
        path = f"/api/municipalities/{lg}/inputs"
        before = {f["code"] for f in c.get(path).json()["review_findings"]}
        assert not before & {"R3.2", "R3.3", "R3.4", "R2.4"}  # no section, no promotion checks
        partial = {"konbini_offered": True, "konbini_fee_counter_yen": 300,
                   "konbini_fee_store_yen": 300}  # fmt: skip
        r = c.put(path, json={"base_revision_id": None, "reason": "", "inputs": partial})
        codes = {f["code"] for f in r.json()["review_findings"]}
        assert {"R3.2", "R3.4", "R2.4"} <= codes
        r = c.put(
            path,
            json={"base_revision_id": r.json()["revision"]["id"], "reason": "",
                  "inputs": FULL_SECTION},
        )  # fmt: skip
        codes = {f["code"] for f in r.json()["review_findings"]}
        assert not codes & {"R3.2", "R3.4", "R2.4"}
        listing = signed_in(url, "pref01").get("/api/prefectures/01").json()
        row = next(m for m in listing["municipalities"] if m["lg_code"] == lg)
        assert "R3.2" not in row["finding_codes"]
        ministry = signed_in(url, accounts.ministry)
        nation = eventually(
            lambda: (
                (n := ministry.get("/api/nation").json())["promotion_by_pref"]["01"]["forms_mailed"]
                and n
            )
        )
        hokkaido = nation["promotion_by_pref"]["01"]
        assert hokkaido["forms_mailed"] == FULL_SECTION["qr_mailing_forms"]
        assert hokkaido["events"] == 2 and hokkaido["event_days"] == 5
        assert hokkaido["konbini_offered"] == 1 and hokkaido["konbini_reduced"] == 1
        assert nation["promotion_total"]["forms_mailed"] == FULL_SECTION["qr_mailing_forms"]
        assert nation["promotion_by_pref"]["02"]["forms_mailed"] == 0
