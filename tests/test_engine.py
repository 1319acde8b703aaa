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
from reporter.model import SheetPending
from reporter.platform import load_settings
from reporter.register.loader import load_register
from reporter.rules import RULE_BY_CODE, RULES
from reporter.rules.base import RuleContext
from tests.conftest import check_outcome, register_sheets, rules_as_sheets_arrive

SAMPLE = Path("sample_data/register.xlsx")
AS_OF = date(2026, 11, 30)


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
    result, ran_early = rules_as_sheets_arrive(SAMPLE, order)
    assert ran_early > 0  # else this compares one pass with itself
    assert check_outcome(result) == check_outcome(one_pass)


def test_check_runs_rules_while_reading_and_finds_what_one_pass_finds() -> None:
    one_pass = run_checks(load_register(SAMPLE), AS_OF, load_settings())
    assert check_outcome(api.check(SAMPLE, as_of=AS_OF)) == check_outcome(one_pass)


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


def test_rules_run_sheet_by_sheet_also_look_beyond_the_sheets_once(make_register: Any) -> None:
    # SEC001 reads the sheets one at a time, then, once, the sheet names and the
    # texts outside the tables (a メモ sheet); DAT003 and DAT006 read sheet by sheet.
    path = make_register(
        register_sheets(
            tools=[{"ツールID": "T-1", "ツール名": "受注管理", "状態": "利用中"}],
            keys=[
                {
                    "キーID": "K-1",
                    "ツールID": "T-1",
                    "種類": "その他",
                    "担当者": "佐藤",
                    "メモ": "AKIAQ3EGUJ7RZ4XWTY5K",
                },
                {"キーID": "K-1", "ツールID": "T-1", "種類": "その他", "担当者": None},
            ],
            メモ=[{"メモ": "password: hunter22"}],
            # One exception used (by a finding made early, on the keys sheet), one that
            # matches nothing, one lapsed, one incomplete (DAT013 must tell them apart).
            除外=[
                {
                    "コード": "DAT006",
                    "対象ID": "K-1",
                    "理由": "移行中",
                    "承認者": "田中",
                    "期限": date(2027, 3, 31),
                },
                {
                    "コード": "RNW001",
                    "対象ID": "K-9",
                    "理由": "旧キー",
                    "承認者": "田中",
                    "期限": date(2027, 3, 31),
                },
                # Lapsed, on a finding that exists: told from the one above.
                {
                    "コード": "DAT003",
                    "対象ID": "K-1",
                    "理由": "確認中",
                    "承認者": "田中",
                    "期限": date(2026, 10, 31),
                },
                # Incomplete (no approver) on a finding that exists: DAT003 says so, not DAT013.
                {"コード": "DAT003", "対象ID": "K-1", "理由": "確認中", "期限": date(2027, 3, 31)},
            ],
        )
    )
    one_pass = run_checks(load_register(path), AS_OF, load_settings())
    codes = [f.code for f in one_pass.findings]
    assert codes.count("SEC001") == 2 and "DAT003" in codes and "DAT006" in codes
    assert [f.code for f in one_pass.findings if f.excepted] == ["DAT006", "DAT006"]
    assert sorted(f.row for f in one_pass.findings if f.code == "DAT013") == [3, 4]
    keys = list(load_register(path).sheets)
    for order in (keys, keys[::-1]):
        result, ran_early = rules_as_sheets_arrive(path, order)
        assert ran_early > 0
        assert check_outcome(result) == check_outcome(one_pass)


def test_what_a_rule_works_out_from_some_sheets_is_not_shared_with_every_sheet() -> None:
    whole = load_register(SAMPLE)
    rule, settings = RULE_BY_CODE["DAT003"], load_settings()
    on_keys = RuleContext(rule, whole, AS_OF, settings, {"sheets": ("keys",)})
    on_all = RuleContext(rule, whole, AS_OF, settings)
    assert on_keys.shared("sheets seen", lambda: len(on_keys.sheets())) == 1
    assert on_all.shared("sheets seen", lambda: len(on_all.sheets())) == len(whole.sheets) > 1
