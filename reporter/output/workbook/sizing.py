"""Column widths and row heights worked out from the text they hold."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from typing import Any

from xlsxwriter.worksheet import Worksheet

from reporter.output.workbook.columns import Column
from reporter.text_width import display_width, widest_line

# Points per line of wrapped 11 pt text (22 pixels), for a program that keeps the
# height written: Meiryo UI in Excel takes about 15, LibreOffice's substitutes up to
# 15.9 (Noto Sans CJK; IPA Gothic 13.4), and a shorter line would cut the last one.
LINE_HEIGHT = 16.5
ROW_PADDING = 2.0
# The height a row without a set height takes: one line of 11 pt Meiryo UI in Excel
# (xlsxwriter's 15 is Calibri's); LibreOffice's substitutes take about as much or less.
DEFAULT_ROW_HEIGHT = 17.25


def widths(
    columns: Sequence[Column], headers: Sequence[str], values: Sequence[Sequence[Any]]
) -> list[float]:
    """Column widths that fit the text (Japanese counts double), capped for long text.

    The header counts only over a column that holds something: an empty column
    (no exception in force, say) stays narrow, its header wrapping in the
    two-line header row, and the width goes to the text columns. It is still
    as wide as the header's longest word: narrower, a word such as "Excepted"
    would break in the middle, over more lines than the header row holds.
    """
    result = []
    for c, column in enumerate(columns):
        distinct = {row[c] for row in values} - {None, ""}
        # +2 leaves room for the table's filter button beside the header.
        widest = widest_line(headers[c]) + 2 if distinct else longest_word(headers[c]) + 2
        # Codes, severities, owners repeat: each distinct value is measured once.
        for value in distinct:
            if widest + 1 >= column.cap:
                break  # capped: no need to measure the rest
            widest = max(widest, value_width(value, column.kind) + 1)
        result.append(float(max(column.minimum, min(column.cap, widest))))
    return result


# Where a header may wrap: at a space, and before an opening bracket (「除外」「(理由)」).
_WORD_BREAK = re.compile(r"\s+|(?=[(（])")


def longest_word(text: str) -> int:
    """The display width of the widest part of ``text`` that does not wrap."""
    return max((display_width(word) for word in _WORD_BREAK.split(text)), default=0)


def value_width(value: Any, kind: str) -> int:
    if value is None or value == "":
        return 0
    if kind == "date":
        return 10
    if kind == "days":
        return 12
    if kind == "number":
        return len(str(value))
    return widest_line(str(value))


def row_height(cells: Sequence[tuple[Any, float]]) -> float | None:
    """The height a row needs to show its wrapped text; None when one line is enough.

    ``cells`` holds (text, column width) for the row's wrapped cells. The lines
    are counted for Excel with Meiryo UI, the narrowest of the programs that
    open the report: a column w characters wide holds about w + 2 half-width
    characters there (a full-width one counts two), so w - 1 leaves room for
    words that wrap whole. The programs that fit rows themselves replace this
    estimate (:class:`FittedRowsSheet`); in one that keeps it (LibreOffice 7.4,
    whose substitute fonts fit more on a line and take less height per line),
    counting more generously would only leave larger gaps.
    """
    lines = 1
    for value, col_width in cells:
        if isinstance(value, str) and value:
            lines = max(lines, _text_lines(value, col_width))
    return lines * LINE_HEIGHT + ROW_PADDING if lines > 1 else None


# Titles and actions repeat down a findings table: each is measured once per width.
@functools.lru_cache(maxsize=4096)
def _text_lines(value: str, col_width: float) -> int:
    if len(value) * 2 <= col_width - 1 and "\n" not in value:
        return 1  # one line even if every character is full-width
    usable = max(1.0, col_width - 1)
    return sum(_lines(display_width(line), col_width, usable) for line in value.split("\n"))


def fit_row(ws: Worksheet, row: int, cells: Sequence[tuple[Any, float]]) -> float | None:
    """Give a row the height its wrapped text needs (see :func:`row_height`); return it.

    The height is written as fitted, not set by hand (:class:`FittedRowsSheet`),
    so a program that fits rows on opening uses its own; one that does not
    shows this estimate, in which no line is cut off (tests/test_row_heights.py).
    """
    height = row_height(cells)
    if height is not None:
        ws.set_row(row, height)
    return height


class FittedRowsSheet(Worksheet):
    """A worksheet whose row heights are fitted to their text, not set by hand.

    xlsxwriter marks every row it gives a height ``customHeight="1"``: set by
    hand, to be kept as it is (ECMA-376 Part 1, 18.3.1.73). Every height in the
    report is an estimate of what its text needs, so it is written the way
    Excel writes a row it fitted itself, ``ht`` alone. Then each program may fit
    the row to the text in its own fonts, which leaves no gap under the text:
    Excel sizes such a row from its content on opening, as one with no height
    (measured in Excel and reported in developer0hye/office2pdf#1151 and
    openspout/openspout#412; no Excel here to check it, 2026-12-06), and
    LibreOffice 25.2 does too (tests/test_row_heights.py). LibreOffice 7.4 shows
    the ``ht`` as it is, and so does any program that fits nothing: they show
    the estimate, whose lines (:data:`LINE_HEIGHT`) are as tall as the tallest
    font they may use, so that no line is cut off.

    The ``<row>`` tag is written through xmlwriter's ``_xml_start_tag_unencoded``
    and ``_xml_empty_tag_unencoded`` in xlsxwriter 3.3.1 (the pin in
    pyproject.toml). tests/test_row_heights.py fails if a row is marked as set by
    hand again.
    """

    def _xml_start_tag_unencoded(self, tag: str, attributes: Sequence[Any] = ()) -> None:
        super()._xml_start_tag_unencoded(tag, _as_fitted(tag, attributes))

    def _xml_empty_tag_unencoded(self, tag: str, attributes: Sequence[Any] = ()) -> None:
        super()._xml_empty_tag_unencoded(tag, _as_fitted(tag, attributes))


def _as_fitted(tag: str, attributes: Sequence[Any]) -> Sequence[Any]:
    if tag != "row":
        return attributes
    return [attribute for attribute in attributes if attribute[0] != "customHeight"]


def _lines(text_width: int, col_width: float, usable: float) -> int:
    # Text no wider than the column (whose width was sized to it) stays on one line.
    if text_width <= col_width - 1:
        return 1
    return max(1, math.ceil(text_width / usable))
