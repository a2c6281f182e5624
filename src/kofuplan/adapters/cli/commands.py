"""Imports every command module so that each registers its commands on the app."""

from kofuplan.adapters.cli import (
    check_cmd,  # noqa: F401
    db_cmd,  # noqa: F401
    excel_cmd,  # noqa: F401
    followup_cmd,  # noqa: F401
    plan_cmd,  # noqa: F401
    serve_cmd,  # noqa: F401
)
