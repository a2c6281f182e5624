"""Issue 16: the service's own threads and the event loop.

- The summary refresher (a background thread per store) is stopped and joined when the app
  shuts down, after any recompute under way, so no database connection is left open behind
  it (the cause of the latent ``test_R6_stale_save…[postgresql]`` flake: a psycopg connection
  garbage-collected while open, after the test had disposed of the pool).
- No route is an ``async def``: a route that hashes a password, runs the checks or saves
  would hold up every other request on the event loop; as a plain ``def`` FastAPI runs it in
  its thread pool (forms are read by the ``PostedForm`` dependency, on the loop).
"""

from __future__ import annotations

import gc
import inspect
import warnings

from fastapi.routing import APIRoute

from kofuplan.adapters.memory import MemoryStorage
from kofuplan.adapters.storage.db import Database
from kofuplan.adapters.web.app import create_app
from kofuplan.adapters.web.sample import seed
from kofuplan.adapters.web.settings import Settings
from kofuplan.services import summaries, views
from tests.integration.web.test_role_matrix import all_routes
from tests.web_support import eventually, sample_service, signed_in


def test_issue16_the_summary_refresher_ends_with_the_service(database: Database) -> None:
    with sample_service(database, per_prefecture=1) as (url, accounts):
        refresher = summaries.Refresher.for_storage(database)
        assert refresher.alive and refresher.wake in database.summary_listeners
        lg = sorted(accounts.municipalities)[0]
        clerk = signed_in(url, accounts.municipalities[lg])
        base = clerk.get(f"/api/municipalities/{lg}/plan").json()["revision"]
        month = base["content"][0]["month"]
        saved = clerk.post(
            f"/api/municipalities/{lg}/plan",
            json={"base_revision_id": base["id"], "reason": "r", "rows": [{"month": month}]},
        )
        assert saved.status_code == 201
        # The national page: its summary is recomputed by the refresher after the save.
        ministry = signed_in(url, accounts.ministry)
        eventually(lambda: ministry.get("/nation").status_code == 200)
    # The service has stopped: the thread is joined and forgotten, the store no longer wakes it.
    assert not refresher.alive
    assert refresher.wake not in database.summary_listeners
    with summaries.Refresher._guard:
        assert summaries.Refresher._by_key.get(database.key) is not refresher
    database.dispose()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        gc.collect()  # no connection of the store left to the garbage collector


def test_issue16_a_stopped_refresher_stops_between_recomputes() -> None:
    store = MemoryStorage()
    refresher = summaries.Refresher(store)
    refresher.wake({"nation"})
    refresher.stop()
    assert not refresher.alive


def test_issue16_no_route_blocks_the_event_loop() -> None:
    app = create_app(Settings(), MemoryStorage())
    routes = [r for r in all_routes(app.routes) if isinstance(r, APIRoute)]
    assert len(routes) > 40
    coroutines = sorted(
        f"{sorted(r.methods)} {r.path}" for r in routes if inspect.iscoroutinefunction(r.endpoint)
    )
    assert coroutines == []


def test_issue16_a_server_computes_the_summaries_it_lacks_before_it_answers() -> None:
    """``kofuplan serve`` warms the stored summaries (``summaries.warm``): each prefecture's
    and the nation's are computed once, then read; a change makes them stale again."""
    store = MemoryStorage()
    seed(store, per_prefecture=1, password="warm-password-123", with_actuals=False)
    with store.unit_of_work() as uow:
        prefectures = len(uow.places.prefectures())
        never = uow.summaries.load(summaries.NATION)
        assert never is None or never.content is None
    assert summaries.warm(store) == prefectures + 1
    assert summaries.warm(store) == 0  # all current: nothing to compute
    with store.unit_of_work() as uow:
        stored = uow.summaries.load(summaries.NATION)
        assert stored is not None and stored.content is not None
        assert (
            summaries.nation(uow, store).summary.planned == views.national_view(uow).summary.planned
        )


def test_issue16_prefectures_recomputed_in_one_pass_equal_each_recomputed_alone(
    database: Database,
) -> None:
    """The refresher recomputes the stale prefectures together, from one read of every
    municipality's latest revisions, inputs and actuals (``summaries.refresh_prefectures``):
    each stored summary is what ``views.summarize`` gives for that prefecture alone."""
    seed(database, per_prefecture=2, password="pass-password-123", with_actuals=True)
    with database.unit_of_work() as uow:
        scopes = [summaries.pref_scope(p.code) for p in uow.places.prefectures()]
        alone = {s: summaries._compute(uow, s) for s in scopes}
    assert summaries.refresh_prefectures(database, scopes) == len(scopes)
    with database.unit_of_work() as uow:
        for s in scopes:
            stored = uow.summaries.load(s)
            assert stored is not None and stored.content == alone[s], s
    assert any(alone[s]["actual"][0] is not None for s in scopes)  # actuals are in them
    assert summaries.refresh_prefectures(database, scopes) == 0  # all current
