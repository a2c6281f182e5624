"""One bootstrap (issue 12 item 2): it hands the app its store, whose units of work the
request dependencies open, and installs the rule clock that the password rules and the
summary refresher read (no pinned 2020-10-01 left), and the service's settings."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import replace
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from kofuplan import settings
from kofuplan.adapters.memory import MemoryStorage
from kofuplan.adapters.web.app import create_app
from kofuplan.adapters.web.deps import get_uow
from kofuplan.adapters.web.settings import Settings
from kofuplan.bootstrap import bootstrap
from kofuplan.parameters import RuleBook, load_rules
from kofuplan.services import passwords, rule_clock, summaries
from kofuplan.settings import ServiceSettings


@pytest.fixture(autouse=True)
def _restore_the_clock() -> Iterator[None]:
    before, settings_before = rule_clock.current(), settings.current()
    yield
    rule_clock.install(before)
    settings.install(settings_before)


def _revised(values: dict[str, object], on: dt.date) -> RuleBook:
    book = load_rules()
    changed = {}
    for key, value in values.items():
        p = book.parameter(key)
        changed[key] = replace(p, values=(*p.values, (on, value)))
    return RuleBook({**book.parameters, **changed})


def test_issue12_the_app_runs_on_the_bootstrapped_store_and_each_request_opens_a_unit_of_work() -> (
    None
):
    store = MemoryStorage()
    app = create_app(Settings(), store)
    assert app.state.storage is store
    request = SimpleNamespace(app=app)
    dependency = get_uow(request)  # type: ignore[arg-type]
    uow = next(dependency)
    uow.places.put_prefecture("13", "東京都")
    uow.commit()
    dependency.close()  # the request ends: the unit of work is closed
    with store.unit_of_work() as other:
        assert [p.name for p in other.places.prefectures()] == ["東京都"]


def test_issue12_password_hashing_and_the_refresh_interval_are_settings_the_bootstrap_installs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Server settings live in Settings only (issue 12 item 3): not in rules/ (no service.yaml),
    read from KOFUPLAN_… and installed by the bootstrap for the use cases."""
    assert not any(key.startswith("service.") for key in load_rules().parameters)
    store = MemoryStorage()
    bootstrap(storage=store, settings=ServiceSettings())
    assert passwords.min_length() == 10
    assert passwords.hasher().time_cost == 2
    monkeypatch.setenv("KOFUPLAN_PASSWORD_MIN_LENGTH", "20")
    monkeypatch.setenv("KOFUPLAN_ARGON2_TIME_COST", "3")
    monkeypatch.setenv("KOFUPLAN_SUMMARY_REFRESH_SECONDS", "9")
    create_app(Settings(), store)  # the app bootstraps with its own settings
    assert passwords.min_length() == 20
    assert passwords.hasher().time_cost == 3
    assert passwords.verify_password(passwords.hash_password("x" * 20), "x" * 20)
    refresher = summaries.Refresher(store)
    assert refresher.interval == 9
    refresher.stop()
    assert not refresher.alive
    with pytest.raises(ValidationError):  # below OWASP's minimum: refused at start
        ServiceSettings(argon2_memory_kib=1024)


class _SlowStore:
    """A store whose every unit of work takes a while, then fails (the refresher logs it)."""

    key = "slow-store"

    def __init__(self) -> None:
        self.opened = 0

    def unit_of_work(self) -> None:
        self.opened += 1
        time.sleep(0.3)
        raise RuntimeError("this store is only slow")


def test_issue12_the_refresher_settles_only_once_its_recompute_is_done() -> None:
    """``Refresher.settle`` (a service stopping, tests) waits for a recompute under way, so
    none outlives its store."""
    store = _SlowStore()
    refresher = summaries.Refresher(store)  # type: ignore[arg-type]
    refresher.interval = 0.0
    assert refresher.settle(timeout=1)  # nothing to do
    started = time.monotonic()
    refresher.wake({summaries.NATION})
    assert not refresher.settle(timeout=0.05)  # still recomputing
    assert refresher.settle(timeout=10)
    assert time.monotonic() - started >= 0.3 and store.opened == 1
