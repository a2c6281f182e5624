"""Issue 17, done when: `kofuplan renewals` runs on the real statistics; the national
expiring-certificate series from the 2020-10…2022-12 issuance equals, month for month, that
issuance spread over birthdays five years on; every municipality's expected renewals add up
to its expiring holders × the renewal share."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from kofuplan.adapters.renewal_inputs import RenewalSources, read_age_bands
from kofuplan.domain.renewal import birthday_spread, renewal_demand
from kofuplan.domain.renewal_history import age_group_shares, month_end_ordinals
from kofuplan.services.renewals import RenewalRun, run_renewals
from tests.cli_runner import run_cli


@pytest.fixture(scope="module")
def real_run(long_stats: Path) -> RenewalRun:
    return run_renewals(RenewalSources.beside(long_stats), "2025-04", "2031-03")


@pytest.fixture(scope="module")
def cli_out(long_stats: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("renewals")
    args = ["--stats", str(long_stats), "--from", "2025-04", "--to", "2031-03", "--out", str(out)]
    result = run_cli("renewals", *args)
    assert result.exit_code == 0, result.output
    assert "ピーク月" in result.output
    return out


def test_I17_2_renewals_command_writes_every_municipality_and_month(cli_out: Path) -> None:
    with (cli_out / "renewals_monthly.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1741 * 72
    assert {r["month"] for r in rows} == {r["month"] for r in rows[:72]}
    national = _rows(cli_out / "national.csv")
    assert [r["month"] for r in national][:2] == ["2025-04", "2025-05"] and len(national) == 72
    total = sum(float(r["expected_renewals"]) for r in rows)
    assert total == pytest.approx(sum(float(r["expected_renewals"]) for r in national), rel=1e-6)
    prefs = _rows(cli_out / "prefectures.csv")
    assert len(prefs) == 47 * 72
    summary = json.loads((cli_out / "summary.json").read_text(encoding="utf-8"))
    assert summary["national"]["peak_month"] in {r["month"] for r in national}
    assert all(v["source"] for v in summary["rules"].values())
    png = (cli_out / "renewals_national.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_I17_2_history_reproduces_every_municipality_cumulative(
    real_run: RenewalRun,
) -> None:
    """The estimated new cards up to each known month add up to the published cumulative."""
    months = real_run.demand.months
    a = real_run.actuals
    upto = months.index(a.months[-1]) + 1
    np.testing.assert_allclose(real_run.new_cards[:, :upto].sum(axis=1), a.cards[:, -1], rtol=1e-9)
    assert np.all(real_run.new_cards >= -1e-6)


def test_I17_2_national_certificates_follow_the_2020_10_to_2022_12_issuance(
    real_run: RenewalRun, shared_data: Path
) -> None:
    """Tolerance: 1e-6 relative. The municipalities' statistics add up exactly to the national
    series (data README), so the only difference is floating-point summation."""
    months = real_run.demand.months
    lo, hi = months.index("2020-10"), months.index("2022-12")
    only = np.zeros_like(real_run.new_cards)
    only[:, lo : hi + 1] = real_run.new_cards[:, lo : hi + 1]
    ends = month_end_ordinals(months)
    book = real_run.params.book
    demand = renewal_demand(
        months,
        only,
        age_group_shares(ends, *_ages(shared_data)),
        np.array([int(book.parameter("renewal.majority_age").at(_day(m))) for m in months]),
        real_run.rules,
    )
    # The national series, read on its own: the increase of each month, spread over birthdays.
    with (shared_data / "national_monthly.csv").open(encoding="utf-8-sig") as f:
        national = {
            r["month"]: int(r["cards_issued_increase_in_month"] or 0) for r in csv.DictReader(f)
        }
    start, weights = birthday_spread(5)
    expected = np.zeros(len(months))
    for k in range(lo, hi + 1):
        a = k + start
        w = weights[: max(0, min(13, len(months) - a))]
        expected[a : a + w.size] += national[months[k]] * w
    got = demand.expiring_certificates.sum(axis=0)
    # Renewed cards of this issuance expire again from 2028-07 on; compare before that.
    check = slice(lo + start, months.index("2028-06") + 1)
    assert expected[check].sum() == pytest.approx(71_905_789 - 26_105_646)
    np.testing.assert_allclose(got[check], expected[check], rtol=1e-6)


def _day(month: str) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:7]), 1)


def _ages(shared_data: Path) -> tuple[np.ndarray, np.ndarray]:
    bands = read_age_bands(shared_data / "national_by_age_sex_long.csv")
    return bands.days, bands.values


def test_I17_2_every_municipality_renews_its_expiring_holders_times_the_share(
    real_run: RenewalRun,
) -> None:
    d, rules = real_run.demand, real_run.rules
    h = len(d.months)
    reach = np.zeros(h)
    for before, share in rules.timing:
        reach[max(0, before) : min(h, h + before)] += share
    np.testing.assert_allclose(
        d.renewals_certificate.sum(axis=1),
        rules.share_certificate * (d.expiring_certificates_only * reach).sum(axis=1),
        rtol=1e-9,
    )
    np.testing.assert_allclose(
        d.renewals_card.sum(axis=1),
        rules.share_card * (d.expiring_cards * reach).sum(axis=1),
        rtol=1e-9,
    )
