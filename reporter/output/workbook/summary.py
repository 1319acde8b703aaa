"""The Summary sheet, the page a person reads first.

Sections top-down: the report's facts, counts by category and severity (with a
chart beside them), the rows reconciliation, the changes since the last report,
the trend, the rules that could not run, the ten most urgent actions and what
was resolved. Each section is written by its own function, which takes the row
it starts at and returns the row it ended on.
"""

from __future__ import annotations

from xlsxwriter.workbook import Workbook

from reporter import i18n
from reporter.comparison import Comparison, Entry
from reporter.i18n import pick
from reporter.model import CATEGORY_ORDER
from reporter.output.flat import (
    CATEGORY_LABEL,
    SEVERITY_LABEL,
    TOP_ACTIONS,
    Row,
    Summary,
    most_urgent,
    summarize,
)
from reporter.output.workbook import charts
from reporter.output.workbook.cells import (
    GRID,
    HEADER_FILL,
    LABEL,
    ROW_FILL,
    SECTION_ROW_HEIGHT,
    SEVERITIES,
    Sheet,
    header_props,
    row_props,
    safe,
    severity_props,
)
from reporter.output.workbook.columns import place, severity_text, sheet_label
from reporter.output.workbook.printing import FILL, Section, page_height, section_breaks
from reporter.output.workbook.sizing import DEFAULT_ROW_HEIGHT, row_height
from reporter.result import CheckResult
from reporter.rules import RULE_BY_CODE

# Summary columns: A labels, B-E numbers; in the top 10, F the rule's title and G the
# action, which gets the width (what to do is what a reader of the top 10 is after).
SUMMARY_WIDTHS = (16, 11, 11, 12, 12, 22, 76)
_COUNTS_ROW = 7  # the counts table (and the chart beside it) start here
_TABLE_COLUMNS = 5  # the counts, rows and trend tables span A-E
# A heading stays on the page of its table's header and first row.
_KEEP_ROWS = 2


def write_summary(
    workbook: Workbook,
    sheet: Sheet,
    result: CheckResult,
    rows: list[Row],
    register_name: str,
    register_sha256: str,
    comparison: Comparison,
) -> None:
    ws = sheet.ws
    ws.hide_gridlines(2)  # a page to read, not a grid to edit
    for c, w in enumerate(SUMMARY_WIDTHS):
        ws.set_column(c, c, w)
    summary = summarize(result)
    _write_facts(sheet, result, register_name, register_sha256, summary)
    sections: list[Section] = []

    table_rows, r = _write_counts(sheet, summary, _COUNTS_ROW)
    sections.append(Section(_COUNTS_ROW, r))
    start = r + 2
    r = _write_rows_read(sheet, result, start)
    sections.append(Section(start, r))
    # The chart stands right of the two tables above, never over them.
    widest = max(sum(counts.values()) for counts in summary.by_category.values())
    charts.insert_counts_chart(workbook, ws, sheet.lang, table_rows, _COUNTS_ROW, widest)
    r = max(r + 2, _COUNTS_ROW + charts.CHART_ROWS + 1)

    start = r
    r = _write_changes(sheet, comparison, start)
    sections.append(Section(start, r))
    # Rules not run: a table of its own when there are any (with every rule run,
    # the facts at the top say so in one line).
    if result.skipped:
        start = r + 2
        r = _write_skipped(sheet, result, start)
        sections.append(Section(start, min(r, start + _KEEP_ROWS)))
    # The ten most urgent actions: the heading, the header and the rows that fit one
    # page go together; a longer table goes on under its header repeated.
    start = r + 2
    r, urgent_sections = _write_urgent(sheet, rows, start)
    sections += urgent_sections
    # The trend needs two reports to be one; the first report's counts are above.
    if len(comparison.trend) > 1:
        start = r + 2
        r = _write_trend(workbook, sheet, comparison, start)
        sections.append(Section(start, r))
    # What was resolved, when anything was: the block "since last report" above
    # already says when there is no previous report or nothing was resolved, and a
    # one-line note here could end up alone on a printed page.
    if comparison.previous is not None and comparison.resolved:
        start = r + 2
        r = _write_resolved(sheet, comparison, start)
        sections.append(Section(start, min(r, start + _KEEP_ROWS)))

    heights = [sheet.heights.get(row, DEFAULT_ROW_HEIGHT) for row in range(r + 1)]
    ws.set_h_pagebreaks(section_breaks(heights, sections, page_height(SUMMARY_WIDTHS)))


def _t(sheet: Sheet, key: str, **params: object) -> str:
    return i18n.text(key, sheet.lang, **params)


def _write_facts(
    sheet: Sheet, result: CheckResult, register_name: str, register_sha256: str, summary: Summary
) -> None:
    """The title, the as-of date, the register file and its hash, rows 1-6."""
    sheet.text(0, 0, _t(sheet, "xl_report_title"), bold=True, font_size=16, font_color=HEADER_FILL)
    sheet.set_height(0, 28)
    sheet.text(1, 0, _t(sheet, "xl_as_of"), **LABEL)
    sheet.day(1, 1, result.as_of, align="left", bold=True)
    sheet.text(2, 0, _t(sheet, "xl_register"), **LABEL)
    sheet.text(2, 1, register_name)
    sheet.text(3, 0, _t(sheet, "xl_sha256"), **LABEL)
    sheet.text(3, 1, register_sha256, font_name="Consolas", font_size=9)
    sheet.text(4, 0, _t(sheet, "xl_excepted_count"), **LABEL)
    sheet.number(4, 1, summary.excepted, align="left")
    if not result.skipped:
        sheet.text(5, 0, _t(sheet, "xl_skipped_label"), **LABEL)
        sheet.text(5, 1, _t(sheet, "xl_skipped_none"))


def _severity_header(sheet: Sheet, r: int, first: str) -> None:
    """A table header: ``first``, the three severities, the total."""
    head = header_props()
    counted = [*(pick(SEVERITY_LABEL[s], sheet.lang) for s in SEVERITIES), _t(sheet, "xl_total")]
    sheet.text(r, 0, first, **head)
    for c, label in enumerate(counted, start=1):
        sheet.text(r, c, label, **head, align="center")
    _fit_header(sheet, r, [first, *counted])


def _write_counts(sheet: Sheet, summary: Summary, r: int) -> tuple[tuple[int, int, int], int]:
    """Counts by category and severity; the chart reads these cells.

    Returns the table's header, first and last category rows, and its last row.
    """
    sheet.section(r, _t(sheet, "xl_counts_title"), _TABLE_COLUMNS)
    r += 1
    header_row = r
    _severity_header(sheet, r, _t(sheet, "xl_category"))
    first_count_row = r + 1
    for category in CATEGORY_ORDER:
        r += 1
        counts = summary.by_category[category]
        sheet.text(r, 0, pick(CATEGORY_LABEL[category], sheet.lang), **GRID)
        for c, severity in enumerate(SEVERITIES, start=1):
            n = counts[severity]
            fill = {"bg_color": ROW_FILL[severity], "bold": True} if n else {}
            sheet.number(r, c, n, **GRID, **fill)
        sheet.number(r, 4, sum(counts.values()), **GRID, bold=True)
    last_count_row = r
    r += 1
    sheet.text(r, 0, _t(sheet, "xl_total"), **GRID, bold=True, top=2)
    for c, severity in enumerate(SEVERITIES, start=1):
        sheet.number(r, c, summary.by_severity[severity], **GRID, bold=True, top=2)
    sheet.number(r, 4, summary.total, **GRID, bold=True, top=2)
    return (header_row, first_count_row, last_count_row), r


def _write_rows_read(sheet: Sheet, result: CheckResult, r: int) -> int:
    """Rows reconciliation: rows read = clean + with findings, per sheet."""
    sheet.section(r, _t(sheet, "xl_rows_title"), _TABLE_COLUMNS)
    r += 1
    head = header_props()
    labels = [
        _t(sheet, key)
        for key in ("xl_rows_sheet", "xl_rows_read", "xl_rows_clean", "xl_rows_flagged")
    ]
    for c, label in enumerate(labels):
        sheet.text(r, c, label, **head, align="left" if c == 0 else "center")
    _fit_header(sheet, r, labels)
    totals = [0, 0, 0]
    for key, count in result.rows.items():
        r += 1
        name = result.register.sheets[key].name if key in result.register.sheets else key
        sheet.text(r, 0, safe(name), **GRID)
        for c, n in enumerate((count.read, count.clean, count.with_findings), start=1):
            sheet.number(r, c, n, **GRID)
            totals[c - 1] += n
    r += 1
    sheet.text(r, 0, _t(sheet, "xl_total"), **GRID, bold=True, top=2)
    for c, n in enumerate(totals, start=1):
        sheet.number(r, c, n, **GRID, bold=True, top=2)
    return r


def _write_changes(sheet: Sheet, comparison: Comparison, r: int) -> int:
    """The "since last report" block at row ``r``; returns its last row.

    Under the title: the previous report's date and file (or that there is none),
    then the counts side by side on one line, each label with its number to its right.
    """
    sheet.section(r, _t(sheet, "xl_changes_title"), _TABLE_COLUMNS)
    previous = comparison.previous
    r += 1
    if previous is None:
        sheet.text(r, 0, _t(sheet, "xl_no_previous"), italic=True)
    else:
        sheet.text(r, 0, _t(sheet, "xl_previous_as_of"), **LABEL)
        sheet.day(r, 1, previous.as_of, align="left", bold=True)
        r += 1
        sheet.text(r, 0, _t(sheet, "xl_previous_file"), **LABEL)
        # The name only: the full path may name a person's home folder.
        sheet.text(r, 1, previous.path.name)  # a file name: never masked
    counts = (
        ("xl_changes_new", comparison.new),
        ("xl_changes_open", comparison.still_open),
        ("xl_changes_resolved", len(comparison.resolved)),
    )
    r += 1
    for n, (key, count) in enumerate(counts):
        sheet.text(r, 2 * n, _t(sheet, key), **LABEL)
        sheet.number(r, 2 * n + 1, count, align="left")
    return r


def _write_trend(workbook: Workbook, sheet: Sheet, comparison: Comparison, r: int) -> int:
    """The counts of the last reports (oldest first) and their chart; returns the next free row."""
    chart_row = r
    sheet.section(r, _t(sheet, "xl_trend_title", count=len(comparison.trend)), _TABLE_COLUMNS)
    r += 1
    header_row = r
    _severity_header(sheet, r, _t(sheet, "xl_as_of"))
    for point in comparison.trend:
        r += 1
        current = point.as_of == comparison.as_of
        sheet.day(r, 0, point.as_of, **GRID, align="left", bold=current)
        for c, severity in enumerate(SEVERITIES, start=1):
            sheet.number(r, c, point.severity(severity), **GRID)
        sheet.number(r, 4, point.total, **GRID, bold=True)
    widest = max((p.total for p in comparison.trend), default=0)
    charts.insert_trend_chart(workbook, sheet.ws, sheet.lang, (header_row, r), chart_row, widest)
    return max(r, chart_row + charts.TREND_CHART_ROWS)


def _write_skipped(sheet: Sheet, result: CheckResult, r: int) -> int:
    """The rules skipped and why; returns the section's last row."""
    sheet.section(r, _t(sheet, "xl_skipped_title"), len(SUMMARY_WIDTHS))
    r += 1
    head = header_props()
    sheet.text(r, 0, _t(sheet, "xl_col_code"), **head)
    sheet.text(r, 1, _t(sheet, "xl_skipped_reason"), **head)
    for c in range(2, len(SUMMARY_WIDTHS)):
        sheet.blank(r, c, **head)
    _fit_header(sheet, r, [_t(sheet, "xl_col_code"), _t(sheet, "xl_skipped_reason")])
    for skipped in result.skipped:
        r += 1
        sheet.text(r, 0, skipped.code)
        sheet.text(r, 1, safe(pick(skipped.reason, sheet.lang)))
    return r


# What, where, by when, who, and what to do: the finding's full text (詳細) is on its sheet.
_URGENT_HEADERS = (
    "xl_col_severity",
    "xl_col_code",
    "xl_col_due",
    "xl_col_owner",
    "xl_col_place",
    "xl_col_title",
    "xl_col_action",
)


def _write_urgent(sheet: Sheet, rows: list[Row], r: int) -> tuple[int, list[Section]]:
    """The ten most urgent actions; returns the last row and the sections to print together.

    The rows that fit one printed page follow the heading and header; where more
    follow, a page break and the header again (a sheet repeats only one band of
    rows at the top of each page, the Summary's title).
    """
    lang = sheet.lang
    start = r
    sheet.section(r, _t(sheet, "xl_urgent_title", count=TOP_ACTIONS), len(SUMMARY_WIDTHS))
    r += 1
    _table_header(sheet, r, _URGENT_HEADERS)
    urgent = most_urgent(rows, TOP_ACTIONS)
    if not urgent:
        r += 1
        sheet.text(r, 0, _t(sheet, "no_actions"), italic=True)
    page = page_height(SUMMARY_WIDTHS) * FILL
    room = page - sheet.heights.get(0, DEFAULT_ROW_HEIGHT) - SECTION_ROW_HEIGHT - _HEADER_HEIGHT
    sections: list[Section] = []
    first_part_end: int | None = None
    used = 0.0
    for row in urgent:
        where = place(row, lang)
        texts = (where, row.title, safe(row.action))
        height = _long_texts_height(texts)
        if used and used + height > room:
            if first_part_end is None:
                first_part_end = r
            r += 1
            _table_header(sheet, r, _URGENT_HEADERS)
            sections.append(Section(r, r + 1, forced=True))
            used = 0.0
        r += 1
        used += height
        props = row_props(row)
        sheet.text(r, 0, severity_text(row, lang), **props)
        sheet.text(r, 1, row.code, **props)
        sheet.day(r, 2, row.due, **props)
        sheet.text(r, 3, safe(row.owner), **props)
        sheet.text(r, 4, where, **props, text_wrap=True)
        sheet.text(r, 5, texts[1], **props, text_wrap=True)
        sheet.text(r, 6, texts[2], **props, text_wrap=True)
        _fit_long_texts(sheet, r, texts)
    sections.insert(0, Section(start, first_part_end if first_part_end is not None else r))
    return r, sections


_HEADER_HEIGHT = 20.0


def _long_texts_height(texts: tuple[str, str, str]) -> float:
    height = row_height(list(zip(texts, SUMMARY_WIDTHS[4:], strict=True)))
    return DEFAULT_ROW_HEIGHT if height is None else height


def _table_header(sheet: Sheet, r: int, keys: tuple[str, ...]) -> None:
    head = header_props()
    labels = [_t(sheet, key) for key in keys]
    for c, label in enumerate(labels):
        sheet.text(r, c, label, **head)
    _fit_header(sheet, r, labels, at_least=_HEADER_HEIGHT)


def _fit_header(sheet: Sheet, r: int, labels: list[str], at_least: float | None = None) -> None:
    """A header row as tall as its labels need, wrapped in their columns (English ones wrap)."""
    needed = row_height(list(zip(labels, SUMMARY_WIDTHS, strict=False)))
    height = max((h for h in (needed, at_least) if h is not None), default=None)
    if height is not None:
        sheet.set_height(r, height)


def _fit_long_texts(sheet: Sheet, r: int, texts: tuple[str, str, str]) -> None:
    """Row ``r``'s height for the wrapped texts of columns E-G."""
    height = row_height(list(zip(texts, SUMMARY_WIDTHS[4:], strict=True)))
    if height is not None:
        sheet.set_height(r, height)


_RESOLVED_HEADERS = (
    "xl_col_severity",
    "xl_col_code",
    "xl_col_first_seen",
    "xl_col_owner",
    "xl_col_target",
    "xl_col_title",
    "xl_col_message",
)


def _write_resolved(sheet: Sheet, comparison: Comparison, r: int) -> int:
    """The findings of the previous report that are gone, with when they were first seen.

    Returns the last row.
    """
    sheet.section(r, _t(sheet, "xl_resolved_title"), len(SUMMARY_WIDTHS))
    r += 1
    _table_header(sheet, r, _RESOLVED_HEADERS)
    for entry in comparison.resolved:
        r += 1
        props = severity_props(entry.severity)
        target = _resolved_target(entry, sheet.lang)
        title = _resolved_title(entry, sheet.lang)
        sheet.text(r, 0, pick(SEVERITY_LABEL[entry.severity], sheet.lang), **props)
        sheet.text(r, 1, safe(entry.code), **props)
        sheet.day(r, 2, entry.first_seen, **props)
        sheet.text(r, 3, safe(entry.owner), **props)
        sheet.text(r, 4, target, **props, text_wrap=True)
        sheet.text(r, 5, title, **props, text_wrap=True)
        sheet.text(r, 6, safe(entry.message), **props, text_wrap=True)
        _fit_long_texts(sheet, r, (target, title, safe(entry.message)))
    return r


def _resolved_target(entry: Entry, lang: str) -> str:
    """The record id, else the sheet and cell the finding was on."""
    if entry.record_id:
        return safe(entry.record_id)
    if not entry.sheet:
        return i18n.text("workbook", lang)
    name = sheet_label(entry.sheet, lang)
    return f"{name}!{entry.cell}" if entry.cell else name


def _resolved_title(entry: Entry, lang: str) -> str:
    # In this report's language when the rule still exists; else as last month wrote it.
    rule = RULE_BY_CODE.get(entry.code)
    return pick(rule.title, lang) if rule is not None else safe(entry.title)
