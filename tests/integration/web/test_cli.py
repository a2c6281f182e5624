"""`kofuplan db …`, `users add`, `report` and `serve` (issue 6 §1, §3, §6)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from kofuplan.adapters.cli import app, commands
from kofuplan.adapters.plan_csv import write_plan
from kofuplan.adapters.stats_csv import StatsFiles
from kofuplan.adapters.storage.db import Database
from kofuplan.adapters.web.sample import AS_OF, seed, write_sample_stats
from kofuplan.services.plan_rows import revision_rows
from kofuplan.services.planning import run_plan

commands.load()  # registers every command
runner = CliRunner()


def kofuplan(*args: str, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_R6_db_init_and_load_stats_create_every_municipality_and_its_baseline(
    long_stats: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    assert kofuplan("db", "init", "--database-url", url)[0] == 0
    code, out = kofuplan(
        "db", "load-stats", str(long_stats), "--as-of", "2020-10-01", "--database-url", url
    )
    assert code == 0, out
    assert "1741" in out
    db = Database(url)
    with db.unit_of_work() as uow:
        assert len(uow.places.municipalities()) == 1741
        assert len(uow.places.prefectures()) == 47
        sapporo = uow.places.municipality("011002")
        assert sapporo is not None and sapporo.pref_code == "01"
        assert 0 < sapporo.cards_issued_baseline < sapporo.population
    db.dispose()
    # Loading again updates in place rather than failing or duplicating.
    assert (
        kofuplan(
            "db", "load-stats", str(long_stats), "--as-of", "2020-10-01", "--database-url", url
        )[0]
        == 0
    )


def test_R6_db_commands_name_bad_input_without_a_traceback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    code, out = kofuplan(
        "db",
        "load-stats",
        str(tmp_path / "nope.csv"),
        "--as-of",
        "2020-10-01",
        "--database-url",
        url,
    )
    assert code == 2 and "nope.csv" in out and "Traceback" not in out
    code, out = kofuplan(
        "db", "load-stats", "x.csv", "--as-of", "2020-13-01", "--database-url", url
    )
    assert code == 2 and "--as-of" in out
    bad = tmp_path / "bad_plan.csv"
    bad.write_text("lg_code,month\n011002,2020-10\n", encoding="utf-8")
    code, out = kofuplan("db", "load-plan", str(bad), "--database-url", url)
    assert code == 2 and "issuance" in out and "bad_plan.csv" in out


def test_R6_users_add_takes_the_password_from_a_file_or_stdin_and_checks_the_role(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    seed(Database(url), per_prefecture=1, password="whatever-123", with_actuals=False)
    db = Database(url)
    with db.unit_of_work() as uow:
        lg = uow.places.municipalities()[0].lg_code
    db.dispose()
    pw = tmp_path / "pw.txt"
    pw.write_text("a-long-password\n", encoding="utf-8")
    ok = kofuplan("users", "add", "--role", "municipality", "--lg-code", lg, "--login", "clerk",
                  "--password-file", str(pw), "--database-url", url)  # fmt: skip
    assert ok[0] == 0, ok[1]
    assert kofuplan("users", "add", "--role", "prefecture", "--pref", "01", "--login", "pref-a",
                    "--database-url", url, input="another-long-one\n")[0] == 0  # fmt: skip
    failures = {
        "role": ["--role", "mayor", "--login", "x1"],
        "lg-code": ["--role", "municipality", "--lg-code", "011001", "--login", "x2"],
        "pref": ["--role", "prefecture", "--pref", "99", "--login", "x3"],
        "すでに使われています": ["--role", "ministry", "--login", "clerk"],
    }
    for expected, args in failures.items():
        code, out = kofuplan(
            "users", "add", *args, "--password-file", str(pw), "--database-url", url
        )
        assert code == 2 and expected in out, (expected, out)
    short = tmp_path / "short.txt"
    short.write_text("short\n", encoding="utf-8")
    code, out = kofuplan("users", "add", "--role", "ministry", "--login", "m2",
                         "--password-file", str(short), "--database-url", url)  # fmt: skip
    assert code == 2 and "文字以上" in out


def test_R6_issue12_users_add_refuses_a_missing_code_before_creating_the_database(
    tmp_path: Path,
) -> None:
    """What needs no database (the role's code, the password's length) is refused before
    the database file is opened or created: nothing is written."""
    pw = tmp_path / "pw.txt"
    pw.write_text("a-long-password\n", encoding="utf-8")
    short = tmp_path / "short.txt"
    short.write_text("short\n", encoding="utf-8")
    cases = {
        "--pref": ["--role", "prefecture", "--password-file", str(pw)],
        "--lg-code": ["--role", "municipality", "--password-file", str(pw)],
        "文字以上": ["--role", "ministry", "--password-file", str(short)],
    }
    for expected, args in cases.items():
        file = tmp_path / f"never{len(expected)}.sqlite3"
        code, out = kofuplan(
            "users", "add", *args, "--login", "x", "--database-url", f"sqlite:///{file}"
        )
        assert code == 2 and expected in out, (expected, out)
        assert not file.exists()


def test_R6_db_load_plan_stores_the_engines_plan_as_a_new_revision_each_time(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    stats = tmp_path / "stats.csv"
    write_sample_stats(stats, 1, np.random.default_rng(1))
    run = run_plan(StatsFiles(stats), AS_OF)
    write_plan(tmp_path / "out", run.plan, run.params, AS_OF.isoformat(), sample=True)
    plan_csv = tmp_path / "out" / "plan_monthly.csv"
    assert (
        kofuplan("db", "load-stats", str(stats), "--as-of", "2020-10-01", "--database-url", url)[0]
        == 0
    )
    for expected_seq in (1, 2):
        code, out = kofuplan("db", "load-plan", str(plan_csv), "--database-url", url)
        assert code == 0 and "47" in out, out
        db = Database(url)
        with db.unit_of_work() as uow:
            revisions = uow.plans.latest_revisions()
            assert len(revisions) == 47
            assert {r.seq for r in revisions.values()} == {expected_seq}
            r = next(iter(revisions.values()))
            assert len(revision_rows(r)) == 30 and revision_rows(r)[0]["month"] == "2020-10"
        db.dispose()


def test_R6_report_is_one_self_contained_html_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    seed(Database(url), per_prefecture=1, password="whatever-123")
    for args, name in ((["--pref", "13"], "pref.html"), (["--nation"], "nation.html")):
        out = tmp_path / "reports" / name
        code, text = kofuplan("report", *args, "--out", str(out), "--database-url", url)
        assert code == 0, text
        html = out.read_text(encoding="utf-8")
        assert "<svg" in html and "<style>" in html
        assert re.findall(r'(?:src|href)="[^"#]*"', html) == []  # nothing to fetch, no links
    assert "東京都" in (tmp_path / "reports" / "pref.html").read_text(encoding="utf-8")
    assert kofuplan("report", "--out", str(tmp_path / "x.html"), "--database-url", url)[0] == 2
    code, text = kofuplan(
        "report", "--pref", "99", "--out", str(tmp_path / "y.html"), "--database-url", url
    )
    assert code == 2 and "99" in text and not (tmp_path / "y.html").exists()


def test_R6_serve_refuses_the_default_secret_in_production(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KOFUPLAN_ENVIRONMENT", "production")
    monkeypatch.delenv("KOFUPLAN_SECRET_KEY", raising=False)
    code, out = kofuplan("serve", "--port", "1")
    assert code == 2 and "KOFUPLAN_SECRET_KEY" in out


def test_R6_demo_database_has_sample_accounts_and_says_how_to_sign_in(tmp_path: Path) -> None:
    from kofuplan.adapters.web.server import demo_database, sign_in_help

    db, accounts = demo_database(tmp_path)
    text = sign_in_help("127.0.0.1", 8000, accounts)
    assert accounts.password in text and "http://127.0.0.1:8000/" in text
    assert accounts.ministry in text and "pref" in text
    with db.unit_of_work() as uow:
        assert len(uow.places.prefectures()) == 47
        assert all(m.name.startswith("サンプル") for m in uow.places.municipalities())
        assert len(uow.plans.latest_revisions()) == len(accounts.municipalities)
    db.dispose()
