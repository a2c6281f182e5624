"""Refuse a file before any spreadsheet parser sees it: too big, not a workbook, encrypted,
or a zip bomb. Limits come from ``rules/excel.yaml``."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kofuplan.adapters.excel.errors import file_error
from kofuplan.domain.rule_values import ExcelRules
from kofuplan.parameters import Snapshot

ZIP_MAGIC = b"PK\x03\x04"
# OLE2 compound file: Excel 97-2003 (.xls), or an Office file encrypted with a password,
# which Office stores as a compound file with "EncryptionInfo" and "EncryptedPackage" streams.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
ODS_PARTS = ("mimetype", "content.xml")  # an OpenDocument spreadsheet (LibreOffice)


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_uncompressed_bytes: int
    max_compression_ratio: float
    max_zip_members: int
    max_budget_rows: int
    max_event_rows: int

    @classmethod
    def from_rules(cls, rules: Snapshot) -> Limits:
        excel = ExcelRules.from_rules(rules)
        return cls(
            max_file_bytes=excel.max_file_bytes,
            max_uncompressed_bytes=excel.max_uncompressed_bytes,
            max_compression_ratio=excel.max_compression_ratio,
            max_zip_members=excel.max_zip_members,
            max_budget_rows=excel.max_budget_rows,
            max_event_rows=excel.max_event_rows,
        )


def check_container(path: Path, label: str, limits: Limits) -> None:
    """Raise :class:`WorkbookError` unless ``path`` is a workbook calamine may open: an .xlsx
    (or .xlsm) zip, an .ods zip, or an unencrypted Excel 97-2003 (.xls) file, within the
    limits."""
    with open_container(path, label, limits):
        pass


@contextmanager
def open_container(path: Path, label: str, limits: Limits) -> Iterator[zipfile.ZipFile | None]:
    """:func:`check_container`, giving the checked zip (an .xlsx or .ods) open for reading,
    or None (an .xls): the zip's directory is read once for the checks and the reading."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
            is_ole = head == OLE_MAGIC
            # Only an OLE file is scanned for the stream name, and only within the size limit.
            body = fh.read(limits.max_file_bytes) if is_ole else b""
    except OSError as exc:
        raise file_error(
            label, f"ファイルを開けません（{exc.strerror}）", f"cannot be read: {exc.strerror}"
        ) from None
    if size > limits.max_file_bytes:
        raise file_error(
            label,
            f"ファイルが大きすぎます（{size:,}バイト、上限は{limits.max_file_bytes:,}バイト）。"
            "配布された様式に入力して提出してください",
            f"the file is too large ({size:,} bytes; the limit is {limits.max_file_bytes:,})",
        )
    if is_ole:
        if ENCRYPTED_STREAM in body:
            raise file_error(
                label,
                "パスワードで保護されたブックです。パスワードを解除して"
                "（ファイル > 情報 > ブックの保護 > パスワードを使用して暗号化）、"
                "もう一度提出してください",
                "the workbook is password-protected; remove the password "
                "(ファイル > 情報 > ブックの保護 > パスワードを使用して暗号化) and send it again",
            )
        yield None  # an Excel 97-2003 (.xls) workbook: calamine reads it
        return
    if head[:4] != ZIP_MAGIC:
        raise file_error(
            label,
            "Excelのブック（.xlsx・.xls）またはODS形式のファイルではありません",
            "not an Excel workbook (.xlsx, .xls) or an OpenDocument spreadsheet (.ods)",
        )
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise file_error(
            label,
            f"壊れたファイルです（{exc}）。様式を開き直して保存し、もう一度提出してください",
            f"a damaged workbook (the zip container is broken: {exc})",
        ) from None
    with zf:
        _check_members(zf.infolist(), label, limits)
        yield zf


def _check_members(members: list[zipfile.ZipInfo], label: str, limits: Limits) -> None:
    if len(members) > limits.max_zip_members:
        raise file_error(
            label,
            f"ファイルの構成部品が多すぎます（{len(members):,}個、上限は{limits.max_zip_members:,}個）",
            f"the workbook has {len(members):,} parts (the limit is {limits.max_zip_members:,})",
        )
    names = {m.filename for m in members}
    if not any(all(p in names for p in parts) for parts in (REQUIRED_PARTS, ODS_PARTS)):
        missing = [p for p in REQUIRED_PARTS if p not in names]
        raise file_error(
            label,
            "Excelのブック（.xlsx）ではありません（必要な部品がありません）",
            f"not an Excel workbook (.xlsx): the zip has no {', '.join(missing)}",
        )
    total = 0
    for m in members:
        if m.flag_bits & 0x1:
            raise file_error(
                label,
                "パスワードで保護されたブックです。パスワードを解除して、もう一度提出してください",
                f"the workbook is password-protected ({m.filename})",
            )
        total += m.file_size
        ratio = m.file_size / max(m.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            raise file_error(
                label,
                f"展開すると{ratio:,.0f}倍に膨らむ部品があります（上限は"
                f"{limits.max_compression_ratio:,.0f}倍）。不正なファイルのおそれがあるため読み込みません",
                f"{m.filename} expands {ratio:,.0f}-fold (the limit is "
                f"{limits.max_compression_ratio:,.0f}): refused as a possible zip bomb",
            )
    if total > limits.max_uncompressed_bytes:
        raise file_error(
            label,
            f"展開すると{total:,}バイトになります（上限は{limits.max_uncompressed_bytes:,}バイト）。"
            "不正なファイルのおそれがあるため読み込みません",
            f"the workbook expands to {total:,} bytes (the limit is "
            f"{limits.max_uncompressed_bytes:,}): refused as a possible zip bomb",
        )
