"""Advice: for every finding, a Japanese sentence the prefecture can send to the municipality
as it is (R6.1), with the figures that triggered it. Months are written in 令和.

Each function here takes the figures of one finding and returns its message; the checks call
them, so a finding never carries a bare string made elsewhere.
"""

from __future__ import annotations

from kofuplan.domain.wareki import reiwa_fiscal_year, reiwa_month

# The plan's columns as a clerk knows them (the headings of the Ministry's form).
COLUMN_LABELS = {
    "lg_code": "団体コード",
    "month": "月",
    "issuance": "交付枚数",
    "dedicated_counters": "カード交付専用窓口数",
    "combined_counters": "住民異動等と併せて交付する窓口数",
    "offsite_counters": "庁舎外臨時窓口数",
    "weekend_days": "土日の交付実施予定日数",
    "staff": "職員配置数",
    "dedicated_daily_per_counter": "専用窓口1窓口1日当たりの平均交付枚数",
    "combined_daily_per_counter": "兼用窓口1窓口1日当たりの平均交付枚数",
    "evening_day_equivalents": "夜間開庁（開庁日換算）",
    "terminals": "統合端末の台数",
    # figures the plan derives (a stored or imported plan holds them too; the page's words)
    "cumulative_issued": "累計交付枚数",
    "coverage_pct": "交付率（%）",
    "open_weekdays": "平日の開庁日数",
    "required_weekend_days": "必要な土日の交付日数",
    "open_days": "開庁日数",
    "capacity": "交付能力",
    "recruit_start_month": "採用開始月",
}


def _n(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _label(column: str) -> str:
    return COLUMN_LABELS.get(column, column)


# R1.2: form


def unknown_code(code: str, line: int) -> str:
    shown = code if code else "（空欄）"
    return (
        f"団体コード「{shown}」（{line}行目）は基準日の統計にない団体コードです。"
        "全国地方公共団体コード（6桁、検査数字を含む）を確認の上、再提出してください。"
    )


def month_outside(raw: str, months: tuple[str, ...], line: int) -> str:
    shown = raw if raw else "（空欄）"
    return (
        f"{line}行目の月「{shown}」は計画期間（{reiwa_month(months[0])}から"
        f"{reiwa_month(months[-1])}まで）の月ではありません。月はYYYY-MM形式で記入してください。"
    )


def month_count(month: str, times: int) -> str:
    if times == 0:
        return (
            f"{reiwa_month(month)}の交付枚数等が記入されていません。"
            "各月について1行ずつ記入してください。"
        )
    return (
        f"{reiwa_month(month)}の行が{times}行あります。各月1行にまとめてください"
        "（審査では最初の行を用いました）。"
    )


def bad_count(month: str, column: str, raw: str, line: int, ceiling: int) -> str:
    shown = raw.strip() if raw.strip() else "（空欄）"
    return (
        f"{reiwa_month(month)}の{_label(column)}「{shown}」（{line}行目）は"
        f"0以上{ceiling:,}以下の整数ではありません。整数で記入してください。"
    )


def bad_rate(month: str, column: str, raw: str, line: int) -> str:
    return (
        f"{reiwa_month(month)}の{_label(column)}「{raw}」（{line}行目）は数値として読めません"
        "（負の数や0を含む）。審査では団体の現状の値を用いました。"
    )


def weekend_days_over_month(month: str, weekend_days: int, available: int) -> str:
    return (
        f"{reiwa_month(month)}の{_label('weekend_days')}が{weekend_days}日ですが、"
        f"この月の開庁可能な土日は{available}日です。日数を確認してください"
        f"（審査では{available}日として扱いました）。"
    )


# R6.1-1


def short_of_nearly_all(cumulative: int, needed: int, last_month: str) -> str:
    return (
        f"{reiwa_month(last_month)}末の累計交付枚数の見込みが{_n(cumulative)}枚で、"
        f"ほとんどの住民がカードを保有する想定（{_n(needed)}枚）に{_n(needed - cumulative)}枚"
        "不足しています。各月の交付枚数を見直し、不足分を計画に盛り込んでください。"
    )


# R6.1-2


def counters_short(
    month: str, capacity: int, issuance: int, more_dedicated: int, dedicated_daily: float
) -> str:
    return (
        f"{reiwa_month(month)}は交付予定{_n(issuance)}枚に対し、計画上の窓口で交付できるのは"
        f"現在の1日当たり平均交付枚数で{_n(capacity)}枚です。"
        f"カード交付専用窓口をあと{more_dedicated}窓口"
        f"（1窓口1日当たり{_n(dedicated_daily)}枚）増やしてください。"
    )


# R6.1-3


def office_over(month: str, in_office: int, office_max: int) -> str:
    more = in_office - office_max
    return (
        f"{reiwa_month(month)}は庁舎内の窓口が{in_office}窓口となり、庁舎内に設置できる"
        f"{office_max}窓口を{more}窓口上回ります。庁舎外の臨時窓口を{more}窓口以上開設する"
        "計画としてください。"
    )


# R6.1-4


def weekend_short(month: str, weekend_days: int, required: int) -> str:
    return (
        f"{reiwa_month(month)}の土日の交付日が{weekend_days}日で、毎週土日のいずれかに開設する"
        f"には{required}日必要です。土日の交付日をあと{required - weekend_days}日増やしてください。"
    )


# R2.3


def recruit_late(month: str, staff: int, before: int, start_month: str, lead_months: int) -> str:
    return (
        f"{reiwa_month(month)}に職員配置数を{before}人から{staff}人に増やす計画ですが、"
        f"会計年度任用職員の募集・研修に{lead_months}か月を要するため、"
        f"募集は{reiwa_month(start_month)}に始める必要がありました。"
        "直ちに募集を始めるとともに、配置までの間の応援職員の確保を検討してください。"
    )


# R5.1


def cost_over_grant(fiscal_year: int, total: int, grant: int) -> str:
    return (
        f"{reiwa_fiscal_year(fiscal_year)}の経費見込額{_n(total)}円が概算交付見込額"
        f"{_n(grant)}円を{_n(total - grant)}円上回っています。"
        "経費の内訳と財源を確認し、個人番号カード交付事務費補助金の活用を検討してください。"
    )


# R3 (issue 11): the plan needs more applications than the forecast


def applications_gap(needed: int, forecast: int, target: int, last_month: str) -> str:
    return (
        f"{reiwa_month(last_month)}までの交付目標{_n(target)}枚に対し、現在の申請の見込みで"
        f"届くカードは{_n(forecast)}枚です。残る{_n(needed)}枚分の申請を新たに掘り起こす必要が"
        "あります。QRコード付き申請書の送付（未取得者への個別送付）、商業施設・公民館等での"
        "出張申請受付、交付時の健康保険証利用登録の支援など、申請を促す取組を計画に加えて"
        "ください。"
    )


# R8.2 (issue 11): the plan's pace against the pace achieved so far


def pace_beyond_achieved(month: str, needed: float, achieved: float, multiple: float) -> str:
    if achieved <= 0:
        return (
            f"{reiwa_month(month)}に1日当たり{_n(round(needed))}枚の交付を計画していますが、"
            "直近の交付実績がありません。この計画を実行できる交付体制と申請の見込みを"
            "確認してください。"
        )
    return (
        f"{reiwa_month(month)}に1日当たり{_n(round(needed))}枚の交付を計画しており、直近の"
        f"実績（1日当たり{_n(round(achieved, 1))}枚）の{needed / achieved:.1f}倍です"
        f"（目安は{multiple:g}倍まで）。窓口・職員の増強と申請の掘り起こしが間に合うか確認し、"
        "必要なら月ごとの交付枚数を見直してください。"
    )
