"""One place that builds what the CLI and the web app run on: the store, and the rule book
with its clock (the rules hold at the data's as-of date, or today without data).

Use cases never build these themselves; they are handed the store and read the rules through
:mod:`kofuplan.services.rule_clock`, which this installs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from kofuplan.adapters.storage.db import Database
from kofuplan.parameters import RuleBook, load_rules
from kofuplan.services.rule_clock import RuleClock, install


@dataclass(frozen=True)
class Wiring:
    database: Database
    clock: RuleClock


def bootstrap(
    database_url: str | None = None,
    *,
    database: Database | None = None,
    rules: RuleBook | None = None,
    today: Callable[[], dt.date] = dt.date.today,
) -> Wiring:
    """The store (``database`` as given, or one at ``database_url``) and the rule clock,
    installed for the use cases."""
    clock = RuleClock(rules or load_rules(), today)
    install(clock)
    return Wiring(database or Database(database_url), clock)
