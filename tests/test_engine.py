"""engine.RuleRun: the rules run on the sheets already read while the loader reads the rest.

Whatever the order the sheets arrive in, the findings, the skipped rules and the
row counts are those of one pass over the whole register.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from reporter import api
from reporter.engine import RuleRun, run_checks
from reporter.model import Register, SheetPending
from reporter.platform import load_settings
from reporter.register.loader import load_register
from reporter.rules import RULE_BY_CODE, RULES
from reporter.rules.base import RuleContext

SAMPLE = Path("sample_data/register.xlsx")
AS_OF = date(2026, 11, 30)


def _outcome(result: Any) -> tuple[Any, ...]:
    return (
        [dataclasses.astuple(f) for f in result.findings],
        result.skipped,
        result.rows,
    )


def _run_sheet_by_sheet(order: list[str]) -> tuple[Any, int]:
    """Run the rules as the loader does, the sheets arriving in ``order``.

    Returns the result and how many rules ran before the last sheet arrived.
    """
    whole = load_register(SAMPLE)
    register = Register(
        path=whole.path,
        sheets={},
        missing_sheets=[],
        sheet_names=whole.sheet_names,
        date1904=whole.date1904,
        pending=frozenset(order),
    )
    run = RuleRun(AS_OF, load_settings())
    early = 0
    for key in order:
        while run.run_one(register):
            early += 1
        register.sheets[key] = whole.sheets[key]
        register.pending = register.pending - {key}
    register.sheets = whole.sheets
    register.missing_sheets = whole.missing_sheets
    register.loose_texts = whole.loose_texts
    return run.finish(register), early


SHEET_KEYS = list(load_register(SAMPLE).sheets)


@pytest.mark.parametrize(
    "order",
    [
        SHEET_KEYS,
        SHEET_KEYS[::-1],
        # A key's rules also read the tools and stores sheets: here they come last.
        ["keys", "grants", "notices", "exceptions", "tools", "stores"],
        ["notices", "keys", "tools", "grants", "stores", "exceptions"],
    ],
    ids=["sheet order", "reversed", "tools last", "notices first"],
)
def test_rules_run_as_sheets_arrive_find_what_one_pass_finds(order: list[str]) -> None:
    assert sorted(order) == sorted(SHEET_KEYS)
    one_pass = run_checks(load_register(SAMPLE), AS_OF, load_settings())
    result, ran_early = _run_sheet_by_sheet(order)
    assert ran_early > 0  # else this compares one pass with itself
    assert _outcome(result) == _outcome(one_pass)


def test_check_runs_rules_while_reading_and_finds_what_one_pass_finds() -> None:
    one_pass = run_checks(load_register(SAMPLE), AS_OF, load_settings())
    assert _outcome(api.check(SAMPLE, as_of=AS_OF)) == _outcome(one_pass)


def test_a_rule_asking_for_a_sheet_still_being_read_waits_for_it() -> None:
    whole = load_register(SAMPLE)
    register = dataclasses.replace(whole, pending=frozenset({"tools"}), derived={})
    context = RuleContext(RULE_BY_CODE["RNW001"], register, AS_OF, load_settings())
    with pytest.raises(SheetPending):
        list(RULE_BY_CODE["RNW001"].check(context))  # it reads the tools sheet
    # Nothing half-worked-out was kept for the rules that run later.
    assert not any(isinstance(value, dict) and not value for value in register.derived.values())


def test_a_rule_that_fails_early_fails_in_finish_as_in_one_pass() -> None:
    def broken(context: RuleContext) -> list[Any]:
        raise ZeroDivisionError("a bug in a rule")

    rule = dataclasses.replace(RULE_BY_CODE["RNW008"], check=broken)
    rules = (*(r for r in RULES if r.code != "RNW008"), rule)
    whole = load_register(SAMPLE)
    run = RuleRun(AS_OF, load_settings(), rules)
    while run.run_one(whole):
        pass  # the loader must not take the failure for a file it cannot read
    with pytest.raises(ZeroDivisionError):
        run.finish(whole)
