"""Click's own refusals in Japanese: a missing or unknown option, a value of the wrong type, a
path that does not exist, an unknown command (issue 12 item 4).

Typer (through its vendored Click) words these in English ("Missing option", "Invalid value
for …", "No such option"). :func:`usage_message` says the same in Japanese from the error's
fields (the option, the parameter's type, the pydantic validation error behind a bad value,
worded by :mod:`kofuplan.adapters.validation_words` as the API's are),
never by translating the English text, except for the few refusals that carry nothing else.
:class:`kofuplan.adapters.cli.KofuplanGroup` prints the result on one line, as every other
refusal.
"""

from __future__ import annotations

import re
from difflib import get_close_matches

# Typer vendors Click; its exception classes are only exported from here (pinned in uv.lock;
# tests/unit/test_issue12_cli_usage_japanese.py fails if an upgrade moves them).
from typer._click import exceptions as click_errors

from kofuplan.adapters.validation_words import reason, shown

__all__ = ["is_help", "usage_message"]

HELP_HINT = "（--help で使い方を表示します）"

# Path checks carry only their English text: (kind, shown path, what is wrong).
_PATH = re.compile(
    r"^(file|directory|path) '(.*)' (does not exist|is a file|is a directory|is not readable"
    r"|is not writable)\.$",
    re.DOTALL,
)
_KINDS = {"file": "ファイル", "directory": "フォルダ", "path": "パス"}
_PATH_REASONS = {
    "does not exist": "が見つかりません",
    "is a file": "はファイルです（フォルダを指定してください）",
    "is a directory": "はフォルダです（ファイルを指定してください）",
    "is not readable": "を読めません",
    "is not writable": "に書き込めません",
}
_NO_COMMAND = re.compile(r"^No such command (['\"])(.*)\1\.", re.DOTALL)
_EXTRA = re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$", re.DOTALL)
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def is_help(exc: BaseException) -> bool:
    """A command group called without a command shows its help: not an error to translate."""
    return isinstance(exc, click_errors.NoArgsIsHelpError)


def _hint(exc: click_errors.BadParameter) -> str:
    """The option as typed (``--per-day``, ``--as-of``) or the argument's name."""
    if exc.param_hint is not None:
        hints = [exc.param_hint] if isinstance(exc.param_hint, str) else list(exc.param_hint)
        return " / ".join(h.strip("'\"") for h in hints)
    param = exc.param
    if param is None:
        return ""
    opts = list(getattr(param, "opts", None) or ())
    if getattr(param, "param_type_name", "") == "option" and opts:
        return " / ".join(opts)
    return f"引数 {(param.name or '').upper()}"


def _bad_value_reason(exc: click_errors.BadParameter) -> str:
    errors = getattr(exc.__cause__, "errors", None)  # the pydantic error behind a bad value
    if callable(errors) and (found := errors()):
        return reason(found[0])
    message = exc.message
    if match := _PATH.match(message):
        kind, path, what = match.groups()
        return f"{_KINDS[kind]}「{shown(path)}」{_PATH_REASONS[what]}"
    if _JAPANESE.search(message):  # our own refusal, already Japanese
        return message
    return "値が正しくありません"


def _usage_reason(exc: click_errors.UsageError) -> str:
    message = exc.message
    if match := _NO_COMMAND.match(message):
        name = match.group(2)
        text = f"コマンド「{shown(name)}」はありません"
        group = exc.ctx.command if exc.ctx is not None else None
        names = list(getattr(group, "commands", {}) or {})
        near = get_close_matches(name, names)
        if near:
            text += f"（近いもの: {'、'.join(near)}）"
        return text + HELP_HINT
    if match := _EXTRA.match(message):
        return f"余分な引数があります: 「{shown(match.group(1))}」{HELP_HINT}"
    if message.startswith("Missing command"):
        return f"コマンドを指定してください{HELP_HINT}"
    if _JAPANESE.search(message):
        return message
    return f"コマンドの指定が正しくありません{HELP_HINT}"


def usage_message(exc: BaseException) -> str:
    """The Japanese line for one of Click's refusals (``exc`` a Typer/Click exception)."""
    if isinstance(exc, click_errors.MissingParameter):
        hint = _hint(exc)
        return f"{hint} を指定してください" if hint else "必要な指定がありません"
    if isinstance(exc, click_errors.BadParameter):
        hint = _hint(exc)
        reason = _bad_value_reason(exc)
        return f"{hint}: {reason}" if hint else reason
    if isinstance(exc, click_errors.NoSuchOption):
        text = f"オプション {shown(exc.option_name)} はありません"
        if exc.possibilities:
            text += f"（近いもの: {'、'.join(sorted(exc.possibilities))}）"
        return text + HELP_HINT
    if isinstance(exc, click_errors.BadOptionUsage):
        option = shown(exc.option_name)
        if "requires" in exc.message:
            return f"{option} の後に値を指定してください"
        if "does not take a value" in exc.message:
            return f"{option} には値を付けられません"
        return f"{option} の指定が正しくありません{HELP_HINT}"
    if isinstance(exc, click_errors.UsageError):
        return _usage_reason(exc)
    if isinstance(exc, click_errors.FileError):
        return f"ファイル「{shown(exc.ui_filename)}」を開けません"
    message = getattr(exc, "message", str(exc))
    return message if _JAPANESE.search(message) else "コマンドを実行できません"
