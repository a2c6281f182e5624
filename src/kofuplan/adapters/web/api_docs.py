"""/docs: the API reference drawn from the OpenAPI description on the server. FastAPI's own
Swagger UI loads its scripts from a CDN, which closed local government networks cannot reach,
so it is switched off; the machine-readable description stays at /openapi.json."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kofuplan.adapters.web.deps import Public
from kofuplan.adapters.web.render import templates

router = APIRouter(include_in_schema=False)


def _schema_name(ref: dict[str, Any] | None) -> str:
    if not ref:
        return ""
    if "$ref" in ref:
        return str(ref["$ref"]).rsplit("/", 1)[-1]
    if ref.get("type") == "array":
        return f"list[{_schema_name(ref.get('items'))}]"
    return str(ref.get("type", ""))


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            responses = {
                code: _schema_name(r.get("content", {}).get("application/json", {}).get("schema"))
                for code, r in op.get("responses", {}).items()
            }
            out.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "parameters": [p["name"] for p in op.get("parameters", [])],
                    "body": _schema_name(body.get("schema")),
                    "responses": responses,
                }
            )
    return out


@router.get("/docs")
def api_reference(request: Request, who: Public) -> HTMLResponse:
    spec = request.app.openapi()
    return templates.TemplateResponse(
        request,
        "api_docs.html",
        {
            "who": who,
            "spec": spec,
            "operations": operations(spec),
            "schemas": spec.get("components", {}).get("schemas", {}),
        },
    )
