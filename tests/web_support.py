"""Helpers shared by the web service's API, role-matrix, browser and load tests."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from kofuplan.adapters.memory import MemoryStorage
from kofuplan.adapters.storage.db import Database
from kofuplan.adapters.web.app import create_app
from kofuplan.adapters.web.sample import SampleAccounts, seed
from kofuplan.adapters.web.server import running
from kofuplan.adapters.web.settings import Settings
from kofuplan.services import summaries
from kofuplan.services.ports import Storage
from tests.once import once_per_run
from tests.postgres_support import POSTGRES_ENV, postgres_url

PASSWORD = "sample-password-for-tests"
TEST_REFRESH_SECONDS = 0.2


def fresh_database(backend: str, tmp_path: Path) -> Database:
    if backend == "sqlite":
        return Database(f"sqlite:///{tmp_path / 'kofuplan-test.sqlite3'}")
    url = postgres_url()
    if url is None:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (set on CI by .ci/services.sh)")
    engine = create_engine(url)
    with engine.begin() as c:  # an empty schema for each test (the process's own database)
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return Database(url)


@contextmanager
def sample_service(
    db: Database, per_prefecture: int = 2, **settings: Any
) -> Iterator[tuple[str, SampleAccounts]]:
    accounts = seed(db, per_prefecture=per_prefecture, password=PASSWORD, with_actuals=False)
    try:
        with _serve(db, accounts, settings) as running:
            yield running
    finally:
        db.dispose()


_SEEDED: dict[int, tuple[MemoryStorage, SampleAccounts]] = {}


def memory_sample(
    tmp_path_factory: pytest.TempPathFactory, per_prefecture: int = 2
) -> tuple[MemoryStorage, SampleAccounts]:
    """A fresh in-memory store holding the sample (issue 12 item 6). The sample is seeded once
    per test run, by the first worker that asks (tests/once.py); every worker reads it back
    once, and each caller gets its own copy."""
    if per_prefecture not in _SEEDED:

        def make(folder: Path) -> None:
            store = MemoryStorage()
            accounts = seed(store, per_prefecture=per_prefecture, password=PASSWORD,
                            with_actuals=False)  # fmt: skip
            seeded = (store.tables, store.new_id(), accounts)
            (folder / "sample.pickle").write_bytes(pickle.dumps(seeded, pickle.HIGHEST_PROTOCOL))

        folder = once_per_run(tmp_path_factory, f"memory-sample-{per_prefecture}", make)
        tables, next_id, accounts = pickle.loads((folder / "sample.pickle").read_bytes())
        store = MemoryStorage()
        store.tables, store._next_id = tables, next_id  # as MemoryStorage.copy() does
        _SEEDED[per_prefecture] = (store, accounts)
    store, accounts = _SEEDED[per_prefecture]
    return store.copy(), accounts


@contextmanager
def memory_service(
    tmp_path_factory: pytest.TempPathFactory, per_prefecture: int = 2, **settings: Any
) -> Iterator[tuple[str, SampleAccounts]]:
    """The service over HTTP on the in-memory store (issue 12): the sample is seeded once per
    run (``memory_sample``) and each service runs on its own copy, so a page test needs no
    database."""
    store, accounts = memory_sample(tmp_path_factory, per_prefecture)
    with serve(store, accounts, **settings) as running:
        yield running


@contextmanager
def serve(
    storage: Storage, accounts: SampleAccounts, **settings: Any
) -> Iterator[tuple[str, SampleAccounts]]:
    """The service over HTTP on ``storage`` (the sample's ``accounts`` passed through)."""
    with _serve(storage, accounts, settings) as running:
        yield running


@contextmanager
def _serve(
    storage: Storage, accounts: SampleAccounts, settings: dict[str, Any]
) -> Iterator[tuple[str, SampleAccounts]]:
    app = create_app(Settings(**settings), storage)
    # The summaries are recomputed at most once per `service.summary_refresh_seconds` (5 s, so
    # a busy service recomputes the nation once for many saves); a test that waits for them
    # (``eventually``) would wait that long at each step, so its service refreshes sooner.
    refresher = summaries.Refresher.for_storage(storage)
    refresher.interval = TEST_REFRESH_SECONDS
    try:
        with running(app) as base_url:
            yield base_url, accounts
    finally:
        while _OPEN:
            _OPEN.pop().close()
        # No recompute may outlive its service: on PostgreSQL the next test drops the schema
        # under it, and its connection would be left open (a ResourceWarning in a later test).
        assert refresher.settle(), "the summaries were still being recomputed after 60 s"


_OPEN: list[Client] = []  # closed when the service stops, so no socket outlives its test


class Client:
    """A browser-like HTTP client: keeps cookies and sends the CSRF token on unsafe requests."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, follow_redirects=False, timeout=30)
        _OPEN.append(self)
        self.http.get("/login")
        self.csrf = self.http.cookies.get("kofuplan_csrf") or ""

    def login(self, login: str, password: str = PASSWORD) -> httpx.Response:
        return self.http.post(
            "/api/login",
            json={"login": login, "password": password},
            headers={"x-csrf-token": self.csrf},
        )

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if "data" not in kwargs:
            headers.setdefault("x-csrf-token", self.csrf)
        else:
            kwargs["data"] = {"csrf_token": self.csrf, **kwargs["data"]}
        return self.http.request(method, path, headers=headers, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.send("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.send("PUT", path, **kwargs)

    def close(self) -> None:
        self.http.close()


def signed_in(base_url: str, login: str) -> Client:
    c = Client(base_url)
    r = c.login(login)
    assert r.status_code == 200, r.text
    return c


def eventually(check: Any, timeout: float = 15.0) -> Any:
    """``check()``'s first truthy result, retried: the national and prefecture aggregates are
    recomputed a moment after a change (kofuplan.services.summaries), not within it."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)
