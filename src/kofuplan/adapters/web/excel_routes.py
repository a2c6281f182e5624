"""Plan workbooks (Excel) on the pages and in the API: download the current revision filled
in, upload a filled workbook as a new revision (same stale-save rule as the editor)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from kofuplan.adapters.web.deps import (
    EditMunicipality,
    MunicipalityAccess,
    PostedForm,
    PrefectureAccess,
    ViewMunicipality,
    ViewPrefecture,
)
from kofuplan.adapters.web.pages import municipality_page_response
from kofuplan.services import workflow
from kofuplan.services.municipal_inputs import InputsError

if TYPE_CHECKING:
    from kofuplan.services import web_excel

# The Excel stack (openpyxl, the template writer and the reader) loads at the first workbook
# asked for or uploaded, not when the service starts.

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(access: MunicipalityAccess) -> Response:
    from kofuplan.services import web_excel

    revision = access.uow.plans.latest_revision(access.municipality.lg_code)
    if revision is None:
        raise HTTPException(404, "計画がまだありません")
    from kofuplan.adapters.excel.template import workbook_bytes

    name = web_excel.workbook_name(access.municipality, revision)
    book, calendar = web_excel.workbook_contents(
        access.municipality, revision, access.uow.inputs.latest_inputs(access.municipality.lg_code)
    )
    return Response(
        workbook_bytes(book, calendar, access.municipality.baseline_date),
        media_type=XLSX,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


def _upload(form: FormData, access: MunicipalityAccess) -> tuple[int, str]:
    """(HTTP status, message) of storing an uploaded workbook as a new revision."""
    from kofuplan.adapters.excel.errors import WorkbookError
    from kofuplan.adapters.excel.reader import read_workbook_bytes
    from kofuplan.services import web_excel

    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        return 422, "Excel ファイル（.xlsx）を選んでください。"
    raw_base = str(form.get("base_revision_id", ""))
    base_id = int(raw_base) if raw_base.isdigit() else None
    reason = str(form.get("reason", "") or "Excel から読込み")[:2000]
    try:
        saved = web_excel.save_upload(
            access.uow,
            access.who,
            access.municipality,
            partial(read_workbook_bytes, upload.filename or "", upload.file.read()),
            base_id,
            _inputs_base(form.get("inputs_base_revision_id")),
            reason,
        )
    except WorkbookError as e:
        # One problem a line; the clerk knows which file was sent: the lines start at the sheet.
        prefix = f"{upload.filename}: "
        return 422, "\n".join(p.removeprefix(prefix) for p in e.problems)
    except InputsError as e:
        return 422, str(e)
    except web_excel.WrongMunicipality as e:
        return 422, str(e)
    except workflow.Conflict:
        return 409, (
            "ダウンロードした後に他の方がこの計画を更新したため、読み込みませんでした。"
            "最新の版をダウンロードし直して入力してください（お手元のブックはそのまま使えます）。"
        )
    except workflow.InvalidInput as e:
        return 422, str(e)
    if saved.inputs is not None:
        return 201, "Excel の計画と申請推進・窓口の入力を新しい版として保存しました。"
    return 201, "Excel の計画を新しい版として保存しました。"


def _inputs_base(raw: Any) -> int | web_excel.Latest | None:
    """The inputs revision the workbook was downloaded with: the form's hidden field; an API
    client that does not send it means the latest."""
    from kofuplan.services import web_excel

    if raw is None:
        return web_excel.LATEST
    text = str(raw)
    return int(text) if text.isdigit() else None


@router.get("/m/{lg_code}/plan.xlsx", include_in_schema=False)
def page_download(access: ViewMunicipality) -> Response:
    return _download(access)


@router.post("/m/{lg_code}/plan.xlsx", include_in_schema=False)
def page_upload(request: Request, form: PostedForm, access: EditMunicipality) -> Response:
    status, message = _upload(form, access)
    if status == 201:
        return RedirectResponse(f"/m/{access.municipality.lg_code}?done=excel", status_code=303)
    return municipality_page_response(request, access, error=message, status_code=status)


@router.get(
    "/api/municipalities/{lg_code}/plan.xlsx",
    tags=["api"],
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "the plan workbook"}},
)
def api_download(access: ViewMunicipality) -> Response:
    """The current revision as the plan workbook (Excel)."""
    return _download(access)


@router.post(
    "/api/municipalities/{lg_code}/plan.xlsx",
    tags=["api"],
    status_code=201,
    responses={409: {"description": "stale base"}, 422: {"description": "bad workbook"}},
)
def api_upload(request: Request, form: PostedForm, access: EditMunicipality) -> Any:
    """Upload a filled workbook (multipart: ``file``, ``base_revision_id``, ``reason``)."""
    status, message = _upload(form, access)
    return JSONResponse({"detail": message}, status_code=status)


def _submission(access: PrefectureAccess) -> Response:
    from kofuplan.adapters.excel.prefecture import prefecture_workbook_bytes
    from kofuplan.services import web_submission

    try:
        book = web_submission.submission_book(access.uow, access.prefecture.code, dt.date.today())
    except web_submission.NothingToSubmit as e:
        raise HTTPException(404, str(e)) from None
    data = prefecture_workbook_bytes(book)
    name = f"{access.prefecture.code}_submission.xlsx"
    return Response(
        data, media_type=XLSX, headers={"content-disposition": f'attachment; filename="{name}"'}
    )


@router.get("/p/{pref_code}/submission.xlsx", include_in_schema=False)
def page_submission(access: ViewPrefecture) -> Response:
    return _submission(access)


@router.get(
    "/api/prefectures/{pref_code}/submission.xlsx",
    tags=["api"],
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "the submission workbook"}},
)
def api_submission(access: ViewPrefecture) -> Response:
    """R7.1: the prefecture's submission workbook (one file for the Ministry)."""
    return _submission(access)
