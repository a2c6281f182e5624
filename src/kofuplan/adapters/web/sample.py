"""Sample data for the web service's demo, browser tests and load test: made-up
municipalities in all 47 prefectures (labelled サンプル, never the real statistics), written in
the official long format and planned by the plan engine, exactly as real data would be.
Sample accounts share one password, printed by `kofuplan serve --demo`.

An adapter, not a use case: it writes a statistics file, runs the plan engine on it and stores
the results through the use cases of ``kofuplan.services.setup``, as the command line does."""

from __future__ import annotations

import csv
import datetime as dt
import secrets
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kofuplan.adapters.stats_csv import STATS_COLUMNS, StatsFiles
from kofuplan.domain.lgcode import check_digit
from kofuplan.domain.plan import Plan
from kofuplan.domain.plan_form import Cell
from kofuplan.domain.plan_table import RENEWAL_FIGURES, table_rows
from kofuplan.domain.renewal import RenewalRules, renewal_demand
from kofuplan.domain.renewal_history import age_group_shares, month_end_ordinals
from kofuplan.domain.renewal_plan import METHOD as RENEWAL
from kofuplan.domain.renewal_plan import (
    make_renewal_plan,
    renewal_profiles,
    renewal_values,
)
from kofuplan.domain.snapshots import add_months, first_day, month_of, month_range
from kofuplan.services.passwords import hash_password
from kofuplan.services.planning import plan_calendar, rules_at, run_plan
from kofuplan.services.ports import Storage
from kofuplan.services.renewal_checks import renewal_period, with_values
from kofuplan.services.setup import add_user, import_plans, load_baseline

AS_OF = dt.date(2020, 10, 1)  # the planning baseline snapshot (end of September 2020)
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


def write_sample_stats(path: Path, per_prefecture: int, rng: np.random.Generator) -> None:
    """Sample statistics in the official long format, one snapshot at ``AS_OF``."""
    prev = dt.date(2020, 9, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(STATS_COLUMNS), lineterminator="\n")
        writer.writeheader()
        for p, pref_name in enumerate(PREFECTURES, start=1):
            for k in range(per_prefecture):
                # 9xx: a block of codes unused by real municipalities' ordinary numbering.
                code5 = f"{p:02d}{900 + k:03d}"
                population = int(rng.lognormal(10.2, 0.9)) + 1000
                issued = int(population * rng.uniform(0.14, 0.28))
                writer.writerow(
                    {
                        "snapshot_date": AS_OF.isoformat(),
                        "pref_code": f"{p:02d}",
                        "pref_name": pref_name,
                        "lg_code": f"{code5}{check_digit(code5)}",
                        "municipality_name": f"サンプル市{p:02d}-{k + 1}",
                        "municipality_type": "市",
                        "population": population,
                        "cards_issued_cumulative": issued,
                        "prev_snapshot_date": prev.isoformat(),
                        "cards_issued_increase_since_prev": int(issued * rng.uniform(0.03, 0.07)),
                    }
                )


def seed(
    db: Storage,
    *,
    per_prefecture: int = 3,
    password: str | None = None,
    seed_value: int = 20201027,
    with_actuals: bool = True,
) -> SampleAccounts:
    """Fill an empty database with sample municipalities, engine-made plans and accounts."""
    db.init()
    with db.unit_of_work() as uow:
        if uow.places.prefectures():
            raise ValueError("the database already has data; use an empty one for the sample")
    rng = np.random.default_rng(seed_value)
    password = password or secrets.token_urlsafe(9)
    with tempfile.TemporaryDirectory(prefix="kofuplan-sample-") as tmp:
        stats = Path(tmp) / "sample_stats.csv"
        write_sample_stats(stats, per_prefecture, rng)
        load_baseline(db, StatsFiles(stats).stats_at(AS_OF), AS_OF)
        issuance_plan = run_plan(StatsFiles(stats), AS_OF).plan
        plans = table_rows(issuance_plan.table())
    import_plans(db, plans, "サンプルデータ（計画エンジンで作成）")
    import_plans(
        db,
        sample_renewal_plans(issuance_plan),
        "サンプルデータ（更新の計画：計画エンジンで作成）",
        kind=RENEWAL,
    )
    # One hash for every sample account (they share the password): argon2 is slow on purpose.
    hashed = hash_password(password)
    add_user(db, role="ministry", login="ministry", password=password, password_hash=hashed)
    prefs = {f"{p:02d}": f"pref{p:02d}" for p in range(1, len(PREFECTURES) + 1)}
    for code, login in prefs.items():
        add_user(
            db, role="prefecture", login=login, password=password, pref_code=code,
            password_hash=hashed,
        )  # fmt: skip
    munis = {lg: f"m{lg}" for lg in sorted(plans)}
    for lg, login in munis.items():
        add_user(
            db, role="municipality", login=login, password=password, lg_code=lg,
            password_hash=hashed,
        )  # fmt: skip
    if with_actuals:
        _sample_actuals(db, plans, rng)
    return SampleAccounts(password, "ministry", prefs, munis)


def _sample_actuals(
    db: Storage, plans: Mapping[str, Sequence[Mapping[str, Cell]]], rng: np.random.Generator
) -> None:
    """Two months of sample actual results, each municipality at 50–120 % of its plan."""
    with db.unit_of_work() as uow:
        for lg, rows in plans.items():
            pace = rng.uniform(0.5, 1.2)
            for row in rows[:2]:
                planned = int(row["issuance"] or 0)
                uow.reviews.add_actual(
                    lg_code=lg,
                    month=str(row["month"]),
                    issued=int(planned * pace),
                    backlog=int(planned * rng.uniform(0, 0.3)),
                    author_id=None,
                )

        uow.commit()


# The sample's holders by age band at issuance (0–4, 5–9, 10–14, 15–19, 20+): an illustrative
# mix for the made-up municipalities, not the national statistics.
SAMPLE_AGE_BANDS = (0.04, 0.05, 0.05, 0.06, 0.80)


def sample_renewal_plans(issuance: Plan) -> dict[str, list[dict[str, Cell]]]:
    """Renewal plans (FY2025–FY2030) of the sample municipalities from the renewal engine:
    the cards each held at the baseline spread evenly over 2016-01 … the baseline month, then
    the sample issuance plan's own months as new cards, with the sample age mix; planned by
    ``make_renewal_plan`` as ``kofuplan plan --kind renewal`` does."""
    base = rules_at(AS_OF)
    rules = RenewalRules.from_rules(base)
    first, last = renewal_period(AS_OF, base)
    months = month_range(
        month_of(rules.card_issuance_start), add_months(last, rules.months_before_expiry)
    )
    baseline_month = add_months(issuance.calendar.months[0], -1)
    n = len(issuance.profiles)
    new_cards = np.zeros((n, len(months)))
    before = months.index(baseline_month) + 1
    new_cards[:, :before] = issuance.profiles.issued[:, None] / before
    for j, month in enumerate(issuance.calendar.months):
        new_cards[:, months.index(month)] = issuance.issuance[:, j]
    ends = month_end_ordinals(months)
    # One snapshot of the age bands: every month's new cards have the sample mix.
    shares = age_group_shares(ends, ends[:1], np.array([SAMPLE_AGE_BANDS], dtype=np.float64))
    demand = renewal_demand(
        months,
        new_cards,
        shares,
        np.array(
            [RenewalRules.from_rules(base.book.at(first_day(m))).majority_age for m in months],
            dtype=np.int64,
        ),
        rules,
    )
    window = demand.window(first, last)
    params = with_values(base, renewal_values(base, window, rules))
    calendar = plan_calendar(params, AS_OF)
    profiles = renewal_profiles(issuance.profiles, window, rules, params)
    plan = make_renewal_plan(profiles, calendar, params, window)
    out = table_rows(plan.table())
    for i, code in enumerate(plan.profiles.lg_code.tolist()):
        for j, row in enumerate(out[str(code)]):
            row["kind"] = RENEWAL
            for name in RENEWAL_FIGURES:
                row[name] = round(float(getattr(window, name)[i, j]), 1)
    return out
