"""Every value form of spec section 1 is read as the team means it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from reporter.register.schema import KEY_STATUS, PLATFORM, PURPOSE
from reporter.register.values import (
    BadValue,
    parse_bool,
    parse_date,
    parse_enum,
    parse_files,
    parse_id,
    parse_int,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-22", date(2026, 11, 22)),
        ("2026/11/22", date(2026, 11, 22)),
        ("2026/1/5", date(2026, 1, 5)),
        ("2026.11.22", date(2026, 11, 22)),
        ("2026年11月22日", date(2026, 11, 22)),
        ("20261122", date(2026, 11, 22)),
        ("R8.11.22", date(2026, 11, 22)),
        ("令和8年11月22日", date(2026, 11, 22)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("２０２６/１１/２２", date(2026, 11, 22)),
        ("２０２６年１１月２２日", date(2026, 11, 22)),
        ("Ｒ８．１１．２２", date(2026, 11, 22)),
        ("2026/11/22 10:30", date(2026, 11, 22)),
        (" 2026-11-22 ", date(2026, 11, 22)),
        ("2026/11/22(日)", date(2026, 11, 22)),
        ("2026年11月22日（日曜日）", date(2026, 11, 22)),
        ("R8.11.22 (日)", date(2026, 11, 22)),
        (datetime(2026, 11, 22, 23, 59), date(2026, 11, 22)),
        (date(2026, 11, 22), date(2026, 11, 22)),
        (20261122, date(2026, 11, 22)),
        (46348.0, date(2026, 11, 22)),  # an Excel serial typed as a plain number
    ],
)
def test_date_forms_are_read(typed: object, expected: date) -> None:
    assert parse_date(typed) == expected


def test_serial_number_in_1904_date_system() -> None:
    assert parse_date(44886.0, date1904=True) == date(2026, 11, 22)


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("11/12/2026", "ambiguous_date"),
        ("12-11-2026", "ambiguous_date"),
        ("来月末", "date"),
        ("2026-02-30", "date"),
        ("2026/13/01", "date"),
        ("R0.1.1", "date"),
        (True, "date"),
        (45.0, "date"),
    ],
)
def test_unreadable_or_ambiguous_dates_are_refused(typed: object, kind: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_date(typed)
    assert caught.value.kind == kind


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("はい", True),
        ("いいえ", False),
        ("yes", True),
        ("No", False),
        ("TRUE", True),
        ("false", False),
        ("1", True),
        (0.0, False),
        (1, True),
        ("○", True),
        ("×", False),
        ("✓", True),
        (True, True),
    ],
)
def test_boolean_forms(typed: object, expected: bool) -> None:
    assert parse_bool(typed) is expected


def test_unknown_boolean_is_refused() -> None:
    with pytest.raises(BadValue):
        parse_bool("たぶん")


@pytest.mark.parametrize(
    ("typed", "spec", "expected"),
    [
        ("楽天", PLATFORM, "rakuten"),
        ("楽天市場", PLATFORM, "rakuten"),
        ("Yahoo!ショッピング", PLATFORM, "yahoo"),
        ("ＡＭＡＺＯＮ", PLATFORM, "amazon_jp"),
        ("amazon_jp", PLATFORM, "amazon_jp"),
        ("Amazon-JP", PLATFORM, "amazon_jp"),
        ("利用中 更新あり", KEY_STATUS, "update_requested"),
        ("利用中　更新あり", KEY_STATUS, "update_requested"),
        ("リサーチ", PURPOSE, "price_research"),
        ("Price_Research", PURPOSE, "price_research"),
    ],
)
def test_enums_accept_label_code_and_synonyms(typed: str, spec: object, expected: str) -> None:
    assert parse_enum(typed, spec) == expected  # type: ignore[arg-type]


def test_unknown_enum_names_the_closest_allowed_value() -> None:
    with pytest.raises(BadValue) as caught:
        parse_enum("価格改定ツール", PURPOSE)
    assert caught.value.suggestion == "価格改定 (repricing)"


@pytest.mark.parametrize(
    ("typed", "expected"), [(1.0, "1"), (1, "1"), ("K-001", "K-001"), ("Ｋ－００１", "K-001")]
)
def test_ids_compare_as_text(typed: object, expected: str) -> None:
    assert parse_id(typed) == expected


def test_whole_days_and_documents() -> None:
    assert parse_int("180日") == 180
    assert parse_int(365.0) == 365
    with pytest.raises(BadValue):
        parse_int("半年")
    assert parse_files("invoice.pdf、receipt.jpg; photo.png\nnote.docx") == (
        "invoice.pdf",
        "receipt.jpg",
        "photo.png",
        "note.docx",
    )


def test_a_serial_typed_as_text_follows_the_workbook_date_system() -> None:
    # The same text in two workbooks: read once per date system, not cached across them.
    assert parse_date("44886") == date(2022, 11, 21)
    assert parse_date("44886", date1904=True) == date(2026, 11, 22)
    assert parse_date("44886") == date(2022, 11, 21)


@pytest.mark.parametrize(
    "value",
    [date(9999, 12, 31), datetime(1899, 12, 31, 12, 0), "9999/12/31", "0001-01-01", "3000年1月1日"],
)
def test_a_date_outside_1900_to_2999_is_out_of_range(value: object) -> None:
    with pytest.raises(BadValue) as caught:
        parse_date(value)
    assert caught.value.kind == "date_range"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (3651, "int_range"),
        (-1, "int_range"),
        (1e308, "int_range"),
        ("1" * 5000, "int_range"),
        ("99999999日", "int_range"),
        ("𐩀", "int"),
    ],
)
def test_a_day_count_outside_0_to_3650_is_refused(value: object, kind: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_int(value)
    assert caught.value.kind == kind


def test_the_limits_themselves_are_read() -> None:
    assert parse_date("1900/01/01") == date(1900, 1, 1)
    assert parse_date(date(2999, 12, 31)) == date(2999, 12, 31)
    assert parse_int("3650日") == 3650 and parse_int(0) == 0 and parse_int("٣") == 3
