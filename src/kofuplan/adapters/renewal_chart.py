"""The renewal wave's chart: the nation's expected renewals each month by kind, with the
expiring certificates and cards, in Japanese (the font of :mod:`kofuplan.adapters.replay_chart`)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from matplotlib.figure import Figure

from kofuplan.adapters.replay_chart import japanese_font
from kofuplan.domain.wareki import reiwa_month

FloatArray = npt.NDArray[np.float64]


def renewal_chart_png(
    months: Sequence[str],
    renewals_certificate: FloatArray,
    renewals_card: FloatArray,
    expiring_certificates: FloatArray,
    expiring_cards: FloatArray,
) -> bytes:
    font = japanese_font()
    fig = Figure(figsize=(11, 5.5), dpi=100)
    ax = fig.add_subplot()
    x = np.arange(len(months))
    ten_thousand = 1e4
    ax.bar(
        x,
        renewals_certificate / ten_thousand,
        color="#1f77b4",
        label="更新見込み（電子証明書のみ）",
    )
    ax.bar(
        x,
        renewals_card / ten_thousand,
        bottom=renewals_certificate / ten_thousand,
        color="#ff7f0e",
        label="更新見込み（カードと電子証明書）",
    )
    ax.plot(
        x,
        expiring_certificates / ten_thousand,
        color="#2ca02c",
        lw=1.5,
        label="電子証明書の有効期限到来（カードと同時を含む）",
    )
    ax.plot(
        x, expiring_cards / ten_thousand, color="#d62728", lw=1.5, label="うちカードの有効期限到来"
    )
    step = max(1, len(months) // 12)
    ax.set_xticks(x[::step], [reiwa_month(m) for m in months[::step]], rotation=45, ha="right")
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        label.set_fontfamily(font)
    ax.set_ylabel("人（万人）", fontfamily=font)
    ax.set_title("マイナンバーカード・電子証明書の更新見込み（全国、月別）", fontfamily=font)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(prop={"family": font})
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
