"""The JSON API under /api: the same operations as the pages, under the same access rules."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from kofuplan.adapters.web import schemas as s
from kofuplan.adapters.web.auth import (
    BadCredentials,
    Throttled,
    authenticate,
    end_session,
    start_session,
)
from kofuplan.adapters.web.deps import (
    EditMunicipality,
    Public,
    ReviewMunicipality,
    SignedIn,
    SubmitPrefecture,
    Uow,
    ViewMunicipality,
    ViewNation,
    ViewPrefecture,
)
from kofuplan.domain.plan_table import RENEWAL_FIGURES
from kofuplan.domain.promotion import as_dict
from kofuplan.domain.renewal_plan import METHOD as RENEWAL
from kofuplan.errors import InputError
from kofuplan.services import (
    municipal_inputs,
    renewal_views,
    review_guard,
    summaries,
    views,
    workflow,
)
from kofuplan.services.access import Principal, home_path
from kofuplan.services.plan_rows import revision_rows
from kofuplan.services.ports import InputRevisionRecord, PlanRevisionRecord

router = APIRouter(prefix="/api", tags=["api"])


def _error(status: int, detail: str) -> HTTPException:
    return HTTPException(status_code=status, detail=detail)


def _conflict(c: workflow.Conflict) -> JSONResponse:
    """409: the resource changed since the revision the save was based on; nothing saved."""
    content = s.ConflictOut(detail=str(c), current_revision_id=c.current_revision_id)
    return JSONResponse(status_code=409, content=content.model_dump())


# Every API route may answer these (the sign-in route's own 401 is a wrong password).
SIGN_IN_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": s.ErrorOut, "description": "ログインしていません（セッションがない・切れた）"},
    403: {
        "model": s.ErrorOut,
        "description": "権限がない、CSRF トークンがない・違う、または仮パスワードの変更が必要",
    },
}

CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": s.ConflictOut, "description": "the plan changed since its base"}
}


def _session_out(request: Request, who: Principal) -> s.SessionOut:
    return s.SessionOut(
        login=who.login,
        role=who.role,
        lg_code=who.lg_code,
        pref_code=who.pref_code,
        home=home_path(who),
        csrf_token=request.state.csrf_token,
    )


@router.post(
    "/login",
    response_model=s.SessionOut,
    responses={
        401: {"model": s.ErrorOut, "description": "ログイン名またはパスワードが違う"},
        429: {"model": s.ErrorOut, "description": "失敗が続いたため待ち時間中（Retry-After 秒）"},
    },
)
def api_login(body: s.LoginIn, request: Request, response: Response, uow: Uow, _: Public) -> Any:
    """Sign in. With a temporary password (after a reset), ``must_change_password`` is true and
    only ``POST /api/account/password`` is allowed until it is changed."""
    try:
        signed = authenticate(request, uow, body.login, body.password)
    except Throttled as t:
        return JSONResponse(
            {"detail": str(t)},
            status_code=429,
            headers={"Retry-After": str(max(1, round(t.wait)))},
        )
    except BadCredentials as e:
        raise _error(401, str(e)) from None
    start_session(request, response, uow, signed.who)
    out = _session_out(request, signed.who)
    out.must_change_password = signed.must_change_password
    return out


@router.get("/session")
def api_session(request: Request, who: SignedIn) -> s.SessionOut:
    return _session_out(request, who)


@router.post("/logout", status_code=204)
def api_logout(request: Request, response: Response, uow: Uow, _: SignedIn) -> None:
    end_session(request, response, uow)


def _revision_out(r: PlanRevisionRecord, author: str) -> s.RevisionOut:
    return s.RevisionOut(
        id=r.id,
        kind=r.kind,
        seq=r.seq,
        base_revision_id=r.base_revision_id,
        reason=r.reason,
        created_at=r.created_at,
        author=author,
        content=_body_rows(r),
    )


def _body_rows(r: PlanRevisionRecord) -> list[dict[str, Any]]:
    """The API body keeps its shape, a row per month (what a client posts back), with a
    renewal plan's kind on each row before its own figures, as the plan file has them."""
    rows = revision_rows(r)
    if r.kind != RENEWAL:
        return rows
    out = []
    for row in rows:
        contract = {k: v for k, v in row.items() if k not in RENEWAL_FIGURES}
        own = {k: v for k, v in row.items() if k in RENEWAL_FIGURES}
        out.append({**contract, "kind": RENEWAL, **own})
    return out


def _plan_out(access: Any) -> s.PlanOut:
    v = views.plan_state(access.uow, access.municipality)
    m = v.municipality
    findings = [s.FindingOut(**f.__dict__) for f in v.findings]
    return s.PlanOut(
        lg_code=m.lg_code,
        name=m.name,
        pref_code=m.pref_code,
        status=v.status,
        target=v.target,
        revision=_revision_out(v.revision, v.author) if v.revision else None,
        # One check set: the editor's and the prefecture's are the same findings.
        findings=findings,
        review_findings=list(findings),
    )


@router.get("/municipalities/{lg_code}/plan")
def get_plan(access: ViewMunicipality) -> s.PlanOut:
    return _plan_out(access)


@router.post("/municipalities/{lg_code}/plan", status_code=201, responses=CONFLICT)
def save_plan(body: s.PlanSaveIn, access: EditMunicipality) -> Any:
    try:
        workflow.save_plan(
            access.uow,
            access.who,
            access.municipality,
            body.base_revision_id,
            body.reason,
            [r.model_dump(exclude_none=True) for r in body.rows],
        )
    except workflow.Conflict as c:
        return _conflict(c)
    except workflow.InvalidInput as e:
        raise _error(422, str(e)) from None
    return _plan_out(access)


def _renewal_out(access: Any) -> s.RenewalPlanOut:
    m = access.municipality
    rv = renewal_views.renewal_view(access.uow, m)
    author = rv.revisions[0]["by"] if rv.revisions else ""
    return s.RenewalPlanOut(
        lg_code=m.lg_code,
        name=m.name,
        pref_code=m.pref_code,
        months=rv.months,
        revision=_revision_out(rv.revision, author) if rv.revision else None,
        findings=[s.FindingOut(**f.__dict__) for f in rv.findings],
        fiscal_years=rv.fiscal_years,
        budget=rv.budget,
        revisions=rv.revisions,
    )


@router.get("/municipalities/{lg_code}/renewal-plan")
def get_renewal_plan(access: ViewMunicipality) -> s.RenewalPlanOut:
    """The renewal plan (更新), its checks and budget."""
    return _renewal_out(access)


@router.post(
    "/municipalities/{lg_code}/renewal-plan",
    status_code=201,
    responses={
        **CONFLICT,
        422: {"model": s.ErrorOut, "description": "a figure out of bounds, naming its field"},
    },
)
def save_renewal_plan(body: s.PlanSaveIn, access: EditMunicipality) -> Any:
    """Save edits of the renewal plan as a new renewal revision based on ``base_revision_id``
    (409 when stale), with the issuance plan's validation and checks."""
    try:
        workflow.save_plan(
            access.uow,
            access.who,
            access.municipality,
            body.base_revision_id,
            body.reason,
            [r.model_dump(exclude_none=True) for r in body.rows],
            kind=RENEWAL,
        )
    except workflow.Conflict as c:
        return _conflict(c)
    except workflow.InvalidInput as e:
        raise _error(422, str(e)) from None
    return _renewal_out(access)


@router.get("/municipalities/{lg_code}/revisions")
def list_revisions(access: ViewMunicipality) -> list[s.RevisionSummary]:
    return [
        s.RevisionSummary(**d)
        for d in views.revision_diffs(access.uow, access.municipality.lg_code)
    ]


@router.get("/municipalities/{lg_code}/revisions/{revision_id}")
def get_revision(revision_id: int, access: ViewMunicipality) -> s.RevisionOut:
    r = access.uow.plans.revision(revision_id)
    if r is None or r.lg_code != access.municipality.lg_code:
        raise _error(404, "その版はありません")
    author = access.uow.accounts.user_logins([r.author_id]).get(r.author_id or -1, "system")
    return _revision_out(r, author)


def _input_revision_out(r: InputRevisionRecord, author: str) -> s.InputRevisionOut:
    return s.InputRevisionOut(
        id=r.id,
        seq=r.seq,
        base_revision_id=r.base_revision_id,
        reason=r.reason,
        created_at=r.created_at,
        author=author,
    )


def _inputs_out(access: Any) -> s.InputsOut:
    v = views.municipality_view(access.uow, access.municipality)
    r = v.inputs
    return s.InputsOut(
        lg_code=access.municipality.lg_code,
        revision=_input_revision_out(r, v.input_revisions[0]["by"]) if r else None,
        inputs=s.MunicipalInputs(**(r.content if r else {})),
        review_findings=[s.FindingOut(**f.__dict__) for f in v.review_findings],
    )


@router.get("/municipalities/{lg_code}/inputs")
def get_inputs(access: ViewMunicipality) -> s.InputsOut:
    """The municipality's own inputs and promotion section (latest revision)."""
    return _inputs_out(access)


@router.put("/municipalities/{lg_code}/inputs", responses=CONFLICT)
def put_inputs(body: s.InputsSaveIn, access: EditMunicipality) -> Any:
    """Save the inputs as a new revision based on ``base_revision_id`` (409 when stale)."""
    try:
        content = municipal_inputs.normalize(
            body.inputs.model_dump(mode="json", exclude_none=True),
            views.plan_months(access.municipality.baseline_date),
        )
        municipal_inputs.save_inputs(
            access.uow, access.who, access.municipality, body.base_revision_id, body.reason,
            content,
        )  # fmt: skip
    except workflow.Conflict as c:
        return _conflict(c)
    except municipal_inputs.InputsError as e:  # the message names the label; ``field`` the key
        return JSONResponse(status_code=422, content={"detail": str(e), "field": e.field})
    return _inputs_out(access)


@router.get("/municipalities/{lg_code}/inputs/revisions")
def list_input_revisions(access: ViewMunicipality) -> list[s.InputRevisionFull]:
    """Every inputs revision, newest first, with its content."""
    revisions = access.uow.inputs.input_revisions(access.municipality.lg_code)
    logins = access.uow.accounts.user_logins([r.author_id for r in revisions])
    return [
        s.InputRevisionFull(
            **_input_revision_out(r, logins.get(r.author_id or -1, "system")).model_dump(),
            inputs=s.MunicipalInputs(**r.content),
        )
        for r in revisions
    ]


@router.get("/municipalities/{lg_code}/actuals")
def get_actuals(access: ViewMunicipality) -> dict[str, dict[str, Any]]:
    return views.municipality_view(access.uow, access.municipality).actuals


@router.put("/municipalities/{lg_code}/actuals/{month}", status_code=204)
def put_actual(month: str, body: s.ActualIn, access: EditMunicipality) -> None:
    try:
        workflow.enter_actual(
            access.uow, access.who, access.municipality, month, body.issued, body.backlog
        )
    except workflow.InvalidInput as e:
        raise _error(422, str(e)) from None


@router.post(
    "/municipalities/{lg_code}/submit",
    responses={422: {"model": s.ErrorOut, "description": "an error of the plan has no 理由"}},
)
def submit_plan(body: s.HandInIn, access: EditMunicipality) -> s.StatusOut:
    """Hand the latest revision in; each error (誤り) needs an explanation."""
    try:
        status = workflow.submit_to_prefecture(
            access.uow, access.who, access.municipality, body.comment, body.explanations
        )
    except review_guard.UnexplainedErrors as e:
        raise _error(422, str(e)) from None
    except workflow.InvalidInput as e:
        raise _error(409, str(e)) from None
    return s.StatusOut(lg_code=access.municipality.lg_code, status=status)


@router.post(
    "/municipalities/{lg_code}/review",
    responses={409: {"model": s.StaleReviewOut, "description": "a newer revision since"}},
)
def review_plan(body: s.ReviewIn, access: ReviewMunicipality) -> Any:
    """Accept or return the revision ``revision_id`` (the one reviewed)."""
    try:
        status = workflow.review(
            access.uow,
            access.who,
            access.municipality,
            body.decision,
            body.comment,
            body.revision_id,
        )
    except review_guard.StaleReview as e:
        out = s.StaleReviewOut(
            detail=str(e), current_revision_id=e.current_revision_id, changes=e.changes
        )
        return JSONResponse(status_code=409, content=out.model_dump(mode="json"))
    except (workflow.InvalidInput, InputError) as e:
        raise _error(409, str(e)) from None
    return s.StatusOut(lg_code=access.municipality.lg_code, status=status)


@router.post("/municipalities/{lg_code}/advice", status_code=201)
def send_advice(body: s.AdviceIn, access: ReviewMunicipality) -> dict[str, Any]:
    try:
        a = workflow.add_advice(access.uow, access.who, access.municipality, body.text)
    except workflow.InvalidInput as e:
        raise _error(422, str(e)) from None
    return {"id": a.id, "text": a.text}


@router.get("/prefectures/{pref_code}")
def get_prefecture(request: Request, access: ViewPrefecture) -> s.PrefectureOut:
    db = request.app.state.storage
    rows = workflow.prefecture_overview(access.uow, access.prefecture.code)
    last = access.uow.reviews.latest_submissions().get(access.prefecture.code)
    return s.PrefectureOut(
        pref_code=access.prefecture.code,
        name=access.prefecture.name,
        municipalities=[
            s.MunicipalityRow(
                lg_code=r.municipality.lg_code,
                name=r.municipality.name,
                status=r.status,
                comment=r.comment,
                revision_id=r.revision_id,
                errors=r.error_count,
                warnings=r.warning_count,
                advice_sent=r.advice_count,
                finding_codes=sorted({f.code for f in r.findings}),
            )
            for r in rows
        ],
        last_submission=last.created_at if last else None,
        renewal=summaries.prefecture(access.uow, access.prefecture.code, db).renewal,
    )


@router.post("/prefectures/{pref_code}/submit", status_code=201)
def submit_prefecture(access: SubmitPrefecture) -> s.SubmissionOut:
    try:
        sub = workflow.submit_prefecture(access.uow, access.who, access.prefecture.code)
    except workflow.InvalidInput as e:
        raise _error(409, str(e)) from None
    return s.SubmissionOut(
        pref_code=sub.pref_code,
        at=sub.created_at,
        accepted=sub.revisions["accepted"],
        not_accepted=sub.revisions["not_accepted"],
    )


@router.get("/nation")
def get_nation(request: Request, access: ViewNation) -> s.NationOut:
    n = summaries.nation(access.uow, request.app.state.storage)
    return s.NationOut(
        months=n.summary.months,
        planned=n.summary.planned,
        actual=n.summary.actual,
        capacity=n.summary.capacity,
        aim=n.aim,
        months_over_aim=n.months_over_aim,
        coverage_by_pref=n.coverage_by_pref,
        pref_ranking=n.pref_ranking,
        focus=n.focus,
        promotion_by_pref={pref: as_dict(r) for pref, r in n.promotion_by_pref.items()},
        promotion_total=as_dict(n.promotion_total) if n.promotion_total else {},
        renewal=n.summary.renewal,
    )
