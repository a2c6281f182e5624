"""The national page's focus list (重点的フォローアップ): ``kofuplan focus``'s designation
(:mod:`kofuplan.domain.focus`, through :func:`kofuplan.services.followup.focus_for_months`) on
the stored figures, never a rule of its own.

The store holds each municipality's cards at the baseline snapshot and the monthly issuance it
has entered since. The month looked at is the latest one with entries; a municipality's cards
at a month end are the baseline plus what it entered up to that month. Only municipalities that
entered that month, and whose kind (特別区, 市 …) is known, are designated or counted in their
group's figures: a blank is not a month of no issuance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kofuplan.domain.actuals import Actuals
from kofuplan.domain.focus import GROUP_LABELS
from kofuplan.domain.snapshots import add_months
from kofuplan.parameters import RuleBook
from kofuplan.services.followup import focus_for_months
from kofuplan.services.ports import MunicipalityRecord

KINDS = ("特別区", "指定都市", "市", "町", "村")


@dataclass(frozen=True)
class FocusList:
    month: str | None  # the month-end results it is drawn from; None without entries
    rows: list[dict[str, Any]]  # designated municipalities, lowest coverage first


def focus_list(
    ms: Sequence[MunicipalityRecord],
    entered: Mapping[str, Mapping[str, int]],
    rules: RuleBook,
) -> FocusList:
    """Who is designated for the month after the latest month with entries (lg_code → month →
    cards issued that month)."""
    months = sorted({month for by_month in entered.values() for month in by_month})
    if not months:
        return FocusList(None, [])
    month = months[-1]
    chosen = [
        m
        for m in ms
        if month in entered.get(m.lg_code, {}) and m.municipality_type in KINDS and m.population > 0
    ]
    if not chosen:
        return FocusList(month, [])
    before = [
        m.cards_issued_baseline + sum(n for mo, n in entered[m.lg_code].items() if mo < month)
        for m in chosen
    ]
    now = [b + entered[m.lg_code][month] for b, m in zip(before, chosen, strict=True)]
    population = np.array([[m.population, m.population] for m in chosen], dtype=np.int64)
    actuals = Actuals(
        lg_codes=tuple(m.lg_code for m in chosen),
        pref_codes=tuple(m.pref_code for m in chosen),
        names=tuple(m.name for m in chosen),
        types=tuple(m.municipality_type for m in chosen),
        months=(add_months(month, -1), month),
        snapshot_dates=("", ""),
        cards=np.array([before, now], dtype=np.int64).T.copy(),
        population=population,
        population_reference_dates=("", ""),
    )
    f = focus_for_months(actuals, [month], rules)
    rows = [
        {
            "lg_code": m.lg_code,
            "name": m.name,
            "group": int(f.group[i, 0]),
            "group_label": GROUP_LABELS[int(f.group[i, 0])],
            "coverage_pct": float(f.coverage_pct[i, 0]),
            "growth_pt": float(f.growth_pt[i, 0]),
            "group_coverage_pct": float(f.group_coverage_pct[i, 0]),
            "group_growth_pt": float(f.group_growth_pt[i, 0]),
        }
        for i, m in enumerate(chosen)
        if f.designated[i, 0]
    ]
    rows.sort(key=lambda r: (r["coverage_pct"], r["lg_code"]))
    return FocusList(month, rows)
