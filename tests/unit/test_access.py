"""R6: the three roles' rules, decided in one place (kofuplan.services.access)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kofuplan.domain.review import TransitionError, next_status
from kofuplan.services.access import Policy, Principal, allowed

codes = st.sampled_from(["011002", "012025", "131016", "271004"])
prefs = st.sampled_from(["01", "13", "27"])


def muni(lg: str) -> Principal:
    return Principal(1, "m", "municipality", lg, lg[:2])


def pref(code: str) -> Principal:
    return Principal(2, "p", "prefecture", None, code)


MINISTRY = Principal(3, "x", "ministry")
EDITS = (Policy.EDIT_MUNICIPALITY, Policy.REVIEW_MUNICIPALITY, Policy.SUBMIT_PREFECTURE)


@given(codes, codes)
def test_R6_a_municipality_sees_and_edits_only_its_own_plan(me: str, other: str) -> None:
    for policy in (Policy.VIEW_MUNICIPALITY, Policy.EDIT_MUNICIPALITY):
        assert allowed(muni(me), policy, lg_code=other, pref_code=other[:2]) == (me == other)
    assert not allowed(muni(me), Policy.REVIEW_MUNICIPALITY, lg_code=me, pref_code=me[:2])
    assert not allowed(muni(me), Policy.VIEW_PREFECTURE, pref_code=me[:2])
    assert not allowed(muni(me), Policy.VIEW_NATION)


@given(prefs, codes)
def test_R6_a_prefecture_reviews_only_its_own_municipalities(mine: str, lg: str) -> None:
    own = lg[:2] == mine
    for policy in (Policy.VIEW_MUNICIPALITY, Policy.REVIEW_MUNICIPALITY):
        assert allowed(pref(mine), policy, lg_code=lg, pref_code=lg[:2]) == own
    assert not allowed(pref(mine), Policy.EDIT_MUNICIPALITY, lg_code=lg, pref_code=lg[:2])
    assert allowed(pref(mine), Policy.SUBMIT_PREFECTURE, pref_code=lg[:2]) == own


@given(codes)
def test_R6_the_ministry_sees_everything_and_edits_nothing_municipal(lg: str) -> None:
    assert allowed(MINISTRY, Policy.VIEW_MUNICIPALITY, lg_code=lg, pref_code=lg[:2])
    assert allowed(MINISTRY, Policy.VIEW_PREFECTURE, pref_code=lg[:2])
    assert allowed(MINISTRY, Policy.VIEW_NATION)
    for policy in EDITS:
        assert not allowed(MINISTRY, policy, lg_code=lg, pref_code=lg[:2])


@given(st.sampled_from(list(Policy)), codes)
def test_R6_nobody_signed_out_gets_past_a_non_public_route(policy: Policy, lg: str) -> None:
    assert allowed(None, policy, lg_code=lg, pref_code=lg[:2]) == (policy is Policy.PUBLIC)


def test_R6_1_review_status_moves() -> None:
    assert next_status("not_started", "save") == "draft"
    assert next_status("draft", "submit") == "submitted"
    assert next_status("submitted", "return") == "returned"
    assert next_status("returned", "submit") == "submitted"
    assert next_status("submitted", "accept") == "accepted"
    assert next_status("accepted", "save") == "draft"
    for status, action in (("draft", "accept"), ("not_started", "submit"), ("draft", "return")):
        try:
            next_status(status, action)  # type: ignore[arg-type]
        except TransitionError:
            continue
        raise AssertionError(f"{action} from {status} should be refused")
