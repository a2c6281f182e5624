"""Jinja2 environment shared by the pages and the static HTML report."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from kofuplan.domain import checks, followup, plan_form, promotion
from kofuplan.domain.review import STATUS_LABELS
from kofuplan.domain.wareki import reiwa_month, reiwa_year
from kofuplan.services.access import ROLE_LABELS

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=str(HERE / "templates"))

COLUMN_LABELS = {
    "issuance": "交付枚数",
    "cumulative_issued": "累計交付枚数",
    "coverage_pct": "交付率(%)",
    "open_weekdays": "平日開庁日",
    "weekend_days": "土日開庁日",
    "required_weekend_days": "必要土日日数",
    "open_days": "開庁日数",
    "dedicated_counters": "専用窓口",
    "dedicated_daily_per_counter": "専用1窓口/日",
    "combined_counters": "兼用窓口",
    "combined_daily_per_counter": "兼用1窓口/日",
    "capacity": "交付能力",
    "offsite_counters": "臨時窓口(庁舎外)",
    "staff": "職員数",
    "terminals": "統合端末",
    "recruit_start_month": "採用開始月",
    "wait_weekday_minutes": "平日の待ち(分)",
    "wait_weekend_minutes": "土日の待ち(分)",
}

# The renewal plan's table (更新, issue 17): the same columns, named for renewals.
RENEWAL_COLUMN_LABELS = {
    **COLUMN_LABELS,
    "issuance": "更新の件数",
    "cumulative_issued": "更新の累計",
    "coverage_pct": "累計/人口(%)",
    "weekend_days": "土日受付日",
    "capacity": "受付能力",
    "dedicated_daily_per_counter": "専用1窓口/日(更新)",
    "combined_daily_per_counter": "兼用1窓口/日(更新)",
    "renewals_certificate": "電子証明書の更新",
    "renewals_card": "カードの更新",
    "expiring_certificates": "期限を迎える電子証明書",
    "expiring_cards": "期限を迎えるカード",
}
BUDGET_LABELS = {
    "staff": "職員の増員",
    "counters": "窓口の増設",
    "offsite_counters": "臨時窓口",
    "terminals": "統合端末の増設",
    "notices": "通知の郵送",
    "hiring": "職員の採用・任用終了",
    "total": "費用計",
    "estimated_grant": "補助金の見込み",
    "shortfall": "不足額",
}


def _num(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


def _man(value: Any) -> str:
    """A large count as written in Japanese: 3,750,000 -> 375万; 123,456,789 -> 1億2,346万."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return _num(value)
    if abs(n) < 10_000:
        return f"{n:,}"
    oku, rest = divmod(round(n / 10_000), 10_000)
    return (f"{oku:,}億" if oku else "") + (f"{rest:,}万" if rest or not oku else "")


def _month(value: Any) -> str:
    return _month_text(str(value))


@functools.lru_cache(maxsize=1024)
def _month_text(value: str) -> str:
    """令和 month labels, made once per month per process (a plan page shows 60 of them)."""
    try:
        return reiwa_month(value)
    except (ValueError, KeyError, IndexError):
        return value


JST = dt.timezone(dt.timedelta(hours=9), "JST")


def _when(value: Any) -> str:
    """A stored time (UTC) as an office reads it: 令和3年1月4日 09:30, Japan time."""
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite gives back naive times, stored as UTC
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone(JST)
    return f"{reiwa_year(local.year)}{local.month}月{local.day}日 {local:%H:%M}"


# The plan table's columns after the month, in order (municipality.html).
PLAN_COLUMNS = ("issuance", "capacity", "open_weekdays", "weekend_days",
                "required_weekend_days", "dedicated_counters", "dedicated_daily_per_counter",
                "combined_counters", "combined_daily_per_counter", "offsite_counters", "staff",
                "terminals", "cumulative_issued", "coverage_pct", "recruit_start_month",
                "wait_weekday_minutes", "wait_weekend_minutes")  # fmt: skip


# The renewal plan table's columns after the month (_renewal.html).
RENEWAL_PLAN_COLUMNS = ("issuance", "renewals_certificate", "renewals_card", "capacity",
                        "open_weekdays", "weekend_days", "required_weekend_days",
                        "dedicated_counters", "dedicated_daily_per_counter", "combined_counters",
                        "combined_daily_per_counter", "offsite_counters", "staff", "terminals",
                        "cumulative_issued", "recruit_start_month", "wait_weekday_minutes",
                        "wait_weekend_minutes")  # fmt: skip


def plan_cells(
    row: Any,
    can_edit: bool,
    editable: Any,
    columns: tuple[str, ...] = PLAN_COLUMNS,
    prefix: str = "",
    labels: Any = COLUMN_LABELS,
) -> Markup:
    """One plan row's cells after the month: an input for each editable figure (when the
    user may edit), the figure as text otherwise. The same markup the template's own loop
    made, written in Python: a 30-month page has 510 of them, the renewal plan's 72 months
    1,296 (issue 16, the pages' p95). ``prefix`` and ``labels``: the renewal plan's field
    names (``renewal.``) and labels."""
    month = escape(row["month"])
    label = escape(_month(row["month"]))
    cells = []
    for c in columns:
        value = row[c]
        if can_edit and c in editable:
            wide = " wide" if c == "issuance" else ""
            cells.append(
                f'<td><input type="number" min="0" step="1" name="{prefix}{month}.{c}" '
                f'value="{escape(value)}" aria-label="{label} {escape(labels.get(c, c))}" '
                f'class="n{wide}"></td>'
            )
        else:
            cells.append(f'<td class="num" data-col="{c}">{escape(_num(value))}</td>')
    return Markup("\n      ".join(cells))


env = templates.env
env.globals["plan_cells"] = plan_cells
env.globals["PLAN_COLUMNS"] = PLAN_COLUMNS
env.globals["RENEWAL_PLAN_COLUMNS"] = RENEWAL_PLAN_COLUMNS
env.filters["num"] = _num
env.filters["man"] = _man
env.filters["reiwa"] = _month
env.filters["when"] = _when
env.filters["fy"] = lambda year: f"{reiwa_year(int(year))}度"  # 令和7年度
env.globals["STATUS_LABELS"] = STATUS_LABELS
env.globals["ROLE_LABELS"] = ROLE_LABELS
env.globals["COLUMN_LABELS"] = COLUMN_LABELS
env.globals["RENEWAL_COLUMN_LABELS"] = RENEWAL_COLUMN_LABELS
env.globals["BUDGET_LABELS"] = BUDGET_LABELS
# A finding's code stays out of the text a clerk reads: the list shows each code's title.
env.globals["FINDING_TITLES"] = {
    c.code: c.title for module in (checks, promotion, followup, plan_form) for c in module.CODES
}
