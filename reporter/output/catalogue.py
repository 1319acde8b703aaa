"""The rule catalogue (``reporter rules`` and the report's Rules sheet).

Each rule with its code, severity, title, the sheets it reads and the platform
values it uses, with the value in force and its source; then the platform
changes of the rules file (RNW010), whose ids the register's 対応確認済み names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reporter import i18n
from reporter.i18n import pick
from reporter.output.flat import CATEGORY_LABEL, SEVERITY_LABEL
from reporter.register.schema import PLATFORM, PURPOSE, SHEET_BY_KEY
from reporter.rules import RULES, Rule


@dataclass(frozen=True)
class Parameter:
    name: str
    value: str
    source_title: str
    source_url: str
    checked: str
    unconfirmed: str = ""  # what the source could not confirm, as the rules file says


@dataclass(frozen=True)
class Entry:
    code: str
    severity: str
    category: str
    title: str
    sheets: str
    parameters: tuple[Parameter, ...]
    description: str
    why: str


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
                    unconfirmed=fact.unconfirmed,
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
                why=pick(rule.why, lang),
            )
        )
    return result


def change_entries(settings: Any, lang: str) -> list[dict[str, Any]]:
    """The platform changes in force (RNW010), as ``reporter rules --json`` lists them."""
    return [
        {
            "id": change.id,
            "title": pick(change.title, lang),
            "deadline": change.deadline.isoformat(),
            "platforms": list(change.platforms),
            "purposes": list(change.purposes),
            "what": pick(change.what, lang),
            "source_title": change.source_title,
            "source_url": change.source_url,
            "checked": change.checked.isoformat(),
            "unconfirmed": change.unconfirmed,
        }
        for change in settings.changes
    ]


def _change_lines(settings: Any, lang: str) -> list[str]:
    changes = change_entries(settings, lang)
    if not changes:
        return []
    lines = ["", i18n.text("cat_changes_header", lang, count=len(changes)), ""]
    for change in changes:
        lines.append(f"{change['id']}  {change['title']}")
        lines.append(f"    {i18n.text('cat_change_deadline', lang)}: {change['deadline']}")
        applies = i18n.text(
            "cat_change_applies",
            lang,
            # The register's own spellings: Japanese labels, or the codes in English.
            platforms=", ".join(PLATFORM.label(code, lang) for code in change["platforms"]),
            purposes=", ".join(PURPOSE.label(code, lang) for code in change["purposes"]),
        )
        lines.append(f"    {applies}")
        lines.append(f"    {change['what']}")
        lines.append(
            f"    ({i18n.text('cat_source', lang)}: {change['source_title']}, "
            f"{change['source_url']}; {i18n.text('cat_checked', lang)} {change['checked']})"
        )
    return lines


def render(settings: Any, lang: str) -> str:
    items = entries(settings, lang)
    lines = [i18n.text("cat_header", lang, count=len(items)), ""]
    for entry in items:
        severity = pick(SEVERITY_LABEL[_severity(entry.severity)], lang)
        lines.append(f"{entry.code}  [{severity}]  {entry.title}")
        lines.append(f"    {i18n.text('cat_why', lang)}: {entry.why}")
        lines.append(f"    {i18n.text('cat_reads', lang)}: {entry.sheets}")
        for parameter in entry.parameters:
            lines.append(
                f"    {parameter.name} = {parameter.value}  "
                f"({i18n.text('cat_source', lang)}: {parameter.source_title}, "
                f"{parameter.source_url}; {i18n.text('cat_checked', lang)} {parameter.checked})"
            )
    lines += _change_lines(settings, lang)
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
            "why": e.why,
            "parameters": [p.__dict__ for p in e.parameters],
        }
        for e in entries(settings, lang)
    ]
    changes = change_entries(settings, lang)
    return json.dumps({"rules": data, "changes": changes}, ensure_ascii=False, indent=2)


# --- docs/rules.md (Japanese) and docs/rules.en.md ---------------------------------------------

DOC_FILES = {"ja": "rules.md", "en": "rules.en.md"}


@dataclass(frozen=True)
class ExampleSheet:
    """One sheet of an example register: rows of {header: value}, or a grid as written."""

    name: str
    rows: tuple[dict[str, Any], ...] = ()
    grid: tuple[list[Any], ...] = ()


@dataclass(frozen=True)
class ExampleFinding:
    """Where the example's finding is, and what it says, in both languages."""

    sheet_name: dict[str, str]
    cell: str
    due: Any
    message: dict[str, str]
    action: dict[str, str]


@dataclass(frozen=True)
class Example:
    """A rule case shown in the docs: its name, date, register rows and (failing) finding."""

    name: dict[str, str]
    as_of: Any
    sheets: tuple[ExampleSheet, ...]
    finding: ExampleFinding | None = None


def _cell_text(value: Any, lang: str) -> str:
    if value is None or value == "":
        return i18n.text("doc_blank", lang)
    if isinstance(value, dict) and "formula" in value:
        return i18n.text(
            "doc_formula", lang, formula=f"`{value['formula']}`", result=value.get("result", "")
        )
    if isinstance(value, bool):
        return str(value).lower()
    text = str(value).replace("\n", " / ")
    # Quoted when it holds the list's own separator ("invoice.pdf、納品書.png").
    if "、" in text or ", " in text or "=" in text:
        return f"「{text}」" if lang == "ja" else f'"{text}"'
    return text


def _example_lines(example: Example, lang: str) -> list[str]:
    separator = "、" if lang == "ja" else ", "
    lines = [f"- {i18n.text('doc_as_of', lang, as_of=example.as_of)}"]
    for sheet in example.sheets:
        for record in sheet.rows:
            cells = separator.join(f"{h}={_cell_text(v, lang)}" for h, v in record.items())
            lines.append(f"- {i18n.text('doc_sheet_rows', lang, sheet=sheet.name, cells=cells)}")
        if not sheet.rows and not sheet.grid:
            lines.append(f"- {i18n.text('doc_sheet_empty', lang, sheet=sheet.name)}")
        for number, grid_row in enumerate(sheet.grid, start=1):
            cells = separator.join(_cell_text(v, lang) for v in grid_row)
            lines.append(
                "- " + i18n.text("doc_sheet_grid", lang, sheet=sheet.name, row=number, cells=cells)
            )
    if not example.sheets:
        lines.append(f"- {i18n.text('doc_no_sheets', lang)}")
    found = example.finding
    if found is not None:
        sheet_name = found.sheet_name[lang]
        place = i18n.text("doc_place", lang, sheet=sheet_name, cell=found.cell)
        sheet_only = i18n.text("doc_sheet_only", lang, sheet=sheet_name)
        where = [place] if found.cell else [sheet_only] if sheet_name else []
        if found.due is not None:
            where.append(i18n.text("doc_due", lang, due=found.due))
        label = i18n.text("doc_found", lang)
        joined = separator.join(where)
        where_text = (f"({joined})" if lang == "ja" else f" ({joined})") if where else ""
        lines.append(f"- {label}{where_text}: {found.message[lang]}")
        lines.append(f"- {i18n.text('doc_action', lang)}: {found.action[lang]}")
    return lines


def markdown(
    settings: Any,
    lang: str = "ja",
    examples: Mapping[str, tuple[Example, Example]] | None = None,
) -> str:
    """docs/rules.md (``ja``) or docs/rules.en.md (``en``): every rule with its title, why it
    matters, its platform values and their sources, and a failing and a passing example.

    ``examples`` (code -> first failing case, first passing case) come from the rule cases
    under tests/, read by ``make docs``; the package itself never needs them.
    """
    examples = examples or {}
    lines = [
        f"# {i18n.text('doc_title', lang)}",
        "",
        i18n.text("doc_other_lang", lang),
        "",
        i18n.text("doc_intro", lang),
        "",
        i18n.text("doc_table_head", lang),
    ]
    lines += [
        f"| [{r.code}](#{r.code.lower()}) | {pick(SEVERITY_LABEL[r.severity], lang)} "
        f"| {pick(r.title, lang)} |"
        for r in RULES
    ]
    for rule in RULES:
        if rule.sheets:
            sheets = ("、" if lang == "ja" else ", ").join(
                SHEET_BY_KEY[s].ja if lang == "ja" else SHEET_BY_KEY[s].en for s in rule.sheets
            )
        else:
            sheets = i18n.text("cat_all_sheets", lang)
        meta = i18n.text(
            "doc_meta",
            lang,
            severity=pick(SEVERITY_LABEL[rule.severity], lang),
            category=pick(CATEGORY_LABEL[rule.category], lang),
            sheets=sheets,
        )
        lines += ["", f"## {rule.code}", "", f"**{pick(rule.title, lang)}**  ", meta]
        if rule.why.get(lang):
            lines += ["", f"{i18n.text('doc_why', lang)}: {rule.why[lang]}"]
        if rule.code in examples:
            failing, passing = examples[rule.code]
            for key, example in (("doc_fail", failing), ("doc_pass", passing)):
                name = example.name[lang]
                lines += ["", i18n.text(key, lang, name=name), "", *_example_lines(example, lang)]
        parameters = parameters_of(rule, settings, lang)
        if parameters:
            lines += ["", i18n.text("doc_params_head", lang)]
            lines += [
                f"| `{p.name}` | {p.value} | [{p.source_title}]({p.source_url}){_unconfirmed(p, lang)}"
                f" | {p.checked} |"
                for p in parameters
            ]
    return "\n".join(lines) + "\n"


def _unconfirmed(parameter: Parameter, lang: str) -> str:
    """What the source could not confirm, under the source (the rules file says it)."""
    if not parameter.unconfirmed:
        return ""
    return f"<br>**{i18n.text('doc_unconfirmed', lang)}**: {parameter.unconfirmed}"


if __name__ == "__main__":
    # `make docs`: python -m reporter.output.catalogue ja|en, from the project's root.
    # The examples are the rule cases under tests/ (a development command: `reporter rules`
    # and the report never read them).
    import sys

    from reporter.platform import load_settings
    from tests.rule_case_files import examples as case_examples

    language = sys.argv[1] if len(sys.argv) > 1 else "ja"
    if language not in DOC_FILES:
        sys.exit(f"usage: python -m reporter.output.catalogue [{'|'.join(DOC_FILES)}]")
    settings = load_settings()
    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    sys.stdout.write(markdown(settings, language, case_examples(settings)))
