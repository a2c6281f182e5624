"""The renewal wave: when cards and their electronic certificates expire, and who comes back.

Every card handed over (a new card or a renewed one) is an *event* in a month, split by the
holder's age group at that moment. From each event follow:

- the electronic certificates expire on the holder's 5th birthday after issuance;
- the card expires on the 5th birthday for a minor at issuance and on the 10th for an adult
  (the age of majority is a dated rule: 20, then 18 from 2022-04-01);
- an adult's certificates therefore expire once while the card is still valid (a
  *certificate-only* renewal); a minor's certificates expire with the card (a *card* renewal);
  the certificates an adult renews at year 5 run to the card's expiry and are renewed with it,
  so every card expiry is also a certificate expiry.

Birthdays are spread uniformly over the year, and the day of issuance uniformly over its
month: the Nth birthday after issuance falls between 12(N−1) and 12N months later, each of the
eleven inner months with weight 1/12 and the two ends with 1/24 (see :func:`birthday_spread`).

Holders who renew (a dated share per kind) come to the counter over the months around expiry
(a dated timing profile). A renewed card is a new event, five or ten years older, so a child
renewed at 2025 may renew again in 2030 as a minor or become an adult with a 10-year card.

Everything is columnar: arrays shaped (municipalities, months) over one month axis that starts
at the first card (2016-01) and runs past the planning window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain.rule_values import as_date, rule_file
from kofuplan.errors import RuleError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Age groups at the time a card is handed over, in whole years (inclusive). The 15–19 band of
# the statistics is split at 18 so that both ages of majority (20 and 18) fall on a boundary.
AGE_GROUPS: tuple[tuple[int, int], ...] = ((0, 4), (5, 9), (10, 14), (15, 17), (18, 19), (20, 129))
AGE_GROUP_LABELS = ("0〜4歳", "5〜9歳", "10〜14歳", "15〜17歳", "18〜19歳", "20歳以上")

# Kinds of renewal at the counter.
CERTIFICATE = "certificate"  # the certificates only; the card stays valid
CARD = "card"  # the card and its certificates
KINDS = (CERTIFICATE, CARD)


@dataclass(frozen=True)
class RenewalRules:
    """The dated renewal rules (rules/renewal.yaml) at one day, as plain numbers."""

    certificate_birthdays: int
    card_birthdays_adult: int
    card_birthdays_minor: int
    timing: tuple[tuple[int, float], ...]  # (months before expiry, share); shares sum to 1
    share_certificate: float
    share_card: float
    service_minutes_certificate: float
    service_minutes_card: float
    card_issuance_start: dt.date
    majority_age: int
    window_months: int
    counter_occupancy: float
    new_cards_per_month_after_statistics: int
    grant_per_renewal_yen: int
    notice_postage_yen: int
    period_start: str  # YYYY-MM: the months a renewal plan covers by default
    period_end: str

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any]) -> RenewalRules:
        r = rule_file(rules, "renewal")
        window = int(r["window_months"])
        raw = r["timing_share"]
        timing = tuple(sorted(((int(k), float(v)) for k, v in raw.items()), reverse=True))
        if any(v < 0 for _, v in timing) or abs(sum(v for _, v in timing) - 1.0) > 1e-9:
            raise RuleError("renewal.yaml: timing_share: shares must be ≥ 0 and sum to 1")
        if timing and timing[0][0] > window:
            raise RuleError(
                f"renewal.yaml: timing_share: {timing[0][0]} months before expiry is "
                f"earlier than window_months ({window})"
            )
        return cls(
            certificate_birthdays=int(r["certificate_validity_birthdays"]),
            card_birthdays_adult=int(r["card_validity_birthdays_adult"]),
            card_birthdays_minor=int(r["card_validity_birthdays_minor"]),
            timing=timing,
            share_certificate=float(r["share_certificate"]),
            share_card=float(r["share_card"]),
            service_minutes_certificate=float(r["service_minutes_certificate"]),
            service_minutes_card=float(r["service_minutes_card"]),
            card_issuance_start=as_date(r["card_issuance_start"]),
            majority_age=int(r["majority_age"]),
            window_months=window,
            counter_occupancy=float(r["counter_occupancy"]),
            new_cards_per_month_after_statistics=int(r["new_cards_per_month_after_statistics"]),
            grant_per_renewal_yen=int(r["grant_per_renewal_yen"]),
            notice_postage_yen=int(r["notice_postage_yen"]),
            period_start=str(r["period_start"]),
            period_end=str(r["period_end"]),
        )

    @property
    def months_after_expiry(self) -> int:
        """How many months after expiry the last renewals come."""
        return max(0, -min(k for k, _ in self.timing))

    @property
    def months_before_expiry(self) -> int:
        return max(0, max(k for k, _ in self.timing))


def birthday_spread(birthdays: int) -> tuple[int, FloatArray]:
    """The months after issuance on which the ``birthdays``-th birthday falls, as (first
    offset, weights): offsets 12(N−1) … 12N with weights 1/24, 1/12 × 11, 1/24."""
    weights = np.full(13, 1.0 / 12.0)
    weights[0] = weights[-1] = 1.0 / 24.0
    return 12 * (birthdays - 1), weights


def minor_fraction(majority_age: int, groups: Sequence[tuple[int, int]] = AGE_GROUPS) -> FloatArray:
    """Share of each age group below the age of majority (ages uniform within a group)."""
    out = [max(0, min(hi, majority_age - 1) - lo + 1) / (hi - lo + 1) for lo, hi in groups]
    return np.asarray(out, dtype=np.float64)


def ageing(years: int, groups: Sequence[tuple[int, int]] = AGE_GROUPS) -> FloatArray:
    """(G, G): where each age group is ``years`` later (ages uniform within a group; the last
    group is open-ended and keeps everyone who passes its lower bound)."""
    g = len(groups)
    out = np.zeros((g, g))
    for i, (lo, hi) in enumerate(groups):
        for j, (lo2, hi2) in enumerate(groups):
            top = hi2 if j < g - 1 else 10**6
            overlap = min(hi + years, top) - max(lo + years, lo2) + 1
            out[i, j] = max(0, overlap) / (hi - lo + 1)
    return out


@dataclass(frozen=True)
class RenewalDemand:
    """Per municipality and month (N, H) over ``months``; expected values, not whole people."""

    months: tuple[str, ...]
    expiring_certificates: FloatArray  # every holder whose certificates expire (= the two below)
    expiring_certificates_only: FloatArray  # ... while the card stays valid (adults, year 5)
    expiring_cards: FloatArray  # ... with the card (minors at year 5, adults at year 10)
    expiring_cards_minor: FloatArray  # of which cards issued to minors (5-year cards)
    renewals_certificate: FloatArray  # expected certificate-only renewals at the counter
    renewals_card: FloatArray  # expected card renewals at the counter

    @property
    def renewals(self) -> FloatArray:
        total: FloatArray = self.renewals_certificate + self.renewals_card
        return total

    def window(self, first: str, last: str) -> RenewalDemand:
        """The same figures for the months ``first`` … ``last`` only."""
        if first not in self.months or last not in self.months:
            raise ValueError(f"{first}〜{last} is outside {self.months[0]}〜{self.months[-1]}")
        a, b = self.months.index(first), self.months.index(last) + 1
        return RenewalDemand(
            self.months[a:b],
            *(getattr(self, f)[:, a:b] for f in _SERIES),
        )


_SERIES = (
    "expiring_certificates",
    "expiring_certificates_only",
    "expiring_cards",
    "expiring_cards_minor",
    "renewals_certificate",
    "renewals_card",
)


def renewal_demand(
    months: Sequence[str],
    new_cards: FloatArray,
    group_share: FloatArray,
    majority_age: IntArray,
    rules: RenewalRules,
) -> RenewalDemand:
    """Expiries and expected renewals for every municipality.

    ``new_cards`` (N, H): cards issued for the first time each month; ``group_share`` (H, G):
    the share of each age group in a month's new cards (rows sum to 1); ``majority_age`` (H,):
    the age of majority on the first of each month. Renewed cards are added as they happen.
    """
    n, h = new_cards.shape
    g = len(AGE_GROUPS)
    if group_share.shape != (h, g) or majority_age.shape != (h,):
        raise ValueError("renewal_demand: group_share must be (months, groups), majority (months,)")
    events = new_cards[:, None, :] * group_share.T[None, :, :]  # (N, G, H)
    cert_start, cert_w = birthday_spread(rules.certificate_birthdays)
    minor_start, minor_w = birthday_spread(rules.card_birthdays_minor)
    adult_start, adult_w = birthday_spread(rules.card_birthdays_adult)
    minor_years = rules.card_birthdays_minor
    adult_years = rules.card_birthdays_adult
    older_minor = ageing(minor_years)
    older_adult = ageing(adult_years)

    cert_only = np.zeros((n, h))
    card_minor = np.zeros((n, g, h))  # by age group at the event
    card_adult = np.zeros((n, g, h))
    renew_cert = np.zeros((n, h))
    renew_card = np.zeros((n, h))

    def add(
        target: FloatArray, t: int, start: int, weights: FloatArray, amount: FloatArray
    ) -> None:
        a = t + start
        if a >= h:
            return
        w = weights[: h - a]
        target[..., a : a + w.size] += amount[..., None] * w

    for t in range(h):
        # Renewals this month come from expiries a few months ahead (or just past); those
        # expiries come from events at least four years earlier, already scheduled.
        for before, share in rules.timing:
            e = t + before
            if not 0 <= e < h or share == 0:
                continue
            renew_cert[:, t] += rules.share_certificate * share * cert_only[:, e]
            minors = rules.share_card * share * card_minor[:, :, e]
            adults = rules.share_card * share * card_adult[:, :, e]
            renew_card[:, t] += minors.sum(axis=1) + adults.sum(axis=1)
            events[:, :, t] += minors @ older_minor + adults @ older_adult
        ev = events[:, :, t]
        minor = ev * minor_fraction(int(majority_age[t]))[None, :]
        adult = ev - minor
        add(card_minor, t, minor_start, minor_w, minor)
        add(cert_only, t, cert_start, cert_w, adult.sum(axis=1))
        add(card_adult, t, adult_start, adult_w, adult)

    cards_minor = card_minor.sum(axis=1)
    cards = cards_minor + card_adult.sum(axis=1)
    return RenewalDemand(
        months=tuple(months),
        expiring_certificates=cert_only + cards,
        expiring_certificates_only=cert_only,
        expiring_cards=cards,
        expiring_cards_minor=cards_minor,
        renewals_certificate=renew_cert,
        renewals_card=renew_card,
    )


def service_minutes(demand: RenewalDemand, rules: RenewalRules) -> FloatArray:
    """Mean counter minutes per renewal in each cell (N, H), by its mix of kinds; the
    certificate-only time where a cell has no renewals."""
    total = demand.renewals
    minutes = (
        demand.renewals_certificate * rules.service_minutes_certificate
        + demand.renewals_card * rules.service_minutes_card
    )
    mean: FloatArray = np.where(
        total > 0, minutes / np.where(total > 0, total, 1.0), rules.service_minutes_certificate
    )
    return mean
