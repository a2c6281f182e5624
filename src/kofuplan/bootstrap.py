"""One place that builds what the CLI and the web app run on: the store (units of work over
it, ``kofuplan.services.ports``), and the rule book with its clock (the rules hold at the
data's as-of date, or today without data).

Use cases never build these themselves; they are handed a unit of work and read the rules
through :mod:`kofuplan.services.rule_clock`, which this installs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from kofuplan.parameters import RuleBook, load_rules
from kofuplan.services.ports import Storage
from kofuplan.services.rule_clock import RuleClock, install
from kofuplan.settings import ServiceSettings
from kofuplan.settings import install as install_settings


@dataclass(frozen=True)
class Wiring:
    storage: Storage
    clock: RuleClock


def bootstrap(
    database_url: str | None = None,
    *,
    storage: Storage | None = None,
    rules: RuleBook | None = None,
    today: Callable[[], dt.date] = dt.date.today,
    settings: ServiceSettings | None = None,
) -> Wiring:
    """The store (``storage`` as given: a database or the in-memory store; else the SQL
    database at ``database_url``), the rule clock and the service's settings (``settings``, or
    from the environment), installed for the use cases."""
    clock = RuleClock(rules or load_rules(), today)
    install(clock)
    install_settings(settings if settings is not None else ServiceSettings())
    if storage is None:
        from kofuplan.adapters.storage.db import Database

        storage = Database(database_url)
    return Wiring(storage, clock)
