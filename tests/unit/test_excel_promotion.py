"""Issue 8 in Excel: the promotion section of the plan workbook (R3.2 QR mailing, R3.3 events,
R3.4 health insurance support, R8.3 evening opening, R2.4 convenience-store fee reduction).

Bad cells name file, sheet and cell; a workbook made before the section still reads; the
section goes through profiles.csv into `kofuplan plan` and the checks, and into the
prefecture's workbook."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kofuplan.adapters.excel import read_plan_workbook
from kofuplan.adapters.promotion_fields import promotion_cells, promotion_from_cells
from kofuplan.adapters.safe_text import csv_text
from kofuplan.adapters.sample_stats import write_sample_stats
from kofuplan.domain.promotion import PROMOTION_FIELDS, Event, MunicipalPromotion
from tests.cli_runner import run_cli
from tests.excel_support import SETTINGS, edit, fill, sample_plan, sample_promotion, write_sample

from .test_excel_bad_input import problems


def _with_promotion(tmp_path: Path, promo: MunicipalPromotion | None = None) -> Path:
    plan = dataclasses.replace(sample_plan(), promotion=promo or sample_promotion())
    return write_sample(tmp_path, plan)


# Where the template puts things (docs/excel.md): 申請推進!B4… one item a row in the order
# of the documentation; 出張申請受付!A4:D4 the first event.
FORMS, MONTHS_CELL, SHARE, KONBINI, REDUCTION_FROM = "B4", "B5", "B7", "B10", "B13"


def test_R3_2_bad_mailing_month_names_file_sheet_and_cell(tmp_path: Path) -> None:
    path = edit(_with_promotion(tmp_path), {("promotion", MONTHS_CELL): "2020-12;2021-13"})
    assert problems(path) == [
        "131016.xlsx: 申請推進!B5: 送付月 must be months from 2020-10 to 2023-03 "
        '(YYYY-MM, separated by ";", each once), got "2020-12;2021-13"'
    ]


def test_R3_3_event_month_outside_the_plan_and_negative_days_are_named(tmp_path: Path) -> None:
    path = edit(_with_promotion(tmp_path), {("events", "A4"): "2019-12", ("events", "B5"): -1})
    assert problems(path) == [
        "131016.xlsx: 出張申請受付!A4: 月 must be a month from 2020-10 to 2023-03 (YYYY-MM), "
        'got "2019-12"',
        "131016.xlsx: 出張申請受付!B5: 日数 must be a whole number ≥ 0, got -1",
    ]


def test_R3_2_negative_form_count_is_rejected(tmp_path: Path) -> None:
    path = edit(_with_promotion(tmp_path), {("promotion", FORMS): -5})
    assert problems(path) == [
        "131016.xlsx: 申請推進!B4: QRコード付き申請書の送付枚数 must be a whole number ≥ 0, got -5"
    ]


@pytest.mark.parametrize(("value", "shown"), [(1.5, "1.5"), ("120%", '"120%"'), ("半分", '"半分"')])
def test_R3_4_share_above_one_or_not_a_number_is_rejected(
    tmp_path: Path, value: object, shown: str
) -> None:
    path = edit(_with_promotion(tmp_path), {("promotion", SHARE): value})
    assert problems(path) == [
        f"131016.xlsx: 申請推進!B7: 支援する住民の割合 must be a share from 0 to 1 "
        f"(0% to 100%), got {shown}"
    ]


def test_R2_4_bad_flag_and_date_are_named_together(tmp_path: Path) -> None:
    path = edit(
        _with_promotion(tmp_path),
        {("promotion", KONBINI): "たぶん", ("promotion", REDUCTION_FROM): "2021-02-30"},
    )
    assert problems(path) == [
        '131016.xlsx: 申請推進!B10: コンビニ交付の実施 must be はい or いいえ, got "たぶん"',
        '131016.xlsx: 申請推進!B13: 引下げ開始日 must be a date YYYY-MM-DD, got "2021-02-30"',
    ]


def test_R3_3_an_event_row_half_filled_names_the_empty_cell(tmp_path: Path) -> None:
    path = edit(_with_promotion(tmp_path), {("events", "B4"): None})
    assert problems(path) == [
        "131016.xlsx: 出張申請受付!B4: 日数 must be a whole number ≥ 0, got an empty cell"
    ]


def test_R3_3_a_blank_infection_control_is_no_as_on_the_page_issue_12(tmp_path: Path) -> None:
    """The section's one validator: a blank 感染対策 is いいえ, as the page's unticked box is."""
    path = edit(_with_promotion(tmp_path), {("events", "D4"): None})
    first = read_plan_workbook(path, SETTINGS).promotion.offsite_events[0]
    assert first.infection_control is False


def test_R3_3_renamed_events_header_is_named(tmp_path: Path) -> None:
    path = _with_promotion(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["出張申請受付"]["B3"] = "開催日数"
    wb["出張申請受付"].tables["events"].tableColumns[1].name = "開催日数"
    wb.save(path)
    assert problems(path) == [
        '131016.xlsx: 出張申請受付!B3: header "開催日数" should be "日数" '
        "(table events is read by its headers)"
    ]


def test_R3_2_clerks_ways_of_typing_are_read(tmp_path: Path) -> None:
    """A date cell for a month, 、 between months, はい typed as TRUE, a share as 50%."""
    path = edit(
        _with_promotion(tmp_path),
        {
            ("promotion", MONTHS_CELL): "2021-01、2020-12",
            ("promotion", SHARE): "50%",
            ("promotion", KONBINI): True,
            ("events", "A4"): dt.datetime(2021, 3, 1),
        },
    )
    promo = read_plan_workbook(path, SETTINGS).promotion
    assert promo.qr_mailing_months == ("2020-12", "2021-01")
    assert promo.insurance_assist_share == 0.5 and promo.konbini_offered is True
    assert promo.offsite_events[0].month == "2021-03"


def test_R7_1_workbook_made_before_the_promotion_section_reads_as_none(tmp_path: Path) -> None:
    path = _with_promotion(tmp_path)
    wb = openpyxl.load_workbook(path)
    for name in ("申請推進", "出張申請受付"):
        del wb[name]
    for ws in wb.worksheets:  # and without today's pace, which came with it
        if "profile" in ws.tables:
            ws["A16"] = ws["B16"] = None
    wb.save(path)
    plan = read_plan_workbook(path, SETTINGS)
    assert plan.promotion == MunicipalPromotion()
    assert plan.profile.recent_daily_issuance == 0.0


def test_R7_1_one_promotion_table_without_the_other_is_an_error(tmp_path: Path) -> None:
    path = _with_promotion(tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb["出張申請受付"].tables["events"]
    wb.save(path)
    (line,) = problems(path)
    assert line.startswith('131016.xlsx: table "events" is missing')


def test_R8_3_template_capacity_formula_counts_evening_opening(tmp_path: Path) -> None:
    """The 交付能力 formula adds 夜間開庁日換算, which reads the promotion items by cell."""
    wb = openpyxl.load_workbook(_with_promotion(tmp_path))
    ws = wb["月別計画"]
    headers = {ws.cell(6, c).value: c for c in range(1, ws.max_column + 1)}
    evening = ws.cell(7, headers["夜間開庁日換算（日）"]).value
    assert "'申請推進'!$B$8" in evening and "'申請推進'!$B$9" in evening  # 回数, 時間
    letter = openpyxl.utils.get_column_letter(headers["夜間開庁日換算（日）"])
    assert f"{letter}7" in ws.cell(7, headers["交付能力（枚）"]).value
    promo = wb["申請推進"]
    assert [promo[f"A{r}"].value for r in (8, 9)] == ["夜間開庁の回数（月）", "夜間延長時間"]
    assert promo["B8"].protection.locked is False and ws.protection.sheet


# The profile CSV: cells written by excel read are read back by `kofuplan plan --profiles`.
events = st.builds(
    Event,
    st.sampled_from(["2020-12", "2021-01", "2022-07"]),
    st.integers(0, 31),
    st.integers(0, 5000),
    st.booleans(),
)
methods = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), max_size=30)


@settings(max_examples=60, deadline=None)
@given(
    st.builds(
        MunicipalPromotion,
        qr_mailing_forms=st.none() | st.integers(0, 10**7),
        qr_mailing_months=st.sets(st.sampled_from(["2020-12", "2021-01", "2021-03"])).map(
            lambda s: tuple(sorted(s))
        ),
        offsite_events=st.lists(events, max_size=5).map(tuple),
        insurance_support_method=st.none()
        # A text that itself starts with an apostrophe and then "=" would lose the apostrophe
        # (the same undoing as excel_prefecture._unquote): not a clerk's text.
        | methods.map(str.strip).filter(lambda t: bool(t) and not t.startswith("'"))
        | st.just("=HYPERLINK()"),
        insurance_assist_share=st.none() | st.floats(0, 1),
        evenings_per_month=st.integers(0, 31),
        evening_hours=st.floats(0, 24),
        konbini_offered=st.none() | st.booleans(),
        konbini_fee_counter_yen=st.none() | st.integers(0, 1000),
        konbini_fee_store_yen=st.none() | st.integers(0, 1000),
        konbini_reduction_from=st.none() | st.dates().map(dt.date.isoformat),
    )
)
def test_R3_2_R3_3_R3_4_R2_4_R8_3_profile_csv_cells_round_trip(promo: MunicipalPromotion) -> None:
    cells = promotion_cells(promo)
    assert tuple(cells) == PROMOTION_FIELDS
    # As write_csv stores them (a formula-like text gets an apostrophe) and read back.
    stored = {k: csv_text(v) for k, v in cells.items()}
    assert promotion_from_cells(stored, "profiles.csv:2") == promo


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path, Path]:
    """A template of the sample data filled with a promotion section and read back."""
    root = tmp_path_factory.mktemp("excel-promo")
    stats = write_sample_stats(root / "stats.csv", dt.date(2020, 10, 1))
    templates = root / "t"
    result = run_cli(
        "excel", "template", "--stats", str(stats), "--as-of", "2020-10-01",
        "--pref", "13", "--out-dir", str(templates),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    files = sorted(templates.glob("*.xlsx"))
    code = files[0].name[:6]
    plan = read_plan_workbook(files[0], SETTINGS)
    # A section that asks for R3.2 (mailing runs past March 2021), R3.4 (no support) and R2.4
    # (the store charges what the counter does); events and evenings feed the forecast.
    promo = dataclasses.replace(
        sample_promotion(),
        qr_mailing_months=("2021-02", "2021-04"),
        insurance_support_method=None,
        insurance_assist_share=None,
        konbini_fee_store_yen=300,
    )
    fill(files[0], dataclasses.replace(plan, promotion=promo))
    read = root / "read"
    result = run_cli("excel", "read", str(templates), "--out", str(read))
    assert result.exit_code == 0, result.output
    return stats, code, read, templates


def test_R3_2_R3_3_R8_3_promotion_through_profiles_csv_plans_as_the_promotion_itself(
    filled: tuple[Path, str, Path, Path], tmp_path: Path
) -> None:
    """excel read → profiles.csv → `kofuplan plan --profiles` gives the applications by
    source and the evening opening that planning from the same promotion, written by hand
    into a profile CSV, gives."""
    stats, code, read, _ = filled
    row = next(r for r in _csv(read / "profiles.csv") if r["lg_code"] == code)
    assert row["qr_mailing_months"] == "2021-02;2021-04"
    assert row["offsite_events"] == "2021-01/3/40/yes;2021-05/2/25/no"
    direct = tmp_path / "direct.csv"
    direct.write_text(
        "lg_code,qr_mailing_forms,qr_mailing_months,offsite_events,evenings_per_month,"
        "evening_hours\n"
        f"{code},20000,2021-02;2021-04,2021-01/3/40/yes;2021-05/2/25/no,4,2.5\n",
        encoding="utf-8",
    )
    outputs = {}
    for name, profiles in (("via_excel", read / "profiles.csv"), ("direct", direct)):
        out = tmp_path / name
        result = run_cli(
            "plan", "--stats", str(stats), "--as-of", "2020-10-01",
            "--profiles", str(profiles), "--out", str(out),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        outputs[name] = [r for r in _csv(out / "plan_monthly.csv") if r["lg_code"] == code]
    columns = ("applications_own_mailing", "applications_events", "evening_day_equivalents")
    got = [{c: r[c] for c in ("month", *columns)} for r in outputs["via_excel"]]
    assert got == [{c: r[c] for c in ("month", *columns)} for r in outputs["direct"]]
    by_month = {r["month"]: r for r in got}
    assert by_month["2021-01"]["applications_events"] == "120"  # 3 days × 40
    assert int(by_month["2021-02"]["applications_own_mailing"]) > 0
    assert by_month["2021-01"]["evening_day_equivalents"] != "0"


def test_R3_2_R3_4_R2_4_findings_of_excel_read_are_those_of_kofuplan_check(
    filled: tuple[Path, str, Path, Path], tmp_path: Path
) -> None:
    stats, code, read, _ = filled
    findings = _csv(read / "findings.csv")
    promo_codes = {"R3.2", "R3.3", "R3.4", "R2.4"}
    mine = sorted((f["code"], f["month"]) for f in findings if f["code"] in promo_codes)
    assert ("R3.2", "2021-04") in mine and ("R3.4", "") in mine and ("R2.4", "") in mine
    # Only the municipality with a promotion section is checked for it.
    assert {f["lg_code"] for f in findings if f["code"] in promo_codes} == {code}
    checked = tmp_path / "checked.csv"
    result = run_cli(
        "check", "--plan", str(read / "plan_monthly.csv"), "--stats", str(stats),
        "--as-of", "2020-10-01", "--profiles", str(read / "profiles.csv"),
        "--out", str(checked),
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    assert [f for f in _csv(checked) if f["code"] in promo_codes] == [
        f for f in findings if f["code"] in promo_codes
    ]


def test_R2_4_R3_2_R3_3_prefecture_workbook_shows_and_rolls_up_the_promotion(
    filled: tuple[Path, str, Path, Path], tmp_path: Path
) -> None:
    _, code, read, _ = filled
    out = tmp_path / "pref13.xlsx"
    result = run_cli("excel", "prefecture", "--pref", "13", "--plans", str(read), "--out", str(out))
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    ws = wb["申請推進"]
    headers = [c.value for c in ws[1]]
    rows = {ws.cell(r, 1).value: [c.value for c in ws[r]] for r in range(2, ws.max_row + 1)}
    mine = dict(zip(headers, rows[code], strict=True))
    assert mine["QRコード付き申請書の送付枚数"] == 20_000
    assert mine["送付月"] == "令和3年2月、令和3年4月"
    assert (mine["出張申請受付（回）"], mine["出張申請受付（日）"]) == (2, 5)
    assert mine["出張申請見込（件）"] == 3 * 40 + 2 * 25
    assert (mine["コンビニ交付"], mine["引下げ額（円）"]) == ("実施", 0)
    # issue 15: 2.5 hours stay 2.5 (they showed as 3), in a format that shows the decimal
    assert (mine["夜間開庁（回/月）"], mine["夜間延長時間"]) == (4, 2.5)
    hours = ws.cell(2, headers.index("夜間延長時間") + 1)
    assert hours.number_format == "0.0#"
    other = next(r for c, r in rows.items() if c not in (code, None))
    assert all(v is None for v in other[2:])  # no section: blank
    summary = {
        row[0]: row[1] for row in wb["集計"].iter_rows(min_row=3, max_col=2, values_only=True)
    }
    assert summary["申請推進の記載がある団体数"] == 1
    assert summary["QRコード付き申請書の送付枚数（R3.2）"] == 20_000
    assert summary["出張申請受付の回数（R3.3）"] == 2
    assert summary["コンビニ交付の実施団体数（R2.4）"] == 1
    assert summary["コンビニ交付手数料の引下げ団体数（R2.4）"] == 0
