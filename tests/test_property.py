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


# --- values at the edge, in every column and every option ------------------------------

# Dates and numbers at and past the limits of reporter/limits.py, and strings that are
# neither: each must end as a finding on its cell, or as one line and exit 2.
EXTREME_TEXT = st.sampled_from(
    [
        *("9999/12/31", "9999-12-31", "0001/01/01", "0001-01-01", "99991231", "00010101"),
        *("2999/12/31", "3000/01/01", "1899/12/31", "1900/01/01", "令和99年12月31日"),
        *("明治1年1月25日", "R99.12.31", "H0.1.1", "令和元年13月1日", "0000-00-00"),
        *("1e308", "-1e308", "inf", "nan", "99999999", "1000000000000", "1" * 400, "-1"),
        *("３６５１日", "3650日", "²", "٣", "0x10", "1_000", "\x00", "\u202e1\u202c", "=1+1"),
        "a" * 5000,
    ]
)
EXTREME_DATES = st.one_of(
    st.sampled_from([date(1900, 1, 1), date(2999, 12, 31), date(3000, 1, 1), date(9999, 12, 31)]),
    st.dates(min_value=date(1904, 1, 2), max_value=date(9999, 12, 31)),
)
EXTREME_NUMBERS = st.one_of(
    st.sampled_from([1e308, -1e308, 1.7976931348623157e308, 5e-324, 2**63, -(2**63)]),
    st.sampled_from([99999999, 10**12, 3650, 3651, -1, 0, 0.5, 20000, 80000, 29991231]),
    st.floats(allow_nan=False, allow_infinity=False),
)
EXTREME_CELLS = st.one_of(
    EXTREME_TEXT, EXTREME_DATES, EXTREME_NUMBERS, st.sampled_from(TYPED_VALUES), ANY_TEXT
)


@st.composite
def extreme_registers(draw: st.DrawFn) -> list[tuple[str, list[list[Any]]]]:
    """Every register sheet with every column, one to three rows of extreme values."""
    result = []
    for spec in SHEETS:
        header = [column.ja for column in spec.columns]
        rows = draw(
            st.lists(
                st.lists(EXTREME_CELLS, min_size=len(header), max_size=len(header)),
                min_size=1,
                max_size=3,
            )
        )
        result.append((spec.ja, [header, *rows]))
    return result


EXTREME_AS_OF = st.one_of(
    st.dates().map(date.isoformat),
    st.sampled_from(["9999-12-20", "0001-01-01", "2999-12-31", "1900-01-01", "3000-01-01"]),
    st.sampled_from(["", "令和8年11月30日", "99991231", "1e308", "11/12/2026", "\x1b[2J"]),
)
EXTREME_INTEGERS = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, 3650, 3651, 3000000, -1, 65535, 65536]),
)
EXTREME_STRINGS = st.one_of(EXTREME_TEXT, ANY_TEXT)


def toml_value(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string (or a parse error)
    return str(value)


@st.composite
def extreme_configs(draw: st.DrawFn) -> str:
    """A config with some of its keys at the edge: windows, port, paths, *_env, owners."""
    lines: list[str] = []
    for key in ("output_dir", "register"):
        if draw(st.booleans()):
            lines.append(f"{key} = {toml_value(draw(EXTREME_STRINGS))}")
    lines.append("[windows]")
    for key in ("renewal_warning_days", "reply_days"):
        if draw(st.booleans()):
            lines.append(f"{key} = {draw(EXTREME_INTEGERS)}")
    lines.append("[email]")
    if draw(st.booleans()):
        lines.append(f"smtp_port = {draw(EXTREME_INTEGERS)}")
    for key in ("password_env", "client_secret_env", "certificate", "subject_prefix"):
        if draw(st.booleans()):
            lines.append(f"{key} = {toml_value(draw(EXTREME_STRINGS))}")
    lines.append("[email.owners]")
    if draw(st.booleans()):
        lines.append(f'"鈴木" = {toml_value(draw(st.one_of(st.just(""), EXTREME_STRINGS)))}')
    lines.append("[schedule]")
    if draw(st.booleans()):
        lines.append(f"day = {draw(EXTREME_INTEGERS)}")
    return "\n".join(lines) + "\n"


RULES_TEXT = (Path(__file__).parents[1] / "reporter" / "rules.toml").read_text(encoding="utf-8")


def rules_with(table: str, value: str) -> str:
    """The built-in rules file with the ``value`` of ``[table]`` replaced."""
    start = RULES_TEXT.index(f"[{table}]")
    value_at = RULES_TEXT.index("value = ", start)
    end = RULES_TEXT.index("\n", value_at)
    return RULES_TEXT[:value_at] + f"value = {value}" + RULES_TEXT[end:]


EXTREME_RULES = st.one_of(
    st.tuples(
        st.sampled_from(["validity_days.rakuten_license_key", "windows.reply_days"]),
        EXTREME_INTEGERS.map(str),
    ),
    st.tuples(
        st.just("mws_shutdown"),
        st.sampled_from(["9999-12-31", "0001-01-01", "2999-12-31", '"9999-12-31"', "1e308"]),
    ),
)
# Where --out points, inside the run's folder: names a user may paste.
OUT_NAMES = st.sampled_from(["reports", "r.xlsx", "a\nb", "x\x1b[2J.xlsx", "é/ö", ".", "CON"])


def assert_findings_or_one_line(result: Any, allowed: tuple[int, ...]) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert result.exit_code in allowed, result.output
    if result.exit_code == 2:
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1, result.output


@settings(
    max_examples=max(10, EXAMPLES // 2),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(workbook=extreme_registers(), command=st.sampled_from(["check", "report"]))
def test_extreme_values_in_every_column_are_findings_on_their_cells(
    workbook: list[tuple[str, list[list[Any]]]], command: str
) -> None:
    with TemporaryDirectory() as folder:
        path = write(Path(folder) / "台帳.xlsx", workbook, date1904=False)
        args = [command, str(path), "--as-of", AS_OF.isoformat(), "--fail-on", "never"]
        if command == "check":
            args.append("--json")
        else:
            args += ["--out", str(Path(folder) / "reports")]
        result = CliRunner().invoke(app, args)
        event(f"{command}: exit {result.exit_code}")
        # Every sheet is there with every column: the register is read, whatever its values.
        assert_findings_or_one_line(result, (0,))
        if command == "check":
            findings = json.loads(result.stdout)["findings"]
            edge = any(f["code"] in ("DAT004", "DAT005") for f in findings)
            event(f"DAT004/DAT005: {'some' if edge else 'none'}")
        else:
            assert (
                Path(folder) / "reports" / f"register-report-{AS_OF.isoformat()}.xlsx"
            ).is_file()


@settings(
    max_examples=max(10, EXAMPLES // 2),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    command=st.sampled_from(["check", "report", "rules"]),
    as_of=EXTREME_AS_OF,
    lang=st.sampled_from([None, "ja", "en", "fr", ""]),
    fail_on=st.sampled_from(["error", "warning", "never", "fatal"]),
    config=st.one_of(st.none(), extreme_configs()),
    rules=st.one_of(st.none(), EXTREME_RULES),
    out_name=OUT_NAMES,
)
def test_extreme_options_and_config_are_a_run_or_one_line_and_exit_2(
    command: str,
    as_of: str,
    lang: str | None,
    fail_on: str,
    config: str | None,
    rules: tuple[str, str] | None,
    out_name: str,
) -> None:
    with TemporaryDirectory() as folder:
        key_row = ["K-1", "楽天ライセンスキー", date(2026, 9, 1), "佐藤"]
        workbook = [
            (spec.ja, [[column.ja for column in spec.columns]])
            for spec in SHEETS
            if spec.key != "keys"
        ]
        workbook.append(("キー", [["キーID", "種類", "発行日", "担当者"], key_row]))
        path = write(Path(folder) / "台帳.xlsx", workbook, date1904=False)
        args = [command]
        if command != "rules":
            args += [str(path), "--as-of", as_of, "--fail-on", fail_on]
        if command == "check":
            args.append("--json")
        if command == "report":
            args += ["--out", str(Path(folder) / out_name)]
        if lang is not None:
            args += ["--lang", lang]
        if config is not None:
            config_path = Path(folder) / "reporter.toml"
            config_path.write_text(config, encoding="utf-8")
            args += ["--config", str(config_path)]
        if rules is not None:
            rules_path = Path(folder) / "rules.toml"
            rules_path.write_text(rules_with(*rules), encoding="utf-8")
            args += ["--rules", str(rules_path)]
        result = CliRunner().invoke(app, args)
        event(f"{command}: exit {result.exit_code}")
        assert_findings_or_one_line(result, (0, 1, 2))
        if command == "check" and result.exit_code != 2:
            json.loads(result.stdout)


@settings(max_examples=EXAMPLES, deadline=None)
@given(as_of=st.one_of(st.dates(), st.dates().map(date.isoformat), EXTREME_AS_OF))
def test_the_library_takes_any_as_of_or_raises_input_error(as_of: date | str) -> None:
    from reporter import api

    try:
        day = api.as_of_date(as_of)
    except InputError as error:
        assert error.exit_code == 2 and error.render("en").strip()
        return
    assert date(1900, 1, 1) <= day <= date(2999, 12, 31)
