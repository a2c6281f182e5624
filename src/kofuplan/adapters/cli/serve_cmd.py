"""`kofuplan serve` and `kofuplan report`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kofuplan.adapters.cli import app, one_line


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo", help="start on a fresh database with sample data and accounts")
    ] = False,
    database_url: Annotated[str | None, typer.Option("--database-url")] = None,
    workers: Annotated[
        int, typer.Option(help="server processes (production: one per CPU core)", min=1)
    ] = 1,
) -> None:
    """Start the shared web service (pages and API)."""
    from pydantic import ValidationError

    from kofuplan.adapters.web import server
    from kofuplan.adapters.web.settings import SettingsError

    try:
        if demo:
            server.serve_demo(host, port)
        else:
            server.serve(host, port, database_url, workers)
    except (SettingsError, ValidationError) as e:
        typer.echo(f"エラー: {one_line(str(e))}", err=True)
        raise typer.Exit(2) from None


@app.command("report")
def report(
    out: Annotated[Path, typer.Option("--out", help="HTML file to write")],
    pref: Annotated[str | None, typer.Option("--pref", help="prefecture code (2 digits)")] = None,
    nation: Annotated[bool, typer.Option("--nation", help="the national report")] = False,
    database_url: Annotated[str | None, typer.Option("--database-url")] = None,
) -> None:
    """Write a self-contained HTML report (one file that can be mailed)."""
    from kofuplan.adapters.storage.db import Database
    from kofuplan.adapters.web.report import ReportError, write_report

    if (pref is None) == (not nation):
        typer.echo("エラー: --pref CODE か --nation のどちらか一つを指定してください", err=True)
        raise typer.Exit(2)
    try:
        write_report(Database(database_url), out, pref_code=pref)
    except ReportError as e:
        typer.echo(f"エラー: {one_line(str(e))}", err=True)
        raise typer.Exit(2) from None
    from kofuplan.adapters.cli.console import written_to

    written_to([out])
