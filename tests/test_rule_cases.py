"""Every rule case of tests/rule_cases/*.toml, through the real loader and engine.

A [[fail]] case must raise its code with every field its ``expect`` names; a
[[pass]] case must not raise it at all, on a register the rule did read. The
format is described in tests/rule_cases/README.md.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from reporter.platform import load_settings
from reporter.rules import RULE_BY_CODE
from tests.rule_case_files import (
    EXPECT_KEYS,
    RuleCase,
    expected_value,
    matching,
    read_case_files,
    run_case,
)

SETTINGS = load_settings()
CASES_BY_CODE, FILE_PROBLEMS = read_case_files()
CASES = [case for cases in CASES_BY_CODE.values() for case in cases]
UNREADABLE = ("DAT004", "DAT005")  # a cell the loader could not read as its column's kind


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rule_case(case: RuleCase, tmp_path: Path) -> None:
    result = run_case(case, tmp_path, SETTINGS)
    own = [f for f in result.findings if f.code == case.code]
    # A rule flags a cell once: the same cell twice would be two rows in the report.
    cells = Counter((f.sheet, f.cell) for f in own if f.cell)
    assert [place for place, count in cells.items() if count > 1] == [], case.name
    if case.kind == "fail":
        seen = [{key: expected_value(f, key) for key in EXPECT_KEYS} for f in own]
        assert matching(case, result), f"{case.name}: expected {case.expect}, found {seen}"
        return
    assert own == [], f"{case.name}: {[(f.cell, f.record_id, dict(f.params)) for f in own]}"
    # A pass case proves something only if the rule read the register, and read it whole.
    assert case.code not in {s.code for s in result.skipped}, f"{case.name}: the rule did not run"
    unreadable = [(f.code, f.cell) for f in result.findings if f.code in UNREADABLE]
    assert unreadable == [], f"{case.name}: the register has cells that cannot be read"


def test_case_files_follow_the_format() -> None:
    assert FILE_PROBLEMS == []


def test_every_registered_code_has_a_failing_and_a_passing_case() -> None:
    lacking = {
        code: kind
        for code in RULE_BY_CODE
        for kind in ("fail", "pass")
        if not any(c.kind == kind for c in CASES_BY_CODE.get(code, []))
    }
    assert lacking == {}, "add [[fail]] and [[pass]] cases in tests/rule_cases/<CODE>.toml"


def test_no_case_file_for_an_unregistered_code() -> None:
    assert sorted(set(CASES_BY_CODE) - set(RULE_BY_CODE)) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('code = "RNW001"\nas_of = 2026-11-30\n[[fail]]\nname = "期限切れ"\n', "name_en"),
        ('code = "RNW001"\n[[pass]]\nname = "a"\nname_en = "a"\n', "as_of"),
        ('code = "RNW002"\n', "named RNW001"),
        ('code = "RNW001"\nas_of = 2026-11-30\n[[fail]]\nname = "a"\nname_en = "a"\n'
         'keys = []\nexpect = { cel = "D2" }\n', "unknown keys ['cel']"),
        ('code = "RNW001"\nas_of = 2026-11-30\n[[fail]]\nname = "a"\nname_en = "a"\n'
         'key = [{ "キーID" = "K-1" }]\n', "unknown keys ['key']"),
        ("code = RNW001", "not valid TOML"),
    ],
)  # fmt: skip
def test_a_malformed_case_file_is_named_with_its_problem(
    tmp_path: Path, text: str, problem: str
) -> None:
    (tmp_path / "RNW001.toml").write_text(text, encoding="utf-8")
    cases, problems = read_case_files(tmp_path)
    assert cases == {}
    assert len(problems) == 1 and problems[0].startswith("RNW001.toml") and problem in problems[0]
