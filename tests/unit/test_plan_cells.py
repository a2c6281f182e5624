"""Issue 16 (the pages' p95): the plan table's cells are written in Python
(``render.plan_cells``) with the same markup the template's loop made, for an editor and for
a reader, with text that needs escaping."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kofuplan.adapters.web.render import PLAN_COLUMNS, RENEWAL_PLAN_COLUMNS, env, plan_cells
from kofuplan.domain.plan_edit import EDITABLE_COLUMNS
from kofuplan.domain.renewal_plan import RENEWAL_LABELS

# The template's loop as it was before plan_cells (municipality.html, issue 14).
_LOOP = env.from_string(
    """{% for c in columns %}
      {% if can_edit and c in editable %}
      <td><input type="number" min="0" step="1" name="{{ r.month }}.{{ c }}" value="{{ r[c] }}" aria-label="{{ r.month | reiwa }} {{ COLUMN_LABELS[c] }}" class="n{{ ' wide' if c == 'issuance' else '' }}"></td>
      {% else %}
      <td class="num" data-col="{{ c }}">{{ r[c] | num }}</td>
      {% endif %}
      {% endfor %}"""  # noqa: E501
)


def _cells(html: str) -> list[str]:
    return re.findall(r"<td.*?</td>", html, flags=re.S)


def _row(**over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {c: k * 1000 + 7 for k, c in enumerate(PLAN_COLUMNS)}
    row.update(
        month="2021-03",
        dedicated_daily_per_counter=52.0,
        combined_daily_per_counter=12.25,
        coverage_pct=33.333333,
        recruit_start_month="",
        wait_weekday_minutes="∞",
        wait_weekend_minutes=None,
    )
    row.update(over)
    return row


@pytest.mark.parametrize("can_edit", [True, False])
@pytest.mark.parametrize(
    "row",
    [
        _row(),
        _row(staff=None, terminals="", issuance=1234567),
        _row(month='2021-04"><script>', offsite_counters='<b>&"'),
    ],
)
def test_issue16_plan_cells_are_the_template_loops_markup(
    can_edit: bool, row: dict[str, Any]
) -> None:
    context = {"r": row, "can_edit": can_edit, "editable": EDITABLE_COLUMNS}
    before = _cells(_LOOP.render(columns=PLAN_COLUMNS, **context))
    after = _cells(str(plan_cells(row, can_edit, EDITABLE_COLUMNS)))
    assert len(after) == len(PLAN_COLUMNS)
    assert after == before
    assert "<script>" not in "".join(after)


# The renewal table's loop as it was (_renewal.html, issue 17).
_RENEWAL_LOOP = env.from_string(
    """{% for c in columns %}
      {% if can_edit and c in editable %}
      <td><input type="number" min="0" step="1" name="renewal.{{ r.month }}.{{ c }}" value="{{ r[c] }}" aria-label="{{ r.month | reiwa }} {{ RENEWAL_LABELS.get(c, c) }}" class="n{{ ' wide' if c == 'issuance' else '' }}"></td>
      {% else %}
      <td class="num" data-col="{{ c }}">{{ r[c] | num }}</td>
      {% endif %}
      {% endfor %}"""  # noqa: E501
)


@pytest.mark.parametrize("can_edit", [True, False])
@pytest.mark.parametrize(
    "row",
    [
        _row(renewals_certificate=12.3, renewals_card=4.05),
        _row(renewals_certificate=None, renewals_card=0, issuance=1234567),
        _row(month='2027-04"><script>', renewals_certificate=1.5, renewals_card='<b>&"'),
    ],
)
def test_issue16_renewal_cells_are_the_renewal_loops_markup(
    can_edit: bool, row: dict[str, Any]
) -> None:
    context = {"r": row, "can_edit": can_edit, "editable": EDITABLE_COLUMNS}
    before = _cells(
        _RENEWAL_LOOP.render(columns=RENEWAL_PLAN_COLUMNS, RENEWAL_LABELS=RENEWAL_LABELS, **context)
    )
    after = _cells(
        str(
            plan_cells(
                row, can_edit, EDITABLE_COLUMNS, RENEWAL_PLAN_COLUMNS, "renewal.", RENEWAL_LABELS
            )
        )
    )
    assert len(after) == len(RENEWAL_PLAN_COLUMNS)
    assert after == before
    assert "<script>" not in "".join(after)
