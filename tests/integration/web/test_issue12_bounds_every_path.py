"""Issue 12, done-when "Bounds": saving any number through any page, API body, workbook or CSV
never produces a 500 or a traceback, and an out-of-range value gets the field's own error.
Hypothesis over the bounds (around ``bounds.count_ceiling``, huge, negative, decimal, text) on
each of the four paths into one store, then the pages every reader shares (/p/13, /nation,
/api/nation) still answer after a 30-digit 交付枚数 was tried on every path.

The domain's validator alone is covered by tests/unit/test_plan_bounds.py and the workbook
reader's by tests/unit/test_issue12_workbook_bounds.py; here each path is run whole: the HTTP
service (in-memory store, one server for the module) and ``db load-plan``'s use case."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kofuplan.adapters.excel.layout import MONTHLY_TABLE, sheet_title
from kofuplan.adapters.memory import MemoryStorage
from kofuplan.adapters.plan_reader import read_plan_rows
from kofuplan.adapters.web.sample import SampleAccounts
from kofuplan.domain.advice import COLUMN_LABELS
from kofuplan.domain.plan_edit import EDITABLE_COLUMNS
from kofuplan.domain.plan_form import PlanBounds, field_ceiling
from kofuplan.errors import InputError
from kofuplan.parameters import load_rules
from kofuplan.services.plan_rows import revision_rows
from kofuplan.services.setup import import_plans, plan_months, rows_by_municipality
from tests.web_support import Client, memory_sample, serve, signed_in

BOUNDS = PlanBounds.from_rules(load_rules().at(dt.date(2020, 10, 1)))
CEILING = BOUNDS.count_ceiling
HUGE = "1" * 30
JAPANESE = ("\u3040", "\u9fff")

WHOLE = st.one_of(
    st.integers(-(10**40), 10**40),
    st.integers(CEILING - 3, CEILING + 3),
    st.integers(-3, 3),
    st.integers(0, 10**6),
)
NUMBERS = st.one_of(
    WHOLE,
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([HUGE, "-1", "2.5", "1e400", "たくさん", "1,234", "１２", ""]),
)
# Each example is a request (or a workbook made and sent): a few dozen reach every kind.
PATH_SETTINGS = settings(max_examples=40)


class World:
    def __init__(self, url: str, accounts: SampleAccounts, store: MemoryStorage) -> None:
        self.url, self.accounts, self.store = url, accounts, store
        self.lg = next(code for code in accounts.municipalities if code.startswith("13"))
        self.clerk: Client = signed_in(url, accounts.municipalities[self.lg])
        # The engine's plan, as ``kofuplan plan`` writes it: each CSV example changes one cell
        # of it (not of whatever the other paths' examples saved since).
        with store.unit_of_work() as uow:
            latest = uow.plans.latest_revision(self.lg)
            assert latest is not None
            self.engine_rows = [dict(r) for r in revision_rows(latest)]

    def reset(self) -> None:
        """The first month back to the engine's figures. Each example types one number; what
        earlier examples saved must not add up (a billion counters and a billion cards in one
        month make every page of the municipality compute Erlang C over a million steps:
        reported, not this property)."""
        revision = self.revision()
        first = {c: self.engine_rows[0][c] for c in EDITABLE_COLUMNS}
        first = {c: v for c, v in first.items() if v is not None}
        r = self.clerk.post(
            f"/api/municipalities/{self.lg}/plan",
            json={"base_revision_id": revision["id"], "reason": "reset",
                  "rows": [{"month": self.engine_rows[0]["month"], **first}]},
        )  # fmt: skip
        assert r.status_code == 201, r.text

    def revision(self) -> dict[str, Any]:
        r = self.clerk.get(f"/api/municipalities/{self.lg}/plan")
        assert r.status_code == 200, r.text
        revision: dict[str, Any] = r.json()["revision"]
        return revision


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    store, accounts = memory_sample(tmp_path_factory, per_prefecture=1)
    with serve(store, accounts) as (url, _):
        yield World(url, accounts, store)


def _in_range(value: Any, field: str) -> bool:
    """A whole count within the field's ceiling (a month's days for a count of days), as a
    number (a text is judged by the reader)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    ceiling = field_ceiling(field, BOUNDS)
    return math.isfinite(value) and float(value).is_integer() and 0 <= value <= ceiling


def _out_of_range(value: Any, field: str) -> bool:
    """Certainly refused: a number that is negative, beyond the ceiling or not whole."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return not _in_range(value, field)
    return value in (HUGE, "-1", "2.5", "1e400", "たくさん")


def _assert_answered(status: int, text: str, field: str, value: Any) -> None:
    assert status != 500 and "Traceback" not in text, (field, value, status, text[:300])
    if status in (200, 201, 303):
        assert not _out_of_range(value, field), (field, value, "was taken")
        return
    assert status == 422, (field, value, status, text[:300])
    assert any(JAPANESE[0] <= ch <= JAPANESE[1] for ch in text), text[:300]
    if _out_of_range(value, field):
        assert COLUMN_LABELS[field] in text, (field, value, text[:300])


@PATH_SETTINGS
@given(field=st.sampled_from(EDITABLE_COLUMNS), value=NUMBERS)
def test_issue12_any_number_in_an_api_body_is_saved_or_gets_the_fields_error(
    world: World, field: str, value: Any
) -> None:
    revision = world.revision()
    month = revision["content"][0]["month"]
    r = world.clerk.post(
        f"/api/municipalities/{world.lg}/plan",
        json={"base_revision_id": revision["id"], "reason": "bounds",
              "rows": [{"month": month, field: value}]},
    )  # fmt: skip
    _assert_answered(r.status_code, r.text, field, value)
    if _in_range(value, field) and r.status_code == 201:
        assert world.revision()["content"][0][field] == int(value)


@PATH_SETTINGS
@given(field=st.sampled_from(EDITABLE_COLUMNS), value=NUMBERS)
def test_issue12_any_number_in_the_page_form_is_saved_or_gets_the_fields_error(
    world: World, field: str, value: Any
) -> None:
    world.reset()
    revision = world.revision()
    month = revision["content"][0]["month"]
    typed = value if isinstance(value, str) else repr(value) if isinstance(value, float) else value
    r = world.clerk.post(
        f"/m/{world.lg}/plan",
        data={"base_revision_id": str(revision["id"]), "action": "save",
              f"{month}.{field}": str(typed)},
    )  # fmt: skip
    _assert_answered(r.status_code, r.text, field, value)


def _workbook_with(data: bytes, header_start: str, value: Any) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[sheet_title(MONTHLY_TABLE)]
    table = next(iter(ws.tables.values()))
    _, first_row, _, _ = openpyxl.utils.cell.range_boundaries(table.ref)
    header = [c.value for c in ws[first_row]]
    col = next(i for i, h in enumerate(header) if h and str(h).startswith(header_start)) + 1
    ws.cell(row=first_row + 1, column=col, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@settings(PATH_SETTINGS, max_examples=15)
@given(value=NUMBERS.filter(lambda v: not (isinstance(v, int) and abs(v) > 2**63)))
def test_issue12_any_number_in_an_uploaded_workbook_is_saved_or_gets_the_cells_error(
    world: World, value: Any
) -> None:
    """The monthly table's 交付枚数 cell (every count cell is covered by the reader's own
    property test); a number beyond 2^63 cannot be written into a workbook at all."""
    revision = world.revision()
    book = world.clerk.get(f"/api/municipalities/{world.lg}/plan.xlsx")
    assert book.status_code == 200
    filled = _workbook_with(book.content, "交付枚数", value)
    r = world.clerk.post(
        f"/api/municipalities/{world.lg}/plan.xlsx",
        files={"file": (f"{world.lg}.xlsx", filled, "application/octet-stream")},
        data={"base_revision_id": str(revision["id"]), "csrf_token": world.clerk.csrf},
    )
    _assert_answered(r.status_code, r.text, "issuance", value)


def _csv_with(world: World, folder: Path, field: str, value: Any) -> Path:
    rows = [dict(r) for r in world.engine_rows]
    rows[0][field] = value
    path = folder / "plan_monthly.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        columns = ["lg_code", *(c for c in rows[0] if c != "lg_code")]
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows({"lg_code": world.lg, **r} for r in rows)
    return path


@PATH_SETTINGS
@given(field=st.sampled_from(EDITABLE_COLUMNS), value=NUMBERS)
def test_issue12_any_number_in_a_plan_csv_is_stored_or_gets_the_fields_error(
    world: World, tmp_path_factory: pytest.TempPathFactory, field: str, value: Any
) -> None:
    """``kofuplan db load-plan``'s use case: the one plan reader, then the save's bounds; a
    refusal is an InputError naming the field, and stores nothing. What is stored is read
    back by the pages (a blank 交付枚数 once was stored, and the page then answered 500)."""
    path = _csv_with(world, tmp_path_factory.mktemp("csv"), field, value)
    before = world.revision()["id"]
    try:
        plans = rows_by_municipality(read_plan_rows(path), str(path), plan_months())
        import_plans(world.store, plans, "bounds")
    except InputError as exc:
        assert not _in_range(value, field) or field in ("offsite_counters", "dedicated_counters")
        assert COLUMN_LABELS[field] in str(exc), (field, value, str(exc))
        assert world.revision()["id"] == before  # nothing half-written
        return
    assert not _out_of_range(value, field), (field, value, "was stored")
    for address in (f"/m/{world.lg}", f"/api/municipalities/{world.lg}/plan"):
        r = world.clerk.get(address)  # what was stored is read back without a 500
        assert r.status_code == 200, (field, value, address, r.status_code)


def test_issue12_a_30_digit_issuance_on_every_path_breaks_no_page(
    world: World, tmp_path: Path
) -> None:
    """After the clerk tried 30 digits on every path (and the properties above ran), the
    prefecture's, the nation's page and the API answer for every reader."""
    world.reset()
    revision = world.revision()
    month = revision["content"][0]["month"]
    api = world.clerk.post(
        f"/api/municipalities/{world.lg}/plan",
        json={"base_revision_id": revision["id"], "rows": [{"month": month, "issuance": HUGE}]},
    )
    page = world.clerk.post(
        f"/m/{world.lg}/plan",
        data={"base_revision_id": str(revision["id"]), "action": "save",
              f"{month}.issuance": HUGE},
    )  # fmt: skip
    book = world.clerk.get(f"/api/municipalities/{world.lg}/plan.xlsx").content
    upload = world.clerk.post(
        f"/api/municipalities/{world.lg}/plan.xlsx",
        files={"file": (f"{world.lg}.xlsx", _workbook_with(book, "交付枚数", HUGE), "x")},
        data={"base_revision_id": str(revision["id"]), "csrf_token": world.clerk.csrf},
    )
    for r in (api, page, upload):
        assert r.status_code == 422 and "交付枚数" in r.text, (r.status_code, r.text[:300])
    with pytest.raises(InputError, match="交付枚数"):
        path = _csv_with(world, tmp_path, "issuance", HUGE)
        import_plans(world.store, rows_by_municipality(read_plan_rows(path)), "bounds")
    stored = world.revision()["content"]
    assert all(0 <= int(r["issuance"]) <= CEILING for r in stored if r["issuance"] is not None)
    ministry = signed_in(world.url, world.accounts.ministry)
    prefecture = signed_in(world.url, world.accounts.prefectures["13"])
    for reader, paths in (
        (ministry, ("/api/nation", "/nation", "/p/13", f"/m/{world.lg}")),
        (prefecture, ("/p/13", "/api/prefectures/13", f"/m/{world.lg}")),
    ):
        for address in paths:
            r = reader.get(address)
            assert r.status_code == 200, (address, r.status_code, r.text[:300])
