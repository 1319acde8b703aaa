"""Reading cell values the way people type them (docs/register.md, "Value forms").

Each parser takes what the workbook reader returned for one cell and gives the
parsed value, or raises :class:`BadValue` saying why it cannot be read. Blank
cells never reach a parser: the loader turns them into ``None`` first.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from reporter.limits import FIRST_DATE, LAST_DATE, MAX_DAYS
from reporter.register.schema import (
    BOOL,
    DATE,
    ENUM,
    FILES,
    ID,
    IDS,
    INT,
    TEXT,
    ColumnSpec,
    EnumSpec,
)

ACCEPTED_DATE_FORMS = (
    "2026-11-22, 2026/11/22, 2026.11.22, 2026年11月22日, 20261122, 令和8年11月22日, R8.11.22"
)


class BadValue(Exception):
    """A cell that cannot be read as its column's kind of value."""

    def __init__(self, kind: str, raw: Any, suggestion: str | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.raw = raw
        self.suggestion = suggestion


def display(value: Any) -> str:
    """A cell value as the user would see it, for messages."""
    if value.__class__ is str:
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# --- dates -------------------------------------------------------------------

# Era name -> (first day of the era, Gregorian year of the era's year 1).
_ERAS: dict[str, tuple[date, int]] = {
    "令和": (date(2019, 5, 1), 2018),
    "平成": (date(1989, 1, 8), 1988),
    "昭和": (date(1926, 12, 25), 1925),
    "大正": (date(1912, 7, 30), 1911),
    "明治": (date(1868, 1, 25), 1867),
}
_ERA_LETTERS = {"r": "令和", "h": "平成", "s": "昭和", "t": "大正", "m": "明治"}

_SEP = r"\s*[-/.]\s*"
_TIME_TAIL = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO_LIKE = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}}){_TIME_TAIL}$")
_KANJI = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日" + _TIME_TAIL + r"$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ERA = re.compile(
    r"^(令和|平成|昭和|大正|明治|[rhstm])\s*(\d{1,2}|元)\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])"
    r"\s*(\d{1,2})\s*日?" + _TIME_TAIL + r"$"
)
# A weekday after the date, as Japanese calendars and emails write it: 2026/11/22(日).
_WEEKDAY_TAIL = re.compile(r"\s*[(（]\s*[月火水木金土日]\s*(?:曜日?)?\s*[)）]\s*$")
_AMBIGUOUS = re.compile(r"^\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4}$")

# Excel serial numbers typed into a date column: accept only a plausible range
# (1954-2119) so that a stray small number is reported, not read as 1900.
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000
_EPOCH_1900 = date(1899, 12, 30)
_EPOCH_1904 = date(1904, 1, 1)

# Keyed on the text and the workbook's date system: a serial number typed as text
# ("46000") is a different date in a 1904 workbook.
_date_text_cache: dict[tuple[str, bool], date | BadValue] = {}


def parse_date(value: Any, date1904: bool = False) -> date:
    """A date cell's date; outside FIRST_DATE..LAST_DATE it is ``date_range`` (reporter.limits)."""
    if isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        if FIRST_DATE <= day <= LAST_DATE:
            return day
        raise BadValue("date_range", value)
    if isinstance(value, (bool, time, timedelta)):
        raise BadValue("date", value)
    if isinstance(value, (int, float)):
        return _date_from_number(value, date1904)
    text = str(value)
    cache_key = (text, date1904)
    cached = _date_text_cache.get(cache_key)
    if cached is None:
        try:
            cached = _date_from_text(text, date1904)
        except BadValue as problem:
            cached = problem
        if len(_date_text_cache) < 100_000:
            _date_text_cache[cache_key] = cached
    if isinstance(cached, BadValue):
        raise cached
    return cached


def _date_from_number(number: float, date1904: bool) -> date:
    if float(number).is_integer() and 19000101 <= number <= 29991231:
        return _date_from_text(str(int(number)), date1904)
    if _SERIAL_MIN <= number <= _SERIAL_MAX:
        epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
        return epoch + timedelta(days=int(number))
    raise BadValue("date", number)


def _date_from_text(text: str, date1904: bool) -> date:
    day = _calendar_date(text, date1904)
    if FIRST_DATE <= day <= LAST_DATE:
        return day
    raise BadValue("date_range", text)


def _calendar_date(text: str, date1904: bool) -> date:
    normalized = _WEEKDAY_TAIL.sub("", unicodedata.normalize("NFKC", text).strip()).casefold()
    try:
        if match := _ISO_LIKE.match(normalized) or _KANJI.match(normalized):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _COMPACT.match(normalized):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _ERA.match(normalized):
            era = _ERA_LETTERS.get(match[1], match[1])
            _, year_zero = _ERAS[era]
            era_year = 1 if match[2] == "元" else int(match[2])
            if era_year < 1:
                raise BadValue("date", text)
            return date(year_zero + era_year, int(match[3]), int(match[4]))
    except ValueError:  # e.g. 2026-02-30
        raise BadValue("date", text) from None
    if _AMBIGUOUS.match(normalized):
        raise BadValue("ambiguous_date", text)
    if re.fullmatch(r"\d+(\.\d+)?", normalized):
        return _date_from_number(float(normalized), date1904)
    raise BadValue("date", text)


# --- booleans ----------------------------------------------------------------

_TRUE = {"はい", "yes", "y", "true", "1", "○", "◯", "〇", "✓", "✔", "●", "有", "あり"}
_FALSE = {"いいえ", "no", "n", "false", "0", "×", "✕", "✗", "x", "-", "無", "なし"}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue("bool", value, "はい / いいえ")


# --- enums, ids, numbers, text -------------------------------------------------


def parse_enum(value: Any, spec: EnumSpec) -> str:
    from reporter.register.schema import normalize_token

    code = spec.lookup.get(normalize_token(display(value)))
    if code is None:
        raise BadValue("enum", value, closest_allowed(display(value), spec))
    return code


def closest_allowed(text: str, spec: EnumSpec) -> str | None:
    """The allowed value closest to ``text``, shown as 'code (ラベル)'."""
    from reporter.register.schema import normalize_token

    lookup = spec.lookup
    # The spec asks for the closest allowed value always, however far it is.
    matches = difflib.get_close_matches(normalize_token(text), list(lookup), n=1, cutoff=0.0)
    if not matches:
        return None
    code = lookup[matches[0]]
    return f"{spec.label(code)} ({code})"


def parse_id(value: Any) -> str:
    if value.__class__ is str:
        text = value.strip()
        # Most ids are plain ASCII; only full-width ones need NFKC.
        return text if text.isascii() else unicodedata.normalize("NFKC", text).strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", display(value)).strip()


def parse_int(value: Any) -> int:
    """A whole number of days, 0 to MAX_DAYS; a larger or negative one is ``int_range``."""
    if isinstance(value, bool):
        raise BadValue("int", value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        text = text.removesuffix("日").removesuffix("days").strip()
        # isdigit() is also true of signs such as "𐩀" that int() refuses; isdecimal() is not.
        if not text.isdecimal():
            raise BadValue("int", value)
        if len(text) > 12:  # far beyond MAX_DAYS, and int() refuses past 4300 digits
            raise BadValue("int_range", value)
        number = int(text)
    if 0 <= number <= MAX_DAYS:
        return number
    raise BadValue("int_range", value)


def parse_text(value: Any) -> str:
    if value.__class__ is str:
        return value.strip()
    return display(value)


_FILE_SEPARATORS = re.compile(r"[,、;\n\r，；]+")


def parse_files(value: Any) -> tuple[str, ...]:
    names = (name.strip() for name in _FILE_SEPARATORS.split(display(value)))
    return tuple(name for name in names if name)


def parser_for(column: ColumnSpec, date1904: bool = False) -> Callable[[Any], Any]:
    """The parser for a column's kind of value."""
    if column.kind == DATE:
        return (lambda value: parse_date(value, True)) if date1904 else parse_date
    if column.kind == ENUM:
        assert column.enum is not None
        enum = column.enum
        cache: dict[Any, str] = {}

        def enum_parser(value: Any) -> str:
            # Registers repeat the same few labels; memoize per column.
            key = (type(value), value)
            code = cache.get(key)
            if code is None:
                code = parse_enum(value, enum)
                cache[key] = code
            return code

        return enum_parser
    return {
        BOOL: parse_bool,
        ID: parse_id,
        INT: parse_int,
        FILES: parse_files,
        IDS: parse_files,  # ids are separated like file names
        TEXT: parse_text,
    }[column.kind]
