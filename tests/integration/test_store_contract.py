"""The store contract (issue 12 item 2): the in-memory store the service tests run on and the
SQLAlchemy store the service runs on pass the same tests, on SQLite and (when
KOFUPLAN_TEST_POSTGRES_URL is set, and always on CI) PostgreSQL. A unit of work owns the
transaction: nothing is seen before its commit, a rollback or an error drops everything, and
the stores never commit on their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from kofuplan.adapters.memory import MemoryStorage
from kofuplan.domain.findings import Finding
from kofuplan.domain.plan_table import PlanTable, rows_table, same_table
from kofuplan.errors import InputError
from kofuplan.services import setup, summaries, views, workflow
from kofuplan.services.access import Principal
from kofuplan.services.ports import MunicipalityData, RevisionTaken, Storage
from tests.plan_tables import stored_tables
from tests.web_support import fresh_database

AS_OF = dt.date(2020, 10, 1)
SYSTEM = Principal(user_id=None, login="system", role="ministry")


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    if request.param == "memory":
        yield MemoryStorage()
        return
    db = fresh_database(request.param, tmp_path)
    db.init()
    yield db
    db.dispose()


def _places(storage: Storage) -> None:
    with storage.unit_of_work() as uow:
        uow.places.put_prefecture("13", "東京都")
        uow.places.put_prefecture("01", "北海道")
        for code, pref, name in (("131016", "13", "千代田区"), ("011002", "01", "札幌市")):
            uow.places.put_municipality(
                MunicipalityData(code, pref, name, 60_000, 12_000, AS_OF, 300, 30, "特別区")
            )
        uow.commit()


def _rows(issuance: int) -> list[dict[str, object]]:
    return [{"lg_code": "131016", "month": "2020-10", "issuance": issuance, "capacity": 900}]


def _table(issuance: int) -> PlanTable:
    return rows_table("131016", _rows(issuance))


def _add(storage: Storage, seq: int, issuance: int) -> int:
    with storage.unit_of_work() as uow:
        r = uow.plans.add_revision(
            lg_code="131016", seq=seq, base_revision_id=None, author_id=None,
            reason=f"r{seq}", table=_table(issuance),
        )  # fmt: skip
        uow.commit()
        return r.id


def test_issue12_places_are_listed_in_code_order_and_updated_in_place(storage: Storage) -> None:
    _places(storage)
    _places(storage)  # again: updated, not duplicated
    with storage.unit_of_work() as uow:
        assert [p.code for p in uow.places.prefectures()] == ["01", "13"]
        assert [m.lg_code for m in uow.places.municipalities()] == ["011002", "131016"]
        assert [m.name for m in uow.places.municipalities("13")] == ["千代田区"]
        m = uow.places.municipality("131016")
        assert m is not None and m.baseline_date == AS_OF and m.municipality_type == "特別区"
        assert uow.places.municipality("999999") is None and uow.places.prefecture("99") is None


def test_issue12_plan_revisions_are_appended_and_read_newest_first(storage: Storage) -> None:
    _places(storage)
    first, second = _add(storage, 1, 100), _add(storage, 2, 200)
    with storage.unit_of_work() as uow:
        latest = uow.plans.latest_revision("131016")
        assert latest is not None and latest.id == second and latest.seq == 2
        assert same_table(latest.table, _table(200))
        assert [r.seq for r in uow.plans.revisions("131016")] == [2, 1]
        assert [r.seq for r in uow.plans.revisions("131016", with_content=False)] == [2, 1]
        assert set(uow.plans.latest_revisions()) == {"131016"}
        assert uow.plans.latest_revisions(["011002"]) == {}
        heads = uow.plans.latest_revision_heads()
        assert heads["131016"][0] == second
        read = uow.plans.revision_tables([first, 2**31 - 1])
        assert list(read) == [first] and same_table(read[first], _table(100))
        old = uow.plans.revision(first)
        assert old is not None and same_table(old.table, _table(100)) and old.reason == "r1"
        assert uow.plans.revision(2**40) is None and uow.plans.revision(-1) is None
        assert uow.plans.latest_revision("011002") is None


def test_issue12_a_revision_number_is_taken_once(storage: Storage) -> None:
    """Two saves on the same base: the second one's append is refused (RevisionTaken), in
    the same unit of work and from another one that committed first."""
    _places(storage)
    with storage.unit_of_work() as late:
        assert late.plans.latest_revision("131016") is None  # it read before the other saved
        _add(storage, 1, 100)
        with pytest.raises(RevisionTaken):
            late.plans.add_revision(
                lg_code="131016", seq=1, base_revision_id=None, author_id=None, reason="",
                table=_table(1),
            )  # fmt: skip
        late.rollback()
    with storage.unit_of_work() as uow:
        stored = uow.plans.revisions("131016")
        assert len(stored) == 1 and same_table(stored[0].table, _table(100))


def test_issue12_nothing_is_seen_before_the_commit_and_a_rollback_drops_it(
    storage: Storage,
) -> None:
    _places(storage)
    with storage.unit_of_work() as uow:
        uow.plans.add_revision(
            lg_code="131016", seq=1, base_revision_id=None, author_id=None, reason="",
            table=_table(1),
        )  # fmt: skip
        uow.reviews.add_actual(
            lg_code="131016", month="2020-10", issued=5, backlog=None, author_id=None
        )
        assert uow.plans.latest_revision("131016") is not None  # its own change it sees
        with storage.unit_of_work() as other:
            assert other.plans.latest_revision("131016") is None
        uow.rollback()
        assert uow.plans.latest_revision("131016") is None
    with storage.unit_of_work() as uow:
        uow.reviews.add_actual(
            lg_code="131016", month="2020-10", issued=5, backlog=None, author_id=None
        )  # left without a commit
    with storage.unit_of_work() as uow:
        assert uow.plans.latest_revision("131016") is None
        assert uow.reviews.all_actuals() == {}


def test_issue12_a_failed_import_writes_nothing(storage: Storage) -> None:
    """Transactions: an import refused at its second municipality stores not even the first."""
    _places(storage)
    plans = {"131016": _rows(100), "999999": _rows(1)}
    with pytest.raises(InputError, match="999999"):
        setup.import_plans(storage, plans, "import")
    with storage.unit_of_work() as uow:
        assert uow.plans.latest_revisions() == {}
        assert uow.reviews.latest_events() == {}
    assert setup.import_plans(storage, {"131016": _rows(100)}, "import") == 1


def test_issue12_a_stale_save_is_a_conflict_and_writes_nothing(storage: Storage) -> None:
    _places(storage)
    setup.import_plans(storage, {"131016": _rows(100)}, "import")
    with storage.unit_of_work() as uow:
        m = uow.places.municipality("131016")
        latest = uow.plans.latest_revision("131016")
        assert m is not None and latest is not None
        edit = [{"month": "2020-10", "issuance": 150}]
        saved = workflow.save_plan(uow, SYSTEM, m, latest.id, "edit", edit)
        with pytest.raises(workflow.Conflict) as stale:
            workflow.save_plan(uow, SYSTEM, m, latest.id, "again", edit)
        assert stale.value.current_revision_id == saved.id
    with storage.unit_of_work() as uow:
        assert [r.reason for r in uow.plans.revisions("131016")] == ["edit", "import"]
        assert [e.status for e in uow.reviews.events("131016")] == ["draft", "draft"]


def test_issue12_inputs_events_actuals_and_advice(storage: Storage) -> None:
    _places(storage)
    with storage.unit_of_work() as uow:
        for seq in (1, 2):
            uow.inputs.add_inputs(
                lg_code="131016", seq=seq, base_revision_id=None, author_id=None, reason="",
                content={"staff": seq},
            )  # fmt: skip
        for status in ("draft", "submitted"):
            uow.reviews.add_event(
                lg_code="131016", status=status, revision_id=None, actor_id=None, comment=status
            )
        for issued in (10, 20):  # the latest entry of a month is the current one
            uow.reviews.add_actual(
                lg_code="131016", month="2020-10", issued=issued, backlog=1, author_id=None
            )
        uow.reviews.add_advice(lg_code="131016", author_id=None, text="first")
        uow.reviews.add_advice(lg_code="131016", author_id=None, text="second")
        uow.commit()
    with storage.unit_of_work() as uow:
        latest = uow.inputs.latest_inputs("131016")
        assert latest is not None and latest.content == {"staff": 2}
        assert [r.seq for r in uow.inputs.input_revisions("131016")] == [2, 1]
        assert set(uow.inputs.latest_inputs_of(["131016", "011002"])) == {"131016"}
        assert uow.reviews.latest_events()["131016"].status == "submitted"
        assert [e.status for e in uow.reviews.events("131016")] == ["submitted", "draft"]
        assert uow.reviews.all_actuals() == {"131016": {"2020-10": 20}}
        assert uow.reviews.actuals("131016")["2020-10"].issued == 20
        assert [a.text for a in uow.reviews.advice("131016")] == ["second", "first"]
        assert uow.reviews.advice_counts(["131016", "011002"]) == {"131016": 2}


def test_issue12_accounts_sessions_and_the_sign_in_log(storage: Storage) -> None:
    _places(storage)
    with storage.unit_of_work() as uow:
        clerk = uow.accounts.add_user(
            login="clerk", password_hash="h1", role="municipality", lg_code="131016",
            pref_code="13",
        )  # fmt: skip
        uow.accounts.add_user(
            login="pref", password_hash="h2", role="prefecture", lg_code=None, pref_code="13"
        )
        one, two = (uow.accounts.start_login_session(clerk.id) for _ in range(2))
        for outcome in ("failure", "failure", "success"):
            uow.accounts.add_sign_in_event(
                login="clerk", address="192.0.2.1", outcome=outcome, user_id=clerk.id
            )
        uow.commit()
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    with storage.unit_of_work() as uow:
        assert uow.accounts.has_users()
        found = uow.accounts.user_by_login("clerk")
        assert found is not None and found.id == clerk.id and not found.must_change_password
        assert [u.login for u in uow.accounts.users_of(lg_code="131016")] == ["clerk"]
        assert [u.login for u in uow.accounts.users_of(pref_code="13")] == ["pref"]
        assert uow.accounts.user_logins([clerk.id, None]) == {clerk.id: "clerk"}
        assert [o for o, _ in uow.accounts.pair_sign_ins("clerk", "192.0.2.1", since)] == [
            "success", "failure", "failure",
        ]  # fmt: skip
        assert len(uow.accounts.address_failures("192.0.2.1", since)) == 2
        assert [e.outcome for e in uow.accounts.sign_in_events("clerk")] == [
            "success", "failure", "failure",
        ]  # fmt: skip
        uow.accounts.set_password(clerk.id, "h3", must_change=True, changed_at=since)
        uow.accounts.end_user_sessions(clerk.id, keep=two)
        uow.commit()
    with storage.unit_of_work() as uow:
        found = uow.accounts.user(clerk.id)
        assert found is not None and found.password_hash == "h3" and found.must_change_password
        ended, kept = uow.accounts.login_session(one), uow.accounts.login_session(two)
        assert ended is not None and ended.ended_at is not None
        assert kept is not None and kept.ended_at is None
        uow.accounts.end_login_session(two)
        uow.commit()
    with storage.unit_of_work() as uow:
        kept = uow.accounts.login_session(two)
        assert kept is not None and kept.ended_at is not None


def test_issue12_a_change_makes_its_summaries_stale_and_listeners_hear_of_it(
    storage: Storage,
) -> None:
    _places(storage)
    heard: list[set[str]] = []
    storage.summary_listeners.append(heard.append)
    with storage.unit_of_work() as uow:
        for scope in ("nation", "pref:13", "pref:01"):
            version = uow.summaries.claim(scope)
            assert version is not None
            uow.summaries.store(scope, version, {"v": version})
            assert uow.summaries.claim(scope) is None  # current: nothing to recompute
    heard.clear()
    with storage.unit_of_work() as uow:
        uow.reviews.add_actual(
            lg_code="131016", month="2020-10", issued=5, backlog=None, author_id=None
        )
        uow.plans.add_findings(0, [])  # findings alone are no change of a summary
        uow.commit()
    assert heard and {"nation", "pref:13"} <= heard[-1] and "pref:01" not in heard[-1]
    with storage.unit_of_work() as uow:
        for scope, stale in (("nation", True), ("pref:13", True), ("pref:01", False)):
            row = uow.summaries.load(scope)
            assert row is not None and row.content is not None
            assert (row.computed_version < row.version) == stale
        version = uow.summaries.claim("pref:13")
        assert version is not None and uow.summaries.claim("pref:13") is None  # claimed
        uow.summaries.release("pref:13")
        assert uow.summaries.claim("pref:13") == version


def test_issue12_a_summary_is_computed_from_the_store_and_refreshed_after_a_change(
    storage: Storage,
) -> None:
    _places(storage)
    setup.import_plans(storage, {"131016": _rows(100)}, "import")
    with storage.unit_of_work() as uow:
        first = summaries.nation(uow, storage)  # never computed: computed and stored now
        m = uow.places.municipality("131016")
        assert m is not None and first.summary.actual[0] is None
        workflow.enter_actual(uow, SYSTEM, m, "2020-10", 4321, None)
    assert summaries.refresh(storage, "nation") and not summaries.refresh(storage, "nation")
    with storage.unit_of_work() as uow:
        assert summaries.nation(uow, storage).summary.actual[0] == 4321
        assert summaries.nation(uow, storage) == views.national_view(uow)  # stored = computed
        assert summaries.prefecture(uow, "13", storage) == views.summarize(
            uow, list(uow.places.municipalities("13"))
        )


def test_issue12_findings_are_stored_with_their_revision(storage: Storage) -> None:
    _places(storage)
    rid = _add(storage, 1, 100)
    finding = Finding("131016", "2020-10", "R6.1-1", "error", 1.0, 2.0, "誤り")
    with storage.unit_of_work() as uow:
        uow.plans.add_findings(rid, [finding])
        uow.commit()  # no error: the findings belong to a stored revision


@pytest.mark.parametrize("kind", ["issuance", "renewal"])
def test_issue12_a_plan_table_saved_and_read_back_is_equal(storage: Storage, kind: str) -> None:
    """The port speaks PlanTable: whatever a store keeps inside, a table comes back equal,
    figures, given masks, NaNs, recruiting months and a renewal plan's own figures alike,
    from the revision, the latest revision and the bulk read."""
    _places(storage)
    seq = iter(range(1, 10**6))

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(stored_tables())
    def saved_and_read(table: PlanTable) -> None:
        with storage.unit_of_work() as uow:
            rid = uow.plans.add_revision(
                lg_code="131016", seq=next(seq), base_revision_id=None, author_id=None,
                reason="", table=table, kind=kind,
            ).id  # fmt: skip
            uow.commit()
        with storage.unit_of_work() as uow:
            read = uow.plans.revision(rid)
            latest = uow.plans.latest_revision("131016", kind)
            assert read is not None and latest is not None and latest.id == rid
            assert same_table(read.table, table) and same_table(latest.table, table)
            assert same_table(uow.plans.revision_tables([rid])[rid], table)
            # An aggregate reads only the figures it sums: those as saved, the rest not given.
            few = uow.plans.revision_tables([rid], columns=("issuance", "capacity"))[rid]
            for c in ("issuance", "capacity"):
                assert np.array_equal(few.given[c], table.given[c])
                assert np.array_equal(few.counts[c], table.counts[c])
            assert not any(
                few.given[c].any() for c in few.given if c not in ("issuance", "capacity")
            )

    saved_and_read()
