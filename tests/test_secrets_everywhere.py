"""SEC001 reads the whole workbook: other sheets, hidden sheets, comments, notes, defined names.

Each secret is found with its sheet and cell, and no output (terminal, JSON,
report) repeats it unmasked.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reporter.cli import app
from tests.conftest import register_sheets

runner = CliRunner()

TOKEN = "Atzr|IwEBIJ3xAbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
AWS_LONGER = "AKIAIOSFODNN7EXAMPLEXYZ"  # an AWS key id, a few characters longer than today's
AWS = "AKIAQ3EGRT7WZX5YB2NM"
PASSWORD = "hunter2"
THREADED = "Atza|ThreadedCommentTokenAbCdEfGh0123456789"
SECRETS = (TOKEN, AWS_LONGER, AWS, PASSWORD, THREADED)
DATA = Path(__file__).parent / "data"


def _register_with_secrets(path: Path) -> Path:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    for name, rows in register_sheets().items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
        if name == "キー":
            sheet.write_comment("B1", f"refresh token: {TOKEN}")
    memo = workbook.add_worksheet("メモ")
    memo.write("A1", "ログイン情報")
    memo.write("A2", "パスワード")
    memo.write("B2", PASSWORD)
    memo.write("A3", "AWS")
    memo.write("B3", AWS_LONGER)
    memo.write("A4", "City")  # ordinary text stays silent
    memo.write("B4", "Tokyo")
    memo.write_comment("C5", f"the key is {AWS}")
    hidden = workbook.add_worksheet("旧キー")
    hidden.write("D4", TOKEN)
    hidden.hide()
    workbook.define_name("ApiToken", f'="{TOKEN}"')
    workbook.close()
    return _with_threaded_comment(path, "xl/worksheets/sheet6.xml", "E2", THREADED)


def _with_threaded_comment(path: Path, sheet_part: str, cell: str, text: str) -> Path:
    """Add a threaded comment (Excel 365's comments; xlsxwriter writes notes only)."""
    threaded = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/'
        f'threadedcomments"><threadedComment ref="{cell}" dT="2026-11-01T00:00:00.00" '
        'personId="{00000000-0000-0000-0000-000000000001}" '
        'id="{00000000-0000-0000-0000-000000000002}">'
        f"<text>{text}</text></threadedComment></ThreadedComments>"
    )
    folder, name = sheet_part.rsplit("/", 1)
    rels_name = f"{folder}/_rels/{name}.rels"
    relationship = (
        '<Relationship Id="rIdT1" Type="http://schemas.microsoft.com/office/2017/10/'
        'relationships/threadedComment" Target="../threadedComments/threadedComment1.xml"/>'
    )
    copy = path.with_name(f"threaded-{path.name}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w") as target:
        names = source.namelist()
        for item in source.infolist():
            data = source.read(item)
            if item.filename == rels_name:
                data = data.replace(
                    b"</Relationships>", relationship.encode() + b"</Relationships>"
                )
            target.writestr(item, data)
        if rels_name not in names:
            target.writestr(
                rels_name,
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
                'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f"{relationship}</Relationships>",
            )
        target.writestr("xl/threadedComments/threadedComment1.xml", threaded)
    return copy


def _findings(path: Path) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["check", str(path), "--as-of", "2026-11-30", "--json"])
    assert result.exit_code in (0, 1), result.output
    assert not any(secret in result.output for secret in SECRETS), result.output
    return [f for f in json.loads(result.stdout)["findings"] if f["code"] == "SEC001"]


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _register_with_secrets(tmp_path_factory.mktemp("secrets") / "register.xlsx")


def test_every_secret_in_the_workbook_is_sec001_with_its_place(register: Path) -> None:
    places = {(f["sheet"], f["sheet_name"], f["cell"]) for f in _findings(register)}
    assert places == {
        ("keys", "キー", "B1"),  # a note on a register sheet stays with that sheet
        ("", "メモ", "B2"),  # a password beside its label
        ("", "メモ", "B3"),  # an AWS key id, longer than today's
        ("", "メモ", "C5"),  # a note on a sheet that is not a register sheet
        ("", "旧キー", "D4"),  # a hidden sheet
        ("", "", ""),  # the defined name
        ("", "旧キー", "E2"),  # a threaded comment
    }


def test_the_finding_says_where_in_the_workbook(register: Path) -> None:
    findings = {f["cell"] or "name": f for f in _findings(register)}
    assert "C5のコメント" in findings["C5"]["message"]
    assert "ApiToken" in findings["name"]["message"]
    assert "AWSアクセスキーID" in findings["B3"]["message"]
    english = runner.invoke(
        app, ["check", str(register), "--as-of", "2026-11-30", "--json", "--lang", "en"]
    )
    messages = [f["message"] for f in json.loads(english.stdout)["findings"]]
    assert any("the comment on C5" in m for m in messages)
    assert any("the defined name ApiToken" in m for m in messages)


def test_the_terminal_groups_them_under_their_sheet_and_masks_them(register: Path) -> None:
    result = runner.invoke(app, ["check", str(register), "--as-of", "2026-11-30"])
    assert "■ メモ  3件" in result.output and "■ 旧キー  2件" in result.output
    assert not any(secret in result.output for secret in SECRETS)
    assert "****" in result.output


def test_the_report_masks_them(register: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["report", str(register), "--as-of", "2026-11-30", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    (report,) = out.glob("*.xlsx")
    with zipfile.ZipFile(report) as package:
        text = b"".join(package.read(name) for name in package.namelist()).decode(
            "utf-8", "replace"
        )
    assert "メモ" in text
    assert not any(secret in text for secret in SECRETS)


def test_an_ods_annotation_is_read_with_its_cell(tmp_path: Path) -> None:
    memo = (
        '<table:table table:name="メモ"><table:table-row table:number-rows-repeated="2">'
        "<table:table-cell/></table:table-row><table:table-row>"
        '<table:table-cell table:number-columns-repeated="2"/>'
        '<table:table-cell office:value-type="string"><office:annotation>'
        "<dc:creator>佐藤</dc:creator><dc:date>2026-11-01T00:00:00</dc:date>"
        f"<text:p>token: {TOKEN}</text:p></office:annotation><text:p>memo</text:p>"
        "</table:table-cell></table:table-row></table:table>"
    )
    path = tmp_path / "register.ods"
    with (
        zipfile.ZipFile(DATA / "sample-saved-by-libreoffice.ods") as source,
        zipfile.ZipFile(path, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "content.xml":
                data = data.replace(b"</table:table>", b"</table:table>" + memo.encode(), 1)
            target.writestr(item, data)
    found = [(f["sheet_name"], f["cell"]) for f in _findings(path)]
    assert ("メモ", "C3") in found


def test_another_sheet_too_wide_to_read_does_not_stop_the_register(tmp_path: Path) -> None:
    """A メモ sheet with a value in XFD1048576 is not searched; the register is still checked."""
    from tests.conftest import write_workbook

    sheets = {**register_sheets(), "メモ": [["メモ"], [AWS]]}
    base = write_workbook(tmp_path / "base.xlsx", sheets)
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    path = tmp_path / "register.xlsx"
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet5.xml":  # メモ, after the four register sheets
                data = data.replace(b"</sheetData>", far + b"</sheetData>")
            target.writestr(item.filename, data)
    result = runner.invoke(app, ["check", str(path), "--as-of", "2026-11-30", "--json"])
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["rows"]["keys"]["read"] == 0


def test_a_register_sheet_is_read_outside_its_table_too(tmp_path: Path) -> None:
    """A title row above the header and a cell far right of the table are searched."""
    from tests.conftest import HEADERS, write_workbook

    sheets = register_sheets()
    keys = HEADERS["キー"]
    far_right = [None] * 20 + [TOKEN]  # column U: beyond the columns read as the table's
    sheets["キー"] = [
        [f"キー一覧 (旧トークン {AWS})"],
        keys,
        ["K-1", "その他", None, None, None, None, "佐藤", "鈴木", *far_right[len(keys) :]],
    ]
    path = write_workbook(tmp_path / "register.xlsx", sheets)
    places = {(f["sheet"], f["cell"]) for f in _findings(path)}
    assert ("keys", "A1") in places and ("keys", "U3") in places
