"""Issue 14 §1: the national and prefecture aggregates are stored, made stale by the change's
own transaction, recomputed once after it, and read on view."""

from __future__ import annotations

from pathlib import Path

from kofuplan.adapters.storage.db import Database
from kofuplan.adapters.web.sample import seed
from kofuplan.services import summaries, views, workflow
from kofuplan.services.access import Principal


def test_R8_4_a_change_makes_the_stored_aggregates_stale_and_a_refresh_brings_them_up(
    tmp_path: Path,
) -> None:
    db = Database(f"sqlite:///{tmp_path / 's.sqlite3'}")
    accounts = seed(db, per_prefecture=1, password="summary-test-pw", with_actuals=False)
    lg = sorted(accounts.municipalities)[0]
    woken: list[set[str]] = []
    db.summary_listeners.append(woken.append)
    with db.unit_of_work() as repo:
        first = summaries.nation(repo, db)  # never computed: computed and stored now
        assert first == views.national_view(repo)
        assert summaries.prefecture(repo, lg[:2], db) == views.summarize(
            repo, list(repo.places.municipalities(lg[:2]))
        )
        row = repo.summaries.load("nation")
        assert row is not None and row.computed_version == row.version
        who = Principal(None, "system", "municipality", lg, lg[:2])
        m = repo.places.municipality(lg)
        assert m is not None
        workflow.enter_actual(repo, who, m, "2020-10", 4321, None)
    assert woken and {"nation", f"pref:{lg[:2]}"} <= woken[-1]
    with db.unit_of_work() as repo:
        for scope in ("nation", f"pref:{lg[:2]}"):
            row = repo.summaries.load(scope)
            assert row is not None and row.computed_version < row.version  # stale at once
        stale = summaries.nation(repo, None)  # without a refresher: computed, not the old one
        assert stale.summary.actual[0] == 4321
    assert summaries.refresh(db, "nation") and summaries.refresh(db, f"pref:{lg[:2]}")
    assert not summaries.refresh(db, "nation")  # current: nothing to do
    with db.unit_of_work() as repo:
        n = summaries.nation(repo, db)
        assert n.summary.actual[0] == 4321
        assert n == views.national_view(repo)
        assert summaries.prefecture(repo, lg[:2], db).actual[0] == 4321
    db.dispose()
