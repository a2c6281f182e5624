"""Server-rendered Japanese pages. Every form posts back with a CSRF token and works without
JavaScript; a little optional script only updates totals while typing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kofuplan.adapters.web import charts
from kofuplan.adapters.web.auth import (
    BadCredentials,
    Throttled,
    authenticate,
    end_session,
    start_session,
)
from kofuplan.adapters.web.deps import (
    EditMunicipality,
    MunicipalityAccess,
    PostedForm,
    Public,
    ReviewMunicipality,
    SignedIn,
    SubmitPrefecture,
    Uow,
    ViewMunicipality,
    ViewNation,
    ViewPrefecture,
)
from kofuplan.adapters.web.render import templates
from kofuplan.domain import plan_edit
from kofuplan.domain.renewal_plan import METHOD as RENEWAL
from kofuplan.domain.renewal_plan import RENEWAL_LABELS
from kofuplan.errors import InputError
from kofuplan.services import (
    municipal_inputs,
    prefecture_list,
    renewal_checks,
    renewal_views,
    review_guard,
    summaries,
    views,
    workflow,
)
from kofuplan.services.access import home_path
from kofuplan.services.plan_rows import revision_rows
from kofuplan.services.review_checks import rows_under_inputs

router = APIRouter(include_in_schema=False)


def _render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/")
def index(who: Public) -> Response:
    return _see_other(home_path(who) if who else "/login")


@router.get("/login")
def login_page(request: Request, who: Public) -> Response:
    return _render(request, "login.html", {"who": who, "error": None})


@router.post("/login")
def login_submit(request: Request, form: PostedForm, uow: Uow, _: Public) -> Response:
    login, password = str(form.get("login", "")), str(form.get("password", ""))
    try:
        signed = authenticate(request, uow, login, password)
    except Throttled as t:
        response = _render(request, "login.html", {"who": None, "error": str(t)}, 429)
        response.headers["Retry-After"] = str(max(1, round(t.wait)))
        return response
    except BadCredentials as e:
        return _render(request, "login.html", {"who": None, "error": str(e)}, 401)
    next_page = "/account/password" if signed.must_change_password else home_path(signed.who)
    redirect = _see_other(next_page)
    start_session(request, redirect, uow, signed.who)
    return redirect


@router.post("/logout")
def logout(request: Request, uow: Uow, _: SignedIn) -> Response:
    response = _see_other("/login")
    end_session(request, response, uow)
    return response


@dataclass(frozen=True)
class InputsForm:
    """The 申請推進・窓口の入力 form as shown: stored values, or what the editor typed."""

    values: dict[str, str]
    events: list[dict[str, str]]
    base_revision_id: int | None
    reason: str = ""
    error: str | None = None
    error_field: str | None = None


@dataclass(frozen=True)
class RenewalForm:
    """The 更新の計画 form as shown: unsaved rows (a preview or a refused save) or none."""

    rows: list[dict[str, Any]] | None = None
    message: str | None = None
    error: str | None = None
    base_revision_id: int | None = None
    reason: str = ""


def renewal_context(
    access: MunicipalityAccess, form: RenewalForm, inputs: dict[str, Any] | None
) -> dict[str, Any]:
    """The renewal plan's part of the municipality page (beside the issuance plan)."""
    m = access.municipality
    rv = renewal_views.renewal_view(access.uow, m)
    if form.rows is not None:
        shown = renewal_views.shown_rows(m, form.rows, inputs)
        result = renewal_checks.check_renewal(m, shown, inputs)
        findings, fiscal_years, budget = result.findings, list(result.fiscal_years), result.budget
    else:
        shown, findings, fiscal_years, budget = rv.rows, rv.findings, rv.fiscal_years, rv.budget
    months = [str(r["month"]) for r in shown]
    chart = charts.line_chart(
        "月別の更新の見込みと受付能力（電子証明書の更新・カードの更新）",
        months,
        [("受付能力", [float(r.get("capacity") or 0) for r in shown])],
        bars=[("更新の件数", [float(r.get("issuance") or 0) for r in shown])],
    )
    return {
        "rv": rv,
        "renewal_rows": shown,
        "renewal_findings": findings,
        "renewal_months_with_findings": {f.month for f in findings if f.month},
        "renewal_fiscal_years": fiscal_years,
        "renewal_budget": budget,
        "renewal_message": form.message,
        "renewal_error": form.error,
        "renewal_base_revision_id": form.base_revision_id
        if form.base_revision_id is not None
        else (rv.revision.id if rv.revision else None),
        "renewal_reason": form.reason,
        "renewal_chart": chart,
        "RENEWAL_LABELS": RENEWAL_LABELS,
    }


def municipality_page_response(
    request: Request,
    access: MunicipalityAccess,
    *,
    rows: list[dict[str, Any]] | None = None,
    message: str | None = None,
    error: str | None = None,
    base_revision_id: int | None = None,
    reason: str = "",
    status_code: int = 200,
    inputs_form: InputsForm | None = None,
    stale: review_guard.StaleReview | None = None,
    typed_reasons: dict[str, str] | None = None,
    renewal_form: RenewalForm | None = None,
) -> HTMLResponse:
    v = views.municipality_view(access.uow, access.municipality)
    if inputs_form is None:
        values, events = municipal_inputs.form_values(v.inputs.content if v.inputs else {})
        inputs_form = InputsForm(values, events, v.inputs.id if v.inputs else None)
    m = access.municipality
    if rows is not None:  # an unsaved preview or a refused save: show what the editor typed
        shown = rows_under_inputs(m, rows, v.inputs.content if v.inputs else None)
        shown = views.with_waits(
            plan_edit.recompute(shown, m.population, m.cards_issued_baseline), m.baseline_date
        )
        findings = workflow.check_revision(m, shown, v.inputs.content if v.inputs else None)
    else:
        shown, findings = v.rows, v.findings
    months, planned_cum, actual_cum = v.cumulative_series()
    if shown:
        planned_cum = [float(r["cumulative_issued"]) for r in shown]
    cumulative_chart = charts.line_chart(
        "累計交付枚数（計画と実績）",
        months,
        [("計画", list(planned_cum)), ("実績", actual_cum)],
        reference=("住基人口", float(m.population)),
    )
    capacity_chart = charts.line_chart(
        "月別の交付能力と計画交付枚数",
        [str(r["month"]) for r in shown],
        [("交付能力", [float(r["capacity"]) for r in shown])],
        bars=[("計画交付枚数", [float(r["issuance"]) for r in shown])],
    )
    can_edit = access.who.role == "municipality"
    can_review = access.who.role == "prefecture"
    resettable = [] if can_edit else list(access.uow.accounts.users_of(lg_code=m.lg_code))
    # Errors of the saved revision, each needing a 理由 to hand in; what was given at hand-in.
    errors: dict[str, Any] = {}
    for f in (*v.findings, *v.review_findings):
        if f.severity == "error":
            errors.setdefault(review_guard.error_key(f), f)
    explanations = (
        review_guard.handed_in_explanations(access.uow, m.lg_code, v.revision.id)
        if v.revision
        else []
    )
    return _render(
        request,
        "municipality.html",
        {
            "who": access.who,
            "v": v,
            "m": m,
            "rows": shown,
            "findings": findings,
            "months_with_findings": {f.month for f in findings if f.month},
            "editable": plan_edit.EDITABLE_COLUMNS,
            "can_edit": can_edit,
            "can_review": can_review,
            "resettable": resettable,
            "plan_errors": errors,
            "typed_reasons": typed_reasons or {},
            "explanations": explanations,
            "stale": stale,
            "message": message,
            "error": error,
            "base_revision_id": base_revision_id
            if base_revision_id is not None
            else (v.revision.id if v.revision else None),
            "reason": reason,
            "cumulative_chart": cumulative_chart,
            "capacity_chart": capacity_chart,
            "plan_months": views.plan_months(m.baseline_date),
            "inputs": inputs_form,
            "input_labels": municipal_inputs.LABELS,
            "weekend_policies": municipal_inputs.WEEKEND_POLICY_LABELS,
            "spare_event_rows": municipal_inputs.EVENT_FORM_SPARE_ROWS,
            **renewal_context(
                access, renewal_form or RenewalForm(), v.inputs.content if v.inputs else None
            ),
        },
        status_code,
    )


NOTICES = {
    "password": "パスワードを変更しました。",
    "bulk": "指摘のない提出済みの計画を受理しました。",
    "submitted_pref": "都道府県の計画を総務省に提出しました。",
}


@router.get("/m/{lg_code}")
def municipality_page(request: Request, access: ViewMunicipality) -> Response:
    notices = {
        **NOTICES,
        "saved": "計画を保存しました。",
        "submitted": "計画を都道府県に提出しました。",
        "actual": "実績を登録しました。",
        "reviewed": "審査結果を登録しました。",
        "advised": "助言を送信しました。",
        "excel": "Excel の計画を新しい版として保存しました。",
        "inputs": "申請推進・窓口の入力を保存しました。確認結果はこの入力で計算し直しています。",
    }
    done = request.query_params.get("done", "")
    return municipality_page_response(
        request,
        access,
        message=notices.get(done),
        renewal_form=RenewalForm(
            message="更新の計画を保存しました。" if done == "renewal" else None
        ),
    )


def _edits_from_form(form: Any, months: list[str], prefix: str = "") -> list[dict[str, Any]]:
    edits = []
    for month in months:
        row: dict[str, Any] = {"month": month}
        for name in plan_edit.EDITABLE_COLUMNS:
            value = form.get(f"{prefix}{month}.{name}")
            if value is not None:
                row[name] = str(value)
        edits.append(row)
    return edits


@router.post("/m/{lg_code}/plan")
def municipality_save(request: Request, form: PostedForm, access: EditMunicipality) -> Response:
    latest = access.uow.plans.latest_revision(access.municipality.lg_code)
    if latest is None:
        return municipality_page_response(
            request, access, error="編集の元になる計画がありません。", status_code=409
        )
    raw_base = str(form.get("base_revision_id", ""))
    base_id = int(raw_base) if raw_base.isdigit() else None
    reason = str(form.get("reason", ""))[:2000]
    edits = _edits_from_form(form, list(latest.table.months))
    base = access.uow.plans.revision(base_id) if base_id else None
    own = base is not None and base.lg_code == access.municipality.lg_code
    base_rows = revision_rows(base if base and own and base.kind == "issuance" else latest)
    try:
        merged = workflow.merge_edits(base_rows, edits, access.municipality)
    except workflow.InvalidInput as e:
        return municipality_page_response(
            request, access, error=str(e), base_revision_id=base_id, reason=reason, status_code=422
        )
    if form.get("action") != "save":
        return municipality_page_response(
            request,
            access,
            rows=merged,
            message="確認しました（まだ保存していません）。",
            base_revision_id=base_id,
            reason=reason,
        )
    try:
        workflow.save_plan(access.uow, access.who, access.municipality, base_id, reason, merged)
    except workflow.Conflict:
        # Nothing is lost: the editor's values stay in the form, on top of their base.
        return municipality_page_response(
            request,
            access,
            rows=merged,
            error="他の方がこの計画を先に更新したため保存できませんでした。入力内容はそのまま残して"
            "います。変更履歴で最新の版を確認し、必要なら再度入力して保存してください。",
            base_revision_id=base_id,
            reason=reason,
            status_code=409,
        )
    return _see_other(f"/m/{access.municipality.lg_code}?done=saved")


@router.post("/m/{lg_code}/renewal-plan")
def municipality_renewal_save(
    request: Request, form: PostedForm, access: EditMunicipality
) -> Response:
    """Check (without saving) or save the renewal plan's edits as a new renewal revision: the
    issuance plan's validation, bounds, checks and stale-base refusal (409)."""
    m = access.municipality
    latest = access.uow.plans.latest_revision(m.lg_code, RENEWAL)
    if latest is None:
        return municipality_page_response(
            request,
            access,
            renewal_form=RenewalForm(error="編集の元になる更新の計画がありません。"),
            status_code=409,
        )
    raw_base = str(form.get("renewal_base_revision_id", ""))
    base_id = int(raw_base) if raw_base.isdigit() else None
    reason = str(form.get("renewal_reason", ""))[:2000]
    edits = _edits_from_form(form, list(latest.table.months), "renewal.")
    base = access.uow.plans.revision(base_id) if base_id else None
    usable = base is not None and base.lg_code == m.lg_code and base.kind == RENEWAL
    base_rows = revision_rows(base if base is not None and usable else latest)
    try:
        merged = workflow.merge_edits(base_rows, edits, m, RENEWAL)
    except workflow.InvalidInput as e:
        shown = RenewalForm(error=str(e), base_revision_id=base_id, reason=reason)
        return municipality_page_response(request, access, renewal_form=shown, status_code=422)
    if form.get("action") != "save":
        shown = RenewalForm(merged, "確認しました（まだ保存していません）。", None, base_id, reason)
        return municipality_page_response(request, access, renewal_form=shown)
    try:
        workflow.save_plan(access.uow, access.who, m, base_id, reason, merged, kind=RENEWAL)
    except workflow.Conflict:
        shown = RenewalForm(
            merged,
            None,
            "他の方がこの更新の計画を先に更新したため保存できませんでした。入力内容はそのまま"
            "残しています。変更履歴で最新の版を確認し、必要なら再度入力して保存してください。",
            base_id,
            reason,
        )
        return municipality_page_response(request, access, renewal_form=shown, status_code=409)
    return _see_other(f"/m/{m.lg_code}?done=renewal#renewal")


@router.post("/m/{lg_code}/inputs")
def municipality_inputs(request: Request, form: PostedForm, access: EditMunicipality) -> Response:
    """Save the municipality's own inputs and promotion section as a new inputs revision; a
    bad value or a stale base saves nothing and keeps what was typed in the form."""
    raw, typed_events = municipal_inputs.raw_from_form(form)
    raw_base = str(form.get("inputs_base_revision_id", ""))
    base_id = int(raw_base) if raw_base.isdigit() else None
    reason = str(form.get("inputs_reason", ""))[:2000]
    typed = InputsForm(
        {k: v for k, v in raw.items() if isinstance(v, str)}, typed_events, base_id, reason
    )
    try:
        content = municipal_inputs.normalize(
            raw, views.plan_months(access.municipality.baseline_date)
        )
        municipal_inputs.save_inputs(
            access.uow, access.who, access.municipality, base_id, reason, content
        )
    except municipal_inputs.InputsError as e:
        shown = replace(typed, error=f"保存していません。{e}", error_field=e.field)
        return municipality_page_response(request, access, status_code=422, inputs_form=shown)
    except workflow.Conflict:
        msg = (
            "他の方が申請推進・窓口の入力を先に更新したため保存できませんでした。入力内容は"
            "そのまま残しています。変更履歴で最新の内容を確認してから保存してください。"
        )
        shown = replace(typed, error=msg, error_field="inputs_base_revision_id")
        return municipality_page_response(request, access, status_code=409, inputs_form=shown)
    return _see_other(f"/m/{access.municipality.lg_code}?done=inputs#inputs")


@router.get("/m/{lg_code}/history")
def municipality_history(request: Request, access: ViewMunicipality) -> Response:
    return _render(
        request,
        "history.html",
        {
            "who": access.who,
            "m": access.municipality,
            "revisions": views.revision_diffs(access.uow, access.municipality.lg_code),
            "input_revisions": views.input_revision_diffs(access.uow, access.municipality.lg_code),
            "events": views.municipality_view(access.uow, access.municipality).events,
        },
    )


@router.post("/m/{lg_code}/actuals")
def municipality_actuals(request: Request, form: PostedForm, access: EditMunicipality) -> Response:
    month = str(form.get("month", ""))
    try:
        issued = int(str(form.get("issued", "")).replace(",", ""))
        raw_backlog = str(form.get("backlog", "")).replace(",", "").strip()
        backlog = int(raw_backlog) if raw_backlog else None
    except ValueError:  # the form's text, not a number
        msg = "交付枚数は整数で入力してください。"
        return municipality_page_response(request, access, error=msg, status_code=422)
    try:
        workflow.enter_actual(access.uow, access.who, access.municipality, month, issued, backlog)
    except workflow.InvalidInput as e:
        return municipality_page_response(request, access, error=str(e), status_code=422)
    return _see_other(f"/m/{access.municipality.lg_code}?done=actual")


@router.post("/m/{lg_code}/submit")
def municipality_submit(request: Request, form: PostedForm, access: EditMunicipality) -> Response:
    reasons = {
        str(k)[len("reason.") :]: str(v)[: review_guard.MAX_REASON]
        for k, v in form.multi_items()
        if str(k).startswith("reason.")
    }
    try:
        workflow.submit_to_prefecture(
            access.uow, access.who, access.municipality, str(form.get("comment", "")), reasons
        )
    except review_guard.UnexplainedErrors as e:
        return municipality_page_response(
            request, access, error=str(e), status_code=422, typed_reasons=reasons
        )
    except workflow.InvalidInput as e:
        return municipality_page_response(request, access, error=str(e), status_code=409)
    return _see_other(f"/m/{access.municipality.lg_code}?done=submitted")


@router.post("/m/{lg_code}/review")
def municipality_review(request: Request, form: PostedForm, access: ReviewMunicipality) -> Response:
    raw_seen = str(form.get("revision_id", ""))
    try:
        workflow.review(
            access.uow,
            access.who,
            access.municipality,
            str(form.get("decision", "")),
            str(form.get("comment", "")),
            int(raw_seen) if raw_seen.isdigit() else None,
        )
    except review_guard.StaleReview as e:
        return municipality_page_response(request, access, error=str(e), status_code=409, stale=e)
    except (workflow.InvalidInput, InputError) as e:
        return municipality_page_response(request, access, error=str(e), status_code=409)
    return _see_other(f"/m/{access.municipality.lg_code}?done=reviewed")


@router.post("/m/{lg_code}/advice")
def municipality_advice(request: Request, form: PostedForm, access: ReviewMunicipality) -> Response:
    try:
        workflow.add_advice(access.uow, access.who, access.municipality, str(form.get("text", "")))
    except workflow.InvalidInput as e:
        return municipality_page_response(request, access, error=str(e), status_code=422)
    return _see_other(f"/m/{access.municipality.lg_code}?done=advised")


def prefecture_context(
    uow: Any, pref: Any, query: Mapping[str, str] | None = None, db: Any = None
) -> dict[str, Any]:
    """The prefecture page's content; ``query`` holds the list's filters and order."""
    query = query or {}
    all_rows = prefecture_list.list_rows(uow, pref.code)
    shown = prefecture_list.select(
        all_rows,
        status=query.get("status", ""),
        findings=query.get("findings", ""),
        sort=query.get("sort", "code"),
        descending=query.get("order") == "desc",
    )
    summary = summaries.prefecture(uow, pref.code, db)  # stored, recomputed on change
    return {
        "pref": pref,
        "rows": shown,
        "all_count": len(all_rows),
        "query": {k: query.get(k, "") for k in ("status", "findings", "sort", "order")},
        "sorts": prefecture_list.SORTS,
        "finding_filters": prefecture_list.FINDING_FILTERS,
        "clean_submitted": [r for r in all_rows if r.entry.status == "submitted" and r.clean],
        "summary": summary,
        "submission": uow.reviews.latest_submissions().get(pref.code),
        "cumulative_chart": charts.line_chart(
            f"{pref.name}の累計交付枚数（計画と実績）",
            summary.months,
            [
                ("計画", [float(v) for v in summary.planned_cumulative]),
                ("実績", [None if v is None else float(v) for v in summary.actual_cumulative]),
            ],
            reference=("住基人口", float(summary.population)),
        ),
        "capacity_chart": charts.line_chart(
            f"{pref.name}の月別交付能力と計画交付枚数",
            summary.months,
            [("交付能力", [float(v) for v in summary.capacity])],
            bars=[("計画交付枚数", [float(v) for v in summary.planned])],
        ),
        "renewal_chart": renewal_area_chart(pref.name, summary.renewal),
    }


def renewal_area_chart(area: str, ren: Mapping[str, Any]) -> Any:
    """The renewal plans summed: expected renewals by kind (bars) and the capacity."""
    if not ren or not ren.get("municipalities_with_plan"):
        return ""
    return charts.line_chart(
        f"{area}の月別の更新の見込み（電子証明書の更新・カードの更新）と受付能力",
        list(ren["months"]),
        [("受付能力", [float(v) for v in ren["capacity"]])],
        bars=[
            ("電子証明書の更新", [float(v) for v in ren["certificate"]]),
            ("カードの更新", [float(v) for v in ren["card"]]),
        ],
    )


@router.get("/p/{pref_code}")
def prefecture_page(request: Request, access: ViewPrefecture) -> Response:
    context = prefecture_context(
        access.uow, access.prefecture, dict(request.query_params), request.app.state.storage
    )
    context.update(
        who=access.who,
        resettable=list(access.uow.accounts.users_of(pref_code=access.prefecture.code))
        if access.who.role == "ministry"
        else [],
        message=NOTICES.get(request.query_params.get("done", "")),
        error=None,
    )
    return _render(request, "prefecture.html", context)


@router.post("/p/{pref_code}/submit")
def prefecture_submit(request: Request, access: SubmitPrefecture) -> Response:
    try:
        workflow.submit_prefecture(access.uow, access.who, access.prefecture.code)
    except workflow.InvalidInput as e:
        context = prefecture_context(access.uow, access.prefecture)
        context.update(who=access.who, message=None, error=str(e), resettable=[])
        return _render(request, "prefecture.html", context, 409)
    return _see_other(f"/p/{access.prefecture.code}?done=submitted_pref")


@router.post("/p/{pref_code}/accept-clean")
def prefecture_bulk_accept(
    request: Request, form: PostedForm, access: SubmitPrefecture
) -> Response:
    """Accept, at once, the handed-in plans with no findings that the list showed (each with
    the revision it showed: one saved again since is skipped)."""
    seen: dict[str, int] = {}
    for value in form.getlist("accept"):
        lg, _, rid = str(value).partition(":")
        if rid.isdigit():
            seen[lg] = int(rid)
    accepted, skipped = prefecture_list.bulk_accept(
        access.uow, access.who, access.prefecture.code, seen
    )
    context = prefecture_context(access.uow, access.prefecture)
    parts = [f"{len(accepted)} 団体の計画を受理しました。"]
    if skipped:
        parts.append("一覧を表示した後に変わったため受理しなかった団体：" + "、".join(skipped))
    context.update(who=access.who, message="".join(parts), error=None, resettable=[])
    return _render(request, "prefecture.html", context)


def nation_context(uow: Any, db: Any = None) -> dict[str, Any]:
    n = summaries.nation(uow, db)  # stored, recomputed after each change
    s = n.summary
    return {
        "n": n,
        "summary_at": summaries.computed_at(uow),
        "monthly_chart": charts.line_chart(
            "全国の月別交付枚数（計画・実績）と目標330万枚",
            s.months,
            [("実績", [None if v is None else float(v) for v in s.actual])],
            bars=[("計画", [float(v) for v in s.planned])],
            reference=("月間330万枚", float(n.aim)),
        ),
        "cumulative_chart": charts.line_chart(
            "全国の累計交付枚数（計画と実績）",
            s.months,
            [
                ("計画", [float(v) for v in s.planned_cumulative]),
                ("実績", [None if v is None else float(v) for v in s.actual_cumulative]),
            ],
            reference=("住基人口", float(s.population)),
        ),
        "capacity_chart": charts.line_chart(
            "全国の月別交付能力と計画交付枚数",
            s.months,
            [("交付能力", [float(v) for v in s.capacity])],
            bars=[("計画交付枚数", [float(v) for v in s.planned])],
        ),
        "renewal_chart": renewal_area_chart("全国", s.renewal),
        "map": charts.tile_map(
            "都道府県別の交付率（実績反映、%）", n.coverage_by_pref, n.pref_names
        ),
    }


@router.get("/nation")
def nation_page(request: Request, access: ViewNation) -> Response:
    context = nation_context(access.uow, request.app.state.storage)
    context["who"] = access.who
    context["message"] = NOTICES.get(request.query_params.get("done", ""))
    return _render(request, "nation.html", context)
