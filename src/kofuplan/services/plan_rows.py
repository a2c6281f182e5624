"""A stored plan as rows of plain values, for what shows or edits rows: the page's table and
charts, the editor's merge of a clerk's edits, the revision history's changes, the renewal
page, the API body. The checks, aggregates and workbooks take the :class:`PlanTable` itself;
this is the one place the services turn a stored table back into rows
(``domain.plan_table.table_rows``, the rows the store keeps)."""

from __future__ import annotations

from typing import Any

from kofuplan.domain.plan_table import table_rows
from kofuplan.services.kept import Kept
from kofuplan.services.ports import PlanRevisionRecord

# A revision never changes, so its rows are made once per process (keyed by its id and time,
# which tell apart databases): a page view reads no table twice (issue 16).
_kept: Kept[tuple[int, str], list[dict[str, Any]]] = Kept(4096)  # revisions of ~30 rows


def revision_rows(revision: PlanRevisionRecord | None) -> list[dict[str, Any]]:
    """The revision's rows, a row per month (none without a revision); the caller's own
    copies."""
    if revision is None:
        return []
    key = (revision.id, str(revision.created_at))
    rows = _kept.get(key)
    if rows is None:
        rows = table_rows(revision.table).get(revision.lg_code, [])
        _kept.put(key, rows)
    return [dict(row) for row in rows]
