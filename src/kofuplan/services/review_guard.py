"""A review tied to what was reviewed (issue 14 §2).

- Accept and return name the revision the prefecture saw; when the municipality has saved a
  newer one since, the decision is refused (:class:`StaleReview`, HTTP 409) with the figures
  that changed, so nothing is accepted unseen.
- A plan with errors (誤り) is handed in only with an explanation (理由) for each error; the
  explanations travel with the hand-in event, and the prefecture sees them. A prefecture's
  submission refuses accepted plans whose errors carry none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kofuplan.domain import plan_edit
from kofuplan.domain.findings import Finding
from kofuplan.errors import ConflictError, InputError
from kofuplan.services.plan_rows import revision_rows
from kofuplan.services.ports import MunicipalityRecord, PlanRevisionRecord, UnitOfWork

MAX_REASON = 1000  # characters of one explanation


class StaleReview(ConflictError):
    """The plan changed after the revision the prefecture reviewed."""

    def __init__(
        self,
        current: PlanRevisionRecord,
        seen_seq: int | None,
        changes: list[tuple[str, str, Any, Any]],
    ) -> None:
        seen = f"第{seen_seq}版" if seen_seq else "表示していた版"
        super().__init__(
            f"審査していた{seen}の後に、市区町村が第{current.seq}版を保存しました。"
            "受理・差戻しはしていません。変わった内容を確かめてから、もう一度審査してください。"
        )
        self.current_revision_id = current.id
        self.current_seq = current.seq
        self.changes = changes


class UnexplainedErrors(InputError):
    """Errors of the plan without an explanation; ``errors`` are those findings."""

    def __init__(self, errors: list[Finding], who: str = "") -> None:
        lines = [f"{who}誤りが残っているため提出できません。誤りごとに理由を書いてください。"]
        lines += [f"・{f.message}" for f in errors[:20]]
        super().__init__("\n".join(lines))
        self.errors = errors


def error_key(f: Finding) -> str:
    """How the hand-in form names a finding's explanation field."""
    return f"{f.code}|{f.month or ''}"


def revision_errors(
    uow: UnitOfWork, m: MunicipalityRecord, revision: PlanRevisionRecord
) -> list[Finding]:
    """The errors (誤り) of a stored revision: the editor's checks and the prefecture's, as the
    plan page shows them, each once."""
    from kofuplan.services.review_checks import revision_findings, rows_under_inputs
    from kofuplan.services.workflow import check_revision

    inputs = uow.inputs.latest_inputs(m.lg_code)
    rows = rows_under_inputs(m, revision_rows(revision), inputs.content if inputs else None)
    found = [*check_revision(m, rows), *revision_findings(m, revision, inputs)]
    out: dict[str, Finding] = {}
    for f in found:
        if f.severity == "error":
            out.setdefault(error_key(f), f)
    return list(out.values())


def explain(errors: list[Finding], given: Mapping[str, str]) -> list[dict[str, Any]]:
    """The explanations to store with a hand-in; UnexplainedErrors when one is missing."""
    missing = [f for f in errors if not str(given.get(error_key(f), "")).strip()]
    if missing:
        raise UnexplainedErrors(missing)
    return [
        {
            "code": f.code,
            "month": f.month,
            "message": f.message,
            "reason": str(given[error_key(f)]).strip()[:MAX_REASON],
        }
        for f in errors
    ]


def check_seen(
    uow: UnitOfWork, m: MunicipalityRecord, seen_revision_id: int | None
) -> PlanRevisionRecord:
    """The latest revision, when it is the one the reviewer saw; StaleReview otherwise."""
    latest = uow.plans.latest_revision(m.lg_code)
    if latest is None:
        raise InputError("審査する計画がありません")
    if seen_revision_id is None:
        raise InputError("審査した版が指定されていません。計画の画面を開き直してください")
    if latest.id == seen_revision_id:
        return latest
    seen = uow.plans.revision(seen_revision_id)
    seen = seen if seen is not None and seen.lg_code == m.lg_code else None
    changes = (
        [
            c
            for c in plan_edit.diff(revision_rows(seen), revision_rows(latest))
            if c[1] in plan_edit.EDITABLE_COLUMNS
        ]
        if seen is not None
        else []
    )
    raise StaleReview(latest, seen.seq if seen else None, changes)


def handed_in_explanations(uow: UnitOfWork, lg_code: str, revision_id: int) -> list[dict[str, Any]]:
    """The explanations given when this revision was (last) handed in."""
    for e in uow.reviews.events(lg_code):  # newest first
        if e.status == "submitted" and e.revision_id == revision_id:
            return list(e.explanations or [])
    return []


def unexplained_accepted(
    uow: UnitOfWork, ms: list[MunicipalityRecord], accepted: Mapping[str, int]
) -> list[str]:
    """Names of municipalities whose accepted revision has an error without an explanation."""
    names = []
    for m in ms:
        revision_id = accepted.get(m.lg_code)
        revision = uow.plans.revision(revision_id) if revision_id else None
        if revision is None:
            continue
        errors = revision_errors(uow, m, revision)
        if not errors:
            continue
        given = {f"{x['code']}|{x['month'] or ''}": x["reason"]
                 for x in handed_in_explanations(uow, m.lg_code, revision.id)}  # fmt: skip
        if any(not given.get(error_key(f)) for f in errors):
            names.append(m.name)
    return names
