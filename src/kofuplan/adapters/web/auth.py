"""Signing in and out, shared by the pages and the API."""

from __future__ import annotations

from fastapi import Request, Response

from kofuplan.adapters.storage.repository import Repository
from kofuplan.adapters.web.security import CSRF_COOKIE, SESSION_COOKIE
from kofuplan.services.access import Principal
from kofuplan.services.passwords import verify_password


class Throttled(Exception):
    pass


class BadCredentials(Exception):
    pass


def authenticate(request: Request, repo: Repository, login: str, password: str) -> Principal:
    throttle = request.app.state.throttle
    client = request.client.host if request.client else "unknown"
    keys = (f"login:{login}", f"ip:{client}")
    if throttle.blocked(*keys):
        raise Throttled
    user = repo.user_by_login(login)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        throttle.fail(*keys)
        raise BadCredentials
    throttle.succeed(keys[0])
    return Principal(user.id, user.login, user.role, user.lg_code, user.pref_code)  # type: ignore[arg-type]


def secure_cookies(request: Request) -> bool:
    setting = request.app.state.settings.cookie_secure
    return bool(setting) if setting is not None else request.url.scheme == "https"


def start_session(request: Request, response: Response, repo: Repository, who: Principal) -> None:
    assert who.user_id is not None
    codec = request.app.state.sessions
    response.set_cookie(
        SESSION_COOKIE,
        codec.dump(repo.start_login_session(who.user_id)),
        max_age=codec.max_age_seconds,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/",
    )


def end_session(request: Request, response: Response, repo: Repository) -> None:
    sid = request.app.state.sessions.load(request.cookies.get(SESSION_COOKIE))
    if sid is not None:
        repo.end_login_session(sid)
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=secure_cookies(request), path="/"
    )
    # A fresh CSRF token for the next person at this browser.
    response.delete_cookie(CSRF_COOKIE, path="/")
