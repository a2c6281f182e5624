"""Use cases of the shared service: save a plan revision, hand it in, review it, enter actuals,
submit a prefecture. Access has already been decided (``kofuplan.services.access``); these
functions enforce the plan's own rules: stale saves, status moves, valid numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from kofuplan.domain import plan_edit
from kofuplan.domain.advice import COLUMN_LABELS
from kofuplan.domain.findings import Finding
from kofuplan.domain.plan_form import (
    PlanBounds,
    bounded_number,
    count_field_error,
    figure_error,
    plain_value,
)
from kofuplan.domain.plan_table import FIGURE_COLUMNS, RENEWAL_FIGURES
from kofuplan.domain.renewal_plan import KINDS, RENEWAL_LABELS
from kofuplan.domain.renewal_plan import METHOD as RENEWAL
from kofuplan.domain.review import Action, Status, TransitionError, next_status
from kofuplan.domain.rule_values import PlanRules
from kofuplan.domain.snapshots import parse_month
from kofuplan.domain.wareki import reiwa_month
from kofuplan.errors import ConflictError, InputError
from kofuplan.services.access import Principal
from kofuplan.services.plan_rows import revision_rows
from kofuplan.services.ports import (
    AdviceRecord,
    InputRevisionRecord,
    MunicipalityRecord,
    PlanRevisionRecord,
    RevisionTaken,
    SubmissionRecord,
    UnitOfWork,
)
from kofuplan.services.rule_clock import rules_on


class Conflict(ConflictError):
    """The plan changed since the editor's base revision (HTTP 409)."""

    def __init__(self, current_revision_id: int | None) -> None:
        super().__init__("この計画は他の方が更新しました。最新の版を確認してから保存してください。")
        self.current_revision_id = current_revision_id


class InvalidInput(InputError):
    """Bad input from an editor; the message names the month and field."""


def plan_rules(m: MunicipalityRecord | None = None) -> Mapping[str, Any]:
    """The rules at the municipality's data date (or the clock's day without one)."""
    return rules_on(m.baseline_date if m is not None else None)


def target_of(m: MunicipalityRecord) -> int:
    share = PlanRules.from_rules(plan_rules(m)).target_share_of_population
    return plan_edit.target(m.population, m.cards_issued_baseline, share)


def check_revision(
    m: MunicipalityRecord,
    rows: Sequence[Mapping[str, Any]],
    inputs: Mapping[str, Any] | None = None,
    kind: str = "issuance",
) -> list[Finding]:
    """The prefecture's checks (``check_plan``, the one check set) of the rows, with the
    municipality's own inputs: what the editor's preview, the saved revision and the
    prefecture's list all show (the rows become the table a save stores, which is checked).
    A renewal plan gets the checks that apply to renewals."""
    from kofuplan.services.review_checks import edited_table, prefecture_checks

    if not rows:
        return []
    if kind == RENEWAL:
        from kofuplan.services.renewal_checks import check_renewal

        return check_renewal(m, rows, inputs).findings
    inputs_by_code = {m.lg_code: inputs} if inputs is not None else None
    table = edited_table(m, rows)
    return prefecture_checks([m], {m.lg_code: table}, inputs_by_code).get(m.lg_code, [])


def status_of(uow: UnitOfWork, lg_code: str) -> Status:
    event = uow.reviews.latest_events([lg_code]).get(lg_code)
    return cast(Status, event.status) if event else "not_started"


def plan_bounds(m: MunicipalityRecord | None = None) -> PlanBounds:
    return PlanBounds.from_rules(plan_rules(m))


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput(f"計画の種類「{kind[:20]}」はありません（issuance か renewal）")
    return kind


def labels_of(kind: str) -> Mapping[str, str]:
    """The fields' labels of a plan of ``kind`` (the renewal plan names its own)."""
    return RENEWAL_LABELS if kind == RENEWAL else COLUMN_LABELS


def merge_edits(
    base: Sequence[Mapping[str, Any]],
    edits: Sequence[Mapping[str, Any]],
    m: MunicipalityRecord | None = None,
    kind: str = "issuance",
) -> list[dict[str, Any]]:
    """The base rows with the editable cells replaced by the edits (other cells are ignored);
    a cell that is not a whole count within the bounds is refused naming its month and field."""
    by_month = {str(r["month"]): dict(r) for r in base}
    bounds = plan_bounds(m)
    labels = labels_of(kind)
    for i, e in enumerate(edits):
        month = str(e.get("month", ""))
        if month not in by_month:
            raise InvalidInput(f"{i + 1}行目: 月「{month}」は計画期間にありません")
        for name in plan_edit.EDITABLE_COLUMNS:
            if name not in e or e[name] is None or e[name] == "":
                continue
            error = count_field_error(month, name, e[name], bounds, labels)
            if error:
                raise InvalidInput(error)
            by_month[month][name] = plain_value(e[name])
    return [by_month[str(r["month"])] for r in base]


def whole_rows(
    rows: Sequence[Mapping[str, Any]], m: MunicipalityRecord | None = None, kind: str = "issuance"
) -> list[dict[str, Any]]:
    """A whole plan (an import) as plain values; refused, naming the row, month and field,
    when a figure is out of bounds. A renewal plan's own figures (expiries and expected
    renewals by kind) are numbers from 0 to the count ceiling."""
    bounds = plan_bounds(m)
    labels = labels_of(kind)
    out = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        month = str(row.get("month", ""))
        try:  # a plan is a table over months: one row each
            parse_month(month)
        except ValueError:
            raise InvalidInput(
                f"{i + 1}行目: 月「{month[:20]}」は YYYY-MM の形で入力してください"
            ) from None
        if month in seen:
            raise InvalidInput(f"{i + 1}行目: {reiwa_month(month)}の行が重複しています")
        seen.add(month)
        clean = dict(row)
        for name in FIGURE_COLUMNS:
            value = plain_value(row.get(name))
            if value is None or name in ("coverage_pct", "recruit_start_month"):
                continue  # recomputed, or text
            error = figure_error(month, name, value, bounds, labels)
            if error:
                raise InvalidInput(f"{i + 1}行目: {error}")
            clean[name] = value
        if kind == RENEWAL:
            clean["kind"] = RENEWAL
            for name in RENEWAL_FIGURES:
                value = plain_value(row.get(name))
                if value is None:
                    continue
                if bounded_number(value, 0.0, float(bounds.count_ceiling), inclusive=True) is None:
                    raise InvalidInput(
                        f"{i + 1}行目: {month[:20]}の{labels[name]}: 「{str(value)[:40]}」は0以上"
                        f"{bounds.count_ceiling:,}以下の数で入力してください"
                    )
                clean[name] = value
        out.append(clean)
    return out


def _append(
    uow: UnitOfWork,
    who: Principal,
    m: MunicipalityRecord,
    base_revision_id: int | None,
    reason: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    merge: bool = True,
    kind: str = "issuance",
) -> tuple[PlanRevisionRecord, InputRevisionRecord | None, list[Finding]]:
    """Append a revision of the ``kind`` plan (issuance or renewal) based on
    ``base_revision_id``; refuse a stale base with Conflict. Not committed: :func:`save_plan`
    commits it, an upload commits it with its inputs.

    ``merge`` takes only the editable cells from ``rows`` (an editor's save); without it the
    rows are a whole plan (an import from ``plan_monthly.csv``). The revision, its findings
    and (for the issuance plan, which the prefecture reviews) the status event are one
    transaction.
    """
    kind = _kind(kind)
    latest = uow.plans.latest_revision(m.lg_code, kind)
    latest_id = latest.id if latest else None
    if base_revision_id != latest_id:
        raise Conflict(latest_id)
    if latest is not None and merge:
        content = merge_edits(revision_rows(latest), rows, m, kind)
    else:
        content = whole_rows(rows, m, kind)
    inputs = uow.inputs.latest_inputs(m.lg_code)
    own = inputs.content if inputs is not None else None
    if kind == RENEWAL:  # the cumulative counts renewals; the inputs' daily figures per counter
        from kofuplan.services.renewal_checks import renewal_rows

        content = renewal_rows(m, content, own)
    else:
        content = plan_edit.recompute(content, m.population, m.cards_issued_baseline)
        if inputs is not None:  # the daily figures per counter and evenings are the inputs'
            from kofuplan.services.review_checks import rows_under_inputs

            content = rows_under_inputs(m, content, inputs.content)
    from kofuplan.services.review_checks import edited_table

    table = edited_table(m, content, kind)
    seq = (latest.seq if latest else 0) + 1
    try:
        revision = uow.plans.add_revision(
            lg_code=m.lg_code,
            seq=seq,
            base_revision_id=base_revision_id,
            author_id=who.user_id,
            reason=reason.strip(),
            table=table,
            kind=kind,
        )
    except RevisionTaken:
        # Someone else saved on the same base between our read and our insert.
        uow.rollback()
        raise Conflict(_latest_id(uow, m.lg_code, kind)) from None
    if kind == RENEWAL:  # kept for the pages, which show this revision next
        from kofuplan.services.renewal_checks import revision_result

        findings = revision_result(m, revision, inputs).findings
    else:
        from kofuplan.services.review_checks import prefecture_checks

        own_inputs = {m.lg_code: own} if own is not None else None
        findings = prefecture_checks([m], {m.lg_code: table}, own_inputs).get(m.lg_code, [])
    uow.plans.add_findings(revision.id, findings)
    if kind == "issuance":
        uow.reviews.add_event(
            lg_code=m.lg_code,
            status=next_status(status_of(uow, m.lg_code), "save"),
            revision_id=revision.id,
            actor_id=who.user_id,
            comment=reason.strip(),
        )
    return revision, inputs, findings


def append_plan(
    uow: UnitOfWork,
    who: Principal,
    m: MunicipalityRecord,
    base_revision_id: int | None,
    reason: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    merge: bool = True,
    kind: str = "issuance",
) -> PlanRevisionRecord:
    """:func:`_append`'s revision (not committed)."""
    return _append(uow, who, m, base_revision_id, reason, rows, merge=merge, kind=kind)[0]


def save_plan(
    uow: UnitOfWork,
    who: Principal,
    m: MunicipalityRecord,
    base_revision_id: int | None,
    reason: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    merge: bool = True,
    kind: str = "issuance",
) -> PlanRevisionRecord:
    """:func:`append_plan`, committed. The issuance checks it ran are kept for its answer and
    the views after it (``review_checks.remember_findings``; a renewal save's are kept by
    ``renewal_checks.revision_result``)."""
    revision, inputs, findings = _append(
        uow, who, m, base_revision_id, reason, rows, merge=merge, kind=kind
    )
    uow.commit()
    if kind == "issuance":
        from kofuplan.services.review_checks import remember_findings

        remember_findings(m, revision, inputs, findings)
    return revision


def _latest_id(uow: UnitOfWork, lg_code: str, kind: str = "issuance") -> int | None:
    latest = uow.plans.latest_revision(lg_code, kind)
    return latest.id if latest else None


def submit_to_prefecture(
    uow: UnitOfWork,
    who: Principal,
    m: MunicipalityRecord,
    comment: str,
    explanations: Mapping[str, str] | None = None,
) -> Status:
    """Hand the latest revision in; each of its errors needs an explanation (理由), keyed
    ``code|month`` (``review_guard.error_key``), else UnexplainedErrors."""
    from kofuplan.services import review_guard

    latest = uow.plans.latest_revision(m.lg_code)
    if latest is None:
        raise InvalidInput("提出する計画がまだありません")
    errors = review_guard.revision_errors(uow, m, latest)
    given = review_guard.explain(errors, explanations or {})
    return _move(uow, who, m, "submit", comment, latest.id, given or None)


def review(
    uow: UnitOfWork,
    who: Principal,
    m: MunicipalityRecord,
    decision: str,
    comment: str,
    seen_revision_id: int | None = None,
) -> Status:
    """Accept or return the revision the prefecture saw (``seen_revision_id``); a newer one
    since is refused with review_guard.StaleReview."""
    from kofuplan.services import review_guard

    if decision not in ("accept", "return"):
        raise InvalidInput("審査の結果は「受理」か「差戻し」を選んでください")
    if decision == "return" and not comment.strip():
        raise InvalidInput("差戻しには理由（コメント）が必要です")
    try:  # a move the status does not allow is refused first, whatever was seen
        next_status(status_of(uow, m.lg_code), cast(Action, decision))
    except TransitionError as e:
        raise InvalidInput(str(e)) from None
    latest = review_guard.check_seen(uow, m, seen_revision_id)
    return _move(uow, who, m, decision, comment, latest.id)


def _move(
    uow: UnitOfWork,
    who: Principal,
    m: MunicipalityRecord,
    action: str,
    comment: str,
    revision_id: int | None,
    explanations: list[dict[str, Any]] | None = None,
) -> Status:
    try:
        new = next_status(status_of(uow, m.lg_code), cast(Action, action))
    except TransitionError as e:
        raise InvalidInput(str(e)) from None
    uow.reviews.add_event(
        lg_code=m.lg_code,
        status=new,
        revision_id=revision_id,
        actor_id=who.user_id,
        comment=comment.strip(),
        explanations=explanations,
    )
    uow.commit()
    return new


def add_advice(uow: UnitOfWork, who: Principal, m: MunicipalityRecord, text: str) -> AdviceRecord:
    if not text.strip():
        raise InvalidInput("助言の本文が空です")
    advice = uow.reviews.add_advice(lg_code=m.lg_code, author_id=who.user_id, text=text.strip())
    uow.commit()
    return advice


def enter_actual(
    uow: UnitOfWork,
    who: Principal,
    m: MunicipalityRecord,
    month: str,
    issued: int,
    backlog: int | None,
) -> None:
    bounds = plan_bounds(m)  # a figure beyond the ceiling is the field's error, never a 500
    for label, value in (("交付枚数", issued), ("滞留", backlog)):
        if value is not None and value > bounds.count_ceiling:
            raise InvalidInput(f"「{label}」は{bounds.count_ceiling:,}以下の整数で入力してください")
    latest = uow.plans.latest_revision(m.lg_code)
    months = set(latest.table.months) if latest else set()
    if months and month not in months:
        raise InvalidInput(f"「月」{month[:20]} は計画期間にありません")
    if len(month) != 7 or month[4] != "-":
        raise InvalidInput(f"「月」{month[:20]} は YYYY-MM の形で入力してください")
    if issued < 0 or (backlog is not None and backlog < 0):
        raise InvalidInput("「交付枚数」「滞留」に負の値は入力できません")
    uow.reviews.add_actual(
        lg_code=m.lg_code, month=month, issued=issued, backlog=backlog, author_id=who.user_id
    )
    uow.commit()


def submit_prefecture(uow: UnitOfWork, who: Principal, pref_code: str) -> SubmissionRecord:
    """R7.1: hand the prefecture's accepted plans to the Ministry as one submission."""
    codes = [m.lg_code for m in uow.places.municipalities(pref_code)]
    events = uow.reviews.latest_events(codes)
    accepted = {
        lg: e.revision_id
        for lg, e in events.items()
        if e.status == "accepted" and e.revision_id is not None
    }
    if not accepted:
        raise InvalidInput("受理済みの計画がないため提出できません")
    from kofuplan.services.review_guard import unexplained_accepted

    unexplained = unexplained_accepted(uow, list(uow.places.municipalities(pref_code)), accepted)
    if unexplained:
        raise InvalidInput(
            "次の市区町村の受理した計画に、理由のない誤りがあるため提出できません。"
            "差し戻して理由を書いてもらってください：" + "、".join(unexplained)
        )
    submission = uow.reviews.add_submission(
        pref_code=pref_code,
        author_id=who.user_id,
        revisions={
            "accepted": accepted,
            "not_accepted": sorted(set(codes) - set(accepted)),
        },
    )
    uow.commit()
    return submission


@dataclass(frozen=True)
class MunicipalityStatus:
    municipality: MunicipalityRecord
    status: Status
    comment: str
    revision_id: int | None
    error_count: int
    warning_count: int
    findings: list[Finding]
    advice_count: int = 0


def prefecture_overview(uow: UnitOfWork, pref_code: str) -> list[MunicipalityStatus]:
    """Each municipality's status with the prefecture's checks (R6.1 …) on its latest plan."""
    from kofuplan.services.review_checks import group_checks

    ms = uow.places.municipalities(pref_code)
    codes = [m.lg_code for m in ms]
    events = uow.reviews.latest_events(codes)
    heads = uow.plans.latest_revision_heads(codes)
    # Checked again only when a revision, inputs or figure changed (kept per process).
    checked = group_checks(ms, heads, uow.inputs.latest_inputs_of(codes), uow.plans.revision_tables)
    advice = uow.reviews.advice_counts(codes)
    out = []
    for m in ms:
        e = events.get(m.lg_code)
        r = heads.get(m.lg_code)
        findings = checked.get(m.lg_code, [])
        out.append(
            MunicipalityStatus(
                m,
                cast(Status, e.status) if e else "not_started",
                e.comment if e else "",
                r[0] if r else None,
                sum(f.severity == "error" for f in findings),
                sum(f.severity == "warning" for f in findings),
                findings,
                advice.get(m.lg_code, 0),
            )
        )
    return out
