"""Every rule is documented, and the docs list exactly the rules the registry has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reporter.output.catalogue import markdown
from reporter.platform import load_settings
from reporter.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
SPEC_CODES = (
    [f"RNW{n:03}" for n in range(1, 10)]
    + [f"GRT{n:03}" for n in range(1, 11)]
    + [f"INC{n:03}" for n in range(1, 11)]
    + [f"DAT{n:03}" for n in range(1, 14)]
    + ["SEC001"]
)


def test_registry_has_exactly_the_spec_codes() -> None:
    assert sorted(rule.code for rule in RULES) == sorted(SPEC_CODES)


def test_docs_are_up_to_date() -> None:
    written = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert written == markdown(load_settings()), "run `make docs` to regenerate docs/rules.md"


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_every_rule_says_what_why_and_shows_rows(rule) -> None:  # type: ignore[no-untyped-def]
    doc = rule.doc
    assert len(doc.splitlines()[0]) > 10, f"{rule.code} needs a one-line summary"
    assert re.search(r"\bWhy\b", doc), f"{rule.code}: say why it matters"
    assert re.search(r"\bFails\b", doc) and re.search(r"\bPasses\b", doc), (
        f"{rule.code}: show a failing and a passing row"
    )
    section = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8").split(f"## {rule.code}")[1]
    assert doc.splitlines()[0] in section
