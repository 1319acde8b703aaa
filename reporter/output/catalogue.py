"""The rule catalogue (``reporter rules`` and the report's Rules sheet).

Each rule with its code, severity, title, the sheets it reads and the platform
values it uses, with the value in force and its source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from reporter import i18n
from reporter.output.flat import SEVERITY_LABEL
from reporter.rules import RULES, Rule
from reporter.rules.base import pick
from reporter.schema import SHEET_BY_KEY

i18n.add(
    {
        "cat_header": {
            "ja": "ルール一覧({count}件)。値と出典はルールファイルのものです。",
            "en": "Rule catalogue ({count} rules). Values and sources come from the rules file.",
        },
        "cat_reads": {"ja": "読むシート", "en": "reads"},
        "cat_all_sheets": {"ja": "全シート", "en": "every sheet"},
        "cat_source": {"ja": "出典", "en": "source"},
        "cat_checked": {"ja": "確認日", "en": "checked"},
    }
)


@dataclass(frozen=True)
class Parameter:
    name: str
    value: str
    source_title: str
    source_url: str
    checked: str


@dataclass(frozen=True)
class Entry:
    code: str
    severity: str
    category: str
    title: str
    sheets: str
    parameters: tuple[Parameter, ...]
    description: str


def parameters_of(rule: Rule, settings: Any, lang: str = "ja") -> tuple[Parameter, ...]:
    """The facts in force for the values a rule declares in ``params``."""
    found = []
    for fact in settings.facts():
        if any(fact.name == p or fact.name.startswith(p + ".") for p in rule.params):
            found.append(
                Parameter(
                    name=fact.name,
                    value=fact.display(lang),
                    source_title=fact.source_title,
                    source_url=fact.source_url,
                    checked="" if fact.checked is None else str(fact.checked),
                )
            )
    return tuple(found)


def entries(settings: Any, lang: str) -> list[Entry]:
    result = []
    for rule in RULES:
        if rule.sheets:
            sheets = ", ".join(
                SHEET_BY_KEY[s].ja if lang == "ja" else SHEET_BY_KEY[s].en for s in rule.sheets
            )
        else:
            sheets = i18n.text("cat_all_sheets", lang)
        result.append(
            Entry(
                code=rule.code,
                severity=str(rule.severity),
                category=str(rule.category),
                title=pick(rule.title, lang),
                sheets=sheets,
                parameters=parameters_of(rule, settings, lang),
                description=rule.doc.split("\n", 1)[0],
            )
        )
    return result


def render(settings: Any, lang: str) -> str:
    items = entries(settings, lang)
    lines = [i18n.text("cat_header", lang, count=len(items)), ""]
    for entry in items:
        severity = pick(SEVERITY_LABEL[_severity(entry.severity)], lang)
        lines.append(f"{entry.code}  [{severity}]  {entry.title}")
        lines.append(f"    {i18n.text('cat_reads', lang)}: {entry.sheets}")
        for parameter in entry.parameters:
            lines.append(
                f"    {parameter.name} = {parameter.value}  "
                f"({i18n.text('cat_source', lang)}: {parameter.source_title}, "
                f"{parameter.source_url}; {i18n.text('cat_checked', lang)} {parameter.checked})"
            )
    return "\n".join(lines)


def _severity(value: str) -> Any:
    from reporter.model import Severity

    return Severity(value)


def to_json(settings: Any, lang: str) -> str:
    data = [
        {
            "code": e.code,
            "severity": e.severity,
            "category": e.category,
            "title": e.title,
            "sheets": e.sheets,
            "description": e.description,
            "parameters": [p.__dict__ for p in e.parameters],
        }
        for e in entries(settings, lang)
    ]
    return json.dumps({"rules": data}, ensure_ascii=False, indent=2)


def markdown(settings: Any) -> str:
    """docs/rules.md: every rule with both titles, what it catches, and its sources."""
    lines = [
        "# Rule catalogue",
        "",
        "Generated from the rule registry by `make docs`; a test fails when this file",
        "is out of date, so every rule is documented. Values are those of the built-in",
        "rules file (`reporter/rules.toml`); `reporter rules` shows the values in force.",
        "",
        "| code | severity | title | タイトル |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| [{r.code}](#{r.code.lower()}) | {r.severity} | {r.title['en']} | {r.title['ja']} |"
        for r in RULES
    ]
    for rule in RULES:
        sheets = ", ".join(SHEET_BY_KEY[s].en for s in rule.sheets) or "every sheet"
        lines += [
            "",
            f"## {rule.code}",
            "",
            f"**{rule.title['en']}** / {rule.title['ja']}  ",
            f"Severity: {rule.severity}; category: {rule.category}; reads: {sheets}.",
            "",
            rule.doc,
        ]
        parameters = parameters_of(rule, settings, "en")
        if parameters:
            lines += ["", "| parameter | value | source | checked |", "|---|---|---|---|"]
            lines += [
                f"| `{p.name}` | {p.value} | [{p.source_title}]({p.source_url}) | {p.checked} |"
                for p in parameters
            ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    from reporter.platform import load_settings

    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    sys.stdout.write(markdown(load_settings()))
