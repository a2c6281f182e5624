"""The cheapest plan written as a mixed-integer programme for HiGHS (scipy.optimize.milp).

The same programme as :mod:`kofuplan.domain.optimal` (read its docstring for the model), in
the textbook form: per month, one binary per weekend option with the dedicated counters split
by option (so that capacity stays linear in counters × open days), whole back-office staff,
off-site counters and added staff, counters and terminals, and cumulative issuance between
what arrived the month before and what has arrived. It serves as the independent reference
the dynamic programme is tested against, and as the peer in ``bench/bench_optimal.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from kofuplan.domain.optimal import Setting, _set_ups, most_per_month

__all__ = ["MilpResult", "solve_milp", "solve_milp_setups"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class MilpResult:
    issuance: IntArray
    objective_yen: float  # penalties for late cards included
    mip_gap: float
    dual_bound_yen: float
    status: int  # scipy's: 0 optimal (within the gap), 1 iteration or time limit


class _Model:
    def __init__(self) -> None:
        self.n = 0
        self.low: list[float] = []
        self.high: list[float] = []
        self.integer: list[int] = []
        self.cost: list[float] = []
        self.rows: list[tuple[dict[int, float], float, float]] = []

    def var(self, low: float, high: float, integer: bool, cost: float) -> int:
        self.low.append(low)
        self.high.append(high)
        self.integer.append(1 if integer else 0)
        self.cost.append(cost)
        self.n += 1
        return self.n - 1

    def row(self, terms: dict[int, float], low: float, high: float) -> None:
        self.rows.append((terms, low, high))


def _hold_and_hire(model: _Model, s: Setting, added: list[int]) -> None:
    """Added staff are held to the end of their appointment period, and every rise is paid
    at ``hire_yen`` a staff, every fall at ``release_yen`` (issue 11)."""
    starts = np.zeros(s.supply.size, dtype=np.bool_) if s.period_start is None else s.period_start
    for t, a_t in enumerate(added):
        hired = model.var(0.0, np.inf, False, s.hire_yen)
        released = model.var(0.0, np.inf, False, s.release_yen)
        if t == 0:
            model.row({hired: 1.0, a_t: -1.0}, 0.0, np.inf)
            continue
        before = added[t - 1]
        model.row({hired: 1.0, a_t: -1.0, before: 1.0}, 0.0, np.inf)
        model.row({released: 1.0, a_t: 1.0, before: -1.0}, 0.0, np.inf)
        if not starts[t]:
            model.row({a_t: 1.0, before: -1.0}, 0.0, np.inf)


def solve_milp(s: Setting, mip_rel_gap: float = 0.0, time_limit: float = 60.0) -> MilpResult:
    m = s.supply.size
    inf = np.inf
    most = most_per_month(s)
    cum = np.cumsum(s.supply)
    target = float(cum[-1])
    model = _Model()
    c = float(s.combined)
    x = []
    base = s.staff_now if s.staff_base < 0 else s.staff_base
    trained = max(float(base), float(np.ceil(s.staff_per_combined * c - 1e-6)))
    lead_room = max(0.0, trained - s.staff_now)
    added: list[int] = []
    for t in range(m):
        w = float(s.weekdays[t])
        evening = float(s.evenings[t])
        days_low = w + float(s.weekend_low[t]) + evening
        comb = float(s.combined_daily[t]) * c
        big = float(np.ceil(max(most[t] - comb * days_low, 0.0) / (s.dedicated_daily * days_low)))
        big += 1.0
        x_t = model.var(0.0, float(most[t]), True, 0.0)
        b_t = model.var(0.0, inf, True, 0.0)
        o_t = model.var(0.0, inf, True, s.offsite_yen)
        staff_high = lead_room if t < s.lead_months else inf
        as_t = model.var(0.0, staff_high, True, s.staff_yen)
        added.append(as_t)
        ac_t = model.var(0.0, inf, True, s.counter_yen)
        at_t = model.var(0.0, inf, True, s.terminal_yen)
        x.append(x_t)
        pick: dict[int, float] = {}
        capacity: dict[int, float] = {x_t: 1.0}
        total_d: dict[int, float] = {}
        for e in range(int(s.weekend_low[t]), int(s.weekend_high[t]) + 1):
            z = model.var(0.0, 1.0, True, s.weekend_staff_day_yen * e * s.staff_per_combined * c)
            d = model.var(0.0, big, True, s.weekend_staff_day_yen * e * s.staff_per_dedicated)
            pick[z] = 1.0
            model.row({d: 1.0, z: -big}, -inf, 0.0)
            capacity[d] = -s.dedicated_daily * (w + e + evening)
            capacity[z] = -comb * (w + e + evening)
            total_d[d] = 1.0
        model.row(pick, 1.0, 1.0)
        model.row(capacity, -inf, 1e-6)
        model.row({x_t: 1.0, b_t: -s.presetup_per_staff_day * w}, -inf, 0.0)
        model.row({o_t: 1.0, **{d: -1.0 for d in total_d}}, -inf, 0.0)
        model.row({o_t: 1.0, **{d: -1.0 for d in total_d}}, c - s.office_max, inf)
        staff = {as_t: 1.0, b_t: -1.0, **{d: -s.staff_per_dedicated for d in total_d}}
        model.row(staff, s.staff_per_combined * c - s.staff_now, inf)
        model.row({ac_t: 1.0, o_t: 1.0, **{d: -1.0 for d in total_d}}, c - s.counters_now, inf)
        terminals = {
            at_t: 1.0,
            b_t: -s.presetup_terminals_per_staff,
            **{d: -s.terminals_per_counter for d in total_d},
        }
        model.row(terminals, s.terminals_per_counter * c - s.terminals_now, inf)
    _hold_and_hire(model, s, added)
    for t in range(m):
        late_high = inf if t < s.lead_months else 0.0
        late = model.var(0.0, late_high, False, s.late_yen)
        before = float(cum[t - 1]) if t > 0 else 0.0
        model.row({**{x[k]: 1.0 for k in range(t + 1)}, late: 1.0}, before, inf)
        model.row({x[k]: 1.0 for k in range(t + 1)}, -inf, float(cum[t]))
    model.row({v: 1.0 for v in x}, target, target)

    rows, cols, vals = [], [], []
    for r, (terms, _, _) in enumerate(model.rows):
        for col, val in terms.items():
            rows.append(r)
            cols.append(col)
            vals.append(val)
    matrix = coo_array((vals, (rows, cols)), shape=(len(model.rows), model.n)).tocsr()
    constraint = LinearConstraint(matrix, [r[1] for r in model.rows], [r[2] for r in model.rows])
    result = milp(
        np.asarray(model.cost),
        integrality=np.asarray(model.integer),
        bounds=Bounds(np.asarray(model.low), np.asarray(model.high)),
        constraints=constraint,
        options={"mip_rel_gap": mip_rel_gap, "time_limit": time_limit},
    )
    if result.x is None:
        raise ValueError(f"optimal (HiGHS): no plan found ({result.message})")
    values = np.asarray(result.x)
    return MilpResult(
        issuance=np.rint(values[x]).astype(np.int64),
        objective_yen=float(result.fun),
        mip_gap=float(getattr(result, "mip_gap", 0.0) or 0.0),
        dual_bound_yen=float(getattr(result, "mip_dual_bound", result.fun)),
        status=int(result.status),
    )


def solve_milp_setups(s: Setting, time_limit: float = 60.0) -> MilpResult:
    """The same programme on a tight formulation, at gap 0: one binary per month and set-up
    worth choosing (:func:`kofuplan.domain.optimal._set_ups`: those no other beats on all of
    capacity, cost and added staff; exact, whatever ``staff_levels``), so the relaxation
    already knows each month's capacities and costs; issuance, the cards left late and the
    added staff held, taken on and let go are the only other variables. The benchmark's peer
    (``bench/bench_optimal.py``) and the reference of the slow test on real municipalities."""
    m = s.supply.size
    most = most_per_month(s)
    menu = _set_ups(s, most)
    cum = np.cumsum(s.supply)
    sizes = [u.capacity.size for u in menu]
    n_y = sum(sizes)
    # Columns: y (one per month and set-up), then x (issuance, M), late (M), the added staff
    # held (M), and those taken on (M) and let go (M) each month.
    x0, late0, a0, h0, r0 = n_y, n_y + m, n_y + 2 * m, n_y + 3 * m, n_y + 4 * m
    n = n_y + 5 * m
    cost = np.concatenate(
        [
            *(u.cost for u in menu),
            np.zeros(m),
            np.full(m, s.late_yen),
            np.full(m, s.staff_yen),
            np.full(m, s.hire_yen),
            np.full(m, s.release_yen),
        ]
    )
    low = np.zeros(n)
    high = np.concatenate(
        [
            np.ones(n_y),
            most,
            np.where(np.arange(m) < s.lead_months, np.inf, 0.0),
            np.full(3 * m, np.inf),
        ]
    )
    # Issuance need not be declared whole: once the set-ups are chosen, the constraints on it
    # are intervals of months with whole bounds (a network matrix), so its optimum is whole;
    # the added staff are then the largest of whole numbers.
    integer = np.concatenate([np.ones(n_y), np.zeros(5 * m)])
    starts = np.zeros(m, dtype=np.bool_) if s.period_start is None else s.period_start
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lows: list[float] = []
    highs: list[float] = []

    def row(terms: list[tuple[int, float]], lo: float, hi: float) -> None:
        r = len(lows)
        for col, val in terms:
            rows.append(r)
            cols.append(col)
            vals.append(val)
        lows.append(lo)
        highs.append(hi)

    start = 0
    for t, u in enumerate(menu):
        ys = range(start, start + u.capacity.size)
        row([(y, 1.0) for y in ys], 1.0, 1.0)  # one set-up a month
        row(
            [(x0 + t, 1.0), *((y, -float(c)) for y, c in zip(ys, u.capacity, strict=True))],
            -np.inf,
            0.0,
        )  # issuance within its capacity
        issued_so_far = [(x0 + k, 1.0) for k in range(t + 1)]
        row(issued_so_far, -np.inf, float(cum[t]))  # never before the cards arrive
        before = float(cum[t - 1]) if t > 0 else 0.0
        row([*issued_so_far, (late0 + t, 1.0)], before, np.inf)  # a month's wait at most
        # The staff held cover the set-up's; held within a period; rises and falls paid.
        row(
            [(a0 + t, 1.0), *((y, -float(a)) for y, a in zip(ys, u.added, strict=True))],
            0.0,
            np.inf,
        )
        previous = [(a0 + t - 1, 1.0)] if t > 0 else []
        row([(h0 + t, 1.0), (a0 + t, -1.0), *previous], 0.0, np.inf)
        if t > 0:
            row([(r0 + t, 1.0), (a0 + t, 1.0), (a0 + t - 1, -1.0)], 0.0, np.inf)
            if not starts[t]:
                row([(a0 + t, 1.0), (a0 + t - 1, -1.0)], 0.0, np.inf)
        start += u.capacity.size
    row([(x0 + t, 1.0) for t in range(m)], float(cum[-1]), float(cum[-1]))
    matrix = coo_array((vals, (rows, cols)), shape=(len(lows), n)).tocsr()
    result = milp(
        cost,
        integrality=integer,
        bounds=Bounds(low, high),
        constraints=LinearConstraint(matrix, lows, highs),
        options={"mip_rel_gap": 0.0, "time_limit": time_limit},
    )
    if result.x is None:
        raise ValueError(f"optimal (HiGHS): no plan found ({result.message})")
    values = np.asarray(result.x)
    return MilpResult(
        issuance=np.rint(values[x0 : x0 + m]).astype(np.int64),
        objective_yen=float(result.fun),
        mip_gap=float(getattr(result, "mip_gap", 0.0) or 0.0),
        dual_bound_yen=float(getattr(result, "mip_dual_bound", result.fun)),
        status=int(result.status),
    )
