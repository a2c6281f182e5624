"""利用の手引き: one guide per role, written in Markdown next to this module (``help/``),
served by the app and linked from every page. The screenshots in it are taken by the browser
tests (tests/e2e/test_guide.py), so the guide shows the pages as they are; ``docs/ja/`` holds
the same text (``docs_text``), which a unit test keeps equal."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from kofuplan.adapters.web.deps import Public
from kofuplan.adapters.web.render import templates
from kofuplan.services.access import ROLE_LABELS

GUIDES = Path(__file__).with_name("help")
SCREENSHOTS = Path(__file__).with_name("static") / "help"
GuideRole = Literal["municipality", "prefecture", "ministry"]

router = APIRouter(include_in_schema=False)


def guide_text(role: str) -> str:
    return (GUIDES / f"{role}.md").read_text(encoding="utf-8")


def docs_text(role: str) -> str:
    """The guide as kept in docs/ja/: the screenshots by their path in the repository."""
    return guide_text(role).replace(
        "](/static/help/", "](../../src/kofuplan/adapters/web/static/help/"
    )


@cache
def guide_html(role: str) -> Markup:
    from markdown_it import MarkdownIt  # only when a guide is first shown

    # No raw HTML in the guides: the text is ours, but the page's policy allows no inline code.
    return Markup(MarkdownIt("commonmark", {"html": False}).render(guide_text(role)))


@router.get("/help")
def help_index(who: Public) -> Response:
    return RedirectResponse(f"/help/{who.role if who else 'municipality'}", status_code=303)


@router.get("/help/{role}")
def help_page(request: Request, role: GuideRole, who: Public) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "help.html",
        {
            "who": who,
            "role": role,
            "guide": guide_html(role),
            "others": {r: ROLE_LABELS[r] for r in ROLE_LABELS if r != role},
        },
    )
