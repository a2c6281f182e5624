"""CSV text formatted once per distinct value reads exactly as formatting every cell (R1.2:
the plan_monthly.csv contract; the writer changed for speed, not in a single byte)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kofuplan.adapters.plan_csv import plan_text_columns
from kofuplan.adapters.sample_stats import write_sample_stats
from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.adapters.text_columns import decimal_text, text_column, write_csv
from kofuplan.services.planning import run_plan


def _cell_by_cell_decimals(a: np.ndarray, places: int) -> list[str]:
    # The writer before: every cell formatted on its own.
    return [f"{x:.{places}f}".rstrip("0").rstrip(".") for x in a.reshape(-1).tolist()]


@settings(deadline=None, max_examples=80)
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=1, max_dims=2, max_side=12),
        elements=st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.sampled_from([0.0, -0.0, 0.005, 2.5, 1e-9]),
        ),
    ),
    st.integers(min_value=0, max_value=3),
)
def test_R1_2_decimals_read_as_formatted_cell_by_cell(a: np.ndarray, places: int) -> None:
    assert text_column(a, decimal_text(places)).tolist() == _cell_by_cell_decimals(a, places)


@settings(deadline=None, max_examples=60)
@given(hnp.arrays(np.int64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=12)))
def test_R1_2_integers_read_as_formatted_cell_by_cell(a: np.ndarray) -> None:
    assert text_column(a).tolist() == [str(x) for x in a.reshape(-1).tolist()]


def test_R1_2_a_comma_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    with pytest.raises(ValueError, match=r"x\.csv: a value of column b contains a comma"):
        write_csv(path, {"a": ["1", "2"], "b": ["3", "4,5"]})
    assert not path.exists()
    assert not list(tmp_path.iterdir())


def test_R1_2_plan_csv_is_the_cell_by_cell_text_of_the_plan(tmp_path: Path) -> None:
    """The streamed file equals the rows built cell by cell from the same columns."""
    as_of = dt.date(2020, 10, 1)
    stats = write_sample_stats(tmp_path / "stats.csv", as_of)
    plan = run_plan(StatsFiles(stats), as_of, method="level").plan
    columns = plan_text_columns(plan)
    cells = {name: [str(c.labels[k]) for k in c.codes.tolist()] for name, c in columns.items()}
    expected = "\n".join(
        [",".join(cells), *(",".join(row) for row in zip(*cells.values(), strict=True))]
    )
    write_csv(tmp_path / "plan_monthly.csv", columns)
    # UTF-8 with a BOM, so that Excel in Japan opens it (issue 15)
    assert (tmp_path / "plan_monthly.csv").read_text(encoding="utf-8") == (
        "\ufeff" + expected + "\n"
    )
    # The raw figures, formatted cell by cell, are what the columns say.
    assert cells["issuance"] == [str(x) for x in plan.issuance.reshape(-1).tolist()]
    assert cells["coverage_pct"] == _cell_by_cell_decimals(plan.coverage_pct, 2)
    assert cells["month"] == list(plan.months) * plan.issuance.shape[0]
