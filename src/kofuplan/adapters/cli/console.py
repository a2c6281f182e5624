"""What a command prints besides its result: progress on stderr, and the final summary.

On a terminal, progress is a rich bar with counts, elapsed time and time left. When stderr is
a file or a pipe (``kofuplan plan > log 2>&1``), the same progress is plain one-line text, a
line per step and at most one every few seconds within a step, so a log stays readable.
``--quiet`` silences everything but errors.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

PLAIN_EVERY_SECONDS = 5.0


@dataclass
class Settings:
    quiet: bool = False


settings = Settings()


def stdout() -> Console:
    return Console(soft_wrap=True, highlight=False, quiet=settings.quiet)


def stderr() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False, quiet=settings.quiet)


def say(message: str) -> None:
    """One line of the result on stdout (silenced by --quiet)."""
    if not settings.quiet:
        sys.stdout.write(message + "\n")
        sys.stdout.flush()


def written_to(paths: Sequence[Path | str], what: str = "出力") -> None:
    """The final summary: what was written where."""
    say(f"{what}: {', '.join(str(p) for p in paths)}")


class Steps:
    """Progress of one command: named steps, each optionally counted (items of ``total``)."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self._task: TaskID | None = None
        self._name = ""
        self._total: int | None = None
        self._done = 0
        self._started = time.monotonic()
        self._step_started = self._started
        self._last_line = 0.0

    def step(self, name: str, total: int | None = None) -> None:
        """Begin a step; ``total`` counts its items when it has any."""
        self._name, self._total, self._done = name, total, 0
        self._step_started = time.monotonic()
        if self._progress is not None:
            if self._task is not None:
                self._progress.remove_task(self._task)
            self._task = self._progress.add_task(name, total=total)
        else:
            counted = f"（{total:,} 件）" if total else ""
            self._line(f"{name}{counted} …")

    def advance(self, n: int = 1) -> None:
        self._done += n
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, n)
            return
        now = time.monotonic()
        if self._total and now - self._last_line >= PLAIN_EVERY_SECONDS:
            spent = now - self._step_started
            left = spent / self._done * (self._total - self._done) if self._done else 0.0
            self._line(
                f"{self._name} {self._done:,}/{self._total:,}"
                f"（{100 * self._done // self._total}%、残り約 {left:,.0f} 秒）"
            )

    def _line(self, text: str) -> None:
        if settings.quiet:
            return
        self._last_line = time.monotonic()
        spent = self._last_line - self._started
        sys.stderr.write(f"[{spent:6.1f}s] {text}\n")
        sys.stderr.flush()


@contextmanager
def steps() -> Iterator[Steps]:
    """Progress for one command, fitted to where stderr goes."""
    console = stderr()
    if settings.quiet or not console.is_terminal:
        yield Steps(None)
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("残り"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        yield Steps(progress)
