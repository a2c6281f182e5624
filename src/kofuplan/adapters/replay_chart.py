"""The replay's chart: national planned against actual cumulative issuance, Japanese labels.

Drawn with matplotlib's Agg backend (no display). The labels need a Japanese font: the first
installed one of :data:`JAPANESE_FONTS` is used (CI installs fonts-ipafont-gothic through
``.ci/services.sh``); without one the chart is refused rather than drawn with empty boxes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

from kofuplan.errors import KofuplanError

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.figure import Figure

from kofuplan.domain.wareki import reiwa_month

JAPANESE_FONTS = (
    "IPAGothic",
    "IPAPGothic",
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "TakaoGothic",
    "VL Gothic",
    "Hiragino Sans",
    "Yu Gothic",
    "Meiryo",
)


class ChartError(KofuplanError, RuntimeError):
    pass


def japanese_font() -> str:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in JAPANESE_FONTS:
        if name in installed:
            return name
    # matplotlib caches the font list on first use: a font installed since is not in it yet.
    for path in font_manager.findSystemFonts():
        try:
            if font_manager.get_font(path).family_name in JAPANESE_FONTS:
                font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError):
            continue
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in JAPANESE_FONTS:
        if name in installed:
            return name
    raise ChartError(
        "日本語フォントが見つかりません（例: apt-get install fonts-ipafont-gothic）: "
        + ", ".join(JAPANESE_FONTS)
    )


def cumulative_chart_png(
    months: Sequence[str], planned: Sequence[int], actual: Sequence[int], title: str
) -> bytes:
    font = japanese_font()
    fig = Figure(figsize=(10, 5.5), dpi=100)
    ax = fig.add_subplot()
    x = list(range(len(months)))
    ax.plot(x, [v / 1e6 for v in planned], label="計画（累計交付枚数）", color="#1f77b4", lw=2)
    ax.plot(
        x,
        [v / 1e6 for v in actual],
        label="実績（累計交付枚数）",
        color="#d62728",
        lw=2,
        marker="o",
        ms=3,
    )
    step = max(1, len(months) // 10)
    ax.set_xticks(x[::step], [reiwa_month(m) for m in months[::step]], rotation=45, ha="right")
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        label.set_fontfamily(font)
    ax.set_ylabel("累計交付枚数（百万枚）", fontfamily=font)
    ax.set_title(title, fontfamily=font)
    ax.grid(True, alpha=0.3)
    ax.legend(prop={"family": font})
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
