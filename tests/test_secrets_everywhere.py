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


# --- labelled secrets and split keys, everywhere in the workbook (register-spec revision 3) -----

# Each planted text, where it goes, and the part of it that no output may show.
GRANTEE = "中村 (外注) ログイン nakamura / パスワード: Hunter2-Nakamura"
PLANTED = {
    "grant cell": (GRANTEE, "Hunter2-Nakamura"),
    "owner name": ("佐藤 pw=OwnerPw-4471", "OwnerPw-4471"),
    "exception reason": ("一時利用 password: ExcReason-8812", "ExcReason-8812"),
    "product name": ("受注さん token=ProdTok-5531", "ProdTok-5531"),
    "unknown header": ("pw=hunter2hdr", "hunter2hdr"),
    "sheet name": ("メモ PW：SheetPw77", "SheetPw77"),
    "DAT005 value": ("pass: DatQuoted-31", "DatQuoted-31"),
    "title": ("台帳 pw=DocTitle-11", "DocTitle-11"),
    "author": ("佐藤 password: DocAuthor-22", "DocAuthor-22"),
    "keywords": ("token=DocKeys-33", "DocKeys-33"),
    "comments": ("secret: DocDesc-44", "DocDesc-44"),
    "custom property": ("暗証番号：DocCustom-45", "DocCustom-45"),
    "header": ("pw=HeaderPw-55", "HeaderPw-55"),
    "footer": ("パスワード：FooterPw-56", "FooterPw-56"),
    "validation list": ("pw=ListPw-66", "ListPw-66"),
    "validation prompt": ("token: PromptTok-67", "PromptTok-67"),
    "link target": ("https://example.com/login?token=LinkTok-88", "LinkTok-88"),
    "link password": ("https://bob:LinkPass-99@example.com/", "LinkPass-99"),
}
# AWS key ids split by a character that does not print; the split is undone before
# looking, and no output may show either half (the mask keeps the last 4 at most).
SPLIT_KEYS = {
    "DEL": ("AKIAQ3EG\x7fUJ7RZ4XWTY5K", ("AKIAQ3EG", "UJ7RZ4XW")),
    "U+200E": ("AKIAQ3EH\u200eUJ7RZ4XWTY5L", ("AKIAQ3EH",)),
    "_x000D_": ("AKIAQ3EJ_x000D_UJ7RZ4XWTY5M", ("AKIAQ3EJ",)),
}
CR_MARKER = "CRMARKER"  # replaced by _x000D_ in the sheet's XML, as Excel writes a carriage return


def _register_with_labelled_secrets(path: Path) -> Path:
    import xlsxwriter

    from tests.conftest import HEADERS

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    workbook.set_properties(
        {
            "title": PLANTED["title"][0],
            "author": PLANTED["author"][0],
            "keywords": PLANTED["keywords"][0],
            "comments": PLANTED["comments"][0],
        }
    )
    workbook.set_custom_property("担当メモ", PLANTED["custom property"][0])

    def sheet(name: str, rows: list[list[Any]]) -> Any:
        worksheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    worksheet.write_string(r, c, value) if isinstance(
                        value, str
                    ) else worksheet.write(r, c, value)
        return worksheet

    tools = sheet(
        "ツール",
        [
            HEADERS["ツール"],
            ["T-1", PLANTED["product name"][0], "受注管理", "利用中", None, "佐藤"],
            ["T-2", "在庫さん", "在庫管理", PLANTED["DAT005 value"][0], None, "佐藤"],
            ["T-3", "出荷さん", "受注管理", "利用中", None, PLANTED["owner name"][0]],
        ],
    )
    tools.set_header(f"&C{PLANTED['header'][0]}")
    tools.data_validation(
        "G2",
        {
            "validate": "list",
            "source": ["はい", PLANTED["validation list"][0]],
            "input_message": PLANTED["validation prompt"][0],
        },
    )
    tools.write_url("H2", PLANTED["link target"][0], string="ログイン画面")
    tools.write_url("H3", PLANTED["link password"][0], string="管理画面")
    key_headers = [*HEADERS["キー"], "備考", PLANTED["unknown header"][0]]
    keys = [key_headers]
    for number, (split, _) in enumerate(SPLIT_KEYS.values(), start=1):
        split = split.replace("_x000D_", CR_MARKER)
        # As the owner: the terminal, the report, the .ics and the email all show it.
        keys.append(
            [f"K-{number}", "その他", "T-1", "2026/10/01", "2026/12/10", None, split, "鈴木"]
        )
    sheet("キー", keys)
    # 権限!C7: the grantee in column C, on the sixth data row.
    grant_headers = ["付与ID", "担当者", "付与先", "付与先種別", "ツールID", "権限種別", "付与日"]
    grants = [grant_headers]
    for number in range(1, 7):
        grantee = GRANTEE if number == 6 else f"外注{number}"
        grants.append([f"G-{number}", "佐藤", grantee, "外注", "T-1", "ユーザー権限", "2026/06/01"])
    sheet("権限", grants)
    sheet("通知", [HEADERS["通知"]]).set_footer(f"&R{PLANTED['footer'][0]}")
    sheet(
        "除外",
        [
            ["コード", "対象ID", "理由", "承認者", "期限"],
            ["RNW001", "K-1", PLANTED["exception reason"][0], "鈴木", "2027/01/31"],
        ],
    )
    sheet(PLANTED["sheet name"][0], [["メモ"], ["ログイン情報は別紙"]])
    workbook.close()
    return _with_carriage_return_escape(path)


def _with_carriage_return_escape(path: Path) -> Path:
    copy = path.with_name(f"cr-{path.name}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item).replace(CR_MARKER.encode(), b"_x000D_"))
    return copy


@pytest.fixture(scope="module")
def labelled_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _register_with_labelled_secrets(tmp_path_factory.mktemp("labelled") / "register.xlsx")


def test_each_planted_secret_is_sec001_in_its_place(labelled_register: Path) -> None:
    findings = _findings_of(labelled_register)
    places = {(f["sheet"], f["sheet_name"], f["cell"]) for f in findings}
    assert ("grants", "権限", "C7") in places  # the labelled password in the grantee
    assert ("tools", "ツール", "F4") in places  # the owner's name
    assert ("tools", "ツール", "B2") in places  # the product name
    assert ("tools", "ツール", "D3") in places  # the value DAT005 quotes back
    assert ("exceptions", "除外", "C2") in places  # the exception's reason
    assert ("keys", "キー", "J1") in places  # the unknown column's header
    assert {("keys", "キー", f"G{row}") for row in (2, 3, 4)} <= places  # the split keys
    assert ("", PLANTED["sheet name"][0].replace("SheetPw77", "****"), "") in places
    messages = "\n".join(f["message"] for f in findings)
    for property_name in ("タイトル", "作成者", "タグ", "コメント", "担当メモ"):
        assert f"文書のプロパティ『{property_name}』" in messages, property_name
    assert messages.count("印刷のヘッダー・フッター") == 2  # a header, and a footer elsewhere
    assert "G2の入力規則" in messages
    assert "H2のリンク先" in messages and "H3のリンク先" in messages
    # Masked whole, never a tail: 'パスワード: ****', not '****kamura'.
    (grant,) = [f for f in findings if f["cell"] == "C7"]
    assert "パスワード: ****" in grant["message"]


def _findings_of(path: Path) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["check", str(path), "--as-of", "2026-11-30", "--json"])
    assert result.exit_code in (0, 1), result.output
    return [f for f in json.loads(result.stdout)["findings"] if f["code"] == "SEC001"]


def test_no_planted_secret_reaches_any_output(
    labelled_register: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_leaks import every_output

    raw_values = [text for text, _ in PLANTED.values()]
    raw_values += [split.replace("_x000D_", "\r") for split, _ in SPLIT_KEYS.values()]
    # A line break before a key: its repr '佐藤\\nAKIA…' hides the key from a pattern.
    raw_values += [f"佐藤\n{AWS}", f"佐藤\n{SPLIT_KEYS['DEL'][0]}"]
    outputs = every_output(labelled_register, tmp_path, monkeypatch, bug_quotes=raw_values)
    forbidden = {name: (shown,) for name, (_, shown) in PLANTED.items()}
    forbidden |= {name: halves for name, (_, halves) in SPLIT_KEYS.items()}
    forbidden["a key after a line break"] = (AWS[:-4],)
    for where, text in outputs.texts:
        data = text if isinstance(text, str) else text.decode("utf-8", "replace")
        for name, pieces in forbidden.items():
            for piece in pieces:
                assert piece not in data, f"{name} ({piece}) leaked in {where}"
    # Not vacuous: the register's text reached the outputs, masked.
    report_text = "\n".join(
        t if isinstance(t, str) else t.decode("utf-8", "replace") for _, t in outputs.texts
    )
    assert "nakamura / パスワード: ****" in report_text
    assert "****TY5K" in report_text


def test_an_ods_is_read_for_its_properties_headers_validations_and_links(tmp_path: Path) -> None:
    """meta.xml, styles.xml's master pages and content.xml's validations and links."""
    validation = (
        '<table:content-validations><table:content-validation table:name="val1" '
        'table:condition="of:cell-content-is-in-list(&quot;はい&quot;;&quot;pw=OdsList-1&quot;)">'
        "<table:help-message><text:p>選んでください</text:p></table:help-message>"
        "</table:content-validation></table:content-validations>"
    )
    link = (
        '<text:p><text:a xlink:href="https://example.com/?token=OdsLink-2">開く</text:a></text:p>'
    )
    path = tmp_path / "register.ods"
    with (
        zipfile.ZipFile(DATA / "sample-saved-by-libreoffice.ods") as source,
        zipfile.ZipFile(path, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "meta.xml":
                data = data.replace(b"<dc:title>", b"<dc:title>pw=OdsTitle-3 ")
            elif item.filename == "styles.xml":
                data = data.replace(
                    b'<style:header style:display="false"/>',
                    b"<style:header><text:p>secret: OdsHeader-4</text:p></style:header>",
                    1,
                )
            elif item.filename == "content.xml":
                data = data.replace(
                    b"<office:spreadsheet>", b"<office:spreadsheet>" + validation.encode(), 1
                )
                data = data.replace(
                    b"</table:table-cell>", link.encode() + b"</table:table-cell>", 1
                )
            target.writestr(item, data)
    result = runner.invoke(app, ["check", str(path), "--as-of", "2026-11-30", "--json"])
    assert result.exit_code in (0, 1), result.output
    for planted in ("OdsList-1", "OdsLink-2", "OdsTitle-3", "OdsHeader-4"):
        assert planted not in result.output
    messages = [
        f["message"] for f in json.loads(result.stdout)["findings"] if f["code"] == "SEC001"
    ]
    assert any("文書のプロパティ『タイトル』" in m and "pw=****" in m for m in messages)
    assert any("印刷のヘッダー・フッター" in m and "secret: ****" in m for m in messages)
    assert any("入力規則" in m and "pw=****" in m for m in messages)
    assert any("リンク先" in m and "token=****" in m for m in messages)


def test_a_sheet_too_large_to_read_twice_still_has_its_link_targets_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the size limit a sheet's XML is not inflated again: its external links still count."""
    import xlsxwriter

    from reporter.register import loose_text

    path = tmp_path / "register.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    for name, rows in register_sheets().items():
        worksheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                worksheet.write(r, c, value)
        if name == "ツール":
            worksheet.write_url("H2", "https://example.com/?token=BigSheetTok-1", string="開く")
            worksheet.set_header("&Cpw=BigSheetHeader-2")
    workbook.close()
    monkeypatch.setattr(loose_text, "SETTINGS_READ_LIMIT", 100)
    findings = _findings_of(path)
    assert any("リンク先" in f["message"] and f["sheet_name"] == "ツール" for f in findings)
    assert not any("ヘッダー" in f["message"] for f in findings)  # the limit is what it says
    monkeypatch.undo()
    assert any("ヘッダー" in f["message"] for f in _findings_of(path))
