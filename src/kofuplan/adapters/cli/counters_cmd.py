"""`kofuplan counters`: the fewest counters that meet a waiting-time service level (Erlang C)."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Annotated

import typer

from kofuplan.adapters.cli import app
from kofuplan.domain.plan_form import PlanBounds
from kofuplan.domain.queueing import fewest_counters
from kofuplan.domain.waits import QueueingParameters
from kofuplan.errors import InputError, RuleError
from kofuplan.parameters import load_rules

# What each checked option stands for, named beside the option in a refusal.
OPTION_LABELS = {
    "--per-day": "1日の来庁者数",
    "--hours": "1日の開庁時間",
    "--service-minutes": "1件の交付にかかる時間（分）",
    "--within-minutes": "目標の待ち時間（分）",
    "--service-level": "目標の待ち時間内に受け付ける割合",
    "--max-occupancy": "窓口の稼働率の上限",
}


def _check(
    value: float, option: str, *, low: float, strict: bool, high: float | None = None
) -> None:
    """Refuse a bad number with a message naming the option (exit code 2, no traceback)."""
    where = f"{option}（{OPTION_LABELS[option]}）"
    if not math.isfinite(value):
        raise InputError(f"{where}: 有限の数を指定してください（入力値 {value:g}）")
    if value < low or (strict and value == low):
        relation = "より大きい数" if strict else "以上の数"
        raise InputError(f"{where}: {low:g} {relation}を指定してください（入力値 {value:g}）")
    if high is not None and value > high:
        raise InputError(f"{where}: {high:g} 以下の数を指定してください（入力値 {value:g}）")


@app.command("counters")
def counters(
    per_day: Annotated[
        float, typer.Option("--per-day", help="Residents coming for a card per day.")
    ],
    hours: Annotated[
        float, typer.Option("--hours", help="Opening hours per day (arrivals spread evenly).")
    ],
    service_minutes: Annotated[
        float | None,
        typer.Option(
            "--service-minutes", help="Minutes per issuance, PIN setting included [rules]"
        ),
    ] = None,
    within_minutes: Annotated[
        float | None,
        typer.Option("--within-minutes", help="Target wait in minutes [rules]."),
    ] = None,
    service_level: Annotated[
        float | None,
        typer.Option("--service-level", help="Share to be served within the target, 0–1 [rules]."),
    ] = None,
    max_occupancy: Annotated[
        float | None,
        typer.Option("--max-occupancy", help="Highest busy share of a counter, 0–1 [rules]."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date whose rules give the defaults (YYYY-MM-DD; today)."),
    ] = None,
) -> None:
    """Print, as JSON, the fewest counters meeting the service level and the wait they give."""
    try:
        day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        raise InputError(
            f"--as-of: 「{str(as_of)[:40]}」は日付ではありません"
            "（YYYY-MM-DD の形で指定してください）"
        ) from None
    rules = load_rules().at(day)
    try:
        queueing = QueueingParameters.from_rules(rules)
        ceiling = PlanBounds.from_rules(rules).offered_load_ceiling
    except RuleError as exc:
        raise InputError(f"--as-of {day}: この日付の規則を使えません（{exc}）") from None
    s = queueing.service_minutes if service_minutes is None else service_minutes
    w = queueing.within_minutes if within_minutes is None else within_minutes
    p = queueing.service_level if service_level is None else service_level
    o = queueing.max_occupancy if max_occupancy is None else max_occupancy
    _check(per_day, "--per-day", low=0.0, strict=False)
    _check(hours, "--hours", low=0.0, strict=True, high=24.0)
    _check(s, "--service-minutes", low=0.0, strict=True)
    _check(w, "--within-minutes", low=0.0, strict=False)
    _check(p, "--service-level", low=0.0, strict=False, high=1.0)
    _check(o, "--max-occupancy", low=0.0, strict=True, high=1.0)

    arrivals_per_hour = per_day / hours
    load = arrivals_per_hour * s / 60.0
    if load > ceiling:
        raise InputError(
            f"--per-day / --hours × --service-minutes: 負荷 {load:.3g} アーランは一つの窓口で"
            f"ありえない値です（上限 {ceiling:,.0f}、1日の来庁者数と開庁時間を確かめてください）"
        )
    fig = fewest_counters(arrivals_per_hour, s, w, p, o)
    out = {
        "counters": int(fig.counters),
        "wait_mean_minutes": round(float(fig.wait_mean_minutes), 4),
        "service_level": round(float(fig.service_level), 6),
        "wait_probability": round(float(fig.wait_probability), 6),
        "occupancy": round(float(fig.occupancy), 6),
        "offered_load_erlangs": round(float(fig.offered_load_erlangs), 6),
        "arrivals_per_hour": round(arrivals_per_hour, 6),
        "inputs": {
            "per_day": per_day,
            "hours": hours,
            "service_minutes": s,
            "within_minutes": w,
            "service_level": p,
            "max_occupancy": o,
            "rules_as_of": day.isoformat(),
        },
    }
    typer.echo(json.dumps(out, ensure_ascii=False))
