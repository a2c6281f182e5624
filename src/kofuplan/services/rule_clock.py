"""The rule book and the clock the service runs on, in one place that the bootstrap sets.

The rules hold at the data's as-of date (the statistics snapshot the store was loaded with,
``Municipality.baseline_date``) or, where there is no data yet, at today's date from the clock.
A dated rule revision therefore reaches the pages as soon as the data it applies to is loaded;
no use case pins a date of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from kofuplan.parameters import RuleBook, Snapshot, load_rules


@dataclass(frozen=True, eq=False)
class RuleClock:
    book: RuleBook = field(default_factory=load_rules)
    today: Callable[[], dt.date] = dt.date.today

    def at(self, as_of: dt.date | None) -> Snapshot:
        """The rules on the data's as-of date, or today when there is no data."""
        return self.book.at(as_of if as_of is not None else self.today())


_current: list[RuleClock] = []


def current() -> RuleClock:
    if not _current:
        _current.append(RuleClock())
    return _current[-1]


def rules_on(as_of: dt.date | None) -> Snapshot:
    return current().at(as_of)


def install(clock: RuleClock) -> None:
    """Make ``clock`` the one the service uses (the bootstrap does this at start)."""
    _current[:] = [clock]


@contextmanager
def using(clock: RuleClock) -> Iterator[RuleClock]:
    """Run with ``clock`` for a while (tests: a rule book with a revision, a fixed day)."""
    _current.append(clock)
    try:
        yield clock
    finally:
        _current.remove(clock)
