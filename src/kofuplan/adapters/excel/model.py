"""What one municipality's plan workbook holds, as plain data: written by the template,
filled by the clerk, given back by the reader."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kofuplan.adapters.excel.layout import MONTHLY_COUNTS
from kofuplan.domain.promotion import MunicipalPromotion


@dataclass(frozen=True)
class Profile:
    lg_code: str
    name: str
    population: int
    cumulative_issued: int  # at the baseline, end of September 2020
    dedicated_daily_per_counter: float
    combined_daily_per_counter: float  # before the seasonal share
    office_max_counters: int
    estimated_grant_yen: int  # for the whole plan period
    dedicated_counters_now: int  # at the baseline, before the plan
    combined_counters_now: int
    staff_now: int
    terminals_now: int
    # Cards issued per calendar day lately (statistics): today's pace of applications, which
    # the R3.3 check adds to the campaigns, mailing and events. 0 in workbooks made before it.
    recent_daily_issuance: float = 0.0
    # The prefecture's name, for the form's header block (statistics); not read back.
    pref_name: str = ""


@dataclass(frozen=True)
class Contacts:
    """Who made the plan, from the header block of the monthly sheet: 担当課, 担当者, 電話,
    メール (typed by the clerk; blank when not given) and 作成日 (YYYY-MM-DD; blank in a
    workbook without a header block)."""

    department: str = ""
    person: str = ""
    phone: str = ""
    email: str = ""
    made_on: str = ""


# The contacts as columns of municipalities.csv (`excel read`), which `excel prefecture` lists.
CONTACT_COLUMNS = ("department", "person", "phone", "email", "made_on")


def contact_row(contacts: Contacts) -> dict[str, str]:
    return {f"contact_{k}" if k != "made_on" else k: getattr(contacts, k) for k in CONTACT_COLUMNS}


@dataclass(frozen=True)
class BudgetLine:
    fiscal_year: int  # April of this year to March of the next
    item: str
    yen: int


@dataclass(frozen=True)
class PlanWorkbook:
    """The inputs of one workbook: profile, the monthly table's counts, the budget lines and
    the promotion section (empty when the workbook has none)."""

    profile: Profile
    months: tuple[str, ...]  # YYYY-MM
    counts: Mapping[str, tuple[int, ...]]  # field name (issuance, staff, …) -> one per month
    budget: tuple[BudgetLine, ...] = ()
    promotion: MunicipalPromotion = field(default_factory=MunicipalPromotion)
    contacts: Contacts = field(default_factory=Contacts)
    kind: str = "issuance"  # or "renewal" (issue 17): layout.KINDS


@dataclass(frozen=True)
class TemplateCalendar:
    """Calendar figures the template shows beside each month (protected, not inputs)."""

    open_weekdays: tuple[int, ...]
    required_weekend_days: tuple[int, ...]
    combined_share: tuple[float, ...] = field(default=())  # seasonal share; empty = from rules


def plan_workbook_from_columns(
    profile: Profile,
    columns: Mapping[str, Sequence[Any]],
    budget: Sequence[Mapping[str, Any]] = (),
    promotion: MunicipalPromotion | None = None,
) -> tuple[PlanWorkbook, TemplateCalendar]:
    """Build the workbook contents from one municipality's ``plan_monthly.csv`` columns.

    ``columns`` follows the plan contract (issue 2): ``month``, ``issuance``,
    ``dedicated_counters`` … ``open_weekdays``, ``required_weekend_days``; ``budget`` rows
    follow ``budget.csv`` (``fiscal_year``, ``item``, ``yen``).
    """
    months = tuple(str(m) for m in columns["month"])
    counts = {f.name: tuple(int(v) for v in columns[f.name]) for f in MONTHLY_COUNTS}
    lines = tuple(
        BudgetLine(int(row["fiscal_year"]), str(row["item"]), int(row["yen"])) for row in budget
    )
    calendar = TemplateCalendar(
        open_weekdays=tuple(int(v) for v in columns["open_weekdays"]),
        required_weekend_days=tuple(int(v) for v in columns["required_weekend_days"]),
    )
    section = promotion or MunicipalPromotion()
    return PlanWorkbook(profile, months, counts, lines, section), calendar
