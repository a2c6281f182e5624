"""A plan's revisions as the pages list them: one shape for the issuance and renewal plans."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kofuplan.services.ports import PlanRevisionRecord


def revision_entries(
    revisions: Iterable[PlanRevisionRecord], logins: Mapping[int, str]
) -> list[dict[str, Any]]:
    """Each revision's number, base, reason, time and author's login (``system`` when no
    person saved it); ``logins`` maps author ids to logins (one lookup for the whole page)."""
    return [
        {
            "id": r.id,
            "seq": r.seq,
            "base_revision_id": r.base_revision_id,
            "reason": r.reason,
            "at": r.created_at,
            "by": logins.get(r.author_id or -1, "system"),
        }
        for r in revisions
    ]
