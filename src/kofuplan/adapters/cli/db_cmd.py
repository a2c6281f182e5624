"""`kofuplan db init | load-stats | load-plan` and `kofuplan users add`."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from kofuplan.adapters.cli import app

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
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@db_app.command("init")
def db_init(database_url: DbUrl = None) -> None:
    """Create or upgrade the schema (Alembic migrations)."""
    from kofuplan.adapters.storage.db import Database

    db = Database(database_url)
    db.init()
    typer.echo(f"database ready: {db.engine.url.render_as_string(hide_password=True)}")


@db_app.command("load-stats")
def load_stats(
    file: Annotated[Path, typer.Argument(help="statistics CSV in the long format")],
    as_of: Annotated[str, typer.Option("--as-of", help="snapshot date, YYYY-MM-DD")],
    database_url: DbUrl = None,
) -> None:
    """Create the prefectures and municipalities with their baseline from the statistics."""
    from kofuplan.services.setup import load_baseline

    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError:
        _fail(f"--as-of: {as_of!r} is not a date (YYYY-MM-DD)")
        return
    from kofuplan.adapters.storage.db import Database
    from kofuplan.errors import InputError

    db = Database(database_url)
    db.init()
    try:
        n = load_baseline(db, file, day)
    except InputError as e:
        _fail(str(e))
        return
    typer.echo(f"loaded {n} municipalities at {day}")


@db_app.command("load-plan")
def load_plan(
    file: Annotated[Path, typer.Argument(help="plan_monthly.csv written by `kofuplan plan`")],
    reason: Annotated[str, typer.Option(help="why this revision")] = "計画エンジンによる作成",
    database_url: DbUrl = None,
) -> None:
    """Store each municipality's rows of plan_monthly.csv as a new plan revision."""
    from kofuplan.adapters.plan_reader import read_plan_rows
    from kofuplan.adapters.storage.db import Database
    from kofuplan.services.setup import import_plans, rows_by_municipality

    try:
        plans = rows_by_municipality(read_plan_rows(file, ("lg_code", "month", "issuance")))
    except ValueError as e:
        _fail(str(e))
        return
    db = Database(database_url)
    db.init()
    try:
        n = import_plans(db, plans, reason)
    except ValueError as e:
        _fail(f"{file}: {e}")
        return
    typer.echo(f"stored plans of {n} municipalities")


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
    from kofuplan.adapters.storage.db import Database
    from kofuplan.services.setup import UserError, add_user

    if password_file is not None:
        try:
            password = password_file.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError):
            _fail(f"--password-file: cannot read a password from {password_file}")
            return
    elif sys.stdin.isatty():
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    db = Database(database_url)
    db.init()
    try:
        add_user(db, role=role, login=login, password=password, lg_code=lg_code, pref_code=pref)
    except UserError as e:
        _fail(str(e))
        return
    typer.echo(f"added {role} user {login}")
