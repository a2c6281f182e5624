"""Use case: the renewal wave of every municipality, from the published statistics.

The municipality statistics as month-end actuals, and the prefecture, national and age series,
come through :class:`kofuplan.services.ports.RenewalSource` (the files: the adapter
``RenewalSources``). See docs/renewals.md for the method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kofuplan.domain.actuals import Actuals
from kofuplan.domain.renewal import RenewalDemand, RenewalRules, renewal_demand
from kofuplan.domain.renewal_history import (
    age_group_shares,
    issuance_history,
    month_end_ordinals,
)
from kofuplan.domain.snapshots import add_months, first_day, month_of, month_range, parse_month
from kofuplan.errors import InputError
from kofuplan.parameters import RuleBook, Snapshot, load_rules
from kofuplan.services.ports import RenewalSource

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class RenewalRun:
    actuals: Actuals  # the municipalities, and their known months
    rules: RenewalRules
    params: Snapshot
    new_cards: FloatArray  # (N, H) the estimated history of new cards
    demand: RenewalDemand  # over the whole month axis
    first_known: str
    last_known: str

    def window(self, first: str, last: str) -> RenewalDemand:
        return self.demand.window(first, last)


def _check_month(month: str, name: str) -> None:
    try:
        parse_month(month)
    except ValueError:
        raise InputError(f"{name}: 「{month[:40]}」は年月（YYYY-MM）ではありません") from None


def run_renewals(
    sources: RenewalSource, first: str, last: str, book: RuleBook | None = None
) -> RenewalRun:
    """The renewal wave over every month up to ``last`` (``first`` … ``last`` is the window
    asked for; the rules are read as they hold at its start)."""
    _check_month(first, "--from")
    _check_month(last, "--to")
    if last < first:
        raise InputError(f"--to {last} が --from {first} より前です")
    book = book or load_rules()
    params = book.at(first_day(first))
    rules = RenewalRules.from_rules(params)
    start_day = rules.card_issuance_start
    start = month_of(start_day)
    if first < start:
        raise InputError(f"--from {first} は最初のカードの交付（{start}）より前です")
    months = month_range(start, add_months(last, rules.months_before_expiry))
    ends = month_end_ordinals(months)

    actuals = sources.actuals(book)
    if actuals.months[0] < start:
        raise InputError(
            f"{sources.where('stats')}: 最初のカードの交付（{start}）より前の数値があります"
        )
    known = [m for m in actuals.months if m <= months[-1]]
    first_known = months.index(actuals.months[0])
    cumulative = actuals.cards[:, : len(known)].astype(np.float64)

    prefs = sources.prefectures()
    position = {c: i for i, c in enumerate(prefs.keys)}
    absent = sorted({p for p in actuals.pref_codes if p not in position})
    if absent:
        raise InputError(
            f"{sources.where('prefectures')}: 次の都道府県の行がありません: {'、'.join(absent)}"
        )
    pref_index = np.array([position[p] for p in actuals.pref_codes], dtype=np.int64)
    national = sources.national()
    ages = sources.ages()

    # The renewal rules of each month (a dated revision applies from its month).
    monthly = [RenewalRules.from_rules(book.at(first_day(m))) for m in months]

    last_index = first_known + len(known) - 1
    population = actuals.population[:, len(known) - 1].astype(np.float64)
    new_cards = issuance_history(
        ends,
        first_known,
        cumulative,
        pref_index,
        prefs.days,
        prefs.values,
        start_day.toordinal(),
        national.days,
        national.values[0],
        np.asarray([r.new_cards_per_month_after_statistics for r in monthly], dtype=np.float64),
        population - cumulative[:, -1],
    )
    demand = renewal_demand(
        months,
        new_cards,
        age_group_shares(ends, ages.days, ages.values),
        np.asarray([r.majority_age for r in monthly], dtype=np.int64),
        rules,
    )
    return RenewalRun(
        actuals=actuals,
        rules=rules,
        params=params,
        new_cards=new_cards,
        demand=demand,
        first_known=months[first_known],
        last_known=months[last_index],
    )
