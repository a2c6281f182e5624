"""The plan as the follow-up reads it: the monthly counts of a plan table, columnar."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kofuplan.domain.plan_table import PlanTable
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

    @classmethod
    def from_table(cls, table: PlanTable) -> PlannedMonths:
        """The follow-up's columns of a plan table."""
        return cls(
            lg_codes=tuple(str(c) for c in table.lg_code),
            months=table.months,
            issuance=table.issuance,
            cumulative_issued=table.counts["cumulative_issued"],
            required_weekend_days=table.counts["required_weekend_days"],
        )

    def columns_for(self, months: list[str]) -> npt.NDArray[np.intp]:
        missing = [m for m in months if m not in self.months]
        if missing:
            span = f"{self.months[0]}〜{self.months[-1]}" if self.months else "なし"
            raise PlanInputError(
                f"計画に次の月がありません: {', '.join(missing)}（計画期間: {span}）"
            )
        return np.array([self.months.index(m) for m in months], dtype=np.intp)
