"""A stored plan as rows of plain values, for what shows or edits rows: the page's table and
charts, the editor's merge of a clerk's edits, the revision history's changes, the renewal
pages. The checks, aggregates and workbooks take the :class:`PlanTable` itself; this is the
one place the services turn a stored table back into rows (``domain.plan_table.table_rows``,
the rows the store keeps)."""

from __future__ import annotations

from typing import Any

from kofuplan.domain.plan_table import table_rows
from kofuplan.services.ports import PlanRevisionRecord


def revision_rows(revision: PlanRevisionRecord | None) -> list[dict[str, Any]]:
    """The revision's rows, a row per month (none without a revision)."""
    if revision is None:
        return []
    return table_rows(revision.table).get(revision.lg_code, [])
