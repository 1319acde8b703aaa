"""The config file of spec section 7: every key optional, mistakes named with their key."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reporter.cli import app
from reporter.config import known_keys, load_config
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
        ("[windows]\nreply_days = -1", "windows.reply_days", "0から3650"),
        ("[windows]\nrenewal_warning_days = 3000000", "windows.renewal_warning_days", "3650"),
        ("[windows]\nreply_days = 3651", "windows.reply_days", "0から3650"),
        ("[email]\nsmtp_port = 99999999", "email.smtp_port", "65535"),
        ('output_dir = "a\\u0000b"', "output_dir", "制御文字"),
        ('register = "台帳\\n.xlsx"', "register", "制御文字"),
        ('[email]\ncertificate = "a\\tb.pem"', "email.certificate", "制御文字"),
        ('[email]\nto = ["a@example.com\\r\\nBcc: x@example.com"]', "email.to", "制御文字"),
        ("[email.owners]\n'鈴木' = ''", "鈴木", "アドレスが空"),
        ("[email.owners]\n'鈴木' = '  '", "鈴木", "アドレスが空"),
        ("[schedule]\nday = 29", "schedule.day", "28"),
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


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[email]\npassword_env = "P@ssw0rd!hunter2"', "email.password_env"),
        ('[email]\npassword_env = "hunter2 secret"', "email.password_env"),
        ('[email]\npassword_env = ""', "email.password_env"),
        ('[email]\nclient_secret_env = "~hunter2~"', "email.client_secret_env"),
        ('[email]\nclient_secret_env = "9hunter2"', "email.client_secret_env"),
        ("[email]\npassword_env = ['hunter2']", "email.password_env"),
    ],
)
def test_an_env_key_that_is_not_a_variable_name_is_refused_unechoed(
    tmp_path: Path, text: str, key: str
) -> None:
    """The value of a *_env key is often the secret itself, pasted in the wrong place."""
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_config(path)
    for lang in ("ja", "en"):
        message = caught.value.render(lang)
        assert key in message and str(path) in message
        assert "hunter2" not in message
    assert "hunter2" not in repr(caught.value.params)


def test_an_env_key_in_the_command_is_one_line_and_the_log_holds_no_secret(
    tmp_path: Path,
) -> None:
    config = write(tmp_path, '[email]\npassword_env = "P@ssw0rd!hunter2"\n')
    out = tmp_path / "reports"
    result = runner.invoke(
        app,
        [
            "report",
            str(tmp_path / "none.xlsx"),
            "--config",
            str(config),
            "--out",
            str(out),
            "--log",
        ],
    )
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "email.password_env" in lines[0]
    assert "hunter2" not in result.output
    logs = list(out.glob("*.log")) if out.exists() else []
    assert all("hunter2" not in log.read_text(encoding="utf-8") for log in logs)


def test_good_env_names_and_owners_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[email]\npassword_env = "_My_Pass2"\n[email.owners]\n"佐藤 " = " sato@example.com "\n',
    )
    email = load_config(path).email
    assert email.password_env == "_My_Pass2"
    assert email.owners == (("佐藤", "sato@example.com"),)


def test_windows_up_to_ten_years_are_read(tmp_path: Path) -> None:
    path = write(tmp_path, "[windows]\nrenewal_warning_days = 3650\nreply_days = 0\n")
    assert load_config(path).windows == {"renewal_warning_days": 3650, "reply_days": 0}


def test_a_window_past_ten_years_on_the_command_line_is_exit_2(tmp_path: Path) -> None:
    config = write(tmp_path, "[windows]\nrenewal_warning_days = 3000000\n")
    result = runner.invoke(app, ["rules", "--config", str(config)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "windows.renewal_warning_days" in lines[0], result.output


def test_every_key_is_known_once_and_dotted() -> None:
    keys = known_keys()
    assert len(keys) == len(set(keys))
    assert {"register", "email.smtp_host", "email.from", "windows.reply_days"} <= set(keys)
    assert {"email.owners", "schedule.day", "schedule.time"} <= set(keys)
    assert "email.sender" not in keys  # the file says "from"
    assert all(key == key.strip() and " " not in key for key in keys)


TEMPLATE = Path(__file__).parents[1] / "templates" / "reporter.toml"
_ASSIGNMENT = re.compile(r"^#?\s*([A-Za-z_][A-Za-z0-9_]*)\s*=")
_HEADER = re.compile(r"^#?\s*\[([A-Za-z0-9_.]+)\]\s*(?:#.*)?$")


def template_paragraphs() -> dict[str, list[str]]:
    """Each key of the template (written or commented out), dotted, with its paragraph:
    the run of non-blank lines it sits in. A table of names ([email.owners]) is one key."""
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines()
    found: dict[str, list[str]] = {}
    table_name = ""
    paragraph: list[str] = []
    keys_here: list[str] = []
    for line in [*lines, ""]:
        if not line.strip():
            for key in keys_here:
                found[key] = paragraph
            paragraph, keys_here = [], []
            continue
        paragraph.append(line)
        if header := _HEADER.match(line.strip()):
            table_name = header[1]
            if table_name in known_keys():  # a table of names
                keys_here.append(table_name)
            continue
        if table_name in known_keys():
            continue  # "佐藤" = ... examples inside a table of names
        if assignment := _ASSIGNMENT.match(line.strip()):
            keys_here.append(f"{table_name}.{assignment[1]}" if table_name else assignment[1])
    return found


def test_the_template_lists_every_key_with_a_japanese_and_an_english_comment() -> None:
    """Spec section 7, revision 3: every key the product reads is in templates/reporter.toml."""
    paragraphs = template_paragraphs()
    assert sorted(paragraphs) == sorted(known_keys())
    tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))  # and the template is a valid config
    for key, paragraph in paragraphs.items():
        comments = " ".join(line for line in paragraph if line.lstrip().startswith("#"))
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", comments), key  # Japanese
        assert re.search(
            r"\b[A-Za-z]{3,}\b[^\u3040-\u30ff\u4e00-\u9fff]*\.", comments
        ) or re.search(r"\b(?:[A-Za-z]+ ){3,}", comments), key  # and an English sentence


def test_the_template_is_a_config_that_loads(tmp_path: Path) -> None:
    path = write(tmp_path, TEMPLATE.read_text(encoding="utf-8"))
    config = load_config(path)
    assert config.email.password_env == "REPORTER_SMTP_PASSWORD"


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


def test_a_new_table_is_one_dataclass(tmp_path: Path) -> None:
    """What the config module's docstring promises: a table is declared once, and read,
    typed and checked from that declaration alone."""
    from dataclasses import dataclass

    from reporter.config import env_name, read_table, setting, table

    @dataclass(frozen=True)
    class Room:
        room_id: int = setting(0)
        tasks: bool = setting(False)
        members: tuple[tuple[str, int], ...] = setting(())

    @dataclass(frozen=True)
    class Chat:
        channels: tuple[str, ...] = setting((), choices=("teams", "slack", "chatwork"))
        token_env: str = setting("REPORTER_CHAT_TOKEN", check=env_name, secret=True)
        days: tuple[int, ...] = setting((30, 7))
        room: Room = table(Room)

    text = 'channels = ["teams"]\ndays = [14, 1]\n[room]\nroom_id = 5\n[room.members]\n"佐藤" = 7\n'
    values = read_table(tmp_path / "c.toml", tomllib.loads(text), Chat, "chat.")
    chat = Chat(**values)
    assert chat.channels == ("teams",) and chat.days == (14, 1)
    assert chat.room == Room(room_id=5, members=(("佐藤", 7),))
    assert chat.token_env == "REPORTER_CHAT_TOKEN"
    for wrong, key in [
        ('channels = ["line"]', "chat.channels"),
        ("days = [1, 'x']", "chat.days"),
        ("[room]\nroom = 1", "chat.room.room"),
        ("[room.members]\n'佐藤' = 'x'", "chat.room.members.佐藤"),
        ("token_env = 'hunter2!'", "chat.token_env"),
    ]:
        with pytest.raises(InputError) as caught:
            read_table(tmp_path / "c.toml", tomllib.loads(wrong), Chat, "chat.")
        assert key in caught.value.render("en") and "hunter2" not in caught.value.render("en")
