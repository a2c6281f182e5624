"""docs/cli.md is the commands' own help (STYLE: datasette; documentation that cannot drift)."""

from __future__ import annotations

from pathlib import Path

from kofuplan.adapters.cli.reference import reference

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_reference_matches_the_commands() -> None:
    assert DOCS.read_text(encoding="utf-8-sig") == reference(), (
        "docs/cli.md is stale: uv run python -m kofuplan.adapters.cli.reference > docs/cli.md"
    )
