"""How long a sign-in must wait after failures: growing delays, never a fixed lockout.

Failures are counted per (login, source address) pair, so that wrong passwords typed at one
office never stop the account's owner signing in from another, and per address over all logins
(a much larger allowance: an office reaches the service through one NAT address), so that one
address cannot try passwords across many accounts. Past the free failures each further failure
doubles the wait, up to a cap; a success of the pair starts the count again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ThrottleRule:
    free_failures: int  # failures of a (login, address) pair before any wait
    free_failures_per_address: int  # failures of an address, any login, before any wait
    base_delay_seconds: float  # the first wait; each further failure doubles it
    max_delay_seconds: float
    window_seconds: float  # failures older than this are forgotten


def delay_after(failures: int, free: int, rule: ThrottleRule) -> float:
    """The wait owed after ``failures`` counted failures (0 while within the free ones)."""
    if failures < free:
        return 0.0
    return float(min(rule.max_delay_seconds, rule.base_delay_seconds * 2 ** (failures - free)))


def wait_seconds(
    pair_failures: Sequence[float],
    address_failures: Sequence[float],
    now: float,
    rule: ThrottleRule,
) -> float:
    """Seconds the next attempt must still wait (0: it may go ahead).

    ``pair_failures``: times (seconds) of the pair's failures since its last success;
    ``address_failures``: times of the address's failures, any login. Both may hold failures
    older than the window: they are dropped here.
    """
    waits = [0.0]
    for times, free in (
        (pair_failures, rule.free_failures),
        (address_failures, rule.free_failures_per_address),
    ):
        recent = [t for t in times if now - t <= rule.window_seconds]
        if recent:
            waits.append(max(recent) + delay_after(len(recent), free, rule) - now)
    return max(waits)
