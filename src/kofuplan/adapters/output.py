"""The one way kofuplan writes output files: whole or not at all.

Every file goes first to a hidden temporary name in its target's folder (so the final rename is
atomic on the same file system) and is renamed over the target only once complete. On any
failure, an interrupt included, the temporary is removed. A set of files (a plan folder, a
follow-up folder, a prefecture's workbooks) is staged whole before the first rename, so a bad
target found anywhere leaves every target untouched.

A place the user named that cannot hold the file (a folder where a file is expected, a file
where a folder is expected, no permission, a full disk) is an :class:`InputError` naming the
option and the path; replacing the command's own earlier output is fine.

Every CSV is written UTF-8 with a byte-order mark (:data:`CSV_ENCODING`): without it, Excel in
Japan opens the file as Shift-JIS and the Japanese is garbled. Text content for a ``.csv``
target gets the mark here; writers that stream a CSV themselves open it with
:data:`CSV_ENCODING`. Every reader of our CSVs reads ``utf-8-sig``, which takes the file with or
without the mark.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path

from kofuplan.errors import InputError

FOLDER_IN_THE_WAY = "同じ名前のフォルダがあるため、ファイルを書き込めません"
FILE_IN_THE_WAY = "同じ名前のファイルがあるため、フォルダとして使えません"

CSV_ENCODING = "utf-8-sig"
"""UTF-8 with a byte-order mark: what Excel in Japan opens as UTF-8 (issue 15, item 6)."""

Content = str | bytes | Callable[[Path], None]
"""Text (written as UTF-8; UTF-8 with a byte-order mark for a ``.csv``), bytes, or a function
that writes the file at the path it is given
(``workbook.save``, ``figure.savefig``)."""


def _reason(exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return FOLDER_IN_THE_WAY
    if isinstance(exc, NotADirectoryError | FileExistsError):
        return "途中に同じ名前のファイルがあるため、フォルダを作れません"
    if isinstance(exc, PermissionError):
        return "書き込む権限がありません"
    if exc.errno == errno.ENOSPC:
        return "ディスクの空きが足りません"
    if exc.errno == errno.EROFS:
        return "読み取り専用の場所です"
    if exc.errno == errno.ENAMETOOLONG:
        return "名前が長すぎます"
    return f"書き込めません（{exc.strerror or type(exc).__name__}）"


def place_error(label: str, path: Path, exc: OSError) -> InputError:
    return InputError(f"{label} {path}: {_reason(exc)}")


def ensure_folder(folder: Path, label: str = "--out") -> Path:
    """Create ``folder`` (and its parents) unless it exists; refuse a file in the way."""
    if folder.exists() and not folder.is_dir():
        raise InputError(
            f"{label} {folder}: 同じ名前のファイルがあるため、フォルダとして使えません"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise place_error(label, folder, exc) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"{label} {folder}: 書き込む権限がありません")
    return folder


def check_place(path: Path, label: str = "--out", *, folder: bool = False) -> None:
    """Refuse, before any work and without creating anything, a place that cannot take the
    output: ``path`` as a file (or as a folder with ``folder``), its parents created later."""
    if path.exists():
        if folder and not path.is_dir():
            raise InputError(f"{label} {path}: {FILE_IN_THE_WAY}")
        if not folder and path.is_dir():
            raise InputError(f"{label} {path}: {FOLDER_IN_THE_WAY}")
        if not os.access(path if folder else path.parent, os.W_OK):
            raise InputError(f"{label} {path}: 書き込む権限がありません")
        return
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"{label} {path}: {parent} {FILE_IN_THE_WAY}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"{label} {path}: {parent} に書き込む権限がありません")


def _check_target(target: Path, label: str) -> None:
    if target.is_dir():
        raise InputError(
            f"{label} {target}: 同じ名前のフォルダがあるため、ファイルを書き込めません"
        )
    ensure_folder(target.parent, label)


def _temporary(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")


def text_encoding(target: Path) -> str:
    """How text is encoded for ``target``: a CSV with a byte-order mark, anything else UTF-8."""
    return CSV_ENCODING if target.suffix.lower() == ".csv" else "utf-8"


def _fill(tmp: Path, target: Path, content: Content) -> None:
    if isinstance(content, str):
        with tmp.open("x", encoding=text_encoding(target), newline="") as handle:
            handle.write(content)
    elif isinstance(content, bytes):
        with tmp.open("xb") as handle:
            handle.write(content)
    else:
        content(tmp)


def write_files(files: Mapping[Path, Content], label: str = "--out") -> list[Path]:
    """Write every file or none; returns the targets written, in order."""
    for target in files:
        _check_target(target, label)
    staged: list[tuple[Path, Path]] = []
    try:
        for target, content in files.items():
            tmp = _temporary(target)
            staged.append((tmp, target))
            try:
                _fill(tmp, target, content)
            except OSError as exc:
                raise place_error(label, target, exc) from None
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    done: list[Path] = []
    try:
        for tmp, target in staged:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise _partial(label, target, exc, done) from None
            done.append(target)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return done


def _partial(label: str, target: Path, exc: OSError, done: list[Path]) -> InputError:
    message = f"{label} {target}: {_reason(exc)}"
    if done:
        message += f"（書き込み済み: {', '.join(str(p) for p in done)}）"
    return InputError(message)


def write_file(target: Path, content: Content, label: str = "--out") -> Path:
    """Write one file whole or not at all."""
    return write_files({target: content}, label)[0]
