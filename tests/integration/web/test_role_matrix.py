"""R6: every route declares its role, and every role gets exactly what the rules allow against
its own resources and others' (issue 6, "the role-matrix test")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import Mount

from kofuplan.adapters.memory import MemoryStorage
from kofuplan.adapters.web.app import create_app
from kofuplan.adapters.web.deps import POLICY_ATTRIBUTE
from kofuplan.adapters.web.settings import Settings
from kofuplan.services.access import Policy, Principal, allowed
from tests.web_support import Client, memory_service

# Who may do what, written out from the requirement (R6) rather than from the code.
ALLOWED: dict[Policy, set[str]] = {
    Policy.PUBLIC: {"anonymous", "own municipality", "other municipality", "own prefecture",
                    "other prefecture", "ministry"},
    Policy.SIGNED_IN: {"own municipality", "other municipality", "own prefecture",
                       "other prefecture", "ministry"},
    Policy.VIEW_MUNICIPALITY: {"own municipality", "own prefecture", "ministry"},
    Policy.EDIT_MUNICIPALITY: {"own municipality"},
    Policy.REVIEW_MUNICIPALITY: {"own prefecture"},
    Policy.VIEW_PREFECTURE: {"own prefecture", "ministry"},
    Policy.SUBMIT_PREFECTURE: {"own prefecture"},
    Policy.VIEW_NATION: {"ministry"},
    Policy.RESET_MUNICIPALITY_PASSWORD: {"own prefecture", "ministry"},
    Policy.RESET_PREFECTURE_PASSWORD: {"ministry"},
}  # fmt: skip

# The OpenAPI description: public by design (it describes the API and holds no data).
DOCUMENTATION = {"/openapi.json"}


def declared_policies(dependant: Dependant) -> list[Policy]:
    found = []
    for d in dependant.dependencies:
        policy = getattr(d.call, POLICY_ATTRIBUTE, None)
        if policy is not None:
            found.append(policy)
        found += declared_policies(d)
    return found


def all_routes(routes: list[Any]) -> list[Any]:
    """The app's routes, with included routers expanded (FastAPI keeps them as branches)."""
    out = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        out += all_routes(list(inner.routes)) if inner is not None else [route]
    return out


def undeclared_routes(app: FastAPI) -> list[str]:
    """Routes that declare no access dependency (or more than one)."""
    bad = []
    for route in all_routes(app.routes):
        if isinstance(route, APIRoute):
            if len(declared_policies(route.dependant)) != 1:
                bad.append(f"{sorted(route.methods)} {route.path}")
        elif isinstance(route, Mount):
            if route.path != "/static":
                bad.append(f"mount {route.path}")
        elif getattr(route, "path", None) not in DOCUMENTATION:
            bad.append(f"route {getattr(route, 'path', route)}")
    return bad


def test_R6_every_route_declares_exactly_one_role() -> None:
    app = create_app(Settings(), MemoryStorage())
    assert undeclared_routes(app) == []


def test_R6_a_route_without_a_role_is_caught() -> None:
    app = create_app(Settings(), MemoryStorage())

    @app.get("/forgotten")
    def forgotten() -> dict[str, Any]:
        return {}

    assert undeclared_routes(app) == ["['GET'] /forgotten"]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    with memory_service(tmp_path_factory, per_prefecture=1) as running:
        yield running


def _relation(user: str, lg_code: str) -> str:
    if user == "anonymous" or user == "ministry":
        return user
    kind, where = user.split(":")
    own = lg_code == where if kind == "municipality" else lg_code.startswith(where)
    return f"{'own' if own else 'other'} {kind}"


def _fill(path: str, lg_code: str, revision_id: int) -> str:
    return (
        path.replace("{lg_code}", lg_code)
        .replace("{pref_code}", lg_code[:2])
        .replace("{revision_id}", str(revision_id))
        .replace("{month}", "2020-10")
    )


USERS = {
    "anonymous": None,
    "own municipality": Principal(1, "m", "municipality", lg_code="011002", pref_code="01"),
    "other municipality": Principal(2, "o", "municipality", lg_code="022012", pref_code="02"),
    "own prefecture": Principal(3, "p", "prefecture", pref_code="01"),
    "other prefecture": Principal(4, "q", "prefecture", pref_code="02"),
    "ministry": Principal(5, "n", "ministry"),
}


def test_R6_role_matrix_every_route_every_role_against_allowed() -> None:
    """Every route's one declared policy, decided by ``allowed()`` (the one function the route
    dependencies call) for each kind of user, against the table written from R6."""
    app = create_app(Settings(), MemoryStorage())
    routes = [r for r in all_routes(app.routes) if isinstance(r, APIRoute)]
    assert len(routes) >= 20
    failures = []
    for route in routes:
        (policy,) = declared_policies(route.dependant)
        for relation, who in USERS.items():
            got = allowed(who, policy, lg_code="011002", pref_code="01")
            if got != (relation in ALLOWED[policy]):
                failures.append(f"{relation} {route.path} ({policy.value}): {got}")
    assert failures == []


def test_R6_role_matrix_over_http_one_route_per_policy(service: tuple[str, Any]) -> None:
    """The dependencies read the resource from the path and refuse as they should: one
    route of each policy, every kind of user, own and other resources, over HTTP."""
    url, accounts = service
    app = create_app(Settings(), MemoryStorage())
    lg_a = next(c for c in accounts.municipalities if c.startswith("01"))
    lg_b = next(c for c in accounts.municipalities if c.startswith("02"))
    logins = {
        "anonymous": None,
        f"municipality:{lg_a}": accounts.municipalities[lg_a],
        f"municipality:{lg_b}": accounts.municipalities[lg_b],
        "prefecture:01": accounts.prefectures["01"],
        "prefecture:02": accounts.prefectures["02"],
        "ministry": accounts.ministry,
    }
    revision_ids = {}
    for lg in (lg_a, lg_b):
        owner = Client(url)
        owner.login(accounts.municipalities[lg])
        revision_ids[lg] = owner.get(f"/api/municipalities/{lg}/plan").json()["revision"]["id"]
        owner.close()
    # One API route per policy that changes nothing: a GET, or a POST/PUT whose empty body the
    # allowed user gets refused as invalid (422) after the access check passed.
    gets: dict[Policy, APIRoute] = {}
    writes: dict[Policy, APIRoute] = {}
    for route in all_routes(app.routes):
        if isinstance(route, APIRoute) and route.path.startswith("/api/"):
            (policy,) = declared_policies(route.dependant)
            if "GET" in route.methods:
                gets.setdefault(policy, route)
            elif route.body_field is not None:  # an empty body is refused as invalid
                writes[policy] = route
            else:  # submitting with nothing accepted is refused as invalid, too
                writes.setdefault(policy, route)
    sample = {**writes, **gets}
    assert set(sample) >= set(Policy) - {Policy.PUBLIC}
    failures = []
    for user, login in logins.items():
        client = Client(url)
        if login is not None:
            assert client.login(login).status_code == 200
        for lg in (lg_a, lg_b):
            for policy, route in sample.items():
                path = _fill(route.path, lg, revision_ids[lg])
                method = "GET" if "GET" in route.methods else sorted(route.methods)[0]
                r = client.get(path) if method == "GET" else client.send(method, path, json={})
                is_api = True
                if _relation(user, lg) in ALLOWED[policy]:
                    ok = r.status_code not in (401, 403) and not (
                        r.status_code == 303 and r.headers.get("location") == "/login"
                        and policy is not Policy.PUBLIC
                    )  # fmt: skip
                elif user == "anonymous":
                    ok = (
                        r.status_code == 401
                        if is_api
                        else (r.status_code == 303 and r.headers["location"] == "/login")
                    )
                else:
                    ok = r.status_code == 403
                if not ok:
                    failures.append(f"{user} {method} {path} ({policy.value}): {r.status_code}")
        client.close()
    assert failures == []
