"""The focus designation (重点的フォローアップ, from June 2022; issue 4 item 3)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kofuplan.domain.focus import core_cities_in_force, designate, focus_groups
from kofuplan.parameters import load_rules

RULES = load_rules()
CORE = RULES.at(dt.date(2022, 12, 31))["core_cities.designated"]
LARGE = RULES.at(dt.date(2022, 6, 30))["focus.large_city_population"]


def group_of(code: str, kind: str, population: int, day: dt.date) -> int:
    core = core_cities_in_force(CORE, day)
    return int(focus_groups([code], [kind], [population], core, LARGE)[0])


def test_R6_2_designated_cities_and_core_cities_are_group_1() -> None:
    assert group_of("011002", "指定都市", 1_960_000, dt.date(2022, 6, 30)) == 1
    assert group_of("012025", "市", 248_000, dt.date(2022, 6, 30)) == 1  # 函館市


def test_R6_2_a_core_city_counts_from_the_day_its_designation_takes_effect() -> None:
    """松本市 and 一宮市 became core cities on 2021-04-01 (not 2020 or 2022)."""
    matsumoto = "202029"
    assert CORE[matsumoto]["since"] == dt.date(2021, 4, 1)
    assert group_of(matsumoto, "市", 237_000, dt.date(2021, 3, 31)) == 2
    assert group_of(matsumoto, "市", 237_000, dt.date(2021, 4, 30)) == 1


def test_R6_2_a_small_core_city_is_group_1_not_3() -> None:
    """甲府市 (core city from 2019-04-01) has fewer than 200,000 residents."""
    assert group_of("192015", "市", 186_000, dt.date(2022, 6, 30)) == 1


def test_R6_2_other_cities_split_at_200000_and_wards_are_group_2() -> None:
    day = dt.date(2022, 6, 30)
    assert group_of("012033", "市", LARGE, day) == 2
    assert group_of("012033", "市", LARGE - 1, day) == 3
    assert group_of("131016", "特別区", 67_000, day) == 2
    assert group_of("013030", "町", 15_000, day) == 4
    assert group_of("013048", "村", 2_900, day) == 4


def test_R6_2_the_core_city_count_follows_the_designations() -> None:
    count = {
        d: len(core_cities_in_force(CORE, d))
        for d in (
            dt.date(2020, 3, 31),
            dt.date(2020, 4, 1),
            dt.date(2021, 4, 1),
            dt.date(2022, 12, 31),
        )
    }
    assert list(count.values()) == [58, 60, 62, 62]


def test_R6_2_designation_needs_both_figures_strictly_below_the_group() -> None:
    group = np.array([4, 4, 4, 4])
    pop = np.array([100, 100, 100, 100])
    prev = np.array([40, 40, 60, 40])
    cards = np.array([45, 55, 61, 59])  # group: 220/400 = 55 %, growth 55 − 45 = 10 pt
    f = designate(cards, pop, prev, pop, group)
    assert np.allclose(f.group_coverage_pct, 55.0)
    assert np.allclose(f.group_growth_pt, 10.0)
    # 45 % / +5: both below → designated; 55 % equals the average → not; 61 % / +1: coverage
    # above → not; 59 % / +19: both above → not.
    assert f.designated.tolist() == [True, False, False, False]


groups_st = st.lists(
    st.tuples(st.integers(1, 10**6), st.integers(0, 10**6), st.integers(0, 10**6)),
    min_size=1,
    max_size=30,
)


@given(groups_st)
def test_R6_2_a_whole_group_is_never_designated(rows: list[tuple[int, int, int]]) -> None:
    """The pooled coverage is a population-weighted mean of the members' coverages, so at
    least one member is at or above it: nobody is designated in a group of one, and never all."""
    pop = np.array([r[0] for r in rows], dtype=np.int64)
    cards = np.array([min(r[1], r[0]) for r in rows], dtype=np.int64)
    prev = np.array([min(r[2], c) for r, c in zip(rows, cards, strict=True)], dtype=np.int64)
    f = designate(cards, pop, prev, pop, np.full(len(rows), 3))
    assert not f.designated.all()


@given(groups_st, st.integers(2, 5))
def test_R6_2_months_axis_gives_the_same_answer_as_month_by_month(
    rows: list[tuple[int, int, int]], months: int
) -> None:
    """Columnar: a (municipalities, months) call equals one call per month."""
    rng = np.random.default_rng(len(rows) * 7 + months)
    pop = np.array([r[0] for r in rows], dtype=np.int64)[:, None].repeat(months, axis=1)
    cards = (pop * rng.uniform(0.2, 0.6, pop.shape)).astype(np.int64)
    prev = (cards * rng.uniform(0.9, 1.0, pop.shape)).astype(np.int64)
    group = rng.integers(1, 5, pop.shape)
    whole = designate(cards, pop, prev, pop, group)
    for j in range(months):
        one = designate(cards[:, j], pop[:, j], prev[:, j], pop[:, j], group[:, j])
        assert (one.designated == whole.designated[:, j]).all()
        assert np.allclose(one.group_coverage_pct, whole.group_coverage_pct[:, j], equal_nan=True)
