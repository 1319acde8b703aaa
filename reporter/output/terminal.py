"""The readable table ``reporter check`` prints, grouped by sheet."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from reporter import i18n
from reporter.i18n import pick
from reporter.masking import ESCAPE_SEQUENCE, redact
from reporter.model import Category, Severity
from reporter.output.flat import SEVERITY_LABEL, Row, flatten, severity_counts
from reporter.procedures import procedures_used
from reporter.register.schema import SHEET_BY_KEY, SHEETS
from reporter.result import CheckResult, summarize
from reporter.text_width import display_width

# Line breaks and tabs inside a value become spaces: a register cell must not
# start a line of its own that reads like one of ours.
_BREAKS = re.compile("[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+")
# Beyond the C0 controls, what a terminal acts on or what reorders the line: DEL,
# the C1 controls (\x9b starts an escape sequence like ESC [), and the
# bidirectional marks, overrides and isolates (U+202E shows text backwards,
# "Trojan Source"). A character class body, shared with the JSON output.
TERMINAL_ACTIVE = "\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# What is left that a terminal would act on or that reorders the line.
_UNPRINTABLE = re.compile(f"[\x00-\x1f{TERMINAL_ACTIVE}]")


def printable(text: str) -> str:
    """``text`` safe to print on one terminal line: escape sequences and control characters removed."""
    if text.isprintable():
        return text
    return _UNPRINTABLE.sub("", _BREAKS.sub(" ", ESCAPE_SEQUENCE.sub("", text)))


def for_terminal(text: str | None) -> str:
    """Register-derived text for the terminal or the log: cleaned and masked (in that
    order, :func:`reporter.masking.redact`), then made one line."""
    return printable(redact(text)) if text else ""


def _safe_row(row: Row) -> Row:
    """``row`` with every text that can repeat the register made safe to print."""
    return dataclasses.replace(
        row,
        sheet_name=for_terminal(row.sheet_name),
        record_id=for_terminal(row.record_id),
        owner=for_terminal(row.owner),
        message=for_terminal(row.message),
        action=for_terminal(row.action),
        exception=for_terminal(row.exception) if row.exception is not None else None,
    )


# The categories whose message the terminal shows beside the action.
_MESSAGE_SHOWN = (Category.REGISTER, Category.SECURITY)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - display_width(text))


def render(result: CheckResult, lang: str, register_display: str) -> str:
    rows = [_safe_row(row) for row in flatten(result, lang)]
    lines = [
        i18n.text("term_header", lang, path=printable(register_display), as_of=result.as_of),
        "",
    ]
    for (sheet_key, other_sheet), group in _grouped(rows):
        if sheet_key:
            name = _sheet_title(result, sheet_key, lang)
        elif other_sheet:
            name = other_sheet  # a sheet that is not a register sheet (SEC001 reads them all)
        else:
            name = i18n.text("workbook", lang)
        lines.append(i18n.text("term_sheet", lang, name=name, count=len(group)))
        lines.extend(_finding_lines(row, lang) for row in group)
        lines.append("")
    if not rows:
        lines.extend([i18n.text("term_clean", lang), ""])
    summary = summarize(result)
    lines.append(
        i18n.text(
            "term_totals",
            lang,
            counts=severity_counts(summary.by_severity, lang),
            excepted=summary.excepted,
        )
    )
    for key, count in result.rows.items():
        lines.append(
            i18n.text(
                "term_rows",
                lang,
                sheet=_sheet_title(result, key, lang),
                read=count.read,
                clean=count.clean,
                flagged=count.with_findings,
            )
        )
    for skipped in result.skipped:
        lines.append(
            i18n.text(
                "term_skipped",
                lang,
                code=skipped.code,
                reason=for_terminal(pick(skipped.reason, lang)),
            )
        )
    lines.extend(_procedure_lines(result, lang))
    return "\n".join(lines)


def _sheet_title(result: CheckResult, key: str, lang: str) -> str:
    """A register sheet as the group heading and the rows line both name it: its name in
    the workbook, with the standard name beside it when the workbook calls it otherwise."""
    spec = SHEET_BY_KEY[key]
    standard = spec.ja if lang == "ja" else spec.en
    sheet = result.register.sheet(key)
    name = for_terminal(sheet.name) if sheet is not None and sheet.name else standard
    return name if name == standard else f"{name} ({standard})"


def _procedure_lines(result: CheckResult, lang: str) -> list[str]:
    """The procedures the findings name, once, after the list: id, what it does, platform
    (the actions name the screen). The numbered steps, their sources and the dates checked
    are in the report's Procedures sheet and in the JSON."""
    used = procedures_used(result.findings, lang, result.settings.procedures)
    if not used:
        return []
    lines = ["", i18n.text("term_procedures", lang, count=len(used))]
    for item in used:
        procedure = result.settings.procedures[item["id"]]
        lines.append(
            "  "
            + i18n.text(
                "term_procedure_head",
                lang,
                id=item["id"],
                title=procedure.title[lang],
                platform=item["platform"],
            )
        )
    lines.append(i18n.text("term_procedures_more", lang))
    return lines


def _grouped(rows: Iterable[Row]) -> list[tuple[tuple[str, str], list[Row]]]:
    """Rows by sheet: the workbook's own first, the register sheets, then any other sheet."""
    order = [("", ""), *((spec.key, "") for spec in SHEETS)]
    groups: dict[tuple[str, str], list[Row]] = {key: [] for key in order}
    for row in rows:
        key = (row.sheet, "") if row.sheet else ("", row.sheet_name)
        groups.setdefault(key, []).append(row)
    return [(key, group) for key, group in groups.items() if group]


def _finding_lines(row: Row, lang: str) -> str:
    severity = pad(pick(SEVERITY_LABEL[row.severity], lang), 8)
    place = pad(row.cell or "-", 6)
    ident = f" {row.record_id}" if row.record_id else ""
    extras = []
    if row.due is not None:
        extras.append(f"{i18n.text('term_due', lang)} {row.due.isoformat()}")
    if row.owner:
        extras.append(f"{i18n.text('term_owner', lang)} {row.owner}")
    tail = f"  [{', '.join(extras)}]" if extras else ""
    # What (the rule's title) and what to do: the action names the screen, the date and the
    # procedure. A problem in the register itself also says what is wrong with the cell,
    # which its action does not repeat (an info needs no more than its title and action).
    # The full wording is in the report and the JSON.
    lines = [f"  {severity}{row.code}  {place}{ident}  {row.title}{tail}"]
    if row.category in _MESSAGE_SHOWN and row.severity != Severity.INFO:
        lines.append(f"      {row.message}")
    lines.append(f"      → {row.action}")
    if row.excepted:
        lines.append(f"      ({i18n.text('term_excepted', lang, reason=row.exception or '')})")
    return "\n".join(lines)
