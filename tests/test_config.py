"""The config file of spec section 7: every key optional, mistakes named with their key."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from reporter.cli import app
from reporter.config import load_config
from reporter.errors import InputError

runner = CliRunner()


def write(tmp_path: Path, text: str, name: str = "reporter.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_full_config_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
register = '\\\\server\\share\\台帳.xlsx'
output_dir = "reports"
lang = "en"

[windows]
renewal_warning_days = 21
reply_days = 2

[email]
smtp_host = "smtp.example.com"
smtp_port = 465
security = "ssl"
username = "reporter@example.com"
password_env = "MY_SMTP_PASSWORD"
from = "reporter@example.com"
to = ["team@example.com", "boss@example.com"]
cc = []
subject_prefix = "[台帳]"
""",
    )
    config = load_config(path)
    assert config.register == "\\\\server\\share\\台帳.xlsx"
    assert config.resolve(config.register) == "\\\\server\\share\\台帳.xlsx"  # a shared drive stays
    assert config.resolve(config.output_dir) == str(tmp_path.resolve() / "reports")
    assert config.lang == "en"
    assert config.windows == {"renewal_warning_days": 21, "reply_days": 2}
    assert config.email.smtp_port == 465 and config.email.security == "ssl"
    assert config.email.sender == "reporter@example.com"
    assert config.email.to == ("team@example.com", "boss@example.com")


def test_microsoft_365_settings_and_owners(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[email]
method = "graph"
tenant_id = " 11111111-2222-3333-4444-555555555555 "
client_id = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
client_secret_env = "MY_CLIENT_SECRET"
certificate = "certs/reporter.pem"
from = "reporter@example.com"
to = ["team@example.com"]

[email.owners]
"佐藤" = "sato@example.com"
"鈴木 & 高橋" = "suzuki@example.com"
""",
    )
    email = load_config(path).email
    assert email.method == "graph" and email.tenant_id == "11111111-2222-3333-4444-555555555555"
    assert email.client_secret_env == "MY_CLIENT_SECRET"
    assert email.certificate == str(tmp_path.resolve() / "certs" / "reporter.pem")
    assert email.owners == (("佐藤", "sato@example.com"), ("鈴木 & 高橋", "suzuki@example.com"))
    assert email.login_url == "https://login.microsoftonline.com"
    assert email.graph_url == "https://graph.microsoft.com"


def test_empty_config_is_fine(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert config.register is None and config.windows == {}


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("registr = 'a.xlsx'", "registr", "使えない項目"),
        ("[windows]\nreply_day = 3", "windows.reply_day", "使えない項目"),
        ("[email]\nsmtp_port = '587'", "email.smtp_port", "整数"),
        ("[windows]\nreply_days = -1", "windows.reply_days", "0以上"),
        ("lang = 'fr'", "lang", "ja / en"),
        ("[email]\nsecurity = 'tls'", "email.security", "starttls"),
        ("[email]\nto = 'team@example.com'", "email.to", "リスト"),
        ("[email]\npassword = 'hunter2'", "password_env", "パスワード"),
        ("[email]\nmethod = 'oauth'", "email.method", "smtp / graph / smtp-oauth"),
        ("[email]\ntenant = 'x'", "email.tenant", "使えない項目"),
        ("[email]\nclient_id = 123", "email.client_id", "文字列"),
        ("[email]\nclient_secret = 'hunter2'", "client_secret_env", "シークレット"),
        ("[email]\nowners = 'sato@example.com'", "email.owners", "表"),
        ("[email.owners]\n'佐藤' = ['sato@example.com']", "email.owners.佐藤", "文字列"),
        ("register = ", "", "読めません"),
    ],
)
def test_mistakes_name_the_key_and_the_file(
    tmp_path: Path, text: str, key: str, words: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_config(path)
    message = caught.value.render("ja")
    assert str(path) in message
    assert key in message
    assert words in message
    assert "hunter2" not in message
    assert caught.value.exit_code == 2


def test_missing_config_given_explicitly_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "--config", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2
    assert "nope.toml" in result.output


def test_register_and_windows_come_from_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import HEADERS, write_workbook

    sheets = {name: [headers] for name, headers in HEADERS.items()}
    sheets["キー"] = [
        HEADERS["キー"],
        ["K-1", "楽天ライセンスキー", None, "2026-09-15", None, None, "佐藤", "鈴木"],
    ]
    (tmp_path / "data").mkdir()
    write_workbook(tmp_path / "data" / "台帳.xlsx", sheets)
    write(tmp_path, "register = 'data/台帳.xlsx'\n[windows]\nrenewal_warning_days = 30\n")
    monkeypatch.chdir(tmp_path)
    # Expires 2026-12-14: 14 days from as-of, inside the default window and the config's 30.
    result = runner.invoke(app, ["check", "--as-of", "2026-11-20", "--json"])
    assert result.exit_code == 0, result.output
    assert '"RNW002"' in result.stdout
    # 2026-11-10 is 34 days before: outside 30 days, so no warning.
    result = runner.invoke(app, ["check", "--as-of", "2026-11-10", "--json"])
    assert '"RNW002"' not in result.stdout
    # 2026-11-15 is 29 days before: inside the config's 30 days, outside the default 14.
    result = runner.invoke(app, ["check", "--as-of", "2026-11-15", "--json"])
    assert '"RNW002"' in result.stdout
