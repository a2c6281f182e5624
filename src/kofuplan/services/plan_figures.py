"""Each latest plan revision's monthly issuance and capacity, as the aggregates need them.

A revision never changes, so its figures are read from its table once per process and kept
(keyed by the revision's id and time, which tell apart databases); the national aggregate then
decodes only the revisions saved since, not the whole country's plans on every recompute.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from kofuplan.domain.plan_table import PlanTable
from kofuplan.services.kept import Kept
from kofuplan.services.ports import UnitOfWork


@dataclass(frozen=True)
class PlanFigures:
    revision_id: int
    issuance: dict[str, int]  # month -> planned cards
    capacity: dict[str, int]


_kept: Kept[tuple[int, str], PlanFigures] = Kept(20_000)  # two small dicts a revision


def _by_month(table: PlanTable, column: str) -> dict[str, int]:
    """The column by month, 0 where the plan does not give it."""
    values = np.where(table.given[column], table.counts[column], 0)[0].tolist()
    return dict(zip(table.months, values, strict=True))


def latest_figures(
    uow: UnitOfWork, lg_codes: Iterable[str] | None = None
) -> dict[str, PlanFigures]:
    """lg_code -> the figures of its latest revision."""
    heads = uow.plans.latest_revision_heads(lg_codes)  # lg_code -> (id, created_at)
    out: dict[str, PlanFigures] = {}
    missing: dict[int, tuple[str, str]] = {}
    for lg, (rid, at) in heads.items():
        found = _kept.get((rid, str(at)))
        if found is None:
            missing[rid] = (lg, str(at))
        else:
            out[lg] = found
    # Only the two figures summed: a national recompute reads every latest revision.
    read = uow.plans.revision_tables(list(missing), columns=("issuance", "capacity"))
    for rid, table in read.items():
        lg, stamp = missing[rid]
        figures = PlanFigures(rid, _by_month(table, "issuance"), _by_month(table, "capacity"))
        out[lg] = figures
        _kept.put((rid, stamp), figures)
    return out
