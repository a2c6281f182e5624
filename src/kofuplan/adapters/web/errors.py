"""The app's last line: an error a user caused (:class:`KofuplanError`) gets its own message;
anything else is a bug, logged with a request id that the 500 page shows, so an officer can
quote it and we can find the traceback."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from kofuplan.errors import ConflictError, InputError, KofuplanError

log = logging.getLogger("kofuplan.web")

PageMaker = Callable[[Request, int, str], Response]

BUG_MESSAGE = (
    "システムの不具合のため処理できませんでした。お手数ですが、受付番号 {rid} を添えて"
    "管理者にお知らせください。"
)


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

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Response:
        rid = secrets.token_hex(6)
        log.error("request %s %s %s failed", rid, request.method, request.url.path, exc_info=exc)
        return answer(request, 500, BUG_MESSAGE.format(rid=rid))
