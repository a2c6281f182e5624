"""Setting the service up: baseline from the statistics, plans from the engine, users."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kofuplan.domain.lgcode import lg_code_error
from kofuplan.domain.plan_form import Cell, PlanRow
from kofuplan.domain.profiles import StatsRows
from kofuplan.domain.rule_values import PlanRules
from kofuplan.domain.snapshots import first_day
from kofuplan.errors import InputError
from kofuplan.parameters import load_rules
from kofuplan.services.access import ROLE_LABELS, ROLES, Principal
from kofuplan.services.passwords import hash_password
from kofuplan.services.passwords import min_length as password_min_length
from kofuplan.services.ports import MunicipalityData, Storage, UserRecord
from kofuplan.services.workflow import append_plan


class UserError(InputError):
    pass


def load_baseline(storage: Storage, stats: StatsRows, as_of: dt.date) -> int:
    """Create or update the prefectures and municipalities of one statistics snapshot (read
    by the plan engine's reader, so the service and `kofuplan plan` read the same way)."""
    with storage.unit_of_work() as uow:
        prefs = sorted(set(zip(stats.pref_code.tolist(), stats.pref_name.tolist(), strict=True)))
        for pref_code, pref_name in prefs:
            uow.places.put_prefecture(str(pref_code).zfill(2), str(pref_name))
        for i, code in enumerate(stats.lg_code.tolist()):
            uow.places.put_municipality(
                MunicipalityData(
                    lg_code=str(code),
                    pref_code=str(stats.pref_code[i]).zfill(2),
                    name=str(stats.name[i]),
                    population=int(stats.population[i]),
                    cards_issued_baseline=int(stats.issued[i]),
                    baseline_date=as_of,  # the data's as-of date: the rules follow it
                    recent_increase=int(stats.recent_increase[i]),
                    recent_days=int(stats.recent_days[i]),
                    municipality_type=str(stats.municipality_type[i]),
                )
            )
        uow.commit()
    return len(stats.lg_code)


def rows_by_municipality(
    rows: Sequence[PlanRow], where: str = "", plan_months: Sequence[str] | None = None
) -> dict[str, list[dict[str, Cell]]]:
    """A plan file's rows (plain values, as the one plan reader gives them) grouped by
    municipality, for storing; their figures are bounded when saved (``save_plan``). With
    ``plan_months``, a month outside the plan or given twice is refused, naming the line."""
    allowed = set(plan_months) if plan_months is not None else None
    out: dict[str, list[dict[str, Cell]]] = {}
    seen: set[tuple[str, str]] = set()
    for row in rows:
        code = str(row.cells.get("lg_code") or "").strip()
        month = str(row.cells.get("month") or "").strip()
        place = f"{where}:{row.line}: month"
        if allowed is not None and month not in allowed:
            first, last = min(allowed), max(allowed)
            raise InputError(f"{place}: {month!r} は計画の期間（{first}〜{last}）外です")
        if (code, month) in seen:
            raise InputError(f"{place}: {code} の {month} の行が重複しています")
        seen.add((code, month))
        out.setdefault(code, []).append({**row.cells, "lg_code": code})
    return out


def plan_months() -> tuple[str, ...]:
    """The months of the plan made at its first day: every month a stored plan may hold."""
    from kofuplan.services.planning import plan_calendar, rules_at

    first = dt.date(2020, 10, 1)  # the plan's first day: rules hold from it
    start = first_day(PlanRules.from_rules(load_rules().at(first)).period_start)
    return plan_calendar(rules_at(start), start).months


def renewal_plan_months() -> tuple[str, ...]:
    """Every month a stored renewal plan may hold (renewal.period_start … period_end)."""
    from kofuplan.services.renewal_checks import renewal_months

    return renewal_months(dt.date(2020, 10, 1))


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def import_plans(
    storage: Storage,
    plans: Mapping[str, Sequence[Mapping[str, Any]]],
    reason: str,
    stored: Callable[[int], None] = lambda _n: None,
    kind: str = "issuance",
) -> int:
    """Store each municipality's plan rows as its newest revision of the ``kind`` plan
    (author: none), all in one transaction: a plan refused halfway stores none. ``stored(1)``
    is told after each municipality (a caller's progress)."""
    n = 0
    with storage.unit_of_work() as uow:
        who = Principal(user_id=None, login="system", role="ministry")
        for lg_code, rows in plans.items():
            m = uow.places.municipality(lg_code)
            if m is None:
                raise InputError(
                    f"団体コード（lg_code）{lg_code}: 登録されていない団体です"
                    "（先に db load-stats を実行してください）"
                )
            latest = uow.plans.latest_revision(lg_code, kind)
            base = latest.id if latest else None
            append_plan(uow, who, m, base, reason, rows, merge=False, kind=kind)
            n += 1
            stored(1)
        uow.commit()
    return n


def check_new_user(
    *,
    role: str,
    login: str,
    password: str,
    lg_code: str | None = None,
    pref_code: str | None = None,
) -> None:
    """What can be refused without the store: the role, the password's length, the login,
    and the code the role needs (``kofuplan users add`` refuses these before it opens or
    creates the database)."""
    if role not in ROLES:
        shown = "、".join(f"{r}（{ROLE_LABELS[r]}）" for r in ROLES)
        raise UserError(f"--role: 「{role[:40]}」は役割ではありません（{shown} のいずれか）")
    min_length = password_min_length()
    if len(password) < min_length:
        raise UserError(f"パスワード: {min_length}文字以上にしてください")
    if not login or len(login) > 64:
        raise UserError("--login: ログイン名は1文字以上64文字以内にしてください")
    if role == "municipality":
        if not lg_code:
            raise UserError("--lg-code: 市区町村の利用者には団体コードが必要です")
        if why := lg_code_error(lg_code):
            raise UserError(f"--lg-code: {why}")
    elif role == "prefecture" and not pref_code:
        raise UserError("--pref: 都道府県の利用者には都道府県コード（01〜47）が必要です")


def add_user(
    storage: Storage,
    *,
    role: str,
    login: str,
    password: str,
    lg_code: str | None = None,
    pref_code: str | None = None,
    password_hash: str | None = None,
) -> UserRecord:
    check_new_user(role=role, login=login, password=password, lg_code=lg_code, pref_code=pref_code)
    with storage.unit_of_work() as uow:
        if uow.accounts.user_by_login(login) is not None:
            raise UserError(f"--login: ログイン名「{login[:64]}」はすでに使われています")
        if role == "municipality":
            m = uow.places.municipality(str(lg_code))
            if m is None:
                raise UserError(
                    f"--lg-code: 団体コード {lg_code} の団体はまだ登録されていません"
                    "（先に統計を読み込んでください）"
                )
            pref_code = m.pref_code
        elif role == "prefecture":
            if uow.places.prefecture(str(pref_code)) is None:
                raise UserError(
                    f"--pref: 都道府県コード「{str(pref_code)[:20]}」の都道府県は登録されていません"
                )
            lg_code = None
        else:
            lg_code = pref_code = None
        user = uow.accounts.add_user(
            login=login,
            password_hash=password_hash or hash_password(password),
            role=role,
            lg_code=lg_code,
            pref_code=pref_code,
        )
        uow.commit()
        return user
