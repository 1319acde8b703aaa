"""Every rule is documented in Japanese and English, from the registry and the rule cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reporter.output.catalogue import DOC_FILES, Example, markdown
from reporter.platform import load_settings
from reporter.rules import RULES, Rule
from tests.rule_case_files import examples

ROOT = Path(__file__).resolve().parent.parent
SPEC_CODES = (
    [f"RNW{n:03}" for n in range(1, 11)]
    + [f"GRT{n:03}" for n in range(1, 11)]
    + [f"INC{n:03}" for n in range(1, 12)]
    + [f"DAT{n:03}" for n in range(1, 14)]
    + ["SEC001"]
)
# A digit and a Japanese character with a space between them: English-style spacing.
SPACED_NUMBER = re.compile(r"\d [\u3040-\u30ff\u4e00-\u9fff]|[\u3040-\u30ff\u4e00-\u9fff] \d")


@pytest.fixture(scope="module")
def case_examples() -> dict[str, tuple[Example, Example]]:
    return examples(load_settings())


def test_registry_has_exactly_the_spec_codes() -> None:
    assert sorted(rule.code for rule in RULES) == sorted(SPEC_CODES)


@pytest.mark.parametrize("lang", list(DOC_FILES))
def test_docs_are_up_to_date(lang: str, case_examples: dict[str, tuple[Example, Example]]) -> None:
    written = (ROOT / "docs" / DOC_FILES[lang]).read_text(encoding="utf-8")
    expected = markdown(load_settings(), lang, case_examples)
    assert written == expected, f"run `make docs` to regenerate docs/{DOC_FILES[lang]}"


@pytest.mark.parametrize("lang", list(DOC_FILES))
def test_each_doc_links_to_the_other(lang: str) -> None:
    text = (ROOT / "docs" / DOC_FILES[lang]).read_text(encoding="utf-8")
    (other,) = (name for code, name in DOC_FILES.items() if code != lang)
    assert f"]({other})" in text.split("\n## ")[0]


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_every_rule_says_what_and_why_in_both_languages(rule: Rule) -> None:
    doc = rule.doc
    assert len(doc.splitlines()[0]) > 10, f"{rule.code} needs a one-line summary"
    assert re.search(r"\bWhy\b", doc), f"{rule.code}: say why it matters"
    # Examples live in tests/rule_cases/, where they are run; a docstring's would drift.
    assert not re.search(r"^\s*(Fails|Passes):", doc, re.M), f"{rule.code}: examples in a docstring"
    assert sorted(rule.why) == ["en", "ja"], f"{rule.code}: why={{'ja': …, 'en': …}}"
    assert all(text.strip() for text in rule.why.values()), f"{rule.code}: a blank why"
    assert not SPACED_NUMBER.search(rule.why["ja"]), f"{rule.code}: 「12日」, not 「12 日」"


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
@pytest.mark.parametrize("lang", list(DOC_FILES))
def test_every_rule_section_shows_why_and_both_examples(
    rule: Rule, lang: str, case_examples: dict[str, tuple[Example, Example]]
) -> None:
    text = (ROOT / "docs" / DOC_FILES[lang]).read_text(encoding="utf-8")
    section = text.split(f"\n## {rule.code}\n")[1].split("\n## ")[0]
    assert rule.title[lang] in section and rule.why[lang] in section
    assert rule.code in case_examples, f"tests/rule_cases/{rule.code}.toml: a fail and a pass case"
    failing, passing = case_examples[rule.code]
    assert failing.name[lang] in section and passing.name[lang] in section
    assert failing.finding is not None, f"{rule.code}: its first failing case finds nothing"
    assert failing.finding.message[lang] in section


def test_japanese_docs_show_rows_as_a_team_types_them() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    section = text.split("\n## RNW001\n")[1].split("\n## ")[0]
    assert "「キー」シート: キーID=K-1、種類=楽天ライセンスキー" in section
    assert "発行日=2026-08-20" in section and "基準日 2026-11-30" in section


def test_the_readme_picture_shows_the_sample_report_as_it_is_now() -> None:
    # docs/summary.png is printed from the sample's report; docs/summary.json holds the
    # counts it shows. When they differ from a fresh check, run `make docs`.
    import importlib.util
    import json

    script = ROOT / "docs" / "make_summary_png.py"
    spec = importlib.util.spec_from_file_location("make_summary_png", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    stored = json.loads((ROOT / "docs" / "summary.json").read_text(encoding="utf-8"))
    assert stored == module.sample_facts(), "the README's picture is stale: run `make docs`"
    picture = (ROOT / "docs" / "summary.png").read_bytes()
    assert picture.startswith(b"\x89PNG") and len(picture) > 10_000


def test_make_report_runs_at_the_samples_date_unless_told_otherwise() -> None:
    # The sample is written for one date; at today's date its codes would drift away.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^SAMPLE_AS_OF := 2026-11-30$", makefile, re.M)
    assert re.search(r"^AS_OF \?= \$\(SAMPLE_AS_OF\)$", makefile, re.M)
    report = re.search(r"^report:.*\n\t(.*)$", makefile, re.M)
    assert report is not None and "$(REPORT_ARGS)" in report.group(1)
    assert re.search(r"^REPORT_ARGS := --as-of \$\(AS_OF\)$", makefile, re.M)
    docs = re.search(r"^docs:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert docs is not None and "docs/make_summary_png.py" in docs.group(1)
