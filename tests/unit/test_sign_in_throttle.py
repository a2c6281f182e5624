"""Issue 14 §3: sign-in throttling by (login, address) and by address, with growing delays
rather than a fixed lockout (domain/sign_in_throttle.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kofuplan.domain.sign_in_throttle import ThrottleRule, delay_after, wait_seconds

RULE = ThrottleRule(
    free_failures=5,
    free_failures_per_address=50,
    base_delay_seconds=2,
    max_delay_seconds=900,
    window_seconds=3600,
)


def test_R6_sign_in_free_failures_cost_no_wait_then_the_wait_doubles() -> None:
    assert [delay_after(n, 5, RULE) for n in range(4, 10)] == [0, 2, 4, 8, 16, 32]
    assert delay_after(40, 5, RULE) == 900  # capped


def test_R6_sign_in_wait_counts_from_the_last_failure_and_ends() -> None:
    failures = [100.0 + i for i in range(6)]  # six failures, the last at 105
    assert wait_seconds(failures, failures, 105.0, RULE) == 4.0
    assert wait_seconds(failures, failures, 108.5, RULE) == 0.5
    assert wait_seconds(failures, failures, 109.0, RULE) <= 0
    assert wait_seconds(failures[:4], failures[:4], 104.0, RULE) <= 0  # still free


def test_R6_sign_in_failures_older_than_the_window_are_forgotten() -> None:
    old = [0.0] * 30
    assert wait_seconds(old, old, 3601.0, RULE) <= 0


def test_R6_sign_in_address_allowance_is_shared_by_all_logins() -> None:
    # No failure for this login, but the address has failed 51 times over many logins.
    by_address = [float(i) for i in range(51)]
    assert wait_seconds([], by_address, 51.0, RULE) > 0
    assert wait_seconds([], by_address[:49], 51.0, RULE) <= 0


@settings(deadline=None)
@given(st.integers(0, 60), st.integers(0, 60))
def test_R6_sign_in_more_failures_never_shorten_the_wait(n: int, extra: int) -> None:
    assert delay_after(n + extra, 5, RULE) >= delay_after(n, 5, RULE)
    assert delay_after(n, 5, RULE) <= RULE.max_delay_seconds
