"""Find one's way in an Office Open XML package (.xlsx, .xlsm, .xlsb) without unzipping it whole.

A package is a zip of parts that name each other through relationship parts
(``_rels/*.rels``). Excel keeps the workbook at ``xl/workbook.xml``; other
writers put it anywhere the package's relationships say, and some write
Windows separators in the part names. Every reader of the package (the zip
guard, the sheet-area checks, the error-cell scan, the compacting of sparse
sheets, the secret check's loose texts) finds its parts through here, and
reads a part never past the size it declares.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import Any

# Bytes read from the start of each XML part: the declaration, any DOCTYPE and a
# worksheet's <dimension> come first.
XML_HEAD_BYTES = 4096


# SheetML read as bytes (the loader's error-cell scan, reporter.register.sparse): a cell
# element (attributes, content), a cell's cached value, a formula.
CELL_XML = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
VALUE_XML = re.compile(rb"<(?:\w+:)?v\b[^>]*>(.*?)</(?:\w+:)?v>", re.DOTALL)
FORMULA_XML = re.compile(rb"<(?:\w+:)?f\b")


_WORKSHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")


def is_worksheet(part: str) -> bool:
    """True for the XML part of a worksheet (xl/worksheets/sheet1.xml)."""
    return _WORKSHEET_PART.fullmatch(part) is not None


@dataclass(frozen=True)
class WorkbookXml:
    """An .xlsx package's workbook part, parsed, and where each sheet's part is."""

    part: str  # e.g. "xl/workbook.xml"
    root: Any  # the parsed workbook.xml (defusedxml)
    sheet_parts: dict[str, str]  # sheet name -> its member's name in the zip


def read_workbook_xml(package: zipfile.ZipFile) -> WorkbookXml | None:
    """The workbook part and each sheet's part, wherever the package keeps them.

    None for a package without an XML workbook part (.xlsb, .ods). Raises what
    parsing raises (KeyError, SyntaxError, zipfile errors) for a damaged one.
    """
    from defusedxml import ElementTree

    names = member_names(package)
    workbook_name = workbook_part(package)
    if workbook_name is None or not workbook_name.endswith(".xml"):
        return None
    root = ElementTree.fromstring(read_part(package, names[workbook_name]))
    rels_name = part_relationships(workbook_name)
    rels = (
        ElementTree.fromstring(read_part(package, names[rels_name])) if rels_name in names else []
    )
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    sheet_parts: dict[str, str] = {}
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rel_id = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
        target = resolve_target(workbook_name, targets.get(rel_id, ""))
        if target in names:
            sheet_parts[element.get("name", "")] = names[target]
    return WorkbookXml(workbook_name, root, sheet_parts)


def sheet_name(package: zipfile.ZipFile, part: str) -> str:
    """The name the user sees for a worksheet part (the part name when it cannot be told)."""
    try:
        found = read_workbook_xml(package)
    except Exception:  # damaged: the part name is still a clue
        return part
    if found is not None:
        for name, member in found.sheet_parts.items():
            if part in (member, member.replace("\\", "/")):
                return name
    return part


def column_number(letters: bytes) -> int:
    """1 for A, 16384 for XFD."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def start_of(package: zipfile.ZipFile, name: str, limit: int = 4 << 20) -> bytes:
    """A part's first ``limit`` bytes: enough of a workbook part for its sheet names."""
    with package.open(name) as handle:
        return handle.read(limit)


_OFFICE_DOCUMENT = "/officeDocument"  # the end of the package relationship's type


def member_names(package: zipfile.ZipFile) -> dict[str, str]:
    """Each part's name with "/" separators -> its name in the zip.

    Some programs write Windows separators ("xl\\workbook.xml"); Excel and
    calamine read those packages, so the reporter does too.
    """
    return {name.replace("\\", "/").lstrip("/"): name for name in package.namelist()}


def workbook_part(package: zipfile.ZipFile) -> str | None:
    """The workbook part of an Office Open XML package ("xl/workbook.xml"), or None.

    Excel writes it at xl/; other writers put it anywhere and name it in the
    package's relationships (_rels/.rels), as the standard allows.
    """
    names = member_names(package)
    for usual in ("xl/workbook.xml", "xl/workbook.bin"):
        if usual in names:
            return usual
    if "_rels/.rels" not in names:
        return None
    from defusedxml import ElementTree

    try:
        rels = ElementTree.fromstring(start_of(package, names["_rels/.rels"]))
    except Exception:  # not XML: not a package the reporter can read
        return None
    for rel in rels:
        if rel.get("Type", "").endswith(_OFFICE_DOCUMENT):
            target = rel.get("Target", "").replace("\\", "/").lstrip("/")
            if target in names and target.endswith((".xml", ".bin")):
                return target
    return None


def part_relationships(part: str) -> str:
    """The relationships part of ``part``: xl/workbook.xml -> xl/_rels/workbook.xml.rels."""
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def resolve_target(part: str, target: str) -> str:
    """A relationship's target, relative to the part that names it, as a part name."""
    import posixpath

    target = target.replace("\\", "/")
    if target.startswith("/"):
        return target.lstrip("/")
    folder = part.rpartition("/")[0]
    return posixpath.normpath(posixpath.join(folder, target)) if folder else target


def read_part(package: zipfile.ZipFile, name: str | zipfile.ZipInfo) -> bytes:
    """A part of the package, never more than the size it declares.

    zipfile inflates a part whole before its checksum says it lied about its
    size: a small "1 MB" part could fill the memory first.
    """
    info = name if isinstance(name, zipfile.ZipInfo) else package.getinfo(name)
    with package.open(info) as stream:
        data = stream.read(info.file_size)
        if stream.read(1):
            raise zipfile.BadZipFile(f"{info.filename} is larger than it declares")
    return data
