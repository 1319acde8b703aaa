"""A copy in memory of a valid package that calamine refuses as it is, so that its register sheets are read.

Three kinds of valid workbook make calamine refuse the whole file, although
Excel opens them and their register sheets are ordinary worksheets:

- an .xlsm with an Excel 4.0 macro sheet (or a dialog sheet): calamine stops at
  "Unrecognized sheet type";
- a sheet listed in workbook.xml whose relationship is missing or empty
  (a "null sheet path", written by some tools for a very hidden sheet);
- an .xlsb whose parts are not under xl/ (the package's relationships name
  them, as the standard allows; calamine looks in xl/ only).

This module is called only after calamine refused the file as it is, so no
ordinary register pays for it. The copy leaves out the sheets calamine cannot
parse (the reporter names each in a note) and moves an .xlsb's parts to xl/.
Anything unexpected gives None: the file is then reported as calamine saw it.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reporter.register.ooxml import (
    member_names,
    part_relationships,
    read_part,
    resolve_target,
    workbook_part,
)
from reporter.register.zip_guard import MAX_UNZIPPED_BYTES

# The relationship types of the sheets calamine parses (Office Open XML, ECMA-376 Part 1).
_READABLE_SHEET_TYPES = ("/worksheet", "/chartsheet")
_SHEET_ELEMENT = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?/>")
_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')


@dataclass(frozen=True)
class Repaired:
    """The package to read instead, and the sheets it leaves out (their names, in order)."""

    package: io.BytesIO
    left_out: list[str]


def readable_copy(source: Path | BinaryIO) -> Repaired | None:
    """A copy calamine can open, or None when no change here would help."""
    try:
        with zipfile.ZipFile(source) as package:
            if sum(m.file_size for m in package.infolist()) > MAX_UNZIPPED_BYTES:
                return None
            return _repaired(package)
    except Exception:  # damaged beyond what is repaired here: calamine's verdict stands
        return None


def _repaired(package: zipfile.ZipFile) -> Repaired | None:
    workbook = workbook_part(package)
    if workbook is None:
        return None
    names = member_names(package)
    replaced: dict[str, bytes] = {}
    left_out: list[str] = []
    if workbook.endswith(".xml"):
        kept, left_out = _readable_sheets(package, names, workbook)
        if not left_out:
            return None
        replaced[names[workbook]] = kept
        renamed: dict[str, str] = {}
    else:
        renamed = _moved_to_xl(workbook, names)
        if not renamed:
            return None
    buffer = io.BytesIO()
    # Stored, not deflated: the copy lives in memory for one read.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as copy:
        for member in package.infolist():
            if member.is_dir():
                continue
            data = replaced.get(member.filename)
            if data is None:
                data = read_part(package, member)
            name = member.filename.replace("\\", "/").lstrip("/")
            if renamed:
                data = _retargeted(name, data, renamed)
                name = renamed.get(name, name)
            copy.writestr(name, data)
    buffer.seek(0)
    return Repaired(buffer, left_out)


def _readable_sheets(
    package: zipfile.ZipFile, names: dict[str, str], workbook: str
) -> tuple[bytes, list[str]]:
    """workbook.xml without the <sheet> entries calamine cannot parse, and their names."""
    from defusedxml import ElementTree

    xml = read_part(package, names[workbook])
    rels_name = part_relationships(workbook)
    rels = (
        ElementTree.fromstring(read_part(package, names[rels_name])) if rels_name in names else []
    )
    types = {rel.get("Id"): rel.get("Type", "") for rel in rels}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    left_out: list[str] = []
    pieces: list[bytes] = []
    position = 0
    for element in _SHEET_ELEMENT.finditer(xml):
        attributes = dict(_ATTRIBUTE.findall(element.group(0)))
        rel_id = next((v for k, v in attributes.items() if k.endswith(b":id")), b"").decode()
        kind = types.get(rel_id, "")
        target = resolve_target(workbook, targets.get(rel_id, ""))
        if kind.endswith(_READABLE_SHEET_TYPES) and target in names:
            continue
        name = attributes.get(b"name", b"").decode("utf-8", "replace")
        left_out.append(html.unescape(name))
        pieces.append(xml[position : element.start()])
        position = element.end()
    pieces.append(xml[position:])
    return b"".join(pieces), left_out


def _moved_to_xl(workbook: str, names: dict[str, str]) -> dict[str, str]:
    """Part name -> its name under xl/, for an .xlsb whose workbook is elsewhere (or {})."""
    folder = workbook.rpartition("/")[0]
    if not folder or folder == "xl":
        return {}
    prefix = folder + "/"
    moved = {name: "xl/" + name[len(prefix) :] for name in names if name.startswith(prefix)}
    if any(new in names for new in moved.values()):
        return {}  # a part is already there: not a package this can tidy
    return moved


def _retargeted(name: str, data: bytes, renamed: dict[str, str]) -> bytes:
    """The package's own references to the moved parts, pointed at their new names."""
    if not (name.endswith(".rels") or name == "[Content_Types].xml"):
        return data
    for old, new in renamed.items():
        data = data.replace(f'"{old}"'.encode(), f'"{new}"'.encode())
        data = data.replace(f'"/{old}"'.encode(), f'"/{new}"'.encode())
    return data
