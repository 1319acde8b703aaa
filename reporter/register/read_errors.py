"""Why calamine could not read a file: damaged, or written in a way it does not support.

The user's fix differs: a damaged file needs the sender, an unsupported one
only needs saving as .xlsx. calamine says which only in its error's text.
"""

from __future__ import annotations

import re
from pathlib import Path

from reporter.errors import InputError
from reporter.register.ods import LAYOUT_ODS_OTHER, LAYOUT_ODS_SPACING, is_well_formed_opendocument

_CODEPAGE_NOT_FOUND = re.compile(r"Codepage ([0-9A-Fa-f]{1,4}) not found")


def unreadable(path: Path, content: str, error: Exception) -> InputError:
    """Why calamine could not read the file: damaged, or written in a way it does not support.

    The user's fix differs: a damaged file needs the sender, an unsupported one
    only needs saving as .xlsx. calamine says which only in its error's text.
    """
    detail = str(error)
    codepage = _CODEPAGE_NOT_FOUND.search(detail)
    if content == "xls" and codepage is not None:
        number = int(codepage.group(1), 16)
        what = {
            "ja": f"文字コード(コードページ{number})",
            "en": f"a text encoding (code page {number})",
        }
        return InputError("register_unsupported", path=str(path), what=what)
    if content == "xlsx" and "Range is missing the expected" in detail:
        # A sheet's range written as whole columns or rows ("A:C"), which Excel never writes.
        return InputError("register_unsupported", path=str(path), what=_LAYOUT_WHOLE_RANGE)
    if content == "ods" and is_well_formed_opendocument(path):
        what = LAYOUT_ODS_SPACING if "found 'Text" in detail else LAYOUT_ODS_OTHER
        return InputError("register_unsupported", path=str(path), what=what)
    return InputError("register_corrupt", path=str(path))


_LAYOUT_WHOLE_RANGE = {
    "ja": "形式(「A:C」のように列や行だけで範囲を書いたシート)",
    "en": "a layout (a sheet range of whole columns or rows, such as A:C)",
}
