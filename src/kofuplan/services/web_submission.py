"""R7.1: a prefecture's submission workbook (issue 5's `kofuplan excel prefecture` format),
made from the stored plans: the latest revision of every municipality that has one, with the
prefecture's checks. Built in memory from the checked plan table (no text, no temporary
files): the same contents the command line makes from the same plans
(:func:`kofuplan.domain.prefecture_book.prefecture_book`); the web route lays it out."""

from __future__ import annotations

import datetime as dt

from kofuplan.domain.prefecture_book import PrefectureBook, Today, prefecture_book
from kofuplan.errors import InputError
from kofuplan.services.ports import UnitOfWork
from kofuplan.services.review_checks import check_run


class NothingToSubmit(InputError):
    pass


def submission_book(uow: UnitOfWork, pref_code: str, made_on: dt.date) -> PrefectureBook:
    ms = list(uow.places.municipalities(pref_code))
    revisions = uow.plans.latest_revisions([m.lg_code for m in ms])
    with_plan = [m for m in ms if m.lg_code in revisions]
    if not with_plan:
        raise NothingToSubmit("計画のある市区町村がまだありません")
    tables = {m.lg_code: revisions[m.lg_code].table for m in with_plan}
    inputs = {lg: r.content for lg, r in uow.inputs.latest_inputs_of(tables).items()}
    run = check_run(with_plan, tables, inputs)
    assert run is not None
    p = run.profiles
    return prefecture_book(
        run.figures,
        pref_code,
        made_on,
        findings=run.findings,
        names={m.lg_code: m.name for m in with_plan},
        today={
            str(p.lg_code[i]): Today(
                int(p.dedicated_counters[i]), int(p.combined_counters[i]), int(p.staff[i])
            )
            for i in range(len(p))
        },
        promotions={str(p.lg_code[i]): p.promotion[i] for i in range(len(p))},
    )
