"""Monthly actual results, columnar: arrays shaped (municipalities, months).

One month's column is the municipality's month-end figure (see :mod:`kofuplan.domain.snapshots`
for which published snapshot stands for which month). The survey columns are optional: a
municipality may add them from its monthly follow-up survey; a column absent from the input is
absent from :attr:`Actuals.survey`, and a blank cell is NaN.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kofuplan.errors import InputError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# The follow-up survey's optional columns (issue 4), in the order a survey form lists them.
SURVEY_COLUMNS = (
    "applications",
    "cards_delivered",
    "cards_in_stock",  # delivered by J-LIS, not yet issued: the backlog (滞留)
    "median_days_to_issue",  # from application to issuance
    "weekend_days_opened",
    "counters_operated",
    "health_insurance_registrations_assisted",  # R3.4
)


class ActualsError(InputError):
    """The actuals do not cover what was asked; the message names what is missing."""


@dataclass(frozen=True)
class Actuals:
    lg_codes: tuple[str, ...]
    pref_codes: tuple[str, ...]
    names: tuple[str, ...]
    types: tuple[str, ...]  # 特別区 / 指定都市 / 市 / 町 / 村
    months: tuple[str, ...]  # YYYY-MM, consecutive
    snapshot_dates: tuple[str, ...]  # the published date that stands for each month
    cards: IntArray  # cumulative cards issued at the month end
    population: IntArray  # registered population used as the denominator that month
    population_reference_dates: tuple[str, ...]  # per month
    survey: Mapping[str, FloatArray] = field(default_factory=dict)

    def month_index(self, month: str) -> int:
        try:
            return self.months.index(month)
        except ValueError:
            have = f"{self.months[0]}〜{self.months[-1]}" if self.months else "なし"
            raise ActualsError(f"実績に {month} 末の数値がありません（ある月: {have}）") from None

    def require_months(self, months: Sequence[str]) -> None:
        missing = [m for m in months if m not in self.months]
        if missing:
            have = f"{self.months[0]}〜{self.months[-1]}" if self.months else "なし"
            raise ActualsError(
                f"実績に次の月末の数値がありません: {', '.join(missing)}（ある月: {have}）"
            )

    def rows_for(self, lg_codes: Sequence[str]) -> npt.NDArray[np.intp]:
        """Row indices of ``lg_codes``; ActualsError naming every code that is absent."""
        position = {code: i for i, code in enumerate(self.lg_codes)}
        missing = [code for code in lg_codes if code not in position]
        if missing:
            shown = ", ".join(missing[:20]) + (" ほか" if len(missing) > 20 else "")
            raise ActualsError(f"実績に次の団体がありません（{len(missing)}団体）: {shown}")
        return np.array([position[code] for code in lg_codes], dtype=np.intp)

    def coverage_pct(self) -> FloatArray:
        """Cards ÷ population × 100 (交付率)."""
        return np.asarray(self.cards / self.population * 100.0, dtype=np.float64)
