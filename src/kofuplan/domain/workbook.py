"""What one municipality's plan workbook holds, as plain data: written by the template,
filled by the clerk, given back by the reader (``adapters/excel``), made from a plan table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kofuplan.domain.plan_edit import EDITABLE_COLUMNS
from kofuplan.domain.plan_table import PlanTable
from kofuplan.domain.promotion import MunicipalPromotion

# The monthly table's figures a clerk fills in, in the workbook's order: the editor's (the
# Excel layout's MONTHLY_COUNTS names the same columns).
WORKBOOK_COUNTS = EDITABLE_COLUMNS


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


def plan_workbook(
    profile: Profile,
    table: PlanTable,
    i: int,
    budget: Sequence[BudgetLine] = (),
    promotion: MunicipalPromotion | None = None,
) -> tuple[PlanWorkbook, TemplateCalendar]:
    """The workbook contents of municipality ``i`` of a plan table (a figure not given is 0,
    a blank cell for the clerk to fill)."""
    counts = {
        name: tuple(int(v) for v in table.counts[name][i].tolist()) for name in WORKBOOK_COUNTS
    }
    calendar = TemplateCalendar(
        open_weekdays=tuple(int(v) for v in table.counts["open_weekdays"][i].tolist()),
        required_weekend_days=tuple(
            int(v) for v in table.counts["required_weekend_days"][i].tolist()
        ),
    )
    section = promotion or MunicipalPromotion()
    return PlanWorkbook(profile, table.months, counts, tuple(budget), section), calendar
