"""The plan's promotion section (R2.4, R3.2–R3.4, R8.3): what drives applications and what
else the notice asks each plan to state.

- the municipality's own QR-code form mailing (R3.2) and its off-site events (R3.3) add
  expected applications;
- evening opening (R8.3) adds counter hours, hence capacity;
- health insurance card registration support (R3.4) and the convenience-store fee reduction
  (R2.4) are recorded, checked and rolled up for the Ministry's survey.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kofuplan.domain.findings import Finding, FindingCode
from kofuplan.domain.wareki import reiwa_month

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

PROMOTION_FIELDS = (
    "qr_mailing_forms",
    "qr_mailing_months",
    "offsite_events",
    "insurance_support_method",
    "insurance_assist_share",
    "evenings_per_month",
    "evening_hours",
    "konbini_offered",
    "konbini_fee_counter_yen",
    "konbini_fee_store_yen",
    "konbini_reduction_from",
)


@dataclass(frozen=True)
class Event:
    """An off-site application event (出張申請受付) at a shopping centre or the like."""

    month: str
    days: int
    applications_per_day: int
    infection_control: bool


@dataclass(frozen=True)
class MunicipalPromotion:
    """One municipality's promotion section; None where it was not given."""

    qr_mailing_forms: int | None = None
    qr_mailing_months: tuple[str, ...] = ()
    offsite_events: tuple[Event, ...] = ()
    insurance_support_method: str | None = None
    insurance_assist_share: float | None = None
    evenings_per_month: int = 0
    evening_hours: float = 0.0
    konbini_offered: bool | None = None
    konbini_fee_counter_yen: int | None = None
    konbini_fee_store_yen: int | None = None
    konbini_reduction_from: str | None = None

    @property
    def konbini_reduction_yen(self) -> int | None:
        if self.konbini_fee_counter_yen is None or self.konbini_fee_store_yen is None:
            return None
        return self.konbini_fee_counter_yen - self.konbini_fee_store_yen


@dataclass(frozen=True)
class PromotionDemand:
    """Expected applications by source, (N, M) each."""

    own_mailing: FloatArray
    events: FloatArray
    mailing_given: npt.NDArray[np.bool_]  # municipalities whose own mailing replaces their
    # share of the national QR mailing


def promotion_demand(
    codes: Sequence[str],
    months: Sequence[str],
    promotions: Mapping[str, MunicipalPromotion],
    mailing_response_rate: float,
) -> PromotionDemand:
    n, m = len(codes), len(months)
    where = {month: k for k, month in enumerate(months)}
    mailing = np.zeros((n, m))
    events = np.zeros((n, m))
    given = np.zeros(n, dtype=np.bool_)
    for i, code in enumerate(codes):
        promo = promotions.get(code)
        if promo is None:
            continue
        if promo.qr_mailing_forms is not None and promo.qr_mailing_months:
            given[i] = True
            inside = [where[x] for x in promo.qr_mailing_months if x in where]
            for k in inside:
                mailing[i, k] += (
                    promo.qr_mailing_forms * mailing_response_rate / len(promo.qr_mailing_months)
                )
        for event in promo.offsite_events:
            if event.month in where:
                events[i, where[event.month]] += event.days * event.applications_per_day
    return PromotionDemand(mailing, events, given)


def evening_day_equivalents(
    codes: Sequence[str],
    months: Sequence[str],
    promotions: Mapping[str, MunicipalPromotion],
    hours_per_day: float,
) -> FloatArray:
    """Evening opening as extra open days: evenings × hours added ÷ a counter day's hours."""
    extra = np.zeros((len(codes), len(months)))
    for i, code in enumerate(codes):
        promo = promotions.get(code)
        if promo is not None and promo.evenings_per_month and promo.evening_hours:
            extra[i, :] = promo.evenings_per_month * promo.evening_hours / hours_per_day
    return extra


def has_promotion_section(promo: MunicipalPromotion) -> bool:
    return promo != MunicipalPromotion()


CODES = (
    FindingCode(
        "R3.2", "warning", "QRコード付き申請書の送付が未計画、または令和3年3月までに完了しない"
    ),
    FindingCode(
        "R3.3", "warning", "申請見込みが交付に必要な数に届かないのに出張申請受付の予定がない"
    ),
    FindingCode("R3.4", "warning", "交付時の健康保険証利用申込の周知・支援が計画されていない"),
    FindingCode("R2.4", "info", "コンビニ交付を実施しているが手数料の引下げがない"),
)


def promotion_findings(
    code: str,
    promo: MunicipalPromotion | None,
    mailing_deadline: str,
    applications_total: float,
    target: int,
) -> list[Finding]:
    """The checks of the promotion section for one municipality."""
    p = promo or MunicipalPromotion()
    out: list[Finding] = []
    deadline = reiwa_month(mailing_deadline)
    if not p.qr_mailing_forms or not p.qr_mailing_months:
        out.append(
            Finding(
                code,
                None,
                "R3.2",
                "warning",
                0,
                None,
                f"QRコード付き申請書の個別送付が計画されていません。{deadline}までに"
                "カード未取得者への送付を完了するよう日程を設定してください。",
            )
        )
    else:
        late = max(p.qr_mailing_months)
        if late > mailing_deadline:
            out.append(
                Finding(
                    code,
                    late,
                    "R3.2",
                    "warning",
                    None,
                    None,
                    f"QRコード付き申請書の送付が{reiwa_month(late)}まで続きます。"
                    f"{deadline}までに送付を完了するよう前倒ししてください。",
                )
            )
    if not p.offsite_events and applications_total < target:
        gap = round(target - applications_total)
        out.append(
            Finding(
                code,
                None,
                "R3.3",
                "warning",
                round(applications_total),
                target,
                f"計画期間の申請見込み{round(applications_total):,}件は交付目標"
                f"{target:,}枚に{gap:,}件足りません。感染対策を講じた上で、商業施設等での"
                "出張申請受付や申請サポートを計画してください。",
            )
        )
    if not p.insurance_support_method or not p.insurance_assist_share:
        out.append(
            Finding(
                code,
                None,
                "R3.4",
                "warning",
                p.insurance_assist_share or 0,
                None,
                "カード交付時に健康保険証としての利用申込を周知し、手続を支援する方法と"
                "支援する住民の割合を計画に記載してください。",
            )
        )
    reduction = p.konbini_reduction_yen
    if p.konbini_offered and (reduction is None or reduction <= 0):
        out.append(
            Finding(
                code,
                None,
                "R2.4",
                "info",
                reduction or 0,
                None,
                "コンビニ交付の手数料が窓口と同額です。窓口より引き下げるとカード取得の"
                "動機付けと窓口混雑の緩和に効果があります（総務省が別途調査予定）。",
            )
        )
    return out


@dataclass(frozen=True)
class PromotionRollup:
    forms_mailed: int
    events: int
    event_days: int
    konbini_offered: int
    konbini_reduced: int
    municipalities: int


def rollup(codes: Sequence[str], promotions: Mapping[str, MunicipalPromotion]) -> PromotionRollup:
    ps = [promotions[c] for c in codes if c in promotions]
    return PromotionRollup(
        forms_mailed=sum(p.qr_mailing_forms or 0 for p in ps),
        events=sum(len(p.offsite_events) for p in ps),
        event_days=sum(e.days for p in ps for e in p.offsite_events),
        konbini_offered=sum(1 for p in ps if p.konbini_offered),
        konbini_reduced=sum(
            1 for p in ps if p.konbini_offered and (p.konbini_reduction_yen or 0) > 0
        ),
        municipalities=len(codes),
    )


def as_dict(r: PromotionRollup) -> dict[str, Any]:
    return {k: getattr(r, k) for k in r.__dataclass_fields__}
