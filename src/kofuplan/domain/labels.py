"""The labels a clerk knows the fields by: the plan's columns (the headings of the Ministry's
form), the municipality's own inputs and the statistics' columns. Messages a user can cause
name a field as ``label（column）``: the label to recognise it, the column to find it in the
CSV file."""

from __future__ import annotations

from collections.abc import Iterable

from kofuplan.domain.advice import COLUMN_LABELS

__all__ = [
    "EVENT_PART_LABELS",
    "INPUT_LABELS",
    "STATS_LABELS",
    "field_label",
    "field_labels",
    "input_label",
]

# The municipality's own inputs (``--profiles`` CSV, the input page, the workbook).
INPUT_LABELS: dict[str, str] = {
    "dedicated_counters": "専用窓口数（現在）",
    "dedicated_daily_per_counter": "専用窓口1つの1日の交付枚数",
    "combined_counters": "兼用窓口数（現在）",
    "combined_daily_per_counter": "兼用窓口1つの1日の交付枚数",
    "staff": "職員数（現在）",
    "terminals": "端末数（現在）",
    "office_max_counters": "庁舎内に置ける窓口数の上限",
    "weekend_policy": "土日開庁の方針",
    "staff_month_yen": "職員1人の月額人件費（円）",
    "offsite_counter_month_yen": "庁舎外の臨時窓口1つの月額経費（円）",
    "estimated_grant_yen": "補助金の見込額（年度ごと、円）",
    "qr_mailing_forms": "QRコード付き申請書の送付数",
    "qr_mailing_months": "申請書を送付する月",
    "offsite_events": "出張申請受付",
    "insurance_support_method": "健康保険証利用申込の周知・支援の方法",
    "insurance_assist_share": "支援する住民の割合（0〜1）",
    "evenings_per_month": "夜間開庁の回数（月あたり）",
    "evening_hours": "夜間開庁で延長する時間（1回あたり）",
    "konbini_offered": "コンビニ交付の実施",
    "konbini_fee_counter_yen": "証明書の窓口手数料（円）",
    "konbini_fee_store_yen": "証明書のコンビニ手数料（円）",
    "konbini_reduction_from": "コンビニ手数料引下げの開始日",
}

# The parts of one off-site application event (出張申請受付, R3.3).
EVENT_PART_LABELS: dict[str, str] = {
    "month": "月",
    "days": "日数",
    "applications_per_day": "1日の申請見込み",
    "infection_control": "感染対策",
}

# The statistics' long format (総務省「マイナンバーカード交付状況」).
STATS_LABELS: dict[str, str] = {
    "snapshot_date": "基準日",
    "pref_code": "都道府県コード",
    "pref_name": "都道府県名",
    "lg_code": "団体コード",
    "municipality_name": "市区町村名",
    "municipality_type": "団体区分",
    "population": "人口",
    "cards_issued_cumulative": "累計交付枚数",
    "prev_snapshot_date": "前回の基準日",
    "cards_issued_increase_since_prev": "前回からの交付枚数の増加",
    # the renewal wave's sources (national series, reference points, age bands)
    "as_of": "基準日",
    "metric": "指標",
    "value": "値",
    "population_base": "率の基準人口",
    "rate_pct": "交付率（%）",
    "age_band": "年齢階級",
    "sex": "性別",
}


def field_label(column: str) -> str:
    """``交付枚数（issuance）``; a column without a label stays as it is."""
    label = COLUMN_LABELS.get(column) or INPUT_LABELS.get(column) or STATS_LABELS.get(column)
    return f"{label}（{column}）" if label else column


def input_label(field: str) -> str:
    """A municipality's own input as ``職員数（現在）（staff）`` (the input's label first: the
    plan's column of the same name is the planned figure, not today's)."""
    label = INPUT_LABELS.get(field)
    return f"{label}（{field}）" if label else field_label(field)


def field_labels(columns: Iterable[str]) -> str:
    """Several columns, each labelled, joined with 、."""
    return "、".join(field_label(c) for c in columns)
