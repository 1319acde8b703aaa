"""The rendered rows: once per result and language, kept outside the result."""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable
from datetime import date

from reporter.output import flat
from reporter.output.flat import flatten
from reporter.result import CheckResult

KEY = {"キーID": "K-1", "種類": "その他", "有効期限": date(2026, 9, 20), "担当者": "佐藤"}


def test_rows_are_rendered_once_per_language_and_go_with_their_result(
    run_check: Callable[..., CheckResult],
) -> None:
    result = run_check(keys=[KEY])
    assert result.findings
    ja = flatten(result, "ja")
    assert flatten(result, "ja") is ja  # the workbook, calendar and email share them
    en = flatten(result, "en")
    assert en is not ja and en[0].title != ja[0].title
    # The result holds data only: no rendering is stored in it.
    assert {f.name for f in dataclasses.fields(result)} == {
        "register",
        "as_of",
        "settings",
        "findings",
        "skipped",
        "rows",
    }
    # A copy (another result) renders its own rows, from its own findings.
    copy = dataclasses.replace(result, findings=result.findings[:1])
    assert len(flatten(copy, "ja")) == 1 and flatten(copy, "ja") is not ja
    gc.collect()  # results earlier tests left in reference cycles go first, not below
    kept = len(flat._RENDERED)
    del result, copy, ja, en
    gc.collect()
    assert len(flat._RENDERED) == kept - 2
