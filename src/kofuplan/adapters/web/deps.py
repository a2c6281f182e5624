"""FastAPI dependencies: the database session, the signed-in user, and one access dependency
per :class:`~kofuplan.services.access.Policy`. Every route declares exactly one of the access
dependencies (``Public``, ``SignedIn``, ``ViewMunicipality`` …); the role-matrix test fails
when one does not. The decisions themselves are made by ``kofuplan.services.access.allowed``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Request
from starlette.datastructures import FormData

from kofuplan.adapters.web.security import CSRF_FIELD, CSRF_HEADER, csrf_matches
from kofuplan.domain.lgcode import pref_code_of
from kofuplan.errors import KofuplanError
from kofuplan.services.access import Policy, Principal, allowed
from kofuplan.services.ports import MunicipalityRecord, PrefectureRecord, UnitOfWork

POLICY_ATTRIBUTE = "__kofuplan_policy__"


class NotSignedIn(KofuplanError):
    """No session: the page asks to sign in, the API answers 401."""


class Forbidden(KofuplanError):
    """The role may not do this (403)."""


class NotFound(KofuplanError):
    """No such municipality, prefecture or revision (404)."""


class CsrfFailed(KofuplanError):
    """A form or request without the session's CSRF token (403)."""


class MustChangePassword(KofuplanError):
    """Signed in with a temporary password: only the password change (and signing out, help)
    may be used until it is replaced."""


# Paths usable while a temporary password is still to be changed.
TEMPORARY_PASSWORD_PATHS = ("/account/password", "/api/account/password", "/logout",
                            "/api/logout", "/api/session", "/help")  # fmt: skip


def get_uow(request: Request) -> Iterator[UnitOfWork]:
    """The request's unit of work, from the store the bootstrap gave the app; what a route
    did not commit is rolled back when the request ends."""
    with request.app.state.storage.unit_of_work() as uow:
        yield uow


Uow = Annotated[UnitOfWork, Depends(get_uow)]


def current_principal(request: Request, uow: Uow) -> Principal | None:
    sid = request.app.state.sessions.load(request.cookies.get("kofuplan_session"))
    if sid is None:
        return None
    login_session = uow.accounts.login_session(sid)
    if login_session is None or login_session.ended_at is not None:
        return None
    user = uow.accounts.user(login_session.user_id)
    if user is None:
        return None
    request.state.login_session_id = sid
    if user.must_change_password and not request.url.path.startswith(TEMPORARY_PASSWORD_PATHS):
        raise MustChangePassword
    return Principal(user.id, user.login, user.role, user.lg_code, user.pref_code)  # type: ignore[arg-type]


def principal_for_page(request: Request) -> Principal | None:
    """The signed-in user for an error page (outside the route's own dependencies)."""
    try:
        with request.app.state.storage.unit_of_work() as uow:
            return current_principal(request, uow)
    except Exception:  # a temporary password, or the database itself failing: no user menu
        return None


MaybePrincipal = Annotated[Principal | None, Depends(current_principal)]

F = TypeVar("F", bound=Callable[..., Any])


def declares(policy: Policy) -> Callable[[F], F]:
    def mark(f: F) -> F:
        setattr(f, POLICY_ATTRIBUTE, policy)
        return f

    return mark


async def verify_csrf(request: Request) -> AsyncIterator[None]:
    """Applied to the whole app: every unsafe request carries the CSRF token of its cookie,
    in the form field ``csrf_token`` or the ``X-CSRF-Token`` header. Afterwards it closes the
    parsed form (uploaded files are spooled to temporary files)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        yield
        return
    expected = request.cookies.get("kofuplan_csrf")
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not csrf_matches(expected, given):
        await request.close()
        raise CsrfFailed
    try:
        yield
    finally:
        await request.close()


async def posted_form(request: Request) -> FormData:
    """The request's form, read on the event loop: the route that takes it (``PostedForm``)
    is then a plain ``def``, which FastAPI runs in its thread pool, so that password hashing,
    the checks and the database never hold up other requests (issue 16)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


# --- access dependencies -------------------------------------------------------------------


@declares(Policy.PUBLIC)
def public(who: MaybePrincipal) -> Principal | None:
    return who


@declares(Policy.SIGNED_IN)
def signed_in(who: MaybePrincipal) -> Principal:
    if who is None:
        raise NotSignedIn
    return who


@dataclass(frozen=True)
class MunicipalityAccess:
    who: Principal
    municipality: MunicipalityRecord
    uow: UnitOfWork


@dataclass(frozen=True)
class PrefectureAccess:
    who: Principal
    prefecture: PrefectureRecord
    uow: UnitOfWork


@dataclass(frozen=True)
class NationAccess:
    who: Principal
    uow: UnitOfWork


LgCode = Annotated[str, Path(pattern=r"^\d{6}$", description="全国地方公共団体コード（6桁）")]
PrefCode = Annotated[str, Path(pattern=r"^\d{2}$", description="都道府県コード（2桁）")]


def _municipality(policy: Policy) -> Callable[..., MunicipalityAccess]:
    @declares(policy)
    def dependency(lg_code: LgCode, who: MaybePrincipal, uow: Uow) -> MunicipalityAccess:
        if who is None:
            raise NotSignedIn
        # Decided from the code alone (its first two digits are the prefecture), so that a
        # refused user cannot tell an existing municipality from a missing one.
        if not allowed(who, policy, lg_code=lg_code, pref_code=pref_code_of(lg_code)):
            raise Forbidden
        m = uow.places.municipality(lg_code)
        if m is None:
            raise NotFound
        return MunicipalityAccess(who, m, uow)

    dependency.__name__ = policy.value
    return dependency


def _prefecture(policy: Policy) -> Callable[..., PrefectureAccess]:
    @declares(policy)
    def dependency(pref_code: PrefCode, who: MaybePrincipal, uow: Uow) -> PrefectureAccess:
        if who is None:
            raise NotSignedIn
        if not allowed(who, policy, pref_code=pref_code):
            raise Forbidden
        p = uow.places.prefecture(pref_code)
        if p is None:
            raise NotFound
        return PrefectureAccess(who, p, uow)

    dependency.__name__ = policy.value
    return dependency


@declares(Policy.VIEW_NATION)
def view_nation(who: MaybePrincipal, uow: Uow) -> NationAccess:
    if who is None:
        raise NotSignedIn
    if not allowed(who, Policy.VIEW_NATION):
        raise Forbidden
    return NationAccess(who, uow)


Public = Annotated[Principal | None, Depends(public)]
SignedIn = Annotated[Principal, Depends(signed_in)]
ViewMunicipality = Annotated[MunicipalityAccess, Depends(_municipality(Policy.VIEW_MUNICIPALITY))]
EditMunicipality = Annotated[MunicipalityAccess, Depends(_municipality(Policy.EDIT_MUNICIPALITY))]
ReviewMunicipality = Annotated[
    MunicipalityAccess, Depends(_municipality(Policy.REVIEW_MUNICIPALITY))
]
ViewPrefecture = Annotated[PrefectureAccess, Depends(_prefecture(Policy.VIEW_PREFECTURE))]
SubmitPrefecture = Annotated[PrefectureAccess, Depends(_prefecture(Policy.SUBMIT_PREFECTURE))]
ViewNation = Annotated[NationAccess, Depends(view_nation)]
ResetMunicipalityPassword = Annotated[
    MunicipalityAccess, Depends(_municipality(Policy.RESET_MUNICIPALITY_PASSWORD))
]
ResetPrefecturePassword = Annotated[
    PrefectureAccess, Depends(_prefecture(Policy.RESET_PREFECTURE_PASSWORD))
]
