"""The CLI reference page (docs/cli.md), made from the commands themselves so that
`kofuplan --help` and the documentation cannot drift (tests/unit/test_cli_reference.py)."""

from __future__ import annotations

from typing import Any

from typer.main import get_command

from kofuplan.adapters.cli import app, commands


def _lines(cmd: Any, path: str) -> list[str]:
    out = [f"## `{path}`", "", (cmd.help or "").strip(), ""]
    params = [p for p in cmd.params if p.name != "help"]
    if params:
        out += ["| option | help |", "|---|---|"]
        for p in params:
            names = ", ".join(f"`{o}`" for o in (*p.opts, *p.secondary_opts))
            help_text = (getattr(p, "help", None) or "").replace("|", "\\|")
            if getattr(p, "required", False) and p.opts[0].startswith("-"):
                help_text = f"(required) {help_text}".strip()
            out.append(f"| {names} | {help_text} |")
        out.append("")
    return out


ROOT_TEXT = """Options before the command hold for every command: `kofuplan --quiet plan …`.

Exit codes: 0 done; 2 refused, with one line naming the file and line, the sheet and cell, or
the option (a bad input, a number out of bounds, a place that cannot take the output);
1 `excel read` rejected a workbook (the others were read); 70 an internal error (a bug: one
line asking for a report, the traceback with `--debug`). Progress goes to stderr, a bar on a
terminal and one plain line per step otherwise; every command ends with what it wrote where.
Outputs are written whole or not at all. Every CSV is UTF-8 with a byte-order mark, which
Excel in Japan opens as it is (`excel read --encoding utf-8` leaves the mark out); every
command reads CSVs with or without it."""


def reference() -> str:
    commands.load()
    root: Any = get_command(app)  # Typer's own click: a group lists its commands
    lines = [
        "# Command reference",
        "",
        "Generated from the commands: `uv run python -m "
        "kofuplan.adapters.cli.reference > docs/cli.md`.",
        "",
    ]
    head = _lines(root, "kofuplan")  # the root's own help is the app's tagline: say more
    lines += [*head[:2], ROOT_TEXT, "", *head[4:]]
    ctx = root.context_class(root)
    for name in sorted(root.list_commands(ctx)):
        cmd = root.get_command(ctx, name)
        assert cmd is not None
        if hasattr(cmd, "list_commands"):
            for sub in sorted(cmd.list_commands(ctx)):
                subcmd = cmd.get_command(ctx, sub)
                assert subcmd is not None
                lines += _lines(subcmd, f"kofuplan {name} {sub}")
        else:
            lines += _lines(cmd, f"kofuplan {name}")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(reference(), end="")
