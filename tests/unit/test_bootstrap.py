"""One bootstrap (issue 12 item 2): it hands the app its store, whose units of work the
request dependencies open, and installs the rule clock that the password rules and the
summary refresher read (no pinned 2020-10-01 left)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from types import SimpleNamespace

import pytest

from kofuplan.adapters.memory import MemoryStorage
from kofuplan.adapters.web.app import create_app
from kofuplan.adapters.web.deps import get_uow
from kofuplan.adapters.web.settings import Settings
from kofuplan.bootstrap import bootstrap
from kofuplan.parameters import RuleBook, load_rules
from kofuplan.services import passwords, rule_clock, summaries


@pytest.fixture(autouse=True)
def _restore_the_clock() -> Iterator[None]:
    before = rule_clock.current()
    yield
    rule_clock.install(before)


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


def test_issue12_password_rules_and_the_refresh_interval_follow_the_clock() -> None:
    revised = {
        "service.password_min_length": 20,
        "service.argon2_time_cost": 3,
        "service.summary_refresh_seconds": 9,
    }
    book = _revised(revised, dt.date(2021, 4, 1))
    store = MemoryStorage()
    bootstrap(storage=store, rules=book, today=lambda: dt.date(2021, 3, 31))
    before = passwords.min_length()
    assert before < 20
    assert passwords.hasher().time_cost != 3
    wiring = bootstrap(storage=store, rules=book, today=lambda: dt.date(2021, 4, 1))
    assert wiring.storage is store
    assert passwords.min_length() == 20
    assert passwords.hasher().time_cost == 3
    assert passwords.verify_password(passwords.hash_password("x" * 20), "x" * 20)
    refresher = summaries.Refresher(store)
    assert refresher.interval == 9
    refresher.stop()
    assert not refresher.alive
