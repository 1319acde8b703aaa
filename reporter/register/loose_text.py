"""Text outside the register's tables that SEC001 reads.

A register is more than its five tables. Teams keep a メモ sheet of logins, a
hidden sheet of old keys, a note on a cell saying "token: Atzr|…", an author
field saying "佐藤 pw=…". Each is shared with the file, so each is read here,
as text only, for the secret check:

- every worksheet that is not a register sheet, hidden or not (read by calamine);
- cell comments and notes: in .xlsx/.xlsm the legacy comments parts
  (xl/comments*.xml) and threaded comments (xl/threadedComments/*.xml), found
  through each sheet's relationships; in .ods the annotations in content.xml;
- defined names of an .xlsx/.xlsm (workbook.xml's <definedName>: a name may
  hold a constant such as ="AKIA…");
- document properties: docProps/core.xml, app.xml and custom.xml of an
  .xlsx/.xlsm (title, subject, tags, comments, author, last modified by,
  category, company, manager, custom fields); meta.xml of an .ods;
- print headers and footers: each sheet's <headerFooter> (.xlsx/.xlsm), the
  master pages' header and footer in styles.xml (.ods);
- data-validation lists, with their input and error messages (.xlsx/.xlsm,
  also the x14 extension form; .ods content validations);
- hyperlink targets, with their display text and tooltip: each sheet's
  <hyperlink> and its relationship (.xlsx/.xlsm), text:a links (.ods).

Headers and footers, validations and links follow a sheet's cells in its XML,
which is inflated again for them only up to SETTINGS_READ_LIMIT (8 MB, some
25,000 rows): of a larger sheet only the external link targets are read (from
its relationships), so that a huge register is not read twice. In an .ods,
validations and links are not tied to their sheet and cell.

Not covered: for .xls and .xlsb, only the cells of every sheet are read.
calamine exposes nothing else, and reading their binary records (BIFF8
NOTE/TXO, HLINK, DV, HEADER/FOOTER and the OLE SummaryInformation streams of
.xls; BrtCommentText, BrtName, BrtHLink, BrtDVal and BrtBeginHeaderFooter of
.xlsb) is not done here.
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

# No key pattern matches fewer characters (reporter.masking): shorter
# text is kept only beside or under a label such as パスワード.
SHORTEST_SECRET = 20
_SECRET_WORDS = tuple(normalize_token(word) for word in SECRET_HEADER_WORDS)
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
            if label or len(text) >= SHORTEST_SECRET or _has_labelled_secret(text):
                cell = f"{column_letter(column)}{row_index + start[0] + 1}"
                found.append(
                    LooseText("cell", sheet_name, cell, text, label, under_secret_label=bool(label))
                )
    return found


def _has_labelled_secret(text: str) -> bool:
    """reporter.masking.has_labelled_secret, imported on first use: the module compiles
    its patterns when imported (15 ms), which is then spent while calamine reads."""
    from reporter.masking import has_labelled_secret as holds_one

    return holds_one(text)


def _text(value: Any) -> str:
    if value is None or value == "":
        return ""
    return value.strip() if isinstance(value, str) else _shown(value)


def _is_label(value: Any, text: str) -> bool:
    """A cell such as パスワード (a label), not "パスワード: hunter2" (a label and its value)."""
    return isinstance(value, str) and is_secret_label(text) and not _has_labelled_secret(text)


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
    tails: list[tuple[str, str, dict[str, str]]] = []  # sheet name, part, hyperlink targets
    try:
        with zipfile.ZipFile(source) as package:
            names = member_names(package)
            found.extend(_document_properties(package, names))
            for sheet_name, member in sheet_parts.items():
                part = member.replace("\\", "/").lstrip("/")
                rels_name = part_relationships(part)
                links: dict[str, str] = {}  # relationship id -> a hyperlink's target
                if rels_name in names:
                    rels = ElementTree.fromstring(read_part(package, names[rels_name]))
                    for rel in rels:
                        kind = rel.get("Type", "")
                        if kind.endswith(_HYPERLINK_TYPE):
                            links[rel.get("Id", "")] = rel.get("Target", "")
                        if not kind.endswith((_COMMENTS_TYPE, _THREADED_COMMENT_TYPE)):
                            continue
                        target = resolve_target(part, rel.get("Target", ""))
                        if target in names:
                            xml = read_part(package, names[target])
                            found.extend(_comments(sheet_name, ElementTree.fromstring(xml)))
                if part in names:
                    tails.append((sheet_name, names[part], links))
            found.extend(_settings_of_sheets(package, tails))
    except Exception:  # damaged optional parts: nothing more to read here
        pass
    return _unique(found)


# A sheet's XML is inflated once more for what follows its cells: up to this size
# (some 25,000 rows of a register), so that a huge register is not read twice.
SETTINGS_READ_LIMIT = 8 << 20


def _settings_of_sheets(
    package: zipfile.ZipFile, sheets: list[tuple[str, str, dict[str, str]]]
) -> list[LooseText]:
    """The headers and footers, validations and links of each sheet not larger than the limit.

    They follow the cells in a sheet's XML, so the whole part is inflated again.
    A larger sheet's external link targets are still read (from its
    relationships, without their cells).
    """
    found: list[LooseText] = []
    for name, member, links in sheets:
        if package.getinfo(member).file_size <= SETTINGS_READ_LIMIT:
            found.extend(_sheet_settings(name, _after_sheet_data(package, member), links))
        else:
            found.extend(LooseText("link", name, "", target) for target in links.values() if target)
    return found


# --- .xlsx / .xlsm: document properties, headers and footers, validations, links ------

_HYPERLINK_TYPE = "/hyperlink"
_PROPERTY_PARTS = ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml")
_PROPERTY_TYPES = ("/core-properties", "/extended-properties", "/custom-properties")
# What app.xml says about the file itself, not typed by anyone: left out.
_GENERATED_PROPERTIES = frozenset(
    {
        "Application",
        "DocSecurity",
        "ScaleCrop",
        "LinksUpToDate",
        "SharedDoc",
        "HyperlinksChanged",
        "AppVersion",
        "created",
        "modified",
        "lastPrinted",
        "revision",
        "TotalTime",
        "Template",
    }
)
# OOXML writes a character XML cannot hold as _xHHHH_ (a carriage return as _x000D_).
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def ooxml_text(text: str) -> str:
    """Text as stored in OOXML, its _xHHHH_ escapes decoded ("a_x000D_b" -> "a\\rb")."""
    if "_x" not in text:
        return text
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _document_properties(package: zipfile.ZipFile, names: dict[str, str]) -> list[LooseText]:
    """The document properties anyone sees in File > Info: title, author, tags…

    The parts are found through the package's relationships, else at their usual names.
    """
    from defusedxml import ElementTree

    parts = [name for name in _PROPERTY_PARTS if name in names]
    if "_rels/.rels" in names:
        rels = ElementTree.fromstring(read_part(package, names["_rels/.rels"]))
        for rel in rels:
            if rel.get("Type", "").endswith(_PROPERTY_TYPES):
                target = resolve_target("", rel.get("Target", ""))
                if target in names and target not in parts:
                    parts.append(target)
    found = []
    for part in parts:
        try:
            root = ElementTree.fromstring(read_part(package, names[part]))
        except Exception:
            continue
        for element in root:  # each property is a child of the root
            name = element.tag.rsplit("}", 1)[-1]
            if name == "property":  # custom.xml: <property name="…"><vt:lpwstr>…
                label = element.get("name", "")
                text = " ".join((child.text or "").strip() for child in element)
            elif len(element) or name in _GENERATED_PROPERTIES:
                continue  # app.xml's lists (the sheet names, read as such) and counts
            else:
                label, text = name, (element.text or "")
            text = ooxml_text(text).strip()
            if text:
                found.append(LooseText("property", "", "", text, label))
    return found


# The end of the cells: </sheetData>, or <sheetData/> when there are none (not the
# opening <sheetData>, and not the word in a cell's text).
_CELLS_END = re.compile(rb"</(?:\w+:)?sheetData\s*>|sheetData\s*/>")


def _after_sheet_data(package: zipfile.ZipFile, member: str, limit: int = 64 << 20) -> str:
    """The end of a sheet's XML, after its cells: where the page setup, validations and links are.

    The part is read in chunks and the cells are not kept: a sheet of 100k rows
    is inflated once more, never held whole.
    """
    kept = b""
    found = False
    with package.open(member) as stream:
        while chunk := stream.read(1 << 20):
            data = kept + chunk
            end = data.rfind(b"sheetData")
            if end >= 0 and _CELLS_END.search(data, max(0, end - 12), end + 16):
                kept, found = data[end:], True
            elif found:
                kept = data
            else:
                kept = data[-16:]  # still in the cells: enough for a tag split across chunks
            if len(kept) > limit:
                break  # more than any sheet's settings: not read
    return kept.decode("utf-8", "replace") if found else ""


_ELEMENT = r"<(?:\w+:)?{name}\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?{name}>)"
_HEADER_FOOTER = re.compile(_ELEMENT.format(name="(?:odd|even|first)(?:Header|Footer)"), re.DOTALL)
_VALIDATION = re.compile(_ELEMENT.format(name="dataValidation"), re.DOTALL)
_HYPERLINK = re.compile(_ELEMENT.format(name="hyperlink"), re.DOTALL)
_FORMULA = re.compile(r"<(?:\w+:)?(?:formula1|formula2|f)\b[^>]*>([^<]*)<")
_ATTRIBUTE = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')
_REFERENCE = re.compile(r"<(?:\w+:)?sqref\b[^>]*>(.*?)</", re.DOTALL)
# Header and footer codes: &L &C &R (sections), &P &N &D &T &F &A (fields), &"Font,Bold", &12.
_HEADER_CODE = re.compile(r'&"[^"]*"|&\d+|&K[0-9A-Fa-f]{6}|&K\d{2}[+-]\d{3}|&[A-Za-z]')


def _attributes(text: str) -> dict[str, str]:
    return {
        name.rsplit(":", 1)[-1]: ooxml_text(html.unescape(value))
        for name, value in _ATTRIBUTE.findall(text)
    }


def _sheet_settings(sheet_name: str, tail: str, links: dict[str, str]) -> Iterator[LooseText]:
    """Print headers and footers, data-validation lists and messages, hyperlinks of one sheet.

    One text per sheet for its headers and footers, per validation and per link:
    each is one finding at most.
    """
    headers = []
    for match in _HEADER_FOOTER.finditer(tail):
        text = _HEADER_CODE.sub(" ", ooxml_text(html.unescape(match.group(2) or "")))
        headers.append(" ".join(text.split()))
    if any(headers):
        yield LooseText("header_footer", sheet_name, "", "\n".join(t for t in headers if t))
    for match in _VALIDATION.finditer(tail):
        attributes = _attributes(match.group(1))
        body = match.group(2) or ""
        cells = attributes.get("sqref", "")
        if not cells:
            reference = _REFERENCE.search(body)
            cells = reference.group(1).strip() if reference else ""
        texts = [ooxml_text(html.unescape(f)).strip() for f in _FORMULA.findall(body)]
        texts += [attributes.get(k, "") for k in ("promptTitle", "prompt", "errorTitle", "error")]
        shown = []
        for text in texts:
            text = text.strip()
            if len(text) >= 2 and text[0] == text[-1] == '"':
                text = text[1:-1].replace('""', '"')  # a list: "a,b,c"
            if text:
                shown.append(text)
        if shown:
            yield LooseText("validation", sheet_name, cells, "\n".join(shown))
    for match in _HYPERLINK.finditer(tail):
        attributes = _attributes(match.group(1))
        texts = [links.get(attributes.get("id", ""), ""), attributes.get("location", "")]
        texts += [attributes.get("display", ""), attributes.get("tooltip", "")]
        shown = [text.strip() for text in texts if text.strip()]
        if shown:
            yield LooseText("link", sheet_name, attributes.get("ref", ""), "\n".join(shown))


def defined_names(workbook: Any) -> list[LooseText]:
    """The defined names of a parsed workbook.xml whose value could be a secret."""
    found = []
    for element in workbook.iter():
        if element.tag.rsplit("}", 1)[-1] != "definedName":
            continue
        name = element.get("name", "")
        if name.startswith("_xlnm."):
            continue  # Excel's own: print areas, filters
        # A constant is stored as a formula: ="Atzr|…" (the quotes are not the value).
        value = ooxml_text((element.text or "").strip().removeprefix("=").strip())
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace('""', '"')
        if (
            len(value) >= SHORTEST_SECRET
            or (value and is_secret_label(name))
            or _has_labelled_secret(value)
        ):
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


# --- .ods: document properties, headers and footers, validations, links ------------

_ODS_VALIDATION = re.compile(
    rb"<table:content-validation\b([^>]*?)(?:/>|>(.*?)</table:content-validation>)", re.DOTALL
)
_ODS_LINK = re.compile(rb'<text:a\b[^>]*?xlink:href="([^"]*)"')
_ODS_META = re.compile(
    r"<(dc:title|dc:subject|dc:description|dc:creator|meta:initial-creator|meta:keyword)\b"
    r"[^>]*(?<!/)>(.*?)</\1>"
    r'|<meta:user-defined\b[^>]*?meta:name="([^"]*)"[^>]*(?<!/)>(.*?)</meta:user-defined>',
    re.DOTALL,
)
_ODS_HEADER_FOOTER = re.compile(
    r"<style:(header|footer|header-left|footer-left|header-first|footer-first)"
    r"((?:\s[^>]*?)?)(?<!/)>(.*?)</style:\1>",
    re.DOTALL,
)


def ods_texts(package: zipfile.ZipFile, names: dict[str, str]) -> list[LooseText]:
    """What SEC001 reads in an .ods besides its cells: annotations, validations, links,
    document properties (meta.xml) and print headers and footers (styles.xml).

    A validation or link is not tied to its cell here (the sheet and cell are
    not worked out): the finding names the workbook.
    """
    found: list[LooseText] = []
    if "content.xml" in names:
        content = read_part(package, names["content.xml"])
        found.extend(ods_annotations(content))
        for match in _ODS_VALIDATION.finditer(content):
            attributes = _attributes(match.group(1).decode("utf-8", "replace"))
            condition = attributes.get("condition", "").removeprefix("of:")
            message = _annotation_text((match.group(2) or b"").decode("utf-8", "replace"))
            shown = "\n".join(value.strip() for value in (condition, message) if value.strip())
            if shown:
                found.append(LooseText("validation", "", "", shown))
        for match in _ODS_LINK.finditer(content):
            target = html.unescape(match.group(1).decode("utf-8", "replace"))
            found.append(LooseText("link", "", "", target))
    if "meta.xml" in names:
        meta = read_part(package, names["meta.xml"]).decode("utf-8", "replace")
        for match in _ODS_META.finditer(meta):
            tag, value, user_label, user_value = match.groups()
            label = tag.split(":", 1)[1] if tag else html.unescape(user_label)
            value = html.unescape(_TAG.sub("", value if tag else user_value)).strip()
            if value:
                found.append(LooseText("property", "", "", value, label))
    if "styles.xml" in names:
        styles = read_part(package, names["styles.xml"]).decode("utf-8", "replace")
        for match in _ODS_HEADER_FOOTER.finditer(styles):
            value = " ".join(_annotation_text(match.group(3)).split())
            if value:
                found.append(LooseText("header_footer", "", "", value))
    return _unique(found)
