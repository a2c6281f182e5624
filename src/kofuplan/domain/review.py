"""The review status of a municipality's plan and which moves between statuses are allowed.

not_started → draft (a revision is saved) → submitted (the municipality hands it in) →
accepted or returned (the prefecture decides, R6.1); a returned or accepted plan goes back to
draft when the municipality saves again.
"""

from __future__ import annotations

from typing import Literal

from kofuplan.errors import ConflictError

Status = Literal["not_started", "draft", "submitted", "returned", "accepted"]
Action = Literal["save", "submit", "accept", "return"]

STATUS_LABELS: dict[str, str] = {
    "not_started": "未着手",
    "draft": "作成中",
    "submitted": "提出済",
    "returned": "差戻し",
    "accepted": "受理",
}

_ALLOWED: dict[Action, tuple[Status, ...]] = {
    "save": ("not_started", "draft", "submitted", "returned", "accepted"),
    "submit": ("draft", "returned"),
    "accept": ("submitted",),
    "return": ("submitted", "accepted"),
}
_RESULT: dict[Action, Status] = {
    "save": "draft",
    "submit": "submitted",
    "accept": "accepted",
    "return": "returned",
}


class TransitionError(ConflictError, ValueError):
    """The action is not allowed from the current status."""


def next_status(current: Status, action: Action) -> Status:
    if current not in _ALLOWED[action]:
        raise TransitionError(
            f"「{STATUS_LABELS[current]}」の計画には「{ACTION_LABELS[action]}」できません"
        )
    return _RESULT[action]


ACTION_LABELS: dict[str, str] = {
    "save": "保存",
    "submit": "提出",
    "accept": "受理",
    "return": "差戻し",
}
