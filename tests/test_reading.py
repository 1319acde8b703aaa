"""Reading the register: the hash of the bytes read, and files the reader only partly understands."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import reporter
from reporter.errors import InputError
from reporter.register import loader
from reporter.register.loader import load_register
from tests.conftest import AS_OF, HEADERS, write_workbook


def _register(path: Path, key_id: str) -> Path:
    sheets: dict[str, list[list[Any]]] = {name: [headers] for name, headers in HEADERS.items()}
    sheets["キー"].append([key_id, "その他", None, None, None, "有効", "佐藤", "鈴木"])
    return write_workbook(path, sheets)


def _summary_sha256(report: Path) -> str:
    sheet = openpyxl.load_workbook(report)["概要"]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == "SHA-256":
                return str(sheet.cell(cell.row, cell.column + 1).value)
    raise AssertionError("no SHA-256 on the Summary")


def test_the_summary_hash_is_of_the_register_read_not_the_file_at_report_time(
    tmp_path: Path,
) -> None:
    register = _register(tmp_path / "台帳.xlsx", "K-1")
    original = hashlib.sha256(register.read_bytes()).hexdigest()
    result = reporter.check(register, as_of=AS_OF)
    # Edited (or replaced by a sync) between check() and monthly_report().
    os.replace(_register(tmp_path / "edited.xlsx", "K-2-EDITED"), register)
    assert hashlib.sha256(register.read_bytes()).hexdigest() != original

    outcome = reporter.monthly_report(result, tmp_path / "out", calendar=False)

    assert _summary_sha256(outcome.path) == original
    assert result.register.sha256 == original


def test_a_register_replaced_while_it_is_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register = _register(tmp_path / "台帳.xlsx", "K-1")
    other = _register(tmp_path / "other.xlsx", "K-2")
    read_workbook: Callable[..., Any] = loader._read_workbook

    def replaced_midway(*args: Any, **kwargs: Any) -> Any:
        read = read_workbook(*args, **kwargs)
        os.replace(other, register)  # a shared folder's sync lands during the read
        return read

    monkeypatch.setattr(loader, "_read_workbook", replaced_midway)
    with pytest.raises(InputError) as refused:
        load_register(register)
    assert refused.value.key == "register_changed_while_read"
    assert "台帳.xlsx" in refused.value.render("ja")
