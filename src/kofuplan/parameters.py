"""Dated parameters: every rule value with its description, unit, source and start date.

Each YAML file in ``kofuplan/rules/`` holds named parameters, in the manner of OpenFisca::

    dedicated_daily_per_counter:
      description: 専用窓口1窓口1日当たりの交付枚数（既定値）
      unit: cards/counter/day
      source: 総行住第181号 記2(2); calibrated on ...
      type: number          # number | integer | fraction | text | date | month | mapping | list
      min: 1                # optional bounds for number, integer and fraction
      values:
        2020-10-01: 40

A parameter is addressed as ``<file stem>.<name>`` (``capacity.dedicated_daily_per_counter``)
and read at a day with ``load_rules().at(day)[key]``: the value whose start date is the latest
on or before that day. Loading fails with :class:`RuleError` naming the file and key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kofuplan.errors import RuleError

# libyaml's loader reads the rules about ten times faster than the pure-Python one (part of
# every command's start-up); both build the same values.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = ["Parameter", "RuleBook", "RuleError", "Snapshot", "load_rules"]

_TYPES = ("number", "integer", "fraction", "text", "date", "month", "mapping", "list")
_REQUIRED = ("description", "unit", "source", "values")


@dataclass(frozen=True)
class Parameter:
    key: str
    description: str
    unit: str
    source: str
    type: str
    values: tuple[tuple[dt.date, Any], ...]  # sorted by start date
    file: str

    def at(self, day: dt.date) -> Any:
        chosen: Any = None
        found = False
        for start, value in self.values:
            if start <= day:
                chosen, found = value, True
            else:
                break
        if not found:
            first = self.values[0][0]
            raise RuleError(f"{self.file}: {self.key}: no value holds on {day} (first is {first})")
        return chosen


@dataclass(frozen=True)
class Snapshot(Mapping[str, Any]):
    """All parameters as they hold on one day."""

    day: dt.date
    book: RuleBook

    def __getitem__(self, key: str) -> Any:
        return self.book.parameter(key).at(self.day)

    def __iter__(self) -> Iterator[str]:
        return iter(self.book.parameters)

    def __len__(self) -> int:
        return len(self.book.parameters)

    def source(self, key: str) -> str:
        """Where the value comes from: for tracing a figure back to its rule."""
        p = self.book.parameter(key)
        return f"{p.key} ({p.file}): {p.source}"


@dataclass(frozen=True)
class RuleBook:
    parameters: Mapping[str, Parameter]

    def at(self, day: dt.date) -> Snapshot:
        return Snapshot(day, self)

    def first_day(self, stem: str) -> dt.date:
        """The first day on which every rule of ``rules/<stem>.yaml`` holds."""
        starts = [p.values[0][0] for p in self.parameters.values() if p.file == f"{stem}.yaml"]
        if not starts:
            raise RuleError(f"no rules file {stem}.yaml")
        return max(starts)

    def parameter(self, key: str) -> Parameter:
        try:
            return self.parameters[key]
        except KeyError:
            raise RuleError(f"unknown parameter {key!r}") from None


def _parse_date(raw: object, where: str) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise RuleError(f"{where}: {raw!r} is not a date (YYYY-MM-DD)")


def _check_value(value: Any, spec: Mapping[str, Any], where: str) -> Any:
    kind = spec["type"]
    if kind in ("number", "integer", "fraction"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RuleError(f"{where}: {value!r} is not a number")
        if kind == "integer" and not isinstance(value, int):
            raise RuleError(f"{where}: {value!r} is not a whole number")
        low = spec.get("min", 0 if kind == "fraction" else None)
        high = spec.get("max", 1 if kind == "fraction" else None)
        if low is not None and value < low:
            raise RuleError(f"{where}: {value!r} is below the minimum {low}")
        if high is not None and value > high:
            raise RuleError(f"{where}: {value!r} is above the maximum {high}")
    elif kind == "text" and not isinstance(value, str):
        raise RuleError(f"{where}: {value!r} is not text")
    elif kind == "date":
        value = _parse_date(value, where)
    elif kind == "month":
        if not (isinstance(value, str) and len(value) == 7 and value[4] == "-"):
            raise RuleError(f"{where}: {value!r} is not a month (YYYY-MM)")
        _parse_date(value + "-01", where)
    elif kind == "mapping" and not isinstance(value, dict):
        raise RuleError(f"{where}: {value!r} is not a mapping")
    elif kind == "list" and not isinstance(value, list):
        raise RuleError(f"{where}: {value!r} is not a list")
    return value


def _load_file(path: Path) -> dict[str, Parameter]:
    stem = path.stem
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        raise RuleError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise RuleError(f"{path.name}: expected a mapping of parameter names")
    out: dict[str, Parameter] = {}
    for name, spec in data.items():
        where = f"{path.name}: {name}"
        if not isinstance(spec, dict):
            raise RuleError(f"{where}: expected a mapping with {', '.join(_REQUIRED)}")
        for field in _REQUIRED:
            if field not in spec or spec[field] in (None, ""):
                raise RuleError(f"{where}: missing {field}")
        spec.setdefault("type", "number")
        if spec["type"] not in _TYPES:
            raise RuleError(f"{where}: unknown type {spec['type']!r}")
        raw_values = spec["values"]
        if not isinstance(raw_values, dict) or not raw_values:
            raise RuleError(f"{where}: values must map start dates to values")
        values = sorted(
            (
                (
                    _parse_date(start, f"{where}: values"),
                    _check_value(v, spec, f"{where}: values[{start}]"),
                )
                for start, v in raw_values.items()
            ),
            key=lambda pair: pair[0],
        )
        key = f"{stem}.{name}"
        out[key] = Parameter(
            key=key,
            description=str(spec["description"]),
            unit=str(spec["unit"]),
            source=str(spec["source"]),
            type=str(spec["type"]),
            values=tuple(values),
            file=path.name,
        )
    return out


def load_rules(directory: Path | None = None) -> RuleBook:
    """Load every ``*.yaml`` in ``directory`` (by default the package's own ``rules/``)."""
    if directory is None:
        return _default_rules()
    params: dict[str, Parameter] = {}
    for path in sorted(directory.glob("*.yaml")):
        params.update(_load_file(path))
    return RuleBook(params)


@cache
def _default_rules() -> RuleBook:
    root = resources.files("kofuplan") / "rules"
    return load_rules(Path(str(root)))
