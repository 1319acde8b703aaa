"""Random registers: the reporter reads whatever a workbook holds, and counts every row it read.

Hypothesis writes workbooks with random sheets (register names, their English
aliases and anything else), random headers (real ones, aliases, noise) and
random cells of every kind a workbook holds: text with any character, numbers,
booleans, dates, date-times, blanks and formulas with cached values or errors.
Whatever it writes, reading it either works or is refused with the project's
InputError (exit 2, one line naming the file), and the rows reconcile: rows
read = rows clean + rows with findings, per sheet and in total (spec section 4).
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from reporter.cli import app
from reporter.engine import run_checks
from reporter.errors import InputError
from reporter.output.json_output import to_json
from reporter.platform import load_settings
from reporter.register.loader import load_register
from reporter.register.schema import SHEETS
from reporter.result import CheckResult
from tests.conftest import AS_OF

SETTINGS = load_settings()
EXCEL_ERRORS = ("#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!")

# 60 examples keep CI fast (a few seconds); REPORTER_PROPERTY_EXAMPLES=2000 searches harder.
EXAMPLES = int(os.environ.get("REPORTER_PROPERTY_EXAMPLES", "60"))
RANDOM_REGISTERS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- what a register can hold ----------------------------------------------------------

SHEET_NAMES = sorted({name for spec in SHEETS for name in (spec.ja, spec.en, *spec.aliases)})
HEADERS = sorted(
    {spelling for spec in SHEETS for column in spec.columns for spelling in column.spellings}
)
SPELLINGS_BY_SHEET_NAME = {
    name: sorted({spelling for column in spec.columns for spelling in column.spellings})
    for spec in SHEETS
    for name in (spec.ja, spec.en, *spec.aliases)
}
# Values the rules read: labels, codes and dates in every form, good and bad.
ENUM_VALUES = sorted(
    {
        value
        for spec in SHEETS
        for column in spec.columns
        if column.enum is not None
        for code, labels in column.enum.values.items()
        for value in (code, *labels)
    }
)
TYPED_VALUES = [
    *ENUM_VALUES,
    *("はい", "いいえ", "○", "×", "✓", "2026/11/22", "令和8年11月22日", "R8.11.31"),
    *("11/12/2026", "20261340", "2026-02-30", "*", "RNW007", "T-1", "K-1", "B0C1234XYZ"),
    *("Atzr|IwEBIexample", "a.pdf, b.exe", "  ", "\u3000"),
]

# Any character XML 1.0 can carry (xlsxwriter writes the controls as _xHHHH_).
ANY_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff"),
    max_size=40,
)
# Excel's rules for a sheet name: 31 UTF-16 units, none of []:*?/\ and no quote at the ends.
SHEET_NAME_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="[]:*?/\\'\ufffe\uffff"),
    min_size=1,
    max_size=31,
).filter(lambda name: name.strip() == name and len(name.encode("utf-16-le")) <= 62)

CELLS = st.one_of(
    st.none(),
    ANY_TEXT,
    st.sampled_from(TYPED_VALUES),
    st.sampled_from(HEADERS),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    # From 1904: a date before it has no serial in the 1904 date system.
    st.dates(min_value=date(1904, 1, 2), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1904, 1, 2), max_value=datetime(9999, 12, 31, 23, 59)),
    st.tuples(
        st.sampled_from(["=1+1", "=NA()", "=A1", '="K-"&ROW()', "=VLOOKUP(A2,Z:Z,2,FALSE)"]),
        st.one_of(st.sampled_from(EXCEL_ERRORS), st.integers(0, 99), ANY_TEXT),
    ),  # a formula and the value Excel saved for it
)


@st.composite
def sheets(draw: st.DrawFn) -> list[tuple[str, list[list[Any]]]]:
    """1 to 5 sheets: (name, rows), the header row somewhere in the top rows."""
    names = draw(
        st.lists(
            st.one_of(st.sampled_from(SHEET_NAMES), SHEET_NAME_TEXT),
            min_size=1,
            max_size=5,
            unique_by=str.casefold,  # Excel refuses two names that differ only in case
        )
    )
    result = []
    for name in names:
        width = draw(st.integers(1, 10))
        # Mostly the headers of the sheet the name stands for, so that tables are found.
        own = SPELLINGS_BY_SHEET_NAME.get(name, HEADERS)
        header = draw(
            st.lists(
                st.one_of(st.sampled_from(own), st.sampled_from(HEADERS), ANY_TEXT, st.none()),
                min_size=width,
                max_size=width,
            )
        )
        above = draw(st.lists(st.lists(CELLS, max_size=3), max_size=2))  # title and notes
        rows = draw(st.lists(st.lists(CELLS, max_size=width + 2), max_size=8))
        result.append((name, [*above, header, *rows]))
    return result


def write(path: Path, workbook_sheets: list[tuple[str, list[list[Any]]]], date1904: bool) -> Path:
    """Write the cells with their own types, never guessing (a text "=1" stays text)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_urls": False, "date_1904": date1904}
    )
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in workbook_sheets:
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, tuple):
                    sheet.write_formula(r, c, value[0], None, value[1])
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                elif isinstance(value, date):
                    sheet.write_datetime(r, c, value, date_format)
                else:
                    sheet.write_string(r, c, value)
    workbook.close()
    return path


# --- the properties --------------------------------------------------------------------


def assert_rows_reconcile(result: CheckResult) -> None:
    text = to_json(result, "ja", str(result.register.path))
    data = json.loads(text)  # serializable too
    # One finding per line, whatever the register's text holds (line breaks, quotes, commas).
    finding_lines = [line for line in text.splitlines() if line.startswith('    {"code": ')]
    assert [json.loads(line.rstrip(",")) for line in finding_lines] == data["findings"]
    rows = data["rows"]
    assert set(rows) == set(result.register.sheets)
    for key, count in rows.items():
        sheet = result.register.sheets[key]
        assert count["read"] == len(sheet.records)
        assert count["read"] == count["clean"] + count["with_findings"]
        assert 0 <= count["with_findings"] <= count["read"]
        flagged = {
            f["row"]
            for f in data["findings"]
            if f["sheet"] == key and f["row"] in {r.row for r in sheet.records}
        }
        assert count["with_findings"] == len(flagged)
        # Counted from the rows: a row is clean when no finding points at it.
        assert count["clean"] == sum(1 for r in sheet.records if r.row not in flagged)
    totals = {field: sum(c[field] for c in rows.values()) for field in ("read", "clean")}
    with_findings = sum(c["with_findings"] for c in rows.values())
    assert totals["read"] == totals["clean"] + with_findings


def assert_one_clear_line(error: InputError, path: Path) -> None:
    assert error.exit_code == 2
    for lang in ("ja", "en"):
        line = error.render(lang).strip()
        assert line and "\n" not in line
        assert str(path) in line


@RANDOM_REGISTERS
@given(workbook=sheets(), date1904=st.booleans())
def test_random_registers_read_and_reconcile(
    workbook: list[tuple[str, list[list[Any]]]], date1904: bool
) -> None:
    with TemporaryDirectory() as folder:
        path = write(Path(folder) / "register.xlsx", workbook, date1904)
        try:
            register = load_register(path)
        except InputError as error:
            event(f"refused: {error.key}")
            assert_one_clear_line(error, path)
            return
        event(f"read {len(register.sheets)} register sheet(s)")
        written_rows = {name: len(rows) for name, rows in workbook}
        for sheet in register.sheets.values():
            assert len(sheet.records) <= written_rows[sheet.name]
            assert all(1 <= record.row <= written_rows[sheet.name] for record in sheet.records)
        result = run_checks(register, AS_OF, SETTINGS)
        event(f"rows read: {min(sum(c.read for c in result.rows.values()), 5)}+")
        event(f"findings: {'some' if result.findings else 'none'}")
        assert_rows_reconcile(result)


@settings(
    max_examples=max(10, EXAMPLES // 6),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(workbook=sheets())
def test_random_registers_through_the_command(workbook: list[tuple[str, list[list[Any]]]]) -> None:
    with TemporaryDirectory() as folder:
        path = write(Path(folder) / "台帳.xlsx", workbook, date1904=False)
        result = CliRunner().invoke(
            app, ["check", str(path), "--as-of", AS_OF.isoformat(), "--json"]
        )
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        if result.exit_code == 2:
            lines = [line for line in result.output.splitlines() if line.strip()]
            assert len(lines) == 1 and str(path) in lines[0], result.output
            return
        assert result.exit_code in (0, 1), result.output
        data = json.loads(result.stdout)
        for count in data["rows"].values():
            assert count["read"] == count["clean"] + count["with_findings"]
        errors = [f for f in data["findings"] if f["severity"] == "error" and not f["excepted"]]
        assert result.exit_code == (1 if errors else 0)
