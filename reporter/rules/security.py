"""Security (SEC): secrets typed into the register.

A register is shared and emailed around; a key's secret value in it has leaked
already. SEC001 finds them with the patterns of :mod:`reporter.masking`, the
module every output masks register text with.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from reporter import i18n
from reporter.masking import LABELLED, SEPARATOR, SHORTEST_KEY, Secret, find
from reporter.model import Finding, Record, Severity, column_letter
from reporter.register.schema import ID, SECRET_HEADER_WORDS, TEXT, normalize_token
from reporter.rules.base import RuleContext, rule

_UNDER_HEADER = Secret(LABELLED, "****")  # a value under a パスワード header: shown as ****
_SECRET_WORDS = tuple(normalize_token(word) for word in SECRET_HEADER_WORDS)
# The shortest labelled secret: "pw=x".
_SHORTEST_LABELLED = 4


def is_secret_header(header: str) -> bool:
    token = normalize_token(header)
    return any(word in token for word in _SECRET_WORDS)


@rule(
    "SEC001",
    Severity.WARNING,
    sheets=(),
    by_sheet=True,
    why={
        "ja": "台帳は共有され、メールでも送られます。台帳に書かれた秘密の値は、すでに漏れたものとして扱う必要があります。",
        "en": "The register is shared and emailed; a secret written in it has to be treated as leaked already.",
    },
    title={"ja": "秘密の値が台帳にある", "en": "Secret in the register"},
    message={
        "ja": "「{column}」に{what}らしき値({masked})が書かれています。",
        "en": "'{column}' holds what looks like {what} ({masked}).",
    },
    action={
        "ja": "値をパスワード管理ツールに移して{cell}から消し、発行元で使えなくしてから新しい値に"
        "替えてください(楽天のライセンスキーは再発行しても古いキーが止まらないので利用停止に)。",
        "en": "Move it to a password manager, delete it from {cell}, revoke it where it was "
        "issued and replace it (reissuing a Rakuten key leaves the old one working).",
    },
)
def secret_in_register(ctx: RuleContext) -> Iterator[Finding]:
    """A text holds what looks like a secret, anywhere in the workbook.

    Read: every cell of the register sheets, in the table or not (a title row,
    a note far to the right), their headers, the values rules quote back (an
    unreadable date as typed); every other sheet, hidden or not (a メモ sheet);
    every sheet's name; cell comments and notes; defined names; the document
    properties, print headers and footers, data-validation lists and link
    targets (what each format offers: see reporter.register.loose_text).
    Caught, after removing the characters that do not print (so that U+007F or
    U+200E cannot split a key): AWS access key ids (AKIA…), LWA refresh and
    access tokens (Atzr|…, Atza|…), LWA client secrets (amzn1.oa2-cs…), Rakuten
    service secrets and license keys (SP…_…, SL…_…), bearer tokens, long random
    tokens; a value written after a label inside any text (パスワード: …, pw=…,
    token：…; a label alone in prose is not one); the password of a link
    (https://user:password@…); and any value under a header such as パスワード /
    password / secret / シークレット / キー値 (on other sheets: under such a label,
    or in the cell beside it).
    """
    for sheet in ctx.sheets():
        known = set(sheet.columns.values())
        secret_columns = {
            i for i, header in sheet.headers.items() if i not in known and is_secret_header(header)
        }
        for index, header in sheet.headers.items():
            secret = find(header) if header.__class__ is str else None
            if secret is not None:
                yield ctx.finding(
                    None,
                    sheet=sheet.key,
                    row=sheet.header_row,
                    column_letter=column_letter(index),
                    column=_localized("sec_place_header"),
                    what=secret.what,
                    masked=secret.masked,
                    cell=f"{column_letter(index)}{sheet.header_row}",
                )
        text_keys = [
            (key, sheet.value_index[key], index)
            for key, index in sheet.columns.items()
            if sheet.spec.column(key).kind in (TEXT, ID)
        ]
        for record, index, text in _texts(sheet.records, text_keys, secret_columns):
            secret = find(text)
            if secret is None and index in secret_columns:
                secret = _UNDER_HEADER
            if secret is None:
                continue
            yield ctx.finding(
                record,
                column_letter=column_letter(index),
                column=sheet.headers.get(index, column_letter(index)),
                what=secret.what,
                masked=secret.masked,
            )
    if ctx.whole_workbook:
        yield from _sheet_name_findings(ctx)
        yield from _loose_findings(ctx)


def _localized(key: str, **params: Any) -> dict[str, str]:
    """A catalogue text in both languages, as findings carry their params."""
    return {lang: i18n.text(key, lang, **params) for lang in i18n.LANGS}


# A document property's part-and-element name -> its catalogue key.
_PROPERTY_KEYS = {
    "title": "sec_property_title",
    "subject": "sec_property_subject",
    "creator": "sec_property_author",
    "initial-creator": "sec_property_author",
    "keywords": "sec_property_tags",
    "keyword": "sec_property_tags",
    "description": "sec_property_comments",
    "lastModifiedBy": "sec_property_last_modified_by",
    "category": "sec_property_categories",
    "contentStatus": "sec_property_status",
    "Company": "sec_property_company",
    "Manager": "sec_property_manager",
    "HyperlinkBase": "sec_property_hyperlink_base",
}


def _property_name(label: str) -> dict[str, str] | str:
    """A property's name as Excel shows it; a custom property's own name as it is."""
    key = _PROPERTY_KEYS.get(label)
    return _localized(key) if key else label


def _sheet_name_findings(ctx: RuleContext) -> Iterator[Finding]:
    register_sheets = {sheet.name: sheet.key for sheet in ctx.register.sheets.values()}
    for name in ctx.register.sheet_names:
        secret = find(name)
        if secret is None:
            continue
        yield ctx.finding(
            None,
            sheet=register_sheets.get(name, ""),
            sheet_name=name,
            column=_localized("sec_place_sheet_name"),
            what=secret.what,
            masked=secret.masked,
            cell=_localized("sec_place_sheet_name"),
        )


def _place(kind: str, cell: str, label: str) -> dict[str, str] | str:
    """Where a text outside the tables is, in words: 'C5のコメント', 'the link target of B2'."""
    if kind == "comment":
        return _localized("sec_place_comment", cell=cell)
    if kind == "name":
        return _localized("sec_place_name", name=label)
    if kind == "property":
        return _localized("sec_place_property", name=_property_name(label))
    if kind == "header_footer":
        return _localized("sec_place_header_footer")
    if kind == "validation":
        if not cell:
            return _localized("sec_place_validation_anywhere")
        return _localized("sec_place_validation", cell=cell)
    if kind == "link":
        if not cell:
            return _localized("sec_place_link_anywhere")
        return _localized("sec_place_link", cell=cell)
    return cell


def _loose_findings(ctx: RuleContext) -> Iterator[Finding]:
    """Secrets outside the register sheets' tables: other sheets, comments, names, properties…

    A finding on a sheet that is not a register sheet has the sheet key '' and
    the workbook's sheet name; a comment on a register sheet stays with that sheet.
    """
    register_sheets = {sheet.name: sheet.key for sheet in ctx.register.sheets.values()}
    for loose in ctx.register.loose_texts:
        secret = find(loose.text)
        if secret is None and loose.under_secret_label:
            secret = _UNDER_HEADER
        if secret is None:
            continue
        # A validation's range ("A2:A100 C2"): its first cell.
        letters, digits = _split_reference(loose.cell.split(":")[0].split(" ")[0])
        place = _place(loose.kind, loose.cell, loose.label)
        column = place if loose.kind != "cell" else (loose.label or loose.cell)
        yield ctx.finding(
            None,
            sheet=register_sheets.get(loose.sheet_name, ""),
            sheet_name=loose.sheet_name,
            row=digits,
            column_letter=letters,
            column=column,
            what=secret.what,
            masked=secret.masked,
            cell=place,
        )


def _split_reference(reference: str) -> tuple[str, int | None]:
    """ "B12" -> ("B", 12); '' -> ('', None)."""
    letters = reference.rstrip("0123456789")
    digits = reference[len(letters) :]
    return letters, int(digits) if digits else None


def _may_hold(text: str) -> bool:
    """Cheap: long enough to be a key, or short with a separator (pw=…). Most cells are neither."""
    return len(text) >= SHORTEST_KEY or (
        len(text) >= _SHORTEST_LABELLED and SEPARATOR.search(text) is not None
    )


def _texts(
    records: list[Record], text_keys: list[tuple[str, int, int]], secret_columns: set[int]
) -> Iterator[tuple[Record, int, str]]:
    """The texts of the sheet that could hold a secret, with their record and 0-based column.

    Register columns first, then what could not be read (an unknown status, a
    date that is not one: as typed, in the row's problems), then the columns
    the register does not define. Texts that can hold no secret (short, with
    no separator for a label) are left out, except under a secret's header.
    Column by column: a 100k-row sheet has few such texts, and one pass per
    column finds them.
    """
    shortest = SHORTEST_KEY
    separator = SEPARATOR.search
    for _, position, index in text_keys:
        column = [record.values[position] for record in records]
        # Owners, statuses and tool names repeat down a column: each text is judged once.
        held = {
            value
            for value in set(column)
            if value.__class__ is str
            and (len(value) >= shortest or (len(value) >= 4 and separator(value) is not None))
        }
        if held:
            for record, value in zip(records, column, strict=True):
                if value in held:
                    yield record, index, value
    for record in records:
        if record.problems is not None:
            for key, problem in record.problems.items():
                index = record.sheet.columns.get(key)
                if index is not None and _may_hold(str(problem.raw)):
                    yield record, index, str(problem.raw)
    for record in records:
        if record.extra is not None:
            for index, text in record.extra:
                if index in secret_columns or _may_hold(text):
                    yield record, index, text
