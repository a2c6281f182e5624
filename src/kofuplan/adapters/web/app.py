"""The FastAPI application: wiring of settings, database, security and routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from kofuplan.adapters.web import (
    accounts,
    api,
    api_docs,
    errors,
    excel_routes,
    exports,
    guide,
    pages,
)
from kofuplan.adapters.web.deps import (
    CsrfFailed,
    Forbidden,
    MustChangePassword,
    NotFound,
    NotSignedIn,
    principal_for_page,
    verify_csrf,
)
from kofuplan.adapters.web.render import STATIC, templates
from kofuplan.adapters.web.security import BodySizeLimit, CsrfCookie, SessionCodec
from kofuplan.adapters.web.settings import Settings
from kofuplan.bootstrap import bootstrap
from kofuplan.services import summaries
from kofuplan.services.ports import Storage


def create_app(settings: Settings | None = None, db: Storage | None = None) -> FastAPI:
    """The app on ``db`` (a store made by a test or the server), or on the settings' database;
    the bootstrap installs the rule clock and hands over the store."""
    settings = settings or Settings()
    storage = bootstrap(settings.database_url, storage=db, settings=settings).storage

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        summaries.start(storage)  # national and prefecture aggregates recomputed after changes
        try:
            yield
        finally:
            # Before the store's connections are closed: a recompute under way finishes and
            # its thread ends (no connection is left to the garbage collector).
            summaries.stop(storage)

    app = FastAPI(
        lifespan=lifespan,
        title="kofuplan — マイナンバーカード交付円滑化計画",
        description="市区町村の交付円滑化計画の作成・都道府県の確認と提出・全国の状況",
        version="0.1.0",
        dependencies=[Depends(verify_csrf)],
        docs_url=None,  # Swagger UI loads from a CDN; /docs is rendered here instead
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.storage = storage
    app.state.sessions = SessionCodec(settings.secret_key, settings.session_max_age_seconds)
    app.state.throttle_rule = settings.throttle_rule()

    app.include_router(api.router, responses=api.SIGN_IN_RESPONSES)
    app.include_router(accounts.api, responses=api.SIGN_IN_RESPONSES)
    app.include_router(pages.router)
    app.include_router(accounts.pages)
    app.include_router(guide.router)
    app.include_router(exports.router)
    app.include_router(api_docs.router)
    app.include_router(excel_routes.router, responses=api.SIGN_IN_RESPONSES)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def _is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    def _page(request: Request, status: int, message: str) -> Response:
        # The signed-in user keeps the header (who, help, sign-out) on an error page too.
        who = principal_for_page(request)
        return templates.TemplateResponse(
            request, "error.html", {"who": who, "status": status, "refusal": message}, status
        )

    @app.exception_handler(MustChangePassword)
    async def must_change(request: Request, _: Exception) -> Response:
        if _is_api(request):
            msg = "仮パスワードのままです。先にパスワードを変更してください。"
            return JSONResponse({"detail": msg}, status_code=403)
        return RedirectResponse("/account/password", status_code=303)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _: Exception) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "ログインが必要です"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, _: Exception) -> Response:
        msg = "この操作・画面の権限がありません。"
        if _is_api(request):
            return JSONResponse({"detail": msg}, status_code=403)
        return _page(request, 403, msg)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, _: Exception) -> Response:
        msg = "見つかりません。"
        if _is_api(request):
            return JSONResponse({"detail": msg}, status_code=404)
        return _page(request, 404, msg)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, _: Exception) -> Response:
        msg = "フォームの有効期限が切れたか、不正な送信です。画面を開き直してください。"
        if _is_api(request):
            return JSONResponse({"detail": msg}, status_code=403)
        return _page(request, 403, msg)

    errors.install(app, _page)
    app.add_middleware(CsrfCookie, secure=settings.cookie_secure)
    # Outermost: refuse oversized bodies before anything reads them.
    app.add_middleware(BodySizeLimit, max_bytes=settings.upload_max_bytes)
    return app
