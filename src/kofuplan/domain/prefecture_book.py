"""What a prefecture's submission workbook (R7.1) holds, built from a plan table: a row per
municipality with its monthly issuance, what it adds by the plan's last month and its check
results, the findings, the prefecture's sums and the roster of its municipalities.

Plain values in, plain values out: the folder of files (``kofuplan excel prefecture``) and the
stored plans (the service's download) both come here with a :class:`PlanTable`, and the Excel
writer (``adapters/excel/prefecture.py``) only lays it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from kofuplan.domain.findings import Finding
from kofuplan.domain.labels import field_label
from kofuplan.domain.plan_table import PlanTable
from kofuplan.domain.promotion import MunicipalPromotion
from kofuplan.errors import InputError

CHECK_TITLES = {
    "R6.1-1": "判定:住基人口到達(R6.1-1)",
    "R6.1-2": "判定:交付能力(R6.1-2)",
    "R6.1-3": "判定:庁舎内窓口(R6.1-3)",
    "R6.1-4": "判定:土日交付(R6.1-4)",
}
SUBMITTED, MISSING, RETURNED = "提出済", "未提出", "差戻し"
UNKNOWN = -1  # a figure of today the source does not give
# The plan's figures the workbook shows (besides lg_code and month).
PLAN_NEEDS = ("issuance", "dedicated_counters", "combined_counters", "capacity", "staff")


@dataclass(frozen=True)
class MunicipalityRow:
    lg_code: str
    name: str
    issuance: tuple[int, ...]  # one per month
    counters_added: int  # by the plan's last month, against today's
    staff_added: int
    failures: dict[str, int]  # check code -> findings (0 = passes)
    promotion: MunicipalPromotion = field(default_factory=MunicipalPromotion)  # R2.4, R3


@dataclass(frozen=True)
class RosterEntry:
    """One municipality of the prefecture (from the statistics) and where its plan stands."""

    lg_code: str
    name: str
    status: str  # 提出済, 未提出 or 差戻し
    note: str = ""  # why it was returned; a name that differs from the statistics
    # who made the plan (the header block of its workbook, through municipalities.csv)
    contact: str = ""  # 担当課 担当者
    reach: str = ""  # 電話 / メール
    made_on: str = ""  # 作成日, YYYY-MM-DD


def with_contacts(entry: RosterEntry, row: Mapping[str, str]) -> RosterEntry:
    """The entry with the contacts of its municipality (the columns of
    :func:`kofuplan.domain.workbook.contact_row`); unchanged without them (issue 15)."""

    def get(col: str) -> str:
        return (row.get(col) or "").strip()

    contact = "　".join(v for v in (get("contact_department"), get("contact_person")) if v)
    reach = " / ".join(v for v in (get("contact_phone"), get("contact_email")) if v)
    return replace(entry, contact=contact, reach=reach, made_on=get("made_on"))


@dataclass(frozen=True)
class PrefectureBook:
    pref_code: str
    months: tuple[str, ...]
    rows: tuple[MunicipalityRow, ...]
    findings: tuple[Finding, ...]
    monthly_capacity: tuple[int, ...]  # the prefecture's sums per month
    monthly_counters: tuple[int, ...]
    monthly_staff: tuple[int, ...]
    baseline_note: str  # what "added" is measured against
    made_on: dt.date
    pref_name: str = ""
    # Every municipality of the prefecture with its status; the statistics' list when given,
    # else the plans read and the files returned.
    roster: tuple[RosterEntry, ...] = ()


Members = Sequence[tuple[str, str]]  # (団体コード, 団体名) of the prefecture's municipalities


@dataclass(frozen=True)
class Today:
    """A municipality's counters and staff before the plan (``UNKNOWN`` where not given)."""

    dedicated_counters: int = UNKNOWN
    combined_counters: int = UNKNOWN
    staff: int = UNKNOWN


def roster(
    codes: Sequence[str],
    names: Sequence[str],
    returned: Mapping[str, str],
    members: Members | None,
) -> tuple[tuple[RosterEntry, ...], dict[str, str]]:
    """Every municipality with its status, and the names to show (the statistics' names)."""
    read = dict(zip(codes, names, strict=True))
    if members is None:
        entries = [RosterEntry(c, n, SUBMITTED) for c, n in read.items()]
        entries += [
            RosterEntry(c, "", RETURNED, why) for c, why in returned.items() if c not in read
        ]
        return tuple(sorted(entries, key=lambda e: e.lg_code)), read
    known = dict(members)
    entries = []
    for code, name in members:
        if code in read:
            note = ""
            if read[code] and read[code] != name:
                note = f"ブックの団体名「{read[code]}」は統計の団体名と異なります"
            entries.append(RosterEntry(code, name, SUBMITTED, note))
        elif code in returned:
            entries.append(RosterEntry(code, name, RETURNED, returned[code]))
        else:
            entries.append(RosterEntry(code, name, MISSING))
    for code, name in read.items():
        if code not in known:
            entries.append(RosterEntry(code, name, SUBMITTED, "統計にない団体コードです"))
    shown = {c: known.get(c, n) for c, n in read.items()}
    return tuple(sorted(entries, key=lambda e: e.lg_code)), shown


def prefecture_book(
    table: PlanTable,
    pref_code: str,
    made_on: dt.date,
    *,
    findings: Sequence[Finding],
    names: Mapping[str, str],
    today: Mapping[str, Today],
    promotions: Mapping[str, MunicipalPromotion],
    returned: Mapping[str, str] | None = None,
    members: tuple[str, Members] | None = None,
    contacts: Mapping[str, Mapping[str, str]] | None = None,
) -> PrefectureBook:
    """The prefecture's workbook from its municipalities' rows of ``table``. ``members`` (the
    prefecture's name and municipalities from the statistics) lists every municipality,
    提出済, 未提出 or 差戻し, and checks the names against the statistics; ``returned`` names
    the first problem of each workbook sent back."""
    mine = [i for i, c in enumerate(table.lg_code.tolist()) if str(c)[:2] == pref_code]
    if not mine:
        raise InputError(f"都道府県 {pref_code} の団体の計画がありません")
    order = np.array(sorted(mine, key=lambda i: str(table.lg_code[i])), dtype=np.intp)
    plan = table.take(order)
    codes = [str(c) for c in plan.lg_code.tolist()]
    for col in PLAN_NEEDS:
        bad = ~plan.given[col]
        if bad.any():
            i, j = (int(k) for k in np.argwhere(bad)[0])
            raise InputError(
                f"{codes[i]} {plan.months[j]}: {field_label(col)} が整数で与えられていません"
            )
    names_read = [names.get(c, "") for c in codes]
    entries, shown = roster(codes, names_read, returned or {}, members[1] if members else None)
    if contacts:  # who made each plan read (issue 15)
        entries = tuple(
            with_contacts(e, contacts.get(e.lg_code, {})) if e.status == SUBMITTED else e
            for e in entries
        )
    shown_names = [shown[c] for c in codes]

    def now(name: str) -> npt.NDArray[np.int64]:
        return np.array([getattr(today.get(c, Today()), name) for c in codes], dtype=np.int64)

    dedicated, combined = plan.counts["dedicated_counters"], plan.counts["combined_counters"]
    staff = plan.counts["staff"]
    counters = dedicated + combined
    have_now = (now("dedicated_counters") != UNKNOWN) & (now("staff") != UNKNOWN)
    # Without today's figures, what the plan adds is measured from its first month.
    base_counters = np.where(
        have_now, now("dedicated_counters") + now("combined_counters"), counters[:, 0]
    )
    base_staff = np.where(have_now, now("staff"), staff[:, 0])
    kept = [f for f in findings if f.lg_code in set(codes)]
    issuance = plan.counts["issuance"]
    rows = tuple(
        MunicipalityRow(
            lg_code=code,
            name=shown_names[i],
            issuance=tuple(int(v) for v in issuance[i]),
            counters_added=int(counters[i, -1] - base_counters[i]),
            staff_added=int(staff[i, -1] - base_staff[i]),
            failures={
                k: sum(1 for f in kept if f.lg_code == code and f.code == k) for k in CHECK_TITLES
            },
            promotion=promotions.get(code, MunicipalPromotion()),
        )
        for i, code in enumerate(codes)
    )
    note = (
        "各団体の現在（令和2年9月末）の窓口数・職員数との差"
        if bool(have_now.all())
        else "現在の窓口数・職員数が無い団体は計画初月との差"
    )
    return PrefectureBook(
        pref_code=pref_code,
        months=plan.months,
        rows=rows,
        findings=tuple(sorted(kept, key=lambda f: (f.lg_code, f.month or "", f.code))),
        monthly_capacity=tuple(int(v) for v in plan.counts["capacity"].sum(axis=0)),
        monthly_counters=tuple(int(v) for v in counters.sum(axis=0)),
        monthly_staff=tuple(int(v) for v in staff.sum(axis=0)),
        baseline_note=note,
        made_on=made_on,
        pref_name=members[0] if members else "",
        roster=entries,
    )
