"""Register problems (DAT): what is wrong with the register itself, cell by cell.

These rules read what the loader recorded (missing sheets and columns, cells it
could not read) and the parsed values; every finding names its sheet, row and
cell so that whoever keeps the register can fix it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator

from reporter.limits import FIRST_DATE, LAST_DATE, MAX_DAYS
from reporter.model import Finding, Record, Severity, SheetData
from reporter.register.schema import (
    CONDITIONAL_REQUIRED,
    SHEET_BY_KEY,
    ColumnSpec,
    column_lookup,
    normalize_token,
)
from reporter.register.values import ACCEPTED_DATE_FORMS
from reporter.rules.base import RuleContext, exception_is_complete, rule

REGISTER_SHEETS = ("stores", "tools", "keys", "grants", "notices", "exceptions")
REQUIRED_SHEETS = tuple(key for key in REGISTER_SHEETS if SHEET_BY_KEY[key].required)


def column_label(sheet: SheetData, key: str) -> str:
    """The column's header as the register spells it, else its Japanese name."""
    index = sheet.columns.get(key)
    if index is not None and index in sheet.headers:
        return sheet.headers[index]
    return sheet.spec.column(key).ja


def _sheet_label(key: str) -> dict[str, str]:
    spec = SHEET_BY_KEY[key]
    return {"ja": spec.ja, "en": spec.en}


@rule(
    "DAT001",
    Severity.WARNING,
    sheets=(),
    why={
        "ja": "そのシートを読む確認はすべて行われないため、キーの更新や権限の取り消しが報告されないままになるおそれがあります。",
        "en": "Every check that reads the sheet is skipped, so renewals or revocations could go unreported without anyone noticing.",
    },
    title={"ja": "必須のシートがない", "en": "Required sheet missing"},
    message={
        "ja": "シート「{sheet_label}」がありません。このシートを使う確認はすべて行われていません。",
        "en": "The sheet '{sheet_label}' is missing; no check that needs it has run.",
    },
    action={
        "ja": "シート名を「{sheet_ja}」(または「{sheet_en}」)にするか、reporter init で作った台帳から"
        "シートをコピーしてください。",
        "en": "Name the sheet '{sheet_ja}' (or {sheet_en}), or copy it from a blank register "
        "made with reporter init.",
    },
)
def required_sheet_missing(ctx: RuleContext) -> Iterator[Finding]:
    """A required sheet (tools, keys, grants, notices) is not in the workbook."""
    for key in ctx.register.missing_sheets:
        if key in REQUIRED_SHEETS:
            spec = SHEET_BY_KEY[key]
            yield ctx.finding(
                None,
                sheet=key,
                sheet_label=_sheet_label(key),
                sheet_ja=spec.ja,
                sheet_en=spec.en,
            )


@rule(
    "DAT002",
    Severity.ERROR,
    sheets=(),
    why={
        "ja": "その列を使う確認は、このシートでは行えません。",
        "en": "The checks that need the column cannot run on the sheet.",
    },
    title={"ja": "必須の列がない", "en": "Required column missing"},
    message={
        "ja": "シート「{sheet_name}」に必須の列「{column_ja}」がありません{header_note}。",
        "en": "Sheet '{sheet_name}' has no required column '{column_en}'{header_note}.",
    },
    action={
        "ja": "見出し行に「{column_ja}」の列を追加してください(英語の見出し「{column_en}」も使えます)。",
        "en": "Add a column headed '{column_ja}' or '{column_en}' to the header row.",
    },
)
def required_column_missing(ctx: RuleContext) -> Iterator[Finding]:
    """A required column is not in the sheet's header row."""
    for sheet in ctx.sheets():
        for key in sheet.missing_columns:
            column = sheet.spec.column(key)
            note = (
                {"ja": "", "en": ""}
                if sheet.header_row
                else {
                    "ja": "(上から10行以内に見出し行が見つかりません)",
                    "en": " (no header row found in the top 10 rows)",
                }
            )
            yield ctx.finding(
                None,
                sheet=sheet.key,
                row=sheet.header_row or None,
                column_ja=column.ja,
                column_en=column.key,
                header_note=note,
            )


def _required_here(record: Record, key: str) -> bool:
    """Is ``key`` required on this row? (spec section 2, including the conditional ones)."""
    sheet = record.sheet.key
    column = record.sheet.spec.column(key)
    if column.required:
        return True
    if sheet == "stores" and key == "plan":
        return record["platform"] in ("amazon_jp", "amazon_us")
    if sheet == "keys" and key == "issued_on":
        in_use = record["status"] in (None, "in_use", "update_requested")
        expiry_given = record["expires_on"] is not None or record.problem("expires_on") is not None
        return in_use and not expiry_given and record.problem("status") is None
    if sheet == "grants" and key == "tool_id":
        return record["grantee_type"] == "tool"
    if sheet == "notices" and key in ("reason", "asin"):
        return record["kind"] == "listing_cancelled"
    return False


@rule(
    "DAT003",
    Severity.ERROR,
    sheets=(),
    by_sheet=True,
    why={
        "ja": "担当者のいないキーやASINのない通知は、誰も対応できません。",
        "en": "A key with no owner or a notice with no ASIN cannot be followed up.",
    },
    title={"ja": "必須の値が空欄", "en": "Required value blank"},
    message={
        "ja": "「{column}」が空欄です{condition}。",
        "en": "'{column}' is blank{condition}.",
    },
    action={
        "ja": "{cell}に値を入力してください。",
        "en": "Fill in {cell}.",
    },
)
def required_value_blank(ctx: RuleContext) -> Iterator[Finding]:
    """A required cell is empty (including the conditionally required ones).

    Conditional: 出品プラン for Amazon stores; 発行日 for keys in use without 有効期限;
    ツールID for grants to a tool; 理由 and ASIN for listing cancellations; 期限 of an exception.
    """
    for sheet in ctx.sheets():
        # Only columns that can be required at all, as (key, index into Record.values).
        checked = [
            (c.key, sheet.value_index[c.key])
            for c in sheet.spec.columns
            if c.key in sheet.columns and (c.required or (sheet.key, c.key) in CONDITIONAL_REQUIRED)
        ]
        for record in sheet.records:
            values, problems = record.values, record.problems
            for key, index in checked:
                if values[index] is not None or (problems is not None and key in problems):
                    continue
                if _required_here(record, key):
                    yield ctx.finding(
                        record,
                        key,
                        column=column_label(sheet, key),
                        condition=_condition(sheet.key, key),
                    )


def _condition(sheet: str, key: str) -> dict[str, str]:
    words = CONDITIONAL_REQUIRED.get((sheet, key))
    if words is None:
        return {"ja": "", "en": ""}
    return {"ja": f"({words['ja']})", "en": f" ({words['en']})"}


def _problems(ctx: RuleContext, kinds: tuple[str, ...]) -> Iterator[tuple[Record, str, object]]:
    for record in _rows_with_problems(ctx):
        for key, problem in record.problems.items():
            if problem.kind in kinds:
                yield record, key, problem


def _rows_with_problems(ctx: RuleContext) -> list[Record]:
    """The rows with a cell that could not be read, sheet by sheet: found once a run."""
    return ctx.shared(
        "rows_with_problems",
        lambda: [
            record
            for sheet in ctx.sheets()
            for record in sheet.records
            if record.problems is not None
        ],
    )


_DATE_WHY = {
    "ambiguous_date": {
        "ja": "(日と月の順番があいまいです)",
        "en": " (day and month order is ambiguous)",
    },
    # A date the rules cannot add a window to (reporter.limits).
    "date_range": {
        "ja": f"({FIRST_DATE.year}年{FIRST_DATE.month}月{FIRST_DATE.day}日から{LAST_DATE.year}年{LAST_DATE.month}月{LAST_DATE.day}日までの日付だけを使えます)",
        "en": f" (only dates from {FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()} can be used)",
    },
}


@rule(
    "DAT004",
    Severity.ERROR,
    sheets=(),
    why={
        "ja": "有効期限や返信日が読めないと、その日付から分かる更新や期限が見えなくなります。",
        "en": "An unreadable expiry or reply date hides a renewal or a deadline.",
    },
    title={"ja": "日付を読めない", "en": "Date unreadable"},
    message={
        "ja": "「{column}」の「{value}」を日付として読めません{why}。",
        "en": "'{value}' in '{column}' is not a date that can be read{why}.",
    },
    action={
        "ja": "{cell}を{forms}のいずれかの形で入力してください。",
        "en": "Enter {cell} in one of these forms: {forms}.",
    },
)
def date_unreadable(ctx: RuleContext) -> Iterator[Finding]:
    """A date cell holds text that is not a date, or a day/month order that is ambiguous."""
    for record, key, problem in _problems(ctx, ("date", "ambiguous_date", "date_range")):
        why = _DATE_WHY.get(problem.kind, {"ja": "", "en": ""})
        yield ctx.finding(
            record,
            key,
            column=column_label(record.sheet, key),
            value=problem.raw,
            why=why,
            forms={"ja": ACCEPTED_DATE_FORMS.replace(", ", "、"), "en": ACCEPTED_DATE_FORMS},
        )


@rule(
    "DAT005",
    Severity.ERROR,
    sheets=(),
    why={
        "ja": "読めない値は空欄として確認されるため、本来出るはずの指摘が出ないことがあります。",
        "en": "A value the reporter cannot read is checked as if blank, so a finding may be missed.",
    },
    title={"ja": "使えない値", "en": "Value not allowed"},
    message={
        "ja": "「{column}」の「{value}」は使えない値です。{closest}",
        "en": "'{value}' is not an allowed value for '{column}'.{closest}",
    },
    action={
        "ja": "{cell}を次のどれかにしてください: {allowed}",
        "en": "Change {cell} to one of: {allowed}",
    },
)
def value_not_allowed(ctx: RuleContext) -> Iterator[Finding]:
    """An enum, yes/no or whole-number cell holds a value the spec does not allow, or a
    tool's 対応確認済み names a change that is not in the rules file's ``changes`` (a mistyped
    change id confirms nothing, so RNW010 keeps asking about that change).
    """
    for record, key, problem in _problems(ctx, ("enum", "bool", "int", "int_range")):
        column = record.sheet.spec.column(key)
        if problem.kind == "enum" and column.enum is not None:
            # The Japanese labels in Japanese, the codes in English: both are accepted.
            allowed = {
                "ja": "、".join(
                    labels[0] if labels else code for code, labels in column.enum.values.items()
                ),
                "en": ", ".join(column.enum.values),
            }
        elif problem.kind == "bool":
            allowed = "はい / いいえ (yes / no)"
        else:
            allowed = {
                "ja": f"0から{MAX_DAYS}までの整数(日数)",
                "en": f"a whole number of days from 0 to {MAX_DAYS}",
            }
        closest = (
            {
                "ja": f"近い値: {problem.suggestion}",
                "en": f" Closest allowed value: {problem.suggestion}",
            }
            if problem.suggestion
            else {"ja": "", "en": ""}
        )
        yield ctx.finding(
            record,
            key,
            column=column_label(record.sheet, key),
            value=problem.raw,
            closest=closest,
            suggestion=problem.suggestion or "",
            allowed=allowed,
        )
    yield from _unknown_change_ids(ctx)


def _unknown_change_ids(ctx: RuleContext) -> Iterator[Finding]:
    """DAT005 for ids in 対応確認済み that name no change of the rules file (one per cell)."""
    known = [change.id for change in ctx.settings.changes]
    allowed = " / ".join(known) if known else "-"
    for tool in ctx.records("tools"):
        names: tuple[str, ...] = tool["confirmed_changes"] or ()
        unknown = [name for name in names if ctx.settings.change(name) is None]
        if not unknown:
            continue
        matches = difflib.get_close_matches(unknown[0].casefold(), known, n=1, cutoff=0.6)
        suggestion = matches[0] if matches else ""
        closest = (
            {"ja": f"近い値: {suggestion}", "en": f" Closest allowed value: {suggestion}"}
            if suggestion
            else {"ja": "", "en": ""}
        )
        yield ctx.finding(
            tool,
            "confirmed_changes",
            column=column_label(tool.sheet, "confirmed_changes"),
            value="、".join(unknown),
            closest=closest,
            suggestion=suggestion,
            allowed=allowed,
        )


@rule(
    "DAT006",
    Severity.ERROR,
    sheets=(),
    by_sheet=True,
    why={
        "ja": "同じIDの行があると、除外やIDによる参照がどの行を指すのか分からなくなります。",
        "en": "Exceptions and references by id become ambiguous.",
    },
    title={"ja": "IDの重複", "en": "Duplicate id"},
    message={
        "ja": "ID「{record_id}」が{count}行にあります({rows_ja})。",
        "en": "The id '{record_id}' is on {count} rows (rows {rows}).",
    },
    action={
        "ja": "どれか1行を残すか、別のIDを付けてください。",
        "en": "Keep one of the rows or give the others their own id.",
    },
)
def duplicate_id(ctx: RuleContext) -> Iterator[Finding]:
    """Two or more rows of a sheet share an id; every one of them is named."""
    for sheet in ctx.sheets():
        id_key = sheet.spec.id_key
        if id_key is None or id_key not in sheet.columns:
            continue
        # Count first: duplicates are few, so only their rows are gathered.
        position = sheet.value_index[id_key]
        ids = [record.values[position] for record in sheet.records]
        if len(set(ids)) == len(ids):
            continue  # every id once (the usual case), told without counting them
        counts = Counter(ids)
        repeated = {value for value, count in counts.items() if count > 1 and value is not None}
        if not repeated:
            continue
        rows_by_id: dict[str, list[Record]] = defaultdict(list)
        for record in sheet.records:
            if record.values[position] in repeated:
                rows_by_id[record.values[position]].append(record)
        for records in rows_by_id.values():
            rows = ", ".join(str(r.row) for r in records)
            rows_ja = "、".join(f"{r.row}行目" for r in records)
            for record in records:
                yield ctx.finding(record, id_key, count=len(records), rows=rows, rows_ja=rows_ja)


_REFERENCES = {
    "keys": ("store", "tool_id"),
    "grants": ("store", "tool_id"),
    "notices": ("store",),
}


@rule(
    "DAT007",
    Severity.ERROR,
    sheets=(),
    why={
        "ja": "台帳にないツールに登録されたキーは、そのツールを解約したときに追いかけられません。",
        "en": "A key registered in an unknown tool cannot be followed up when the tool is cancelled.",
    },
    title={"ja": "存在しない店舗・ツールを参照", "en": "Unknown store or tool"},
    message={
        "ja": "「{column}」の「{value}」は{target}シートにありません。",
        "en": "'{value}' in '{column}' is not in the {target} sheet.",
    },
    action={
        "ja": "{cell}の綴りを{target}シートに合わせるか、{target}シートに行を追加してください。{closest}",
        "en": "Correct the spelling in {cell} or add the row to the {target} sheet.{closest}",
    },
)
def unknown_reference(ctx: RuleContext) -> Iterator[Finding]:
    """A store name or tool id that is not in the 店舗 / ツール sheet.

    Stores are checked only when the 店舗 sheet exists (it is optional).
    """
    known: dict[str, set[str]] = {}
    for target, id_key in (("stores", "store"), ("tools", "tool_id")):
        sheet = ctx.register.sheet(target)
        if sheet is not None and id_key in sheet.columns:
            known[id_key] = {r[id_key] for r in sheet.records if r[id_key] is not None}
    closest_cache: dict[tuple[str, int], list[str]] = {}
    for sheet_key, columns in _REFERENCES.items():
        sheet = ctx.register.sheet(sheet_key)
        if sheet is None:
            continue
        for key in columns:
            if key not in known or key not in sheet.columns:
                continue
            target_key = "stores" if key == "store" else "tools"
            ids = known[key]
            position = sheet.value_index[key]
            for record in sheet.records:
                value = record.values[position]
                if value is None or value in ids:
                    continue
                close = _closest_id(value, ids, closest_cache)
                closest = (
                    {"ja": f"近い値: {close[0]}", "en": f" Closest: {close[0]}"}
                    if close
                    else {"ja": "", "en": ""}
                )
                yield ctx.finding(
                    record,
                    key,
                    column=column_label(sheet, key),
                    value=value,
                    target=_sheet_label(target_key),
                    closest=closest,
                )


# Suggesting the closest id compares against every id; past this many it is
# too slow to be worth it on a large register.
_MAX_IDS_TO_SUGGEST_FROM = 2000


def _closest_id(value: str, ids: set[str], cache: dict[tuple[str, int], list[str]]) -> list[str]:
    if len(ids) > _MAX_IDS_TO_SUGGEST_FROM:
        return []
    key = (value, id(ids))
    if key not in cache:
        cache[key] = difflib.get_close_matches(value, sorted(ids), n=1, cutoff=0.6)
    return cache[key]


_NOT_IN_FUTURE = {
    "keys": ("issued_on",),
    "grants": ("granted_on",),
    "notices": ("received_on", "replied_on"),
}


@rule(
    "DAT008",
    Severity.WARNING,
    sheets=(),
    by_sheet=True,
    why={
        "ja": "たいていは年の打ち間違いで、その日付から計算する期限がすべてずれます。",
        "en": "Usually a mistyped year, which shifts every deadline worked out from it.",
    },
    title={"ja": "未来の日付", "en": "Date in the future"},
    message={
        "ja": "「{column}」が{value}で、基準日の{as_of}より後です。",
        "en": "'{column}' is {value}, after the as-of date {as_of}.",
    },
    action={
        "ja": "{cell}の日付を確認してください(年の打ち間違いがよくあります)。",
        "en": "Check the date in {cell} (a mistyped year is common).",
    },
)
def date_in_future(ctx: RuleContext) -> Iterator[Finding]:
    """A date that records something that already happened lies after as_of.

    Checked: キー.発行日, 権限.付与日, 通知.受信日, 通知.返信日.
    """
    for sheet in ctx.sheets():
        columns = _NOT_IN_FUTURE.get(sheet.key)
        if columns is None:
            continue
        # Record.values by position: these loops read every row of the largest sheets.
        positions = [(key, sheet.value_index[key]) for key in columns]
        for record in sheet.records:
            for key, position in positions:
                value = record.values[position]
                if value is not None and value > ctx.as_of:
                    yield ctx.finding(
                        record,
                        key,
                        column=column_label(record.sheet, key),
                        value=value,
                        as_of=ctx.as_of,
                    )


_ORDER = {
    "grants": (("granted_on", "revoked_on"),),
    "keys": (("issued_on", "expires_on"),),
    "notices": (("received_on", "replied_on"),),
}


@rule(
    "DAT009",
    Severity.ERROR,
    sheets=(),
    by_sheet=True,
    why={
        "ja": "どちらかの日付が間違っており、そこから計算する期限も間違っています。",
        "en": "One of the two dates is wrong, and so are the deadlines worked out from them.",
    },
    title={"ja": "日付の前後が逆", "en": "Dates out of order"},
    message={
        "ja": "「{later_column}」({later})が「{earlier_column}」({earlier})より前です。",
        "en": "'{later_column}' ({later}) is before '{earlier_column}' ({earlier}).",
    },
    action={
        "ja": "{cell}と「{earlier_column}」の日付を確認してください。",
        "en": "Check the dates in {cell} and '{earlier_column}'.",
    },
)
def dates_out_of_order(ctx: RuleContext) -> Iterator[Finding]:
    """Two dates of a row in the wrong order.

    Checked: 取消日 before 付与日, 有効期限 before 発行日, 返信日 before 受信日.
    """
    for sheet in ctx.sheets():
        pairs = _ORDER.get(sheet.key)
        if pairs is None:
            continue
        positions = [
            (earlier_key, sheet.value_index[earlier_key], later_key, sheet.value_index[later_key])
            for earlier_key, later_key in pairs
        ]
        for record in sheet.records:
            for earlier_key, earlier_position, later_key, later_position in positions:
                earlier, later = record.values[earlier_position], record.values[later_position]
                if earlier is not None and later is not None and later < earlier:
                    yield ctx.finding(
                        record,
                        later_key,
                        later_column=column_label(record.sheet, later_key),
                        earlier_column=column_label(record.sheet, earlier_key),
                        later=later,
                        earlier=earlier,
                    )


_ASIN = re.compile(r"[A-Za-z0-9]{10}")


@rule(
    "DAT010",
    Severity.WARNING,
    sheets=("notices",),
    columns={"notices": ("asin",)},
    why={
        "ja": "ASINの形が違うと、同じASINへの繰り返しの苦情(INC008)を見つけられません。",
        "en": "Repeat complaints on the same ASIN (INC008) cannot be matched.",
    },
    title={"ja": "ASINの形が違う", "en": "ASIN malformed"},
    message={
        "ja": "ASIN「{value}」は英数字10文字ではありません。",
        "en": "The ASIN '{value}' is not 10 letters and digits.",
    },
    action={
        "ja": "通知メールのASINをそのまま{cell}にコピーしてください。",
        "en": "Copy the ASIN from the notice into {cell} as it is.",
    },
)
def asin_malformed(ctx: RuleContext) -> Iterator[Finding]:
    """An ASIN that is not 10 letters/digits."""
    sheet = ctx.register.sheet("notices")
    assert sheet is not None  # the rule runs only with the notices sheet
    position = sheet.value_index["asin"]
    for record in sheet.records:
        value = record.values[position]
        if value is None or (len(value) == 10 and value.isascii() and value.isalnum()):
            continue  # most ASINs, told without normalizing them
        if not _ASIN.fullmatch(unicodedata.normalize("NFKC", value)):
            yield ctx.finding(record, "asin", value=value)


@rule(
    "DAT011",
    Severity.ERROR,
    sheets=(),
    why={
        "ja": "確認に必要な値が入っていないため、その行は空欄として確認されます。",
        "en": "The value a check needs is not there, so the row is checked as if the cell were blank.",
    },
    title={"ja": "Excelのエラー値", "en": "Excel error value"},
    message={
        "ja": "「{column}」が{what}です。",
        "en": "'{column}' holds {what}.",
    },
    action={
        "ja": "{cell}の数式を直すか、値を直接入力してください。",
        "en": "Fix the formula in {cell} or type the value in.",
    },
)
def excel_error(ctx: RuleContext) -> Iterator[Finding]:
    """A cell holds an Excel error (#N/A, #REF!, #VALUE!…) or a formula never calculated."""
    for record, key, problem in _problems(ctx, ("error",)):
        if key.startswith("#"):
            index = int(key[1:])
            from reporter.model import column_letter

            letter = column_letter(index)
            label = record.sheet.headers.get(index, letter)
        else:
            letter = record.sheet.column_letter(key)
            label = column_label(record.sheet, key)
        what = (
            {"ja": f"エラー値({problem.raw})", "en": f"the error value {problem.raw}"}
            if problem.raw
            else {
                "ja": "計算結果が保存されていない数式",
                "en": "a formula whose result was never saved",
            }
        )
        yield ctx.finding(
            record, key, column_letter=letter, column=label, what=what, value=problem.raw
        )


# A suggestion needs this much in common (difflib's own default cutoff): "City"
# shares too little with any register header to be offered ツールID.
SUGGESTION_CUTOFF = 0.6
# Headers are compared by their first characters: no register header is longer,
# and difflib's cost grows with the square of the length.
COMPARED_CHARACTERS = 40
# Suggestions are worked out for this many distinct unknown headers per sheet; a
# sheet of 16,384 headers is a data dump, and its later headers get none.
SUGGESTED_HEADERS = 200


@rule(
    "DAT012",
    Severity.INFO,
    sheets=(),
    why={
        "ja": "見出しの打ち間違い(例: 有効期日)があると、その列は確認されないままになります。",
        "en": "A typo in a header (e.g. 有効期日) means the column is silently not checked.",
    },
    title={"ja": "知らない列見出し", "en": "Unknown column header"},
    message={
        "ja": "列見出し「{header}」{why}{closest}",
        "en": "The header '{header}' {why}{closest}",
    },
    action={
        "ja": "{keep}{rename}",
        "en": "{keep}{rename}",
    },
)
def unknown_header(ctx: RuleContext) -> Iterator[Finding]:
    """A header that is not one of the sheet's columns (or repeats one).

    Unknown columns are kept and ignored by the rules, except SEC001 which reads every cell.
    """
    from reporter.model import column_letter

    for sheet in ctx.sheets():
        spellings = column_lookup(sheet.key)
        suggest = _Suggestions(spellings)
        for index, header in sheet.unknown_columns:
            column = suggest(normalize_token(header))
            closest: dict[str, str] = {"ja": "", "en": ""}
            rename: dict[str, str] = {"ja": "", "en": ""}
            if column is not None:
                closest = {"ja": f"近い見出し: {column.ja}", "en": f" Closest header: {column.key}"}
                rename = {
                    "ja": f"台帳の項目のつもりなら見出しを「{column.ja}」などの正しい名前に直してください。",
                    "en": f" If it is meant as a register column, give it the right name, "
                    f"such as '{column.key}'.",
                }
            yield ctx.finding(
                None,
                sheet=sheet.key,
                row=sheet.header_row,
                column_letter=column_letter(index),
                header=header,
                why={
                    "ja": "は台帳の項目ではないため、確認に使われません。",
                    "en": "is not a register column, so no check reads it.",
                },
                closest=closest,
                keep={
                    "ja": "メモ用の列ならそのままで構いません。",
                    "en": "If it is a memo column, leave it.",
                },
                rename=rename,
            )
        for index, header in sheet.duplicate_columns:
            column = spellings.get(normalize_token(header))
            first = sheet.column_letter(column.key) if column is not None else ""
            yield ctx.finding(
                None,
                sheet=sheet.key,
                row=sheet.header_row,
                column_letter=column_letter(index),
                header=header,
                why={
                    "ja": f"は{first}列と同じ項目です。左の{first}列だけを確認に使い、この列は使いません。",
                    "en": f"repeats the register column in {first}: only that leftmost "
                    "column is checked, not this one.",
                },
                closest={"ja": "", "en": ""},
                keep={
                    "ja": "重複した列を消すか、メモ用なら見出しを別の名前に変えてください。",
                    "en": "Delete the duplicate column, or if it is a memo, give it another header.",
                },
                rename={"ja": "", "en": ""},
            )


class _Suggestions:
    """The register column closest to an unknown header, each distinct header worked out once."""

    def __init__(self, spellings: dict[str, ColumnSpec]) -> None:
        self.spellings = spellings
        self.candidates = list(spellings)
        self.known: dict[str, ColumnSpec | None] = {}

    def __call__(self, token: str) -> ColumnSpec | None:
        token = token[:COMPARED_CHARACTERS]
        if token in self.known:
            return self.known[token]
        if len(self.known) >= SUGGESTED_HEADERS:
            return None
        close = difflib.get_close_matches(token, self.candidates, n=1, cutoff=SUGGESTION_CUTOFF)
        column = self.spellings[close[0]] if close else None
        self.known[token] = column
        return column


def _targets_a_finding(code: str, target: str, targets: set[tuple[str, str]]) -> bool:
    """Whether an exception's code and id (``*``: any row) name a finding of this run."""
    code = normalize_token(code)
    return any(c == code and (target == "*" or r == target) for c, r in targets)


@rule(
    "DAT013",
    Severity.WARNING,
    sheets=("exceptions",),
    columns={"exceptions": ("code", "record_id")},
    runs_after_exceptions=True,
    why={
        "ja": "期限の過ぎた除外は指摘を隠さなくなり、その指摘は再び数えられます。どの指摘にも当てはまらない除外は、コードやIDの打ち間違いの可能性があります。",
        "en": "A lapsed exception no longer hides its finding, which counts again; one that matches nothing is probably a typo in the code or the id.",
    },
    title={"ja": "期限切れ・対象なしの除外", "en": "Exception lapsed or unused"},
    message={
        "ja": "除外({code} / {target})は{why}。",
        "en": "The exception ({code} / {target}) {why}.",
    },
    action={
        "ja": "{advice}",
        "en": "{advice}",
    },
)
def exception_lapsed_or_unused(ctx: RuleContext) -> Iterator[Finding]:
    """An exception whose end date has passed, or that matches no finding."""
    used: set[int] = ctx.extra.get("used_exception_rows", set())
    targets: set[tuple[str, str]] = ctx.extra.get("finding_targets", set())
    for record in ctx.records("exceptions"):
        code, target, until = record["code"], record["record_id"], record["until"]
        if code is None or target is None or until is None:
            continue  # DAT003 (or DAT002) says what is missing
        # An incomplete row (no reason or approver) excepts nothing, but it only "matches no
        # finding" when its code and id target none: DAT002/DAT003 report what it lacks.
        aimed = record.row in used or (
            not exception_is_complete(record) and _targets_a_finding(code, target, targets)
        )
        if until < ctx.as_of:
            why = {"ja": f"期限の{until.isoformat()}を過ぎています", "en": f"lapsed on {until}"}
            advice = {
                "ja": "今も必要なら期限を延ばして承認を取り直し、不要なら行を削除してください。",
                "en": "If it is still needed, extend the end date with a new approval; otherwise "
                "delete the row.",
            }
            yield ctx.finding(
                record, "until", due=until, code=code, target=target, why=why, advice=advice
            )
        elif not aimed:
            why = {"ja": "どの指摘にも当てはまりません", "en": "matches no finding"}
            advice = {
                "ja": "コードと対象IDが指摘のものと合っているか確かめて直してください。不要なら行を削除してください。",
                "en": "Check that the code and the id are those of the finding, and correct them; "
                "if the row is not needed, delete it.",
            }
            yield ctx.finding(record, "record_id", code=code, target=target, why=why, advice=advice)
