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
