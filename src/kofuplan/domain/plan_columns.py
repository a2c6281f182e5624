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

# After the contract (issue 11): the forecast, what is expected to happen with no promotion
# beyond what is planned, and the gap, what the plan needs beyond it
# (kofuplan.domain.gap). Every method writes all four.
FORECAST_COLUMNS = ("applications_expected", "deliveries_expected")
GAP_COLUMNS = ("applications_needed", "deliveries_needed")
