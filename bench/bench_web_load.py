"""Load test of the shared web service on loopback (issue 6): 50 concurrent municipality users
view and save their plans; no request may fail; prints the p95 latency against the target in
rules/service.yaml (`service.load_test_p95_target_ms`).

The service runs in its own process (`kofuplan serve`, uvicorn, SQLite in WAL mode), as it
would in an office; the users are asyncio tasks in this process. Bounded: the whole run stops
within 60 seconds. Run: `uv run python bench/bench_web_load.py [--users 50] [--seconds 20]`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from kofuplan.adapters.storage.db import Database
from kofuplan.parameters import load_rules
from kofuplan.services.web_sample import seed

HOST = "127.0.0.1"  # loopback only
PASSWORD = "bench-password-123"
HARD_LIMIT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


async def sign_in(
    c: httpx.AsyncClient, login: str, latencies: dict[str, list[float]], errors: list[str]
) -> str:
    await c.get("/login")
    csrf = c.cookies.get("kofuplan_csrf") or ""
    t = time.perf_counter()
    r = await c.post(
        "/api/login", json={"login": login, "password": PASSWORD}, headers={"x-csrf-token": csrf}
    )
    latencies["login"].append(time.perf_counter() - t)
    if r.status_code != 200:
        errors.append(f"login {login}: {r.status_code}")
    return csrf


async def user(
    c: httpx.AsyncClient,
    csrf: str,
    lg: str,
    until: float,
    think: float,
    rng: random.Random,
    latencies: dict[str, list[float]],
    errors: list[str],
) -> None:
    async def pause() -> None:
        if think > 0:  # a person reads the page before the next action
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))

    await asyncio.sleep(think * rng.random())  # users do not all start in the same instant
    n = 0
    while time.perf_counter() < until:
        t = time.perf_counter()
        r = await c.get(f"/api/municipalities/{lg}/plan")
        latencies["view (API)"].append(time.perf_counter() - t)
        if r.status_code != 200:
            errors.append(f"view {lg}: {r.status_code}")
            continue
        revision = r.json()["revision"]
        await pause()
        month = revision["content"][n % len(revision["content"])]["month"]
        t = time.perf_counter()
        r = await c.post(
            f"/api/municipalities/{lg}/plan",
            json={
                "base_revision_id": revision["id"],
                "reason": f"load test {n}",
                "rows": [{"month": month, "staff": 10 + n % 7}],
            },
            headers={"x-csrf-token": csrf},
        )
        latencies["save (API)"].append(time.perf_counter() - t)
        if r.status_code != 201:
            errors.append(f"save {lg}: {r.status_code} {r.text[:80]}")
        await pause()
        t = time.perf_counter()
        r = await c.get(f"/m/{lg}")
        latencies["view (page)"].append(time.perf_counter() - t)
        if r.status_code != 200:
            errors.append(f"page {lg}: {r.status_code}")
        await pause()
        n += 1


async def run(
    base: str, accounts: list[tuple[str, str]], seconds: float, think: float, deadline: float
) -> tuple[dict[str, list[float]], list[str], float]:
    """``deadline`` (perf_counter) bounds the whole run, sign-ins included."""
    latencies: dict[str, list[float]] = {
        "login": [],
        "view (API)": [],
        "save (API)": [],
        "view (page)": [],
    }
    errors: list[str] = []
    clients = [httpx.AsyncClient(base_url=base, timeout=30) for _ in accounts]
    try:
        # Everyone signs in first (argon2 is slow on purpose); then the timed phase.
        tokens = await asyncio.gather(
            *(
                sign_in(c, login, latencies, errors)
                for c, (_, login) in zip(clients, accounts, strict=True)
            )
        )
        # Each user finishes its current action after ``until``: keep a margin before the deadline.
        begun = time.perf_counter()
        until = min(begun + seconds, deadline - 3 * max(think, 1.0))
        await asyncio.gather(
            *(
                user(c, csrf, lg, until, think, random.Random(i), latencies, errors)
                for i, (c, csrf, (lg, _)) in enumerate(zip(clients, tokens, accounts, strict=True))
            )
        )
        measured = time.perf_counter() - begun
    finally:
        for c in clients:
            await c.aclose()
    return latencies, errors, measured


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else (values or [0.0])[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--think",
        type=float,
        default=None,
        help="mean seconds a user waits between actions (default: rules, 0 = closed loop)",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    rules = load_rules().at(dt.date(2020, 10, 1))
    target_ms = int(rules["service.load_test_p95_target_ms"])
    think = float(rules["service.load_test_think_seconds"]) if args.think is None else args.think
    with tempfile.TemporaryDirectory(prefix="kofuplan-load-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'load.sqlite3'}"
        per_prefecture = -(-args.users // 47)
        accounts = seed(Database(url), per_prefecture=per_prefecture, password=PASSWORD)
        chosen = list(accounts.municipalities.items())[: args.users]
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "kofuplan", "serve", "--host", HOST, "--port", str(port),
             "--database-url", url],
            env={**os.environ, "KOFUPLAN_ENVIRONMENT": "development"},
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            base = f"http://{HOST}:{port}"
            while True:
                try:
                    if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.perf_counter() - started > 20:
                    raise SystemExit("the server did not start")
                time.sleep(0.1)
            deadline = started + HARD_LIMIT_SECONDS - 2
            seconds = max(1.0, min(args.seconds, deadline - time.perf_counter() - 10))
            latencies, errors, seconds = asyncio.run(
                asyncio.wait_for(
                    run(base, chosen, seconds, think, deadline), deadline - time.perf_counter()
                )
            )
        finally:
            server.terminate()
            server.wait(timeout=10)
    timed = latencies["view (API)"] + latencies["save (API)"] + latencies["view (page)"]
    print(
        f"web load test: {len(chosen)} concurrent users, {seconds:.0f} s on {HOST}, SQLite (WAL), "
        f"think time {think:g} s between actions"
    )
    for name, values in latencies.items():
        if values:
            print(
                f"  {name:<12} n={len(values):>6}"
                f"  median={1000 * statistics.median(values):7.1f} ms"
                f"  p95={1000 * p95(values):7.1f} ms"
            )
    overall = 1000 * p95(timed)
    rate = len(timed) / seconds
    print(f"  all views and saves: {len(timed)} requests, {rate:.0f}/s, p95 = {overall:.1f} ms "
          f"(target ≤ {target_ms} ms: {'met' if overall <= target_ms else 'NOT met'})")  # fmt: skip
    print(f"  errors: {len(errors)}")
    for e in errors[:10]:
        print(f"    {e}")
    print(f"  total run time {time.perf_counter() - started:.1f} s")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
