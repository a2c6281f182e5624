"""The columns of ``plan_monthly.csv``: the contract every reader of a plan relies on (the
checks, the follow-up, Excel, the service). Columns are only ever added after these."""

PLAN_COLUMNS = (
    "lg_code",
    "month",
    "issuance",
    "cumulative_issued",
    "coverage_pct",
    "open_weekdays",
    "weekend_days",
    "required_weekend_days",
    "open_days",
    "dedicated_counters",
    "dedicated_daily_per_counter",
    "combined_counters",
    "combined_daily_per_counter",
    "capacity",
    "offsite_counters",
    "staff",
    "terminals",
    "recruit_start_month",
)
