"""Sessions, CSRF tokens, security headers and the request size limit."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "kofuplan_session"
CSRF_COOKIE = "kofuplan_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class SessionCodec:
    """A signed, timed cookie holding a login session's id (``login_sessions`` table)."""

    def __init__(self, secret: str, max_age_seconds: int) -> None:
        self._s = URLSafeTimedSerializer(secret, salt="kofuplan-session")
        self.max_age_seconds = max_age_seconds

    def dump(self, session_id: str) -> str:
        return self._s.dumps({"sid": session_id})

    def load(self, token: str | None) -> str | None:
        if not token:
            return None
        try:
            data = self._s.loads(token, max_age=self.max_age_seconds)
        except BadSignature:
            return None
        sid = data.get("sid") if isinstance(data, dict) else None
        return sid if isinstance(sid, str) else None


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    """Double-submit check: the token in the form or header equals the cookie's."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


class BodySizeLimit:
    """ASGI middleware: refuse request bodies above ``max_bytes`` with 413, whether or not
    the client sent a Content-Length. A body without one is read (up to the limit) before the
    app sees it, so nothing downstream ever holds more than the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                if not value.isdigit() or int(value) > self.max_bytes:
                    await _too_large(send)
                    return
                await self.app(scope, receive, send)  # the server enforces the length
                return
        messages: list[Message] = []
        seen = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                await _too_large(send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def _too_large(send: Send) -> None:
    body = "送信データが大きすぎます (413)".encode()
    headers: list[Any] = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# Every page's assets are the app's own (no CDN, no inline script or style), so the policy
# allows nothing else; SVG charts are inline markup, which needs no source.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
)
# Pages and API answers may hold a municipality's plan: never kept by the browser or a proxy,
# so after signing out, Back on a shared office PC asks the server again (and gets sign-in).
NO_STORE = (b"cache-control", b"no-store")


class CsrfCookie:
    """ASGI middleware: give every browser a CSRF token cookie (read back by the forms and
    the API as the double-submit value), and add the security headers to every response
    (``Cache-Control: no-store`` on all but the static assets).
    The token is exposed to the app as ``request.state.csrf_token``."""

    def __init__(self, app: ASGIApp, secure: bool | None) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = None
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                token = cookie_parser(value.decode("latin-1")).get(CSRF_COOKIE) or token
        fresh = not token
        token = token or new_csrf_token()
        scope.setdefault("state", {})["csrf_token"] = token
        secure = self.secure if self.secure is not None else scope.get("scheme") == "https"
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                if not static and b"cache-control" not in present:
                    headers.append(NO_STORE)
                if fresh:
                    cookie = f"{CSRF_COOKIE}={token}; HttpOnly; Path=/; SameSite=lax"
                    headers.append(
                        (b"set-cookie", (cookie + ("; Secure" if secure else "")).encode())
                    )
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cookie)
