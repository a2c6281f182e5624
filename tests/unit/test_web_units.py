"""Pieces of the web adapter that need no server: charts, map, throttle, sessions (issue 6)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from kofuplan.adapters.web.charts import TILES, line_chart, tile_map
from kofuplan.adapters.web.security import SessionCodec, csrf_matches

SVG = "{http://www.w3.org/2000/svg}"


def test_R8_4_charts_are_well_formed_svg_with_a_reference_line() -> None:
    svg = line_chart(
        "全国<テスト>",
        ["2020-10", "2020-11", "2020-12"],
        [("実績", [1.0, None, 3.0])],
        bars=[("計画", [2.0, 2.0, 2.0])],
        reference=("月間330万枚", 3_300_000.0),
    )
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    assert len(root.findall(f".//{SVG}rect")) >= 3
    assert root.find(f"{SVG}title").text == "全国<テスト>"  # escaped, then read back


def test_R8_map_has_one_tile_per_prefecture_and_no_overlaps() -> None:
    assert sorted(TILES) == [f"{p:02d}" for p in range(1, 48)]
    assert len(set(TILES.values())) == 47


@given(st.dictionaries(st.sampled_from(sorted(TILES)), st.floats(0, 100), min_size=1))
def test_R8_map_shades_every_prefecture_given(values: dict[str, float]) -> None:
    root = ET.fromstring(str(tile_map("交付率", values, {c: c for c in TILES})))
    tiles = root.findall(f"{SVG}g")
    assert len(tiles) == 47
    grey = [g for g in tiles if g.find(f"{SVG}rect").get("fill") == "#eee"]
    assert len(grey) == 47 - len(values)


def test_R6_session_tokens_are_signed_and_expire() -> None:
    codec = SessionCodec("k" * 40, max_age_seconds=60)
    token = codec.dump("session-42")
    assert codec.load(token) == "session-42"
    assert codec.load(token[:-2] + "xx") is None
    assert SessionCodec("other" * 10, 60).load(token) is None
    assert SessionCodec("k" * 40, max_age_seconds=-1).load(token) is None
    assert codec.load(None) is None
    assert csrf_matches("abc", "abc") and not csrf_matches("abc", "abd")
    assert not csrf_matches(None, None) and not csrf_matches("", "")


def test_R8_chart_draws_a_single_month_of_actuals_as_a_point() -> None:
    """Issue 14: one month of actuals drew nothing (a polyline of one point is invisible)."""
    months = ["2020-10", "2020-11", "2020-12"]
    svg = str(line_chart("累計", months, [("実績", [1200.0, None, None])]))
    root = ET.fromstring(svg)
    assert root.findall(f"{SVG}polyline") == []
    (point,) = root.findall(f"{SVG}circle")
    assert "令和2年10月" in "".join(point.itertext())


def test_R8_chart_axis_uses_man_and_reiwa() -> None:
    """Issue 14: 375万 rather than 3.75百万; months as 令和 (R2.10)."""
    months = ["2020-10", "2020-11"]
    svg = str(line_chart("全国", months, [("計画", [3_000_000.0, 3_750_000.0])]))
    texts = ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "百万" not in svg
    assert any(t.endswith("万") for t in texts) and "R2.10" in texts
    assert "375万" in texts  # a tick of 0…5,000,000 (the issue saw 3.75百万)
