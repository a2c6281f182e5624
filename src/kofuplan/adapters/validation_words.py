"""Pydantic's refusals in Japanese, for the two shells that validate with it before our code
sees a value: Typer's option types (the CLI) and FastAPI's request bodies (the API).

Both used to pass pydantic's English on ("Input should be a valid integer"); the reason is
said here once from the error's type and context, never by translating its English text
(issue 12 item 4).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kofuplan.domain.labels import EVENT_PART_LABELS, INPUT_LABELS, field_label, input_label

__all__ = ["SHOWN_MAX", "body_message", "reason", "shown"]

SHOWN_MAX = 40

_REASONS = {
    "int_parsing": "整数を指定してください",
    "int_parsing_size": "整数を指定してください",
    "int_from_float": "整数を指定してください",
    "int_type": "整数を指定してください",
    "float_parsing": "数を指定してください",
    "float_type": "数を指定してください",
    "finite_number": "有限の数を指定してください",
    "greater_than_equal": "{ge} 以上を指定してください",
    "greater_than": "{gt} より大きい値を指定してください",
    "less_than_equal": "{le} 以下を指定してください",
    "less_than": "{lt} 未満を指定してください",
    "bool_parsing": "true か false を指定してください",
    "bool_type": "true か false を指定してください",
    "date_parsing": "日付（YYYY-MM-DD）を指定してください",
    "date_from_datetime_parsing": "日付（YYYY-MM-DD）を指定してください",
    "date_type": "日付（YYYY-MM-DD）を指定してください",
    "string_type": "文字列を指定してください",
    "string_pattern_mismatch": "形が正しくありません",
    "string_too_short": "{min_length} 文字以上にしてください",
    "string_too_long": "{max_length} 文字以内にしてください",
    "too_short": "{min_length} 件以上にしてください",
    "too_long": "{max_length} 件以内にしてください",
    "list_type": "並び（リスト）を指定してください",
    "dict_type": "項目と値の組を指定してください",
    "model_attributes_type": "項目と値の組を指定してください",
    "model_type": "項目と値の組を指定してください",
    "enum": "次のいずれかを指定してください: {expected}",
    "literal_error": "次のいずれかを指定してください: {expected}",
    "missing": "指定してください",
    "extra_forbidden": "この項目はありません",
    "json_invalid": "JSON の形が正しくありません",
    "json_type": "JSON の形が正しくありません",
}
_GENERIC = "値が正しくありません"
_PLACES = {"body", "query", "path", "header", "cookie", "form"}


def shown(value: Any) -> str:
    """A value as echoed in a refusal: at most :data:`SHOWN_MAX` characters."""
    text = str(value)
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX] + "…"


def reason(error: Mapping[str, Any], *, echo: bool = True) -> str:
    """What to give instead, for one pydantic error (``ValidationError.errors()`` item)."""
    template = _REASONS.get(str(error.get("type")), _GENERIC)
    context = {k: str(v).replace(" or ", "、") for k, v in (error.get("ctx") or {}).items()}
    try:
        said = template.format(**context)
    except (KeyError, IndexError):
        said = _GENERIC
    given = error.get("input")
    if not echo or given is None or error.get("type") in ("missing", "extra_forbidden"):
        return said
    if isinstance(given, Mapping | list | tuple):
        return said
    return f"{said}（入力値「{shown(given)}」）"


_WRAPPERS = {"rows": "行目", "inputs": ""}  # the body's lists and objects that hold fields


def _where(loc: Sequence[Any]) -> str:
    """``("body", "rows", 0, "issuance")`` as ``1行目の交付枚数（issuance）``: a plan's cell by
    its column's label, a municipality's input by the input's, an event's part by its own."""
    words: list[str] = []
    previous: Any = None
    inputs = "inputs" in loc
    for p in loc:
        if p in _PLACES or p in _WRAPPERS:
            pass
        elif isinstance(p, int):
            unit = _WRAPPERS.get(previous, "") or "件目"
            words.append(f" {p + 1}{unit}の")
        else:
            name = str(p)
            if "offsite_events" in loc and name in EVENT_PART_LABELS and words:
                words.append(EVENT_PART_LABELS[name])
            elif inputs and name in INPUT_LABELS:
                words.append(input_label(name))
            else:
                words.append(field_label(name))
        previous = p
    return "".join(words).strip().removesuffix("の")


def body_message(errors: Sequence[Mapping[str, Any]], limit: int = 5) -> str:
    """A request's refusals, one line each (at most ``limit``): the field as labelled, then
    what to give."""
    lines = []
    for error in errors[:limit]:
        where = _where(error.get("loc") or ())
        said = reason(error)
        lines.append(f"{where}: {said}" if where else said)
    if len(errors) > limit:
        lines.append(f"… ほかに {len(errors) - limit} 件あります")
    return "\n".join(lines) or "送信された内容を読めません"
