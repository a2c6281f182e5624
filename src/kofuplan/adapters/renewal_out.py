"""Writes the renewal wave: ``renewals_monthly.csv`` (municipality × month), ``national.csv``,
``prefectures.csv``, ``summary.json`` and a chart in Japanese (``renewals_national.png``).

Figures are expected numbers of residents, written to one decimal: a municipality's months
add up to its expected total without rounding drift.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.adapters.plan_csv import write_columns
from kofuplan.domain.budget import fiscal_year
from kofuplan.domain.renewal import RenewalDemand
from kofuplan.services.renewals import RenewalRun

FloatArray = npt.NDArray[np.float64]

SERIES_COLUMNS = (
    "expiring_certificates",
    "expiring_certificates_only",
    "expiring_cards",
    "expiring_cards_minor",
    "renewals_certificate",
    "renewals_card",
    "expected_renewals",
)


def _series(demand: RenewalDemand) -> dict[str, FloatArray]:
    return {
        "expiring_certificates": demand.expiring_certificates,
        "expiring_certificates_only": demand.expiring_certificates_only,
        "expiring_cards": demand.expiring_cards,
        "expiring_cards_minor": demand.expiring_cards_minor,
        "renewals_certificate": demand.renewals_certificate,
        "renewals_card": demand.renewals_card,
        "expected_renewals": demand.renewals,
    }


def _one_decimal(a: FloatArray) -> list[str]:
    return [f"{x:.1f}" for x in np.asarray(a).reshape(-1).tolist()]


def _table(
    keys: Mapping[str, list[str]], months: tuple[str, ...], series: dict[str, FloatArray]
) -> dict[str, list[str]]:
    rows = next(iter(series.values())).shape[0]
    out = {k: [v for v in values for _ in months] for k, values in keys.items()}
    out["month"] = list(months) * rows
    out.update({name: _one_decimal(series[name]) for name in SERIES_COLUMNS})
    return out


def by_prefecture(
    pref_codes: tuple[str, ...], series: dict[str, FloatArray]
) -> tuple[list[str], dict[str, FloatArray]]:
    codes = sorted(set(pref_codes))
    index = np.array([codes.index(p) for p in pref_codes])
    onehot = (index[None, :] == np.arange(len(codes))[:, None]).astype(np.float64)  # (P, N)
    return codes, {k: onehot @ v for k, v in series.items()}


def summary(run: RenewalRun, window: RenewalDemand) -> dict[str, Any]:
    national = {k: v.sum(axis=0) for k, v in _series(window).items()}
    total = national["expected_renewals"]
    peak = int(np.argmax(total)) if total.size else 0
    fiscal: dict[str, dict[str, float]] = {}
    for i, month in enumerate(window.months):
        year = fiscal.setdefault(str(fiscal_year(month)), dict.fromkeys(SERIES_COLUMNS, 0.0))
        for name in SERIES_COLUMNS:
            year[name] += float(national[name][i])
    params = run.params
    return {
        "months": [window.months[0], window.months[-1]],
        "municipalities": len(run.actuals.lg_codes),
        "statistics_months": [run.first_known, run.last_known],
        "estimated_months": {
            "before_statistics": f"{run.demand.months[0]}〜{run.first_known}",
            "after_statistics": f"{run.last_known}の翌月以降",
        },
        "national": {
            "peak_month": window.months[peak],
            "peak_expected_renewals": round(float(total[peak]), 1),
            "totals": {k: round(float(v.sum()), 1) for k, v in national.items()},
            "by_fiscal_year": {
                fy: {k: round(v, 1) for k, v in values.items()} for fy, values in fiscal.items()
            },
        },
        "rules": {
            key: {"value": _jsonable(params[key]), "source": params.source(key)}
            for key in sorted(params)
            if key.startswith("renewal.")
        },
    }


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, int | float | str | bool) or x is None:
        return x
    return str(x)


def write_renewals(out: Path, run: RenewalRun, first: str, last: str) -> dict[str, Any]:
    """Write every output for the months ``first`` … ``last`` (all of them or none: the
    chart is drawn and every file staged before any is put in place); returns the summary."""
    window = run.window(first, last)
    series = _series(window)
    a = run.actuals
    codes, prefs = by_prefecture(a.pref_codes, series)
    nation = {k: v.sum(axis=0, keepdims=True) for k, v in series.items()}
    # matplotlib only when the chart is drawn (about a second to import).
    from kofuplan.adapters.renewal_chart import renewal_chart_png

    png = renewal_chart_png(
        window.months,
        nation["renewals_certificate"][0],
        nation["renewals_card"][0],
        nation["expiring_certificates"][0],
        nation["expiring_cards"][0],
    )
    result = summary(run, window)
    tables = {
        "renewals_monthly.csv": _table(
            {"lg_code": list(a.lg_codes), "pref_code": list(a.pref_codes)}, window.months, series
        ),
        "prefectures.csv": _table({"pref_code": codes}, window.months, prefs),
        "national.csv": _table({}, window.months, nation),
    }
    out.mkdir(parents=True, exist_ok=True)
    with staged(out) as stage:
        for name, columns in tables.items():
            write_columns(stage / name, columns)
        text = json.dumps(result, ensure_ascii=False, indent=1)
        (stage / "summary.json").write_text(text + "\n", encoding="utf-8")
        (stage / "renewals_national.png").write_bytes(png)
    return result


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A folder beside ``out`` to write into; on success its files replace those of ``out``,
    on failure it is removed and ``out`` is left as it was."""
    stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        yield stage
        for path in sorted(stage.iterdir()):
            os.replace(path, out / path.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
