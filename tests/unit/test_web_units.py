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
