"""Sample data for the demo, the browser tests and the load test: generated, labelled as
sample (サンプル), never the real statistics. Each sample plan is consistent (it sums to the
target, fits its capacity and opens a weekend day every week), so the checks start clean.

Replaced by the plan engine's sample generator and ``kofuplan.services.planning`` once both
are on main; until then the calendar columns are computed here with jpholiday.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import secrets
from dataclasses import dataclass
from functools import cache
from typing import Any

import jpholiday
import numpy as np

from kofuplan.adapters.storage.db import Database
from kofuplan.adapters.storage.models import Municipality
from kofuplan.adapters.storage.repository import Repository
from kofuplan.domain.lgcode import check_digit
from kofuplan.parameters import load_rules
from kofuplan.services.passwords import hash_password
from kofuplan.services.setup import add_user, import_plans
from kofuplan.services.views import plan_months

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県",
    "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県",
    "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県",
    "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県",
    "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)  # fmt: skip


@dataclass(frozen=True)
class SampleAccounts:
    password: str
    ministry: str
    prefectures: dict[str, str]  # pref code -> login
    municipalities: dict[str, str]  # lg_code -> login


@cache
def month_calendar(month: str, closure: tuple[str, ...]) -> tuple[int, int]:
    """(open weekdays, required weekend days) of a YYYY-MM month."""
    y, m = int(month[:4]), int(month[5:])
    weekdays = saturdays = sundays = 0
    for d in range(1, calendar.monthrange(y, m)[1] + 1):
        day = dt.date(y, m, d)
        if f"{m:02d}-{d:02d}" in closure:
            continue
        if day.weekday() == 5:
            saturdays += 1
        elif day.weekday() == 6:
            sundays += 1
        elif not jpholiday.is_holiday(day):
            weekdays += 1
    return weekdays, min(saturdays, sundays)


def sample_plan(m: Municipality, rng: np.random.Generator) -> list[dict[str, Any]]:
    rules: Any = load_rules().at(dt.date(2020, 10, 1))
    closure = tuple(rules["calendar.closure_days"])
    dedicated_daily = float(rules["capacity.dedicated_daily_per_counter"])
    combined_daily = float(rules["capacity.combined_daily_per_counter"])
    months = plan_months()
    cal = [month_calendar(mo, closure) for mo in months]
    open_days = np.array([w + r for w, r in cal], dtype=np.float64)
    target = m.population - m.cards_issued_baseline
    # Level per open day, in whole cards, summing exactly to the target.
    raw = target * open_days / open_days.sum()
    issuance = np.floor(raw).astype(np.int64)
    remainder = int(target - issuance.sum())
    issuance[np.argsort(raw - issuance)[::-1][:remainder]] += 1
    combined = int(rng.integers(1, 4))
    rows = []
    for i, month in enumerate(months):
        weekdays, required = cal[i]
        need = issuance[i] / open_days[i] - combined * combined_daily
        dedicated = max(1, math.ceil(need / dedicated_daily))
        rows.append(
            {
                "lg_code": m.lg_code,
                "month": month,
                "issuance": int(issuance[i]),
                "open_weekdays": weekdays,
                "weekend_days": required,
                "required_weekend_days": required,
                "dedicated_counters": dedicated,
                "dedicated_daily_per_counter": dedicated_daily,
                "combined_counters": combined,
                "combined_daily_per_counter": combined_daily,
                "offsite_counters": 0,
                "staff": 2 * (dedicated + combined),
                "terminals": dedicated + combined,
                "recruit_start_month": "",
            }
        )
    return rows


def seed(
    db: Database,
    *,
    per_prefecture: int = 3,
    password: str | None = None,
    seed_value: int = 20201027,
    with_actuals: bool = True,
) -> SampleAccounts:
    """Fill an empty database with sample prefectures, municipalities, plans and accounts."""
    db.init()
    rng = np.random.default_rng(seed_value)
    password = password or secrets.token_urlsafe(9)
    baseline = dt.date(2020, 9, 30)
    prefs: dict[str, str] = {}
    munis: dict[str, str] = {}
    with db.session() as s:
        repo = Repository(s)
        if repo.prefectures():
            raise ValueError("the database already has data; use an empty one for the sample")
        for p, name in enumerate(PREFECTURES, start=1):
            code = f"{p:02d}"
            repo.upsert_prefecture(code, name)
        s.flush()
        for p, _name in enumerate(PREFECTURES, start=1):
            for k in range(per_prefecture):
                code5 = f"{p:02d}{9 - k // 100}{k % 100:02d}"
                lg = f"{code5}{check_digit(code5)}"
                population = int(rng.lognormal(10.5, 1.0)) + 1000
                issued = int(population * rng.uniform(0.12, 0.3))
                s.add(
                    Municipality(
                        lg_code=lg,
                        pref_code=f"{p:02d}",
                        name=f"サンプル市{p:02d}-{k + 1}",
                        population=population,
                        cards_issued_baseline=issued,
                        baseline_date=baseline,
                    )
                )
        s.commit()
        municipalities = list(repo.municipalities())
    plans = {m.lg_code: sample_plan(m, rng) for m in municipalities}
    import_plans(db, plans, "サンプルデータ（自動作成）")
    # One hash for every sample account (they share the password): argon2 is slow on purpose.
    hashed = hash_password(password)
    add_user(db, role="ministry", login="ministry", password=password, password_hash=hashed)
    for p in range(1, len(PREFECTURES) + 1):
        code = f"{p:02d}"
        prefs[code] = f"pref{code}"
        add_user(
            db,
            role="prefecture",
            login=prefs[code],
            password=password,
            pref_code=code,
            password_hash=hashed,
        )
    for m in municipalities:
        munis[m.lg_code] = f"m{m.lg_code}"
        add_user(
            db,
            role="municipality",
            login=munis[m.lg_code],
            password=password,
            lg_code=m.lg_code,
            password_hash=hashed,
        )
    if with_actuals:
        _sample_actuals(db, plans, rng)
    return SampleAccounts(password, "ministry", prefs, munis)


def _sample_actuals(
    db: Database, plans: dict[str, list[dict[str, Any]]], rng: np.random.Generator
) -> None:
    """Two months of actual results, each municipality at 50–120% of its plan."""
    from kofuplan.adapters.storage.models import Actual

    with db.session() as s:
        for lg, rows in plans.items():
            pace = rng.uniform(0.5, 1.2)
            for row in rows[:2]:
                s.add(
                    Actual(
                        lg_code=lg,
                        month=row["month"],
                        issued=int(row["issuance"] * pace),
                        backlog=int(row["issuance"] * rng.uniform(0, 0.3)),
                    )
                )
        s.commit()
