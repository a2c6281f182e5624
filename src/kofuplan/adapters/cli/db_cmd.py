"""`kofuplan db init | load-stats | load-plan` and `kofuplan users add`."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kofuplan.adapters.cli import app
from kofuplan.adapters.cli.console import say, steps
from kofuplan.adapters.output import check_place
from kofuplan.errors import InputError, KofuplanError

if TYPE_CHECKING:
    from kofuplan.adapters.storage.db import Database

db_app = typer.Typer(help="データベースの作成と読込み", no_args_is_help=True)
users_app = typer.Typer(help="利用者の管理", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")

DbUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="SQLAlchemy URL (既定: KOFUPLAN_DATABASE_URL か ./kofuplan.sqlite3)",
    ),
]


def _fail(message: str) -> None:
    typer.echo(f"エラー: {message}", err=True)
    raise typer.Exit(2)


URL_FORM = (
    "URL の形式が正しくありません（例: sqlite:///kofuplan.sqlite3、"
    "postgresql+psycopg://利用者:パスワード@ホスト/データベース名）"
)


def open_database(url: str | None) -> Database:
    """The database, its schema brought up to date; a URL that cannot be used (malformed, an
    unknown driver, a folder that does not exist or cannot be written, a server that does not
    answer) is one line naming --database-url, not SQLAlchemy's traceback."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

    from kofuplan.adapters.storage.db import Database, database_url

    shown = _shown_url(database_url(url))
    try:
        db = Database(url)
    except (ArgumentError, ValueError):
        raise InputError(f"--database-url {shown}: {URL_FORM}") from None
    except (NoSuchModuleError, ImportError):
        raise InputError(
            f"--database-url {shown}: この種類のデータベースには対応していません"
        ) from None
    if db.engine.url.get_backend_name() == "sqlite":
        file = db.engine.url.database
        if file and file != ":memory:":
            check_place(Path(file), "--database-url")
    try:
        db.init()
    except (SQLAlchemyError, OSError) as exc:
        db.dispose()
        raise InputError(
            f"--database-url {shown}: データベースを開けません（{_first_line(exc)}）"
        ) from None
    from kofuplan.bootstrap import bootstrap

    bootstrap(storage=db)  # the rule clock for the use cases
    return db


def _shown_url(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "（解釈できない URL）"


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


@db_app.command("init")
def db_init(database_url: DbUrl = None) -> None:
    """Create or upgrade the schema (Alembic migrations)."""
    db = open_database(database_url)
    say(f"データベースを用意しました: {db.engine.url.render_as_string(hide_password=True)}")


@db_app.command("load-stats")
def load_stats(
    file: Annotated[Path, typer.Argument(help="statistics CSV in the long format")],
    as_of: Annotated[str, typer.Option("--as-of", help="snapshot date, YYYY-MM-DD")],
    database_url: DbUrl = None,
) -> None:
    """Create the prefectures and municipalities with their baseline from the statistics."""
    from kofuplan.adapters.stats_csv import read_stats
    from kofuplan.services.setup import load_baseline

    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError:
        _fail(f"--as-of: 「{as_of[:40]}」は日付ではありません（YYYY-MM-DD の形で指定してください）")
        return
    stats = read_stats(file, day)  # a bad file is refused before the database is opened
    db = open_database(database_url)
    with steps() as progress:
        progress.step("統計の保存")
        n = load_baseline(db, stats, day)
    say(f"{n} 団体の統計（基準日 {day}）を読み込みました")


@db_app.command("load-plan")
def load_plan(
    file: Annotated[Path, typer.Argument(help="plan_monthly.csv written by `kofuplan plan`")],
    reason: Annotated[str, typer.Option(help="why this revision")] = "計画エンジンによる作成",
    kind: Annotated[
        str,
        typer.Option(help="issuance | renewal (from `kofuplan plan --kind renewal`)"),
    ] = "issuance",
    database_url: DbUrl = None,
) -> None:
    """Store each municipality's rows of plan_monthly.csv as a new plan revision (of the
    issuance plan, or with --kind renewal of the renewal plan)."""
    from kofuplan.adapters.plan_reader import read_plan_rows
    from kofuplan.services.setup import (
        import_plans,
        plan_months,
        renewal_plan_months,
        rows_by_municipality,
    )

    if kind not in ("issuance", "renewal"):
        _fail(f"--kind は issuance か renewal で指定してください（{kind!r}）")
        return
    try:
        rows = read_plan_rows(file, ("lg_code", "month", "issuance"))
        months = renewal_plan_months() if kind == "renewal" else plan_months()
        plans = rows_by_municipality(rows, str(file), months)
    except KofuplanError as e:
        _fail(str(e))
        return
    db = open_database(database_url)
    with steps() as progress:
        progress.step("計画の保存", len(plans))
        try:
            n = import_plans(db, plans, reason, progress.advance, kind=kind)
        except KofuplanError as e:
            _fail(f"{file}: {e}")
            return
    say(f"{n} 団体の計画を保存しました")


@users_app.command("add")
def users_add(
    role: Annotated[str, typer.Option(help="municipality | prefecture | ministry")],
    login: Annotated[str, typer.Option(help="sign-in name")],
    lg_code: Annotated[str | None, typer.Option("--lg-code")] = None,
    pref: Annotated[str | None, typer.Option("--pref")] = None,
    password_file: Annotated[Path | None, typer.Option("--password-file")] = None,
    database_url: DbUrl = None,
) -> None:
    """Add a user; the password comes from a prompt or the first line of --password-file."""
    from kofuplan.services.access import ROLE_LABELS
    from kofuplan.services.setup import UserError, add_user, check_new_user

    if password_file is not None:
        try:
            password = password_file.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError, UnicodeDecodeError):
            _fail(f"--password-file {password_file}: 1行目にパスワードを UTF-8 で書いてください")
            return
    elif sys.stdin.isatty():
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:  # what needs no database is refused before one is opened (or created)
        check_new_user(role=role, login=login, password=password, lg_code=lg_code, pref_code=pref)
    except UserError as e:
        _fail(str(e))
        return
    db = open_database(database_url)
    try:
        add_user(db, role=role, login=login, password=password, lg_code=lg_code, pref_code=pref)
    except UserError as e:
        _fail(str(e))
        return
    say(f"{ROLE_LABELS.get(role, role)}の利用者 {login} を追加しました")
