"""What calamine cannot tell about an .xlsx/.xlsm: its date system, its sheets' parts and sizes."""

from __future__ import annotations

import zipfile
from concurrent.futures import Future
from pathlib import Path
from typing import Any, BinaryIO

from reporter.model import LooseText
from reporter.register.error_cells import error_cells_in
from reporter.register.loose_text import defined_names
from reporter.register.ooxml import read_part, read_workbook_xml
from reporter.register.schema import SheetSpec
from reporter.register.sheet_area import check_sheet_xml_area


class XlsxInfo:
    """Facts read from an .xlsx/.xlsm package's XML: date system and error cells."""

    def __init__(self, source: Path | BinaryIO, path: Path | None = None) -> None:
        self.date1904 = False
        self._sheet_parts: dict[str, str] = {}
        self._part_sizes: dict[str, int] = {}  # sheet name -> bytes of its XML, unzipped
        self.workbook_part: str | None = None  # "xl/workbook.xml", where the package has it
        self.source = source  # what calamine reads: the file, or its compacted copy
        self.defined_names: list[LooseText] = []
        # The register, for messages.
        self._path = path if path is not None else Path(str(getattr(source, "name", source)))
        if not zipfile.is_zipfile(source):
            return
        try:
            with zipfile.ZipFile(source) as package:
                self._read_workbook_xml(package)
        except (zipfile.BadZipFile, KeyError, OSError, SyntaxError, ValueError):
            self._sheet_parts = {}

    def _read_workbook_xml(self, package: zipfile.ZipFile) -> None:
        found = read_workbook_xml(package)
        if found is None:
            return
        self.workbook_part = found.part
        self.defined_names = defined_names(found.root)
        for element in found.root.iter():
            if element.tag.rsplit("}", 1)[-1] == "workbookPr":
                self.date1904 = element.get("date1904", "0").lower() in ("1", "true")
        self._sheet_parts = dict(found.sheet_parts)
        self._part_sizes = {
            name: package.getinfo(member).file_size for name, member in found.sheet_parts.items()
        }

    def _sheet_xml(self, sheet_name: str) -> bytes | None:
        part = self._sheet_parts.get(sheet_name)
        if not part:
            return None
        try:
            with zipfile.ZipFile(self.source) as package:
                return read_part(package, part)
        except (KeyError, OSError, zipfile.BadZipFile):
            return None

    def check_area(self, sheet_name: str) -> None:
        """Raise InputError when the sheet's cells spread over more than calamine can hold."""
        xml = self._sheet_xml(sheet_name)
        if xml is not None:
            check_sheet_xml_area(self._path, sheet_name, xml)

    @property
    def sheet_parts(self) -> dict[str, str]:
        """Each sheet's name -> its worksheet part's name in the zip."""
        return dict(self._sheet_parts)

    def size(self, sheet_name: str) -> int:
        """Bytes of the sheet's XML, unzipped (0 when not known: not an .xlsx)."""
        return self._part_sizes.get(sheet_name, 0)

    def reading_order(self, sheets: list[tuple[SheetSpec, Any]]) -> list[tuple[SheetSpec, Any]]:
        """The order to read sheets in: the smallest first.

        Sheets are parsed while the next ones are read on another thread, and the
        rules on the sheets already read run while it reads the rest
        (engine.RuleRun): the small sheets are soon ready for both, and the
        largest is read while this thread has their work to do.
        """
        if not self._part_sizes or len(sheets) < 2:
            return sheets
        return sorted(sheets, key=lambda pair: self.size(pair[1].name))

    def error_cells(
        self, sheet_name: str, checked: Future[None] | None = None
    ) -> dict[int, dict[int, str]]:
        """Excel row -> {0-based column -> error text} for error cells and uncached formulas.

        First the sheet's cells are checked for spreading over more than calamine
        can hold; ``checked`` is then resolved (with the InputError when they do).
        """
        try:
            xml = self._sheet_xml(sheet_name)
            if xml is not None:
                check_sheet_xml_area(self._path, sheet_name, xml)
        except BaseException as error:
            if checked is not None:
                checked.set_exception(error)
            raise
        if checked is not None:
            checked.set_result(None)
        if xml is None:
            return {}
        return error_cells_in(xml)
