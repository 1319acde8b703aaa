"""Rule cases as data: tests/rule_cases/<CODE>.toml, read and turned into registers.

The format is described in tests/rule_cases/README.md. tests/test_rule_cases.py runs
every case; the docs generator (``python -m reporter.output.catalogue``) shows each
rule's first failing and first passing case, with the finding the first one gives.
"""

from __future__ import annotations

import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from reporter.engine import run_checks
from reporter.model import Finding
from reporter.output.catalogue import Example, ExampleFinding, ExampleSheet
from reporter.output.flat import to_row
from reporter.register.loader import load_register
from reporter.result import CheckResult
from tests.conftest import register_sheets, write_workbook

CASES_DIR = Path(__file__).resolve().parent / "rule_cases"

# Canonical sheet key -> the sheet name a team's register uses.
ROW_SHEETS: dict[str, str] = {
    "stores": "店舗",
    "tools": "ツール",
    "keys": "キー",
    "grants": "権限",
    "notices": "通知",
    "exceptions": "除外",
}
KINDS = ("fail", "pass")
FILE_KEYS = {"code", "as_of", *KINDS}
CASE_KEYS = {"name", "name_en", "as_of", "expect", "sheets", *ROW_SHEETS}
# Finding fields an ``expect`` table may name; each is compared with the finding's own.
EXPECT_KEYS = ("sheet", "cell", "row", "record_id", "due", "severity")


class CaseFileError(ValueError):
    """A case file that does not follow the format."""


@dataclass(frozen=True)
class RuleCase:
    code: str
    kind: str  # "fail" or "pass"
    number: int  # 1-based, per kind
    name: str
    name_en: str
    as_of: date
    rows: dict[str, list[dict[str, Any]]]  # canonical sheet key -> rows of {header: value}
    sheets: dict[str, list[list[Any]]]  # sheet name -> grid, header row first, as given
    expect: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.code}-{self.kind}-{self.number}"


def read_case_file(path: Path) -> list[RuleCase]:
    """Every case of one file, in file order (fail cases first); CaseFileError if malformed."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise CaseFileError(f"{path.name}: not valid TOML: {error}") from None
    code = data.get("code")
    if code != path.stem:
        raise CaseFileError(f"{path.name}: code = {code!r}, but the file is named {path.stem}")
    unknown = set(data) - FILE_KEYS
    if unknown:
        raise CaseFileError(f"{path.name}: unknown keys {sorted(unknown)}")
    cases: list[RuleCase] = []
    for kind in KINDS:
        entries = data.get(kind, [])
        if not isinstance(entries, list):
            raise CaseFileError(f"{path.name}: write each case as [[{kind}]]")
        for number, entry in enumerate(entries, start=1):
            cases.append(_case(path.name, code, kind, number, entry, data.get("as_of")))
    return cases


def _case(
    file: str, code: str, kind: str, number: int, entry: Mapping[str, Any], as_of: Any
) -> RuleCase:
    where = f"{file}: [[{kind}]] number {number}"
    unknown = set(entry) - CASE_KEYS
    if unknown:
        raise CaseFileError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("name", "name_en"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise CaseFileError(f"{where}: needs a {key}")
    as_of = entry.get("as_of", as_of)
    if not isinstance(as_of, date):
        raise CaseFileError(f"{where}: needs an as_of date (in the case or at the top)")
    expect = dict(entry.get("expect", {}))
    if kind == "pass" and expect:
        raise CaseFileError(f"{where}: a pass case expects nothing")
    unknown = set(expect) - set(EXPECT_KEYS)
    if unknown:
        raise CaseFileError(f"{where}: expect has unknown keys {sorted(unknown)}")
    rows = {key: list(entry[key]) for key in ROW_SHEETS if key in entry}
    sheets = dict(entry.get("sheets", {}))
    if not rows and not sheets and kind == "fail":
        raise CaseFileError(f"{where}: give rows or sheets")
    return RuleCase(
        code=code,
        kind=kind,
        number=number,
        name=entry["name"],
        name_en=entry["name_en"],
        as_of=as_of,
        rows=rows,
        sheets=sheets,
        expect=expect,
    )


def read_case_files(directory: Path = CASES_DIR) -> tuple[dict[str, list[RuleCase]], list[str]]:
    """Code -> its cases, for every file that reads; and one line per file that does not."""
    by_code: dict[str, list[RuleCase]] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            by_code[path.stem] = read_case_file(path)
        except CaseFileError as error:
            problems.append(str(error))
    return by_code, problems


def workbook_sheets(case: RuleCase) -> dict[str, list[list[Any]]]:
    """Sheet name -> rows, as the case's register has them.

    Row tables give the four required sheets (with the standard headers) plus any
    other sheet they name; ``sheets`` grids are written as given, beside them or alone.
    """
    sheets: dict[str, list[list[Any]]] = {}
    if case.rows or not case.sheets:
        rows = {
            key if key in ("tools", "keys", "grants", "notices") else ROW_SHEETS[key]: records
            for key, records in case.rows.items()
        }
        sheets = register_sheets(**rows)
    sheets.update(case.sheets)
    return sheets


def run_case(case: RuleCase, directory: Path, settings: Any) -> CheckResult:
    """Write the case's register to ``directory``, load it and run every rule at its as_of."""
    path = write_workbook(directory / f"{case.id}.xlsx", workbook_sheets(case))
    return run_checks(load_register(path), case.as_of, settings)


def expected_value(finding: Finding, key: str) -> Any:
    """The finding's field ``key`` as a case file writes it (blank as "", severity as text)."""
    value = getattr(finding, key)
    if value is None:
        return ""
    return str(value) if key == "severity" else value


def matching(case: RuleCase, result: CheckResult) -> list[Finding]:
    """The findings of the case's code that agree with every field of its ``expect``."""
    return [
        finding
        for finding in result.findings
        if finding.code == case.code
        and all(expected_value(finding, key) == value for key, value in case.expect.items())
    ]


# --- the docs' examples -------------------------------------------------------------------


def example_of(case: RuleCase, result: CheckResult | None) -> Example:
    sheets = tuple(
        ExampleSheet(name=ROW_SHEETS[key], rows=tuple(records))
        for key, records in case.rows.items()
    ) + tuple(ExampleSheet(name=name, grid=tuple(grid)) for name, grid in case.sheets.items())
    finding = None
    if result is not None:
        found = matching(case, result)
        if found:
            ja, en = to_row(found[0], result.as_of, "ja"), to_row(found[0], result.as_of, "en")
            finding = ExampleFinding(
                sheet_name={"ja": ja.sheet_name, "en": en.sheet_name},
                cell=ja.cell,
                due=ja.due,
                message={"ja": ja.message, "en": en.message},
                action={"ja": ja.action, "en": en.action},
            )
    return Example(
        name={"ja": case.name, "en": case.name_en},
        as_of=case.as_of,
        sheets=sheets,
        finding=finding,
    )


def examples(settings: Any, directory: Path = CASES_DIR) -> dict[str, tuple[Example, Example]]:
    """Code -> (its first failing case, its first passing case), for the docs."""
    by_code, problems = read_case_files(directory)
    if problems:
        raise CaseFileError("\n".join(problems))
    result: dict[str, tuple[Example, Example]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for code, cases in by_code.items():
            failing = next((c for c in cases if c.kind == "fail"), None)
            passing = next((c for c in cases if c.kind == "pass"), None)
            if failing is None or passing is None:
                continue
            outcome = run_case(failing, Path(folder), settings)
            result[code] = (example_of(failing, outcome), example_of(passing, None))
    return result
