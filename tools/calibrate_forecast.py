"""Calibrate the demand model's parameters on the national record (rules/demand.yaml).

Runs on the shared statistics::

    uv run --frozen python tools/calibrate_forecast.py [--data ../shared/data/mynumbercard]

What it does, in hindsight (every campaign known):

1. the national cards issued per month, 2020-03 … 2022-12 from ``national_monthly.csv`` and
   2023-01 … 2023-03 from ``national_reference_points_secondary.csv`` (2023-01 from its rate);
2. for every candidate production-lag profile, QR-mailing response profile and production
   capacity: the deliveries each kind of campaign would cause at a response rate of 1
   (kofuplan.domain.demand, the same functions the forecast uses), and the own pace per fiscal
   year; non-negative least squares gives the rates; the model is then run with the national
   production capacity and scored by the root mean square error over the record;
3. prints the best candidates and the values to write into ``rules/demand.yaml``.

The fit is national only; prefectures and municipalities share it in proportion to their
non-holders and their own pace (see docs/forecast.md for what that misses).
"""

from __future__ import annotations

import argparse
import csv
import itertools
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares, nnls

from kofuplan.domain.calendar import month_range
from kofuplan.domain.demand import (
    DemandRules,
    campaign_response,
    campaigns_known,
    lagged,
    month_days,
    produce,
)
from kofuplan.parameters import load_rules

FIRST, LAST = "2020-01", "2023-03"
SCORED_FROM = "2020-03"
LAGS = (
    [0.2, 0.5, 0.3],
    [0.1, 0.5, 0.3, 0.1],
    [0.0, 0.6, 0.3, 0.1],
    [0.3, 0.5, 0.2],
    [0.0, 0.5, 0.5],
)
QR_PROFILES = ([0.4, 0.3, 0.2, 0.1], [0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.3, 0.1])
CAPACITIES = (2.2e6, 2.4e6, 2.6e6, 2.8e6, 3.0e6, 1e12)
KINDS = ("newspaper_insert", "qr_mailing", "point_campaign", "policy_announcement")


def national_record(data: Path) -> dict[str, float]:
    """Cards issued per month, nationally."""
    with (data / "national_monthly.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    cumulative = {r["month"]: float(r["cards_issued_cumulative"]) for r in rows}
    with (data / "national_reference_points_secondary.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            month = r["as_of"][:7]
            if r["metric"] == "cards_issued_cumulative":
                cumulative[month] = float(r["value"])
            elif r["metric"] == "cards_issued_rate_pct" and month not in cumulative:
                cumulative[month] = float(r["rate_pct"]) / 100 * float(r["population_base"])
    months = sorted(cumulative)
    return {
        m: cumulative[m] - cumulative[p]
        for p, m in itertools.pairwise(months)
        if list(month_range(p, m))[1:] == [m]
    }


LATER_CAPACITY = 4.5e6


def produce_dated(apps: np.ndarray, cap: float, later: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`produce` with the capacity raised to LATER_CAPACITY from the ``later`` months."""
    split = int(np.argmax(later)) if later.any() else apps.shape[1]
    made1, wait1 = produce(apps[:, :split], cap)
    carry = apps[:, split:].copy()
    if carry.shape[1] and wait1.shape[1]:
        carry[:, 0] += wait1[:, -1]
    made2, wait2 = produce(carry, LATER_CAPACITY)
    queue1, queue2 = wait1.sum(axis=0), wait2.sum(axis=0)
    return np.concatenate([made1, made2], axis=1), np.concatenate([queue1, queue2])


def fit(data: Path) -> None:
    record = national_record(data)
    rules = load_rules()
    params = rules.at(rules.parameter("campaigns.national").values[0][0])
    campaigns = campaigns_known(
        params["campaigns.national"], __import__("datetime").date(2030, 1, 1)
    )
    span = month_range(FIRST, LAST)
    days = month_days(span)
    scored = [i for i, m in enumerate(span) if m >= SCORED_FROM and m in record]
    actual = np.array([record[span[i]] for i in scored])
    nation = 101_032_387.0  # non-holders at the baseline (campaigns.national_non_holders)
    # The own pace: one level over the whole record (the forecast takes it from the months
    # before its date instead; a level per year would soak up the campaigns' answer).
    fiscal = np.zeros(len(span), dtype=np.int64)
    # Production capacity: the candidate until 2021-12, then LATER_CAPACITY (the record issues
    # 4.1–4.4 M a month from December 2022, so production was at least that).
    later = np.array([m >= "2022-01" for m in span])
    results = []
    for lag, qr, cap in itertools.product(LAGS, QR_PROFILES, CAPACITIES):
        base_rules = DemandRules(
            response_rate=dict.fromkeys(KINDS, 1.0),
            deadline_rush={},
            response_profile={"newspaper_insert": (0.6, 0.3, 0.1), "qr_mailing": tuple(qr)},
            lag_profile=tuple(lag),
            production_capacity=cap,
            pace_window_months=3,
            organic_floor=0.0,
            production_lag_months=1,  # not read by campaign_response
            max_wait_months=1,
            own_mailing_response_rate=0.0,
        )
        columns, names = [], []
        for year in sorted(set(fiscal)):
            columns.append(lagged((days * (fiscal == year))[None, :], lag)[0])
            names.append("pace_per_day")
        by_kind = campaign_response(span, campaigns, base_rules, nation)
        for kind in KINDS:
            if kind in by_kind:
                columns.append(lagged(by_kind[kind][None, :], lag)[0])
                names.append(f"rate:{kind}")
        rush_rules = DemandRules({}, {"point_campaign": 1.0}, {}, tuple(lag), cap, 3, 0.0, 1, 1, 0.0)
        rush = campaign_response(span, campaigns, rush_rules, nation)["point_campaign"]
        columns.append(lagged(rush[None, :], lag)[0])
        names.append("rush:point_campaign")
        matrix = np.array(columns).T
        start, _ = nnls(matrix[scored], actual)
        # Undelayed applications per coefficient; the capacity makes the fit non-linear, so
        # the least-squares start is refined with the national production queue in the loop.
        sources = [days * (fiscal == year) for year in sorted(set(fiscal))]
        sources += [by_kind[n.split(":")[1]] for n in names if n.startswith("rate:")]
        sources.append(rush)
        basis = np.array(sources)

        def simulate(
            c: np.ndarray, basis: np.ndarray = basis, cap: float = cap, lag: list[float] = lag
        ):
            produced, queue = produce_dated((c @ basis)[None, :], cap, later)
            return lagged(produced, lag)[0], queue

        def residual(c: np.ndarray, simulate=simulate) -> np.ndarray:
            return (simulate(c)[0][scored] - actual) / 1e6

        coef = least_squares(residual, start, bounds=(0, np.inf)).x
        model, queue = simulate(coef)
        rmse = float(np.sqrt(np.mean((model[scored] - actual) ** 2)))
        results.append((rmse, lag, qr, cap, dict(zip(names, coef, strict=True)), model, queue))
    results.sort(key=lambda r: r[0])
    for rmse, lag, qr, cap, _coef, _, _ in results[:5]:
        print(f"RMSE {rmse / 1e6:.3f} M/month  lag={lag} qr={qr} capacity={cap:,.0f}")
    rmse, lag, qr, cap, coef, model, queue = results[0]
    print("\nbest fit:")
    for name, value in coef.items():
        print(f"  {name}: {value:.5g}")
    print("\nmonth    actual(M)  model(M)  queue(M)")
    for i in scored:
        print(
            f"{span[i]}  {record[span[i]] / 1e6:8.2f}  {model[i] / 1e6:8.2f}  {queue[i] / 1e6:7.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/mynumbercard"))
    fit(parser.parse_args().data)


if __name__ == "__main__":
    main()
