"""Laws of the checks (issue 3 item 6): a plan from the engine has no error findings; one
dedicated counter fewer, where the engine planned the fewest that suffice, raises R6.1-2 in
that month and nowhere else."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kofuplan.domain.profiles import Profiles
from tests.checks_harness import edit, engine_rows, run, setting
from tests.unit.strategies import AS_OF, profiles

PARAMS, CALENDAR = setting(AS_OF)


def _office_holds_combined(p: Profiles) -> bool:
    # The engine moves only dedicated counters off-site; an office smaller than its own
    # combined counters cannot be planned without error (reported, not hidden).
    return bool((p.office_max_counters >= p.combined_counters).all())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles(), st.sampled_from(["level", "delivery"]))
def test_R6_1_engine_plan_has_no_error_findings(p: Profiles, method: str) -> None:
    assume(_office_holds_combined(p))
    rows = engine_rows(p, CALENDAR, PARAMS, method)
    findings = run(rows, p, CALENDAR, PARAMS, AS_OF).findings
    errors = [f for f in findings if f.severity == "error"]
    assert errors == []
    assert {f.code for f in findings} <= {"R2.3", "R5.1"}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles(), st.sampled_from(["level", "delivery"]), st.data())
def test_R6_1_2_one_dedicated_counter_fewer_fails_there_only(
    p: Profiles, method: str, data: st.DataObject
) -> None:
    assume(_office_holds_combined(p))
    rows = engine_rows(p, CALENDAR, PARAMS, method)
    with_counters = [r for r in rows if int(r.cells["dedicated_counters"]) > 0]
    assume(with_counters)
    target = data.draw(st.sampled_from(with_counters))
    lg, month = target.cells["lg_code"], target.cells["month"]
    fewer = int(target.cells["dedicated_counters"]) - 1
    before = run(rows, p, CALENDAR, PARAMS, AS_OF).findings
    after = run(
        edit(rows, lg, month, dedicated_counters=fewer), p, CALENDAR, PARAMS, AS_OF
    ).findings
    errors = [(f.lg_code, f.month, f.code) for f in after if f.severity == "error"]
    assert errors == [(lg, month, "R6.1-2")]
    # Warnings may only go (one counter fewer costs less), never appear.
    warnings_before = {(f.lg_code, f.month, f.code) for f in before if f.severity == "warning"}
    warnings_after = {(f.lg_code, f.month, f.code) for f in after if f.severity == "warning"}
    assert warnings_after <= warnings_before
