"""Accounts: password change for every user, reset by the prefecture (its municipalities) or
the Ministry, and the Ministry's sign-in audit log; pages and API. The rules live in
``kofuplan.services.sign_in``; here only forms and JSON are converted."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import FormData

from kofuplan.adapters.web.auth import client_address
from kofuplan.adapters.web.deps import (
    PostedForm,
    ResetMunicipalityPassword,
    ResetPrefecturePassword,
    SignedIn,
    Uow,
    ViewNation,
)
from kofuplan.adapters.web.render import templates
from kofuplan.services import sign_in
from kofuplan.services.access import Principal, home_path
from kofuplan.services.passwords import min_length
from kofuplan.services.ports import UnitOfWork, UserRecord

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["api"])


def _render(
    request: Request, name: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


# --- password change ------------------------------------------------------------------------


@pages.get("/account/password")
def password_page(request: Request, who: SignedIn, uow: Uow) -> Response:
    user = uow.accounts.user(who.user_id or -1)
    return _render(
        request,
        "account_password.html",
        {
            "who": who,
            "forced": bool(user and user.must_change_password),
            "min_length": min_length(),
            "error": None,
            "error_field": None,
        },
    )


@pages.post("/account/password")
def password_submit(request: Request, form: PostedForm, who: SignedIn, uow: Uow) -> Response:
    try:
        sign_in.change_password(
            uow,
            who.user_id or -1,
            str(form.get("current_password", "")),
            str(form.get("new_password", "")),
            str(form.get("confirm_password", "")),
            client_address(request),
            getattr(request.state, "login_session_id", None),
        )
    except sign_in.PasswordError as e:
        user = uow.accounts.user(who.user_id or -1)
        context = {
            "who": who,
            "forced": bool(user and user.must_change_password),
            "min_length": min_length(),
            "error": f"変更していません。{e}",
            "error_field": e.field,
        }
        return _render(request, "account_password.html", context, 422)
    return RedirectResponse(f"{home_path(who)}?done=password", status_code=303)


class PasswordChangeIn(BaseModel):
    current_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)
    confirm_password: str = Field(max_length=256)


@api.post("/account/password", status_code=204)
def api_password(body: PasswordChangeIn, request: Request, who: SignedIn, uow: Uow) -> None:
    """Change one's own password (also what a temporary password must do first)."""
    try:
        sign_in.change_password(
            uow,
            who.user_id or -1,
            body.current_password,
            body.new_password,
            body.confirm_password,
            client_address(request),
            getattr(request.state, "login_session_id", None),
        )
    except sign_in.PasswordError as e:
        raise HTTPException(422, str(e)) from None


# --- reset by the prefecture or the Ministry ------------------------------------------------


class ResetIn(BaseModel):
    login: str = Field(min_length=1, max_length=64)


class ResetOut(BaseModel):
    login: str
    temporary_password: str


def _reset(
    uow: UnitOfWork, request: Request, actor: Principal, candidates: list[UserRecord], login: str
) -> ResetOut:
    user = next((u for u in candidates if u.login == login), None)
    if user is None:
        detail = f"ログイン名「{login[:64]}」はこの団体のアカウントではありません。"
        raise HTTPException(422, detail)
    return ResetOut(
        login=user.login,
        temporary_password=sign_in.reset_password(uow, actor, user, client_address(request)),
    )


def _reset_page(request: Request, who: Principal, name: str, back: str, out: ResetOut) -> Response:
    return _render(
        request,
        "account_reset.html",
        {"who": who, "name": name, "back": back, "out": out, "error": None},
    )


@pages.post("/m/{lg_code}/password-reset")
def reset_municipality_page(
    request: Request, form: PostedForm, access: ResetMunicipalityPassword
) -> Response:
    m = access.municipality
    users = list(access.uow.accounts.users_of(lg_code=m.lg_code))
    return _reset_from_form(request, form, access.uow, access.who, users, m.name, f"/m/{m.lg_code}")


@pages.post("/p/{pref_code}/password-reset")
def reset_prefecture_page(
    request: Request, form: PostedForm, access: ResetPrefecturePassword
) -> Response:
    p = access.prefecture
    users = list(access.uow.accounts.users_of(pref_code=p.code))
    return _reset_from_form(request, form, access.uow, access.who, users, p.name, f"/p/{p.code}")


def _reset_from_form(
    request: Request,
    form: FormData,
    uow: UnitOfWork,
    who: Any,
    users: list[UserRecord],
    name: str,
    back: str,
) -> Response:
    """The reset page's form, for a municipality's or a prefecture's accounts."""
    try:
        out = _reset(uow, request, who, users, str(form.get("login", "")))
    except HTTPException as e:
        context = {"who": who, "name": name, "back": back, "out": None, "error": e.detail}
        return _render(request, "account_reset.html", context, 422)
    return _reset_page(request, who, name, back, out)


@api.post("/municipalities/{lg_code}/password-reset")
def api_reset_municipality(
    body: ResetIn, request: Request, access: ResetMunicipalityPassword
) -> ResetOut:
    """A temporary password for one of the municipality's accounts (to be changed at the
    next sign-in); the prefecture of the municipality or the Ministry."""
    users = list(access.uow.accounts.users_of(lg_code=access.municipality.lg_code))
    return _reset(access.uow, request, access.who, users, body.login)


@api.post("/prefectures/{pref_code}/password-reset")
def api_reset_prefecture(
    body: ResetIn, request: Request, access: ResetPrefecturePassword
) -> ResetOut:
    """A temporary password for one of the prefecture's accounts; the Ministry."""
    users = list(access.uow.accounts.users_of(pref_code=access.prefecture.code))
    return _reset(access.uow, request, access.who, users, body.login)


# --- the audit log --------------------------------------------------------------------------


@pages.get("/audit")
def audit_page(request: Request, access: ViewNation) -> Response:
    login = request.query_params.get("login", "").strip()[:64]
    events = access.uow.accounts.sign_in_events(login or None)
    names = access.uow.accounts.user_logins([e.actor_id for e in events])
    return _render(
        request,
        "audit.html",
        {
            "who": access.who,
            "events": events,
            "actors": names,
            "login": login,
            "labels": sign_in.OUTCOME_LABELS,
        },
    )
