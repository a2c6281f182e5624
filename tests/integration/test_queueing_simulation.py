"""Erlang C against a discrete-event simulation with Ciw (R2.0, issue 7).

Twenty seeded replications of an M/M/6 counter hall; each replication's mean is one sample, so
the tolerance is four standard errors of the replication means: honest about simulation noise,
tight enough to catch a wrong formula (an off-by-one in the counters moves the mean wait by
well over ten standard errors here).
"""

from __future__ import annotations

import ciw
import numpy as np
import pytest

from kofuplan.domain.queueing import queue_figures

ARRIVALS_PER_HOUR = 27.0
SERVICE_MINUTES = 10.0
COUNTERS = 6
WITHIN_MINUTES = 5.0
WARM_UP_MINUTES = 24 * 60.0
RUN_MINUTES = 15 * 24 * 60.0


def _replication(seed: int) -> tuple[float, float, float]:
    ciw.seed(seed)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(ARRIVALS_PER_HOUR / 60.0)],
        service_distributions=[ciw.dists.Exponential(1.0 / SERVICE_MINUTES)],
        number_of_servers=[COUNTERS],
    )
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(RUN_MINUTES)
    waits = np.array(
        [r.waiting_time for r in sim.get_all_records() if r.arrival_date > WARM_UP_MINUTES]
    )
    return (
        float(waits.mean()),
        float((waits > 1e-9).mean()),
        float((waits <= WITHIN_MINUTES).mean()),
    )


@pytest.mark.slow
def test_R2_0_erlang_c_agrees_with_a_ciw_simulation() -> None:
    samples = np.array([_replication(seed) for seed in range(20)])
    means = samples.mean(axis=0)
    errors = samples.std(axis=0, ddof=1) / np.sqrt(len(samples))
    theory = queue_figures(ARRIVALS_PER_HOUR, SERVICE_MINUTES, COUNTERS, WITHIN_MINUTES)
    expected = [
        float(theory.wait_mean_minutes),
        float(theory.wait_probability),
        float(theory.service_level),
    ]
    for name, got, want, se in zip(
        ("mean wait", "P(wait)", "service level"), means, expected, errors, strict=True
    ):
        assert abs(got - want) <= 4 * se, (
            f"{name}: simulated {got:.4f} ± {se:.4f}, Erlang C {want:.4f}"
        )
    # One counter fewer is clearly distinguishable: the check has teeth.
    fewer = queue_figures(ARRIVALS_PER_HOUR, SERVICE_MINUTES, COUNTERS - 1, WITHIN_MINUTES)
    assert abs(means[0] - float(fewer.wait_mean_minutes)) > 10 * errors[0]
