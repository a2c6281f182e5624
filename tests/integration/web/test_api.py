"""HTTP API of the shared service on SQLite and PostgreSQL (issue 6; R6, R6.1, R6.2, R7.1)."""

from __future__ import annotations

import threading
from typing import Any

from kofuplan.adapters.storage.db import Database
from tests.web_support import Client, eventually, sample_service, signed_in


def _first(accounts: Any, pref: str = "01") -> tuple[str, str]:
    lg = next(code for code in accounts.municipalities if code.startswith(pref))
    return lg, accounts.municipalities[lg]


def test_R6_municipality_edits_its_plan_and_sees_checks_change(database: Database) -> None:
    with sample_service(database, per_prefecture=1) as (url, accounts):
        lg, login = _first(accounts)
        c = signed_in(url, login)
        plan = c.get(f"/api/municipalities/{lg}/plan").json()
        # The engine's sample plan has no error (R2.3 staffing warnings may remain).
        assert [f for f in plan["findings"] if f["severity"] == "error"] == []
        rev = plan["revision"]
        october = rev["content"][0]
        r = c.post(
            f"/api/municipalities/{lg}/plan",
            json={
                "base_revision_id": rev["id"],
                "reason": "10月を減らす",
                "rows": [{"month": october["month"], "issuance": october["issuance"] // 2}],
            },
        )
        assert r.status_code == 201, r.text
        saved = r.json()
        assert saved["status"] == "draft"
        assert saved["revision"]["seq"] == rev["seq"] + 1
        assert saved["revision"]["content"][0]["issuance"] == october["issuance"] // 2
        codes = {f["code"] for f in saved["findings"]}
        assert "R6.1-1" in codes  # half a month short of the whole population (check_plan)
        history = c.get(f"/api/municipalities/{lg}/revisions").json()
        assert len(history) == 2
        changed = {(m, col) for m, col, _old, _new in history[0]["changes"]}
        assert (october["month"], "issuance") in changed
        old = c.get(f"/api/municipalities/{lg}/revisions/{rev['id']}").json()
        assert old["content"][0]["issuance"] == october["issuance"]  # never updated in place


def test_R6_stale_save_gets_409_and_concurrent_saves_lose_nothing(database: Database) -> None:
    """Several editors save on the same base at once: one wins, the others get 409; each loser
    re-bases and saves again, and every editor's change is in the final plan."""
    with sample_service(database, per_prefecture=1) as (url, accounts):
        lg, login = _first(accounts)
        editors = [signed_in(url, login) for _ in range(4)]
        base = editors[0].get(f"/api/municipalities/{lg}/plan").json()["revision"]
        months = [row["month"] for row in base["content"]][:4]
        start = threading.Barrier(len(editors))
        results: list[int] = [0] * len(editors)

        def save(i: int, base_id: int) -> int:
            return (
                editors[i]
                .post(
                    f"/api/municipalities/{lg}/plan",
                    json={
                        "base_revision_id": base_id,
                        "reason": f"editor {i}",
                        "rows": [{"month": months[i], "staff": 100 + i}],
                    },
                )
                .status_code
            )

        def first_try(i: int) -> None:
            start.wait()
            results[i] = save(i, base["id"])

        threads = [threading.Thread(target=first_try, args=(i,)) for i in range(len(editors))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == [201] + [409] * (len(editors) - 1)
        for i, status in enumerate(results):
            while status == 409:  # re-base on the newest revision, as the page tells them to
                latest = editors[i].get(f"/api/municipalities/{lg}/plan").json()["revision"]
                status = save(i, latest["id"])
            assert status == 201
        final = editors[0].get(f"/api/municipalities/{lg}/plan").json()["revision"]
        by_month = {row["month"]: row for row in final["content"]}
        assert [by_month[m]["staff"] for m in months] == [100, 101, 102, 103]
        assert final["seq"] == base["seq"] + len(editors)
        r = editors[0].post(
            f"/api/municipalities/{lg}/plan",
            json={"base_revision_id": base["id"], "reason": "stale", "rows": []},
        )
        assert r.status_code == 409
        assert r.json()["current_revision_id"] == final["id"]


def test_R6_1_R7_1_review_cycle_submit_return_accept_and_prefecture_submission(
    database: Database,
) -> None:
    with sample_service(database, per_prefecture=1) as (url, accounts):
        lg, login = _first(accounts)
        muni = signed_in(url, login)
        pref = signed_in(url, accounts.prefectures["01"])
        assert muni.post(f"/api/municipalities/{lg}/submit", json={}).json()["status"] == (
            "submitted"
        )
        listed = pref.get("/api/prefectures/01").json()["municipalities"]
        assert {m["lg_code"]: m["status"] for m in listed}[lg] == "submitted"
        seen = {m["lg_code"]: m["revision_id"] for m in listed}[lg]
        r = pref.post(f"/api/municipalities/{lg}/review", json={"decision": "return"})
        assert r.status_code == 409  # a return needs a comment
        r = pref.post(
            f"/api/municipalities/{lg}/review",
            json={
                "decision": "return",
                "comment": "土日開庁を増やしてください",
                "revision_id": seen,
            },
        )
        assert r.json()["status"] == "returned"
        assert (
            pref.post(f"/api/municipalities/{lg}/advice", json={"text": "窓口を増設"}).status_code
            == 201
        )
        listed = pref.get("/api/prefectures/01").json()["municipalities"]
        assert {m["lg_code"]: m["advice_sent"] for m in listed}[lg] == 1
        assert muni.post(f"/api/municipalities/{lg}/submit", json={}).json()["status"] == (
            "submitted"
        )
        r = pref.post(
            f"/api/municipalities/{lg}/review", json={"decision": "accept", "revision_id": seen}
        )
        assert r.json()["status"] == "accepted"
        sub = pref.post("/api/prefectures/01/submit")
        assert sub.status_code == 201
        assert sub.json()["accepted"] == {
            lg: muni.get(f"/api/municipalities/{lg}/plan").json()["revision"]["id"]
        }
        ministry = signed_in(url, accounts.ministry)
        assert eventually(
            lambda: next(
                p
                for p in ministry.get("/api/nation").json()["pref_ranking"]
                if p["pref_code"] == "01"
            )["submitted"]
        )


def test_R6_2_actuals_are_entered_by_month_and_summed_nationally(database: Database) -> None:
    with sample_service(database, per_prefecture=1) as (url, accounts):
        lg, login = _first(accounts)
        muni = signed_in(url, login)
        assert (
            muni.put(f"/api/municipalities/{lg}/actuals/2020-10", json={"issued": 1234}).status_code
            == 204
        )
        assert (
            muni.put(
                f"/api/municipalities/{lg}/actuals/2020-10", json={"issued": 1300, "backlog": 20}
            ).status_code
            == 204
        )
        assert (
            muni.put(f"/api/municipalities/{lg}/actuals/2031-01", json={"issued": 1}).status_code
            == 422
        )
        assert muni.get(f"/api/municipalities/{lg}/actuals").json() == {
            "2020-10": {"issued": 1300, "backlog": 20}
        }
        ministry = signed_in(url, accounts.ministry)
        assert eventually(lambda: ministry.get("/api/nation").json()["actual"][0] == 1300)


def test_R8_4_nation_sums_plans_against_the_monthly_aim(database: Database) -> None:
    with sample_service(database, per_prefecture=1) as (url, accounts):
        ministry = signed_in(url, accounts.ministry)
        nation = ministry.get("/api/nation").json()
        totals = [0] * len(nation["months"])
        for lg, login in list(accounts.municipalities.items()):
            c = Client(url)
            assert c.login(login).status_code == 200
            rows = c.get(f"/api/municipalities/{lg}/plan").json()["revision"]["content"]
            for i, row in enumerate(rows):
                totals[i] += row["issuance"]
            c.close()
            break  # one municipality's rows are enough to check the month order
        assert nation["aim"] == 3_300_000
        assert len(nation["planned"]) == 30
        assert nation["months"][0] == "2020-10" and nation["months"][-1] == "2023-03"
        assert all(p >= t for p, t in zip(nation["planned"], totals, strict=True))
        assert set(nation["coverage_by_pref"]) == set(accounts.prefectures)
