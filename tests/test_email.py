"""Emailing the report: a real register, a real report file, a real SMTP server on localhost.

The server is aiosmtpd on 127.0.0.1; what it receives is what the team would
get. The OS keyring is replaced by a stand-in module in every test, so no test
reads or writes the real keyring of the machine it runs on.
"""

from __future__ import annotations

import email
import email.policy
import socket
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from reporter.config import EmailSettings
from reporter.delivery import email as mail
from reporter.errors import EXIT_INPUT, EXIT_OUTPUT, InputError, OutputError, ReporterError
from reporter.result import CheckResult
from tests.conftest import AS_OF, write_report

TIMEOUT = 5  # seconds; a broken server makes a test fail, never hang
USER = "reporter@example.com"
PASSWORD = "s3cret-Pa55-word"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TOOL = {
    "ツールID": "T-1",
    "ツール名": "受注さん",
    "用途": "受注管理",
    "状態": "利用中",
    "担当者": "佐藤",
}
# A Rakuten key issued 2026-08-01 expired on 2026-10-30: an RNW001 error on 2026-11-30.
OWNERS = ("佐藤", "<b>田中</b>", "鈴木 & 高橋", "http://evil.example/x")
KEYS = [
    {
        "キーID": f"K-{i}",
        "種類": "楽天ライセンスキー",
        "ツールID": "T-1",
        "発行日": date(2026, 8, 1 + i),
        "状態": "利用中",
        "担当者": OWNERS[i % len(OWNERS)],
        "副担当": "鈴木",
    }
    for i in range(13)
]
# K-0 is excepted: 13 expired keys, 12 actions.
EXCEPTION = {
    "コード": "RNW001",
    "対象ID": "K-0",
    "理由": "移行中",
    "承認者": "佐藤",
    "期限": date(2027, 1, 31),
}


# --- a local SMTP server -------------------------------------------------------------------------


@dataclass
class Collector:
    """The aiosmtpd handler: keeps every envelope; refuses recipients starting with 'nobody'."""

    envelopes: list[Envelope] = field(default_factory=list)

    async def handle_RCPT(
        self,
        server: SMTPServer,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address.startswith("nobody"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"


@dataclass
class Server:
    port: int
    handler: Collector
    logins: list[tuple[str, str]]

    def settings(self, **changes: Any) -> EmailSettings:
        base = EmailSettings(
            smtp_host="127.0.0.1",
            smtp_port=self.port,
            security="none",
            sender="台帳レポート <reporter@example.com>",
            to=("team@example.com",),
            cc=("boss@example.com",),
        )
        return replace(base, **changes)

    def received(self) -> tuple[Envelope, EmailMessage]:
        (envelope,) = self.handler.envelopes
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return envelope, parsed


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def authenticator(logins: list[tuple[str, str]]) -> Callable[..., AuthResult]:
    def check(
        server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = data.login.decode(), data.password.decode()
        logins.append((login, password))
        # handled=False: aiosmtpd answers a failure with "535 ... credentials invalid".
        return AuthResult(success=login == USER and password == PASSWORD, handled=False)

    return check


def start_server(**kwargs: Any) -> tuple[Controller, Server]:
    handler = Collector()
    logins: list[tuple[str, str]] = []
    port = free_port()
    if kwargs.pop("auth", False):
        kwargs.update(authenticator=authenticator(logins), auth_require_tls=False)
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        server_hostname="localhost",
        ready_timeout=TIMEOUT,
        **kwargs,
    )
    controller.start()
    return controller, Server(port, handler, logins)


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    controller, server = start_server()
    yield server
    controller.stop()


@pytest.fixture
def auth_server() -> Iterator[Server]:
    controller, server = start_server(auth=True)
    yield server
    controller.stop()


@pytest.fixture(autouse=True)
def no_real_keyring(monkeypatch: pytest.MonkeyPatch) -> types.SimpleNamespace:
    """A stand-in keyring module that finds nothing unless a test stores a password in it."""
    stored: dict[tuple[str, str], str] = {}
    fake = types.ModuleType("keyring")
    fake.get_password = lambda service, user: stored.get((service, user))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", fake)
    monkeypatch.delenv("REPORTER_SMTP_PASSWORD", raising=False)
    return types.SimpleNamespace(module=fake, stored=stored)


# --- a real register and its report --------------------------------------------------------------


@pytest.fixture
def result(run_check: Callable[..., CheckResult]) -> CheckResult:
    return run_check(AS_OF, tools=[TOOL], keys=KEYS, 除外=[EXCEPTION])


@pytest.fixture
def report_file(result: CheckResult, tmp_path: Path) -> Path:
    # A Japanese file name with a space: the attachment's name must survive the trip.
    return write_report(result, tmp_path / "out" / "台帳レポート 2026-11.xlsx", "ja")


def bodies(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def attachment_of(message: EmailMessage, suffix: str = ".xlsx") -> EmailMessage:
    """The one attachment whose file name ends in ``suffix`` (the report by default)."""
    (part,) = [p for p in message.iter_attachments() if (p.get_filename() or "").endswith(suffix)]
    assert isinstance(part, EmailMessage)
    return part


def rendered(error: ReporterError) -> str:
    return error.render("ja") + "\n" + error.render("en")


# --- sending -------------------------------------------------------------------------------------


def test_the_team_gets_one_message_with_the_month_the_counts_and_the_report(
    smtp_server: Server, result: CheckResult, report_file: Path
) -> None:
    settings = smtp_server.settings()
    message = mail.build_message(result, report_file, "ja", settings)
    mail.send_message(message, settings, timeout=TIMEOUT, report_path=report_file)

    envelope, received = smtp_server.received()
    assert envelope.mail_from == "reporter@example.com"
    assert sorted(envelope.rcpt_tos) == ["boss@example.com", "team@example.com"]
    assert received["Subject"] == "[台帳レポート] 2026年11月 台帳レポート: 対応 12件"
    assert received["To"] == "team@example.com" and received["Cc"] == "boss@example.com"
    assert received["From"].addresses[0].display_name == "台帳レポート"
    assert received["Date"] and received["Message-ID"].endswith("@example.com>")

    text, html = bodies(received)
    for body in (text, html):
        assert "2026-11-30" in body
        assert result.path.name in body  # the register's file name
        assert "更新期限" in body and "除外中(承認済み): 1件" in body
        assert "RNW001" in body and "キー!D3 K-1" in body  # code, sheet!cell, record id
        assert "2026-10-31" in body  # the due date of the most urgent action
        assert "新しいライセンスキーを発行" in body  # the next action
    assert "更新期限: エラー 12件 / 警告 0件 / 情報 0件" in text
    assert "エラーと警告 12件のうち上位 10件" in text and "ほか 2件" in text
    assert "担当: 佐藤" in text and "担当: 鈴木 & 高橋" in text
    # Only the 10 most urgent: K-1 .. K-10 (K-0 is excepted, K-11 and K-12 come later).
    assert "K-10" in text and "K-11" not in text and "K-0 " not in text

    # The attachment is the report file, byte for byte, under its own (Japanese) name.
    part = attachment_of(received)
    assert part.get_content_type() == XLSX
    assert part.get_filename() == "台帳レポート 2026-11.xlsx"
    assert part.get_content() == report_file.read_bytes()
    # Everything on the wire is 7-bit: the Japanese text and file name are properly encoded.
    envelope.original_content.decode("ascii")


def test_html_escapes_register_text_and_links_nothing(
    smtp_server: Server, result: CheckResult, report_file: Path
) -> None:
    settings = smtp_server.settings()
    mail.send_message(
        mail.build_message(result, report_file, "ja", settings), settings, timeout=TIMEOUT
    )
    _, received = smtp_server.received()
    text, html = bodies(received)
    assert "&lt;b&gt;田中&lt;/b&gt;" in html and "<b>田中</b>" not in html
    assert "鈴木 &amp; 高橋" in html
    assert "http://evil.example/x" in html  # shown as text ...
    assert "<a " not in html.lower() and "href" not in html.lower()  # ... never as a link
    assert "<b>田中</b>" in text  # the plain text shows the owner as typed


def test_english_subject_and_body(
    smtp_server: Server, result: CheckResult, report_file: Path
) -> None:
    settings = smtp_server.settings(subject_prefix="[Register]")
    message = mail.build_message(result, report_file, "en", settings)
    mail.send_message(message, settings, timeout=TIMEOUT)
    _, received = smtp_server.received()
    assert received["Subject"] == "[Register] Register report November 2026: 12 actions"
    text, html = bodies(received)
    assert "Renewals: 12 error(s), 0 warning(s), 0 info" in text
    assert "Excepted (accepted by the team): 1" in text
    assert "Owner: 佐藤" in text and "Next action:" in text
    assert "Owner" in html and "Next action" in html


def test_login_with_the_password_from_the_environment_never_puts_it_in_the_message(
    auth_server: Server,
    result: CheckResult,
    report_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REPORTER_SMTP_PASSWORD", PASSWORD)
    settings = auth_server.settings(username=USER)
    message = mail.build_message(result, report_file, "ja", settings)
    mail.send_message(message, settings, timeout=TIMEOUT)

    assert auth_server.logins == [(USER, PASSWORD)]
    envelope, received = auth_server.received()
    sent = envelope.original_content
    assert PASSWORD.encode() not in sent
    assert PASSWORD not in "\n".join(bodies(received))
    assert PASSWORD.encode() not in message.as_bytes()


def test_the_password_can_come_from_the_os_keyring(
    auth_server: Server,
    result: CheckResult,
    report_file: Path,
    no_real_keyring: types.SimpleNamespace,
) -> None:
    no_real_keyring.stored[("reporter", USER)] = PASSWORD
    settings = auth_server.settings(username=USER)
    mail.send_message(
        mail.build_message(result, report_file, "ja", settings), settings, timeout=TIMEOUT
    )
    assert auth_server.logins == [(USER, PASSWORD)]
    assert len(auth_server.handler.envelopes) == 1


def test_no_login_without_a_username(
    auth_server: Server, result: CheckResult, report_file: Path
) -> None:
    settings = auth_server.settings()
    mail.send_message(
        mail.build_message(result, report_file, "ja", settings), settings, timeout=TIMEOUT
    )
    assert auth_server.logins == []
    assert len(auth_server.handler.envelopes) == 1


def test_a_refused_login_is_exit_3_and_keeps_the_report(
    auth_server: Server,
    result: CheckResult,
    report_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wrong = "wrong-Passw0rd-9"
    monkeypatch.setenv("REPORTER_SMTP_PASSWORD", wrong)
    settings = auth_server.settings(username=USER)
    message = mail.build_message(result, report_file, "ja", settings)
    with pytest.raises(OutputError) as caught:
        mail.send_message(message, settings, timeout=TIMEOUT, report_path=report_file)
    error = caught.value
    assert error.key == "email_failed" and error.exit_code == EXIT_OUTPUT
    text = rendered(error)
    assert wrong not in text  # never the password, in any language
    assert "535" in text and "REPORTER_SMTP_PASSWORD" in text and USER in text
    assert str(report_file) in text and report_file.exists()
    assert auth_server.handler.envelopes == []


def test_a_closed_port_is_exit_3_and_the_report_is_kept(
    result: CheckResult, report_file: Path
) -> None:
    settings = EmailSettings(
        smtp_host="127.0.0.1",
        smtp_port=free_port(),  # nothing listens there
        security="none",
        sender=USER,
        to=("team@example.com",),
    )
    message = mail.build_message(result, report_file, "ja", settings)
    with pytest.raises(OutputError) as caught:
        mail.send_message(message, settings, timeout=TIMEOUT, report_path=report_file)
    assert caught.value.exit_code == EXIT_OUTPUT and caught.value.key == "email_failed"
    text = caught.value.render("ja")
    assert "127.0.0.1" in text and "smtp_host" in text
    assert f"レポートは {report_file} に保存されています" in text
    assert report_file.exists()


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_security_that_does_not_match_the_server_is_exit_3(
    smtp_server: Server, result: CheckResult, report_file: Path, security: str
) -> None:
    # The local server speaks plain SMTP: no TLS on connect, no STARTTLS offered.
    settings = smtp_server.settings(security=security)
    message = mail.build_message(result, report_file, "en", settings)
    with pytest.raises(OutputError) as caught:
        mail.send_message(message, settings, timeout=TIMEOUT, report_path=report_file)
    assert caught.value.exit_code == EXIT_OUTPUT
    assert "security" in caught.value.render("en")
    assert smtp_server.handler.envelopes == []


def test_every_recipient_refused_is_exit_3(
    smtp_server: Server, result: CheckResult, report_file: Path
) -> None:
    settings = smtp_server.settings(to=("nobody@example.com",), cc=())
    message = mail.build_message(result, report_file, "en", settings)
    with pytest.raises(OutputError) as caught:
        mail.send_message(message, settings, timeout=TIMEOUT, report_path=report_file)
    assert caught.value.key == "email_failed" and caught.value.exit_code == EXIT_OUTPUT
    assert "nobody@example.com" in caught.value.render("en")


def test_one_refused_recipient_is_exit_3_but_the_others_get_it(
    smtp_server: Server, result: CheckResult, report_file: Path
) -> None:
    settings = smtp_server.settings(cc=("nobody@example.com",))
    message = mail.build_message(result, report_file, "ja", settings)
    with pytest.raises(OutputError) as caught:
        mail.send_message(message, settings, timeout=TIMEOUT, report_path=report_file)
    assert caught.value.key == "email_partly_refused" and caught.value.exit_code == EXIT_OUTPUT
    assert "nobody@example.com" in caught.value.render("ja")
    envelope, _ = smtp_server.received()
    assert envelope.rcpt_tos == ["team@example.com"]


# --- what is missing -----------------------------------------------------------------------------


def test_no_password_anywhere_says_how_to_store_one(result: CheckResult, report_file: Path) -> None:
    settings = EmailSettings(
        smtp_host="127.0.0.1",
        smtp_port=free_port(),
        security="none",
        username=USER,
        password_env="MY_SMTP_PASSWORD",
        sender=USER,
        to=("team@example.com",),
    )
    message = mail.build_message(result, report_file, "ja", settings)
    with pytest.raises(OutputError) as caught:
        mail.send_message(message, settings, timeout=TIMEOUT, report_path=report_file)
    error = caught.value
    assert error.key == "email_no_password" and error.exit_code == EXIT_OUTPUT
    for lang in ("ja", "en"):
        text = error.render(lang)
        assert "MY_SMTP_PASSWORD" in text and f"keyring set reporter {USER}" in text
        assert str(report_file) in text
    assert report_file.exists()


@pytest.mark.parametrize(
    "keyring_module",
    [None, "raises"],
    ids=["keyring-not-installed", "keyring-backend-fails"],
)
def test_a_missing_or_broken_keyring_means_not_found(
    monkeypatch: pytest.MonkeyPatch, keyring_module: str | None
) -> None:
    if keyring_module is None:
        monkeypatch.setitem(sys.modules, "keyring", None)  # import keyring -> ImportError
    else:
        broken = types.ModuleType("keyring")

        def fail(service: str, user: str) -> str:
            raise RuntimeError("No recommended backend was available")

        broken.get_password = fail  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "keyring", broken)
    settings = EmailSettings(username=USER)
    assert mail.resolve_password(settings) is None
    monkeypatch.setenv("REPORTER_SMTP_PASSWORD", PASSWORD)
    assert mail.resolve_password(settings) == PASSWORD


def test_missing_settings_name_the_keys_and_the_config_file(
    result: CheckResult, report_file: Path, tmp_path: Path
) -> None:
    config = tmp_path / "reporter.toml"
    with pytest.raises(InputError) as caught:
        mail.build_message(
            result, report_file, "ja", EmailSettings(), config_path=config, sending=True
        )
    error = caught.value
    assert error.key == "email_not_configured" and error.exit_code == EXIT_INPUT
    for lang in ("ja", "en"):
        text = error.render(lang)
        assert "smtp_host, from, to" in text and str(config) in text and "[email]" in text

    # --eml needs no SMTP host; sending does, even with a built message.
    settings = EmailSettings(sender=USER, to=("team@example.com",))
    message = mail.build_message(result, report_file, "ja", settings)
    with pytest.raises(InputError) as caught:
        mail.send_message(message, settings, timeout=TIMEOUT, config_path=config)
    assert caught.value.key == "email_not_configured"
    assert "smtp_host" in caught.value.render("en") and "from" not in caught.value.params["keys"]


def test_an_address_that_is_not_one_is_named(result: CheckResult, report_file: Path) -> None:
    settings = EmailSettings(sender=USER, to=("team@example.com", "チーム"))
    with pytest.raises(InputError) as caught:
        mail.build_message(result, report_file, "en", settings)
    assert caught.value.exit_code == EXIT_INPUT
    assert "チーム" in caught.value.render("en") and "to" in caught.value.render("en")


# --- .eml ----------------------------------------------------------------------------------------


def test_eml_round_trip(result: CheckResult, report_file: Path, tmp_path: Path) -> None:
    settings = EmailSettings(sender=USER, to=("team@example.com",), cc=("boss@example.com",))
    message = mail.build_message(result, report_file, "ja", settings)
    path = tmp_path / "メール" / "report.eml"
    mail.write_eml(message, path)

    data = path.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")  # SMTP line ends
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["Subject"] == "[台帳レポート] 2026年11月 台帳レポート: 対応 12件"
    assert parsed["To"] == "team@example.com" and parsed["Cc"] == "boss@example.com"
    part = attachment_of(parsed)
    assert part.get_filename() == report_file.name
    assert part.get_content() == report_file.read_bytes()
    text, _ = bodies(parsed)
    assert "更新期限: エラー 12件" in text
    assert [p.name for p in path.parent.iterdir()] == ["report.eml"]  # no temporary left


def test_eml_replaces_an_older_file(result: CheckResult, report_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "report.eml"
    path.write_bytes(b"old")
    settings = EmailSettings(sender=USER, to=("team@example.com",))
    mail.write_eml(mail.build_message(result, report_file, "en", settings), path)
    assert path.read_bytes().startswith(b"Subject:") or b"\r\nSubject:" in path.read_bytes()


@pytest.mark.parametrize("where", ["under-a-file", "a-folder"])
def test_an_unwritable_eml_path_is_exit_3(
    result: CheckResult, report_file: Path, tmp_path: Path, where: str
) -> None:
    blocker = tmp_path / "not-a-folder.txt"
    blocker.write_text("x")
    path = blocker / "report.eml" if where == "under-a-file" else tmp_path
    settings = EmailSettings(sender=USER, to=("team@example.com",))
    message = mail.build_message(result, report_file, "ja", settings)
    with pytest.raises(OutputError) as caught:
        mail.write_eml(message, path)
    assert caught.value.key == "email_eml_unwritable" and caught.value.exit_code == EXIT_OUTPUT
    assert str(path) in caught.value.render("en")
    assert blocker.read_text() == "x" and report_file.exists()


def test_a_missing_report_is_exit_3(result: CheckResult, tmp_path: Path) -> None:
    settings = EmailSettings(sender=USER, to=("team@example.com",))
    with pytest.raises(OutputError) as caught:
        mail.build_message(result, tmp_path / "gone.xlsx", "ja", settings)
    assert caught.value.key == "email_report_unreadable"
    assert caught.value.exit_code == EXIT_OUTPUT


def test_a_secret_in_the_register_is_masked_in_the_email(
    run_check: Callable[..., CheckResult], tmp_path: Path
) -> None:
    secret = "Atzr|IwEBIGx7Zk3mQp9RsT2uVw8yXa4bCd6eFg0hJ"
    keys = [{**KEYS[1], "担当者": f"佐藤 {secret}"}]
    result = run_check(AS_OF, tools=[TOOL], keys=keys)
    report = write_report(result, tmp_path / "r.xlsx", "ja")
    settings = EmailSettings(sender=USER, to=("team@example.com",))
    message = mail.build_message(result, report, "ja", settings)
    text, html = bodies(message)
    assert secret not in text and secret not in html
    assert "佐藤" in text


# --- the command line: reporter report --email / --eml ---------------------------


def _config(tmp_path: Path, port: int, register: Path) -> Path:
    config = tmp_path / "reporter.toml"
    config.write_text(
        f"""register = '{register}'
output_dir = "reports"
[email]
smtp_host = "127.0.0.1"
smtp_port = {port}
security = "none"
from = "reporter@example.com"
to = ["team@example.com"]
""",
        encoding="utf-8",
    )
    return config


def test_report_email_sends_the_written_report(smtp_server: Server, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from reporter.cli import app

    register = Path(__file__).resolve().parent.parent / "sample_data" / "register.xlsx"
    config = _config(tmp_path, smtp_server.port, register)
    result = CliRunner().invoke(
        app, ["report", "--config", str(config), "--as-of", "2026-11-30", "--email"]
    )
    assert result.exit_code == 0, result.output
    envelope, message = smtp_server.received()
    assert envelope.rcpt_tos == ["team@example.com"]
    assert "2026年11月" in message["Subject"]
    report = tmp_path / "reports" / "register-report-2026-11-30.xlsx"
    assert attachment_of(message).get_content() == report.read_bytes()
    # The deadlines calendar written beside the report travels with it.
    calendar = tmp_path / "reports" / "register-deadlines-2026-11-30.ics"
    attached = attachment_of(message, ".ics")
    assert attached.get_content_type() == "text/calendar"
    assert attached.get_payload(decode=True) == calendar.read_bytes()


def test_report_email_refused_is_exit_3_and_keeps_the_report(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from reporter.cli import app

    register = Path(__file__).resolve().parent.parent / "sample_data" / "register.xlsx"
    config = _config(tmp_path, free_port(), register)  # nothing listens there
    result = CliRunner().invoke(
        app, ["report", "--config", str(config), "--as-of", "2026-11-30", "--email"]
    )
    assert result.exit_code == 3
    assert (tmp_path / "reports" / "register-report-2026-11-30.xlsx").exists()
    assert "Traceback" not in result.output


def test_report_eml_writes_the_message_for_outlook(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from reporter.cli import app

    register = Path(__file__).resolve().parent.parent / "sample_data" / "register.xlsx"
    config = _config(tmp_path, free_port(), register)
    eml = tmp_path / "report.eml"
    args = ["report", "--config", str(config), "--as-of", "2026-11-30", "--eml", str(eml)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    report = tmp_path / "reports" / "register-report-2026-11-30.xlsx"
    assert attachment_of(message).get_content() == report.read_bytes()  # type: ignore[arg-type]
