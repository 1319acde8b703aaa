"""The monthly report workbook (register-spec.md section 5).

This is the only module that imports xlsxwriter. It renders the flat rows of
:mod:`reporter.output.flat` into six sheets: a Summary a person reads first
(counts, the rows reconciliation, the changes since the last report and the
trend, rules not run, the ten most urgent actions, what was resolved, and
charts), one Excel table per category, and the rule catalogue. A seventh,
hidden sheet carries what next month's report compares with; its layout
belongs to :mod:`reporter.history`, and it holds plain values only.

Safety: the register is typed by many people, and the report is opened in
Excel by all of them. No text is ever written with ``worksheet.write`` (which
guesses formulas and links); every text goes through :func:`_Sheet.text`, which
uses ``write_string`` and marks text starting with a formula character with
``quote_prefix`` so that editing the cell in Excel keeps it text. The
workbook options turn off xlsxwriter's own string-to-formula/url/number guessing
as a second line of defence. Register-derived text is passed through
:func:`reporter.rules.security.redact` once more, so a secret that slipped into
a field the engine does not mask (an owner, an exception reason) is masked too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from reporter import history, i18n
from reporter.engine import CATEGORY_ORDER, CheckResult
from reporter.history import Comparison, Entry, Status
from reporter.model import Category, Severity
from reporter.output import catalogue
from reporter.output.flat import Row, flatten, most_urgent, summarize
from reporter.output.terminal import SEVERITY_LABEL
from reporter.output.terminal import width as terminal_width
from reporter.rules import RULE_BY_CODE
from reporter.rules.base import pick
from reporter.rules.security import redact
from reporter.schema import SHEET_BY_KEY

i18n.add(
    {
        # Sheet names (at most 31 characters, none of []:*?/\).
        "xl_sheet_summary": {"ja": "概要", "en": "Summary"},
        "xl_sheet_renewals": {"ja": "更新期限", "en": "Renewals"},
        "xl_sheet_revocations": {"ja": "権限取消", "en": "Revocations"},
        "xl_sheet_followups": {"ja": "通知対応", "en": "Follow-ups"},
        "xl_sheet_problems": {"ja": "台帳の問題", "en": "Register problems"},
        "xl_sheet_rules": {"ja": "ルール一覧", "en": "Rules"},
        # Category names in the counts table and the chart.
        "xl_cat_renewal": {"ja": "更新期限", "en": "Renewals"},
        "xl_cat_revocation": {"ja": "権限取消", "en": "Revocations"},
        "xl_cat_follow_up": {"ja": "通知対応", "en": "Follow-ups"},
        "xl_cat_register": {"ja": "台帳の問題", "en": "Register problems"},
        "xl_cat_security": {"ja": "秘密の値", "en": "Secrets"},
        # Titles above each findings table.
        "xl_title_renewals": {
            "ja": "更新期限(RNW): 期限切れ・期限間近のキー。期限の早い順。",
            "en": "Renewals (RNW): keys expired or expiring, earliest due first.",
        },
        "xl_title_revocations": {
            "ja": "権限取消(GRT): 取り消すべき権限と、取り消す場所。",
            "en": "Revocations (GRT): access to revoke, and where to revoke it.",
        },
        "xl_title_followups": {
            "ja": "通知対応(INC): 未対応の通知、次の対応・期限・不足書類・問い合わせ窓口。",
            "en": "Follow-ups (INC): open notices, the next step, deadline, "
            "missing documents and support channel.",
        },
        "xl_title_problems": {
            "ja": "台帳の問題(DAT・SEC): 台帳そのものの問題。シート・行・セルを示します。",
            "en": "Register problems (DAT, SEC): problems in the register itself, "
            "with sheet, row and cell.",
        },
        "xl_title_rules": {
            "ja": "ルール一覧: 各ルールの重大度、読むシート、使った値と出典。",
            "en": "Rules: each rule's severity, the sheets it reads, the values used "
            "and their source.",
        },
        "xl_count": {
            "ja": "{count}件(うち除外 {excepted}件)・基準日 {as_of}",
            "en": "{count} finding(s) ({excepted} excepted), as of {as_of}",
        },
        "xl_none": {
            "ja": "該当する指摘はありません。",
            "en": "Nothing found.",
        },
        # Column headers of the findings tables.
        "xl_col_severity": {"ja": "重大度", "en": "Severity"},
        "xl_col_code": {"ja": "コード", "en": "Code"},
        "xl_col_title": {"ja": "内容", "en": "Title"},
        "xl_col_record": {"ja": "対象ID", "en": "Record ID"},
        "xl_col_owner": {"ja": "担当者", "en": "Owner"},
        "xl_col_due": {"ja": "期限", "en": "Due"},
        "xl_col_days": {"ja": "超過日数", "en": "Days overdue"},
        "xl_col_place": {"ja": "場所", "en": "Sheet/cell"},
        "xl_col_sheet": {"ja": "シート", "en": "Sheet"},
        "xl_col_row": {"ja": "行", "en": "Row"},
        "xl_col_cell": {"ja": "セル", "en": "Cell"},
        "xl_col_message": {"ja": "詳細", "en": "Message"},
        "xl_col_action": {"ja": "次の対応", "en": "Next action"},
        "xl_col_excepted": {"ja": "除外(理由)", "en": "Excepted (reason)"},
        # Rules sheet.
        "xl_col_reads": {"ja": "読むシート", "en": "Sheets read"},
        "xl_col_params": {"ja": "使った値", "en": "Parameter"},
        "xl_col_value": {"ja": "値", "en": "Value in force"},
        "xl_col_source": {"ja": "出典", "en": "Source"},
        "xl_col_url": {"ja": "URL", "en": "URL"},
        "xl_col_checked": {"ja": "確認日", "en": "Checked"},
        # Summary sheet.
        "xl_report_title": {"ja": "台帳レポート(月次)", "en": "Register report (monthly)"},
        "xl_as_of": {"ja": "基準日", "en": "As of"},
        "xl_register": {"ja": "台帳ファイル", "en": "Register file"},
        "xl_sha256": {"ja": "SHA-256", "en": "SHA-256"},
        "xl_excepted_count": {"ja": "除外中の指摘", "en": "Excepted findings"},
        "xl_counts_title": {
            "ja": "カテゴリ別・重大度別の件数(除外分を除く)",
            "en": "Findings by category and severity (excepted ones not counted)",
        },
        "xl_category": {"ja": "カテゴリ", "en": "Category"},
        "xl_total": {"ja": "合計", "en": "Total"},
        "xl_rows_title": {
            "ja": "行数の照合(読んだ行 = 問題なし + 指摘あり)",
            "en": "Rows reconciliation (rows read = clean + with findings)",
        },
        "xl_rows_sheet": {"ja": "シート", "en": "Sheet"},
        "xl_rows_read": {"ja": "読んだ行", "en": "Rows read"},
        "xl_rows_clean": {"ja": "問題なし", "en": "Clean"},
        "xl_rows_flagged": {"ja": "指摘あり", "en": "With findings"},
        "xl_skipped_title": {
            "ja": "実行できなかったルール",
            "en": "Rules not run",
        },
        "xl_skipped_reason": {"ja": "理由", "en": "Why"},
        "xl_skipped_none": {
            "ja": "なし(すべてのルールを実行しました)",
            "en": "None: every rule ran.",
        },
        "xl_urgent_title": {
            "ja": "最優先の対応(上位10件)",
            "en": "Most urgent actions (top 10)",
        },
        "xl_chart_title": {
            "ja": "対応件数(カテゴリ別・重大度別)",
            "en": "Actions by category and severity",
        },
        # Changes since the last report.
        "xl_col_status": {"ja": "状況", "en": "Status"},
        "xl_status_new": {"ja": "新規", "en": "New"},
        "xl_status_open": {"ja": "継続({months}か月)", "en": "Open ({months} months)"},
        "xl_status_open_one": {"ja": "継続(1か月)", "en": "Open (1 month)"},
        "xl_changes_title": {
            "ja": "前回からの変化(除外分を除く)",
            "en": "Since last report (excepted ones not counted)",
        },
        "xl_no_previous": {
            "ja": "前回のレポートはありません(今回が最初)",
            "en": "No previous report (this is the first one)",
        },
        "xl_previous_as_of": {"ja": "前回の基準日", "en": "Previous as of"},
        "xl_previous_file": {"ja": "前回のレポート", "en": "Previous report"},
        "xl_changes_new": {"ja": "新規", "en": "New"},
        "xl_changes_open": {"ja": "継続", "en": "Still open"},
        "xl_changes_resolved": {"ja": "解決済み", "en": "Resolved"},
        "xl_trend_title": {
            "ja": "件数の推移(直近{count}回・除外分を除く)",
            "en": "Trend (last {count} reports, excepted ones not counted)",
        },
        "xl_trend_chart_title": {"ja": "件数の推移", "en": "Findings per report"},
        "xl_resolved_title": {
            "ja": "解決済み(前回のレポートにあり、今回はない指摘)",
            "en": "Resolved (in the previous report, gone from this one)",
        },
        "xl_resolved_none": {
            "ja": "前回から解決した指摘はありません。",
            "en": "Nothing was resolved since the previous report.",
        },
        "xl_col_first_seen": {"ja": "初回検出", "en": "First seen"},
        "xl_col_target": {"ja": "対象", "en": "Record/cell"},
        "xl_footer_as_of": {"ja": "基準日", "en": "As of"},
    }
)

# Light fills for table rows and strong colours for the chart, per severity.
ROW_FILL = {Severity.ERROR: "#F8D7DA", Severity.WARNING: "#FFF2CC", Severity.INFO: "#DDEBF7"}
CHART_FILL = {Severity.ERROR: "#C0392B", Severity.WARNING: "#F0A30A", Severity.INFO: "#2E75B6"}
HEADER_FILL = "#1F3864"
BORDER_COLOR = "#BFBFBF"
DATE_FORMAT = "yyyy-mm-dd"
# Days overdue stays a number (sortable, filterable); the format reads it out:
# positive = late, negative = days left, zero = due today.
DAYS_FORMAT = {
    "ja": '0"日超過";"あと"0"日";"当日"',
    "en": '0" days late";"in "0" days";"due today"',
}
# Meiryo UI ships with every Windows since Vista and is compact for Japanese;
# elsewhere the viewer substitutes a Japanese font.
FONT = {"font_name": "Meiryo UI", "font_size": 10}

# A text starting with one of these becomes a formula (or DDE call) when a user
# edits the cell in Excel; full-width forms included because Japanese Excel
# converts ＝ typed through the IME as well.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

WRAP_CAP = 50  # widest a wrapped long-text column gets, in character widths


def needs_quote_prefix(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


class _Formats:
    """Formats by their properties, created once each (Excel caps the number of styles)."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[tuple[str, Any], ...], Format] = {}

    def get(self, **props: Any) -> Format:
        key = tuple(sorted(props.items()))
        found = self._cache.get(key)
        if found is None:
            found = self._workbook.add_format({**FONT, **props})
            self._cache[key] = found
        return found


class _Sheet:
    """One worksheet and the typed writers every cell goes through."""

    def __init__(self, ws: Worksheet, formats: _Formats, lang: str) -> None:
        self.ws = ws
        self.formats = formats
        self.lang = lang

    def text(self, row: int, col: int, value: Any, **props: Any) -> None:
        """Write ``value`` as text, never as a formula or a link."""
        text = "" if value is None else str(value)
        if not text:
            self.blank(row, col, **props)
            return
        if needs_quote_prefix(text):
            props["quote_prefix"] = True
        self.ws.write_string(row, col, text, self.formats.get(**props))

    def number(self, row: int, col: int, value: float | None, **props: Any) -> None:
        if value is None:
            self.blank(row, col, **props)
        else:
            self.ws.write_number(row, col, value, self.formats.get(**props))

    def day(self, row: int, col: int, value: date | None, **props: Any) -> None:
        if value is None:
            self.blank(row, col, **props)
        else:
            self.ws.write_datetime(
                row, col, value, self.formats.get(num_format=DATE_FORMAT, **props)
            )

    def blank(self, row: int, col: int, **props: Any) -> None:
        # A blank with a format keeps the row's colour and borders across the table.
        if props:
            self.ws.write_blank(row, col, None, self.formats.get(**props))


@dataclass(frozen=True)
class _Column:
    header: str  # i18n key
    kind: str  # text | wrap | date | number | days
    value: Callable[[Row, str], Any]
    cap: int = 30
    minimum: int = 6


def _safe(text: str | None) -> str:
    """Register-derived text, with any secret-looking part masked once more."""
    return redact(text) if text else ""


def _place(row: Row, lang: str) -> str:
    if not row.sheet and not row.sheet_name:
        return i18n.text("workbook", lang)
    name = _safe(row.sheet_name) or _sheet_label(row.sheet, lang)
    return f"{name}!{row.cell}" if row.cell else name


def _sheet_label(key: str, lang: str) -> str:
    spec = SHEET_BY_KEY.get(key)
    if spec is None:
        return key
    return spec.ja if lang == "ja" else spec.en


def _severity(row: Row, lang: str) -> str:
    return pick(SEVERITY_LABEL[row.severity], lang)


_SEVERITY_COL = _Column("xl_col_severity", "text", _severity, minimum=6)
_CODE_COL = _Column("xl_col_code", "text", lambda r, lang: r.code, minimum=7)
_TITLE_COL = _Column("xl_col_title", "wrap", lambda r, lang: r.title, cap=28)
_RECORD_COL = _Column("xl_col_record", "text", lambda r, lang: _safe(r.record_id), cap=20)
_OWNER_COL = _Column("xl_col_owner", "text", lambda r, lang: _safe(r.owner), cap=16)
_DUE_COL = _Column("xl_col_due", "date", lambda r, lang: r.due, minimum=11)
_DAYS_COL = _Column("xl_col_days", "days", lambda r, lang: r.days_overdue, minimum=10)
_PLACE_COL = _Column("xl_col_place", "text", _place, cap=24)
_SHEET_COL = _Column(
    "xl_col_sheet",
    "text",
    lambda r, lang: _safe(r.sheet_name) or _sheet_label(r.sheet, lang),
    cap=20,
)
_ROW_COL = _Column("xl_col_row", "number", lambda r, lang: r.row, minimum=5)
# The status depends on the previous report, not on the row: filled in by
# _write_findings from the comparison.
_STATUS_COL = _Column("xl_col_status", "status", lambda r, lang: "", cap=16, minimum=8)
_CELL_COL = _Column("xl_col_cell", "text", lambda r, lang: r.cell, minimum=5)
_MESSAGE_COL = _Column("xl_col_message", "wrap", lambda r, lang: _safe(r.message), cap=WRAP_CAP)
_ACTION_COL = _Column("xl_col_action", "wrap", lambda r, lang: _safe(r.action), cap=WRAP_CAP)
_EXCEPTED_COL = _Column(
    "xl_col_excepted", "wrap", lambda r, lang: _safe(r.exception) if r.excepted else "", cap=30
)

FINDING_COLUMNS: tuple[_Column, ...] = (
    _SEVERITY_COL,
    _CODE_COL,
    _TITLE_COL,
    _RECORD_COL,
    _OWNER_COL,
    _DUE_COL,
    _DAYS_COL,
    _STATUS_COL,
    _PLACE_COL,
    _MESSAGE_COL,
    _ACTION_COL,
    _EXCEPTED_COL,
)
# The register's maintainer fixes cells: sheet, row and cell get a column each.
PROBLEM_COLUMNS: tuple[_Column, ...] = (
    _SEVERITY_COL,
    _CODE_COL,
    _TITLE_COL,
    _SHEET_COL,
    _ROW_COL,
    _CELL_COL,
    _RECORD_COL,
    _OWNER_COL,
    _DUE_COL,
    _DAYS_COL,
    _STATUS_COL,
    _MESSAGE_COL,
    _ACTION_COL,
    _EXCEPTED_COL,
)


def _earliest_due_first(rows: list[Row]) -> list[Row]:
    # Most overdue first; excepted ones (accepted by the team) after the rest;
    # the engine's urgency order breaks ties (sorted() is stable).
    return sorted(rows, key=lambda r: (r.excepted, r.due is None, r.due or date.max))


def _as_is(rows: list[Row]) -> list[Row]:
    return rows  # already in the engine's urgency order


@dataclass(frozen=True)
class FindingSheet:
    name: str  # i18n key of the sheet name
    title: str  # i18n key of the line above the table
    table: str  # Excel table name (ASCII, unique in the workbook)
    categories: tuple[Category, ...]
    columns: tuple[_Column, ...]
    order: Callable[[list[Row]], list[Row]]


FINDING_SHEETS: tuple[FindingSheet, ...] = (
    FindingSheet(
        "xl_sheet_renewals",
        "xl_title_renewals",
        "Renewals",
        (Category.RENEWAL,),
        FINDING_COLUMNS,
        _earliest_due_first,
    ),
    FindingSheet(
        "xl_sheet_revocations",
        "xl_title_revocations",
        "Revocations",
        (Category.REVOCATION,),
        FINDING_COLUMNS,
        _as_is,
    ),
    FindingSheet(
        "xl_sheet_followups",
        "xl_title_followups",
        "FollowUps",
        (Category.FOLLOW_UP,),
        FINDING_COLUMNS,
        _as_is,
    ),
    FindingSheet(
        "xl_sheet_problems",
        "xl_title_problems",
        "RegisterProblems",
        (Category.REGISTER, Category.SECURITY),
        PROBLEM_COLUMNS,
        _as_is,
    ),
)

TITLE_ROW = 0
HEADER_ROW = 1  # findings and rules tables: a title line, then the header
FIRST_DATA_ROW = 2


def sheet_names(lang: str) -> list[str]:
    """The report's sheet names in ``lang``, in workbook order."""
    keys = ["xl_sheet_summary", *(s.name for s in FINDING_SHEETS), "xl_sheet_rules"]
    return [i18n.text(key, lang) for key in keys]


def write_workbook(
    result: CheckResult,
    path: Path,
    lang: str,
    register_name: str,
    register_sha256: str,
    comparison: Comparison | None = None,
) -> None:
    """Write the report for ``result`` to ``path`` (overwriting it).

    ``comparison`` is ``result`` against the previous report (see
    :func:`reporter.history.compare`); without it this is the first report and
    every finding is new. Raises OSError when the file cannot be created; the
    caller decides what that means for the user (see :mod:`reporter.report`).
    """
    if comparison is None:
        comparison = history.compare(result, None)
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
    formats = _Formats(workbook)
    rows = flatten(result, lang)
    footer = _footer(result.as_of, lang)
    # Rows are re-sorted per sheet; their status follows them by identity.
    statuses = {id(row): s for row, s in zip(rows, comparison.statuses, strict=True)}

    summary = _Sheet(workbook.add_worksheet(i18n.text("xl_sheet_summary", lang)), formats, lang)
    _write_summary(
        workbook, summary, result, rows, lang, register_name, register_sha256, comparison
    )
    _print_setup(summary.ws, footer, repeat=(TITLE_ROW, TITLE_ROW))

    for spec in FINDING_SHEETS:
        sheet = _Sheet(workbook.add_worksheet(i18n.text(spec.name, lang)), formats, lang)
        chosen = spec.order([r for r in rows if r.category in spec.categories])
        _write_findings(sheet, spec, chosen, result.as_of, lang, statuses)
        _print_setup(sheet.ws, footer, repeat=(HEADER_ROW, HEADER_ROW))

    rules = _Sheet(workbook.add_worksheet(i18n.text("xl_sheet_rules", lang)), formats, lang)
    _write_rules(rules, result, lang)
    _print_setup(rules.ws, footer, repeat=(HEADER_ROW, HEADER_ROW))

    hidden = _Sheet(workbook.add_worksheet(history.HISTORY_SHEET), formats, lang)
    _write_history(hidden, history.history_cells(result, rows, comparison, register_name))

    summary.ws.activate()
    try:
        workbook.close()
    except FileCreateError as error:
        # xlsxwriter wraps the OSError; hand the original (PermissionError, …) to the
        # caller, which tells the user what to do about each kind.
        cause = error.args[0] if error.args else None
        if isinstance(cause, OSError):
            raise cause from error
        raise OSError(str(error)) from error


# --- the findings sheets -----------------------------------------------------


def _row_props(row: Row) -> dict[str, Any]:
    props: dict[str, Any] = {
        "bg_color": ROW_FILL[row.severity],
        "border": 1,
        "border_color": BORDER_COLOR,
        "valign": "top",
    }
    if row.excepted:
        # Still listed, but visibly set aside: the team accepted it.
        props["font_color"] = "#7F7F7F"
        props["italic"] = True
    return props


def _header_props() -> dict[str, Any]:
    return {
        "bold": True,
        "font_color": "#FFFFFF",
        "bg_color": HEADER_FILL,
        "border": 1,
        "border_color": BORDER_COLOR,
        "text_wrap": True,
        "valign": "vcenter",
    }


def status_text(status: Status, lang: str) -> str:
    """新規 / 継続(3か月): what the Status column shows."""
    if status.new:
        return i18n.text("xl_status_new", lang)
    if status.months_open == 1:
        return i18n.text("xl_status_open_one", lang)
    return i18n.text("xl_status_open", lang, months=status.months_open)


_NUMBER_KINDS = frozenset({"number", "days"})
# Per cell of a row style: (format of a value, of a blank, of text that needs a quote prefix).
_CellFormats = tuple[Format, Format, Format]


def _cell_formats(
    sheet: _Sheet, columns: Sequence[_Column], row: Row, new: bool
) -> list[_CellFormats]:
    """The formats of each cell of a findings row in ``row``'s style."""
    get = sheet.formats.get
    result = []
    for column in columns:
        props = _row_props(row)
        if column.kind == "status" and new:
            props["bold"] = True  # new findings stand out: what changed is what a reader seeks
        if column.kind == "date":
            blank = get(**props)
            value = get(num_format=DATE_FORMAT, **props)
        elif column.kind == "days":
            blank = value = get(num_format=DAYS_FORMAT[sheet.lang], **props)
        else:
            if column.kind == "wrap":
                props["text_wrap"] = True
            blank = value = get(**props)
        result.append((value, blank, get(quote_prefix=True, **props)))
    return result


def _write_findings(
    sheet: _Sheet,
    spec: FindingSheet,
    rows: list[Row],
    as_of: date,
    lang: str,
    statuses: dict[int, Status],
) -> None:
    ws = sheet.ws
    headers = [i18n.text(c.header, lang) for c in spec.columns]
    excepted = sum(1 for r in rows if r.excepted)
    count = i18n.text("xl_count", lang, count=len(rows), excepted=excepted, as_of=as_of.isoformat())
    # One unwrapped line: it reads across the empty cells to its right.
    sheet.text(TITLE_ROW, 0, f"{i18n.text(spec.title, lang)}  {count}", bold=True, font_size=12)
    ws.set_row(TITLE_ROW, 22)
    values = [
        [
            status_text(statuses[id(row)], lang)
            if column.kind == "status"
            else column.value(row, lang)
            for column in spec.columns
        ]
        for row in rows
    ]
    widths = _widths(spec.columns, headers, values)

    last_row = FIRST_DATA_ROW + max(len(rows), 1) - 1
    header_format = sheet.formats.get(**_header_props())
    ws.add_table(
        HEADER_ROW,
        0,
        last_row,
        len(spec.columns) - 1,
        {
            "name": spec.table,
            "style": "Table Style Light 1",
            "banded_rows": False,
            "columns": [{"header": h, "header_format": header_format} for h in headers],
        },
    )
    ws.set_row(HEADER_ROW, 30)
    wrapped = [c for c, column in enumerate(spec.columns) if column.kind == "wrap"]
    kinds = [column.kind for column in spec.columns]
    # A large register has tens of thousands of findings: the formats of each row
    # style are looked up once, and cells go straight to the typed writers.
    styles: dict[tuple[Severity, bool, bool], list[_CellFormats]] = {}
    for r, (row, row_values) in enumerate(zip(rows, values, strict=True), start=FIRST_DATA_ROW):
        new = statuses[id(row)].new
        style = (row.severity, row.excepted, new)
        cell_formats = styles.get(style)
        if cell_formats is None:
            cell_formats = styles[style] = _cell_formats(sheet, spec.columns, row, new)
        for c, value in enumerate(row_values):
            value_format, blank_format, quoted_format = cell_formats[c]
            if value is None or value == "":
                ws.write_blank(r, c, None, blank_format)
            elif kinds[c] == "date":
                ws.write_datetime(r, c, value, value_format)
            elif kinds[c] in _NUMBER_KINDS:
                ws.write_number(r, c, value, value_format)
            else:
                text = str(value)
                quoted = quoted_format if needs_quote_prefix(text) else value_format
                ws.write_string(r, c, text, quoted)
        _fit_row(ws, r, [(row_values[c], widths[c]) for c in wrapped])
    if not rows:
        # xlsxwriter needs one data row in a table; it carries the "nothing found" note,
        # unwrapped so it reads across the empty cells beside it.
        sheet.text(FIRST_DATA_ROW, 0, i18n.text("xl_none", lang), italic=True)
    for c, w in enumerate(widths):
        wrap = spec.columns[c].kind == "wrap"
        ws.set_column(c, c, w, sheet.formats.get(text_wrap=True) if wrap else None)
    ws.freeze_panes(FIRST_DATA_ROW, 0)


def _widths(
    columns: Sequence[_Column], headers: Sequence[str], values: Sequence[Sequence[Any]]
) -> list[float]:
    """Column widths that fit the text (Japanese counts double), capped for long text."""
    result = []
    for c, column in enumerate(columns):
        # +3 leaves room for the table's filter button beside the header.
        widest = _text_width(headers[c]) + 3
        # Codes, severities, owners repeat: each distinct value is measured once.
        for value in {row[c] for row in values}:
            if widest + 1 >= column.cap:
                break  # capped: no need to measure the rest
            widest = max(widest, _value_width(value, column.kind))
        result.append(float(max(column.minimum, min(column.cap, widest + 1))))
    return result


def _value_width(value: Any, kind: str) -> int:
    if value is None or value == "":
        return 0
    if kind == "date":
        return 10
    if kind == "days":
        return 12
    if kind == "number":
        return len(str(value))
    return _text_width(str(value))


LINE_HEIGHT = 13.5  # points per line of 10 pt Meiryo UI in Excel
ROW_PADDING = 2.0


def _fit_row(ws: Worksheet, row: int, cells: Sequence[tuple[Any, float]]) -> None:
    """Give a row the height its wrapped text needs.

    Neither LibreOffice nor every Excel recomputes row heights when opening a
    file, so wrapped text would be cut off (or drawn over the next row).
    ``cells`` holds (text, column width) for the row's wrapped cells.
    """
    lines = 1
    for value, col_width in cells:
        if not isinstance(value, str) or not value:
            continue
        if len(value) * 2 <= col_width - 1 and "\n" not in value:
            continue  # one line even if every character is full-width
        # 5% margin: viewers substitute fonts that run wider than Meiryo UI.
        usable = max(1.0, (col_width - 1) * 0.95)
        needed = sum(_lines(display_width(line), col_width, usable) for line in value.split("\n"))
        lines = max(lines, needed)
    if lines > 1:
        ws.set_row(row, lines * LINE_HEIGHT + ROW_PADDING)


def _lines(text_width: int, col_width: float, usable: float) -> int:
    # Text no wider than the column (whose width was sized to it) stays on one line.
    if text_width <= col_width - 1:
        return 1
    return max(1, math.ceil(text_width / usable))


def _text_width(text: str) -> int:
    return max((display_width(line) for line in text.splitlines()), default=0)


def display_width(text: str) -> int:
    """Width in Excel's character units: full-width (Japanese) characters count two."""
    if text.isascii():
        return len(text)
    try:
        # In CP932 (Windows Japanese) a full-width character takes two bytes and a
        # half-width one one byte: the byte count is the width, worked out in C.
        return len(text.encode("cp932"))
    except UnicodeEncodeError:  # emoji, characters outside JIS
        return terminal_width(text)


# --- the rules sheet ---------------------------------------------------------

# One row per rule and parameter in force, the rule's columns repeated, so that
# each value sits beside its own source and a filter on the code shows them all.
_RULE_COLUMNS: tuple[tuple[str, int, bool], ...] = (  # (header key, widest, wrap)
    ("xl_col_code", 8, False),
    ("xl_col_severity", 8, False),
    ("xl_col_title", 30, True),
    ("xl_col_reads", 24, True),
    ("xl_col_params", 34, True),
    ("xl_col_value", 44, True),
    ("xl_col_source", 40, True),
    ("xl_col_url", 50, True),
    ("xl_col_checked", 11, False),
)


def _write_rules(sheet: _Sheet, result: CheckResult, lang: str) -> None:
    ws = sheet.ws
    headers = [i18n.text(key, lang) for key, _, _ in _RULE_COLUMNS]
    table: list[tuple[Severity, list[Any]]] = []
    for entry in catalogue.entries(result.settings, lang):
        rule_cells = [
            entry.code,
            pick(SEVERITY_LABEL[Severity(entry.severity)], lang),
            entry.title,
            entry.sheets,
        ]
        parameters = entry.parameters or (None,)
        for p in parameters:
            if p is None:
                facts: list[Any] = ["", "", "", "", None]
            else:
                # The URL stays plain text: no cell of the report is a link (spec section 5).
                facts = [p.name, p.value, p.source_title, p.source_url, _iso_date(p.checked)]
            table.append((Severity(entry.severity), rule_cells + facts))

    sheet.text(TITLE_ROW, 0, i18n.text("xl_title_rules", lang), bold=True, font_size=12)
    ws.set_row(TITLE_ROW, 22)
    header_format = sheet.formats.get(**_header_props())
    ws.add_table(
        HEADER_ROW,
        0,
        FIRST_DATA_ROW + max(len(table), 1) - 1,
        len(headers) - 1,
        {
            "name": "Rules",
            "style": "Table Style Light 1",
            "banded_rows": False,
            "columns": [{"header": h, "header_format": header_format} for h in headers],
        },
    )
    ws.set_row(HEADER_ROW, 30)
    widths = []
    for c, (_, cap, _) in enumerate(_RULE_COLUMNS):
        widest = max(
            [_text_width(headers[c]) + 3, *(_value_width(v[c], "text") + 1 for _, v in table)]
        )
        widths.append(float(max(6, min(cap, widest))))
    cell = {"border": 1, "border_color": BORDER_COLOR, "valign": "top"}
    for r, (severity, values) in enumerate(table, start=FIRST_DATA_ROW):
        for c, value in enumerate(values):
            props = dict(cell)
            if c == 1:
                props["bg_color"] = ROW_FILL[severity]
            if _RULE_COLUMNS[c][2]:
                props["text_wrap"] = True
            if isinstance(value, date):
                sheet.day(r, c, value, **props)
            else:
                sheet.text(r, c, value, **props)
        wrapped = [(values[c], widths[c]) for c, col in enumerate(_RULE_COLUMNS) if col[2]]
        _fit_row(ws, r, wrapped)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.freeze_panes(FIRST_DATA_ROW, 0)


def _iso_date(text: str) -> date | None:
    """A checked date as a real date; a value from the config file has none ("None")."""
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


# --- the summary sheet -------------------------------------------------------

# Summary columns: A labels, B-E numbers, F-G the long text of the top-10 actions.
_SUMMARY_WIDTHS = (16, 12, 11, 14, 16, 48, 48)
_CHART_ROWS = 16  # the chart's height in default rows (20 px each)


def _write_summary(
    workbook: Workbook,
    sheet: _Sheet,
    result: CheckResult,
    rows: list[Row],
    lang: str,
    register_name: str,
    register_sha256: str,
    comparison: Comparison,
) -> None:
    ws = sheet.ws
    ws.hide_gridlines(2)  # a page to read, not a grid to edit
    for c, w in enumerate(_SUMMARY_WIDTHS):
        ws.set_column(c, c, w)
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    label = {"bold": True, "font_color": "#404040"}
    section = {
        "bold": True,
        "font_size": 12,
        "font_color": HEADER_FILL,
        "bottom": 2,
        "bottom_color": HEADER_FILL,
    }
    head = _header_props()
    grid = {"border": 1, "border_color": BORDER_COLOR}

    sheet.text(0, 0, t("xl_report_title"), bold=True, font_size=16, font_color=HEADER_FILL)
    ws.set_row(0, 28)
    sheet.text(2, 0, t("xl_as_of"), **label)
    sheet.day(2, 1, result.as_of, align="left", bold=True)
    sheet.text(3, 0, t("xl_register"), **label)
    sheet.text(3, 1, register_name)
    sheet.text(4, 0, t("xl_sha256"), **label)
    sheet.text(4, 1, register_sha256, font_name="Consolas", font_size=9)
    summary = summarize(result)
    sheet.text(5, 0, t("xl_excepted_count"), **label)
    sheet.number(5, 1, summary.excepted, align="left")

    # Counts by category and severity; the chart reads these cells.
    r = 7
    for c in range(5):
        sheet.blank(r, c, **section)
    sheet.text(r, 0, t("xl_counts_title"), **section)
    r += 1
    severities = (Severity.ERROR, Severity.WARNING, Severity.INFO)
    header_row = r
    sheet.text(r, 0, t("xl_category"), **head)
    for c, severity in enumerate(severities, start=1):
        sheet.text(r, c, pick(SEVERITY_LABEL[severity], lang), **head, align="center")
    sheet.text(r, 4, t("xl_total"), **head, align="center")
    first_count_row = r + 1
    for category in CATEGORY_ORDER:
        r += 1
        counts = summary.by_category[category]
        sheet.text(r, 0, t(f"xl_cat_{category}"), **grid)
        for c, severity in enumerate(severities, start=1):
            n = counts[severity]
            fill = {"bg_color": ROW_FILL[severity], "bold": True} if n else {}
            sheet.number(r, c, n, **grid, **fill)
        sheet.number(r, 4, sum(counts.values()), **grid, bold=True)
    last_count_row = r
    r += 1
    sheet.text(r, 0, t("xl_total"), **grid, bold=True, top=2)
    for c, severity in enumerate(severities, start=1):
        sheet.number(r, c, summary.by_severity[severity], **grid, bold=True, top=2)
    sheet.number(r, 4, summary.total, **grid, bold=True, top=2)

    # Rows reconciliation: rows read = clean + with findings, per sheet.
    r += 2
    for c in range(5):
        sheet.blank(r, c, **section)
    sheet.text(r, 0, t("xl_rows_title"), **section)
    r += 1
    for c, key in enumerate(("xl_rows_sheet", "xl_rows_read", "xl_rows_clean", "xl_rows_flagged")):
        sheet.text(r, c, t(key), **head, align="left" if c == 0 else "center")
    totals = [0, 0, 0]
    for key, count in result.rows.items():
        r += 1
        name = result.register.sheets[key].name if key in result.register.sheets else key
        sheet.text(r, 0, _safe(name), **grid)
        for c, n in enumerate((count.read, count.clean, count.with_findings), start=1):
            sheet.number(r, c, n, **grid)
            totals[c - 1] += n
    r += 1
    sheet.text(r, 0, t("xl_total"), **grid, bold=True, top=2)
    for c, n in enumerate(totals, start=1):
        sheet.number(r, c, n, **grid, bold=True, top=2)

    # The chart stands right of the two tables above, never over them.
    chart_row = 7
    widest = max(sum(counts.values()) for counts in summary.by_category.values())
    _insert_chart(
        workbook, ws, lang, (header_row, first_count_row, last_count_row), chart_row, widest
    )
    r = max(r + 2, chart_row + _CHART_ROWS + 1)

    r = _write_changes(sheet, comparison, lang, r)
    r = _write_trend(workbook, sheet, comparison, lang, r + 2)

    # Rules skipped and why.
    for c in range(7):
        sheet.blank(r, c, **section)
    sheet.text(r, 0, t("xl_skipped_title"), **section)
    r += 1
    if result.skipped:
        sheet.text(r, 0, t("xl_col_code"), **head)
        sheet.text(r, 1, t("xl_skipped_reason"), **head)
        for c in range(2, 7):
            sheet.blank(r, c, **head)
        for skipped in result.skipped:
            r += 1
            sheet.text(r, 0, skipped.code)
            sheet.text(r, 1, _safe(pick(skipped.reason, lang)))
    else:
        sheet.text(r, 0, t("xl_skipped_none"))

    # The ten most urgent actions, on a printed page of their own: their long
    # texts would otherwise start at the foot of the overview page and split.
    r += 2
    ws.set_h_pagebreaks([r])
    for c in range(7):
        sheet.blank(r, c, **section)
    sheet.text(r, 0, t("xl_urgent_title"), **section)
    r += 1
    urgent = most_urgent(rows, 10)
    keys = (
        "xl_col_severity",
        "xl_col_code",
        "xl_col_due",
        "xl_col_owner",
        "xl_col_place",
        "xl_col_message",
        "xl_col_action",
    )
    for c, key in enumerate(keys):
        sheet.text(r, c, t(key), **head)
    ws.set_row(r, 20)
    if not urgent:
        r += 1
        sheet.text(r, 0, t("no_actions"), italic=True)
    for row in urgent:
        r += 1
        props = _row_props(row)
        sheet.text(r, 0, _severity(row, lang), **props)
        sheet.text(r, 1, row.code, **props)
        sheet.day(r, 2, row.due, **props)
        sheet.text(r, 3, _safe(row.owner), **props)
        sheet.text(r, 4, _place(row, lang), **props, text_wrap=True)
        sheet.text(r, 5, _safe(row.message), **props, text_wrap=True)
        sheet.text(r, 6, _safe(row.action), **props, text_wrap=True)
        _fit_row(
            ws,
            r,
            [
                (_place(row, lang), _SUMMARY_WIDTHS[4]),
                (_safe(row.message), _SUMMARY_WIDTHS[5]),
                (_safe(row.action), _SUMMARY_WIDTHS[6]),
            ],
        )

    # What was resolved since the previous report, on a page of its own too.
    _write_resolved(sheet, comparison, lang, r + 2)


def _section(sheet: _Sheet, r: int, title: str, columns: int) -> None:
    """A section title with a rule under it across ``columns`` columns."""
    props = {
        "bold": True,
        "font_size": 12,
        "font_color": HEADER_FILL,
        "bottom": 2,
        "bottom_color": HEADER_FILL,
    }
    for c in range(columns):
        sheet.blank(r, c, **props)
    sheet.text(r, 0, title, **props)


def _write_changes(sheet: _Sheet, comparison: Comparison, lang: str, r: int) -> int:
    """The "since last report" block at row ``r``; returns its last row."""
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    label = {"bold": True, "font_color": "#404040"}
    _section(sheet, r, t("xl_changes_title"), 5)
    previous = comparison.previous
    if previous is None:
        r += 1
        sheet.text(r, 0, t("xl_no_previous"), italic=True)
    else:
        r += 1
        sheet.text(r, 0, t("xl_previous_as_of"), **label)
        sheet.day(r, 1, previous.as_of, align="left", bold=True)
        r += 1
        sheet.text(r, 0, t("xl_previous_file"), **label)
        # The name only: the full path may name a person's home folder.
        sheet.text(r, 1, previous.path.name)  # a file name: never masked
    counts = (
        ("xl_changes_new", comparison.new),
        ("xl_changes_open", comparison.still_open),
        ("xl_changes_resolved", len(comparison.resolved)),
    )
    for key, n in counts:
        r += 1
        sheet.text(r, 0, t(key), **label)
        sheet.number(r, 1, n, align="left")
    return r


_TREND_CHART_ROWS = 13  # the trend chart's height in default rows


def _write_trend(
    workbook: Workbook, sheet: _Sheet, comparison: Comparison, lang: str, r: int
) -> int:
    """The counts of the last reports (oldest first) and their chart; returns the next free row."""
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    head = _header_props()
    grid = {"border": 1, "border_color": BORDER_COLOR}
    severities = (Severity.ERROR, Severity.WARNING, Severity.INFO)
    chart_row = r
    _section(sheet, r, t("xl_trend_title", count=len(comparison.trend)), 5)
    r += 1
    header_row = r
    sheet.text(r, 0, t("xl_as_of"), **head)
    for c, severity in enumerate(severities, start=1):
        sheet.text(r, c, pick(SEVERITY_LABEL[severity], lang), **head, align="center")
    sheet.text(r, 4, t("xl_total"), **head, align="center")
    for point in comparison.trend:
        r += 1
        current = point.as_of == comparison.as_of
        sheet.day(r, 0, point.as_of, **grid, align="left", bold=current)
        for c, severity in enumerate(severities, start=1):
            sheet.number(r, c, point.severity(severity), **grid)
        sheet.number(r, 4, point.total, **grid, bold=True)
    widest = max((p.total for p in comparison.trend), default=0)
    _insert_trend_chart(workbook, sheet.ws, lang, (header_row, r), chart_row, widest)
    return max(r, chart_row + _TREND_CHART_ROWS)


def _insert_trend_chart(
    workbook: Workbook,
    ws: Worksheet,
    lang: str,
    table_rows: tuple[int, int],
    anchor_row: int,
    widest: int,
) -> None:
    """Stacked columns per report: the total and its make-up by severity, month by month."""
    header_row, last_row = table_rows
    name = ws.get_name()
    chart = workbook.add_chart({"type": "column", "subtype": "stacked"})
    for c, severity in enumerate((Severity.ERROR, Severity.WARNING, Severity.INFO), start=1):
        chart.add_series(
            {
                "name": [name, header_row, c],
                "categories": [name, header_row + 1, 0, last_row, 0],
                "values": [name, header_row + 1, c, last_row, c],
                "fill": {"color": CHART_FILL[severity]},
                "border": {"color": "#FFFFFF"},
                "gap": 80,
            }
        )
    chart.set_title(
        {
            "name": i18n.text("xl_trend_chart_title", lang),
            "name_font": {"size": 11, "bold": True, **_chart_font()},
        }
    )
    # A text axis: a date axis would space the reports by days and draw a slot
    # for every day between two monthly reports.
    chart.set_x_axis({"text_axis": True, "num_format": DATE_FORMAT, "num_font": _chart_font()})
    value_axis: dict[str, Any] = {
        "num_format": "0",
        "major_unit": _nice_step(widest),
        "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
        "num_font": _chart_font(),
        "min": 0,
    }
    if not widest:
        value_axis["max"] = 5
    chart.set_y_axis(value_axis)
    chart.set_legend({"position": "bottom", "font": _chart_font()})
    chart.set_chartarea({"border": {"color": BORDER_COLOR}})
    chart.set_size({"width": 620, "height": _TREND_CHART_ROWS * 20 - 10})
    ws.insert_chart(anchor_row, 5, chart, {"x_offset": 12, "y_offset": 0, "object_position": 2})


def _write_resolved(sheet: _Sheet, comparison: Comparison, lang: str, r: int) -> None:
    """The findings of the previous report that are gone, with when they were first seen."""
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    ws = sheet.ws
    if comparison.resolved:
        # A list of its own gets its own printed page; a one-line note does not.
        ws.set_h_pagebreaks([*ws.hbreaks, r])
    _section(sheet, r, t("xl_resolved_title"), 7)
    r += 1
    if comparison.previous is None:
        sheet.text(r, 0, t("xl_no_previous"), italic=True)
        return
    if not comparison.resolved:
        sheet.text(r, 0, t("xl_resolved_none"), italic=True)
        return
    keys = (
        "xl_col_severity",
        "xl_col_code",
        "xl_col_first_seen",
        "xl_col_owner",
        "xl_col_target",
        "xl_col_title",
        "xl_col_message",
    )
    head = _header_props()
    for c, key in enumerate(keys):
        sheet.text(r, c, t(key), **head)
    ws.set_row(r, 20)
    for entry in comparison.resolved:
        r += 1
        props = {
            "bg_color": ROW_FILL[entry.severity],
            "border": 1,
            "border_color": BORDER_COLOR,
            "valign": "top",
        }
        target = _resolved_target(entry, lang)
        title = _resolved_title(entry, lang)
        sheet.text(r, 0, pick(SEVERITY_LABEL[entry.severity], lang), **props)
        sheet.text(r, 1, _safe(entry.code), **props)
        sheet.day(r, 2, entry.first_seen, **props)
        sheet.text(r, 3, _safe(entry.owner), **props)
        sheet.text(r, 4, target, **props, text_wrap=True)
        sheet.text(r, 5, title, **props, text_wrap=True)
        sheet.text(r, 6, _safe(entry.message), **props, text_wrap=True)
        _fit_row(
            ws,
            r,
            [
                (target, _SUMMARY_WIDTHS[4]),
                (title, _SUMMARY_WIDTHS[5]),
                (_safe(entry.message), _SUMMARY_WIDTHS[6]),
            ],
        )


def _resolved_target(entry: Entry, lang: str) -> str:
    """The record id, else the sheet and cell the finding was on."""
    if entry.record_id:
        return _safe(entry.record_id)
    if not entry.sheet:
        return i18n.text("workbook", lang)
    name = _sheet_label(entry.sheet, lang)
    return f"{name}!{entry.cell}" if entry.cell else name


def _resolved_title(entry: Entry, lang: str) -> str:
    # In this report's language when the rule still exists; else as last month wrote it.
    rule = RULE_BY_CODE.get(entry.code)
    return pick(rule.title, lang) if rule is not None else _safe(entry.title)


# --- the hidden history sheet ---------------------------------------------------


def _write_history(sheet: _Sheet, grid: list[list[history.Cell]]) -> None:
    """Write the grid of :func:`reporter.history.history_cells`, typed, and hide the sheet.

    Plain hidden (not "very hidden"): whoever wonders what the report carries
    can unhide it in Excel; the protection only guards against a slip of the
    keyboard, which would spoil next month's comparison.
    """
    ws = sheet.ws
    # One row per finding: written with the formats looked up once, since a
    # large register has tens of thousands of findings.
    quoted = sheet.formats.get(quote_prefix=True)
    day = sheet.formats.get(num_format=DATE_FORMAT)
    for r, values in enumerate(grid):
        for c, value in enumerate(values):
            if isinstance(value, str):
                # Masked already by history_cells; masking the keys again here
                # could change them and break next month's matching.
                if value:
                    ws.write_string(r, c, value, quoted if needs_quote_prefix(value) else None)
            elif isinstance(value, date):
                ws.write_datetime(r, c, value, day)
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
    ws.set_column(0, 0, 40)
    ws.set_column(1, len(history.FINDING_FIELDS), 14)
    ws.protect()
    ws.hide()


def _insert_chart(
    workbook: Workbook,
    ws: Worksheet,
    lang: str,
    table_rows: tuple[int, int, int],
    anchor_row: int,
    widest: int,
) -> None:
    """A stacked bar of actions by category and severity, read from the counts table.

    ``table_rows`` are the counts table's header, first and last category rows;
    ``widest`` the largest category total, which sets whole-number gridlines.
    """
    header_row, first_row, last_row = table_rows
    name = ws.get_name()
    chart = workbook.add_chart({"type": "bar", "subtype": "stacked"})
    for c, severity in enumerate((Severity.ERROR, Severity.WARNING, Severity.INFO), start=1):
        chart.add_series(
            {
                "name": [name, header_row, c],
                "categories": [name, first_row, 0, last_row, 0],
                "values": [name, first_row, c, last_row, c],
                "fill": {"color": CHART_FILL[severity]},
                "border": {"color": "#FFFFFF"},
                "gap": 60,
                # Zero segments get no label: "0;-0;;" has an empty zero section.
                "data_labels": {
                    "value": True,
                    "num_format": "0;-0;;",
                    "font": {"color": "#FFFFFF", "bold": True, **_chart_font()},
                },
            }
        )
    chart.set_title(
        {
            "name": i18n.text("xl_chart_title", lang),
            "name_font": {"size": 12, "bold": True, **_chart_font()},
        }
    )
    # Categories top-down in the table's order, the value axis at the bottom.
    chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": _chart_font()})
    value_axis: dict[str, Any] = {
        "num_format": "0",
        # Whole numbers only: Excel would otherwise tick 0.5 for small counts.
        "major_unit": _nice_step(widest),
        "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
        "num_font": _chart_font(),
        "min": 0,
    }
    if not widest:
        value_axis["max"] = 5  # an empty chart still gets a sensible scale
    chart.set_x_axis(value_axis)
    chart.set_legend({"position": "bottom", "font": _chart_font()})
    chart.set_chartarea({"border": {"color": BORDER_COLOR}})
    chart.set_size({"width": 620, "height": _CHART_ROWS * 20 - 10})
    ws.insert_chart(anchor_row, 5, chart, {"x_offset": 12, "y_offset": 0, "object_position": 2})


def _chart_font() -> dict[str, Any]:
    return {"name": FONT["font_name"]}


# --- print settings ----------------------------------------------------------


def _footer(as_of: date, lang: str) -> str:
    # Header/footer text is ours only; '&' would start a control code, so none is used.
    return f"&L{i18n.text('xl_footer_as_of', lang)} {as_of.isoformat()}&R&P / &N"


def _print_setup(ws: Worksheet, footer: str, repeat: tuple[int, int]) -> None:
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
    ws.repeat_rows(*repeat)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_header("&L&A")  # the sheet's name, top left of every page
    ws.set_footer(footer)


def _nice_step(maximum: int) -> int:
    """A whole-number tick step giving about five gridlines, in 1-2-5 steps."""
    if maximum <= 5:
        return 1
    raw = maximum / 5
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return int(factor * power)
    return int(10 * power)
