"""The bundled sample register yields every rule code, on the rows its oracle names."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reporter.api import check
from tests.test_docs import SPEC_CODES

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def expected(as_of: date) -> dict[str, tuple[str, list[str]]]:
    """sample_data/expected_codes.txt, the section for ``as_of``: code -> (sheet, ids)."""
    section: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in (SAMPLE / "expected_codes.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("[as_of "):
            current = line.strip("[]").split()[1]
            continue
        if current != as_of.isoformat() or not line.strip() or line.startswith("#"):
            continue
        code, sheet, ids, _why = line.split(maxsplit=3)
        section[code] = (sheet, [] if ids == "-" else ids.split(","))
    return section


@pytest.mark.parametrize("as_of", [date(2026, 11, 23), date(2026, 11, 30)], ids=str)
def test_sample_yields_the_expected_codes_on_the_expected_rows(as_of: date) -> None:
    oracle = expected(as_of)
    assert oracle, "expected_codes.txt has no section for this date"
    result = check(SAMPLE / "register.xlsx", as_of=as_of)
    found = {(f.code, f.sheet, f.record_id or f"row{f.row}") for f in result.findings}
    codes = {f.code for f in result.findings}
    assert codes == set(oracle) - {"DAT001"}
    for code, (sheet, ids) in oracle.items():
        for record_id in ids:
            if code != "DAT001":
                assert (code, sheet, record_id) in found, f"{code} expected on {sheet} {record_id}"


def test_every_code_is_in_one_of_the_two_sample_registers() -> None:
    as_of = date(2026, 11, 30)
    main = {f.code for f in check(SAMPLE / "register.xlsx", as_of=as_of).findings}
    other = check(SAMPLE / "register-missing-sheet.xlsx", as_of=as_of)
    assert [f.code for f in other.findings] == ["DAT001"]
    assert main | {"DAT001"} == set(SPEC_CODES)
