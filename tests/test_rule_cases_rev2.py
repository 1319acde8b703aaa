"""Revision 2 rule cases (tests/rule_cases/*.toml) through the real loader and engine.

A small runner for the case files of the codes added or changed in revision 2,
in the format of notes on rule cases: each [[fail]] must raise the code with
every field its ``expect`` gives; each [[pass]] must not raise the code at all.
The project's generic runner for every case file supersedes this one.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from reporter.engine import CheckResult
from reporter.rules import RULE_BY_CODE

CASE_DIR = Path(__file__).parent / "rule_cases"
REVISION_2_FILES = (
    "RNW008.toml",
    "RNW009.toml",
    "GRT007.toml",
    "GRT008.toml",
    "GRT009.toml",
    "GRT010.toml",
    "INC010.toml",
    "RNW001.rev2.toml",
    "RNW002.rev2.toml",
    "INC004.rev2.toml",
    "INC006.rev2.toml",
    "INC008.rev2.toml",
)
SHEET_KEYS = ("tools", "keys", "grants", "notices", "stores", "exceptions")


def load_cases() -> list[tuple[str, str, date, dict[str, Any], bool]]:
    cases = []
    for name in REVISION_2_FILES:
        data = tomllib.loads((CASE_DIR / name).read_text(encoding="utf-8"))
        for kind in ("fail", "pass"):
            for case in data.get(kind, []):
                cases.append(
                    (name, data["code"], case.get("as_of", data["as_of"]), case, kind == "fail")
                )
    return cases


CASES = load_cases()


@pytest.mark.parametrize("name", REVISION_2_FILES)
def test_each_file_has_a_failing_and_a_passing_case_for_a_known_code(name: str) -> None:
    data = tomllib.loads((CASE_DIR / name).read_text(encoding="utf-8"))
    assert data["code"] in RULE_BY_CODE
    assert data.get("fail") and data.get("pass")
    for case in (*data["fail"], *data["pass"]):
        assert case["name"] and case["name_en"]


@pytest.mark.parametrize(
    ("file", "code", "as_of", "case", "fails"), CASES, ids=[f"{c[0]}-{c[3]['name']}" for c in CASES]
)
def test_rule_case(
    run_check: Callable[..., CheckResult],
    file: str,
    code: str,
    as_of: date,
    case: dict[str, Any],
    fails: bool,
) -> None:
    rows = {key: case[key] for key in SHEET_KEYS if key in case}
    result = run_check(as_of, **rows)
    unreadable = [f for f in result.findings if f.code in ("DAT004", "DAT005")]
    assert not unreadable, "the case's register must be readable"
    found = [f for f in result.findings if f.code == code]
    if not fails:
        assert found == [], [(f.record_id, f.params) for f in found]
        return
    expect = case.get("expect", {})
    matching = [f for f in found if all(_field(f, k) == v for k, v in expect.items())]
    assert matching, [(f.sheet, f.cell, f.record_id, f.due, str(f.severity)) for f in found]


def _field(finding: Any, key: str) -> Any:
    value = getattr(finding, key)
    return str(value) if key == "severity" else value
