"""What the pages, the API and the HTML report show: read-only summaries of the stored plans,
actuals and reviews (prefecture and national sums, rankings, the focus list)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from kofuplan.domain import plan_edit
from kofuplan.domain.findings import Finding
from kofuplan.domain.promotion import MunicipalPromotion, PromotionRollup, rollup
from kofuplan.domain.review import Status
from kofuplan.domain.rule_values import NationalRules
from kofuplan.domain.waits import QueueingParameters, row_waits
from kofuplan.services.municipal_inputs import INPUT_FIELDS, LABELS, promotion_of
from kofuplan.services.national_focus import focus_list
from kofuplan.services.plan_figures import latest_figures
from kofuplan.services.plan_rows import revision_rows
from kofuplan.services.ports import (
    InputRevisionRecord,
    MunicipalityRecord,
    PlanRevisionRecord,
    UnitOfWork,
)
from kofuplan.services.renewal_views import area_renewals
from kofuplan.services.review_checks import (
    data_as_of,
    plan_calendar_at,
    revision_findings,
    rows_under_inputs,
)
from kofuplan.services.revision_history import revision_entries
from kofuplan.services.rule_clock import current, rules_on
from kofuplan.services.workflow import status_of, target_of


def _rules(as_of: dt.date | None) -> Any:
    return rules_on(as_of)


def plan_months(as_of: dt.date | None) -> list[str]:
    """The plan period's months at the data's as-of date, YYYY-MM (rules/plan.yaml)."""
    return list(plan_calendar_at(as_of or current().today()).months)


@dataclass
class MunicipalityView:
    municipality: MunicipalityRecord
    target: int
    status: Status
    revision: PlanRevisionRecord | None
    rows: list[dict[str, Any]]
    findings: list[Finding]
    actuals: dict[str, dict[str, Any]]
    events: list[dict[str, Any]]
    advice: list[dict[str, Any]]
    revisions: list[dict[str, Any]] = field(default_factory=list)
    review_findings: list[Finding] = field(default_factory=list)  # kofuplan check's
    inputs: InputRevisionRecord | None = None  # the municipality's own inputs, latest revision
    input_revisions: list[dict[str, Any]] = field(default_factory=list)

    def cumulative_series(self) -> tuple[list[str], list[float | None], list[float | None]]:
        months = [str(r["month"]) for r in self.rows] or plan_months(
            self.municipality.baseline_date
        )
        base = float(self.municipality.cards_issued_baseline)
        planned: list[float | None] = [float(r["cumulative_issued"]) for r in self.rows]
        actual: list[float | None] = []
        running = base
        last_actual = max(self.actuals, default="")
        for month in months:
            a = self.actuals.get(month)
            if a is None or month > last_actual:
                actual.append(None)
            else:
                running += a["issued"]
                actual.append(running)
        return months, planned, actual


def with_waits(rows: list[dict[str, Any]], as_of: dt.date | None) -> list[dict[str, Any]]:
    """The rows with the residents' expected waits (R2.0, R8.3), in minutes in the busiest
    hour of a weekday and of a weekend day, computed from the rows' own counts and counters
    (the stored revision may have been edited since the engine wrote its figures)."""
    return row_waits(rows, QueueingParameters.from_rules(_rules(as_of)))


def municipality_view(uow: UnitOfWork, m: MunicipalityRecord) -> MunicipalityView:
    revision = uow.plans.latest_revision(m.lg_code)
    input_revisions = uow.inputs.input_revisions(m.lg_code)
    inputs = input_revisions[0] if input_revisions else None
    own = inputs.content if inputs else None
    rows = with_waits(rows_under_inputs(m, revision_rows(revision), own), m.baseline_date)
    # One check set: the saved revision's checks are the editor's and the prefecture's.
    review = revision_findings(m, revision, inputs)
    events = uow.reviews.events(m.lg_code)
    revisions = uow.plans.revisions(m.lg_code, with_content=False)
    advice = uow.reviews.advice(m.lg_code)
    logins = uow.accounts.user_logins(
        [e.actor_id for e in events]
        + [r.author_id for r in revisions]
        + [a.author_id for a in advice]
        + [r.author_id for r in input_revisions]
    )
    return MunicipalityView(
        municipality=m,
        target=target_of(m),
        status=status_of(uow, m.lg_code),
        revision=revision,
        rows=rows,
        findings=review,
        review_findings=review,
        inputs=inputs,
        input_revisions=[
            {
                "id": r.id,
                "seq": r.seq,
                "base_revision_id": r.base_revision_id,
                "reason": r.reason,
                "at": r.created_at,
                "by": logins.get(r.author_id or -1, "system"),
            }
            for r in input_revisions
        ],
        actuals={
            month: {"issued": a.issued, "backlog": a.backlog}
            for month, a in sorted(uow.reviews.actuals(m.lg_code).items())
        },
        events=[
            {
                "status": e.status,
                "comment": e.comment,
                "at": e.created_at,
                "by": logins.get(e.actor_id or -1, "system"),
                "revision_id": e.revision_id,
            }
            for e in events
        ],
        advice=[
            {"text": a.text, "at": a.created_at, "by": logins.get(a.author_id or -1, "")}
            for a in advice
        ],
        revisions=revision_entries(revisions, logins),
    )


@dataclass(frozen=True)
class PlanState:
    """What the API's plan answer carries: the latest revision, its author, the status and the
    checks, without the page's history, actuals, advice and waits."""

    municipality: MunicipalityRecord
    target: int
    status: Status
    revision: PlanRevisionRecord | None
    author: str
    findings: list[Finding]


def plan_state(uow: UnitOfWork, m: MunicipalityRecord) -> PlanState:
    """The municipality's plan as the API gives it: the same revision, status and checks as
    :func:`municipality_view`, in four queries rather than ten (issue 16: the API's view and
    every save answer with it)."""
    revision = uow.plans.latest_revision(m.lg_code)
    inputs = uow.inputs.latest_inputs(m.lg_code)
    author = ""
    if revision is not None:
        author = uow.accounts.user_logins([revision.author_id]).get(
            revision.author_id or -1, "system"
        )
    return PlanState(
        municipality=m,
        target=target_of(m),
        status=status_of(uow, m.lg_code),
        revision=revision,
        author=author,
        findings=revision_findings(m, revision, inputs),
    )


def revision_diffs(uow: UnitOfWork, lg_code: str) -> list[dict[str, Any]]:
    """Each revision with the figures a person changed against its base (the editable cells;
    the columns recomputed from them are left out), and its base by 版 number."""
    revisions = list(reversed(uow.plans.revisions(lg_code)))
    by_id = {r.id: r for r in revisions}
    rows = {r.id: revision_rows(r) for r in revisions}  # each read once
    logins = uow.accounts.user_logins([r.author_id for r in revisions])
    out = []
    for r in revisions:
        base = by_id.get(r.base_revision_id) if r.base_revision_id else None
        out.append(
            {
                "id": r.id,
                "seq": r.seq,
                "base_revision_id": r.base_revision_id,
                "base_seq": base.seq if base else None,
                "reason": r.reason,
                "at": r.created_at,
                "by": logins.get(r.author_id or -1, "system"),
                "changes": [
                    change
                    for change in plan_edit.diff(rows[base.id], rows[r.id])
                    if change[1] in plan_edit.EDITABLE_COLUMNS
                ]
                if base
                else [],
            }
        )
    return list(reversed(out))


def input_revision_diffs(uow: UnitOfWork, lg_code: str) -> list[dict[str, Any]]:
    """Each inputs revision (newest first) with the fields it changed against its base, as the
    form shows them (label, before, after)."""
    revisions = list(uow.inputs.input_revisions(lg_code))
    by_id = {r.id: r for r in revisions}
    logins = uow.accounts.user_logins([r.author_id for r in revisions])
    out = []
    for r in revisions:
        base = by_id.get(r.base_revision_id) if r.base_revision_id else None
        before = base.content if base else {}
        changes = [
            (LABELS[f], _input_text(before.get(f)), _input_text(r.content.get(f)))
            for f in INPUT_FIELDS
            if before.get(f) != r.content.get(f)
        ]
        out.append(
            {
                "id": r.id,
                "seq": r.seq,
                "base_revision_id": r.base_revision_id,
                "reason": r.reason,
                "at": r.created_at,
                "by": logins.get(r.author_id or -1, "system"),
                "changes": changes,
            }
        )
    return out


def _input_text(value: Any) -> str:
    if value is None:
        return "（未入力）"
    if isinstance(value, list):
        return "、".join(
            f"{e['month']} {e['days']}日×{e['applications_per_day']}件"
            f"{'（感染対策あり）' if e['infection_control'] else ''}"
            if isinstance(e, dict)
            else str(e)
            for e in value
        )
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    return str(value)


@dataclass
class AreaSummary:
    """Planned and actual issuance by month for a set of municipalities."""

    months: list[str]
    planned: list[int]
    actual: list[int | None]
    capacity: list[int]
    population: int
    baseline: int
    planned_cumulative: list[int]
    actual_cumulative: list[int | None]
    # The renewal plans summed (issue 17; renewal_views.area_renewals), beside the issuance.
    renewal: dict[str, Any] = field(default_factory=dict)


def summarize(uow: UnitOfWork, ms: list[MunicipalityRecord]) -> AreaSummary:
    months = plan_months(data_as_of(ms))
    index = {m: i for i, m in enumerate(months)}
    planned = np.zeros(len(months), dtype=np.int64)
    capacity = np.zeros(len(months), dtype=np.int64)
    figures = latest_figures(uow, [m.lg_code for m in ms]) if ms else {}
    for f in figures.values():
        for month, cards in f.issuance.items():
            i = index.get(month)
            if i is not None:
                planned[i] += cards
                capacity[i] += f.capacity[month]
    codes = {m.lg_code for m in ms}
    actual = np.zeros(len(months), dtype=np.int64)
    seen = np.zeros(len(months), dtype=bool)
    for lg, by_month in uow.reviews.all_actuals(codes).items():
        if lg not in codes:
            continue
        for month, issued in by_month.items():
            i = index.get(month)
            if i is not None:
                actual[i] += issued
                seen[i] = True
    last = int(np.flatnonzero(seen).max()) if seen.any() else -1
    population = sum(m.population for m in ms)
    baseline = sum(m.cards_issued_baseline for m in ms)
    planned_cum = (baseline + np.cumsum(planned)).tolist()
    actual_cum = (baseline + np.cumsum(actual)).tolist()
    return AreaSummary(
        months=months,
        planned=planned.tolist(),
        actual=[int(a) if i <= last else None for i, a in enumerate(actual.tolist())],
        capacity=capacity.tolist(),
        population=population,
        baseline=baseline,
        planned_cumulative=[int(v) for v in planned_cum],
        actual_cumulative=[int(v) if i <= last else None for i, v in enumerate(actual_cum)],
        renewal=area_renewals(uow, ms),
    )


@dataclass
class NationView:
    summary: AreaSummary
    aim: int
    months_over_aim: list[str]
    coverage_by_pref: dict[str, float]
    pref_names: dict[str, str]
    pref_ranking: list[dict[str, Any]]
    municipality_ranking: list[dict[str, Any]]
    focus: list[dict[str, Any]]  # kofuplan focus's designated municipalities
    focus_month: str | None
    submissions: dict[str, Any]
    status_counts: dict[str, dict[str, int]]
    promotion_by_pref: dict[str, PromotionRollup] = field(default_factory=dict)
    promotion_total: PromotionRollup | None = None


def national_view(uow: UnitOfWork) -> NationView:
    ms = list(uow.places.municipalities())
    summary = summarize(uow, ms)
    rules = _rules(data_as_of(ms))
    aim = NationalRules.from_rules(rules).monthly_issuance_aim
    actuals = uow.reviews.all_actuals()
    events = uow.reviews.latest_events()
    pop: dict[str, int] = defaultdict(int)
    issued: dict[str, int] = defaultdict(int)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    muni_rank = []
    for m in ms:
        done = sum(actuals.get(m.lg_code, {}).values())
        pop[m.pref_code] += m.population
        issued[m.pref_code] += m.cards_issued_baseline + done
        e = events.get(m.lg_code)
        counts[m.pref_code][e.status if e else "not_started"] += 1
        cov = 100.0 * (m.cards_issued_baseline + done) / m.population if m.population else 0.0
        muni_rank.append({"lg_code": m.lg_code, "name": m.name, "coverage_pct": cov})
    # kofuplan focus's designation on the stored figures: one rule (domain/focus.py).
    focus = focus_list(ms, actuals, current().book)
    prefs = {p.code: p.name for p in uow.places.prefectures()}
    coverage = {c: 100.0 * issued[c] / pop[c] for c in prefs if pop[c] > 0}
    submissions = {
        code: {"at": s.created_at, "accepted": len(s.revisions.get("accepted", {}))}
        for code, s in uow.reviews.latest_submissions().items()
    }
    pref_rank = sorted(
        (
            {
                "pref_code": c,
                "name": prefs[c],
                "coverage_pct": v,
                "submitted": c in submissions,
                "statuses": dict(counts[c]),
            }
            for c, v in coverage.items()
        ),
        key=lambda d: -cast(float, d["coverage_pct"]),
    )
    muni_rank.sort(key=lambda d: -cast(float, d["coverage_pct"]))
    over = [m for m, p in zip(summary.months, summary.planned, strict=True) if p >= aim]
    by_pref, total = promotion_rollups(uow, ms)
    return NationView(
        summary=summary,
        aim=aim,
        months_over_aim=over,
        coverage_by_pref=coverage,
        pref_names=prefs,
        pref_ranking=pref_rank,
        municipality_ranking=muni_rank,
        focus=focus.rows,
        focus_month=focus.month,
        submissions=submissions,
        status_counts={k: dict(v) for k, v in counts.items()},
        promotion_by_pref=by_pref,
        promotion_total=total,
    )


def promotion_rollups(
    uow: UnitOfWork, ms: list[MunicipalityRecord]
) -> tuple[dict[str, PromotionRollup], PromotionRollup]:
    """The promotion sections rolled up by prefecture and for the nation (forms mailed,
    events, convenience-store fee reductions: the Ministry's survey of R2.4), from each
    municipality's latest inputs."""
    promotions: dict[str, MunicipalPromotion] = {
        lg: promotion_of(r.content) for lg, r in uow.inputs.latest_inputs_of().items()
    }
    codes_by_pref: dict[str, list[str]] = defaultdict(list)
    for m in ms:
        codes_by_pref[m.pref_code].append(m.lg_code)
    by_pref = {pref: rollup(codes, promotions) for pref, codes in sorted(codes_by_pref.items())}
    return by_pref, rollup([m.lg_code for m in ms], promotions)
