"""The promotion section (issue 8): R2.4, R3.2, R3.3, R3.4, R8.3."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kofuplan.domain.plan import make_plan
from kofuplan.domain.profiles import build_profiles
from kofuplan.domain.promotion import Event, MunicipalPromotion, promotion_findings
from tests.cli_runner import plan_with_profiles

from .strategies import PARAMS, stats_rows
from .test_schedule import CALENDAR

ROWS = stats_rows([80_000], [0.2], [900])
CODE = str(ROWS.lg_code[0])
MONTHS = list(CALENDAR.months)


def _plan(**own: object):  # type: ignore[no-untyped-def]
    return make_plan(build_profiles(ROWS, {CODE: own}, PARAMS), CALENDAR, PARAMS, "delivery")


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 200_000),
    st.integers(0, 200_000),
    st.lists(
        st.tuples(st.sampled_from(MONTHS), st.integers(0, 10), st.integers(0, 200)), max_size=4
    ),
    st.tuples(st.sampled_from(MONTHS), st.integers(1, 10), st.integers(1, 200)),
)
def test_R3_2_R3_3_more_mailing_or_events_never_lower_expected_applications(
    forms: int, more: int, events: list[tuple[str, int, int]], extra: tuple[str, int, int]
) -> None:
    months = ("2020-12", "2021-01")
    evs = tuple(Event(m, d, a, True) for m, d, a in events)
    base = _plan(qr_mailing_forms=forms, qr_mailing_months=months, offsite_events=evs)
    bigger = _plan(
        qr_mailing_forms=forms + more,
        qr_mailing_months=months,
        offsite_events=(*evs, Event(*extra, True)),
    )
    assert (bigger.demand.applications >= base.demand.applications - 1e-9).all()
    assert bigger.demand.applications.sum() > base.demand.applications.sum()
    # The sources add up to the applications.
    total = sum(bigger.demand.by_source.values())
    assert np.allclose(total, bigger.demand.applications)


def test_R3_2_own_mailing_replaces_the_national_share() -> None:
    none = _plan()
    own = _plan(qr_mailing_forms=10_000, qr_mailing_months=("2021-01",))
    assert own.demand.by_source["national"].sum() < none.demand.by_source["national"].sum()
    assert own.demand.by_source["own_mailing"][0, MONTHS.index("2021-01")] == 10_000 * 0.12


def test_R8_3_evening_hours_raise_capacity_and_need_fewer_counters() -> None:
    plain = make_plan(build_profiles(ROWS, {}, PARAMS), CALENDAR, PARAMS, "level")
    evening = make_plan(
        build_profiles(ROWS, {CODE: {"evenings_per_month": 8, "evening_hours": 2.0}}, PARAMS),
        CALENDAR,
        PARAMS,
        "level",
    )
    assert (evening.capacity.evening_day_equivalents == 2.0).all()
    same = plain.capacity.dedicated_counters == evening.capacity.dedicated_counters
    assert (evening.capacity.capacity[same] > plain.capacity.capacity[same]).all()
    assert (evening.capacity.dedicated_counters <= plain.capacity.dedicated_counters).all()
    assert (evening.issuance <= evening.capacity.capacity).all()


def test_new_findings_appear_when_the_plan_asks_for_them() -> None:
    codes = lambda fs: sorted(f.code for f in fs)  # noqa: E731
    assert codes(promotion_findings(CODE, None, "2021-03", 10.0, 100)) == ["R3.2", "R3.3", "R3.4"]
    full = MunicipalPromotion(
        qr_mailing_forms=1000,
        qr_mailing_months=("2021-02",),
        offsite_events=(Event("2021-01", 2, 30, True),),
        insurance_support_method="窓口で案内し端末で申込を支援",
        insurance_assist_share=0.5,
        konbini_offered=True,
        konbini_fee_counter_yen=300,
        konbini_fee_store_yen=200,
    )
    assert promotion_findings(CODE, full, "2021-03", 10.0, 100) == []
    late = MunicipalPromotion(**{**full.__dict__, "qr_mailing_months": ("2021-02", "2021-04")})
    [f] = promotion_findings(CODE, late, "2021-03", 10.0, 100)
    assert (f.code, f.month) == ("R3.2", "2021-04") and "令和3年4月" in f.message
    same_fee = MunicipalPromotion(**{**full.__dict__, "konbini_fee_store_yen": 300})
    [f] = promotion_findings(CODE, same_fee, "2021-03", 10.0, 100)
    assert (f.code, f.severity) == ("R2.4", "info")


def test_promotion_round_trips_through_the_profile_csv(tmp_path: Path) -> None:
    code, out, result = plan_with_profiles(
        tmp_path,
        "lg_code,qr_mailing_forms,qr_mailing_months,offsite_events,evenings_per_month,"
        "evening_hours,konbini_offered,konbini_fee_counter_yen,konbini_fee_store_yen\n"
        "{code},5000,2020-12;2021-01,2021-01/3/40/yes,4,2,yes,300,100\n",
    )
    assert result.exit_code == 0, result.output
    with (out / "plan_monthly.csv").open(encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if r["lg_code"] == code]
    jan = next(r for r in rows if r["month"] == "2021-01")
    assert int(jan["applications_events"]) == 120
    assert int(jan["applications_own_mailing"]) == 300  # 5000 forms × 0.12 / 2 months
    assert jan["evening_day_equivalents"] == "1"
    import json

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    nat = summary["promotion"]["national"]
    assert (nat["forms_mailed"], nat["events"], nat["konbini_reduced"]) == (5000, 1, 1)


def test_bad_promotion_cell_names_the_field(tmp_path: Path) -> None:
    _, _, result = plan_with_profiles(
        tmp_path, "lg_code,offsite_events\n{code},2021-01/3/forty/yes\n"
    )
    assert result.exit_code == 2
    assert "profiles.csv:2" in result.output and "offsite_events" in result.output
