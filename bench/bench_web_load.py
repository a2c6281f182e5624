"""Load test of the shared web service on loopback (issues 6 and 14).

Seeds a database first (sample municipalities in every prefecture, as many as the real
country by default), starts `kofuplan serve` in its own process(es), waits for it with its own
generous limit, signs every user in at once (timed: argon2 is slow on purpose), then times the
work: municipality users view and save their plans, a few prefecture users view their lists,
one Ministry user views the national page. Prints p50/p95/p99 and the errors per kind of
request, against the load test's p95 target (``Settings.load_test_p95_target_ms``).

    uv run python bench/bench_web_load.py [--db sqlite|postgres] [--think 0] [--workers 2]

``--db postgres`` uses a database of its own next to ``KOFUPLAN_TEST_POSTGRES_URL``'s (named
``…_bench``; created when absent, emptied before each run) so it never touches the tests'.
``--json FILE`` also writes the figures. No request may fail (exit status 1 otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, make_url, text

from bench.report import Row, load_average, record
from kofuplan.adapters.storage.db import Database
from kofuplan.adapters.web.sample import SampleAccounts, seed
from kofuplan.adapters.web.settings import Settings

HOST = "127.0.0.1"  # loopback only
PASSWORD = "bench-password-123"
KINDS = (
    "sign-in",
    "view plan (API)",
    "save plan (API)",
    "view plan (page)",
    "view prefecture (page)",
    "view nation (page)",
)


@dataclass
class Record:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})

    async def timed(
        self, kind: str, call: Awaitable[httpx.Response], ok: int = 200
    ) -> httpx.Response | None:
        t = time.perf_counter()
        try:
            r = await call
        except httpx.HTTPError as e:
            self.latencies[kind].append(time.perf_counter() - t)
            self.errors[kind].append(f"{type(e).__name__}")
            return None
        self.latencies[kind].append(time.perf_counter() - t)
        if r.status_code != ok:
            self.errors[kind].append(f"{r.status_code} {r.text[:80]}")
            return None
        return r


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def postgres_bench_url() -> str:
    """A database of the bench's own on the tests' PostgreSQL server, emptied."""
    given = os.environ.get("KOFUPLAN_BENCH_POSTGRES_URL") or os.environ.get(
        "KOFUPLAN_TEST_POSTGRES_URL"
    )
    if not given:
        raise SystemExit("--db postgres needs KOFUPLAN_TEST_POSTGRES_URL (see .ci/services.sh)")
    url = make_url(given)
    name = url.database or "kofuplan"
    bench = url.set(database=name if name.endswith("_bench") else f"{name}_bench")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        exists = c.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": bench.database}
        ).first()
        if not exists:
            c.execute(text(f'CREATE DATABASE "{bench.database}"'))
    admin.dispose()
    engine = create_engine(bench)
    with engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return bench.render_as_string(hide_password=False)


async def sign_in(c: httpx.AsyncClient, login: str, rec: Record) -> str:
    await c.get("/login")
    csrf = c.cookies.get("kofuplan_csrf") or ""
    await rec.timed(
        "sign-in",
        c.post(
            "/api/login",
            json={"login": login, "password": PASSWORD},
            headers={"x-csrf-token": csrf},
        ),
    )
    return csrf


Action = Callable[[int], Awaitable[None]]


async def loop(actions: list[Action], until: float, think: float, rng: random.Random) -> None:
    await asyncio.sleep(think * rng.random())  # users do not all start in the same instant
    n = 0
    while time.perf_counter() < until:
        for act in actions:
            await act(n)
            if think > 0:  # a person reads the page before the next action
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        n += 1


def municipality_actions(c: httpx.AsyncClient, csrf: str, lg: str, rec: Record) -> list[Action]:
    state: dict[str, object] = {}

    async def view(n: int) -> None:
        r = await rec.timed("view plan (API)", c.get(f"/api/municipalities/{lg}/plan"))
        state["revision"] = r.json()["revision"] if r is not None else None

    async def save(n: int) -> None:
        revision = state.get("revision")
        if not isinstance(revision, dict):
            return
        month = revision["content"][n % len(revision["content"])]["month"]
        await rec.timed(
            "save plan (API)",
            c.post(
                f"/api/municipalities/{lg}/plan",
                json={
                    "base_revision_id": revision["id"],
                    "reason": f"load test {n}",
                    "rows": [{"month": month, "staff": 10 + n % 7}],
                },
                headers={"x-csrf-token": csrf},
            ),
            ok=201,
        )

    async def page(n: int) -> None:
        await rec.timed("view plan (page)", c.get(f"/m/{lg}"))

    return [view, save, page]


def page_action(c: httpx.AsyncClient, kind: str, path: str, rec: Record) -> list[Action]:
    async def view(n: int) -> None:
        await rec.timed(kind, c.get(path))

    return [view]


async def run(
    base: str, accounts: SampleAccounts, users: int, seconds: float, think: float
) -> tuple[Record, float]:
    rec = Record()
    prefs = max(1, users // 12)  # about one prefecture officer for eleven municipal clerks
    munis = list(accounts.municipalities.items())[: users - prefs - 1]
    pref_codes = sorted(accounts.prefectures)[:prefs]
    who: list[tuple[str, str, str]] = [("m", lg, login) for lg, login in munis]
    who += [("p", code, accounts.prefectures[code]) for code in pref_codes]
    who.append(("n", "", accounts.ministry))
    limits = httpx.Limits(max_connections=1)
    clients = [httpx.AsyncClient(base_url=base, timeout=120, limits=limits) for _ in who]
    try:
        tokens = await asyncio.gather(
            *(sign_in(c, login, rec) for c, (_, _, login) in zip(clients, who, strict=True))
        )
        plans: list[list[Action]] = []
        for c, csrf, (role, code, _) in zip(clients, tokens, who, strict=True):
            if role == "m":
                plans.append(municipality_actions(c, csrf, code, rec))
            elif role == "p":
                plans.append(page_action(c, "view prefecture (page)", f"/p/{code}", rec))
            else:
                plans.append(page_action(c, "view nation (page)", "/nation", rec))
        begun = time.perf_counter()
        until = begun + seconds
        await asyncio.gather(
            *(loop(acts, until, think, random.Random(i)) for i, acts in enumerate(plans))
        )
        measured = time.perf_counter() - begun
    finally:
        for c in clients:
            await c.aclose()
    return rec, measured


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return (values or [0.0])[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "kofuplan", "serve", "--host", HOST, "--port", str(port),
               "--database-url", url]  # fmt: skip
    if workers > 1:
        command += ["--workers", str(workers)]
    return subprocess.Popen(
        command,
        env={**os.environ, "KOFUPLAN_ENVIRONMENT": "development"},
        stdout=subprocess.DEVNULL,
    )


def wait_ready(base: str, server: subprocess.Popen[bytes], limit: float) -> float:
    started = time.perf_counter()
    while True:
        try:
            if httpx.get(f"{base}/login", timeout=5).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode}")
        if time.perf_counter() - started > limit:
            raise SystemExit(f"the server did not answer within {limit:g} s")
        time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the timed phase")
    parser.add_argument(
        "--think",
        type=float,
        default=None,
        help="mean seconds a user waits between actions (default: Settings; 0 = closed loop)",
    )
    parser.add_argument(
        "--per-prefecture",
        type=int,
        default=38,
        help="sample municipalities per prefecture (38 × 47 = 1,786, about the real country)",
    )
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--ready-timeout", type=float, default=180.0)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    server = Settings()
    target_ms = server.load_test_p95_target_ms
    think = server.load_test_think_seconds if args.think is None else args.think
    print(
        f"web load test (issue 16): {args.users} users for {args.seconds:g} s on loopback, "
        f"think time {think:g} s, {args.db}, {args.workers} server process(es), sample data "
        f"of {args.per_prefecture} municipalities per prefecture (47 prefectures); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(
        "  peer: none (a goal of the service's own: every view and save p95 ≤ "
        f"{target_ms} ms, Settings.load_test_p95_target_ms; no request may fail)"
    )
    print(
        "  work: each municipal user views its plan (API), saves a change, views its page; "
        f"{max(1, args.users // 12)} prefecture user(s) view their lists; one Ministry user "
        "views the national page",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="kofuplan-load-") as tmp:
        if args.db == "sqlite":
            url = f"sqlite:///{Path(tmp) / 'load.sqlite3'}"
        else:
            url = postgres_bench_url()
        t = time.perf_counter()
        db = Database(url)
        accounts = seed(db, per_prefecture=args.per_prefecture, password=PASSWORD)
        db.dispose()
        seeded = time.perf_counter() - t
        port = free_port()
        server = start_server(url, port, args.workers)
        try:
            base = f"http://{HOST}:{port}"
            ready = wait_ready(base, server, args.ready_timeout)
            rec, measured = asyncio.run(run(base, accounts, args.users, args.seconds, think))
        finally:
            server.terminate()
            server.wait(timeout=30)
    n_munis = len(accounts.municipalities)
    print(
        f"web load test: {args.users} users, {args.db}, {args.workers} server process(es), "
        f"{n_munis} municipalities, think time {think:g} s, timed phase {measured:.0f} s"
    )
    print(f"  seeded in {seeded:.1f} s; server answered {ready:.1f} s after start")
    figures: dict[str, dict[str, float]] = {}
    for kind in KINDS:
        values = rec.latencies[kind]
        if not values:
            continue
        f = {
            "n": len(values),
            "errors": len(rec.errors[kind]),
            **{f"p{q}_ms": 1000 * percentile(values, q) for q in (50, 95, 99)},
        }
        figures[kind] = f
        print(
            f"  {kind:<24} n={f['n']:>6}  p50={f['p50_ms']:7.1f} ms  p95={f['p95_ms']:7.1f} ms"
            f"  p99={f['p99_ms']:7.1f} ms  errors={f['errors']}"
        )
    timed = [v for k in KINDS[1:] for v in rec.latencies[k]]
    overall = 1000 * percentile(timed, 95) if timed else float("nan")
    print(
        f"  all views and saves: {len(timed)} requests, {len(timed) / measured:.0f}/s, "
        f"p95 = {overall:.1f} ms (target ≤ {target_ms} ms: "
        f"{'met' if overall <= target_ms else 'NOT met'})"
    )
    errors = [f"{k}: {e}" for k in KINDS for e in rec.errors[k]]
    print(f"  errors: {len(errors)}")
    for e in errors[:10]:
        print(f"    {e}")
    hashing = Settings()  # the argon2 parameters the server hashes with (ServiceSettings)
    views_p95 = [figures[k]["p95_ms"] for k in KINDS[3:] if k in figures]
    sign_in = figures.get("sign-in", {})
    setting = (
        f"{args.users} users, think {think:g} s, {args.db}, {args.workers} server "
        f"process(es), {n_munis:,} municipalities, {measured:.0f} s timed"
    )
    record(
        "bench_web_load",
        [
            Row(
                what=f"web service: p95 of every view and save ({setting})",
                ours=f"p95 {overall:,.0f} ms; pages p95 "
                + " / ".join(f"{v:,.0f}" for v in views_p95)
                + f" ms (plan / prefecture / nation); {len(timed) / measured:.0f} req/s",
                peer="—",
                ratio="—",
                goal=f"≤ {target_ms} ms p95, errors 0",
                met=overall <= target_ms and not errors,
                same_answer="—",
                load=load_average(),
            ),
            Row(
                what=f"web service: {sign_in.get('n', 0):.0f} sign-ins at once, timed apart "
                f"(argon2id m = {hashing.argon2_memory_kib // 1024} MiB, "
                f"t = {hashing.argon2_time_cost}, "
                f"p = {hashing.argon2_parallelism}: OWASP's minimum)",
                ours=f"p50 {sign_in.get('p50_ms', 0):,.0f} / "
                f"p95 {sign_in.get('p95_ms', 0):,.0f} ms",
                peer="—",
                ratio="—",
                goal="no goal of its own; errors 0",
                met=sign_in.get("errors", 1) == 0,
                same_answer="—",
                load=load_average(),
            ),
        ],
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "db": args.db,
                    "users": args.users,
                    "workers": args.workers,
                    "think": think,
                    "seconds": measured,
                    "municipalities": n_munis,
                    "ready_s": ready,
                    "kinds": figures,
                    "p95_all_ms": overall,
                    "rate_per_s": len(timed) / measured,
                    "errors": len(errors),
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
