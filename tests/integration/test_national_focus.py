"""The national page's focus list is ``kofuplan focus``'s for the same month (issue 12): one
rule, domain/focus.py, on the statistics file and on the store alike (real data, June 2022),
down to what the Ministry reads on /api/nation and /nation."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from kofuplan.adapters.actuals_csv import read_actuals
from kofuplan.adapters.stats_csv import read_stats
from kofuplan.adapters.storage.db import Database
from kofuplan.adapters.web.sample import SampleAccounts
from kofuplan.services.setup import add_user, load_baseline
from kofuplan.services.views import national_view
from tests.cli_runner import run_cli
from tests.web_support import PASSWORD, serve, signed_in

MONTH = "2022-06"
SNAPSHOT_OF_MAY = dt.date(2022, 6, 1)  # stands for the end of May 2022


def test_R8_1_national_focus_list_equals_kofuplan_focus(long_stats: Path, tmp_path: Path) -> None:
    out = tmp_path / "focus.csv"
    assert (
        run_cli("focus", "--stats", str(long_stats), "--month", MONTH, "--out", str(out)).exit_code
        == 0
    )
    with out.open(encoding="utf-8-sig") as handle:
        command = [r["lg_code"] for r in csv.DictReader(handle)]
    assert len(command) > 100

    db = Database(f"sqlite:///{tmp_path / 'focus.sqlite3'}")
    db.init()
    load_baseline(
        db, read_stats(long_stats, SNAPSHOT_OF_MAY), SNAPSHOT_OF_MAY
    )  # cards at the end of May, and the kinds
    data = read_actuals(long_stats, ["2022-05", MONTH])
    with db.unit_of_work() as uow:
        for code, may, june in zip(data.lg_codes, data.cards[:, 0], data.cards[:, 1], strict=True):
            uow.reviews.add_actual(
                lg_code=code, month=MONTH, issued=int(june - may), backlog=None, author_id=None
            )
        uow.commit()
    with db.unit_of_work() as uow:
        view = national_view(uow)
    assert view.focus_month == MONTH
    assert sorted(f["lg_code"] for f in view.focus) == sorted(command)

    # What the Ministry reads: the national API (and the page, which shows its first 50)
    # through the service's cached summary, not only the view behind it.
    add_user(db, role="ministry", login="ministry", password=PASSWORD)
    with serve(db, SampleAccounts(PASSWORD, "ministry", {}, {})) as (url, _):
        ministry = signed_in(url, "ministry")
        nation = ministry.get("/api/nation").json()
        page = ministry.get("/nation").text
    db.dispose()
    assert sorted(f["lg_code"] for f in nation["focus"]) == sorted(command)
    assert all(f"（{f['lg_code']}）" in page for f in view.focus[:50])
