"""The prefecture's list of municipalities as a work tool: filter by status and findings, sort
by status, findings or coverage, accept in bulk the handed-in plans with no findings, and the
rows of the national and prefecture tables for export."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kofuplan.domain.review import STATUS_LABELS
from kofuplan.services import workflow
from kofuplan.services.access import Principal
from kofuplan.services.ports import UnitOfWork
from kofuplan.services.review_guard import StaleReview

FINDING_FILTERS = {"errors": "誤りあり", "warnings": "注意あり", "none": "指摘なし"}
SORTS = {
    "code": "団体コード",
    "status": "状況",
    "errors": "誤りの件数",
    "warnings": "注意の件数",
    "coverage": "交付率",
}
_STATUS_ORDER = {s: k for k, s in enumerate(STATUS_LABELS)}


@dataclass(frozen=True)
class ListRow:
    entry: workflow.MunicipalityStatus
    coverage_pct: float  # cards issued (baseline and actuals entered) ÷ population, %

    @property
    def clean(self) -> bool:
        return self.entry.error_count == 0 and self.entry.warning_count == 0


def list_rows(uow: UnitOfWork, pref_code: str) -> list[ListRow]:
    overview = workflow.prefecture_overview(uow, pref_code)
    actuals = uow.reviews.all_actuals([r.municipality.lg_code for r in overview])
    out = []
    for r in overview:
        m = r.municipality
        issued = m.cards_issued_baseline + sum(actuals.get(m.lg_code, {}).values())
        out.append(ListRow(r, 100.0 * issued / m.population if m.population else 0.0))
    return out


def select(
    rows: Sequence[ListRow],
    *,
    status: str = "",
    findings: str = "",
    sort: str = "code",
    descending: bool = False,
) -> list[ListRow]:
    """The rows kept by the filters (unknown values filter nothing), in the order asked."""
    kept = [r for r in rows if status not in STATUS_LABELS or r.entry.status == status]
    if findings == "errors":
        kept = [r for r in kept if r.entry.error_count > 0]
    elif findings == "warnings":
        kept = [r for r in kept if r.entry.warning_count > 0]
    elif findings == "none":
        kept = [r for r in kept if r.clean]
    keys: dict[str, Any] = {
        "status": lambda r: _STATUS_ORDER[r.entry.status],
        "errors": lambda r: r.entry.error_count,
        "warnings": lambda r: r.entry.warning_count,
        "coverage": lambda r: r.coverage_pct,
    }
    code = lambda r: r.entry.municipality.lg_code  # noqa: E731 - the tie-breaker
    key = keys.get(sort)
    ordered = sorted(kept, key=code)
    if key is not None:
        ordered.sort(key=key, reverse=descending)
    elif descending:
        ordered.reverse()
    return ordered


def bulk_accept(
    uow: UnitOfWork, who: Principal, pref_code: str, seen: Mapping[str, int]
) -> tuple[list[str], list[str]]:
    """Accept each handed-in plan with no findings among ``seen`` (lg_code → the revision the
    list showed); returns (accepted names, skipped names). A plan saved again since the list
    was shown, or that now has findings, is skipped, never accepted unseen."""
    accepted, skipped = [], []
    for row in list_rows(uow, pref_code):
        r = row.entry
        lg = r.municipality.lg_code
        if lg not in seen:
            continue
        if r.status != "submitted" or not row.clean or r.revision_id != seen[lg]:
            skipped.append(r.municipality.name)
            continue
        try:
            workflow.review(uow, who, r.municipality, "accept", "一括受理（指摘なし）", seen[lg])
        except (StaleReview, workflow.InvalidInput):
            skipped.append(r.municipality.name)
            continue
        accepted.append(r.municipality.name)
    return accepted, skipped


PREFECTURE_TABLE_HEADER = (
    "団体コード", "市区町村", "状況", "誤り", "注意", "交付率(%)", "助言", "コメント",
)  # fmt: skip


def prefecture_table(rows: Sequence[ListRow]) -> list[list[Any]]:
    return [
        [
            r.entry.municipality.lg_code,
            r.entry.municipality.name,
            STATUS_LABELS[r.entry.status],
            r.entry.error_count,
            r.entry.warning_count,
            round(r.coverage_pct, 1),
            r.entry.advice_count,
            r.entry.comment,
        ]
        for r in rows
    ]


NATION_TABLE_HEADER = (
    "順位", "都道府県コード", "都道府県", "交付率(%)", "総務省へ提出",
    "受理", "提出済", "差戻し", "作成中", "未着手",
)  # fmt: skip


def nation_table(pref_ranking: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    statuses = ("accepted", "submitted", "returned", "draft", "not_started")
    return [
        [
            k,
            p["pref_code"],
            p["name"],
            round(float(p["coverage_pct"]), 1),
            "済" if p["submitted"] else "未",
            *(int(p["statuses"].get(s, 0)) for s in statuses),
        ]
        for k, p in enumerate(pref_ranking, start=1)
    ]
