"""Reads what the backlog risk needs from ``plan_monthly.csv`` (through the one plan reader);
writes the risk per month.

Errors name the file, the line and the column; the output is written whole or not at all.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from kofuplan.adapters.input_bounds import count_ceiling
from kofuplan.adapters.output import write_file
from kofuplan.adapters.plan_reader import read_plan_rows
from kofuplan.domain.bounds import check_measure
from kofuplan.domain.risk import BacklogRisk, PlanDemand
from kofuplan.errors import InputError

NEEDED = (
    "lg_code",
    "month",
    "capacity",
    "applications_expected",
    "applications_national",
    "applications_own_mailing",
    "deliveries_expected",
)
RISK_COLUMNS = (
    "lg_code",
    "month",
    "capacity",
    "applications_expected",
    "probability_backlog",
    "waiting_p10",
    "waiting_p50",
    "waiting_p90",
    "waiting_mean",
)

FloatArray = npt.NDArray[np.float64]


def read_plan_demand(path: Path) -> PlanDemand:
    """The columns the risk needs, through the one plan reader (file, line and column named)."""
    rows = read_plan_rows(path, NEEDED)
    if not rows:
        raise InputError(f"{path}: no rows")
    codes: list[str] = []
    months: list[str] = []
    for row in rows:
        code = str(row.cells["lg_code"]).strip()
        if not codes or codes[-1] != code:
            codes.append(code)
        if len(codes) == 1:
            months.append(str(row.cells["month"]).strip())
    n, m = len(codes), len(months)
    if len(set(codes)) != n or len(rows) != n * m:
        raise InputError(f"{path}: expected every municipality's {m} months in consecutive rows")
    values = {name: np.empty(n * m) for name in NEEDED[2:]}
    ceiling = float(count_ceiling())
    for k, row in enumerate(rows):
        month = str(row.cells["month"]).strip()
        if month != months[k % m]:
            raise InputError(f"{path}:{row.line}: month: expected {months[k % m]}, got {month!r}")
        for name, column in values.items():
            raw = row.cells[name]
            try:
                value = float(str(raw).strip()) if raw is not None else float("nan")
            except ValueError:
                raise InputError(f"{path}:{row.line}: {name}: not a number: {raw!r}") from None
            if not np.isfinite(value) or value < 0:
                raise InputError(f"{path}:{row.line}: {name}: must be a number ≥ 0, got {raw!r}")
            column[k] = check_measure(value, f"{path}:{row.line}", name, ceiling)
    shaped = {name: column.reshape(n, m) for name, column in values.items()}
    return PlanDemand(
        lg_codes=tuple(codes),
        months=tuple(months),
        capacity=shaped["capacity"],
        applications=shaped["applications_expected"],
        campaign_applications=shaped["applications_national"] + shaped["applications_own_mailing"],
        deliveries=shaped["deliveries_expected"],
    )


def write_risk(path: Path, demand: PlanDemand, risk: BacklogRisk) -> None:
    n, m = demand.capacity.shape

    def flat(a: FloatArray, places: int) -> list[str]:
        return [f"{x:.{places}f}" for x in a.reshape(-1).tolist()]

    columns = [
        [c for c in demand.lg_codes for _ in range(m)],
        list(demand.months) * n,
        flat(demand.capacity, 0),
        flat(demand.applications, 0),
        flat(risk.probability_backlog, 4),
        flat(risk.waiting_p10, 0),
        flat(risk.waiting_p50, 0),
        flat(risk.waiting_p90, 0),
        flat(risk.waiting_mean, 1),
    ]
    body = "\n".join(",".join(row) for row in zip(*columns, strict=True))
    write_file(path, ",".join(RISK_COLUMNS) + "\n" + body + "\n")
