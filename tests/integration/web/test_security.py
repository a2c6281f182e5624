"""Security of the shared service (issue 6 §5): argon2, cookie flags, CSRF on every form,
login throttling, size limits, refusing a default secret, no outside assets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from kofuplan.adapters.web.settings import DEVELOPMENT_SECRET, Settings
from kofuplan.services.passwords import hash_password, verify_password
from kofuplan.services.ports import Storage
from tests.web_support import PASSWORD, Client, memory_sample, memory_service, serve, signed_in


@pytest.fixture()
def service(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[tuple[str, Any]]:
    """A service of its own (a copy of the sample seeded once per run, on the in-memory
    store): these tests are about HTTP, the stores are the contract test's (issue 12)."""
    settings = getattr(request, "param", {})
    with memory_service(tmp_path_factory, per_prefecture=1, **settings) as running:
        yield running


def test_R6_passwords_are_stored_as_argon2id_hashes() -> None:
    h = hash_password("correct horse battery")
    assert h.startswith("$argon2id$")
    assert verify_password(h, "correct horse battery")
    assert not verify_password(h, "wrong")
    assert not verify_password(None, "anything")  # unknown login
    assert not verify_password("not a hash", "x")


def test_R6_session_cookie_is_httponly_and_samesite_lax(service: tuple[str, Any]) -> None:
    url, accounts = service
    c = Client(url)
    r = c.login(accounts.ministry)
    cookie = r.headers["set-cookie"]
    assert "kofuplan_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain HTTP on loopback


def test_R6_session_cookie_is_secure_behind_tls(service: tuple[str, Any]) -> None:
    """Behind a TLS-terminating proxy (X-Forwarded-Proto from a trusted address)."""
    url, accounts = service
    c = Client(url)
    r = c.http.post(
        "/api/login",
        json={"login": accounts.ministry, "password": PASSWORD},
        headers={"x-csrf-token": c.csrf, "x-forwarded-proto": "https"},
    )
    assert r.status_code == 200
    assert "Secure" in r.headers["set-cookie"]


@pytest.mark.parametrize("service", [{"cookie_secure": True}], indirect=True)
def test_R6_secure_cookie_can_be_forced_by_setting(service: tuple[str, Any]) -> None:
    url, accounts = service
    c = Client(url)
    assert "Secure" in c.login(accounts.ministry).headers["set-cookie"]


def test_R6_every_form_and_unsafe_request_needs_the_csrf_token(service: tuple[str, Any]) -> None:
    url, accounts = service
    lg, login = next(iter(accounts.municipalities.items()))
    c = signed_in(url, login)
    page = c.get(f"/m/{lg}").text
    forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", page, flags=re.S)
    assert forms and all('name="csrf_token"' in f for f in forms)
    no_token = c.http.post(f"/m/{lg}/submit", data={"comment": "x"})
    assert no_token.status_code == 403
    wrong = c.http.post(f"/m/{lg}/submit", data={"comment": "x", "csrf_token": "forged"})
    assert wrong.status_code == 403
    api = c.http.post(f"/api/municipalities/{lg}/submit", json={})
    assert api.status_code == 403
    assert c.post(f"/m/{lg}/submit", data={"comment": "ok"}).status_code == 303


@pytest.mark.parametrize("service", [{"login_free_failures": 3}], indirect=True)
def test_R6_login_is_throttled_per_login_and_address_with_a_wait(service: tuple[str, Any]) -> None:
    url, accounts = service
    c = Client(url)
    for _ in range(3):
        assert c.login(accounts.ministry, "wrong-password").status_code == 401
    refused = c.login(accounts.ministry)  # even the right password must wait now
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert "待って" in refused.json()["detail"]
    other = next(iter(accounts.prefectures.values()))
    assert c.login(other).status_code == 200  # other logins from this address are not blocked


def test_R6_five_wrong_passwords_from_one_address_do_not_stop_the_right_one_from_another(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Issue 14: the throttle is per (login, address): an attacker elsewhere cannot lock the
    owner out. The addresses are told apart as a proxy would tell the app (X-Forwarded-For
    is not trusted here, so the test drives the service layer with two addresses)."""
    from kofuplan.adapters.web.settings import Settings

    store, accounts = memory_sample(tmp_path_factory, per_prefecture=1)
    with serve(store, accounts) as (url, _):
        rule = Settings().throttle_rule()
        assert rule.free_failures == 5  # the default in Settings (adapters/web/settings.py)
        _wrong_five_then_right_elsewhere(store, accounts, rule)
        # The owner signs in over HTTP too (the service sees 127.0.0.1, another address).
        assert Client(url).login(accounts.ministry).status_code == 200


def _wrong_five_then_right_elsewhere(db: Storage, accounts: Any, rule: Any) -> None:
    from kofuplan.services import sign_in

    with db.unit_of_work() as repo:
        for _ in range(5):
            with pytest.raises(sign_in.BadCredentials):
                sign_in.sign_in(repo, accounts.ministry, "wrong-password", "198.51.100.7", rule)
        with pytest.raises(sign_in.Throttled):  # the attacker's address must now wait
            sign_in.sign_in(repo, accounts.ministry, PASSWORD, "198.51.100.7", rule)
        signed = sign_in.sign_in(repo, accounts.ministry, PASSWORD, "203.0.113.5", rule)
        assert signed.who.login == accounts.ministry
        outcomes = [e.outcome for e in repo.accounts.sign_in_events(accounts.ministry)]
    assert outcomes == ["success", "throttled"] + ["failure"] * 5


@pytest.mark.parametrize("service", [{"upload_max_bytes": 4096}], indirect=True)
def test_R6_request_bodies_are_size_limited(service: tuple[str, Any]) -> None:
    url, accounts = service
    lg, login = next(iter(accounts.municipalities.items()))
    c = signed_in(url, login)
    big = {"base_revision_id": 1, "reason": "x" * 10_000, "rows": []}
    assert c.post(f"/api/municipalities/{lg}/plan", json=big).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"base_revision_id": 1, "reason": "'
        for _ in range(10):
            yield b"y" * 1000
        yield b'", "rows": []}'

    r = c.http.post(
        f"/api/municipalities/{lg}/plan",
        content=chunks(),
        headers={"x-csrf-token": c.csrf, "content-type": "application/json"},
    )
    assert r.status_code == 413


def test_R6_settings_refuse_the_default_secret_outside_development() -> None:
    with pytest.raises(ValidationError, match="KOFUPLAN_SECRET_KEY"):
        Settings(environment="production")
    with pytest.raises(ValidationError, match="KOFUPLAN_SECRET_KEY"):
        Settings(environment="production", secret_key="short")
    ok = Settings(environment="production", secret_key="s" * 40)
    assert ok.secret_key != DEVELOPMENT_SECRET
    assert Settings().environment == "development"


def test_R6_pages_load_no_outside_assets(service: tuple[str, Any]) -> None:
    """Local government networks are closed: every script, style and image is the app's own."""
    url, accounts = service
    lg, login = next(iter(accounts.municipalities.items()))
    pages = {"/login": Client(url).get("/login").text}
    muni = signed_in(url, login)
    pages[f"/m/{lg}"] = muni.get(f"/m/{lg}").text
    pages[f"/m/{lg}/history"] = muni.get(f"/m/{lg}/history").text
    ministry = signed_in(url, accounts.ministry)
    pages["/nation"] = ministry.get("/nation").text
    pages["/p/01"] = ministry.get("/p/01").text
    pages["/docs"] = ministry.get("/docs").text
    for path, html in pages.items():
        outside = re.findall(r'(?:src|href)="(?:https?:)?//[^"]*"', html)
        assert outside == [], f"{path} loads {outside}"
        for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
            assert httpx.get(f"{url}{asset}").status_code == 200


def test_R6_openapi_describes_the_api(service: tuple[str, Any]) -> None:
    url, _ = service
    spec = httpx.get(f"{url}/openapi.json").json()
    assert "/api/municipalities/{lg_code}/plan" in spec["paths"]
    assert "409" in spec["paths"]["/api/municipalities/{lg_code}/plan"]["post"]["responses"]
    assert all(p.startswith("/api/") for p in spec["paths"])  # pages stay out of the API
    docs = httpx.get(f"{url}/docs")
    assert docs.status_code == 200 and "/api/municipalities/{lg_code}/plan" in docs.text


def test_R6_signing_out_ends_the_session_on_the_server(service: tuple[str, Any]) -> None:
    url, accounts = service
    c = signed_in(url, accounts.ministry)
    stolen = c.http.cookies.get("kofuplan_session")
    assert c.get("/api/session").status_code == 200
    assert c.post("/api/logout").status_code == 204
    replay = httpx.get(f"{url}/api/session", cookies={"kofuplan_session": stolen or ""})
    assert replay.status_code == 401
    other = signed_in(url, accounts.ministry)  # another session of the same login lives on
    assert other.get("/api/session").status_code == 200


def test_R6_a_revision_id_beyond_any_is_404_not_500(service: tuple[str, Any]) -> None:
    """Issue 14: revisions/99999999999999999999 gave a 500 and reset the connection."""
    url, accounts = service
    lg, login = next(iter(accounts.municipalities.items()))
    c = signed_in(url, login)
    for rid in ("99999999999999999999", "2147483648", "0"):
        r = c.get(f"/api/municipalities/{lg}/revisions/{rid}")
        assert r.status_code in (404, 422), (rid, r.status_code)
    assert c.get(f"/api/municipalities/{lg}/revisions/99999999999999999999").status_code == 404


def test_R6_signed_in_answers_are_no_store_with_a_strict_csp(service: tuple[str, Any]) -> None:
    url, accounts = service
    lg, login = next(iter(accounts.municipalities.items()))
    c = signed_in(url, login)
    for path in (f"/m/{lg}", f"/api/municipalities/{lg}/plan", f"/m/{lg}/history", "/login"):
        r = c.get(path)
        assert r.headers["cache-control"] == "no-store", path
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "no-store" not in httpx.get(f"{url}/static/style.css").headers.get("cache-control", "")


def test_R6_openapi_declares_401_and_403_on_every_api_route(service: tuple[str, Any]) -> None:
    url, _ = service
    spec = httpx.get(f"{url}/openapi.json").json()
    missing = [
        f"{method.upper()} {path}"
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if not path.endswith("/login") and not {"401", "403"} <= set(op["responses"])
    ]
    assert missing == []
    login = spec["paths"]["/api/login"]["post"]["responses"]
    assert {"401", "429"} <= set(login)
