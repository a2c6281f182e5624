"""INTERIM: the four R6.1 checks, until the checks of issue 3 land.

They test exactly what the template's formulas show the clerk: capacity ≥ issuance
(R6.1-2), counters within the office unless off-site (R6.1-3), weekend days ≥ the requirement
(R6.1-4), the population reached by March 2023 (R6.1-1). The codes are those issue 3 names;
their documentation comes with it. Delete this module when ``kofuplan.domain.checks`` exists
and call that from :func:`kofuplan.services.excel_plans.check_imported` instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kofuplan.domain.findings import Finding
from kofuplan.domain.wareki import reiwa_month

IntArray = npt.NDArray[np.int64]
UNKNOWN = -1  # a population or office size the input did not give: that check is skipped

R61_CODES = ("R6.1-1", "R6.1-2", "R6.1-3", "R6.1-4")


@dataclass(frozen=True)
class CheckInput:
    """What the four checks look at, (municipalities, months) unless noted."""

    lg_code: list[str]
    months: tuple[str, ...]
    population: IntArray  # (N,), UNKNOWN where not given
    office_max_counters: IntArray  # (N,), UNKNOWN where not given
    cumulative_issued: IntArray
    issuance: IntArray
    capacity: IntArray
    dedicated_counters: IntArray
    combined_counters: IntArray
    offsite_counters: IntArray
    weekend_days: IntArray
    required_weekend_days: IntArray


def interim_r61_findings(c: CheckInput, target_share: float) -> list[Finding]:
    out: list[Finding] = []
    months = c.months
    last = c.cumulative_issued[:, -1]
    need = np.ceil(c.population * target_share).astype(np.int64)
    for i in np.flatnonzero((c.population != UNKNOWN) & (last < need)).tolist():
        got, want = int(last[i]), math.ceil(int(c.population[i]) * target_share)
        out.append(
            Finding(
                c.lg_code[i], None, "R6.1-1", "error", float(got), float(want),
                f"{reiwa_month(months[-1])}末の累計交付枚数が{got:,}枚で、"
                f"住基人口{want:,}人に{want - got:,}枚届きません。"
                "各月の交付枚数を見直してください。",
            )
        )  # fmt: skip
    for i, j in zip(*np.nonzero(c.capacity < c.issuance), strict=True):
        cap, iss = int(c.capacity[i, j]), int(c.issuance[i, j])
        out.append(
            Finding(
                c.lg_code[i], months[j], "R6.1-2", "error", float(cap), float(iss),
                f"{reiwa_month(months[j])}は交付枚数{iss:,}枚に対し窓口の交付能力が{cap:,}枚です。"
                "窓口を増やしてください。",
            )
        )  # fmt: skip
    in_office = c.dedicated_counters - c.offsite_counters + c.combined_counters
    office = c.office_max_counters[:, None]
    crowded = (office != UNKNOWN) & (in_office > office)
    for i, j in zip(*np.nonzero(crowded), strict=True):
        have, room = int(in_office[i, j]), int(office[i, 0])
        out.append(
            Finding(
                c.lg_code[i], months[j], "R6.1-3", "error", float(have), float(room),
                f"{reiwa_month(months[j])}は庁舎内の窓口が{have}で、庁舎内最大窓口数{room}を"
                f"{have - room}超えます。超える分を庁舎外の臨時窓口としてください。",
            )
        )  # fmt: skip
    for i, j in zip(*np.nonzero(c.weekend_days < c.required_weekend_days), strict=True):
        got, want = int(c.weekend_days[i, j]), int(c.required_weekend_days[i, j])
        out.append(
            Finding(
                c.lg_code[i], months[j], "R6.1-4", "error", float(got), float(want),
                f"{reiwa_month(months[j])}の土日交付日数が{got}日です。"
                f"毎週土日のいずれかを開くには{want}日必要です。",
            )
        )  # fmt: skip
    return out
