"""Values at the edge of the calendar: a finding on their cell, or one line and exit 2.

Python's dates end at 9999-12-31, and a rule adds windows to dates (issued_on +
validity, renews_on - notice days, received_on + reply window). A register date
outside 1900-01-01..2999-12-31 is DAT004 on its cell, a day count outside
0..3650 is DAT005 on its cell; an option or config value past those limits is
one line and exit 2; the library raises InputError. Never exit 70.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import reporter
from reporter.cli import app
from reporter.config import Config
from reporter.errors import InputError
from tests.conftest import AS_OF, register_sheets, write_workbook

runner = CliRunner()
AS_OF_TEXT = AS_OF.isoformat()

# Each edge value, the sheet and the column it is typed in, the code it must give and its cell.
EDGE_CELLS = [
    ("keys", "発行日", "9999/12/31", "DAT004"),
    ("keys", "発行日", date(9999, 12, 31), "DAT004"),
    ("keys", "有効期限", "0001/01/01", "DAT004"),
    ("tools", "契約更新日", "0001/01/01", "DAT004"),
    ("tools", "契約更新日", date(1900, 1, 1), None),
    ("notices", "受信日", "9999/12/31", "DAT004"),
    ("notices", "受信日", "明治1年1月25日", "DAT004"),
    ("tools", "解約予告(日)", 99999999, "DAT005"),
    ("tools", "解約予告(日)", 1e308, "DAT005"),
    ("tools", "解約予告(日)", "1" * 400, "DAT005"),
    ("tools", "解約予告(日)", -1, "DAT005"),
    ("notices", "書類期間(日)", 1000000000000, "DAT005"),
    ("notices", "書類期間(日)", 3650, None),
]

BASE_ROWS: dict[str, dict[str, Any]] = {
    "tools": {
        "ツールID": "T-1",
        "ツール名": "受注さん",
        "用途": "受注管理",
        "状態": "利用中",
        "契約更新日": date(2027, 3, 31),
        "解約予告(日)": 30,
    },
    "keys": {
        "キーID": "K-1",
        "種類": "楽天ライセンスキー",
        "ツールID": "T-1",
        "発行日": date(2026, 9, 1),
        "担当者": "佐藤",
    },
    "notices": {
        "通知ID": "N-1",
        "受信日": date(2026, 11, 20),
        "種類": "出品キャンセル",
        "理由": "コンディション",
        "ASIN": "B0C1234XYZ",
        "書類期間(日)": 30,
        "状態": "対応中",
    },
}


def edge_register(folder: Path, sheet: str, column: str, value: Any) -> Path:
    rows = {key: [dict(row)] for key, row in BASE_ROWS.items()}
    rows[sheet][0][column] = value
    return write_workbook(folder / "register.xlsx", register_sheets(**rows))


@pytest.mark.parametrize(("sheet", "column", "value", "code"), EDGE_CELLS)
def test_an_edge_value_is_a_finding_on_its_cell_in_check_and_report(
    tmp_path: Path, sheet: str, column: str, value: Any, code: str | None
) -> None:
    path = edge_register(tmp_path, sheet, column, value)
    result = runner.invoke(app, ["check", str(path), "--as-of", AS_OF_TEXT, "--json"])
    assert result.exit_code in (0, 1), result.output
    findings = json.loads(result.stdout)["findings"]
    on_cell = [f for f in findings if f["sheet"] == sheet and f["code"] in ("DAT004", "DAT005")]
    if code is None:
        assert on_cell == []
    else:
        assert [f["code"] for f in on_cell] == [code], findings
        message = on_cell[0]["message"]
        assert ("2999" in message) if code == "DAT004" else ("3650" in on_cell[0]["action"])
    out = tmp_path / "reports"
    written = runner.invoke(app, ["report", str(path), "--as-of", AS_OF_TEXT, "--out", str(out)])
    assert written.exit_code == 0, written.output
    assert (out / f"register-report-{AS_OF_TEXT}.xlsx").is_file()


@pytest.mark.parametrize(
    "as_of", ["9999-12-20", "9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"]
)
def test_an_as_of_past_the_limits_is_one_line_and_exit_2(tmp_path: Path, as_of: str) -> None:
    path = edge_register(tmp_path, "keys", "発行日", date(2026, 9, 1))
    for command in (["check", str(path)], ["report", str(path), "--out", str(tmp_path)]):
        result = runner.invoke(app, [*command, "--as-of", as_of])
        assert result.exit_code == 2, result.output
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and as_of in lines[0] and "2999-12-31" in lines[0], result.output


def test_the_last_day_in_range_is_a_run(tmp_path: Path) -> None:
    path = edge_register(tmp_path, "keys", "発行日", date(2026, 9, 1))
    result = runner.invoke(app, ["check", str(path), "--as-of", "2999-12-31", "--json"])
    assert result.exit_code in (0, 1), result.output


# A NUL cannot reach a real command line (argv is C strings); a pasted line break,
# tab or escape sequence can. A file to read is taken as named (tests/test_leaks.py).
@pytest.mark.parametrize(
    ("option", "value"),
    [("--out", "reports\nx"), ("--eml", "mail\n.eml"), ("--eml", "mail\x1b[2J.eml")],
)
def test_an_output_path_with_a_control_character_is_exit_2(
    tmp_path: Path, option: str, value: str
) -> None:
    path = edge_register(tmp_path, "keys", "発行日", date(2026, 9, 1))
    config = tmp_path / "reporter.toml"
    config.write_text('[email]\nfrom = "a@example.com"\nto = ["b@example.com"]\n', "utf-8")
    result = runner.invoke(
        app,
        ["report", str(path), "--as-of", AS_OF_TEXT, "--config", str(config), option, value],
    )
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and option in lines[0], result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.xlsx", "reporter.toml"]


def test_init_refuses_a_path_with_a_line_break(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "台帳\n.xlsx")])
    assert result.exit_code == 2, result.output
    assert list(tmp_path.iterdir()) == []


def test_a_config_output_dir_with_a_nul_is_exit_2(tmp_path: Path) -> None:
    path = edge_register(tmp_path, "keys", "発行日", date(2026, 9, 1))
    config = tmp_path / "reporter.toml"
    config.write_text('output_dir = "a\\u0000b"\n', encoding="utf-8")
    result = runner.invoke(
        app, ["report", str(path), "--as-of", AS_OF_TEXT, "--config", str(config)]
    )
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "output_dir" in lines[0], result.output


# --- the library ---------------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", ["9999-12-31", date(9999, 12, 31), "0001-01-01", date(1, 1, 1)])
def test_the_library_raises_input_error_for_an_as_of_past_the_limits(
    tmp_path: Path, as_of: str | date
) -> None:
    path = edge_register(tmp_path, "keys", "発行日", date(2026, 9, 1))
    with pytest.raises(InputError) as caught:
        reporter.check(path, as_of=as_of)
    assert caught.value.key == "as_of_out_of_range"
    assert "2999-12-31" in caught.value.render("en")


def test_the_library_raises_input_error_for_an_unknown_language(tmp_path: Path) -> None:
    path = edge_register(tmp_path, "keys", "発行日", date(2026, 9, 1))
    result = reporter.check(path, as_of=AS_OF)
    with pytest.raises(InputError) as caught:
        reporter.monthly_report(result, tmp_path / "out", lang="fr")
    assert "fr" in caught.value.render("ja")
    assert not (tmp_path / "out").exists()


def test_the_library_raises_input_error_for_a_window_past_ten_years(tmp_path: Path) -> None:
    path = edge_register(tmp_path, "keys", "発行日", date(2026, 9, 1))
    with pytest.raises(InputError) as caught:
        reporter.check(path, as_of=AS_OF, config=Config(windows={"renewal_warning_days": 3000000}))
    assert "renewal_warning_days" in caught.value.render("en")


def test_a_rules_file_with_a_validity_past_ten_years_is_exit_2(tmp_path: Path) -> None:
    rules = Path(reporter.__file__).with_name("rules.toml").read_text(encoding="utf-8")
    start = rules.index("[validity_days.")
    value_at = rules.index("value = ", start)
    end = rules.index("\n", value_at)
    changed = rules[:value_at] + "value = 1000000000000" + rules[end:]
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(changed, encoding="utf-8")
    result = runner.invoke(app, ["rules", "--rules", str(rules_file)])
    assert result.exit_code == 2, result.output
    assert "3650" in result.output


@pytest.mark.parametrize(("option", "value"), [("out", "reports\x00x"), ("eml", "mail\n.eml")])
def test_the_library_refuses_an_output_path_with_a_control_character(
    tmp_path: Path, option: str, value: str
) -> None:
    path = edge_register(tmp_path, "keys", "発行日", date(2026, 9, 1))
    result = reporter.check(path, as_of=AS_OF)
    with pytest.raises(InputError) as caught:
        reporter.monthly_report(result, **{option: str(tmp_path / value)})
    assert option in caught.value.render("en")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.xlsx"]
