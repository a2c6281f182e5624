"""Issue 17 item 3: the service shows renewal plans (更新) beside the issuance plans, and the
clerk edits and saves a renewal revision with the issuance plan's validation, bounds, checks,
stale-base refusal and transaction (service functions on a seeded sample database)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kofuplan.adapters.storage.db import Database
from kofuplan.adapters.storage.models import PlanRevision, ReviewEvent
from kofuplan.adapters.web import sample as web_sample
from kofuplan.domain.renewal_plan import RENEWAL_CHECK_CODES, RENEWAL_LABELS
from kofuplan.services import renewal_checks, renewal_views, views, workflow
from kofuplan.services.access import Principal
from kofuplan.services.plan_rows import revision_rows
from tests.web_support import PASSWORD

CLERK = Principal(user_id=None, login="clerk", role="municipality")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("renewal") / "renewal.sqlite3"
    db = Database(f"sqlite:///{path}")
    web_sample.seed(db, per_prefecture=1, password=PASSWORD, with_actuals=False)
    yield db
    db.dispose()


def _codes(db: Database) -> list[str]:
    with db.unit_of_work() as uow:
        return [m.lg_code for m in uow.places.municipalities()]


def test_I17_3_the_sample_seeds_a_renewal_plan_beside_each_issuance_plan(seeded: Database) -> None:
    with seeded.unit_of_work() as repo:
        for m in repo.places.municipalities():
            issuance = repo.plans.latest_revision(m.lg_code)
            renewal = repo.plans.latest_revision(m.lg_code, "renewal")
            assert issuance is not None and renewal is not None
            assert (issuance.kind, renewal.kind) == ("issuance", "renewal")
            assert issuance.seq == renewal.seq == 1  # a history each
            months = [r["month"] for r in revision_rows(renewal)]
            assert months[0] == "2025-04" and months[-1] == "2031-03" and len(months) == 72
            assert months == list(renewal_checks.renewal_months(m.baseline_date))
            assert revision_rows(issuance)[0]["month"] == "2020-10"
            # the count is the expected renewals of both kinds, in whole people: the total
            # rounded (½ person) against the stored kinds, each month's to 0.1 (2 × 0.05 each)
            certificates, cards = renewal_checks.kind_mix(revision_rows(renewal))
            total = sum(int(r["issuance"]) for r in revision_rows(renewal))
            assert total > 0 and abs(total - (certificates + cards)) <= 0.5 + 0.1 * len(months)
            # the cumulative counts renewals from zero, not the cards of 2020
            assert revision_rows(renewal)[-1]["cumulative_issued"] == total


def test_I17_3_the_municipality_view_keeps_the_issuance_plan_apart(seeded: Database) -> None:
    with seeded.unit_of_work() as repo:
        m = repo.places.municipalities()[0]
        v = views.municipality_view(repo, m)
        rv = renewal_views.renewal_view(repo, m)
        assert v.revision is not None and v.revision.kind == "issuance"
        assert rv.revision is not None and rv.revision.kind == "renewal"
        assert [r["month"] for r in rv.rows] == rv.months
        assert {"wait_weekday_minutes", "wait_weekend_minutes"} <= set(rv.rows[0])
        assert rv.fiscal_years == [2025, 2026, 2027, 2028, 2029, 2030]
        assert set(rv.budget) >= {"total", "estimated_grant", "shortfall"}
        # only the checks that apply to renewals; R6.1-1 (cards by March 2023) never does
        assert {f.code for f in rv.findings} <= set(RENEWAL_CHECK_CODES)
        stored = {(f.code, f.month) for f in repo.plans.findings(rv.revision.id)}
        assert stored == {(f.code, f.month) for f in rv.findings}


def test_I17_3_a_renewal_save_is_the_issuance_save_with_its_own_history(seeded: Database) -> None:
    lg = _codes(seeded)[1]
    with seeded.unit_of_work() as repo:
        m = repo.places.municipality(lg)
        assert m is not None
        issuance_before = repo.plans.latest_revision(lg)
        status_before = workflow.status_of(repo, lg)
        events_before = repo.session.scalar(select(func.count(ReviewEvent.id)))
        base = repo.plans.latest_revision(lg, "renewal")
        assert base is not None
        edit = {"month": "2027-05", "staff": 17, "dedicated_counters": 999}
        weekend = {"month": "2027-06", "weekend_days": 0}
        saved = workflow.save_plan(
            repo, CLERK, m, base.id, "更新の体制", [edit, weekend], kind="renewal"
        )
        assert (saved.kind, saved.seq, saved.base_revision_id) == ("renewal", 2, base.id)
        row = next(r for r in revision_rows(saved) if r["month"] == "2027-05")
        assert (row["staff"], row["dedicated_counters"]) == (17, 999)
        june = next(r for r in revision_rows(saved) if r["month"] == "2027-06")
        assert june["weekend_days"] == 0 and june["open_days"] == june["open_weekdays"]
        untouched = next(r for r in revision_rows(saved) if r["month"] == "2027-07")
        assert untouched == next(r for r in revision_rows(base) if r["month"] == "2027-07")
        # the issuance plan and its review are untouched
        assert repo.plans.latest_revision(lg) == issuance_before
        assert workflow.status_of(repo, lg) == status_before
        assert repo.session.scalar(select(func.count(ReviewEvent.id))) == events_before
        # the findings stored with the revision are the renewal checks of its rows
        expected = renewal_checks.check_renewal(m, revision_rows(saved), None).findings
        assert {(f.code, f.month) for f in repo.plans.findings(saved.id)} == {
            (f.code, f.month) for f in expected
        }
        # check_plan's own findings: counters over the office's limit, no weekend opening
        errors = {(f.code, f.month) for f in expected if f.severity == "error"}
        assert {("R6.1-3", "2027-05"), ("R6.1-4", "2027-06")} <= errors
        assert {f.code for f in expected} <= set(RENEWAL_CHECK_CODES)

        # a save on the old base is refused, naming the current revision; nothing is written
        count = repo.session.scalar(select(func.count(PlanRevision.id)))
        with pytest.raises(workflow.Conflict) as stale:
            workflow.save_plan(repo, CLERK, m, base.id, "古い版", [edit], kind="renewal")
        assert stale.value.current_revision_id == saved.id
        assert repo.session.scalar(select(func.count(PlanRevision.id))) == count
        # nor may a renewal revision be the base of an issuance save
        with pytest.raises(workflow.Conflict):
            workflow.save_plan(repo, CLERK, m, saved.id, "", [], kind="issuance")


@pytest.mark.parametrize(
    ("field", "label"),
    [("issuance", "更新の件数（窓口に来る人数）"), ("staff", "職員配置数"),
     ("dedicated_counters", "更新専用窓口数")],
)  # fmt: skip
def test_I17_3_a_30_digit_number_in_a_renewal_field_is_that_fields_error(
    seeded: Database, field: str, label: str
) -> None:
    lg = _codes(seeded)[2]
    huge = "1" * 30
    with seeded.unit_of_work() as repo:
        m = repo.places.municipality(lg)
        base = repo.plans.latest_revision(lg, "renewal")
        assert m is not None and base is not None
        count = repo.session.scalar(select(func.count(PlanRevision.id)))
        with pytest.raises(workflow.InvalidInput) as bad:
            workflow.save_plan(
                repo, CLERK, m, base.id, "", [{"month": "2026-01", field: huge}], kind="renewal"
            )
        assert label == RENEWAL_LABELS[field]
        assert f"令和8年1月の{label}" in str(bad.value)
        assert "以下の整数で入力してください" in str(bad.value)
        assert repo.session.scalar(select(func.count(PlanRevision.id))) == count


def test_I17_3_an_imported_renewal_figure_out_of_bounds_names_its_row_and_label(
    seeded: Database,
) -> None:
    lg = _codes(seeded)[3]
    with seeded.unit_of_work() as repo:
        m = repo.places.municipality(lg)
        base = repo.plans.latest_revision(lg, "renewal")
        assert m is not None and base is not None
        rows = [dict(r) for r in revision_rows(base)]
        rows[4]["renewals_card"] = 1e30
        with pytest.raises(workflow.InvalidInput) as bad:
            workflow.save_plan(repo, CLERK, m, base.id, "", rows, merge=False, kind="renewal")
        assert str(bad.value).startswith("5行目: 2025-08のカードの更新の見込み")
        with pytest.raises(workflow.InvalidInput, match="計画の種類"):
            workflow.save_plan(repo, CLERK, m, base.id, "", rows, kind="reissue")


def test_I17_3_the_store_keeps_one_sequence_per_municipality_and_kind(seeded: Database) -> None:
    """Migration 0007: (lg_code, kind, seq) is unique, so two saves on one base cannot both
    land, while the issuance and renewal histories number their revisions apart."""
    lg = _codes(seeded)[4]
    with seeded.session() as s:
        for kind in ("issuance", "renewal"):
            s.add(PlanRevision(lg_code=lg, kind=kind, seq=1, content=[]))
            with pytest.raises(IntegrityError):
                s.flush()
            s.rollback()
        s.add(PlanRevision(lg_code=lg, kind="renewal", seq=7, content=[]))
        s.add(PlanRevision(lg_code=lg, kind="issuance", seq=7, content=[]))
        s.flush()
        s.rollback()


def test_I17_3_prefecture_and_nation_sum_the_renewal_plans(seeded: Database) -> None:
    with seeded.unit_of_work() as repo:
        ms = list(repo.places.municipalities("13"))
        ren = views.summarize(repo, ms).renewal
        assert ren["municipalities_with_plan"] == len(ms) >= 1
        assert ren["months"][0] == "2025-04" and len(ren["months"]) == 72
        by_month = [0] * 72
        staff = [0] * 72
        budget_total = [0] * 6
        codes: dict[str, int] = {}
        for m in ms:
            rv = renewal_views.renewal_view(repo, m)
            for j, r in enumerate(rv.rows):
                by_month[j] += int(r["issuance"])
                staff[j] += int(r["staff"])
            budget_total = [a + b for a, b in zip(budget_total, rv.budget["total"], strict=True)]
            for f in rv.findings:
                codes[f.code] = codes.get(f.code, 0) + 1
        assert ren["expected"] == by_month
        assert ren["staff"] == staff
        assert ren["budget"]["total"] == budget_total
        assert ren["findings_by_code"] == dict(sorted(codes.items()))
        nation = views.national_view(repo).summary.renewal
        assert nation["municipalities_with_plan"] == len(repo.places.municipalities())
        assert sum(nation["expected"]) >= sum(ren["expected"])


def test_I17_3_the_stored_renewal_plans_meet_the_plan_contract(seeded: Database) -> None:
    """The renewal plans the service holds (the sample's, made by make_renewal_plan and
    stored through save_plan) meet the contract every plan meets (tests/plan_contract.py)."""
    from tests.plan_contract import assert_plan_contract

    with seeded.unit_of_work() as repo:
        ms = [m for m in repo.places.municipalities() if m.lg_code not in _codes(seeded)[1:5]]
        rows = {}
        for m in ms:
            revision = repo.plans.latest_revision(m.lg_code, "renewal")
            assert revision is not None and revision.seq == 1
            rows[m.lg_code] = revision_rows(revision)
        calendar = renewal_checks.renewal_setup(ms[0], rows[ms[0].lg_code], None).calendar
        assert calendar.months[0] == "2025-04" and len(calendar.months) == 72
        assert_plan_contract(rows, calendar)


def test_I17_3_the_renewal_plan_is_read_with_the_municipalitys_own_inputs(
    seeded: Database,
) -> None:
    """Once a municipality has saved its inputs, its renewal plan's daily figure per counter is
    the one it gave (as `plan --kind renewal --profiles` keeps it), and the derived capacity
    and checks follow; one not given stays the renewal default of its mix of kinds."""
    from kofuplan.services import municipal_inputs

    lg = _codes(seeded)[5]
    with seeded.unit_of_work() as repo:
        m = repo.places.municipality(lg)
        assert m is not None
        before = renewal_views.renewal_view(repo, m)
        default = before.rows[0]["dedicated_daily_per_counter"]
        content = municipal_inputs.normalize(
            {"dedicated_daily_per_counter": 12.5}, views.plan_months(m.baseline_date)
        )
        municipal_inputs.save_inputs(repo, CLERK, m, None, "入力", content)
        after = renewal_views.renewal_view(repo, m)
        assert default != 12.5
        assert {r["dedicated_daily_per_counter"] for r in after.rows} == {12.5}
        busy = next(k for k, r in enumerate(after.rows) if int(r["dedicated_counters"]) > 0)
        assert after.rows[busy]["capacity"] < before.rows[busy]["capacity"]
        assert {f.code for f in after.findings} <= set(RENEWAL_CHECK_CODES)
        # the issuance plan is read with the same inputs, with its own (issuance) defaults
        issuance = views.municipality_view(repo, m)
        assert {r["dedicated_daily_per_counter"] for r in issuance.rows} == {12.5}
