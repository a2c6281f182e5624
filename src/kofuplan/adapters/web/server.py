"""Starting the service: on SQLite by default with nothing to set up, or with sample data."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from kofuplan.adapters.storage.db import Database
from kofuplan.adapters.web.app import create_app
from kofuplan.adapters.web.sample import SampleAccounts, seed
from kofuplan.adapters.web.settings import Settings
from kofuplan.services import summaries


def app_from_environment() -> FastAPI:
    """The app as each server process builds it (``uvicorn --factory``, ``--workers``)."""
    from kofuplan.adapters.allocator import keep_freed_memory

    keep_freed_memory()  # as in the CLI's process (kofuplan.adapters.allocator)
    settings = Settings()
    app = create_app(settings, Database(settings.database_url))
    summaries.warm(app.state.storage)  # before this worker answers (summaries.warm)
    return app


def serve(host: str, port: int, database_url: str | None = None, workers: int = 1) -> None:
    """Serve on ``host:port``; ``workers`` > 1 runs that many server processes (one per core
    is the production setting), each with its own connection pool."""
    settings = Settings()
    db = Database(database_url or settings.database_url)
    db.init()
    print(f"kofuplan: http://{host}:{port}/  (database: {_shown(db)})", flush=True)
    with db.unit_of_work() as uow:
        if not uow.places.prefectures():
            print(
                "  no municipalities yet: kofuplan db load-stats FILE --as-of 2020-10-01",
                flush=True,
            )
        if not uow.accounts.has_users():
            print(
                "  no accounts yet: kofuplan users add --role ministry --login NAME "
                "(or start with --demo for sample data)",
                flush=True,
            )
    if workers > 1:
        db.dispose()
        os.environ["KOFUPLAN_DATABASE_URL"] = db.url  # what each worker process reads
        uvicorn.run(
            "kofuplan.adapters.web.server:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            # uvicorn restarts a worker that does not answer its health check in time (5 s by
            # default): on a busy machine a worker starting up or serving a heavy page can take
            # longer, and a restart drops its connections.
            timeout_worker_healthcheck=60,
        )
        return
    app = create_app(settings, db)
    started = time.perf_counter()
    computed = summaries.warm(db)  # the stored summaries it lacks, before it answers
    if computed:
        print(
            f"  computed {computed} stored summaries in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def demo_database(folder: Path | None = None) -> tuple[Database, SampleAccounts]:
    """A fresh SQLite database filled with sample data and sample accounts."""
    folder = folder or Path(tempfile.mkdtemp(prefix="kofuplan-demo-"))
    db = Database(f"sqlite:///{folder / 'kofuplan-demo.sqlite3'}")
    return db, seed(db)


def sign_in_help(host: str, port: int, accounts: SampleAccounts) -> str:
    lg, login = next(iter(accounts.municipalities.items()))
    pref = lg[:2]
    return "\n".join(
        [
            f"kofuplan（サンプルデータ）: http://{host}:{port}/",
            f"  パスワード（全アカウント共通）: {accounts.password}",
            f"  市区町村: {login}（団体コード {lg}）",
            f"  都道府県: {accounts.prefectures[pref]}",
            f"  総務省:   {accounts.ministry}",
            "  市区町村のログイン名は m + 団体コード、都道府県は pref + 都道府県コードです。",
            f"  API: http://{host}:{port}/docs",
        ]
    )


def serve_demo(host: str = "127.0.0.1", port: int = 8000) -> None:
    """What `kofuplan serve --demo` (and the project demo) runs."""
    db, accounts = demo_database()
    print(sign_in_help(host, port, accounts), flush=True)
    uvicorn.run(create_app(Settings(), db), host=host, port=port, log_level="warning")


def _shown(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=True)


@contextmanager
def running(app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` from a background thread (tests, benchmarks); yields its base URL."""
    # The app's lifespan runs: its summary refresher starts, and is stopped before this returns.
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="kofuplan-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
