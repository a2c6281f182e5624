"""Writes a renewal plan: the issuance plan's files (``plan_monthly.csv`` with the contract
columns, ``budget.csv``, ``summary.json``) with renewal columns added after the contract,
and the findings of the checks that apply to renewals (``findings.csv``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from kofuplan.adapters.findings_csv import write_findings
from kofuplan.adapters.plan_csv import budget_columns, plan_columns, summary, write_columns
from kofuplan.domain.checks import CODES
from kofuplan.domain.findings import Finding
from kofuplan.domain.renewal_plan import METHOD, applies_to_renewal
from kofuplan.services.renewal_planning import RenewalPlanRun

# Aims of the 2020–2023 issuance wave (R8.2, R8.4) that say nothing of renewals.
_ISSUANCE_AIMS = (
    "monthly_aim",
    "months_over_aim",
    "first_month_at_aim",
    "daily_pace_aim",
    "months_at_daily_pace_aim",
)


def _one_decimal(a: Any) -> list[str]:
    return [f"{x:.1f}" for x in np.asarray(a).reshape(-1).tolist()]


def renewal_plan_columns(run: RenewalPlanRun) -> dict[str, list[str]]:
    w = run.window
    columns = plan_columns(run.plan)
    columns["kind"] = [METHOD] * len(columns["lg_code"])
    columns["expiring_certificates"] = _one_decimal(w.expiring_certificates)
    columns["expiring_certificates_only"] = _one_decimal(w.expiring_certificates_only)
    columns["expiring_cards"] = _one_decimal(w.expiring_cards)
    columns["renewals_certificate"] = _one_decimal(w.renewals_certificate)
    columns["renewals_card"] = _one_decimal(w.renewals_card)
    return columns


def renewal_summary(run: RenewalPlanRun) -> dict[str, Any]:
    plan = run.plan
    out = summary(plan, run.params, run.as_of.isoformat(), sample=False)
    out["kind"] = METHOD
    out["target_total"] = int(plan.issuance.sum())  # the residents expected at the counter
    out["issued_before_plan"] = 0
    for key in _ISSUANCE_AIMS:
        out["national"].pop(key, None)
    w = run.window
    out["renewal"] = {
        "setup_from_statistics_snapshot": run.profiles_snapshot,
        "expected_renewals": round(float(w.renewals.sum()), 1),
        "renewals_certificate": round(float(w.renewals_certificate.sum()), 1),
        "renewals_card": round(float(w.renewals_card.sum()), 1),
        "expiring_certificates": round(float(w.expiring_certificates.sum()), 1),
        "expiring_cards": round(float(w.expiring_cards.sum()), 1),
        "rules": {
            key: {"value": run.params[key], "source": run.params.source(key)}
            for key in sorted(run.params)
            if key.startswith("renewal.") and not isinstance(run.params[key], dict | list)
        },
    }
    return out


def write_renewal_plan(out: Path, run: RenewalPlanRun) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    write_columns(out / "plan_monthly.csv", renewal_plan_columns(run))
    write_columns(out / "budget.csv", budget_columns(run.plan))
    result = renewal_summary(run)
    text = json.dumps(result, ensure_ascii=False, indent=1, default=str)
    (out / "summary.json").write_text(text + "\n", encoding="utf-8")
    return result


def write_renewal_findings(
    out: Path, findings: list[Finding], name: str = "findings.csv"
) -> dict[str, Any]:
    """``findings.csv`` (or ``name``) in ``out`` and its summary: counts by severity and by
    the codes that apply."""
    by_code = {c.code: 0 for c in CODES if applies_to_renewal(c)}
    by_severity = {s: 0 for s in ("error", "warning", "info")}
    for f in findings:
        by_code[f.code] = by_code.get(f.code, 0) + 1
        by_severity[f.severity] += 1
    counts: dict[str, Any] = {
        "kind": METHOD,
        "municipalities_with_errors": len({f.lg_code for f in findings if f.severity == "error"}),
        "findings_by_severity": by_severity,
        "findings_by_code": by_code,
    }
    write_findings(out / name, findings, counts)
    return counts
