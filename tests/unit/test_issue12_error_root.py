"""One error root (issue 12 item 4): every error class of the package descends from
``KofuplanError``; the CLI and the app catch only that root. Anything else is a bug: the CLI
prints one short line and exits 70 (not 2, "your input"); the app logs it with a request id,
shows that id and answers 500."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
import pkgutil
from pathlib import Path

import httpx
import pytest

import kofuplan
from kofuplan.adapters.cli import followup_cmd
from kofuplan.adapters.memory import MemoryStorage
from kofuplan.adapters.web.app import create_app
from kofuplan.adapters.web.settings import Settings
from kofuplan.errors import InputError, KofuplanError

from ..cli_runner import run_cli, sample_stats


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(kofuplan.__path__, "kofuplan."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return names


def test_issue12_every_error_class_of_the_package_descends_from_kofuplan_error() -> None:
    outside = []
    for name in _modules():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                cls.__module__ == name
                and issubclass(cls, BaseException)
                and not issubclass(cls, KofuplanError)
            ):
                outside.append(f"{name}.{cls.__name__}")
    assert outside == []


def test_issue12_a_plain_value_error_inside_a_command_is_a_bug_exit_70_not_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, ``focus`` caught bare ValueError: a programming error read as "your input"."""
    stats, _ = sample_stats(tmp_path)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ValueError("an internal detail")

    monkeypatch.setattr(followup_cmd, "read_actuals", lambda *_a, **_k: None)
    monkeypatch.setattr(followup_cmd, "focus_for_months", broken)
    args = ["focus", "--stats", str(stats), "--month", "2020-09", "--out", str(tmp_path / "f.csv")]
    result = run_cli(*args)
    assert result.exit_code == 70
    assert "内部エラー" in result.stderr and "an internal detail" not in result.stderr
    assert "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if "エラー" in line]) == 1

    # The user's own mistake stays exit 2 with its message.
    def refused(*_args: object, **_kwargs: object) -> None:
        raise InputError("統計.csv:3: 団体区分（municipality_type）が不明です: 町村")

    monkeypatch.setattr(followup_cmd, "focus_for_months", refused)
    result = run_cli(*args)
    assert result.exit_code == 2 and "団体区分" in result.stderr


def test_issue12_the_app_answers_500_with_a_logged_request_id_for_a_bug(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(Settings(), MemoryStorage())

    async def bug() -> None:
        raise ZeroDivisionError("an internal detail")

    async def user() -> None:
        raise InputError("交付枚数: 数値で書いてください")

    app.add_api_route("/api/_bug", bug)
    app.add_api_route("/api/_user", user)

    async def get(path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get(path)

    with caplog.at_level(logging.ERROR, logger="kofuplan.web"):
        r = asyncio.run(get("/api/_bug"))
    assert r.status_code == 500
    detail = r.json()["detail"]
    assert "an internal detail" not in detail and "受付番号" in detail
    rid = detail.split("受付番号 ")[1].split(" ")[0]
    logged = [rec for rec in caplog.records if rid in rec.getMessage()]
    assert logged and logged[0].exc_info is not None  # the traceback is in the log
    r = asyncio.run(get("/api/_user"))
    assert r.status_code == 422 and r.json()["detail"] == "交付枚数: 数値で書いてください"
