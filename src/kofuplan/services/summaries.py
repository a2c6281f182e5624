"""Precomputed summaries (issue 14 §1): the national view (aggregates, coverage by
prefecture, rankings, focus list, promotion rollup) and each prefecture's aggregate are
computed after a plan, actual, status, input or submission changes, stored, and read on view.

``views.national_view`` and ``views.summarize`` stay the one computation; this module stores
their results and serves them. A change marks the stored ones stale in its own transaction
(``adapters.storage.summary_store``); the refresher recomputes each stale one once, however
many changes came meanwhile (one process at a time: a claim in the table), so a save never
waits for a national recompute. A page asked for while its summary is being recomputed shows
the stored one with the time it was computed; one never computed is computed on the spot.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar

from kofuplan.adapters.storage import summary_store
from kofuplan.adapters.storage.db import Database
from kofuplan.adapters.storage.repository import Repository
from kofuplan.domain.promotion import PromotionRollup
from kofuplan.parameters import load_rules
from kofuplan.services import views

log = logging.getLogger(__name__)


def _nation_content(n: views.NationView) -> dict[str, Any]:
    content = dataclasses.asdict(n)
    for s in content["submissions"].values():  # JSON: times as ISO text
        s["at"] = s["at"].isoformat() if s.get("at") is not None else None
    return content


def _nation_from(content: dict[str, Any]) -> views.NationView:
    data = dict(content)
    data["summary"] = views.AreaSummary(**data["summary"])
    data["promotion_by_pref"] = {
        k: PromotionRollup(**v) for k, v in data.get("promotion_by_pref", {}).items()
    }
    total = data.get("promotion_total")
    data["promotion_total"] = PromotionRollup(**total) if total else None
    return views.NationView(**data)


def _compute(repo: Repository, scope: str) -> dict[str, Any]:
    if scope == summary_store.NATION:
        return _nation_content(views.national_view(repo))
    pref_code = scope.split(":", 1)[1]
    return dataclasses.asdict(views.summarize(repo, list(repo.municipalities(pref_code))))


def refresh(db: Database, scope: str) -> bool:
    """Recompute ``scope`` if it is stale and no other process is at it; True if done."""
    with db.session() as session:
        version = summary_store.claim(session, scope)
        if version is None:
            return False
        started = time.perf_counter()
        try:
            content = _compute(Repository(session), scope)
            summary_store.store(session, scope, version, content)
        except Exception:
            summary_store.release(session, scope)
            raise
        log.info(
            "summary %s v%d in %.0f ms", scope, version, 1000 * (time.perf_counter() - started)
        )
        return True


def _stored(repo: Repository, db: Database | None, scope: str) -> dict[str, Any]:
    row = summary_store.load(repo.session, scope)
    if row is not None and row.content is not None:
        if row.computed_version >= row.version:
            return row.content
        if db is not None:  # being recomputed (or stale since another process): the stored one
            Refresher.for_database(db).wake({scope})
            return row.content
    # Never computed (a fresh database): compute it now, and store it when no other process
    # is computing it already.
    if db is not None:
        refresh(db, scope)
        repo.session.expire_all()
        row = summary_store.load(repo.session, scope)
        if row is not None and row.content is not None:
            return row.content
    return _compute(repo, scope)


def computed_at(repo: Repository, scope: str = summary_store.NATION) -> Any:
    row = summary_store.load(repo.session, scope)
    return row.computed_at if row is not None else None


def nation(repo: Repository, db: Database | None = None) -> views.NationView:
    """The national view as last stored (recomputed on the spot only the first time)."""
    return _nation_from(_stored(repo, db, summary_store.NATION))


def prefecture(repo: Repository, pref_code: str, db: Database | None = None) -> views.AreaSummary:
    return views.AreaSummary(**_stored(repo, db, summary_store.pref_scope(pref_code)))


class Refresher:
    """One thread per process and database: recomputes the summaries a commit made stale."""

    _by_url: ClassVar[dict[str, Refresher]] = {}
    _guard: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, db: Database) -> None:
        self.db = db
        rules = load_rules().at(dt.date(2020, 10, 1))
        self.interval = float(rules["service.summary_refresh_seconds"])
        self._pending: set[str] = set()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="kofuplan-summaries", daemon=True)
        self._thread.start()

    @classmethod
    def for_database(cls, db: Database) -> Refresher:
        with cls._guard:
            found = cls._by_url.get(db.url)
            if found is None or found.db is not db:
                found = cls._by_url[db.url] = cls(db)
            return found

    def wake(self, scopes: set[str]) -> None:
        with self._lock:
            self._pending |= scopes
        self._wake.set()

    def _run(self) -> None:
        last = -math.inf
        while True:
            self._wake.wait()
            # Changes within the interval are summed in one recompute, not one each.
            time.sleep(max(0.0, last + self.interval - time.monotonic()))
            last = time.monotonic()
            self._wake.clear()
            with self._lock:
                scopes, self._pending = self._pending, set()
            # Prefectures first: the national view is the costliest, and done once.
            for scope in sorted(scopes, key=lambda s: s == summary_store.NATION):
                try:
                    refresh(self.db, scope)
                except Exception:  # a failed refresh leaves the stored one; the next change retries
                    log.exception("refreshing summary %s failed", scope)


def start(db: Database) -> Callable[[set[str]], None]:
    """Recompute the summaries of ``db`` after every commit that made them stale."""
    refresher = Refresher.for_database(db)
    if refresher.wake not in db.summary_listeners:
        db.summary_listeners.append(refresher.wake)
    return refresher.wake
