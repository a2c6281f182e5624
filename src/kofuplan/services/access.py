"""Who may do what: the one place the three roles' rules live (R6).

* A municipality sees and edits only its own plan and actuals.
* A prefecture sees its own municipalities, reviews them (findings, advice, accept or return)
  and submits them to the Ministry (R7.1).
* The Ministry sees everything and edits nothing that belongs to a municipality.
* A forgotten password is reset by the prefecture (its municipalities) or the Ministry (any
  municipality or prefecture account).

Every web route declares one of the :class:`Policy` values through a dependency in
``kofuplan.adapters.web.deps``; those dependencies call :func:`allowed` and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal

Role = Literal["municipality", "prefecture", "ministry"]
ROLES: tuple[Role, ...] = ("municipality", "prefecture", "ministry")
ROLE_LABELS: dict[str, str] = {
    "municipality": "市区町村",
    "prefecture": "都道府県",
    "ministry": "総務省",
}


@dataclass(frozen=True)
class Principal:
    """A signed-in user, as far as access decisions go."""

    user_id: int | None  # None for the system itself (imports)
    login: str
    role: Role
    lg_code: str | None = None  # for a municipality user
    pref_code: str | None = None  # for a prefecture user; a municipality's own prefecture


class Policy(Enum):
    """What a route does, named by the resource it touches."""

    PUBLIC = "public"  # sign-in page, assets
    SIGNED_IN = "signed_in"  # any signed-in user, about themselves
    VIEW_MUNICIPALITY = "view_municipality"
    EDIT_MUNICIPALITY = "edit_municipality"  # plan revisions, actuals, hand-in to prefecture
    REVIEW_MUNICIPALITY = "review_municipality"  # accept/return, advice
    VIEW_PREFECTURE = "view_prefecture"
    SUBMIT_PREFECTURE = "submit_prefecture"
    VIEW_NATION = "view_nation"  # also the sign-in audit log
    RESET_MUNICIPALITY_PASSWORD = "reset_municipality_password"
    RESET_PREFECTURE_PASSWORD = "reset_prefecture_password"


def allowed(
    who: Principal | None,
    policy: Policy,
    *,
    lg_code: str | None = None,
    pref_code: str | None = None,
) -> bool:
    """Whether ``who`` may act under ``policy`` on the municipality or prefecture named.

    ``pref_code`` is the prefecture of the resource: for a municipality, the prefecture it
    belongs to.
    """
    if policy is Policy.PUBLIC:
        return True
    if who is None:
        return False
    if policy is Policy.SIGNED_IN:
        return True
    own_municipality = who.role == "municipality" and who.lg_code == lg_code
    own_prefecture = who.role == "prefecture" and who.pref_code == pref_code
    ministry = who.role == "ministry"
    match policy:
        case Policy.VIEW_MUNICIPALITY:
            return lg_code is not None and (own_municipality or own_prefecture or ministry)
        case Policy.EDIT_MUNICIPALITY:
            return lg_code is not None and own_municipality
        case Policy.REVIEW_MUNICIPALITY:
            return lg_code is not None and own_prefecture
        case Policy.VIEW_PREFECTURE:
            return pref_code is not None and (own_prefecture or ministry)
        case Policy.SUBMIT_PREFECTURE:
            return pref_code is not None and own_prefecture
        case Policy.VIEW_NATION:
            return ministry
        case Policy.RESET_MUNICIPALITY_PASSWORD:  # the prefecture for its municipalities
            return lg_code is not None and (own_prefecture or ministry)
        case Policy.RESET_PREFECTURE_PASSWORD:
            return pref_code is not None and ministry
    return False  # pragma: no cover - every policy is matched above


def home_path(who: Principal) -> str:
    """Where a user lands after signing in."""
    if who.role == "municipality":
        return f"/m/{who.lg_code}"
    if who.role == "prefecture":
        return f"/p/{who.pref_code}"
    return "/nation"
