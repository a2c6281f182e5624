"""The plan as the follow-up reads it: the monthly counts of ``plan_monthly.csv``, columnar."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kofuplan.errors import InputError

IntArray = npt.NDArray[np.int64]


class PlanInputError(InputError):
    """The plan does not cover what the follow-up needs; the message names what is missing."""


@dataclass(frozen=True)
class PlannedMonths:
    lg_codes: tuple[str, ...]
    months: tuple[str, ...]  # YYYY-MM, consecutive
    issuance: IntArray  # (municipalities, months)
    cumulative_issued: IntArray  # baseline included
    required_weekend_days: IntArray

    def columns_for(self, months: list[str]) -> npt.NDArray[np.intp]:
        missing = [m for m in months if m not in self.months]
        if missing:
            span = f"{self.months[0]}〜{self.months[-1]}" if self.months else "なし"
            raise PlanInputError(
                f"計画に次の月がありません: {', '.join(missing)}（計画期間: {span}）"
            )
        return np.array([self.months.index(m) for m in months], dtype=np.intp)
