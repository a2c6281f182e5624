"""The actuals reader (issue 4): long statistics format → (municipalities × months) arrays."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from kofuplan.adapters.actuals_csv import read_actuals
from kofuplan.domain.actuals import ActualsError

HEADER = [
    "snapshot_date",
    "pref_code",
    "lg_code",
    "municipality_name",
    "municipality_type",
    "population",
    "population_reference_date",
    "cards_issued_cumulative",
]
MUNIS = [("01", "012033", "小樽市", "市", 110000), ("01", "013030", "当別町", "町", 15000)]
# Three month ends across the 2022-06 change: 2022-05 (2022-06-01), 2022-06 (2022-06-30), 2022-07.
DATES = ["2022-05-01", "2022-06-01", "2022-06-30", "2022-07-31"]


def write(path: Path, rows: list[dict[str, object]], extra: list[str] | None = None) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADER + (extra or []))
        w.writeheader()
        w.writerows(rows)
    return path


def rows(
    dates: list[str] = DATES, skip: frozenset[tuple[str, str]] = frozenset()
) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for k, day in enumerate(dates):
        for pref, code, name, kind, pop in MUNIS:
            if (day, code) in skip:
                continue
            out.append(
                {
                    "snapshot_date": day,
                    "pref_code": pref,
                    "lg_code": code,
                    "municipality_name": name,
                    "municipality_type": kind,
                    "population": pop,
                    "population_reference_date": "2021-01-01",
                    "cards_issued_cumulative": pop // 2 + 100 * k,
                }
            )
    return out


def test_R6_2_reads_month_ends_as_arrays(tmp_path: Path) -> None:
    a = read_actuals(write(tmp_path / "a.csv", rows()))
    assert a.months == ("2022-04", "2022-05", "2022-06", "2022-07")
    assert a.snapshot_dates == ("2022-05-01", "2022-06-01", "2022-06-30", "2022-07-31")
    assert a.lg_codes == ("012033", "013030")
    assert a.cards.shape == (2, 4)
    assert a.cards[0].tolist() == [55000, 55100, 55200, 55300]
    assert a.population[1].tolist() == [15000] * 4
    assert a.survey == {}


def test_R6_2_reads_the_optional_survey_columns_that_are_present(tmp_path: Path) -> None:
    data = rows()
    for r in data:
        r["cards_in_stock"] = 30 if r["lg_code"] == "012033" else ""
    a = read_actuals(write(tmp_path / "a.csv", data, ["cards_in_stock"]))
    assert set(a.survey) == {"cards_in_stock"}
    assert a.survey["cards_in_stock"][0].tolist() == [30.0] * 4
    assert np.isnan(a.survey["cards_in_stock"][1]).all()


def test_R6_2_a_missing_month_is_named_not_a_crash(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", rows(["2022-05-01", "2022-07-31"]))
    with pytest.raises(ActualsError, match=r"2022-05, 2022-06"):
        read_actuals(path)
    with pytest.raises(ActualsError, match=r"2022-06"):
        read_actuals(path, ["2022-06", "2022-07"])


def test_R6_2_a_missing_municipality_is_named_with_its_month(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", rows(skip={("2022-06-30", "013030")}))
    with pytest.raises(ActualsError, match=r"2022-06.*013030"):
        read_actuals(path)


def test_R6_2_a_missing_municipality_is_named_when_the_plan_asks_for_it(tmp_path: Path) -> None:
    a = read_actuals(write(tmp_path / "a.csv", rows()))
    with pytest.raises(ActualsError, match=r"131016"):
        a.rows_for(["012033", "131016"])


def test_bad_cells_name_the_line_and_column(tmp_path: Path) -> None:
    data = rows()
    data[3]["cards_issued_cumulative"] = "many"
    with pytest.raises(ActualsError, match=r"a\.csv:5: cards_issued_cumulative"):
        read_actuals(write(tmp_path / "a.csv", data))
    data = rows()
    data[0]["lg_code"] = "012034"
    with pytest.raises(ActualsError, match=r"a\.csv:2: lg_code.*検査数字"):
        read_actuals(write(tmp_path / "a.csv", data))


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("snapshot_date,lg_code\n2022-06-30,012033\n", encoding="utf-8")
    with pytest.raises(ActualsError, match="municipality_type, population, cards_issued"):
        read_actuals(path)


def test_a_missing_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(ActualsError, match="読み込めません"):
        read_actuals(tmp_path / "absent.csv")


def test_a_file_that_is_not_utf8_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "sjis.csv"
    path.write_bytes(",".join(HEADER).encode() + "\n2022-06-30,01,012033,小樽市".encode("cp932"))
    with pytest.raises(ActualsError, match="UTF-8"):
        read_actuals(path)
