"""HTTP API of the shared service on SQLite and PostgreSQL (issue 6; R6, R6.1, R7.1): a few
end-to-end tests (stale saves on both, the review cycle on PostgreSQL). The use cases
themselves (edits and their checks, actuals, the national sums, the review cycle, stale saves)
are tested on the in-memory store in tests/unit/test_service_use_cases.py (issue 12)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from kofuplan.adapters.storage.db import Database
from tests.web_support import eventually, sample_service, signed_in


def _first(accounts: Any, pref: str = "01") -> tuple[str, str]:
    lg = next(code for code in accounts.municipalities if code.startswith(pref))
    return lg, accounts.municipalities[lg]


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
        # The history and an old revision, as the API shows them (never updated in place).
        history = editors[0].get(f"/api/municipalities/{lg}/revisions").json()
        assert len(history) == len(editors) + 1
        assert {(m, c) for m, c, _old, _new in history[0]["changes"]} <= {
            (m, "staff") for m in months
        }
        old = editors[0].get(f"/api/municipalities/{lg}/revisions/{base['id']}").json()
        assert old["content"] == base["content"]
        # Actuals by month: 204 when stored, 422 for a month outside the plan.
        put = editors[0].put
        assert put(f"/api/municipalities/{lg}/actuals/2020-10", json={"issued": 1}).status_code == (
            204
        )
        assert put(f"/api/municipalities/{lg}/actuals/2031-01", json={"issued": 1}).status_code == (
            422
        )


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)  # end to end (issue 12)
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
