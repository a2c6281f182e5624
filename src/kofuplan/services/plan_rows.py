"""A stored plan as rows of plain values, for what shows or edits rows: the page's table and
charts, the editor's merge of a clerk's edits, the revision history's changes, the renewal
page, the API body. The checks, aggregates and workbooks take the :class:`PlanTable` itself;
this is the one place the services turn a stored table back into rows
(``domain.plan_table.table_rows``, the rows the store keeps)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from kofuplan.domain.plan_table import table_rows
from kofuplan.services.ports import PlanRevisionRecord

# A revision never changes, so its rows are made once per process (keyed by its id and time,
# which tell apart databases): a page view reads no table twice (issue 16).
_CACHE_SIZE = 4096  # revisions of about 30 rows each
_cache: OrderedDict[tuple[int, str], list[dict[str, Any]]] = OrderedDict()
_lock = threading.Lock()


def revision_rows(revision: PlanRevisionRecord | None) -> list[dict[str, Any]]:
    """The revision's rows, a row per month (none without a revision); the caller's own
    copies."""
    if revision is None:
        return []
    key = (revision.id, str(revision.created_at))
    with _lock:
        rows = _cache.get(key)
        if rows is not None:
            _cache.move_to_end(key)
    if rows is None:
        rows = table_rows(revision.table).get(revision.lg_code, [])
        with _lock:
            _cache[key] = rows
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return [dict(row) for row in rows]
