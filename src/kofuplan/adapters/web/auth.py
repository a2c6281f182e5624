"""Signing in and out, shared by the pages and the API."""

from __future__ import annotations

from fastapi import Request, Response

from kofuplan.adapters.web.security import CSRF_COOKIE, SESSION_COOKIE
from kofuplan.services.access import Principal
from kofuplan.services.ports import UnitOfWork
from kofuplan.services.sign_in import BadCredentials, SignedIn, Throttled, sign_in

__all__ = ["BadCredentials", "Throttled", "authenticate", "client_address", "end_session"]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def authenticate(request: Request, uow: UnitOfWork, login: str, password: str) -> SignedIn:
    return sign_in(uow, login, password, client_address(request), request.app.state.throttle_rule)


def secure_cookies(request: Request) -> bool:
    setting = request.app.state.settings.cookie_secure
    return bool(setting) if setting is not None else request.url.scheme == "https"


def start_session(request: Request, response: Response, uow: UnitOfWork, who: Principal) -> None:
    assert who.user_id is not None
    codec = request.app.state.sessions
    session_id = uow.accounts.start_login_session(who.user_id)
    uow.commit()
    response.set_cookie(
        SESSION_COOKIE,
        codec.dump(session_id),
        max_age=codec.max_age_seconds,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/",
    )


def end_session(request: Request, response: Response, uow: UnitOfWork) -> None:
    sid = request.app.state.sessions.load(request.cookies.get(SESSION_COOKIE))
    if sid is not None:
        uow.accounts.end_login_session(sid)
        uow.commit()
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=secure_cookies(request), path="/"
    )
    # A fresh CSRF token for the next person at this browser.
    response.delete_cookie(CSRF_COOKIE, path="/")
