"""Issue 12 item 4 on the API: a request body FastAPI refuses before our code sees it (a text
for a number, a field that does not exist, broken JSON), an unknown address and a method a
route does not take are answered in Japanese, naming the field by its label (labels.py), never
with pydantic's or Starlette's English ("Input should be a valid integer", "Not Found").

The app's own error handlers (adapters/web/errors.install) on a small app with the real body
schemas: no server, no database."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from hypothesis import given, settings
from hypothesis import strategies as st

from kofuplan.adapters.web import errors
from kofuplan.adapters.web import schemas as s
from kofuplan.domain.labels import field_label, input_label

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ENGLISH = ("Input should", "Field required", "Not Found", "Method Not Allowed", "Extra inputs")


def _page(request: Request, status: int, message: str) -> Response:
    return PlainTextResponse(f"page: {message}", status_code=status)


def _app() -> FastAPI:
    app = FastAPI()

    @app.post("/api/plan")
    def save_plan(body: s.PlanSaveIn) -> dict[str, int]:
        return {"rows": len(body.rows)}

    @app.put("/api/inputs")
    def save_inputs(body: s.InputsSaveIn) -> dict[str, bool]:
        return {"ok": True}

    @app.post("/m/actuals")
    def page_actuals(body: s.ActualIn) -> dict[str, bool]:
        return {"ok": True}

    errors.install(app, _page)
    return app


APP = _app()


class _Client:
    """Requests straight to the app (ASGI, in process): no server, no port."""

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if "json" in kwargs:  # as a client may send it: Infinity and NaN included
            kwargs["content"] = json.dumps(kwargs.pop("json"))
            kwargs["headers"] = {"content-type": "application/json"}

        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=APP)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
                return await c.request(method, path, **kwargs)

        return asyncio.run(go())

    def get(self, path: str) -> httpx.Response:
        return self.request("GET", path)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)


CLIENT = _Client()


def _refusal(r: Any) -> str:
    assert r.status_code in (404, 405, 422), (r.status_code, r.text)
    text = (
        r.json()["detail"] if r.headers["content-type"].startswith("application/json") else r.text
    )
    assert isinstance(text, str) and JAPANESE.search(text), r.text
    for english in ENGLISH:
        assert english not in text, (english, text)
    return text


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=5,
)
PLAN_FIELDS = sorted(set(s.PlanRowEdit.model_fields) - {"month"})


@settings(max_examples=60)
@given(field=st.sampled_from(PLAN_FIELDS), value=JSON_VALUES)
def test_issue12_any_value_of_a_plan_cell_is_taken_or_refused_naming_its_label(
    field: str, value: Any
) -> None:
    body = {"base_revision_id": 1, "rows": [{"month": "2021-01", field: value}]}
    r = CLIENT.post("/api/plan", json=body)
    if r.status_code == 200:
        return
    text = _refusal(r)
    assert f"1行目の{field_label(field)}" in text, text


@settings(max_examples=60)
@given(field=st.sampled_from(sorted(s.MunicipalInputs.model_fields)), value=JSON_VALUES)
def test_issue12_any_value_of_an_input_is_taken_or_refused_naming_its_label(
    field: str, value: Any
) -> None:
    r = CLIENT.put("/api/inputs", json={"base_revision_id": None, "inputs": {field: value}})
    if r.status_code == 200:
        return
    assert input_label(field) in _refusal(r)


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/api/plan", {"base_revision_id": 1, "rows": [{"month": "x"}]}, "1行目の月（month）"),
        ("/api/plan", {"rows": []}, "base_revision_id: 指定してください"),
        ("/api/inputs", {"base_revision_id": None, "inputs": {"nope": 1}}, "この項目はありません"),
        (
            "/api/inputs",
            {"base_revision_id": None, "inputs": {"offsite_events": [{"month": "2021-01"}]}},
            "出張申請受付（offsite_events） 1件目の日数",
        ),
        ("/m/actuals", {"issued": -1}, "0 以上を指定してください（入力値「-1」）"),
    ],
)
def test_issue12_a_refused_body_names_the_field_and_what_to_give(
    path: str, body: dict[str, Any], expected: str
) -> None:
    r = CLIENT.request("PUT" if path == "/api/inputs" else "POST", path, json=body)
    assert expected in _refusal(r)


def test_issue12_broken_json_unknown_addresses_and_methods_are_japanese() -> None:
    broken = CLIENT.post(
        "/api/plan", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert "JSON の形が正しくありません" in _refusal(broken)
    assert _refusal(CLIENT.get("/api/nope")) == "見つかりません。"
    assert _refusal(CLIENT.get("/nope")) == "page: 見つかりません。"
    assert _refusal(CLIENT.get("/api/plan")) == "この操作はここではできません。"
    # A page's refusal is the error page (here: its stand-in), not JSON.
    page = CLIENT.post("/m/actuals", content=json.dumps({"issued": "x"}))
    assert page.text.startswith("page: ")
