"""The backtest's chart: national cards per month, the record against each forecast, with
Japanese labels (matplotlib's Agg backend; the font as in :mod:`replay_chart`)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from kofuplan.adapters.replay_chart import japanese_font
from kofuplan.domain.wareki import reiwa_month
from kofuplan.services.forecast import Backtest

COLOURS = ("#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2")


def _date_label(b: Backtest) -> str:
    d = b.as_of
    return f"{reiwa_month(f'{d.year:04d}-{d.month:02d}')}{d.day}日"


def backtest_chart_png(runs: Sequence[Backtest]) -> bytes:
    from matplotlib.figure import Figure

    font = japanese_font()
    actual: dict[str, float] = {}
    for b in runs:
        actual.update(zip(b.months, b.national_actual.tolist(), strict=True))
    months = sorted(actual)
    x_of = {m: i for i, m in enumerate(months)}
    fig = Figure(figsize=(11, 5.5), dpi=100)
    ax = fig.add_subplot()
    ax.plot(
        range(len(months)),
        [actual[m] / 1e6 for m in months],
        label="実績（全国の月間交付枚数）",
        color="#d62728",
        lw=2.5,
        marker="o",
        ms=3,
    )
    for k, b in enumerate(runs):
        ax.plot(
            [x_of[m] for m in b.months],
            (b.national_forecast / 1e6).tolist(),
            label=f"予測（{_date_label(b)}時点）",
            color=COLOURS[k % len(COLOURS)],
            lw=1.8,
            ls="--",
        )
    step = max(1, len(months) // 12)
    ticks = list(range(len(months)))[::step]
    ax.set_xticks(ticks, [reiwa_month(months[i]) for i in ticks], rotation=45, ha="right")
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        label.set_fontfamily(font)
    ax.set_ylabel("月間交付枚数（百万枚）", fontfamily=font)
    ax.set_title("交付枚数の予測と実績（全国・月別）", fontfamily=font)
    ax.grid(True, alpha=0.3)
    ax.legend(prop={"family": font})
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
