"""A static, self-contained HTML report of a prefecture or of the nation: the same templates as
the pages, with the stylesheet inlined and the charts as inline SVG, so one file can be mailed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

from kofuplan.adapters.output import write_file
from kofuplan.adapters.web.pages import nation_context, prefecture_context
from kofuplan.adapters.web.render import STATIC, templates
from kofuplan.errors import InputError
from kofuplan.services.ports import Storage


class ReportError(InputError):
    pass


def render_report(db: Storage, pref_code: str | None) -> str:
    with db.unit_of_work() as uow:
        if pref_code is not None:
            p = uow.places.prefecture(pref_code)
            if p is None:
                raise ReportError(f"--pref: no prefecture {pref_code!r} in the database")
            context = prefecture_context(uow, p)
            name = "prefecture.html"
        else:
            if not uow.places.prefectures():
                raise ReportError("the database is empty (run `kofuplan db load-stats`)")
            context = nation_context(uow)
            name = "nation.html"
        context.update(
            who=None,
            report=True,
            generated_at=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            message=None,
            error=None,
            inline_css=(STATIC / "style.css").read_text(encoding="utf-8"),
            request=SimpleNamespace(state=SimpleNamespace(csrf_token="")),
        )
        return templates.get_template(name).render(context)


def write_report(db: Storage, out: Path, pref_code: str | None) -> None:
    html = render_report(db, pref_code)
    write_file(out, html)
