"""The demand model (R3, R8.2): applications expected per municipality and month, and the
cards that reach the municipality from them.

Applications are the municipality's own pace (smoothed over several months and cleared of the
campaign response it already contains) plus the response to every national campaign known at
the as-of date, spread over the following months by a dated response profile, plus the
municipality's own QR mailing and off-site events. The cards are produced nationally: each
month at most the national production capacity, the rest waits in a national queue; a
produced card then reaches the municipality after a production-lag distribution.

The model runs from a few months before the first forecast month, so that the cards already in
production and the queue at the as-of date come out of the same rules as the forecast.
Everything is columnar: arrays shaped (municipalities, months).
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain.calendar import add_months
from kofuplan.domain.promotion import PromotionDemand
from kofuplan.domain.rule_values import rule_file

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Average days in a month, to turn the pace window (months) into the snapshot to compare with.
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Demand:
    """Expected applications and J-LIS deliveries per municipality and month (N, M)."""

    applications: FloatArray
    deliveries: FloatArray
    # Applications by source (R3): today's pace, the national campaigns, the municipality's
    # own QR mailing and its off-site events; they add up to ``applications``.
    by_source: dict[str, FloatArray]
    # Applications waiting for national card production at each month's end (N, M): the
    # municipality's part of the national queue; zero while production keeps up.
    waiting: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    # Applications made before the first month and not yet delivered by then (N,): the cards
    # in production and in the queue at the as-of date.
    in_pipeline: FloatArray = field(default_factory=lambda: np.zeros(0))

    def take(self, rows: slice) -> Demand:
        """The demand of a block of consecutive municipalities (views, no copies)."""
        return Demand(
            applications=self.applications[rows],
            deliveries=self.deliveries[rows],
            by_source={k: v[rows] for k, v in self.by_source.items()},
            waiting=self.waiting[rows],
            in_pipeline=self.in_pipeline[rows],
        )

    @property
    def national_queue(self) -> FloatArray:
        """Applications of the municipalities planned waiting for production (M,)."""
        queue: FloatArray = self.waiting.sum(axis=0)
        return queue


@dataclass(frozen=True)
class Campaign:
    """A national campaign as dated data: what, when, how big and since when it was known."""

    name: str
    kind: str
    known_from: dt.date
    months: tuple[str, ...]
    pieces: float | None  # forms or leaflets; None: it reaches every non-holder each month
    extends: str | None = None  # an extension moves the deadline of the campaign it names


@dataclass(frozen=True)
class DemandRules:
    """The demand model's parameters (``rules/demand.yaml``), read at the as-of date."""

    response_rate: Mapping[str, float]  # per piece, or per non-holder and active month
    deadline_rush: Mapping[str, float]  # per non-holder, in the campaign's last month
    response_profile: Mapping[str, tuple[float, ...]]  # share answering 0, 1, 2… months on
    lag_profile: tuple[float, ...]  # share of a month's production ready 0, 1, 2… months on
    production_capacity: float  # national cards produced per month
    pace_window_months: int
    organic_floor: float  # the own pace never falls below this share of the observed pace
    production_lag_months: int  # months from application to delivery (the plan's lag)
    max_wait_months: int
    own_mailing_response_rate: float  # per piece of a municipality's own mailing

    @classmethod
    def from_rules(cls, params: Mapping[str, Any]) -> DemandRules:
        r = rule_file(params, "demand")
        profiles = r["response_profile"]
        return cls(
            response_rate=dict(r["campaign_response_rate"]),
            deadline_rush=dict(r["deadline_rush"]),
            response_profile={k: tuple(float(x) for x in v) for k, v in profiles.items()},
            lag_profile=tuple(float(x) for x in r["production_lag_profile"]),
            production_capacity=float(r["production_capacity_per_month"]),
            pace_window_months=int(r["pace_window_months"]),
            organic_floor=float(r["organic_pace_floor"]),
            production_lag_months=int(r["production_lag_months"]),
            max_wait_months=int(r["max_wait_months"]),
            own_mailing_response_rate=float(r["own_mailing_response_rate"]),
        )


def _day(raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    return dt.date.fromisoformat(str(raw))


def campaigns_known(entries: Sequence[Mapping[str, Any]], as_of: dt.date) -> list[Campaign]:
    """The campaigns known on ``as_of``, extensions folded into the campaign they extend.

    A campaign announced after ``as_of`` is left out: a forecast at a date uses only what was
    known then. An extension known by then adds its months (the deadline moves to its last
    month) to the campaign it names.
    """
    known = [e for e in entries if _day(e["known_from"]) <= as_of]
    base: dict[str, Campaign] = {}
    for e in known:
        if e.get("extends"):
            continue
        pieces = e.get("pieces")
        base[str(e["name"])] = Campaign(
            name=str(e["name"]),
            kind=str(e["kind"]),
            known_from=_day(e["known_from"]),
            months=tuple(sorted(str(m) for m in e["months"])),
            pieces=None if pieces is None else float(pieces),
        )
    for e in known:
        target = e.get("extends")
        if target and str(target) in base:
            c = base[str(target)]
            months = tuple(sorted({*c.months, *(str(m) for m in e["months"])}))
            base[c.name] = Campaign(c.name, c.kind, c.known_from, months, c.pieces, None)
    return list(base.values())


def smoothed_daily_pace(
    issued: IntArray, history_issued: IntArray, history_days_before: IntArray, window_months: int
) -> FloatArray | None:
    """Cards per day over about ``window_months`` before the as-of date, per municipality.

    ``history_issued`` (N, K) are the cumulative counts at K earlier snapshots, taken
    ``history_days_before`` (K,) days before the as-of date. The snapshot nearest the window's
    start is used; None when there is no earlier snapshot.
    """
    days = np.asarray(history_days_before, dtype=np.int64)
    usable = np.flatnonzero(days > 0)
    if usable.size == 0:
        return None
    want = window_months * DAYS_PER_MONTH
    k = int(usable[np.argmin(np.abs(days[usable] - want))])
    grown = np.maximum(issued - history_issued[:, k], 0).astype(np.float64)
    pace: FloatArray = grown / float(days[k])
    return pace


def month_days(months: Sequence[str]) -> FloatArray:
    return np.array([_cal.monthrange(int(m[:4]), int(m[5:7]))[1] for m in months], dtype=np.float64)


def _month_number(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def campaign_response(
    span: Sequence[str],
    campaigns: Sequence[Campaign],
    rules: DemandRules,
    national_non_holders: float,
) -> dict[str, FloatArray]:
    """National applications (S,) over ``span`` answering the campaigns, per kind.

    A campaign with ``pieces`` draws ``pieces × rate`` applications, an equal part in each of
    its months; one without reaches every non-holder and draws ``non-holders × rate`` in each
    of its months plus ``non-holders × deadline_rush`` in its last. Each month's draw is then
    spread over that month and the following ones by the kind's response profile.
    """
    start = _month_number(span[0])
    s = len(span)
    out: dict[str, FloatArray] = {}
    for c in campaigns:
        rate = float(rules.response_rate.get(c.kind, 0.0))
        per_month = np.zeros(len(c.months))
        if c.pieces is not None:
            per_month[:] = c.pieces * rate / max(len(c.months), 1)
        else:
            per_month[:] = national_non_holders * rate
            per_month[-1] += national_non_holders * float(rules.deadline_rush.get(c.kind, 0.0))
        if not per_month.any():
            continue
        profile = rules.response_profile.get(c.kind, (1.0,))
        vec = out.setdefault(c.kind, np.zeros(s))
        for month, amount in zip(c.months, per_month, strict=True):
            offset = _month_number(month) - start
            for k, share in enumerate(profile):
                if 0 <= offset + k < s:
                    vec[offset + k] += amount * share
    return out


def lagged(produced: FloatArray, lag_profile: Sequence[float]) -> FloatArray:
    """Cards ready per month: each month's production spread over the lag profile."""
    out = np.zeros_like(produced)
    s = produced.shape[-1]
    for k, share in enumerate(lag_profile):
        if k < s and share:
            out[..., k:] += share * produced[..., : s - k]
    return out


def produce(applications: FloatArray, capacity: float) -> tuple[FloatArray, FloatArray]:
    """National production with a monthly capacity, first come first served.

    ``applications`` is (N, S). Each month the nation produces at most ``capacity`` cards out
    of the queue plus the month's applications; every municipality's waiting applications are
    produced in the same proportion. Returns the produced cards and the applications still
    waiting at each month's end, both (N, S).
    """
    n, s = applications.shape
    produced = np.zeros_like(applications)
    waiting = np.zeros_like(applications)
    queue_rows = np.zeros(n)
    for t in range(s):
        pending = queue_rows + applications[:, t]
        total = float(pending.sum())
        share = 1.0 if total <= capacity or total <= 0 else capacity / total
        produced[:, t] = pending * share
        queue_rows = pending - produced[:, t]
        waiting[:, t] = queue_rows
    return produced, waiting


def expected_demand(
    months: Sequence[str],
    daily_pace: FloatArray,
    non_holders: IntArray,
    campaigns: Sequence[Campaign],
    rules: DemandRules,
    own: PromotionDemand | None = None,
    national_non_holders: int | None = None,
) -> Demand:
    """Applications and deliveries for ``months`` (R3, R8.2).

    ``daily_pace`` is the observed issuance per day over the pace window before the first
    month; ``campaigns`` are those known at the as-of date (:func:`campaigns_known`).
    Municipalities share a national campaign and the national production capacity in
    proportion to their non-holders (``national_non_holders`` is the nation's, so a plan of a
    few municipalities gets the same shares as the national plan).
    """
    window = rules.pace_window_months
    back = window + max(len(rules.lag_profile), 1)
    first = months[0]
    span = tuple(add_months(first, k - back) for k in range(len(months) + back))
    days = month_days(span)
    nation = float(national_non_holders or int(non_holders.sum()))
    share = non_holders.astype(np.float64) / max(nation, 1.0)
    by_kind = campaign_response(span, campaigns, rules, nation)

    # One outer product for every kind; a municipality that schedules its own QR mailing
    # replaces its share of the national one.
    total = sum(by_kind.values(), np.zeros(len(span)))
    national = share[:, None] * total[None, :]
    if own is not None and "qr_mailing" in by_kind and own.mailing_given.any():
        replaced = np.where(own.mailing_given, share, 0.0)[:, None] * by_kind["qr_mailing"]
        national = np.maximum(national - replaced, 0.0)

    # The observed pace already holds the answer to the campaigns running in the window:
    # clear it out (nationally, as a share) so that it is not counted twice.
    win = slice(back - window, back)
    observed = float(daily_pace.sum() * days[win].sum())
    in_window = float(lagged(national.sum(axis=0), rules.lag_profile)[win].sum())
    ratio = 1.0 if observed <= 0 else 1.0 - in_window / observed
    ratio = min(1.0, max(rules.organic_floor, ratio))
    base = (daily_pace * ratio)[:, None] * days[None, :]

    own_mailing = np.zeros_like(base)
    events = np.zeros_like(base)
    if own is not None:
        own_mailing[:, back:] = own.own_mailing
        events[:, back:] = own.events
    apps = base + national + own_mailing + events
    capacity = rules.production_capacity * float(non_holders.sum()) / max(nation, 1.0)
    produced, waiting = produce(apps, capacity)
    ready = lagged(produced, rules.lag_profile)
    before = apps[:, :back].sum(axis=1) - ready[:, :back].sum(axis=1)
    sources = {"base": base, "national": national, "own_mailing": own_mailing, "events": events}
    return Demand(
        applications=apps[:, back:],
        deliveries=ready[:, back:],
        by_source={k: v[:, back:] for k, v in sources.items()},
        waiting=waiting[:, back:],
        in_pipeline=np.maximum(before, 0.0),
    )
