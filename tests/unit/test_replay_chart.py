"""The replay chart (issue 4 item 5): Japanese labels, PNG, refused without a Japanese font."""

from __future__ import annotations

import pytest

from kofuplan.adapters import replay_chart


def test_R6_2_chart_is_a_png_drawn_with_a_japanese_font() -> None:
    """pytest turns warnings into errors: a missing glyph (□) would fail this test."""
    png = replay_chart.cumulative_chart_png(
        ["2020-10", "2020-11", "2020-12"], [10, 20, 30], [8, 15, 21], "全国の累計交付枚数"
    )
    assert png.startswith(b"\x89PNG")
    assert replay_chart.japanese_font() in replay_chart.JAPANESE_FONTS


def test_without_a_japanese_font_the_chart_is_refused_with_the_package_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(replay_chart, "JAPANESE_FONTS", ("No Such Font",))
    with pytest.raises(replay_chart.ChartError, match="fonts-ipafont-gothic"):
        replay_chart.japanese_font()
