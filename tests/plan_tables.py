"""A Hypothesis strategy for plan tables as a store holds them (issue 12): one municipality
over distinct months in any order, every figure given or not (a count not given holds 0, a
decimal NaN), decimals to the hundredth as ``plan_monthly.csv`` has them, a month valid when
it has every required count, and for a renewal plan its own figures with NaN where not
given."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from kofuplan.domain.capacity import NO_RECRUIT
from kofuplan.domain.plan_table import (
    COUNT_COLUMNS,
    DECIMAL_COLUMNS,
    FIGURE_COLUMNS,
    RENEWAL_FIGURES,
    REQUIRED_COUNTS,
    PlanTable,
)
from kofuplan.domain.snapshots import add_months


@st.composite
def stored_tables(draw: st.DrawFn, lg_code: str = "131016") -> PlanTable:
    offsets = draw(st.lists(st.integers(0, 120), min_size=1, max_size=14, unique=True))
    months = tuple(add_months("2019-01", k) for k in offsets)
    n = len(months)
    given = {
        c: np.array([draw(st.lists(st.booleans(), min_size=n, max_size=n))]) for c in FIGURE_COLUMNS
    }
    counts = {
        c: np.where(
            given[c], np.array([draw(st.lists(st.integers(0, 2**53), min_size=n, max_size=n))]), 0
        )
        for c in COUNT_COLUMNS
    }
    hundredths = st.integers(0, 10**8).map(lambda k: k / 100)
    decimals = {
        c: np.where(
            given[c], np.array([draw(st.lists(hundredths, min_size=n, max_size=n))]), np.nan
        )
        for c in DECIMAL_COLUMNS
    }
    recruit = np.array(
        [
            draw(
                st.lists(
                    st.one_of(st.just(NO_RECRUIT), st.integers(-60, 60)), min_size=n, max_size=n
                )
            )
        ]
    )
    recruit = np.where(given["recruit_start_month"], recruit, NO_RECRUIT).astype(np.int64)
    extra = {}
    if draw(st.booleans()):  # a renewal plan
        figure = st.one_of(st.just(np.nan), st.floats(0, 1e9, allow_nan=False))
        extra = {
            c: np.array([draw(st.lists(figure, min_size=n, max_size=n))]) for c in RENEWAL_FIGURES
        }
    return PlanTable(
        lg_code=np.array([lg_code], dtype=np.str_),
        months=months,
        counts={c: v.astype(np.int64) for c, v in counts.items()},
        decimals={c: v.astype(np.float64) for c, v in decimals.items()},
        recruit_start_index=recruit,
        given=given,
        valid=np.logical_and.reduce([given[c] for c in REQUIRED_COUNTS]),
        extra=extra,
    )
