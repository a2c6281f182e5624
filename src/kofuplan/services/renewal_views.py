"""What the pages and the API show of the renewal plans (更新, issue 17): a municipality's
latest renewal revision with its waits, findings, budget and history, and the sums over a
prefecture or the nation (expected renewals by kind, counters, staff, terminals, weekend days,
budget, findings by code).

The store is reached through :class:`RenewalStore` (the repository is one implementation);
the checks and budget are ``renewal_checks``' (one check set, kept per revision)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from kofuplan.domain.findings import Finding
from kofuplan.domain.plan_table import PlanTable
from kofuplan.domain.renewal_plan import KINDS, area_series, area_sums
from kofuplan.domain.renewal_plan import METHOD as RENEWAL
from kofuplan.domain.waits import QueueingParameters, row_waits
from kofuplan.services.kept import Kept
from kofuplan.services.plan_rows import revision_rows
from kofuplan.services.ports import (
    MunicipalityRecord,
    PlanRevisionRecord,
    UnitOfWork,
)
from kofuplan.services.renewal_checks import (
    RenewalResult,
    kind_mix,
    renewal_months,
    renewal_rows,
    renewal_setup,
    revision_result,
    revision_results,
)
from kofuplan.services.revision_history import revision_entries

__all__ = ["KINDS", "RenewalStore", "RenewalView", "area_renewals", "renewal_view"]


class RevisionHead(PlanRevisionRecord, Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def base_revision_id(self) -> int | None: ...
    @property
    def reason(self) -> str: ...
    @property
    def author_id(self) -> int | None: ...


RenewalStore = UnitOfWork  # the reads the renewal pages need: plans, inputs, logins


@dataclass
class RenewalView:
    """A municipality's renewal plan as its page shows it."""

    revision: RevisionHead | None
    rows: list[dict[str, Any]]  # with the waits
    findings: list[Finding]
    fiscal_years: list[int]
    budget: dict[str, list[int]]  # item -> yen by fiscal year
    revisions: list[dict[str, Any]] = field(default_factory=list)
    months: list[str] = field(default_factory=list)  # the renewal plan's months

    @property
    def totals(self) -> dict[str, float]:
        certificates, cards = kind_mix(self.rows)
        return {
            "expected": float(sum(int(r.get("issuance") or 0) for r in self.rows)),
            "certificate": round(certificates, 1),
            "card": round(cards, 1),
        }


def shown_rows(
    m: MunicipalityRecord, rows: Sequence[Mapping[str, Any]], inputs: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """Rows as the page shows them (unsaved or stored): derived columns and waits."""
    if not rows:
        return []
    shown = renewal_rows(m, rows, inputs)
    params = renewal_setup(m, shown, inputs).params
    return row_waits(shown, QueueingParameters.from_rules(params))


def renewal_view(store: RenewalStore, m: MunicipalityRecord) -> RenewalView:
    revision = store.plans.latest_revision(m.lg_code, RENEWAL)
    inputs = store.inputs.latest_inputs(m.lg_code)
    result = revision_result(m, revision, inputs)
    rows = shown_rows(m, revision_rows(revision), inputs.content if inputs else None)
    history = store.plans.revisions(m.lg_code, with_content=False, kind=RENEWAL)
    logins = store.accounts.user_logins([r.author_id for r in history])
    return RenewalView(
        revision=revision,
        rows=rows,
        findings=result.findings,
        fiscal_years=list(result.fiscal_years),
        budget=result.budget,
        revisions=revision_entries(history, logins),
        months=list(renewal_months(m.baseline_date)),
    )


@dataclass(frozen=True)
class _Stored:
    """A stored renewal revision as the sums need it (kept per revision, which never changes)."""

    id: int
    lg_code: str
    created_at: dt.datetime
    table: PlanTable
    seq: int = 0  # not needed by the sums
    kind: str = RENEWAL
    base_revision_id: int | None = None
    author_id: int | None = None
    reason: str = ""


_tables: Kept[tuple[int, str], PlanTable] = Kept(20_000)
_series_kept: Kept[tuple[int, str, tuple[str, ...]], Any] = Kept(20_000)

BUDGET_ITEMS = ("total", "estimated_grant", "shortfall")


def _latest_tables(store: RenewalStore, lg_codes: list[str]) -> dict[str, _Stored]:
    heads = store.plans.latest_revision_heads(lg_codes, RENEWAL)
    out: dict[str, _Stored] = {}
    missing: dict[int, tuple[str, dt.datetime]] = {}
    for lg, (rid, at) in heads.items():
        found = _tables.get((rid, str(at)))
        if found is None:
            missing[rid] = (lg, at)
        else:
            out[lg] = _Stored(rid, lg, at, found)
    for rid, table in store.plans.revision_tables(list(missing)).items():
        lg, at = missing[rid]
        out[lg] = _Stored(rid, lg, at, table)
        _tables.put((rid, str(at)), table)
    return out


def _series(stored: Mapping[str, _Stored], months: tuple[str, ...]) -> dict[str, Any]:
    """Each stored revision's figures by month (``area_series``), read once per revision."""
    out: dict[str, Any] = {}
    for lg, head in stored.items():
        key = (head.id, str(head.created_at), months)
        found = _series_kept.get(key)
        if found is None:
            found = area_series(head.table, months)
            _series_kept.put(key, found)
        out[lg] = found
    return out


def area_renewals(store: RenewalStore, ms: Sequence[MunicipalityRecord]) -> dict[str, Any]:
    """The renewal plans of ``ms`` summed by month (JSON values: the stored summaries keep
    them): expected renewals by kind, counters, staff, terminals, weekend days and capacity;
    the budget by fiscal year; the findings of the checks that apply, counted by code and
    severity; how many municipalities have a renewal plan. Each revision's figures and
    checks are kept per process (the checks of those not kept run together:
    ``renewal_checks.revision_results``); the sums are whole-array additions."""
    if not ms:
        return {}
    months = tuple(renewal_months(max(m.baseline_date for m in ms)))
    stored = _latest_tables(store, [m.lg_code for m in ms])
    inputs = store.inputs.latest_inputs_of(list(stored))
    planned = [m for m in ms if m.lg_code in stored]
    series = _series(stored, months)
    results = revision_results(planned, dict(stored), dict(inputs))
    fiscal_years: list[int] = []
    budget: dict[str, list[int]] = {}
    by_code: dict[str, int] = {}
    severities = {"error": 0, "warning": 0, "info": 0}
    with_errors = 0
    for m in planned:
        result: RenewalResult = results[m.lg_code]
        if not fiscal_years:
            fiscal_years = list(result.fiscal_years)
            budget = {item: [0] * len(fiscal_years) for item in BUDGET_ITEMS}
        if list(result.fiscal_years) == fiscal_years:
            for item in BUDGET_ITEMS:
                for k, yen in enumerate(result.budget.get(item, [])):
                    budget[item][k] += int(yen)
        for f in result.findings:
            by_code[f.code] = by_code.get(f.code, 0) + 1
            severities[f.severity] = severities.get(f.severity, 0) + 1
        with_errors += any(f.severity == "error" for f in result.findings)
    return {
        "months": list(months),
        **area_sums([series[m.lg_code] for m in planned], months),
        "fiscal_years": fiscal_years,
        "budget": budget,
        "findings_by_code": dict(sorted(by_code.items())),
        "findings_by_severity": severities,
        "municipalities": len(ms),
        "municipalities_with_plan": len(planned),
        "municipalities_with_errors": with_errors,
    }
