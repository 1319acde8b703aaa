"""Text outside the register's tables that SEC001 reads: other sheets, comments, defined names.

A register is more than its five tables. Teams keep a メモ sheet of logins, a
hidden sheet of old keys, a note on a cell saying "token: Atzr|…". Each is
shared with the file, so each is read here, as text only, for the secret check:

- every worksheet that is not a register sheet, hidden or not (read by calamine);
- cell comments and notes: in .xlsx/.xlsm the legacy comments parts
  (xl/comments*.xml) and threaded comments (xl/threadedComments/*.xml), found
  through each sheet's relationships; in .ods the annotations in content.xml;
- defined names of an .xlsx/.xlsm (workbook.xml's <definedName>: a name may
  hold a constant such as ="AKIA…").

Not covered: comments and defined names of .xls and .xlsb files. calamine does
not expose them and reading their binary records (BIFF8 NOTE/TXO and
BrtCommentText, BrtName) is not done here; their cells are read like any other.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from reporter.model import LooseText, column_letter
from reporter.register.ooxml import member_names, part_relationships, read_part, resolve_target
from reporter.register.schema import SECRET_HEADER_WORDS, normalize_token

# No secret pattern matches fewer characters (reporter.rules.security): shorter
# text is kept only beside or under a label such as パスワード.
SHORTEST_SECRET = 20
_SECRET_WORDS = tuple(normalize_token(word) for word in SECRET_HEADER_WORDS)
# A label and its value in one cell or note: "パスワード: hunter2", "token=abc".
_LABELLED_VALUE = re.compile(
    "(?:" + "|".join(re.escape(word) for word in SECRET_HEADER_WORDS) + r")\s*[:：=＝]\s*\S",
    re.IGNORECASE,
)
_COMMENTS_TYPE = "/comments"
_THREADED_COMMENT_TYPE = "/threadedComment"
_TAG = re.compile(r"<[^>]*>")


# A label is a few words ("API secret", "リフレッシュトークン"); a sentence that
# mentions passwords ("パスワードはここに書かないでください") is not one.
LONGEST_LABEL = 20


def is_secret_label(text: str) -> bool:
    """Whether ``text`` is a label such as パスワード, Password, API secret."""
    token = normalize_token(text)
    return 0 < len(token) <= LONGEST_LABEL and any(word in token for word in _SECRET_WORDS)


def has_labelled_secret(text: str) -> bool:
    """Whether ``text`` holds a label and its value: "パスワード: hunter2"."""
    return _LABELLED_VALUE.search(text) is not None


def sheet_texts(
    sheet_name: str, rows: Iterable[list[Any]], start: tuple[int, int]
) -> list[LooseText]:
    """The texts of a sheet that is not a register sheet, as SEC001 needs them.

    Kept: text long enough to be a key or token, and any value under a label
    such as パスワード (in the rows below it) or beside one (in the next cell to
    the right). ``start`` is the 0-based (row, column) of the first cell of
    ``rows``: python-calamine's rows start at row 1, its cells at the first used column.
    """
    found: list[LooseText] = []
    labels: dict[int, str] = {}  # column -> the secret label heading it
    for row_index, row in enumerate(rows):
        texts = [_text(value) for value in row]
        for column_index, text in enumerate(texts):
            if not text:
                continue
            column = column_index + start[1]
            if _is_label(row[column_index], text):
                right = texts[column_index + 1] if column_index + 1 < len(texts) else ""
                if not right:
                    labels.setdefault(column, text)  # a column's header: the values are below
                if len(text) >= SHORTEST_SECRET:  # "旧トークン AKIA…": a label holding a key
                    cell = f"{column_letter(column)}{row_index + start[0] + 1}"
                    found.append(LooseText("cell", sheet_name, cell, text))
                continue
            left = texts[column_index - 1] if column_index else ""
            label = left if left and _is_label(row[column_index - 1], left) else ""
            label = label or labels.get(column, "")
            if label or len(text) >= SHORTEST_SECRET or has_labelled_secret(text):
                cell = f"{column_letter(column)}{row_index + start[0] + 1}"
                found.append(
                    LooseText("cell", sheet_name, cell, text, label, under_secret_label=bool(label))
                )
    return found


def _text(value: Any) -> str:
    if value is None or value == "":
        return ""
    return value.strip() if isinstance(value, str) else _shown(value)


def _is_label(value: Any, text: str) -> bool:
    """A cell such as パスワード (a label), not "パスワード: hunter2" (a label and its value)."""
    return isinstance(value, str) and is_secret_label(text) and not has_labelled_secret(text)


def _shown(value: Any) -> str:
    """A number or date the way it reads in the cell (a numeric password under a label)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- .xlsx / .xlsm: comments, threaded comments, defined names ----------------------


def package_texts(source: Path | BinaryIO, sheet_parts: dict[str, str]) -> list[LooseText]:
    """Comments, notes and defined names of an Office Open XML package.

    ``sheet_parts`` maps each sheet's name to its part in the zip. Anything
    unexpected in these optional parts is skipped: the cells are what matter,
    and calamine has read those already.
    """
    from defusedxml import ElementTree

    found: list[LooseText] = []
    try:
        with zipfile.ZipFile(source) as package:
            names = member_names(package)
            for sheet_name, member in sheet_parts.items():
                part = member.replace("\\", "/").lstrip("/")
                rels_name = part_relationships(part)
                if rels_name not in names:
                    continue
                rels = ElementTree.fromstring(read_part(package, names[rels_name]))
                for rel in rels:
                    kind = rel.get("Type", "")
                    if not kind.endswith((_COMMENTS_TYPE, _THREADED_COMMENT_TYPE)):
                        continue
                    target = resolve_target(part, rel.get("Target", ""))
                    if target in names:
                        xml = read_part(package, names[target])
                        found.extend(_comments(sheet_name, ElementTree.fromstring(xml)))
    except Exception:  # damaged optional parts: nothing more to read here
        pass
    return _unique(found)


def defined_names(workbook: Any) -> list[LooseText]:
    """The defined names of a parsed workbook.xml whose value is long enough to be a secret."""
    found = []
    for element in workbook.iter():
        if element.tag.rsplit("}", 1)[-1] != "definedName":
            continue
        name = element.get("name", "")
        if name.startswith("_xlnm."):
            continue  # Excel's own: print areas, filters
        # A constant is stored as a formula: ="Atzr|…" (the quotes are not the value).
        value = (element.text or "").strip().removeprefix("=").strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace('""', '"')
        if len(value) >= SHORTEST_SECRET or (value and is_secret_label(name)):
            found.append(
                LooseText("name", "", "", value, name, under_secret_label=is_secret_label(name))
            )
    return found


def _comments(sheet_name: str, root: Any) -> Iterator[LooseText]:
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag not in ("comment", "threadedComment"):
            continue
        reference = element.get("ref", "")
        # The text is in <t> elements (runs); the author is elsewhere (authors, persons).
        text = "".join(
            node.text or ""
            for node in element.iter()
            if node.tag.rsplit("}", 1)[-1] in ("t", "text") and node.text
        ).strip()
        if text:
            yield LooseText("comment", sheet_name, reference, text)


def _unique(texts: list[LooseText]) -> list[LooseText]:
    """One per cell and text: Excel writes a threaded comment again as a legacy note."""
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for text in texts:
        key = (text.sheet_name, text.cell, text.text.removeprefix("[Threaded comment]").strip())
        if text.kind == "comment":
            key = (text.sheet_name, text.cell, "")  # one comment finding per cell
        if key in seen:
            continue
        seen.add(key)
        unique.append(text)
    return unique


# --- .ods: annotations --------------------------------------------------------------

_ODS_TOKEN = re.compile(
    rb"<(/?)(table:table|table:table-row|table:table-cell|table:covered-table-cell"
    rb"|office:annotation)(?=[\s/>])([^>]*?)(/?)>"
)
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d+)"')
_COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated="(\d+)"')
_ANNOTATION_META = re.compile(r"<dc:(creator|date)\b.*?</dc:\1>", re.DOTALL)
_PARAGRAPH_END = re.compile(r"</text:p>")


def ods_annotations(content: bytes) -> list[LooseText]:
    """The annotations (comments) of an .ods's content.xml, each with its sheet and cell.

    Rows and cells may say they repeat; the position counts them without
    expanding anything (the file has passed the repeats check already).
    """
    found: list[LooseText] = []
    sheet = ""
    row = column = 0
    row_repeats = 1
    annotation_start = -1
    annotation_cell = ""
    open_cells: list[int] = []  # the repeat of each cell begun and not yet ended
    for token in _ODS_TOKEN.finditer(content):
        closing, name, attributes, empty = token.groups()
        if name == b"office:annotation":
            if not closing and not empty:
                annotation_start = token.end()
                annotation_cell = f"{column_letter(column)}{row + 1}"
            elif closing and annotation_start >= 0:
                xml = content[annotation_start : token.start()].decode("utf-8", "replace")
                text = _annotation_text(xml)
                if text:
                    found.append(LooseText("comment", sheet, annotation_cell, text))
                annotation_start = -1
            continue
        if annotation_start >= 0:
            continue
        if name == b"table:table":
            if not closing:
                named = _ODS_NAME.search(attributes)
                sheet = html.unescape(named.group(1).decode("utf-8", "replace")) if named else ""
                row = 0
        elif name == b"table:table-row":
            if not closing:
                repeat = _ROWS_REPEATED.search(attributes)
                row_repeats = int(repeat.group(1)) if repeat else 1
                column = 0
            if closing or empty:
                row += row_repeats
        elif not closing:  # a cell: the annotation inside it belongs to this column
            if not empty:
                # The annotation comes before the cell's end: the column advances then.
                pending = _COLUMNS_REPEATED.search(attributes)
                open_cells.append(int(pending.group(1)) if pending else 1)
            else:
                repeat = _COLUMNS_REPEATED.search(attributes)
                column += int(repeat.group(1)) if repeat else 1
        elif open_cells:
            column += open_cells.pop()
    return found


def _annotation_text(xml: str) -> str:
    text = _PARAGRAPH_END.sub("\n", _ANNOTATION_META.sub("", xml))
    return html.unescape(_TAG.sub("", text)).strip()
