"""How wide a text shows: full-width (Japanese) characters take two columns.

One definition for the terminal table, the report's column widths and row
heights, and the register template's columns.
"""

from __future__ import annotations

import codecs
import re

# The East Asian Wide and Fullwidth blocks (kana, kanji, hangul, full-width forms):
# one regex pass counts them, where a per-character lookup was slow on a large report.
_WIDE = re.compile(
    "[\u1100-\u115f\u231a-\u231b\u2329-\u232a\u2e80-\u303e\u3041-\u33ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3"
    "\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff01-\uff60\uffe0-\uffe6"
    "\U0001f300-\U0001f64f\U0001f900-\U0001f9ff\U00020000-\U0003fffd]"
)


def _outside_cp932(error: UnicodeError) -> tuple[str, int]:
    # Characters CP932 cannot encode (emoji, characters outside JIS) count by the table above.
    if not isinstance(error, UnicodeEncodeError):
        raise error
    part = error.object[error.start : error.end]
    return "x" * (len(part) + len(_WIDE.findall(part))), error.end


codecs.register_error("reporter_display_width", _outside_cp932)


def display_width(text: str) -> int:
    """Width in character columns: full-width (Japanese) characters count two."""
    if text.isascii():
        return len(text)
    # In CP932 (Windows Japanese) a full-width character takes two bytes and a
    # half-width one one byte: the byte count is the width, worked out in C. It also
    # counts the symbols Japanese fonts draw full-width (○, ■, →, ①).
    return len(text.encode("cp932", errors="reporter_display_width"))


def widest_line(text: str) -> int:
    """The display width of the widest line of ``text``."""
    return max((display_width(line) for line in text.splitlines()), default=0)
