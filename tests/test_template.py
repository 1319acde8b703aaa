"""``reporter init``: the blank register, read back the way Excel and the reporter would."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from reporter.errors import EXIT_OUTPUT, OutputError, ReporterError
from reporter.platform import load_settings
from reporter.register.loader import load_register
from reporter.register.schema import BOOL, DATE, ENUM, ID, SHEETS, normalize_token, sheet_lookup
from reporter.register.template import INSTRUCTIONS_SHEET, write_blank_register

LANGS = ("ja", "en")
# What `reporter init` passes: the validity periods of the rules in force.
VALIDITY = load_settings().validity_days
TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "register-template.xlsx"


def sheet_name(spec: Any, lang: str) -> str:
    return spec.ja if lang == "ja" else spec.en


def header(column: Any, lang: str) -> str:
    return column.ja if lang == "ja" else column.key


def headers_of(sheet: Worksheet) -> list[str]:
    return [cell.value for cell in sheet[1] if cell.value is not None]


def column_letter(sheet: Worksheet, title: str) -> str:
    for cell in sheet[1]:
        if cell.value == title:
            return cell.column_letter
    raise AssertionError(f"no header {title!r} in {sheet.title}")


def validations_by_column(sheet: Worksheet) -> dict[str, list[str]]:
    """Column letter -> the choices of the drop-down list covering that column's rows 2..1000."""
    found: dict[str, list[str]] = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        choices = validation.formula1.strip('"').split(",")
        for cell_range in validation.sqref.ranges:
            assert (cell_range.min_row, cell_range.max_row) == (2, 1000), str(cell_range)
            assert cell_range.min_col == cell_range.max_col
            letter = openpyxl.utils.get_column_letter(cell_range.min_col)
            found[letter] = choices
    return found


def all_text(sheet: Worksheet) -> str:
    return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("blank")
    paths = {lang: folder / f"register-{lang}.xlsx" for lang in LANGS}
    for lang, path in paths.items():
        write_blank_register(path, lang, validity_days=VALIDITY)
    return paths


@pytest.mark.parametrize("lang", LANGS)
def test_every_sheet_and_header_of_the_spec_is_there(blank: dict[str, Path], lang: str) -> None:
    workbook = openpyxl.load_workbook(blank[lang])
    assert workbook.sheetnames == [INSTRUCTIONS_SHEET[lang]] + [sheet_name(s, lang) for s in SHEETS]
    for spec in SHEETS:
        sheet = workbook[sheet_name(spec, lang)]
        assert headers_of(sheet) == [header(c, lang) for c in spec.columns]
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.freeze_panes == "A2"


@pytest.mark.parametrize("lang", LANGS)
def test_fixed_value_columns_have_drop_down_lists(blank: dict[str, Path], lang: str) -> None:
    workbook = openpyxl.load_workbook(blank[lang])
    for spec in SHEETS:
        sheet = workbook[sheet_name(spec, lang)]
        lists = validations_by_column(sheet)
        expected: dict[str, list[str]] = {}
        for column in spec.columns:
            letter = column_letter(sheet, header(column, lang))
            if column.kind == ENUM:
                assert column.enum is not None
                codes = list(column.enum.values)
                expected[letter] = (
                    [column.enum.label(c, "ja") for c in codes] if lang == "ja" else codes
                )
            elif column.kind == BOOL:
                expected[letter] = ["はい", "いいえ"] if lang == "ja" else ["yes", "no"]
        assert lists == expected, spec.key
        # A synonym typed over the list is kept: Excel only informs, it does not refuse.
        for validation in sheet.data_validations.dataValidation:
            assert validation.errorStyle == "information" or not validation.showErrorMessage


def test_japanese_lists_show_the_labels_a_team_types(blank: dict[str, Path]) -> None:
    sheet = openpyxl.load_workbook(blank["ja"])["キー"]
    lists = validations_by_column(sheet)
    assert "楽天ライセンスキー" in lists[column_letter(sheet, "種類")]
    assert lists[column_letter(sheet, "状態")] == [
        "利用中",
        "承認待ち",
        "利用中 更新あり",
        "有効期限切れ",
        "停止",
    ]
    assert "SP-API自己認可" in lists[column_letter(sheet, "種類")]


def test_revision_2_columns_and_values_have_their_lists_and_notes(blank: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(blank["ja"])
    tools = workbook["ツール"]
    renews = column_letter(tools, "契約更新日")
    assert tools[f"{renews}2"].number_format == "yyyy-mm-dd"
    assert column_letter(tools, "解約予告(日)")
    grants = validations_by_column(workbook["権限"])
    assert "認定パートナー" in grants[column_letter(workbook["権限"], "権限種別")]
    instructions = "\n".join(
        str(cell.value) for row in workbook["説明"].iter_rows() for cell in row if cell.value
    )
    for words in ("契約更新日", "解約予告(日)", "認定パートナー", "SP-API自己認可", "有効期限切れ"):
        assert words in instructions, words
    # 外注さん stays an accepted spelling (listed once among the values); the prose says 外注先.
    assert instructions.count("外注さん") == 1
    assert "納品書" not in instructions


@pytest.mark.parametrize("lang", LANGS)
def test_date_and_id_columns_are_formatted(blank: dict[str, Path], lang: str) -> None:
    workbook = openpyxl.load_workbook(blank[lang])
    for spec in SHEETS:
        sheet = workbook[sheet_name(spec, lang)]
        for column in spec.columns:
            letter = column_letter(sheet, header(column, lang))
            if column.kind == DATE:
                assert sheet[f"{letter}2"].number_format == "yyyy-mm-dd", (spec.key, column.key)
                assert sheet[f"{letter}1000"].number_format == "yyyy-mm-dd"
            elif column.kind == ID:
                assert sheet[f"{letter}2"].number_format == "@", (spec.key, column.key)


@pytest.mark.parametrize("lang", LANGS)
def test_register_sheets_hold_no_data(blank: dict[str, Path], lang: str) -> None:
    workbook = openpyxl.load_workbook(blank[lang])
    for spec in SHEETS:
        sheet = workbook[sheet_name(spec, lang)]
        values = [v for row in sheet.iter_rows(min_row=2, values_only=True) for v in row]
        assert all(v is None for v in values), spec.key


@pytest.mark.parametrize("lang", LANGS)
def test_the_reporter_reads_the_blank_register_as_complete_and_empty(
    blank: dict[str, Path], lang: str
) -> None:
    register = load_register(blank[lang])
    assert list(register.sheets) == [s.key for s in SHEETS]
    assert register.missing_sheets == []
    for data in register.sheets.values():
        assert data.header_row == 1
        assert data.records == []
        assert data.missing_columns == [] and data.unknown_columns == []
        assert set(data.columns) == {c.key for c in data.spec.columns}


@pytest.mark.parametrize("lang", LANGS)
def test_check_on_a_blank_register_reports_nothing(blank: dict[str, Path], lang: str) -> None:
    from reporter.engine import run_checks
    from reporter.platform import load_settings

    result = run_checks(load_register(blank[lang]), date(2026, 11, 30), load_settings())
    assert result.findings == []
    assert result.skipped == []


@pytest.mark.parametrize("lang", LANGS)
def test_instructions_come_first_and_cover_every_sheet(blank: dict[str, Path], lang: str) -> None:
    workbook = openpyxl.load_workbook(blank[lang])
    assert workbook.sheetnames[0] == INSTRUCTIONS_SHEET[lang]
    text = all_text(workbook[INSTRUCTIONS_SHEET[lang]])
    for spec in SHEETS:
        assert sheet_name(spec, lang) in text
        for column in spec.columns:
            assert header(column, lang) in text
            if column.enum is not None:
                for code in column.enum.values:
                    assert code in text and column.enum.label(code, "ja") in text
    checks = "レポーターが確認すること" if lang == "ja" else "What the reporter checks"
    assert checks in text
    for period in ("90", "365", "180", "28"):
        assert period in text
    assert "令和8年11月22日" in text if lang == "ja" else "2026-11-22" in text


def test_every_column_has_an_explanation_in_both_languages(blank: dict[str, Path]) -> None:
    for lang in LANGS:
        sheet = openpyxl.load_workbook(blank[lang])[INSTRUCTIONS_SHEET[lang]]
        rows = {(row[0], row[3]) for row in sheet.iter_rows(values_only=True)}
        for spec in SHEETS:
            for column in spec.columns:
                notes = [note for name, note in rows if name == header(column, lang)]
                assert notes and all(notes), (lang, spec.key, column.key)


@pytest.mark.parametrize("lang", LANGS)
def test_instructions_sheet_cannot_pass_for_a_register_sheet(lang: str) -> None:
    token = normalize_token(INSTRUCTIONS_SHEET[lang])
    assert not any(len(spelling) >= 2 and spelling in token for spelling in sheet_lookup())


def test_an_existing_file_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "台帳.xlsx"
    path.write_bytes(b"the team's register")
    with pytest.raises(OutputError) as caught:
        write_blank_register(path, validity_days=VALIDITY)
    assert caught.value.exit_code == EXIT_OUTPUT == 3
    assert str(path) in caught.value.render("ja")
    assert "--force" in caught.value.render("en")
    assert path.read_bytes() == b"the team's register"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["台帳.xlsx"]


def test_overwrite_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "台帳.xlsx"
    path.write_bytes(b"old")
    write_blank_register(path, "en", overwrite=True, validity_days=VALIDITY)
    assert openpyxl.load_workbook(path).sheetnames[0] == "Instructions"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["台帳.xlsx"]


def test_a_folder_that_cannot_be_written_is_an_output_error(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    with pytest.raises(OutputError) as caught:
        write_blank_register(not_a_folder / "台帳.xlsx", validity_days=VALIDITY)
    assert caught.value.key == "init_unwritable"
    assert caught.value.exit_code == 3
    assert "file.txt" in caught.value.render("ja")
    assert not_a_folder.read_text() == "x"


@pytest.mark.parametrize("name", ["folder", "台帳.csv", "台帳"])
def test_a_path_that_is_not_an_xlsx_file_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name == "folder":
        path.mkdir()
    with pytest.raises(ReporterError) as caught:
        write_blank_register(path, validity_days=VALIDITY)
    assert caught.value.render("ja") != caught.value.key
    assert [p.name for p in tmp_path.iterdir()] == ([name] if name == "folder" else [])


def test_the_committed_template_matches_what_init_writes(blank: dict[str, Path]) -> None:
    assert TEMPLATE.exists(), "run: python templates/make_templates.py"
    committed = openpyxl.load_workbook(TEMPLATE)
    fresh = openpyxl.load_workbook(blank["ja"])
    hint = "templates/register-template.xlsx is stale: run python templates/make_templates.py"
    assert committed.sheetnames == fresh.sheetnames, hint
    for name in fresh.sheetnames:
        assert headers_of(committed[name]) == headers_of(fresh[name]), hint
        assert validations_by_column(committed[name]) == validations_by_column(fresh[name]), hint
    assert all_text(committed[INSTRUCTIONS_SHEET["ja"]]) == all_text(
        fresh[INSTRUCTIONS_SHEET["ja"]]
    ), hint
