"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, and they survive being
mailed inside a self-contained HTML report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

from kofuplan.domain.wareki import reiwa_month

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 80, 20, 30, 50
PALETTE = ("#1f5fa8", "#d2691e", "#2e8b57", "#8b008b")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10.0 * magnitude)


def _fmt(v: float) -> str:
    """An axis value as it is written in Japanese: 375万 (not 3.75百万), 1.2億."""
    if v >= 100_000_000:
        return f"{v / 100_000_000:,.4g}億"
    if v >= 10_000:
        return f"{v / 10_000:,.4g}万"
    return f"{v:,.0f}"


def _month_label(month: str) -> str:
    """'2021-01' -> 'R3.1' on an axis (the full 令和3年1月 is in each point's tooltip)."""
    try:
        return f"R{int(month[:4]) - 2018}.{int(month[5:7])}"
    except ValueError:
        return month


def _month_title(month: str) -> str:
    try:
        return reiwa_month(month)
    except (ValueError, IndexError):
        return month


def _frame(months: Sequence[str], y_max: float, title: str) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="18" font-size="14">{escape(title)}</text>',
    ]
    for i in range(5):
        v = y_max * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
            f"{_fmt(v)}</text>"
        )
    n = max(len(months), 1)
    for i, m in enumerate(months):
        if i % 3 == 0 or i == n - 1:
            x = LEFT + plot_w * (i + 0.5) / n
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="10" '
                f'text-anchor="middle">{escape(_month_label(m))}</text>'
            )
    return parts


def _legend(labels: Sequence[tuple[str, str, str]]) -> list[str]:
    parts = []
    x = LEFT
    for label, color, kind in labels:
        y = HEIGHT - 14
        if kind == "bar":
            parts.append(f'<rect x="{x}" y="{y - 9}" width="12" height="10" fill="{color}"/>')
        else:
            parts.append(
                f'<line x1="{x}" x2="{x + 14}" y1="{y - 4}" y2="{y - 4}" '
                f'stroke="{color}" stroke-width="3"/>'
            )
        parts.append(f'<text x="{x + 18}" y="{y}" font-size="11">{escape(label)}</text>')
        x += 30 + 12 * len(label)
    return parts


def line_chart(
    title: str,
    months: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    bars: Sequence[tuple[str, Sequence[float]]] = (),
    reference: tuple[str, float] | None = None,
) -> Markup:
    """Lines (None leaves a gap) over optional bars, with an optional horizontal reference."""
    values = [v for _, s in series for v in s if v is not None]
    values += [v for _, b in bars for v in b]
    if reference:
        values.append(reference[1])
    y_max = _nice_max(max(values, default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(months), 1)

    def x_at(i: float) -> float:
        return LEFT + plot_w * (i + 0.5) / n

    def y_at(v: float) -> float:
        return TOP + plot_h - plot_h * v / y_max

    parts = _frame(months, y_max, title)
    legend: list[tuple[str, str, str]] = []
    bar_w = plot_w / n * 0.7 / max(len(bars), 1)
    for k, (label, values_k) in enumerate(bars):
        color = PALETTE[(k + 2) % len(PALETTE)]
        legend.append((label, color, "bar"))
        for i, bar in enumerate(values_k):
            x = x_at(i) - plot_w / n * 0.35 + k * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{y_at(bar):.1f}" width="{bar_w:.1f}" '
                f'height="{TOP + plot_h - y_at(bar):.1f}" fill="{color}" opacity="0.6">'
                f"<title>{escape(_month_title(months[i]))}: {bar:,.0f}</title></rect>"
            )
    for k, (label, line_values) in enumerate(series):
        color = PALETTE[k % len(PALETTE)]
        legend.append((label, color, "line"))
        segments: list[list[tuple[int, float]]] = [[]]
        for i, point in enumerate(line_values):
            if point is None:
                segments.append([])
            else:
                segments[-1].append((i, point))
        for seg in segments:
            if len(seg) > 1:
                points = " ".join(f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in seg)
                parts.append(
                    f'<polyline fill="none" stroke="{color}" stroke-width="2.5" points="{points}"/>'
                )
            elif seg:  # a single month (one month of actuals): a line of one point is invisible
                ((i, v),) = seg
                parts.append(
                    f'<circle cx="{x_at(i):.1f}" cy="{y_at(v):.1f}" r="4" fill="{color}">'
                    f"<title>{escape(label)} {escape(_month_title(months[i]))}: {v:,.0f}</title>"
                    "</circle>"
                )
    if reference:
        label, v = reference
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y_at(v):.1f}" y2="{y_at(v):.1f}" '
            f'stroke="#c00" stroke-dasharray="6 4"/>'
        )
        legend.append((label, "#c00", "line"))
    parts += _legend(legend)
    parts.append("</svg>")
    return Markup("".join(parts))


# A tile-grid map of Japan: one square per prefecture, placed roughly where it lies
# (column, row). Honest about what it is: a schematic, not a geographic map.
TILES: Mapping[str, tuple[int, int]] = {
    "01": (11, 0), "02": (11, 1), "05": (10, 2), "03": (11, 2), "06": (10, 3), "04": (11, 3),
    "17": (7, 4), "16": (8, 4), "15": (9, 4), "07": (10, 4),
    "32": (2, 5), "31": (3, 5), "28": (4, 5), "26": (5, 5), "18": (6, 5), "21": (7, 5),
    "20": (8, 5), "10": (9, 5), "09": (10, 5), "08": (11, 5),
    "35": (1, 6), "34": (2, 6), "33": (3, 6), "27": (4, 6), "25": (5, 6), "24": (6, 6),
    "23": (7, 6), "19": (8, 6), "11": (9, 6), "13": (10, 6), "12": (11, 6),
    "40": (0, 7), "44": (1, 7), "38": (2, 7), "37": (3, 7), "30": (4, 7), "29": (5, 7),
    "22": (8, 7), "14": (9, 7),
    "41": (0, 8), "43": (1, 8), "39": (2, 8), "36": (3, 8),
    "42": (0, 9), "45": (1, 9), "46": (1, 10), "47": (0, 11),
}  # fmt: skip


def _shade(t: float) -> str:
    """Light to dark blue as t goes 0 → 1."""
    t = min(max(t, 0.0), 1.0)
    r = round(230 - 200 * t)
    g = round(240 - 150 * t)
    b = round(250 - 90 * t)
    return f"#{r:02x}{g:02x}{b:02x}"


def tile_map(title: str, values: Mapping[str, float], names: Mapping[str, str]) -> Markup:
    """Prefectures shaded by ``values`` (e.g. coverage %), labelled with their names."""
    size, gap = 52, 3
    lo = min(values.values(), default=0.0)
    hi = max(values.values(), default=1.0)
    span = (hi - lo) or 1.0
    w, h = 12 * (size + gap) + 20, 12 * (size + gap) + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
        f'aria-label="{escape(title)}" class="map"><title>{escape(title)}</title>',
        f'<text x="10" y="18" font-size="14">{escape(title)}</text>',
    ]
    for code, (col, row) in TILES.items():
        x, y = 10 + col * (size + gap), 30 + row * (size + gap)
        v = values.get(code)
        fill = _shade((v - lo) / span) if v is not None else "#eee"
        text_color = "#fff" if v is not None and (v - lo) / span > 0.55 else "#222"
        name = names.get(code, code)
        short = name if name == "北海道" else name.rstrip("都府県")
        label = f"{v:.1f}%" if v is not None else "—"
        parts.append(
            f"<g><title>{escape(name)}: {escape(label)}</title>"
            f'<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="{fill}" '
            f'stroke="#fff"/><text x="{x + size / 2}" y="{y + 22}" font-size="12" '
            f'text-anchor="middle" fill="{text_color}">{escape(short)}</text>'
            f'<text x="{x + size / 2}" y="{y + 40}" font-size="10" text-anchor="middle" '
            f'fill="{text_color}">{escape(label)}</text></g>'
        )
    y = h - 20
    for i in range(6):
        t = i / 5
        parts.append(
            f'<rect x="{10 + i * 40}" y="{y - 12}" width="40" height="12" fill="{_shade(t)}"/>'
        )
    parts.append(
        f'<text x="10" y="{y + 14}" font-size="11">{lo:.1f}%</text>'
        f'<text x="{10 + 6 * 40}" y="{y + 14}" font-size="11" text-anchor="end">{hi:.1f}%</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
