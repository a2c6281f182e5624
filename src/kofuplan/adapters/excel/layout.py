"""The plan workbook's layout: table names, headers and the fields behind them.

A program finds the data by table name and header, never by position (docs/excel.md). The
writer and the reader both take their names from here, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MONTHLY_TABLE = "monthly"
PROFILE_TABLE = "profile"
BUDGET_TABLE = "budget"
TABLES = (MONTHLY_TABLE, PROFILE_TABLE, BUDGET_TABLE)

# Sheets that hold the tables carry the table's name, so an error's "monthly!C14" points to
# both the sheet and the table; the explanation sheet is for people only.
HELP_SHEET = "説明"


@dataclass(frozen=True)
class Field:
    header: str  # the exact table header (Japanese)
    name: str  # the column name of plan_monthly.csv / profiles.csv
    kind: Literal["month", "count", "rate", "text", "lg_code"]  # rate: a number > 0
    explanation: str  # shown on the explanation sheet


MONTH = Field(
    "月", "month", "month", "計画の月（YYYY-MM）。令和2年10月から令和5年3月までの30か月。変更不可。"
)
MONTHLY_FIELDS: tuple[Field, ...] = (
    MONTH,
    Field("交付枚数", "issuance", "count", "その月に交付する予定のカード枚数（枚）。"),
    Field(
        "専用窓口数",
        "dedicated_counters",
        "count",
        "カード交付専用窓口の数（庁舎外の臨時窓口を含む）。",
    ),
    Field(
        "兼用窓口数",
        "combined_counters",
        "count",
        "住民異動等の手続と併せてカードを交付する窓口の数。",
    ),
    Field(
        "臨時窓口数",
        "offsite_counters",
        "count",
        "専用窓口のうち、庁舎に置けないため庁舎外に設ける臨時窓口の数。専用窓口数以下。",
    ),
    Field(
        "土日交付日数",
        "weekend_days",
        "count",
        "その月に土曜日・日曜日に交付を行う日数（毎週土日のいずれかは開庁: R2.1）。",
    ),
    Field("職員数", "staff", "count", "交付事務に従事する職員数（窓口と交付前設定の合計、人）。"),
    Field("統合端末台数", "terminals", "count", "交付事務に用いる統合端末の台数（台）。"),
)
MONTHLY_HEADERS = tuple(f.header for f in MONTHLY_FIELDS)
MONTHLY_COUNTS = MONTHLY_FIELDS[1:]

PROFILE_HEADERS = ("項目", "値")
PROFILE_FIELDS: tuple[Field, ...] = (
    Field(
        "団体コード",
        "lg_code",
        "lg_code",
        "全国地方公共団体コード（6桁、検査数字付き）。変更不可。",
    ),
    Field("団体名", "name", "text", "市区町村名。変更不可。"),
    Field("住基人口", "population", "count", "住民基本台帳人口（人）。統計から記入済み。"),
    Field(
        "累計交付枚数",
        "cumulative_issued",
        "count",
        "令和2年9月末までの累計交付枚数（枚）。統計から記入済み。",
    ),
    Field(
        "専用窓口1日平均交付枚数",
        "dedicated_daily_per_counter",
        "rate",
        "専用窓口1窓口の1日当たり平均交付枚数（現在の実績、枚/窓口/日、0より大きい数）。",
    ),
    Field(
        "兼用窓口1日平均交付枚数",
        "combined_daily_per_counter",
        "rate",
        "兼用窓口1窓口の1日当たり平均交付枚数（繁忙期補正前、枚/窓口/日、0より大きい数）。",
    ),
    Field(
        "庁舎内最大窓口数",
        "office_max_counters",
        "count",
        "庁舎内に設置できる窓口（専用＋兼用）の最大数。超える分は臨時窓口（庁舎外）とする。",
    ),
    Field(
        "概算交付見込額",
        "estimated_grant_yen",
        "count",
        "個人番号カード交付事務費補助金の概算交付見込額（円、計画期間の合計）。",
    ),
    Field("現在の専用窓口数", "dedicated_counters_now", "count", "令和2年9月末の専用窓口数。"),
    Field("現在の兼用窓口数", "combined_counters_now", "count", "令和2年9月末の兼用窓口数。"),
    Field(
        "現在の職員数",
        "staff_now",
        "count",
        "令和2年9月末の交付事務の職員数（増員の募集開始月の計算に使う: R2.3）。",
    ),
    Field("現在の統合端末台数", "terminals_now", "count", "令和2年9月末の統合端末台数。"),
)
PROFILE_LABELS = tuple(f.header for f in PROFILE_FIELDS)

BUDGET_FIELDS: tuple[Field, ...] = (
    Field("年度", "fiscal_year", "text", "会計年度（例: 令和3年度、または 2021）。"),
    Field("項目", "item", "text", "経費の項目（例: 会計年度任用職員人件費）。"),
    Field("金額", "yen", "count", "その年度・項目の経費見込額（円）。"),
)
BUDGET_HEADERS = tuple(f.header for f in BUDGET_FIELDS)

# The plan engine's cost items (budget.csv ``item``) as the budget table shows them. An item a
# clerk adds under another name is kept as typed.
BUDGET_ITEM_LABELS = {
    "staff": "職員の増員に要する人件費",
    "counters": "庁舎内窓口の増設経費",
    "offsite_counters": "庁舎外臨時窓口の経費",
    "terminals": "統合端末の増設経費",
    "notices": "交付通知書の郵送料",
}
BUDGET_ITEM_CODES = {label: code for code, label in BUDGET_ITEM_LABELS.items()}
