"""`kofuplan counters`: the Erlang C calculator on the command line (R2.0)."""

from __future__ import annotations

import json

import pytest

from kofuplan.domain.queueing import fewest_counters, queue_figures
from tests.cli_runner import run_cli


def _run(args: list[str]) -> tuple[int, str]:
    result = run_cli("counters", *args)
    return result.exit_code, result.output


def test_R2_0_counters_prints_the_fewest_counters_as_json() -> None:
    args = "--per-day 200 --hours 8 --service-minutes 10 --within-minutes 30 --service-level 0.8"
    code, out = _run([*args.split(), "--max-occupancy", "0.9"])
    assert code == 0, out
    figures = json.loads(out)
    expected = fewest_counters(25.0, 10.0, 30.0, 0.8, 0.9)
    assert figures["counters"] == int(expected.counters)
    assert figures["wait_mean_minutes"] == pytest.approx(
        float(expected.wait_mean_minutes), abs=1e-4
    )
    assert figures["service_level"] >= 0.8
    fewer = queue_figures(25.0, 10.0, figures["counters"] - 1, 30.0)
    assert float(fewer.service_level) < 0.8 or float(fewer.occupancy) > 0.9


def test_R2_0_counters_defaults_come_from_the_dated_rules() -> None:
    code, out = _run(["--per-day", "120", "--hours", "7.5", "--as-of", "2020-10-01"])
    assert code == 0, out
    assert json.loads(out)["inputs"]["service_minutes"] > 0


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--per-day", "-5", "--hours", "8"], "--per-day"),
        (["--per-day", "abc", "--hours", "8"], "--per-day"),
        (["--per-day", "10", "--hours", "0"], "--hours"),
        (["--per-day", "10", "--hours", "nan"], "--hours"),
        (["--per-day", "10", "--hours", "8", "--service-level", "1.5"], "--service-level"),
        (["--per-day", "10", "--hours", "8", "--max-occupancy", "0"], "--max-occupancy"),
        (["--per-day", "10", "--hours", "8", "--service-minutes", "0"], "--service-minutes"),
        (["--per-day", "10", "--hours", "8", "--as-of", "2019-01-01"], "--as-of"),
    ],
)
def test_R2_0_counters_refuses_bad_input_naming_the_option(args: list[str], option: str) -> None:
    code, out = _run(args)
    assert code == 2
    assert option in out
    assert "Traceback" not in out
