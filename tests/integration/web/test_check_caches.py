"""Issue 16 (pages p95): the checks a save runs are kept for its answer and the views after it,
and a prefecture's list is checked again only when something in it changed. Kept results are
the same findings as checks run afresh, and a change is never hidden by them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from kofuplan.adapters.storage.db import Database
from kofuplan.adapters.web.sample import seed
from kofuplan.services import municipal_inputs, review_checks, views, workflow
from kofuplan.services.access import Principal
from kofuplan.services.plan_rows import revision_rows
from kofuplan.services.ports import MunicipalityData


def _forget() -> None:
    with review_checks._lock:
        review_checks._cache.clear()
        review_checks._groups.clear()


def _fresh_overview(db: Database, pref: str) -> list[tuple[str, int | None, int, int, list]]:
    _forget()
    with db.unit_of_work() as uow:
        return [
            (e.municipality.lg_code, e.revision_id, e.error_count, e.warning_count, e.findings)
            for e in workflow.prefecture_overview(uow, pref)
        ]


def _overview(db: Database, pref: str) -> list[tuple[str, int | None, int, int, list]]:
    with db.unit_of_work() as uow:
        return [
            (e.municipality.lg_code, e.revision_id, e.error_count, e.warning_count, e.findings)
            for e in workflow.prefecture_overview(uow, pref)
        ]


def test_issue16_kept_checks_equal_fresh_ones_and_follow_every_change(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    accounts = seed(db, per_prefecture=3, password="cache-test-pw", with_actuals=False)
    lg = sorted(accounts.municipalities)[0]
    pref = lg[:2]
    who = Principal(None, "system", "municipality", lg, pref)

    first = _overview(db, pref)
    assert _overview(db, pref) == first == _fresh_overview(db, pref)  # kept, and the same

    # A save with too few staff: R2.3/R6.1 findings appear; the save's own checks are kept.
    with db.unit_of_work() as repo:
        m = repo.places.municipality(lg)
        assert m is not None
        latest = repo.plans.latest_revision(lg)
        assert latest is not None
        rows = [{"month": r["month"], "dedicated_counters": 0, "combined_counters": 0}
                for r in revision_rows(latest)]  # fmt: skip
        saved = workflow.save_plan(repo, who, m, latest.id, "no counters", rows)
        kept = views.plan_state(repo, m)
        assert kept.revision is not None and kept.revision.id == saved.id
    assert any(f.severity == "error" for f in kept.findings)
    after = _overview(db, pref)
    assert after != first  # the list follows the save at once
    assert after == _fresh_overview(db, pref)
    _forget()
    with db.unit_of_work() as repo:
        m = repo.places.municipality(lg)
        assert m is not None
        fresh = views.plan_state(repo, m)
        assert fresh.findings == kept.findings  # what the save kept = checks run afresh
        assert fresh.author == kept.author
        # The same revision and checks as the page's view.
        page = views.municipality_view(repo, m)
        assert page.revision is not None and page.revision.id == fresh.revision.id  # type: ignore[union-attr]
        assert page.findings == fresh.findings and page.status == fresh.status

    # Inputs saved (no grant): the list is checked again with them.
    before_inputs = _overview(db, pref)
    with db.unit_of_work() as repo:
        m = repo.places.municipality(lg)
        assert m is not None
        municipal_inputs.save_inputs(repo, who, m, None, "no grant", {"estimated_grant_yen": 0})
    with_inputs = _overview(db, pref)
    assert with_inputs == _fresh_overview(db, pref)
    assert with_inputs != before_inputs  # the costs now exceed a grant of 0 (R5.1)

    # The municipality's figures change (db load-stats): checked again.
    with db.unit_of_work() as uow:
        m = uow.places.municipality(lg)
        assert m is not None
        data = MunicipalityData(
            **{f.name: getattr(m, f.name) for f in dataclasses.fields(MunicipalityData)}
        )
        uow.places.put_municipality(dataclasses.replace(data, population=m.population * 3))
        uow.commit()
    grown = _overview(db, pref)
    assert grown == _fresh_overview(db, pref)
    assert grown != with_inputs
    db.dispose()
