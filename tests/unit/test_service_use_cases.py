"""The service's use cases on the in-memory store (issue 12 item 2 and 6): what the HTTP tests
checked by seeding a database and starting a server, run here on the fake store in well under
a second each. The HTTP path keeps a few end-to-end tests (tests/integration/web/test_api.py);
the store itself is held to one contract over both implementations
(tests/integration/test_store_contract.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from kofuplan.adapters.memory import MemoryStorage
from kofuplan.adapters.web.sample import SampleAccounts, seed
from kofuplan.adapters.web.settings import Settings
from kofuplan.services import (
    municipal_inputs,
    prefecture_list,
    review_guard,
    summaries,
    views,
    workflow,
)
from kofuplan.services.access import Principal
from kofuplan.services.plan_rows import revision_rows
from kofuplan.services.ports import MunicipalityRecord, UnitOfWork
from kofuplan.services.sign_in import principal_of

PASSWORD = "sample-password-for-tests"


@pytest.fixture(scope="module")
def seeded() -> tuple[MemoryStorage, SampleAccounts]:
    storage = MemoryStorage()
    return storage, seed(storage, per_prefecture=1, password=PASSWORD, with_actuals=False)


@pytest.fixture
def store(seeded: tuple[MemoryStorage, SampleAccounts]) -> Iterator[MemoryStorage]:
    yield seeded[0].copy()  # each test on its own copy of the seeded store


@pytest.fixture
def accounts(seeded: tuple[MemoryStorage, SampleAccounts]) -> SampleAccounts:
    return seeded[1]


def _who(uow: UnitOfWork, login: str) -> Principal:
    user = uow.accounts.user_by_login(login)
    assert user is not None
    return principal_of(user)


def _place(uow: UnitOfWork, lg: str) -> MunicipalityRecord:
    m = uow.places.municipality(lg)
    assert m is not None
    return m


def _first(accounts: SampleAccounts, pref: str = "01") -> str:
    return next(code for code in accounts.municipalities if code.startswith(pref))


def test_R6_issue12_an_edit_is_a_new_revision_and_its_checks_follow(
    store: MemoryStorage, accounts: SampleAccounts
) -> None:
    lg = _first(accounts)
    with store.unit_of_work() as uow:
        who, m = _who(uow, accounts.municipalities[lg]), _place(uow, lg)
        view = views.municipality_view(uow, m)
        assert view.revision is not None
        # The engine's sample plan has no error (R2.3 staffing warnings may remain).
        assert [f for f in view.findings if f.severity == "error"] == []
        base = view.revision
        october = revision_rows(base)[0]
        rows = [{"month": october["month"], "issuance": october["issuance"] // 2}]
        saved = workflow.save_plan(uow, who, m, base.id, "10月を減らす", rows)
    with store.unit_of_work() as uow:
        view = views.municipality_view(uow, _place(uow, lg))
        assert view.status == "draft" and view.revision is not None
        assert view.revision.id == saved.id and view.revision.seq == base.seq + 1
        assert revision_rows(view.revision)[0]["issuance"] == october["issuance"] // 2
        # Half a month short of the whole population: the one check set (check_plan).
        assert "R6.1-1" in {f.code for f in view.findings}
        history = views.revision_diffs(uow, lg)
        assert len(history) == 2
        assert (october["month"], "issuance") in {(mo, c) for mo, c, *_ in history[0]["changes"]}
        old = uow.plans.revision(base.id)
        assert old is not None and revision_rows(old)[0]["issuance"] == october["issuance"]


def test_R6_issue12_stale_saves_are_conflicts_and_concurrent_editors_lose_nothing(
    store: MemoryStorage, accounts: SampleAccounts
) -> None:
    """Four editors save on the same base at once, each in its own unit of work: one wins,
    the others get Conflict; each re-bases and saves again, and every change is kept."""
    lg = _first(accounts)
    with store.unit_of_work() as uow:
        base = uow.plans.latest_revision(lg)
        assert base is not None
    months = [row["month"] for row in revision_rows(base)][:4]
    start = threading.Barrier(4)
    results: list[str] = [""] * 4

    def save(i: int, base_id: int) -> str:
        with store.unit_of_work() as uow:
            who, m = _who(uow, accounts.municipalities[lg]), _place(uow, lg)
            try:
                workflow.save_plan(uow, who, m, base_id, f"editor {i}",
                                   [{"month": months[i], "staff": 100 + i}])  # fmt: skip
            except workflow.Conflict:
                return "conflict"
            return "saved"

    def first_try(i: int) -> None:
        start.wait()
        results[i] = save(i, base.id)

    threads = [threading.Thread(target=first_try, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict"] * 3 + ["saved"]
    for i, result in enumerate(results):
        while result == "conflict":  # re-base on the newest revision, as the page tells them
            with store.unit_of_work() as uow:
                latest = uow.plans.latest_revision(lg)
            assert latest is not None
            result = save(i, latest.id)
    with store.unit_of_work() as uow:
        final = uow.plans.latest_revision(lg)
        assert final is not None and final.seq == base.seq + 4
        by_month = {row["month"]: row for row in revision_rows(final)}
        assert [by_month[mo]["staff"] for mo in months] == [100, 101, 102, 103]
        with pytest.raises(workflow.Conflict) as stale:
            workflow.save_plan(uow, _who(uow, accounts.municipalities[lg]), _place(uow, lg),
                               base.id, "stale", [])  # fmt: skip
        assert stale.value.current_revision_id == final.id


def test_R6_issue12_a_failed_upload_writes_neither_the_plan_nor_the_inputs(
    store: MemoryStorage, accounts: SampleAccounts
) -> None:
    """The plan and the inputs of one workbook are one unit of work: when the inputs are
    refused (a stale base) after the plan was appended, nothing is stored."""
    lg = _first(accounts)
    with store.unit_of_work() as uow:
        who, m = _who(uow, accounts.municipalities[lg]), _place(uow, lg)
        latest = uow.plans.latest_revision(lg)
        assert latest is not None
        workflow.append_plan(uow, who, m, latest.id, "upload", [{"month": "2020-10", "staff": 7}])
        with pytest.raises(workflow.Conflict):
            municipal_inputs.append_inputs(uow, who, m, 10**6, "upload", {"staff": 7})
    with store.unit_of_work() as uow:
        assert uow.plans.latest_revision(lg) == latest
        assert uow.inputs.latest_inputs(lg) is None


def test_R6_1_R7_1_issue12_review_cycle_hand_in_return_accept_and_submission(
    store: MemoryStorage, accounts: SampleAccounts
) -> None:
    lg = _first(accounts)
    with store.unit_of_work() as uow:
        muni, pref = _who(uow, accounts.municipalities[lg]), _who(uow, accounts.prefectures["01"])
        m = _place(uow, lg)
        assert workflow.submit_to_prefecture(uow, muni, m, "") == "submitted"
        listed = {r.municipality.lg_code: r for r in workflow.prefecture_overview(uow, "01")}
        assert listed[lg].status == "submitted"
        seen = listed[lg].revision_id
        with pytest.raises(workflow.InvalidInput, match="理由"):  # a return needs a comment
            workflow.review(uow, pref, m, "return", "", seen)
        assert workflow.review(uow, pref, m, "return", "土日開庁を増やしてください", seen) == (
            "returned"
        )
        workflow.add_advice(uow, pref, m, "窓口を増設")
        listed = {r.municipality.lg_code: r for r in workflow.prefecture_overview(uow, "01")}
        assert listed[lg].advice_count == 1
        assert workflow.submit_to_prefecture(uow, muni, m, "") == "submitted"
        with pytest.raises(review_guard.StaleReview):  # a revision the reviewer never saw
            workflow.review(uow, pref, m, "accept", "", -1)
        assert workflow.review(uow, pref, m, "accept", "", seen) == "accepted"
        submission = workflow.submit_prefecture(uow, pref, "01")
        assert submission.revisions["accepted"] == {lg: seen}
    assert summaries.refresh(store, "nation")
    with store.unit_of_work() as uow:
        ranking = summaries.nation(uow, store).pref_ranking
        assert next(p for p in ranking if p["pref_code"] == "01")["submitted"]


def test_R6_issue12_bulk_accept_takes_only_clean_plans_seen_unchanged(
    store: MemoryStorage, accounts: SampleAccounts
) -> None:
    lg = _first(accounts)
    with store.unit_of_work() as uow:
        muni, pref = _who(uow, accounts.municipalities[lg]), _who(uow, accounts.prefectures["01"])
        workflow.submit_to_prefecture(uow, muni, _place(uow, lg), "")
        row = next(r for r in prefecture_list.list_rows(uow, "01") if r.entry.status)
        seen = {lg: row.entry.revision_id or 0}
        accepted, skipped = prefecture_list.bulk_accept(uow, pref, "01", {lg: seen[lg] + 1})
        assert accepted == [] and skipped == [row.entry.municipality.name]
        accepted, skipped = prefecture_list.bulk_accept(uow, pref, "01", seen)
        assert (accepted, skipped) == (([row.entry.municipality.name], []) if row.clean else
                                       ([], [row.entry.municipality.name]))  # fmt: skip


def test_R6_2_issue12_actuals_are_entered_by_month_and_summed_nationally(
    store: MemoryStorage, accounts: SampleAccounts
) -> None:
    lg = _first(accounts)
    with store.unit_of_work() as uow:
        who, m = _who(uow, accounts.municipalities[lg]), _place(uow, lg)
        workflow.enter_actual(uow, who, m, "2020-10", 1234, None)
        workflow.enter_actual(uow, who, m, "2020-10", 1300, 20)
        with pytest.raises(workflow.InvalidInput, match="計画期間"):
            workflow.enter_actual(uow, who, m, "2031-01", 1, None)
        assert views.municipality_view(uow, m).actuals == {
            "2020-10": {"issued": 1300, "backlog": 20}
        }
    assert summaries.refresh(store, "nation")
    with store.unit_of_work() as uow:
        assert summaries.nation(uow, store).summary.actual[0] == 1300


def test_R8_4_issue12_the_nation_sums_the_plans_against_the_monthly_aim(
    store: MemoryStorage, accounts: SampleAccounts
) -> None:
    with store.unit_of_work() as uow:
        nation = summaries.nation(uow, store)
        totals: list[int] = [0] * len(nation.summary.months)
        for lg in accounts.municipalities:
            latest = uow.plans.latest_revision(lg)
            assert latest is not None
            for i, row in enumerate(revision_rows(latest)):
                totals[i] += int(row["issuance"])
        assert nation.aim == 3_300_000
        assert len(nation.summary.planned) == 30
        assert nation.summary.months[0] == "2020-10" and nation.summary.months[-1] == "2023-03"
        assert list(nation.summary.planned) == totals  # every plan summed, month by month
        assert set(nation.coverage_by_pref) == set(accounts.prefectures)
        assert summaries.nation(uow, store) == views.national_view(uow)  # stored = computed


def test_R6_issue12_sign_in_throttles_by_address_and_logs_every_attempt(
    store: MemoryStorage, accounts: SampleAccounts
) -> None:
    from kofuplan.services import sign_in

    rule = Settings().throttle_rule()  # the service's setting
    with store.unit_of_work() as uow:
        for _ in range(5):
            with pytest.raises(sign_in.BadCredentials):
                sign_in.sign_in(uow, accounts.ministry, "wrong-password", "198.51.100.7", rule)
        with pytest.raises(sign_in.Throttled):  # the attacker's address must now wait
            sign_in.sign_in(uow, accounts.ministry, PASSWORD, "198.51.100.7", rule)
        signed = sign_in.sign_in(uow, accounts.ministry, PASSWORD, "203.0.113.5", rule)
        assert signed.who.login == accounts.ministry
    with store.unit_of_work() as uow:  # every attempt was committed
        outcomes = [e.outcome for e in uow.accounts.sign_in_events(accounts.ministry)]
    assert outcomes == ["success", "throttled"] + ["failure"] * 5
