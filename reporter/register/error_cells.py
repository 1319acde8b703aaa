"""Error cells (#N/A, #REF!…) and formulas without a cached value, found in a sheet's XML.

calamine shows an Excel error cell as an empty string, so for .xlsx and .xlsm
the sheet XML is scanned for them (DAT011). The scan visits only the cells
that hold an error or a formula, found with as few passes over the XML as can tell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from reporter.register.ooxml import CELL_XML, FORMULA_XML, VALUE_XML, column_number

_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_PREFIXED_FORMULA = re.compile(rb"<\w+:f\b")
_EMPTY_VALUES = (b"<v/>", b"<v />", b"<v></v>")  # a formula's cached value left empty
_PREFIXED_CELL_START = re.compile(rb"<\w+:c\b")
_WINDOWS_BEFORE_PASS = 1000  # markers looked at one window each before the pass for <x:c


def error_cells_in(xml: bytes) -> dict[int, dict[int, str]]:
    """Excel row -> {0-based column -> error text} for error cells and uncached formulas.

    ``xml`` is a worksheet part, unzipped. A formula whose result was never
    saved has the text "".
    """
    errors: dict[int, dict[int, str]] = {}
    # Visit only the cells that hold an error or a formula, not every cell:
    # find each marker, then the <c> element around it.
    starts: set[int] = set()
    # Whether cells are namespace-prefixed (<x:c>) is a pass over the sheet: for the
    # first few markers, the window before each is looked at instead (the same answer).
    prefixed_cells: bool | None = None
    for count, position in enumerate(_marker_positions(xml)):
        start = xml.rfind(b"<c ", 0, position)
        if prefixed_cells is None and count >= _WINDOWS_BEFORE_PASS:
            prefixed_cells = b":c " in xml and _PREFIXED_CELL_START.search(xml) is not None
        if prefixed_cells is not False:
            # The nearest <x:c before the marker (the last in the window).
            window = _PREFIXED_CELL_START.finditer(xml, max(0, position - 400), position)
            nearest = max((m.start() for m in window), default=-1)
            start = max(start, nearest)
        if start >= 0:
            starts.add(start)
    for start in sorted(starts):
        match = CELL_XML.match(xml, start)
        if match is None:
            continue
        attributes, inner = match.group(1), match.group(2) or b""
        is_error = bool(_ERROR_TYPE.search(attributes))
        cached = VALUE_XML.search(inner)
        uncached = not is_error and FORMULA_XML.search(inner) and not (cached and cached.group(1))
        if not (is_error or uncached):
            continue
        reference = _REF.search(attributes)
        if reference is None:
            continue
        column = column_number(reference.group(1)) - 1  # 0-based
        row = int(reference.group(2))
        if is_error:
            value = VALUE_XML.search(inner)
            text = value.group(1).decode(errors="replace") if value else "#ERROR"
        else:
            text = ""  # a formula whose result was never saved
        errors.setdefault(row, {})[column] = text
    return errors


def _marker_positions(xml: bytes) -> Iterator[int]:
    """Where an error type, or a formula with no cached value, may start.

    A regex over a 30 MB sheet is slow; bytes.find and bytes.count are not,
    but each is a pass over the whole sheet that holds the GIL while the
    other threads read and parse: as few passes as can tell are made.
    Formulas are walked only when counting shows that some lack the cached
    <v> that Excel writes right after them. Namespace-prefixed XML (``<x:f>``,
    written by some programs) falls back to the regex.
    """
    position = xml.find(b't="e"')
    while position != -1:
        yield position
        position = xml.find(b't="e"', position + 1)
    # No tag starting "<f": no formula but perhaps prefixed ones (below). For a sheet
    # of values, one pass tells it instead of the two counts that follow.
    has_f_tags = b"<f" in xml
    closed = xml.count(b"</f>") if has_f_tags else 0
    # Excel writes <f>…</f><v>…</v>; <v></v> (openpyxl) holds no value. Anything
    # else after a formula (<v/>, <v />, no <v>) is told apart by the walk below.
    if closed and closed != xml.count(b"</f><v>") - xml.count(b"</f><v></v>"):
        position = xml.find(b"</f>")
        while position != -1:
            after = position + 4
            if not xml.startswith(b"<v", after) or xml.startswith(_EMPTY_VALUES, after):
                yield position
            position = xml.find(b"</f>", after)
    # Self-closing formulas: the cells of a filled-down shared formula, <f t="shared" si="0"/>.
    # As many tags starting "<f" as "</f>": every formula is closed, none self-closing.
    if has_f_tags and xml.count(b"<f") != closed:
        opened = xml.count(b"<f>") + xml.count(b"<f ") + xml.count(b"<f/>")
        empty_after_shared = sum(xml.count(b"/>" + v) for v in _EMPTY_VALUES)
        if opened - closed != xml.count(b"/><v") - empty_after_shared:
            for needle in (b"<f ", b"<f/>"):
                position = xml.find(needle)
                while position != -1:
                    tag_end = xml.find(b">", position)
                    after = tag_end + 1
                    if xml[tag_end - 1 : tag_end] == b"/" and (
                        not xml.startswith(b"<v", after) or xml.startswith(_EMPTY_VALUES, after)
                    ):
                        yield position
                    position = xml.find(needle, position + 1)
    if b":f" in xml and (b":f>" in xml or b":f " in xml):
        for match in _PREFIXED_FORMULA.finditer(xml):
            yield match.start()
