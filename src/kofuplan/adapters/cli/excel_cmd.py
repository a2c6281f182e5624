"""`kofuplan excel template | read | prefecture`: plan workbooks out and back (issue 5)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from kofuplan.adapters.cli import app, one_line
from kofuplan.adapters.cli.console import Steps, say, steps, written_to
from kofuplan.adapters.output import Content, check_place, write_files
from kofuplan.adapters.safe_text import csv_rows_text
from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.domain.findings import FINDING_COLUMNS
from kofuplan.domain.lgcode import lg_code_error
from kofuplan.domain.snapshots import month_range
from kofuplan.errors import InputError, KofuplanError
from kofuplan.services.planning import plan_calendar, rules_at, run_plan

if TYPE_CHECKING:
    from kofuplan.adapters.excel import PlanWorkbook
    from kofuplan.adapters.excel.reader import ReadOutcome

# The Excel stack (openpyxl, python-calamine) is imported inside each command: it would add
# 0.3 s to the start-up of every other command, `kofuplan --help` included.

excel_app = typer.Typer(
    help="Excel: 団体ごとの計画ブック（テンプレート・読込）と都道府県の提出ブック",
    no_args_is_help=True,
)
app.add_typer(excel_app, name="excel")

err = Console(stderr=True, highlight=False, soft_wrap=True)
_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{option} は日付（YYYY-MM-DD）で指定してください（{value!r}）"
        ) from None


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]エラー:[/red] {one_line(message)}", markup=True)
    return typer.Exit(code)


def workbook_file_name(code: str, name: str) -> str:
    """``131016_千代田区.xlsx``: the code first, as the reader expects."""
    return f"{code}_{_UNSAFE_IN_FILE_NAMES.sub('_', name)}.xlsx" if name else f"{code}.xlsx"


_PREF = re.compile(r"(0[1-9]|[1-3][0-9]|4[0-7])")


def _prefectures(pref: str) -> set[str] | None:
    """``all`` (None: every prefecture), or codes separated by commas: ``13`` or ``01,13``."""
    if pref.strip().lower() == "all":
        return None
    codes = {c.strip() for c in pref.split(",") if c.strip()}
    bad = sorted(c for c in codes if not _PREF.fullmatch(c))
    if not codes or bad:
        raise _fail(
            f"--pref は all か都道府県コード 01〜47（例: 13、01,13）で指定してください（{pref!r}）"
        )
    return codes


@excel_app.command("template")
def template_command(
    stats: Annotated[Path, typer.Option(help="Statistics CSV (long format)", exists=True)],
    as_of: Annotated[str, typer.Option("--as-of", help="Snapshot date, e.g. 2020-10-01")],
    lg_code: Annotated[str | None, typer.Option("--lg-code", help="One municipality")] = None,
    out: Annotated[Path | None, typer.Option(help="Workbook to write (with --lg-code)")] = None,
    pref: Annotated[
        str | None,
        typer.Option(help="Every municipality of a prefecture (13), of several (01,13) or all"),
    ] = None,
    out_dir: Annotated[Path | None, typer.Option(help="Directory (with --pref)")] = None,
    profiles: Annotated[
        Path | None, typer.Option(help="Municipalities' own inputs (CSV)", exists=True)
    ] = None,
    method: Annotated[str | None, typer.Option(help="Schedule method (default: rules)")] = None,
    kind: Annotated[
        str,
        typer.Option(
            help="issuance | renewal: the renewal plan's workbook (更新計画, from FY2025; "
            "--as-of 2025-04-01 or later)"
        ),
    ] = "issuance",
) -> None:
    """Write the plan workbook of one municipality, or of every one in some prefectures (or
    all 1,741 at once: --pref all), in one run."""
    from kofuplan.adapters.excel import ReadSettings
    from kofuplan.adapters.excel.layout import ISSUANCE, KINDS, RENEWAL
    from kofuplan.adapters.excel.stamp import TemplateStamper
    from kofuplan.services.excel_plans import template_contents
    from kofuplan.services.renewal_planning import run_renewal_plan

    if kind not in KINDS:
        raise _fail(f"--kind は issuance か renewal で指定してください（{kind!r}）")
    if kind == RENEWAL and method is not None:
        raise _fail("--method は交付計画（--kind issuance）にだけ指定できます")

    if (lg_code is None) == (pref is None):
        raise _fail(
            "--lg-code CODE --out FILE.xlsx か --pref CODE --out-dir DIR の"
            "どちらかを指定してください"
        )
    if lg_code is not None and (out is None or out_dir is not None):
        raise _fail("--lg-code には --out FILE.xlsx を指定してください（--out-dir ではなく）")
    if pref is not None and (out_dir is None or out is not None):
        raise _fail("--pref には --out-dir DIR を指定してください（--out ではなく）")
    if lg_code is not None and (why := lg_code_error(lg_code)):
        raise _fail(f"--lg-code: {why}")
    prefs = _prefectures(pref) if pref is not None else None
    day = _date(as_of, "--as-of")
    if out is not None:
        check_place(out)
    if out_dir is not None:
        check_place(out_dir, "--out-dir", folder=True)
    with steps() as progress:
        run: Any
        try:
            if kind == RENEWAL:
                from kofuplan.adapters.renewal_inputs import RenewalSources

                progress.step("更新計画")
                sources = RenewalSources.beside(stats)
                run = run_renewal_plan(StatsFiles(stats, profiles), day, sources)
            else:
                run = run_plan(
                    StatsFiles(stats, profiles), day, method, progress.step, progress.advance
                )
        except KofuplanError as exc:
            raise _fail(str(exc)) from None
        settings = ReadSettings.at(day)
        if kind == ISSUANCE and run.plan.months != settings.months:
            raise _fail(
                f"ブックは {settings.months[0]}〜{settings.months[-1]} の計画ですが、"
                f"{day} の計画は {run.plan.months[0]} からです。"
                "--as-of に基準日の統計の日付を指定してください"
            )
        codes = [str(c) for c in run.plan.profiles.lg_code.tolist()]
        if lg_code is not None:
            wanted = [lg_code]
        else:
            wanted = [c for c in codes if prefs is None or c[:2] in prefs]
            if not wanted:
                raise _fail(f"{stats}: 都道府県 {pref} の市区町村がありません")
        try:
            # the renewal plan's run has the same plan table (all template_contents reads)
            contents = template_contents(run, wanted)
        except KofuplanError as exc:
            raise _fail(str(exc)) from None
        contents = [(replace(plan, kind=kind), calendar) for plan, calendar in contents]
        # One layout per shape, each municipality's values stamped in (adapters/excel/stamp.py);
        # every workbook staged before any is renamed into place (all or nothing).
        stamper = TemplateStamper(as_of=day, made_on=dt.date.today())
        files: dict[Path, Content] = {}
        for plan, calendar in contents:
            p = plan.profile
            if out is not None:
                target = out
            else:
                assert out_dir is not None
                target = out_dir / workbook_file_name(p.lg_code, p.name)
            files[target] = _stamped(stamper, plan, calendar, progress)
        progress.step("テンプレート作成", len(files))
        written = write_files(files, "--out" if out is not None else "--out-dir")
    where = out if out is not None else out_dir
    say(f"{len(written)} 冊のブックを書き出しました: {where}")


def _stamped(stamper: Any, plan: Any, calendar: Any, progress: Steps) -> Callable[[Path], None]:
    """One workbook as content for write_files, made only when written (not all in memory)."""

    def write(tmp: Path) -> None:
        tmp.write_bytes(stamper.workbook_bytes(plan, calendar))
        progress.advance()

    return write


CSV_ENCODINGS = ("utf-8-sig", "utf-8")
LANGS = ("ja", "en")


def _summary(outcomes: Sequence[ReadOutcome], findings: int, out: Path, lang: str) -> str:
    read = sum(1 for o in outcomes if o.plan is not None)
    rejected = sum(1 for o in outcomes if o.error is not None)
    ignored = sum(1 for o in outcomes if o.ignored is not None)
    warned = sum(1 for o in outcomes if o.warnings)
    if lang == "en":
        return (
            f"{len(outcomes)} file(s): {read} read, {rejected} rejected, {ignored} ignored, "
            f"{warned} with a warning; {findings} finding(s); outputs in {out}"
        )
    return (
        f"{len(outcomes)}件のファイル: 読込 {read}件、差戻し {rejected}件、対象外 {ignored}件、"
        f"注意 {warned}件。指摘 {findings}件。出力先 {out}"
    )


STATUS = {"rejected": "差戻し", "ignored": "対象外", "warning": "注意"}


def _accounts(outcome: ReadOutcome, lang: str) -> list[tuple[str, str]]:
    """(status, line) for a file that was not simply read."""
    pick = 1 if lang == "en" else 0
    rows: list[tuple[str, str]] = []
    if outcome.error is not None:
        rows += [("rejected", line) for line in outcome.error.lines("en" if pick else "ja")]
    if outcome.ignored is not None:
        rows.append(("ignored", f"{outcome.path.name}: {outcome.ignored[pick]}"))
    rows += [("warning", f"{outcome.path.name}: {w[pick]}") for w in outcome.warnings]
    return rows


@excel_app.command("read")
def read_command(
    files: Annotated[list[Path], typer.Argument(help="Filled workbooks (or directories of them)")],
    out: Annotated[Path, typer.Option(help="Output directory")],
    as_of: Annotated[
        str, typer.Option("--as-of", help="Baseline snapshot the plans were made at")
    ] = "2020-10-01",
    lang: Annotated[
        str, typer.Option(help="Language of the problems printed and in rejected.csv: ja or en")
    ] = "ja",
    encoding: Annotated[
        str,
        typer.Option(help="CSV encoding: utf-8-sig (a BOM: Excel opens it in Japanese) or utf-8"),
    ] = "utf-8-sig",
) -> None:
    """Read filled workbooks into plan_monthly.csv and profiles, check them, write findings.

    Every file is accounted for: read, rejected with its problems, or ignored with a reason
    (lock files, hidden files, other files), in the summary and in rejected.csv. A workbook
    with any error is rejected whole and the others go on; the command exits 1 when any was
    rejected.
    """
    from kofuplan.adapters.excel import ReadSettings
    from kofuplan.adapters.excel.imported_csv import imported_columns, profile_rows
    from kofuplan.adapters.excel.layout import RENEWAL
    from kofuplan.adapters.excel.reader import account_for, expand
    from kofuplan.domain.renewal_plan import applies_to_renewal
    from kofuplan.domain.workbook import contact_row
    from kofuplan.services.excel_plans import (
        budget_rows,
        check_imported,
        import_plans,
        municipality_rows,
    )
    from kofuplan.services.renewal_checks import renewal_period, with_values

    if lang not in LANGS:
        raise _fail(f"--lang は ja か en で指定してください（{lang!r}）")
    if encoding not in CSV_ENCODINGS:
        raise _fail(
            f"--encoding は {', '.join(CSV_ENCODINGS)} のいずれかで指定してください（{encoding!r}）"
        )
    day = _date(as_of, "--as-of")
    paths = expand(files)
    if not paths:
        raise _fail("読み込むブックが指定されていません")
    params = rules_at(day)
    # A renewal plan's workbook (issue 17) covers its months from --as-of to the period's end.
    renewal = tuple(month_range(*renewal_period(day, params)))
    settings = replace(ReadSettings.at(day, renewal=True), renewal_months=renewal)
    check_place(out, folder=True)
    with steps() as progress:
        progress.step("ブックの読込", len(paths))
        outcomes = account_for(paths, settings, on_file=lambda _: progress.advance())
        books: list[PlanWorkbook] = [o.plan for o in outcomes if o.plan is not None]
        accounts: list[dict[str, str]] = []
        for outcome in outcomes:
            for status, line in _accounts(outcome, lang):
                err.print(line, markup=False)
                label = status if lang == "en" else STATUS[status]
                accounts.append({"file": str(outcome.path), "status": label, "problem": line})
        progress.step("審査と書き出し")
        kinds = {b.kind for b in books}
        if len(kinds) > 1:
            raise _fail(
                "交付計画と更新計画のブックが混在しています。種類ごとに分けて読み込んでください"
            )
        if RENEWAL in kinds:  # the renewal plan's months; its rates are the workbooks' own
            span = {"plan.period_start": (renewal[0], "the renewal workbooks' first month")}
            span["plan.period_end"] = (renewal[-1], "the renewal workbooks' last month")
            params = with_values(params, span)
        try:
            calendar = plan_calendar(params, day)
        except InputError as exc:
            raise _fail(str(exc)) from None
        if RENEWAL not in kinds and calendar.months != settings.months:
            raise _fail(
                f"--as-of {day} は計画の基準日ではありません（計画は {settings.months[0]} から）"
            )
        imported = import_plans(books, params, calendar)
        findings = check_imported(imported, params, calendar, day)
        if RENEWAL in kinds:  # the checks that apply to renewals (docs/renewals.md)
            findings = [f for f in findings if applies_to_renewal(f.code)]
        columns = imported_columns(imported)
        values = zip(*columns.values(), strict=True)
        rows = (dict(zip(columns, row, strict=True)) for row in values)
        profiles = profile_rows(imported)
        # who made each plan (the header block), beside its profile
        contacts = {b.profile.lg_code: contact_row(b.contacts) for b in books}
        munis = [{**m, **contacts.get(str(m["lg_code"]), {})} for m in municipality_rows(imported)]
        budget = ("lg_code", "fiscal_year", "item", "yen")
        texts = {
            "plan_monthly.csv": csv_rows_text(tuple(columns), rows),
            "profiles.csv": csv_rows_text(_header(profiles, "lg_code"), profiles),
            "municipalities.csv": csv_rows_text(_header(munis, "lg_code"), munis),
            "budget.csv": csv_rows_text(budget, budget_rows(imported)),
            "findings.csv": csv_rows_text(FINDING_COLUMNS, (f.as_row() for f in findings)),
            "rejected.csv": csv_rows_text(("file", "status", "problem"), accounts),
        }
        # All six or none (a folder of a half import would pass for a whole one).
        written = write_files({out / name: text.encode(encoding) for name, text in texts.items()})
    say(_summary(outcomes, len(findings), out, lang))
    written_to(written)
    if any(o.error is not None for o in outcomes):
        raise typer.Exit(1)


def _header(rows: Sequence[dict[str, object]], first: str) -> tuple[str, ...]:
    return tuple(rows[0]) if rows else (first,)


@excel_app.command("prefecture")
def prefecture_command(
    pref: Annotated[str, typer.Option(help="Prefecture code, 01–47")],
    plans: Annotated[Path, typer.Option(help="Directory with plan_monthly.csv", exists=True)],
    out: Annotated[Path, typer.Option(help="Workbook to write (.xlsx)")],
    stats: Annotated[
        Path | None,
        typer.Option(help="Statistics CSV: list every municipality, check names", exists=True),
    ] = None,
    as_of: Annotated[
        str, typer.Option("--as-of", help="Snapshot of the statistics")
    ] = "2020-10-01",
) -> None:
    """Write the prefecture's submission workbook: who has submitted, plans, findings with
    advice, summary. With --stats every municipality of the prefecture is listed (提出済,
    未提出, 差戻し) and the names are those of the statistics."""
    from kofuplan.adapters.excel.prefecture import write_prefecture_workbook
    from kofuplan.adapters.prefecture_folder import build_prefecture_book, prefecture_members

    if not re.fullmatch(r"(0[1-9]|[1-3][0-9]|4[0-7])", pref):
        raise _fail(f"--pref は都道府県コード 01〜47 で指定してください（{pref!r}）")
    check_place(out)
    with steps() as progress:
        progress.step("計画の読込と審査")
        try:
            members = (
                prefecture_members(stats, _date(as_of, "--as-of"), pref)
                if stats is not None
                else None
            )
            book = build_prefecture_book(plans, pref, dt.date.today(), members)
        except InputError as exc:
            raise _fail(str(exc)) from None
        progress.step("ブックの書き出し")
        write_prefecture_workbook(out, book)
    say(f"{len(book.rows)} 団体、指摘 {len(book.findings)} 件: {out}")
