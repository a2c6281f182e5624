"""The plan benchmark's peer: the level schedule and its capacity in pandas, written plainly as
an analyst would script it from two tables (municipalities, months), with groupby over the
municipalities. It follows docs/plan.md; it shares no code with kofuplan's engine, and the
benchmark checks that both give the same figures, cell for cell.

The level schedule here is the plain one (``schedule("level", …)``: the same count every open
day); the engine's ``--method level`` also keeps within what can be staffed before recruiting
(kofuplan.domain.lead_time), which the peer does not attempt.
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

    # Level: the same count every open day, whole cards summing to the target; the cards
    # left after rounding down go to the largest remainders, earlier months first on a tie.
    weight = df["open_days"].astype(float)
    no_days = weight.groupby(by_muni, sort=False).transform("sum") <= 0
    weight = weight.where(~no_days, 1.0)
    exact = weight / weight.groupby(by_muni, sort=False).transform("sum") * df["target"]
    base = np.floor(exact)
    left = df["target"] - base.groupby(by_muni, sort=False).transform("sum")
    rank = (exact - base).groupby(by_muni, sort=False).rank(method="first", ascending=False)
    df["issuance"] = (base + (rank <= left)).astype("int64")

    # Counters: combined ones as today, their card figure scaled in the moving season;
    # the fewest dedicated ones on top so that capacity covers issuance.
    df["combined_daily"] = (df["combined_daily_per_counter"] * df["combined_share"]).round(2)
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
    df["staff"] = np.ceil(
        dedicated * float(p["capacity.staff_per_dedicated_counter"])
        + combined * float(p["capacity.staff_per_combined_counter"])
        + back
        - EPS
    ).astype("int64")
    df["terminals"] = np.ceil(
        (dedicated + combined) * float(p["capacity.terminals_per_counter"])
        + back * float(p["capacity.presetup_terminals_per_staff"])
        - EPS
    ).astype("int64")

    # Staff taken on stay to the end of their appointment (the fiscal year): within it a
    # month never has fewer than an earlier month.
    first_month = int(p["staffing.term_end_month"]) % 12 + 1
    df["term"] = (df["month"].str[5:7].astype(int) == first_month).groupby(by_muni).cumsum()
    df["staff"] = df.groupby(["lg_code", "term"], sort=False)["staff"].cummax()

    # Recruiting starts the lead time before a month whose staff exceed every earlier one's
    # and those available without hiring (today's plus those moved from other sections).
    moved = np.floor(df["staff_now"] * float(p["staffing.transfer_share"]) + EPS)
    without_hiring = df["staff_now"] + moved.astype("int64")
    previous = df.groupby("lg_code", sort=False)["staff"].shift(1).fillna(without_hiring)
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
