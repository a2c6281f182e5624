"""Which module registers which command, so that a run imports only the module it needs.

`kofuplan plan` must not pay for importing matplotlib, openpyxl or the web stack (over a
second together); `kofuplan --help` and an unknown command import them all.
tests/unit/test_cli_commands.py fails when a registered command is missing here.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

COMMAND_MODULES = {
    "plan": "plan_cmd",
    "demo": "demo_cmd",
    "check": "check_cmd",
    "submit": "check_cmd",
    "focus": "followup_cmd",
    "followup": "followup_cmd",
    "replay": "followup_cmd",
    "excel": "excel_cmd",
    "counters": "counters_cmd",
    "risk": "risk_cmd",
    "forecast": "forecast_cmd",
    "backtest": "forecast_cmd",
    "renewals": "renewals_cmd",
    "db": "db_cmd",
    "users": "db_cmd",
    "serve": "serve_cmd",
    "report": "serve_cmd",
}


def load(argv: Sequence[str] | None = None) -> None:
    """Import the module of the command named in ``argv``, or every module."""
    name = next((a for a in argv or () if not a.startswith("-")), None)
    modules = {COMMAND_MODULES[name]} if name in COMMAND_MODULES else set(COMMAND_MODULES.values())
    for module in sorted(modules):
        importlib.import_module(f"kofuplan.adapters.cli.{module}")
