"""The plan benchmark's peer: the level schedule and its capacity in pandas, written plainly as
an analyst would script it from two tables (municipalities, months), with groupby over the
municipalities. It follows docs/plan.md; it shares no code with kofuplan's engine, and the
benchmark checks that both give the same figures, cell for cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kofuplan.domain.calendar import MonthCalendar
from kofuplan.domain.profiles import Profiles

EPS = 1e-6  # docs/plan.md: capacity rounded down to whole cards, with this tolerance
NO_RECRUIT = -(10**6)


def tables(
    profiles: Profiles, calendar: MonthCalendar, params: Mapping[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The analyst's two inputs: one row per municipality, one row per month."""
    munis = pd.DataFrame(
        {
            "lg_code": profiles.lg_code,
            "target": profiles.target,
            "dedicated_daily_per_counter": profiles.dedicated_daily_per_counter,
            "combined_counters": profiles.combined_counters,
            "combined_daily_per_counter": profiles.combined_daily_per_counter,
            "office_max_counters": profiles.office_max_counters,
            "weekend_policy": profiles.weekend_policy,
            "staff_now": profiles.staff,
            # Staff usable before new ones are trained: today's and a share moved from other
            # sections (docs/plan.md, "Plans that can be staffed").
            "staff_base": profiles.staff
            + np.floor(profiles.staff * float(params["staffing.transfer_share"]) + EPS).astype(
                "int64"
            ),
        }
    )
    share = params["capacity.combined_card_share_by_month"]
    months = pd.DataFrame(
        {
            "month": list(calendar.months),
            "month_index": np.arange(len(calendar.months)),
            "open_weekdays": calendar.open_weekdays,
            "every_weekend_day": calendar.saturdays + calendar.sundays,
            "required_weekend_days": calendar.required_weekend_days,
            "combined_share": [float(share[int(m)]) for m in calendar.calendar_months],
            # Appointment periods of fiscal-year staff: a new one starts after the term's end.
            "period": np.cumsum(
                [
                    int(m) == int(params["staffing.term_end_month"]) % 12 + 1
                    for m in calendar.calendar_months
                ]
            ),
        }
    )
    return munis, months


def level_plan(munis: pd.DataFrame, months: pd.DataFrame, p: Mapping[str, Any]) -> pd.DataFrame:
    """One row per municipality and month: issuance, counters, capacity, staff, terminals."""
    df = munis.merge(months, how="cross")
    by_muni = df["lg_code"]

    # Open days: weekdays, and the weekend days the municipality's policy opens.
    df["weekend_days"] = np.where(
        df["weekend_policy"] == "all", df["every_weekend_day"], df["required_weekend_days"]
    )
    df["open_days"] = df["open_weekdays"] + df["weekend_days"]

    n, m = len(munis), len(months)
    lead = min(int(p["staffing.recruit_lead_months"]), m)
    df["combined_daily"] = (df["combined_daily_per_counter"] * df["combined_share"]).round(2)

    def grid(column: str) -> np.ndarray:
        return df[column].to_numpy().reshape(n, m)

    # Before new staff are trained: the most today's staff (and those moved) issue with every
    # Saturday and Sunday open, the best number of dedicated counters next to where the
    # counters' and the back office's limits cross.
    sd = float(p["capacity.staff_per_dedicated_counter"])
    sc = float(p["capacity.staff_per_combined_counter"])
    per_back = float(p["capacity.presetup_cards_per_staff_day"]) * df["open_weekdays"]
    all_days = df["open_weekdays"] + df["every_weekend_day"]
    free = df["staff_base"] - df["combined_counters"] * sc
    comb_cards = df["combined_counters"] * df["combined_daily"]
    cross = (free * per_back - comb_cards * all_days) / (
        df["dedicated_daily_per_counter"] * all_days + sd * per_back
    )

    def issued_with(d: pd.Series) -> pd.Series:
        d = d.clip(lower=0).clip(upper=np.floor(free.clip(lower=0) / sd + EPS))
        counters = np.floor((d * df["dedicated_daily_per_counter"] + comb_cards) * all_days + EPS)
        back = np.floor((free - d * sd).clip(lower=0) + EPS) * per_back
        return np.minimum(counters, back)

    no_hire = np.maximum(issued_with(np.floor(cross)), issued_with(np.ceil(cross)))
    no_hire = no_hire.where(free >= 0, 0.0)
    unlimited = np.iinfo(np.int64).max // 4
    most = np.where(df["month_index"] < lead, no_hire, unlimited).astype("int64").reshape(n, m)

    def level(target: np.ndarray, w: np.ndarray, most: np.ndarray) -> np.ndarray:
        """Level by open days under monthly limits: months whose share would pass their
        limit issue the limit, the rest is spread again; whole cards by largest remainder."""
        capped = np.zeros(w.shape, dtype=bool)
        for _ in range(w.shape[1]):
            free_w = np.where(capped, 0.0, w)
            rest = target - np.where(capped, most, 0).sum(axis=1)
            share = rest[:, None] * free_w / np.maximum(free_w.sum(axis=1, keepdims=True), 1e-9)
            over = ~capped & (share > most)
            if not over.any():
                break
            capped |= over
        fixed = np.where(capped, most, 0)
        rest = target - fixed.sum(axis=1)
        weights = np.where(capped, 0.0, w)
        exact = weights / np.maximum(weights.sum(axis=1, keepdims=True), 1e-12) * rest[:, None]
        base = np.floor(exact)
        left = rest - base.sum(axis=1)
        order = np.argsort(-(exact - base), axis=1, kind="stable")
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.arange(w.shape[1])[None, :], axis=1)
        return (fixed + base + (rank < left[:, None])).astype("int64")

    def fewest_dedicated(issuance: np.ndarray, days: np.ndarray) -> np.ndarray:
        ded_daily, comb = grid("dedicated_daily_per_counter"), grid("combined_daily")
        combined = grid("combined_counters")

        def cap(d: np.ndarray) -> np.ndarray:
            return np.floor((d * ded_daily + combined * comb) * days + EPS)

        short = np.clip(issuance / np.maximum(days, 1) - combined * comb, 0, None)
        d = np.ceil(short / ded_daily - EPS)
        for _ in range(2):
            d = d + (cap(d) < issuance)
        for _ in range(2):
            fewer = np.clip(d - 1, 0, None)
            d = np.where((d > 0) & (cap(fewer) >= issuance), fewer, d)
        return d.astype("int64")

    target = munis["target"].to_numpy()
    open_days = grid("open_days")
    issuance = level(target, open_days.astype(float), most)
    # No counter for the moving season alone: where the combined counters carry every other
    # month, the season's months issue what they issue opening every weekend day.
    season = months["combined_share"].to_numpy() < 1.0
    dedicated = fewest_dedicated(issuance, open_days)
    seasonal = (dedicated[:, ~season] == 0).all(axis=1) & (dedicated[:, season] > 0).any(axis=1)
    alone = np.floor(
        grid("combined_counters") * grid("combined_daily") * all_days.to_numpy().reshape(n, m) + EPS
    ).astype("int64")
    limit = np.where(seasonal[:, None] & season[None, :], alone, unlimited)
    again = level(target, open_days.astype(float), np.minimum(most, limit))
    d_again = fewest_dedicated(again, open_days)
    still = (d_again[:, ~season] == 0).all(axis=1) & (d_again[:, season] > 0).any(axis=1)
    kept = seasonal & still
    df["issuance"] = np.where(kept[:, None], again, issuance).reshape(-1)

    # Weekend days: before new staff are trained, the fewest extra ones with which today's
    # staff issue the month; in the season of those kept above, the fewest with which the
    # combined counters alone do.
    q = df["issuance"].to_numpy().reshape(n, m)
    weekend = grid("weekend_days").copy()
    every = grid("every_weekend_day")
    weekdays = grid("open_weekdays")
    base_staff = grid("staff_base")
    presetup = float(p["capacity.presetup_cards_per_staff_day"])
    in_lead = np.arange(m)[None, :] < lead
    combined_cards = grid("combined_counters") * grid("combined_daily")
    back_staff = np.ceil(q / (presetup * np.maximum(weekdays, 1)))
    chosen = weekend.copy()
    settled = np.broadcast_to(~in_lead, (n, m)).copy()
    for extra in range(int(every.max()) + 1):
        days = np.minimum(weekend + extra, every)
        d = fewest_dedicated(q, weekdays + days)
        staff = np.ceil(d * sd + grid("combined_counters") * sc + back_staff - EPS)
        fits = ~settled & (staff <= base_staff)
        chosen[fits] = days[fits]
        settled |= fits
    start = chosen.copy()
    settled = ~(kept[:, None] & season[None, :])
    for extra in range(int(every.max()) + 1):
        days = np.minimum(start + extra, every)
        fits = ~settled & (np.floor(combined_cards * (weekdays + days) + EPS) >= q)
        chosen[fits] = days[fits]
        settled |= fits
    df["weekend_days"] = chosen.reshape(-1)
    df["open_days"] = df["open_weekdays"] + df["weekend_days"]

    # Counters: combined ones as today, their card figure scaled in the moving season;
    # the fewest dedicated ones on top so that capacity covers issuance.
    days = df["open_days"].astype(float)
    ded_daily = df["dedicated_daily_per_counter"]
    combined = df["combined_counters"]

    def capacity(dedicated: pd.Series) -> pd.Series:
        daily = dedicated * ded_daily + combined * df["combined_daily"]
        return np.floor(daily * days + EPS).astype("int64")

    short = (df["issuance"] / days.clip(lower=1) - combined * df["combined_daily"]).clip(lower=0)
    dedicated = np.ceil(short / ded_daily - EPS).astype("int64")
    for _ in range(2):  # settle rounding against the capacity formula
        dedicated = dedicated + (capacity(dedicated) < df["issuance"])
    for _ in range(2):
        fewer = (dedicated - 1).clip(lower=0)
        drop = (dedicated > 0) & (capacity(fewer) >= df["issuance"])
        dedicated = dedicated.where(~drop, fewer)
    df["dedicated_counters"] = dedicated
    df["capacity"] = capacity(dedicated)
    over = dedicated + combined - df["office_max_counters"]
    df["offsite_counters"] = np.minimum(over.clip(lower=0), dedicated)

    # Staff and terminals: counters' staff plus the back office's pre-issuance setup.
    back = np.ceil(
        df["issuance"]
        / (float(p["capacity.presetup_cards_per_staff_day"]) * df["open_weekdays"].clip(lower=1))
    )
    needed = np.ceil(
        dedicated * float(p["capacity.staff_per_dedicated_counter"])
        + combined * float(p["capacity.staff_per_combined_counter"])
        + back
        - EPS
    ).astype("int64")
    # Staff taken on stay to the end of their appointment period.
    df["staff"] = needed.groupby([by_muni, df["period"]], sort=False).cummax()
    df["terminals"] = np.ceil(
        (dedicated + combined) * float(p["capacity.terminals_per_counter"])
        + back * float(p["capacity.presetup_terminals_per_staff"])
        - EPS
    ).astype("int64")

    # Recruiting starts the lead time before a month whose staff exceed every earlier one's.
    previous = df.groupby("lg_code", sort=False)["staff"].shift(1).fillna(df["staff_base"])
    highest_before = previous.groupby(by_muni, sort=False).cummax()
    rise = df["staff"] > highest_before
    lead = int(p["staffing.recruit_lead_months"])
    df["recruit_start_index"] = np.where(rise, df["month_index"] - lead, NO_RECRUIT)
    return df


COMPARED = (
    "issuance",
    "open_days",
    "dedicated_counters",
    "capacity",
    "offsite_counters",
    "staff",
    "terminals",
    "recruit_start_index",
)


def differences(df: pd.DataFrame, ours: Mapping[str, np.ndarray]) -> dict[str, int]:
    """Cells where the pandas figure and kofuplan's differ, per compared column."""
    return {
        name: int((df[name].to_numpy().reshape(ours[name].shape) != ours[name]).sum())
        for name in COMPARED
    }
