"""The renewal wave's engine (issue 17, items 1–2): expiry by birthdays, minors and adults,
the age of majority as a dated rule, renewals as a share of expiries, renewed cards again."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kofuplan.domain.renewal import (
    AGE_GROUPS,
    RenewalDemand,
    RenewalRules,
    ageing,
    birthday_spread,
    minor_fraction,
    renewal_demand,
    service_minutes,
)
from kofuplan.domain.snapshots import month_range
from kofuplan.errors import RuleError
from kofuplan.parameters import load_rules

BOOK = load_rules()
RULES = RenewalRules.from_rules(BOOK.at(dt.date(2025, 4, 1)))
G = len(AGE_GROUPS)
ADULT = np.eye(G)[-1]
CHILD = np.eye(G)[0]  # 0–4 years
YOUNG = np.eye(G)[4]  # 18–19 years


def run(
    new: np.ndarray,
    shares: np.ndarray,
    majority: int | np.ndarray = 18,
    rules: RenewalRules = RULES,
) -> RenewalDemand:
    h = new.shape[1]
    months = month_range("2016-01", "2050-12")[:h]
    maj = np.broadcast_to(np.asarray(majority, dtype=np.int64), (h,)).copy()
    return renewal_demand(
        months, new.astype(float), np.broadcast_to(shares, (h, G)).copy(), maj, rules
    )


def test_I17_1_rules_read_from_the_dated_file() -> None:
    """Certificates at the 5th birthday, cards at the 10th (adults) or 5th (minors); the age
    of majority is 20 before 2022-04-01 and 18 from that day."""
    assert (
        RULES.certificate_birthdays,
        RULES.card_birthdays_adult,
        RULES.card_birthdays_minor,
    ) == (5, 10, 5)
    assert BOOK.at(dt.date(2022, 3, 31))["renewal.majority_age"] == 20
    assert BOOK.at(dt.date(2022, 4, 1))["renewal.majority_age"] == 18
    assert sum(s for _, s in RULES.timing) == pytest.approx(1.0)


def test_I17_1_a_timing_earlier_than_the_renewal_window_is_refused() -> None:
    snapshot = dict(BOOK.at(dt.date(2025, 4, 1)))
    snapshot["renewal.timing_share"] = {5: 0.5, 0: 0.5}
    with pytest.raises(RuleError, match="window_months"):
        RenewalRules.from_rules(snapshot)


def test_I17_2_the_fifth_birthday_falls_48_to_60_months_after_issuance() -> None:
    start, weights = birthday_spread(5)
    assert start == 48 and weights.size == 13
    assert weights.sum() == pytest.approx(1.0)
    assert weights[0] == weights[-1] == pytest.approx(1 / 24)


def test_I17_2_minor_and_ageing_follow_the_age_of_majority() -> None:
    assert minor_fraction(20).tolist() == [1, 1, 1, 1, 1, 0]
    assert minor_fraction(18).tolist() == [1, 1, 1, 1, 0, 0]
    older = ageing(5)
    assert older.sum(axis=1) == pytest.approx(np.ones(G))
    assert older[2, 3] == pytest.approx(0.6) and older[2, 4] == pytest.approx(0.4)


def test_I17_2_an_adult_card_has_certificates_at_year_5_and_the_card_at_year_10() -> None:
    new = np.zeros((1, 200))
    new[0, 10] = 1200.0
    d = run(new, ADULT)
    assert d.expiring_certificates_only[0, 58:71].sum() == pytest.approx(1200.0)
    assert d.expiring_cards[0, :100].sum() == 0
    assert d.expiring_cards[0, 118:131].sum() == pytest.approx(1200.0)
    assert d.expiring_cards_minor.sum() == 0


def test_I17_2_a_minor_card_expires_with_its_certificates_at_year_5() -> None:
    new = np.zeros((1, 80))
    new[0, 10] = 1200.0
    d = run(new, CHILD)
    assert d.expiring_certificates_only.sum() == 0
    assert d.expiring_cards_minor[0, 58:71].sum() == pytest.approx(1200.0)
    np.testing.assert_allclose(d.expiring_certificates, d.expiring_cards)


def test_I17_1_an_18_year_old_gets_a_5_year_card_before_2022_04_and_10_years_after() -> None:
    new = np.zeros((1, 200))
    new[0, 10] = 100.0
    assert run(new, YOUNG, majority=20).expiring_cards[0, 58:71].sum() == pytest.approx(100.0)
    assert run(new, YOUNG, majority=18).expiring_cards[0, 58:71].sum() == pytest.approx(0.0)


def test_I17_2_a_child_renewing_gets_another_5_year_card() -> None:
    rules = replace(RULES, share_card=1.0, timing=((0, 1.0),))
    new = np.zeros((1, 140))
    new[0, 0] = 100.0
    d = run(new, CHILD, rules=rules)
    assert d.renewals_card[0, :61].sum() == pytest.approx(100.0)
    # 0–4 at issuance is 5–9 at renewal: still a minor, so a second expiry 5 years on.
    assert d.expiring_cards_minor[0, 61:].sum() == pytest.approx(100.0)


def _reachable(months: int, rules: RenewalRules) -> np.ndarray:
    """Share of an expiry's renewals that fall on the month axis, by expiry month."""
    out = np.zeros(months)
    for before, share in rules.timing:
        lo, hi = max(0, before), min(months, months + before)
        out[lo:hi] += share
    return out


@settings(deadline=None, max_examples=30)
@given(
    new=arrays(np.float64, (3, 150), elements=st.floats(0, 1e4)),
    shares=arrays(np.float64, (G,), elements=st.floats(0.01, 1)),
    majority=st.sampled_from([18, 20]),
    share_cert=st.floats(0, 1),
    share_card=st.floats(0, 1),
)
def test_I17_2_renewals_sum_to_expiries_times_the_renewal_share(
    new: np.ndarray, shares: np.ndarray, majority: int, share_cert: float, share_card: float
) -> None:
    """Every municipality's expected renewals of each kind add up to its expiring holders ×
    the renewal share (counting the part of each expiry's renewals that falls on the axis)."""
    rules = replace(RULES, share_certificate=share_cert, share_card=share_card)
    d = run(new, shares / shares.sum(), majority, rules)
    reach = _reachable(new.shape[1], rules)
    np.testing.assert_allclose(
        d.renewals_certificate.sum(axis=1),
        share_cert * (d.expiring_certificates_only * reach).sum(axis=1),
        rtol=1e-9,
        atol=1e-6,
    )
    np.testing.assert_allclose(
        d.renewals_card.sum(axis=1),
        share_card * (d.expiring_cards * reach).sum(axis=1),
        rtol=1e-9,
        atol=1e-6,
    )
    assert np.all(d.renewals >= -1e-9)


def test_I17_3_service_minutes_follow_the_mix_of_kinds() -> None:
    new = np.zeros((1, 140))
    new[0, 0] = 100.0
    d = run(new, ADULT)
    minutes = service_minutes(d, RULES)
    only_cert = (d.renewals_certificate > 0) & (d.renewals_card == 0)
    np.testing.assert_allclose(minutes[only_cert], RULES.service_minutes_certificate)
    only_card = (d.renewals_card > 0) & (d.renewals_certificate == 0)
    assert only_card.any()
    np.testing.assert_allclose(minutes[only_card], RULES.service_minutes_card)
