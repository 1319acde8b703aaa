"""Broken and hostile registers: the real command never crashes, hangs, leaks or changes the file.

Every file of the corpus (tests/corpus/make_corpus.py, built once per session)
goes through ``reporter check --json`` and ``reporter report`` as a user runs
them: a separate process, with a timeout against hangs and a cap on its memory
against blow-ups. Whatever the file, the outcome is a result (exit 0 or 1) or
one clear line naming the file (exit 2); never a traceback, and the register's
bytes are the same afterwards. Where a file has a known outcome, it is asserted.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reporter import i18n
from reporter.api import check
from reporter.engine import run_checks
from reporter.errors import InputError
from reporter.platform import load_settings
from reporter.register import ooxml, zip_guard
from reporter.register.loader import load_register
from reporter.register.native_panic import panics_as_damaged_file
from tests.conftest import AS_OF, check_outcome, rules_as_sheets_arrive, write_workbook
from tests.corpus import make_corpus
from tests.corpus.make_corpus import (
    CASES,
    CONTROL_ID,
    ERROR_VALUES,
    IMPOSSIBLE_DATES,
    LONG_ID,
    build_corpus,
    small_register,
)

RUN_TIMEOUT = 60  # seconds; the slowest file takes about 3, so only a hang reaches it
# A normal run peaks at about 190 MB of address space; a bomb that got through
# would need gigabytes. Capped so that a blow-up fails the test, not the machine.
MEMORY_CAP = 2 << 30
COMMANDS = ("check", "report")

# Files the reporter must refuse, with the message (its i18n key) that says why.
REFUSED = {
    "truncated.xlsx": "register_corrupt",
    "csv-renamed.xlsx": "register_is_csv",
    "csv-shift-jis-renamed.xlsx": "register_is_csv",
    "unicode-text-renamed.xls": "register_is_csv",
    "html-renamed.xls": "register_is_html",
    "docx-renamed.xlsx": "register_not_workbook",
    "garbage-sheet-xml.xlsx": "register_part_not_xml",
    "zip-bomb.xlsx": "register_zip_ratio",
    "zip-bomb-ratio.xlsx": "register_zip_ratio",
    "zip-bomb-lying-size.xlsx": "register_corrupt",  # calamine stops at the declared size
    "entity-bomb.xlsx": "register_xml_doctype",
    "external-entity.xlsx": "register_xml_doctype",
    "password-protected.xlsx": "register_encrypted",
    "xlsb-short-records.xlsb": "register_corrupt",  # calamine panics; caught, one line
    "xlsb-value-in-last-cell.xlsb": "register_sheet_too_large",
    "value-in-last-cell.xlsx": "register_sheet_too_large",
    "empty-sheet.xlsx": "register_no_sheets",
    "no-sheets.xlsx": "register_no_sheets",
    "dimension-lies.xlsx": "register_sheet_too_large",  # calamine aborted the process
    "ods-row-repeated-a-million-times.ods": "register_sheet_repeats",  # took a minute
    "excel4-worksheet.xls": "register_unsupported",
}


@dataclass(frozen=True)
class Run:
    """One run of the reporter on a corpus file."""

    code: int
    stdout: str
    stderr: str
    unchanged: bool  # the register's bytes are the same after the run
    out_dir: Path

    @property
    def lines(self) -> list[str]:
        return [line for line in (self.stdout + self.stderr).splitlines() if line.strip()]

    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def run_reporter(
    corpus: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str, str], Run]:
    """Run a command on a corpus file once per session; both kinds of test share the run."""
    done: dict[tuple[str, str], Run] = {}
    workdir = tmp_path_factory.mktemp("runs")  # no reporter.toml here to pick up

    def run(name: str, command: str) -> Run:
        if (name, command) not in done:
            done[name, command] = _run(corpus[name], command, workdir / f"{len(done)}")
        return done[name, command]

    return run


def _run(register: Path, command: str, folder: Path) -> Run:
    folder.mkdir()
    out_dir = folder / "out"
    arguments = ["--as-of", AS_OF.isoformat()]
    arguments += ["--json"] if command == "check" else ["--out", str(out_dir)]
    before = _digest(register)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "reporter", command, str(register), *arguments],
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=RUN_TIMEOUT,
            cwd=folder,
            env={k: v for k, v in os.environ.items() if k != "REPORTER_DEBUG"},
            preexec_fn=_cap_memory if os.name == "posix" else None,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"reporter {command} {register.name} hung for {RUN_TIMEOUT} s")
    return Run(done.returncode, done.stdout, done.stderr, _digest(register) == before, out_dir)


def _cap_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _message_pattern(key: str, path: Path) -> re.Pattern[str]:
    """The Japanese message ``key`` for ``path``, any other placeholder filled by anything."""
    template = i18n.TEXTS[key]["ja"]
    parts = re.split(r"(\{\w+\})", template)
    pattern = "".join(
        re.escape(str(path))
        if part == "{path}"
        else ".+?"
        if re.fullmatch(r"\{\w+\}", part)
        else re.escape(part)
        for part in parts
    )
    return re.compile(pattern)


# --- every file, both commands ------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", list(CASES))
def test_fails_safe(
    name: str, command: str, corpus: dict[str, Path], run_reporter: Callable[[str, str], Run]
) -> None:
    run = run_reporter(name, command)
    output = run.stdout + run.stderr
    assert run.code >= 0, f"killed by signal {-run.code}:\n{output[-2000:]}"
    assert "Traceback" not in output, output[-3000:]
    assert "panicked" not in output, output[-3000:]  # a Rust panic's own report
    assert run.unchanged, "the register's bytes changed"
    reports = sorted(run.out_dir.glob("*.xlsx")) if run.out_dir.exists() else []
    if name in REFUSED:
        assert run.code == 2, output[-2000:]
        assert len(run.lines) == 1, run.lines
        (line,) = run.lines
        assert _message_pattern(REFUSED[name], corpus[name]).fullmatch(line), line
        assert not reports, "a refused register left a report behind"
        return
    if command == "check":
        findings = run.json()["findings"]
        errors = [f for f in findings if f["severity"] == "error" and not f["excepted"]]
        assert run.code == (1 if errors else 0), output[-2000:]
    else:
        assert run.code == 0, output[-2000:]  # report fails on nothing by default
        assert len(reports) == 1, list(run.out_dir.iterdir())
        with zipfile.ZipFile(reports[0]) as report:
            assert "xl/workbook.xml" in report.namelist()


def test_corpus_covers_every_refusal_and_more() -> None:
    assert set(REFUSED) < set(CASES)


@pytest.mark.parametrize("name", sorted(set(CASES) - set(REFUSED)))
def test_rules_run_while_reading_find_what_one_pass_finds(
    name: str, corpus: dict[str, Path]
) -> None:
    """However odd the file, the rules run as its sheets arrive (engine.RuleRun) give
    what one pass over the whole register gives, in either reading order."""
    try:
        whole = load_register(corpus[name])
    except InputError:
        pytest.skip("refused when read in process (the command's outcome is tested above)")
    one_pass = check_outcome(run_checks(whole, AS_OF, load_settings()))
    keys = list(whole.sheets)
    for order in (keys, keys[::-1]):
        result, _ = rules_as_sheets_arrive(corpus[name], order)
        assert check_outcome(result) == one_pass, order


# --- what each file must give --------------------------------------------------------


def _codes(run: Run) -> Counter[str]:
    return Counter(f["code"] for f in run.json()["findings"])


def _sample_codes(with_error_cells: bool) -> Counter[str]:
    codes = Counter(f.code for f in check(make_corpus.SAMPLE, as_of=AS_OF).findings)
    if not with_error_cells:
        del codes["DAT011"]
    return codes


@pytest.mark.parametrize(
    ("name", "finds_error_cells"),
    [
        # Calamine reads .ods, .xls and .xlsb error cells as blank: DAT011 is .xlsx only.
        ("sample.ods", False),
        ("sample.xls", False),
        ("sample.xlsb", False),
        ("ods-renamed.xlsx", False),  # the content decides the reader, not the name
        ("xlsx-renamed.xls", True),
    ],
)
def test_other_formats_and_renamed_files_give_the_sample_findings(
    name: str, finds_error_cells: bool, run_reporter: Callable[[str, str], Run]
) -> None:
    assert _codes(run_reporter(name, "check")) == _sample_codes(finds_error_cells)


def test_error_cells_are_dat011_with_their_value(run_reporter: Callable[[str, str], Run]) -> None:
    findings = [f for f in run_reporter("error-cells.xlsx", "check").json()["findings"]]
    errors = {f["cell"]: f["message"] for f in findings if f["code"] == "DAT011"}
    assert sorted(errors) == sorted(f"D{row}" for row in range(2, 2 + len(ERROR_VALUES)))
    for row, value in enumerate(ERROR_VALUES, start=2):
        assert value in errors[f"D{row}"]


def test_formulas_without_a_cached_value_are_dat011(
    run_reporter: Callable[[str, str], Run],
) -> None:
    findings = run_reporter("formulas-uncached.xlsx", "check").json()["findings"]
    assert {f["cell"] for f in findings if f["code"] == "DAT011"} == {"D2", "E2", "H2", "A3", "G3"}


def test_impossible_dates_are_dat004(run_reporter: Callable[[str, str], Run]) -> None:
    findings = run_reporter("impossible-dates.xlsx", "check").json()["findings"]
    rows = len(IMPOSSIBLE_DATES) + 3  # the texts, then serials -1, 2958466 and 1e300
    assert {f["cell"] for f in findings if f["code"] == "DAT004"} == {
        f"D{row}" for row in range(2, 2 + rows)
    }


def test_emoji_survive_into_the_json_and_control_characters_do_not(
    run_reporter: Callable[[str, str], Run],
) -> None:
    """What does not print is removed before any output (register-spec SEC001, revision 3):
    a control character could otherwise split a key past the mask."""
    findings = run_reporter("control-and-emoji.xlsx", "check").json()["findings"]
    assert CONTROL_ID == "K-\x01\x08\x1b[31m-\x7f"  # the colour sequence goes whole
    assert {(f["code"], f["record_id"]) for f in findings} == {
        ("RNW001", "K-🍣"),
        ("RNW007", "K-🍣"),
        ("DAT003", "K--"),
    }
    renewal = next(f for f in findings if f["code"] == "RNW001")
    assert renewal["owner"] == "𠮷田"
    assert "🍣寿司ツール" in renewal["message"] and "T-👨‍👩‍👧" in renewal["message"]
    blank = next(f for f in findings if f["code"] == "DAT003")
    assert blank["owner"] == "制御文字"  # Excel's _x0000_ escape, read back as NUL, removed


def test_longest_cells_are_kept_whole(run_reporter: Callable[[str, str], Run]) -> None:
    findings = run_reporter("long-text.xlsx", "check").json()["findings"]
    keys = [f for f in findings if f["sheet"] == "keys" and f["row"] == 2]  # the long row
    assert keys and all(f["record_id"] == LONG_ID for f in keys)
    assert {f["code"] for f in findings} >= {"DAT004", "DAT005"}  # the long date and purpose


def test_headers_only_is_clean(run_reporter: Callable[[str, str], Run]) -> None:
    data = run_reporter("headers-only.xlsx", "check").json()
    assert data["findings"] == []
    assert all(count["read"] == 0 for count in data["rows"].values())


def test_empty_register_sheets_lack_every_required_column(
    run_reporter: Callable[[str, str], Run],
) -> None:
    codes = _codes(run_reporter("empty-register-sheets.xlsx", "check"))
    assert set(codes) == {"DAT002"} and codes["DAT002"] >= 4


def test_merged_and_duplicate_headers(run_reporter: Callable[[str, str], Run]) -> None:
    data = run_reporter("merged-and-duplicate-headers.xlsx", "check").json()
    assert data["rows"]["keys"]["read"] == 2
    assert data["rows"]["tools"]["read"] == 1  # the header row is found below the merged title
    duplicate = [f for f in data["findings"] if f["code"] == "DAT012" and f["sheet"] == "keys"]
    assert [f["cell"] for f in duplicate] == ["F1"]  # the second 担当者


def test_sixteen_thousand_columns(run_reporter: Callable[[str, str], Run]) -> None:
    data = run_reporter("16384-columns.xlsx", "check").json()
    assert data["rows"]["keys"] == {"read": 2, "with_findings": 0, "clean": 2}
    assert [(f["code"], f["cell"]) for f in data["findings"]] == [("DAT012", "XFD1")]


@pytest.mark.parametrize("name", ["formatted-to-last-cell.xlsx", "space-in-last-cell.xlsx"])
def test_a_blank_last_cell_is_no_problem(
    name: str, run_reporter: Callable[[str, str], Run]
) -> None:
    """A format or a space far away widens the used range, not the register."""
    data = run_reporter(name, "check").json()
    assert data["findings"] == [] and data["rows"]["keys"]["read"] == 1


def test_a_japanese_file_name(
    corpus: dict[str, Path], run_reporter: Callable[[str, str], Run]
) -> None:
    name = "台帳 (コピー) 🍣.xlsx"
    data = run_reporter(name, "check").json()
    assert data["register"] == str(corpus[name])
    assert {(f["code"], f["record_id"]) for f in data["findings"]} == {
        ("RNW001", "K-1"),
        ("RNW007", "K-1"),
    }


def test_no_file_content_leaks_through_an_external_entity(
    run_reporter: Callable[[str, str], Run],
) -> None:
    for command in COMMANDS:
        run = run_reporter("external-entity.xlsx", command)
        assert "root:" not in run.stdout + run.stderr


# --- the guard's limits, one by one --------------------------------------------------


@pytest.fixture
def small_package(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "small.xlsx", small_register())


def test_total_size_limit(small_package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zip_guard, "MAX_UNZIPPED_BYTES", 10_000)
    with pytest.raises(InputError) as refused:
        load_register(small_package)
    assert refused.value.key == "register_zip_too_large"


def test_part_count_limit(small_package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zip_guard, "MAX_PARTS", 5)
    with pytest.raises(InputError) as refused:
        load_register(small_package)
    assert refused.value.key == "register_zip_too_many_parts"


def test_compression_methods_excel_never_uses(small_package: Path, tmp_path: Path) -> None:
    odd = tmp_path / "bzip2.xlsx"
    with zipfile.ZipFile(small_package) as source, zipfile.ZipFile(odd, "w") as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item), compress_type=zipfile.ZIP_BZIP2)
    with pytest.raises(InputError) as refused:
        load_register(odd)
    assert refused.value.key == "register_zip_method"


def test_ratio_is_not_checked_on_small_parts(small_package: Path, tmp_path: Path) -> None:
    """A small, very repetitive part (a styles.xml of blank formats) is no bomb."""
    padded = tmp_path / "padded.xlsx"
    filler = b"<!--" + b" " * 500_000 + b"-->"  # about 1,000:1, under RATIO_CHECKED_FROM_BYTES
    with zipfile.ZipFile(small_package) as source, zipfile.ZipFile(padded, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/styles.xml":
                data = data.replace(b"?>", b"?>" + filler, 1)
            target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    assert len(load_register(padded).sheets["keys"].records) == 1


def test_safe_without_the_doctype_check(
    corpus: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The DOCTYPE check gives a clear message; safety does not rest on it."""
    monkeypatch.setattr(zip_guard, "_check_xml_heads", lambda *args: {})
    for name in ("entity-bomb.xlsx", "external-entity.xlsx"):
        with pytest.raises(InputError) as refused:
            load_register(corpus[name])
        assert refused.value.key == "register_corrupt"


def test_an_entry_that_lies_about_its_size_is_not_inflated(corpus: dict[str, Path]) -> None:
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(InputError):
            load_register(corpus["zip-bomb-lying-size.xlsx"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The entry declares about 1 MB and inflates to 200 MB.
    assert peak < 50 << 20, f"{peak / (1 << 20):.0f} MB allocated"


# --- a crash inside calamine ----------------------------------------------------------


def test_a_calamine_panic_is_a_damaged_file(
    corpus: dict[str, Path], capfd: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(InputError) as refused:
        load_register(corpus["xlsb-short-records.xlsb"])
    assert refused.value.key == "register_corrupt"
    assert "panicked" not in capfd.readouterr().err  # Rust's own report is held back


def test_native_output_is_held_and_then_written(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """What native code prints while a register is read still reaches stderr afterwards."""
    with panics_as_damaged_file(tmp_path / "r.xlsx"):
        os.write(2, b"a native warning\n")
        assert capfd.readouterr().err == ""  # held while the workbook is read
    assert capfd.readouterr().err == "a native warning\n"


# --- the corpus script itself --------------------------------------------------------


def test_repeated_deflate_blocks_decompress_to_what_they_claim() -> None:
    data, crc, size = make_corpus.deflate_repeated(b"<a>", b"row;" * 1000, 7, b"</a>")
    inflated = zlib.decompress(data, -15)
    assert inflated == b"<a>" + b"row;" * 7000 + b"</a>"
    assert size == len(inflated) and crc == zlib.crc32(inflated)


def test_corpus_builds_by_script(tmp_path: Path) -> None:
    """``python tests/corpus/make_corpus.py FOLDER`` writes every file (as documented)."""
    done = subprocess.run(
        [sys.executable, str(Path(make_corpus.__file__)), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert {p.name for p in tmp_path.iterdir()} == set(CASES)


# --- files from the wild ----------------------------------------------------------------

WILD = Path(__file__).parent / "corpus" / "wild"  # origin and licence: its README.md
# What each must give: the message (its i18n key) of a refusal, or None for a file
# that is read (it holds no register sheet, so as it is it says that; a copy
# with a sheet renamed キー is checked to the end).
WILD_OUTCOMES: dict[str, str | None] = {
    "calamine-OOM_alloc3.xls": "register_corrupt",
    "calamine-issue_530.xlsx": None,  # zip entries named with "\\"
    "calamine-issue_594_dos.ods": "register_sheet_repeats",
    "calamine-minimal_package.xlsx": None,  # the workbook at the package's root
    "calamine-pass_protected.ods": "register_encrypted",
    "calamine-too_small.xls": "register_not_workbook",
    "phpspreadsheet-RepeatedDataCells.ods": "register_unsupported",  # white space between cells
    "phpspreadsheet-Zip-Windows-Directory-Separator.xlsx": None,
    "phpspreadsheet-issue.804.ods": "register_unsupported",
    "phpspreadsheet-maccentraleurope.biff5.xls": "register_unsupported",  # code page 10029
    "phpspreadsheet-nomimetype.ods": "register_unsupported",
    "phpspreadsheet-oleloop.xls": "register_corrupt",  # its sector chain loops: it aborted
    "phpspreadsheet-rootZipFiles.xlsx": None,
    "phpspreadsheet-utf16be.bom.xlsx": "register_unsupported",
    "phpspreadsheet-utf16be.xlsx": "register_unsupported",
    # Excel's "password to open" of .xls (XOR obfuscation), once "an unsupported code page".
    "poi-xor-encryption-abc.xls": "register_encrypted",
    "sheetjs-password_2002_40_xor.xls": "register_encrypted",
    "msoffcrypto-xor_password_123456789012345.xls": "register_encrypted",
    # Valid, with a sheet calamine cannot parse (tests/test_reading.py reads each to the end
    # with a register sheet): their first sheet is not always one a rename here would help.
    "sheetjs-BlankSheetTypes.xlsm": "register_no_sheets",  # Excel 4.0 macro and dialog sheets
    "poi-xlmmacro.xlsm": "register_no_sheets",  # an Excel 4.0 macro sheet first
    "exceldatareader-Test_git_issue_68_NullSheetPath.xlsm": "register_no_sheets",
    "sheetjs-wtf_path.xlsb": "register_no_sheets",  # its parts under wtf/, not xl/
    # 121:1, but 54 MB unzipped: no bomb. Read, and as it is it holds no register sheet.
    # With its first sheet renamed キー, SEC001 takes minutes over its 55 MB of long texts
    # (reporter.rules.security): tests/test_reading.py reads that copy with the loader alone.
    "sheetjs-large_strings.xlsx": "register_no_sheets",
    "poi-clusterfuzz-testcase-minimized-POIXSSFFuzzer-5937385319563264.xlsx": "register_corrupt",
    "poi-51535.xls": "register_sheet_too_large",  # values at A1 and IV65536: 1 GB in calamine
}


def test_every_wild_file_has_an_expected_outcome() -> None:
    assert {p.name for p in WILD.iterdir() if p.name != "README.md"} == set(WILD_OUTCOMES)


@pytest.mark.parametrize("name", sorted(WILD_OUTCOMES))
def test_wild_files_end_in_one_clear_line(name: str, tmp_path: Path) -> None:
    """Each file ends with exit 0-3 under the caps: no abort, no traceback, the right message."""
    register = tmp_path / name
    register.write_bytes((WILD / name).read_bytes())
    run = _run(register, "check", tmp_path / "run")
    output = run.stdout + run.stderr
    assert run.code >= 0, f"killed by signal {-run.code}:\n{output[-2000:]}"
    assert "Traceback" not in output and "panicked" not in output, output[-3000:]
    assert run.unchanged, "the register's bytes changed"
    expected = WILD_OUTCOMES[name] or "register_no_sheets"
    assert run.code == 2, output[-2000:]
    (line,) = run.lines
    assert _message_pattern(expected, register).fullmatch(line), line


@pytest.mark.parametrize("name", sorted(n for n, key in WILD_OUTCOMES.items() if key is None))
def test_wild_workbooks_with_a_register_sheet_are_read(name: str, tmp_path: Path) -> None:
    """An unusual but valid package is read to the end once a sheet has a register's name."""
    register = _first_sheet_renamed(WILD / name, tmp_path / name, "キー")
    run = _run(register, "check", tmp_path / "run")
    assert run.code in (0, 1), (run.stdout + run.stderr)[-2000:]
    data = run.json()
    assert "keys" in data["rows"]
    assert any(f["sheet"] == "keys" for f in data["findings"])  # its columns were looked at


def _first_sheet_renamed(source: Path, target: Path, name: str) -> Path:
    """A copy of an .xlsx package whose first sheet is called ``name``."""
    with zipfile.ZipFile(source) as package:
        workbook = ooxml.workbook_part(package)
        members = ooxml.member_names(package)
        assert workbook is not None
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
            for item in package.infolist():
                data = package.read(item)
                if item.filename == members[workbook]:
                    data = re.sub(
                        rb'(<(?:\w+:)?sheet\b[^>]*?\bname=")[^"]*(")',
                        lambda m: m.group(1) + name.encode() + m.group(2),
                        data,
                        count=1,
                    )
                copy.writestr(item, data)
    return target
