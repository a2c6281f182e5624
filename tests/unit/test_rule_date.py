"""The service's rules follow the data's as-of date or the clock, never a pinned date
(issue 12 item 2): a rule revision dated 2021 reaches the service once data of 2021 is loaded,
or once the clock reaches it where there is no data."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from kofuplan.adapters.storage.models import Municipality
from kofuplan.parameters import RuleBook, load_rules
from kofuplan.services import views, workflow
from kofuplan.services.review_checks import data_as_of
from kofuplan.services.rule_clock import RuleClock, using

KEY = "plan.target_share_of_population"


def _book_with_a_2021_revision() -> RuleBook:
    book = load_rules()
    p = book.parameter(KEY)
    revised = replace(p, values=(*p.values, (dt.date(2021, 1, 1), 0.5)))
    return RuleBook({**book.parameters, KEY: revised})


def _municipality(as_of: dt.date) -> Municipality:
    return Municipality(
        lg_code="131016", pref_code="13", name="千代田区", population=60_000,
        cards_issued_baseline=10_000, baseline_date=as_of, recent_increase=0, recent_days=0,
    )  # fmt: skip


def test_R1_1_the_rule_date_follows_the_data() -> None:
    with using(RuleClock(_book_with_a_2021_revision(), lambda: dt.date(2020, 11, 1))):
        before = _municipality(dt.date(2020, 10, 1))
        after = _municipality(dt.date(2021, 4, 1))
        assert workflow.target_of(before) == 60_000 - 10_000
        assert workflow.target_of(after) == 30_000 - 10_000  # the 2021 revision holds
        assert views._rules(data_as_of([before, after]))[KEY] == 0.5
        assert views.plan_months(after.baseline_date)[0] == "2021-04"  # what remains


def test_R1_1_without_data_the_rule_date_follows_the_clock() -> None:
    book = _book_with_a_2021_revision()
    with using(RuleClock(book, lambda: dt.date(2020, 12, 1))):
        assert workflow.plan_rules()[KEY] == 1.0
        assert views._rules(data_as_of([]))[KEY] == 1.0
    with using(RuleClock(book, lambda: dt.date(2021, 6, 1))):
        assert workflow.plan_rules()[KEY] == 0.5
