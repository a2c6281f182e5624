"""The app's last line: an error a user caused (:class:`KofuplanError`) gets its own message;
anything else is a bug, logged with a request id that the 500 page shows, so an officer can
quote it and we can find the traceback."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from kofuplan.adapters.validation_words import body_message
from kofuplan.errors import ConflictError, InputError, KofuplanError

log = logging.getLogger("kofuplan.web")

PageMaker = Callable[[Request, int, str], Response]

BUG_MESSAGE = (
    "システムの不具合のため処理できませんでした。お手数ですが、受付番号 {rid} を添えて"
    "管理者にお知らせください。"
)


# Starlette's own answers (an unknown address, a method the route does not take) in Japanese;
# a detail of ours is Japanese already and is kept.
HTTP_MESSAGES = {
    400: "送信された内容を読めません。",
    404: "見つかりません。",
    405: "この操作はここではできません。",
    413: "送信された内容が大きすぎます。",
}
HTTP_DEFAULT = "処理できませんでした。"


def _japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def _status(exc: KofuplanError) -> int:
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, InputError):
        return 422
    return 500  # a rule that cannot be applied: the deployment's fault, not the user's


def install(app: FastAPI, page: PageMaker) -> None:
    """Catch the error root and every bug, on the API (JSON) and the pages (HTML)."""

    def answer(request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=status)
        return page(request, status, message)

    @app.exception_handler(KofuplanError)
    async def user_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, KofuplanError)
        status = _status(exc)
        if status == 500:
            rid = secrets.token_hex(6)
            log.error("request %s %s %s: %s", rid, request.method, request.url.path, exc)
            return answer(request, 500, BUG_MESSAGE.format(rid=rid))
        return answer(request, status, str(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_body(request: Request, exc: Exception) -> Response:
        # FastAPI's default is pydantic's English list; a field is named by its label.
        assert isinstance(exc, RequestValidationError)
        return answer(request, 422, body_message(exc.errors()))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else ""
        message = detail if _japanese(detail) else HTTP_MESSAGES.get(exc.status_code, HTTP_DEFAULT)
        response = answer(request, exc.status_code, message)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Response:
        rid = secrets.token_hex(6)
        log.error("request %s %s %s failed", rid, request.method, request.url.path, exc_info=exc)
        return answer(request, 500, BUG_MESSAGE.format(rid=rid))
