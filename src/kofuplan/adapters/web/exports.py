"""The national and prefecture tables as CSV (UTF-8 with BOM: Japanese Excel opens it as it
is) and as Excel, with user text made inert (no formula injection)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kofuplan.adapters.table_export import csv_bytes, xlsx_bytes
from kofuplan.adapters.web.deps import ViewNation, ViewPrefecture
from kofuplan.services import prefecture_list, summaries

router = APIRouter(include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Kind = Literal["csv", "xlsx"]


def _send(
    kind: str, name: str, title: str, header: tuple[str, ...], rows: list[list[object]]
) -> Response:
    if kind == "csv":
        data, media = csv_bytes(header, rows), "text/csv; charset=utf-8"
    else:
        data, media = xlsx_bytes(title, header, rows), XLSX
    return Response(
        data,
        media_type=media,
        headers={"content-disposition": f'attachment; filename="{name}.{kind}"'},
    )


@router.get("/p/{pref_code}/table.{kind}")
def prefecture_table(kind: Kind, access: ViewPrefecture) -> Response:
    rows = prefecture_list.list_rows(access.uow, access.prefecture.code)
    return _send(
        kind,
        f"municipalities_{access.prefecture.code}",
        access.prefecture.name,
        prefecture_list.PREFECTURE_TABLE_HEADER,
        prefecture_list.prefecture_table(rows),
    )


@router.get("/nation/table.{kind}")
def nation_table(request: Request, kind: Kind, access: ViewNation) -> Response:
    n = summaries.nation(access.uow, request.app.state.storage)
    return _send(
        kind,
        "prefectures",
        "都道府県",
        prefecture_list.NATION_TABLE_HEADER,
        prefecture_list.nation_table(n.pref_ranking),
    )
