"""The monthly report workbook.

This package is the only place that imports xlsxwriter. It renders the flat rows
of :mod:`reporter.output.flat` into seven sheets: a Summary a person reads first
(:mod:`.summary`), one Excel table per category (:mod:`.findings`), the full
steps of the procedures the actions name (:mod:`.procedures_sheet`), and the rule
catalogue (:mod:`.rules_sheet`). An eighth, hidden sheet carries what next
month's report compares with (:mod:`.history_sheet`); its layout belongs to
:mod:`reporter.comparison`, and it holds plain values only.

Safety: every cell goes through the typed writers of :mod:`.cells`, or is added
as a typed value to a :class:`.bulk.BulkSheet` row; neither lets a text become a
formula or a link. The workbook options below turn off xlsxwriter's own
string-to-formula/url/number guessing as a second line of defence.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from reporter import i18n
from reporter.comparison import HISTORY_SHEET, Comparison, compare
from reporter.output.flat import flatten
from reporter.output.workbook.bulk import ROW_SHEET
from reporter.output.workbook.cells import FONT, HEADER_ROW, TITLE_ROW, Formats, Sheet
from reporter.output.workbook.findings import FINDING_SHEETS, write_findings
from reporter.output.workbook.history_sheet import history_cells, write_history
from reporter.output.workbook.printing import footer, print_setup
from reporter.output.workbook.procedures_sheet import write_procedures
from reporter.output.workbook.rules_sheet import write_rules
from reporter.output.workbook.sizing import FittedRowsSheet
from reporter.output.workbook.summary import write_summary
from reporter.result import CheckResult

__all__ = ["sheet_names", "write_workbook"]


def sheet_names(lang: str) -> list[str]:
    """The report's sheet names in ``lang``, in workbook order."""
    keys = [
        "xl_sheet_summary",
        *(s.name for s in FINDING_SHEETS),
        "procedures_sheet",
        "xl_sheet_rules",
    ]
    return [i18n.text(key, lang) for key in keys]


def write_workbook(
    result: CheckResult,
    path: Path,
    lang: str,
    register_name: str,
    register_sha256: str,
    comparison: Comparison | None = None,
    before_close: Callable[[], None] | None = None,
) -> None:
    """Write the report for ``result`` to ``path`` (overwriting it).

    ``before_close`` is called once every cell is written, just before the
    workbook is zipped (mostly zlib, which lets other threads run).

    ``comparison`` is ``result`` against the previous report (see
    :func:`reporter.comparison.compare`); without it this is the first report and
    every finding is new. Raises OSError when the file cannot be created; the
    caller decides what that means for the user (see :mod:`reporter.delivery.report_file`).
    """
    if comparison is None:
        comparison = compare(result, None)
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            # Never guess: register text stays text, whatever it starts with.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_format_properties": dict(FONT),
        },
    )
    workbook.set_properties(
        {
            "title": f"{i18n.text('xl_report_title', lang)} {result.as_of.isoformat()}",
            "subject": register_name,
            "author": "reporter",
            "comments": f"SHA-256 {register_sha256}",
        }
    )
    formats = Formats(workbook)
    rows = flatten(result, lang)
    page_footer = footer(result.as_of, lang)
    # Rows are re-sorted per sheet; their status follows them by identity.
    statuses = {id(row): s for row, s in zip(rows, comparison.statuses, strict=True)}

    def add_sheet(name: str, bulk: bool = False) -> Sheet:
        # The sheets with a row per finding take their rows whole (see bulk.py).
        worksheet_class = ROW_SHEET if bulk else FittedRowsSheet
        return Sheet(workbook.add_worksheet(name, worksheet_class), formats, lang)

    summary = add_sheet(i18n.text("xl_sheet_summary", lang))
    write_summary(workbook, summary, result, rows, register_name, register_sha256, comparison)
    print_setup(summary.ws, page_footer, repeat=(TITLE_ROW, TITLE_ROW))

    for spec in FINDING_SHEETS:
        sheet = add_sheet(i18n.text(spec.name, lang), bulk=True)
        chosen = spec.order([r for r in rows if r.category in spec.categories])
        write_findings(sheet, spec, chosen, result.as_of, statuses)
        print_setup(sheet.ws, page_footer, repeat=(HEADER_ROW, HEADER_ROW))

    # The full steps the actions name by id, once, right after the findings.
    procedures = add_sheet(i18n.text("procedures_sheet", lang))
    write_procedures(procedures, result)
    print_setup(procedures.ws, page_footer, repeat=(HEADER_ROW, HEADER_ROW))

    rules = add_sheet(i18n.text("xl_sheet_rules", lang))
    write_rules(rules, result)
    print_setup(rules.ws, page_footer, repeat=(HEADER_ROW, HEADER_ROW))

    write_history(
        add_sheet(HISTORY_SHEET, bulk=True),
        history_cells(result, rows, comparison, register_name),
    )

    summary.ws.activate()
    if before_close is not None:
        before_close()
    try:
        workbook.close()
    except FileCreateError as error:
        # xlsxwriter wraps the OSError; hand the original (PermissionError, …) to the
        # caller, which tells the user what to do about each kind.
        cause = error.args[0] if error.args else None
        if isinstance(cause, OSError):
            raise cause from error
        raise OSError(str(error)) from error
