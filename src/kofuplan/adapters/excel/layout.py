"""The plan workbook's layout: table names, headers and the fields behind them.

A program finds the data by table name and header, never by position (docs/excel.md). The
writer and the reader both take their names from here, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from kofuplan.domain.workbook import WORKBOOK_COUNTS

MONTHLY_TABLE = "monthly"
PROFILE_TABLE = "profile"
BUDGET_TABLE = "budget"
PROMOTION_TABLE = "promotion"
EVENTS_TABLE = "events"
TABLES = (MONTHLY_TABLE, PROFILE_TABLE, BUDGET_TABLE)
# The promotion section (issue 8) came later: a workbook made before it has neither table and
# reads as "no promotion section"; one of the two without the other is an error.
PROMOTION_TABLES = (PROMOTION_TABLE, EVENTS_TABLE)
# The header block above the monthly table (rows 1–4 of its sheet, columns A–H): not an Excel
# table, read by its labels (form.py writes it); a workbook without one reads as no contacts.
HEADER_BLOCK = "header"
HEADER_BLOCK_SIZE = (4, 8)  # rows, columns
# Its items the clerk types (a label, the value in the cell to its right), and 作成日.
CONTACT_LABELS = {"担当課": "department", "担当者": "person", "電話": "phone", "メール": "email"}
MADE_ON_LABEL = "作成日"
CONTACT_TEXT_MAX = 100  # characters of a 担当課 or 担当者

# The kind of plan a workbook holds: the 2020–2023 issuance, or the renewal wave from FY2025
# (issue 17). A renewal workbook has the same tables and fields; where the issuance
# workbook says 交付 its titles and headers say 更新 (RENEWAL_WORDING), and the reader tells
# the kind from the monthly table's headers.
ISSUANCE, RENEWAL = "issuance", "renewal"
KINDS = (ISSUANCE, RENEWAL)
RENEWAL_WORDING = {
    "マイナンバーカード交付円滑化計画（月別）": "マイナンバーカード・電子証明書 更新計画（月別）",
    "交付枚数": "更新件数",
    "土日交付日数": "土日開庁日数",
    "交付能力": "処理能力",
    "累計交付枚数": "累計更新件数",
    "交付率": "更新率",
    "判定:交付能力": "判定:処理能力",
    "判定:土日交付": "判定:土日開庁",
}
_ISSUANCE_WORDING = {v: k for k, v in RENEWAL_WORDING.items()}


def issuance_wording(header: str) -> str:
    """A header of either kind as the issuance workbook words it (the fields' own names)."""
    return _ISSUANCE_WORDING.get(header, header)


def is_renewal_header(header: str) -> bool:
    return header in _ISSUANCE_WORDING


# Each table sits on a sheet of its own with a Japanese tab name. The reader finds an .xlsx's
# tables by their (table) name, so a clerk may rename a tab; a file without Excel tables
# (.xls, .ods) is read from the sheet of this name (or the table's name, as sheets were
# called before), the table found by its header row.
SHEET_TITLES = {
    MONTHLY_TABLE: "月別計画",
    HEADER_BLOCK: "月別計画",
    PROFILE_TABLE: "基本情報",
    BUDGET_TABLE: "経費",
    PROMOTION_TABLE: "申請推進",
    EVENTS_TABLE: "出張申請受付",
}
HELP_SHEET = "説明"
EXAMPLE_SHEET = "記入例"
# Tables whose rows end at the sheet's end (spare rows may be left blank in between); the
# others end at their first blank row, like a block of cells.
TABLES_WITH_SPARE_ROWS = frozenset({BUDGET_TABLE, EVENTS_TABLE})


# Units shown in the column headers (「交付枚数（枚）」); the reader accepts a header with or
# without its unit.
UNITS = {
    "issuance": "枚",
    "dedicated_counters": "窓口",
    "combined_counters": "窓口",
    "offsite_counters": "窓口",
    "weekend_days": "日",
    "staff": "人",
    "terminals": "台",
    "yen": "円",
    "days": "日",
    "applications_per_day": "件",
}


def column_header(header: str, name: str) -> str:
    unit = UNITS.get(name)
    return f"{header}（{unit}）" if unit else header


_UNIT_SUFFIXES = tuple(f"（{unit}）" for unit in sorted(set(UNITS.values())))


@lru_cache(maxsize=1024)
def without_unit(header: str) -> str:
    """「交付枚数（枚）」 -> 「交付枚数」: the header a column is known by."""
    for suffix in _UNIT_SUFFIXES:
        if header.endswith(suffix):
            return header[: -len(suffix)]
    return header


def sheet_title(table: str) -> str:
    return SHEET_TITLES.get(table, table)


@dataclass(frozen=True)
class Field:
    header: str  # the exact table header (Japanese)
    name: str  # the column name of plan_monthly.csv / profiles.csv
    # rate: a number > 0; pace: a number ≥ 0; share: 0 to 1; hours: 0 to 24;
    # months: YYYY-MM;YYYY-MM; flag: はい/いいえ
    kind: Literal[
        "month",
        "count",
        "rate",
        "pace",
        "text",
        "lg_code",
        "months",
        "share",
        "hours",
        "flag",
        "date",
        "fiscal_year",
    ]
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
assert tuple(f.name for f in MONTHLY_COUNTS) == WORKBOOK_COUNTS, "the workbook's monthly counts"

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
    Field(
        "現在の1日平均交付枚数",
        "recent_daily_issuance",
        "pace",
        "直近の1日（暦日）当たりの交付枚数（枚/日）。統計から記入済み。申請見込み"
        "（R3.3の判定）の計算に使う。",
    ),
)
# Items a workbook made before them may lack: read as their default (no pace: 0).
OPTIONAL_PROFILE_ITEMS = frozenset({"recent_daily_issuance"})
PROFILE_LABELS = tuple(f.header for f in PROFILE_FIELDS)

BUDGET_FIELDS: tuple[Field, ...] = (
    Field("年度", "fiscal_year", "fiscal_year", "会計年度（例: 令和3年度、または 2021）。"),
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
    "hiring": "職員の採用・研修と任用終了の経費",
}
BUDGET_ITEM_CODES = {label: code for code, label in BUDGET_ITEM_LABELS.items()}

# The promotion section (R2.4, R3.2–R3.4, R8.3): items of the ``promotion`` table (項目・値) and
# the columns of the ``events`` table. ``name`` is the profile CSV column
# (kofuplan.domain.promotion.PROMOTION_FIELDS) or the Event attribute.
PROMOTION_HEADERS = ("項目", "値")
PROMOTION_ITEMS: tuple[Field, ...] = (
    Field(
        "QRコード付き申請書の送付枚数",
        "qr_mailing_forms",
        "count",
        "カード未取得の住民に市区町村が個別に送付するQRコード付き申請書の枚数（枚、R3.2）。",
    ),
    Field(
        "送付月",
        "qr_mailing_months",
        "months",
        "その送付を行う月。YYYY-MM を「;」で区切って記入（例: 2020-12;2021-01）。"
        "令和3年3月までに送付を完了すること（R3.2）。",
    ),
    Field(
        "健康保険証利用申込の支援方法",
        "insurance_support_method",
        "text",
        "カード交付時に健康保険証としての利用申込を周知し、手続を支援する方法（R3.4）。",
    ),
    Field(
        "支援する住民の割合",
        "insurance_assist_share",
        "share",
        "交付時に健康保険証利用申込を支援する住民の割合（0%〜100%、R3.4）。",
    ),
    Field(
        "夜間開庁の回数（月）",
        "evenings_per_month",
        "count",
        "1か月に窓口を夜間延長してカードを交付する回数（R8.3）。",
    ),
    Field(
        "夜間延長時間",
        "evening_hours",
        "hours",
        "1回の夜間開庁で延長する時間（時間、0〜24）。回数×時間が開庁日に換算されて"
        "交付能力に加わる（R8.3）。",
    ),
    Field(
        "コンビニ交付の実施",
        "konbini_offered",
        "flag",
        "住民票の写し等のコンビニ交付を実施しているか（はい／いいえ、R2.4）。",
    ),
    Field("窓口手数料", "konbini_fee_counter_yen", "count", "証明書1通の窓口での手数料（円）。"),
    Field(
        "コンビニ手数料",
        "konbini_fee_store_yen",
        "count",
        "同じ証明書のコンビニ交付での手数料（円）。窓口より低ければ引下げ（R2.4、総務省が調査）。",
    ),
    Field(
        "引下げ開始日",
        "konbini_reduction_from",
        "date",
        "コンビニ交付手数料の引下げを適用する日（YYYY-MM-DD）。",
    ),
)
PROMOTION_LABELS = tuple(f.header for f in PROMOTION_ITEMS)

EVENT_FIELDS: tuple[Field, ...] = (
    Field("月", "month", "month", "出張申請受付を行う月（YYYY-MM、計画期間内）。"),
    Field("日数", "days", "count", "その月に商業施設等で出張申請受付・申請サポートを行う日数。"),
    Field("1日当たり申請見込", "applications_per_day", "count", "1日当たりの申請見込件数（件）。"),
    Field(
        "感染対策", "infection_control", "flag", "感染防止対策を講じるか（はい／いいえ、R3.3）。"
    ),
)
EVENT_HEADERS = tuple(f.header for f in EVENT_FIELDS)
YES, NO = "はい", "いいえ"
