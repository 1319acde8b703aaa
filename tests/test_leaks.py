"""No leaks, no injection (issue 7, item 4): hostile register text through every output.

A register is written by many hands and shared: its text may start a formula,
carry terminal escape sequences, or hold a pasted secret. Each test puts such
text in every kind of field a team fills in and reads every output back: the
report workbook (every sheet, the hidden history too, and its raw XML), the
JSON, the terminal, the run log and the email.
"""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
import sys
import traceback
import types
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner, Result

from reporter.cli import app
from reporter.config import EmailSettings
from reporter.delivery import email as mail
from reporter.errors import OutputError
from reporter.output.workbook.cells import FORMULA_STARTS
from reporter.register.schema import DATE, SHEETS, SheetSpec
from tests.conftest import AS_OF, write_workbook
from tests.test_email import USER, authenticator, free_port

runner = CliRunner()
AS_OF_TEXT = AS_OF.isoformat()
REPORT_NAME = f"register-report-{AS_OF_TEXT}"

# Text that a spreadsheet would run or link if it were written as typed.
INJECTIONS = [
    "=1+2",
    "+1+2",
    "-1+2",
    "@SUM(A1)",
    "\t=1+3",
    "\r=1+4",
    "＝1+5",
    '=HYPERLINK("http://evil.example","x")',
    "=cmd|' /C calc'!A0",
    "http://example.com/phish",
]


def hostile_sheets(values: list[str], extra_header: str) -> dict[str, list[list[Any]]]:
    """Every sheet of the spec, one row per value, the value in every non-date column.

    Dates are left blank (so every row has a finding and is named in the report)
    and an unknown column headed ``extra_header`` carries the value too.
    """
    sheets: dict[str, list[list[Any]]] = {}
    for spec in SHEETS:
        headers = [c.ja for c in spec.columns] + [extra_header]
        rows = [[*_row(spec, value), value] for value in values]
        sheets[spec.ja] = [headers, *rows]
    return sheets


def _row(spec: SheetSpec, value: str) -> list[Any]:
    return [None if column.kind == DATE else value for column in spec.columns]


def invoke(*args: str) -> Result:
    return runner.invoke(app, [*args, "--as-of", AS_OF_TEXT])


def cells(workbook: openpyxl.Workbook) -> Iterator[tuple[str, Any]]:
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                yield ws.title, cell


def xml_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# --- formula and link injection -----------------------------------------------------------------


def test_formula_and_link_text_stays_inert_text_in_every_sheet_and_the_json(
    tmp_path: Path,
) -> None:
    register = write_workbook(tmp_path / "hostile.xlsx", hostile_sheets(INJECTIONS, "=メモ()"))
    out = tmp_path / "out"
    result = invoke("report", str(register), "--out", str(out), "--lang", "en")
    assert result.exit_code == 0, result.output
    report = out / f"{REPORT_NAME}.xlsx"

    workbook = openpyxl.load_workbook(report)
    assert "_history" in workbook.sheetnames  # the hidden sheet is read too
    texts: list[str] = []
    for title, cell in cells(workbook):
        where = f"{title}!{cell.coordinate}"
        assert cell.data_type != "f", where
        assert cell.hyperlink is None, where
        if isinstance(cell.value, str):
            texts.append(cell.value)
            assert cell.data_type in ("s", "inlineStr"), where
            if cell.value.startswith(FORMULA_STARTS):
                # Excel keeps a quote-prefixed cell text when someone edits it.
                assert cell.quotePrefix, where
    for ws in workbook.worksheets:
        assert not ws._hyperlinks, ws.title
    for name, data in xml_parts(report).items():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            assert not re.search(rb"<f[ >]", data), name
            assert b"<hyperlink" not in data, name
        if name.endswith(".rels"):
            assert b"relationships/hyperlink" not in data, name
    # Not vacuous: every payload reached the workbook, as the text it was typed as.
    for payload in INJECTIONS:
        core = payload.strip()
        assert any(core in text for text in texts), f"{payload!r} not in the report"
        assert core in texts, f"{payload!r} never a whole cell (a record id, an owner)"

    check = invoke("check", str(register), "--json", "--lang", "en")
    assert check.exit_code == 1, check.output
    findings = json.loads(check.stdout)["findings"]
    owners = {f["owner"] for f in findings}
    for payload in INJECTIONS:
        assert payload.strip() in owners, payload
    for finding in findings:
        for key in ("record_id", "owner", "message", "action", "sheet_name"):
            assert isinstance(finding[key], str), (key, finding[key])


# --- terminal control characters ----------------------------------------------------------------

# What a terminal acts on: ESC (colours, cursor moves, OSC-8 links, titles), BEL,
# CR (overwrites the line), BS, NUL and the other C0 controls, DEL, the C1
# controls (\x9b is a one-byte ESC [) and the bidirectional overrides.
CONTROLS = [
    "\x1b[31mRED\x1b[0m-1",
    "\x1b]8;;http://evil.example/\x07LINK\x1b]8;;\x07-2",
    "\x1b]0;TITLE-pwned\x07-3",
    "over\rWRITE-4",
    "back\x08\x08SPACE-5",
    "nul\x00\x01\x02\x1f-6",
    "del\x7f-7",
    "c1\x85\x9b31m\x9d8;;x\x9c-8",
    "bidi\u202eEVIL-9",
    "bell\x07-10",
]
# Newline is allowed between lines of output, never inside one from the register.
FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def assert_printable(text: str, where: str) -> None:
    found = FORBIDDEN.search(text)
    assert found is None, (
        f"{where}: {found.group()!r} in {text[max(0, found.start() - 40) : found.end() + 40]!r}"
    )
    assert "evil.example" not in text, where  # the OSC-8 target went with its sequence
    assert "TITLE-pwned" not in text, where


def test_register_control_characters_never_reach_the_terminal_or_the_log(tmp_path: Path) -> None:
    sheets = hostile_sheets(CONTROLS, "メモ\x1b[2J")
    # The file name is typed by someone too, and every output quotes it.
    register = write_workbook(tmp_path / "controls\x1b]0;TITLE-pwned\x07\x1b[31m.xlsx", sheets)
    out = tmp_path / "out"

    for lang in ("ja", "en"):
        check = invoke("check", str(register), "--lang", lang)
        assert check.exit_code == 1, check.output
        assert_printable(check.output, f"check --lang {lang}")
        assert "RED" in check.output  # the text is kept, only the controls go

    report = invoke("report", str(register), "--out", str(out), "--log", "--verbose")
    assert report.exit_code == 0, report.output
    assert_printable(report.output, "report summary")
    assert "1." in report.output  # the most urgent actions, with register ids, were shown
    log = (out / f"{REPORT_NAME}.log").read_text(encoding="utf-8")
    assert_printable(log, "run log")
    assert "RED" in log


# --- secrets ------------------------------------------------------------------------------------

# Realistic fake secrets of every kind reporter.masking catches.
SECRETS = [
    "AKIAQ3EGUKMX7YZ2WB4N",  # AWS access key id
    "Atzr|IwEBIFk3mQp9RsT2uVw8yXa4bCd6eFg0hJ1kL2mN3oP4qR5s",  # LWA refresh token
    "Atza|IwEBIM7vQ2xK9pL4sT8wZ1cF6hJ3nB5dG0rY2uE4aW6qS8t",  # LWA access token
    "amzn1.oa2-cs.v1.3f9c2a7b8d1e4f60a5b2c9d8e7f6a1b0c3d4e5f6a7b8",  # LWA client secret
    "SP338867_Xk4pQ9mZr2LtW7vB",  # Rakuten serviceSecret
    "SL338867_aB3dE5gH7jK9mN1p",  # Rakuten licenseKey
    "Bearer Zx81KqLmP0wErTy6UiOp",  # an Authorization header pasted whole
    "q8Vf3kZ2mN7xR1tY6wB4cH9jL0pS5dG2",  # a long random token
]
# Any value under a password header is a secret, whatever it looks like.
PASSWORD = "sakura-Hunter2!"


def leaked(secret: str, text: str | bytes) -> bool:
    """The secret, or the stretch before the last four characters a mask may show."""
    pieces = [secret, secret[-12:-4]]
    if isinstance(text, bytes):
        return any(piece.encode() in text for piece in pieces)
    return any(piece in text for piece in pieces)


def secret_register(folder: Path) -> Path:
    sheets = hostile_sheets([f"メモ {s} です" for s in SECRETS], "メモ")
    for spec in SHEETS:
        rows = sheets[spec.ja]
        # The secret alone as the id, the owner and every other field, too.
        rows += [[*_row(spec, secret), secret] for secret in SECRETS]
        rows[0].append("パスワード")
        for row in rows[1:]:
            row.append(PASSWORD)
    # A secret as a column header and as a sheet name: the register's own structure.
    sheets["キー"][0][-2] = SECRETS[0]
    sheets[SECRETS[0]] = [["キーID", "メモ"], ["K-1", SECRETS[1]]]
    return write_workbook(folder / "secrets.xlsx", sheets)


def eml_texts(path: Path) -> Iterator[tuple[str, bytes]]:
    """Every part of the .eml decoded, and every part of an attached workbook unzipped."""
    raw = path.read_bytes()
    yield "eml", raw
    message = email.message_from_bytes(raw, policy=email.policy.default)
    for key, value in message.items():
        yield f"header {key}", str(value).encode()
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        yield f"part {part.get_content_type()}", payload
        if payload.startswith(b"PK"):
            for name, data in xml_parts_of(payload).items():
                yield f"attachment {name}", data


def xml_parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@dataclass
class Outputs:
    """Every output of the runs over one register, and the findings its JSON lists."""

    texts: list[tuple[str, str | bytes]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)


def every_output(
    register: Path,
    folder: Path,
    monkeypatch: pytest.MonkeyPatch | None = None,
    bug_quotes: Sequence[str] = (),
) -> Outputs:
    """The text of every output the product writes from ``register``.

    ``check`` on the terminal and as JSON (also parsed: a \\u escape would hide a
    secret from a text search), in Japanese and English; ``report --eml --log
    --verbose``: its terminal lines, every part of the report workbook (every
    sheet, the hidden _history, the document properties), the .ics calendar, the
    run log, the .eml with every part of its attachments. With ``monkeypatch``
    also the bug log (exit 70) of a run whose bug quotes ``bug_quotes``, raw and
    as a repr, the way a traceback quotes the value it failed on.
    """
    outputs = Outputs()
    out = folder / "out"
    config = folder / "reporter.toml"
    config.write_text(
        '[email]\nfrom = "reporter@example.com"\nto = ["team@example.com"]\n', encoding="utf-8"
    )
    for lang in ("ja", "en"):
        text = invoke("check", str(register), "--lang", lang)
        as_json = invoke("check", str(register), "--json", "--lang", lang)
        assert text.exit_code == as_json.exit_code == 1, text.output
        outputs.texts += [(f"check {lang}", text.output), (f"check --json {lang}", as_json.output)]
        data = json.loads(as_json.stdout)
        outputs.texts.append((f"json values {lang}", json.dumps(data, ensure_ascii=False)))
        if lang == "ja":
            outputs.findings = data["findings"]

    eml = folder / "report.eml"
    args = ["report", str(register), "--out", str(out), "--log", "--verbose"]
    result = invoke(*args, "--config", str(config), "--eml", str(eml))
    assert result.exit_code == 0, result.output
    outputs.texts.append(("report terminal", result.output))
    report = out / f"{REPORT_NAME}.xlsx"
    outputs.texts += [(f"report {name}", data) for name, data in xml_parts(report).items()]
    (calendar,) = out.glob("*.ics")
    outputs.texts.append(("ics", calendar.read_bytes()))
    outputs.texts.append(("log", (out / f"{REPORT_NAME}.log").read_bytes()))
    outputs.texts += list(eml_texts(eml))

    if monkeypatch is not None:
        outputs.texts.append(("bug log", bug_log(register, folder, monkeypatch, bug_quotes)))
    return outputs


def bug_log(
    register: Path, folder: Path, monkeypatch: pytest.MonkeyPatch, quotes: Sequence[str]
) -> str:
    """The bug log of a run that fails on a bug quoting ``quotes`` (a KeyError, and a
    ValueError whose message holds their repr), and check it is private and named at random."""
    import os
    import tempfile

    import reporter.api

    def broken(*args: object, **kwargs: object) -> None:
        try:
            raise KeyError(*quotes)
        except KeyError as error:
            raise ValueError(f"cannot place {list(quotes)!r}") from error

    temporary = folder / "tmp"
    temporary.mkdir(exist_ok=True)
    monkeypatch.setattr(reporter.api, "write_monthly_report", broken)
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    monkeypatch.delenv("REPORTER_DEBUG", raising=False)
    result = invoke("report", str(register), "--out", str(folder / "bug-out"))
    assert result.exit_code == 70, result.output
    (log,) = temporary.glob("reporter-error-*.log")
    assert str(log) in result.stderr
    if os.name == "posix":
        assert log.stat().st_mode & 0o777 == 0o600  # the user's alone, in a shared folder
    # Not the clock and the process id alone: a random part no one can guess in advance.
    assert str(os.getpid()) not in log.name
    text = log.read_text(encoding="utf-8")
    assert "ValueError" in text and "KeyError" in text  # the chain is there to be searched
    return text


def test_secrets_are_masked_in_every_output(tmp_path: Path) -> None:
    register = secret_register(tmp_path)
    outputs = every_output(register, tmp_path)
    flagged = [f for f in outputs.findings if f["code"] == "SEC001"]
    assert len(flagged) >= len(SECRETS) + 1  # found, so masked (not merely never shown)
    for where, text in outputs.texts:
        for secret in [*SECRETS, PASSWORD]:
            assert not leaked(secret, text), f"{secret!r} leaked in {where}"


# --- SMTP credentials ---------------------------------------------------------------------------

SMTP_PASSWORDS = ["Wr0ng-Passw0rd-smtp", "Pässwörd-Ωμέγα-smtp"]


@pytest.fixture
def refusing_server() -> Iterator[int]:
    """A local SMTP server that refuses every login (the right password is not among ours)."""
    from aiosmtpd.smtp import Envelope

    class Drop:
        async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
            return "250 OK"

    port = free_port()
    logins: list[tuple[str, str]] = []
    controller = Controller(
        Drop(),
        hostname="127.0.0.1",
        port=port,
        server_hostname="localhost",
        ready_timeout=5,
        authenticator=authenticator(logins),
        auth_require_tls=False,
    )
    controller.start()
    yield port
    controller.stop()


@pytest.fixture(autouse=True)
def no_real_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """The keyring finds nothing: the password comes from the environment variable only."""
    fake = types.ModuleType("keyring")
    fake.get_password = lambda service, user: None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", fake)
    monkeypatch.delenv("REPORTER_DEBUG", raising=False)


def smtp_config(folder: Path, port: int) -> Path:
    config = folder / "reporter.toml"
    config.write_text(
        f"""output_dir = "reports"
[email]
smtp_host = "127.0.0.1"
smtp_port = {port}
security = "none"
username = "{USER}"
password_env = "LEAK_TEST_SMTP_PASSWORD"
from = "reporter@example.com"
to = ["team@example.com"]
""",
        encoding="utf-8",
    )
    return config


def simple_register(folder: Path) -> Path:
    keys = [["キーID", "種類", "発行日", "担当者"], ["K-1", "その他", date(2026, 10, 1), "佐藤"]]
    return write_workbook(folder / "register.xlsx", {"キー": keys})


@pytest.mark.parametrize("password", SMTP_PASSWORDS)
@pytest.mark.parametrize("server", ["refuses the login", "unreachable"])
def test_smtp_password_is_never_printed_or_logged(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    password: str,
    server: str,
) -> None:
    port = (
        request.getfixturevalue("refusing_server") if server == "refuses the login" else free_port()
    )
    monkeypatch.setenv("LEAK_TEST_SMTP_PASSWORD", password)
    register = simple_register(tmp_path)
    config = smtp_config(tmp_path, port)
    result = invoke(
        "report", str(register), "--config", str(config), "--email", "--log", "--verbose"
    )
    assert result.exit_code == 3, result.output
    log = (tmp_path / "reports" / f"{REPORT_NAME}.log").read_text(encoding="utf-8")
    assert "127.0.0.1" in log  # the failure was logged, so the log is worth searching
    for where, text in [("terminal", result.output), ("log", log)]:
        assert not password_shown(password, text), where

    # The exception itself, as a traceback would show it, with its chain.
    settings = EmailSettings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        security="none",
        username=USER,
        password_env="LEAK_TEST_SMTP_PASSWORD",
        sender="reporter@example.com",
        to=("team@example.com",),
    )
    report = tmp_path / "reports" / f"{REPORT_NAME}.xlsx"
    message = mail.build_message(_result_of(register), report, "ja", settings)
    with pytest.raises(OutputError) as caught:
        mail.send_message(message, settings, timeout=5)
    error = caught.value
    shown = "".join(traceback.format_exception(error)) + error.render("ja") + error.render("en")
    shown += repr(error.params)
    assert not password_shown(password, shown)


def password_shown(password: str, text: str) -> bool:
    """The password, or a character of it the way smtplib's encoding error quotes one."""
    if password in text:
        return True
    for char in password:
        if not char.isascii() and (char in text or f"\\x{ord(char):02x}" in text):
            return True
        if not char.isascii() and f"\\u{ord(char):04x}" in text:
            return True
    return False


def _result_of(register: Path) -> Any:
    from reporter.api import check

    return check(register, as_of=AS_OF)
