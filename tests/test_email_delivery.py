"""Delivery that still works next year: TLS, Microsoft 365 without passwords, one mail per owner.

Everything runs on 127.0.0.1. The certificates are made here, per test run,
with the cryptography package; the client is told to trust them through the
standard variables (SSL_CERT_FILE for SMTP, REQUESTS_CA_BUNDLE for HTTPS).

``FakeMicrosoft`` below is NOT Microsoft: it is a small local HTTPS server
that stands in for Entra ID's token endpoint and for Microsoft Graph's
``POST /v1.0/users/{from}/sendMail``. It checks what the real ones check and
this code depends on: the client credentials and the scope at the token
endpoint; at sendMail the bearer token it issued, the JSON shape, the base64
attachment and the request's size. msal talks to it as to a real authority
(its OpenID metadata, then its token endpoint), nothing in msal is mocked.
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from typer.testing import CliRunner

from reporter.api import check
from reporter.cli import app
from reporter.config import EmailSettings
from reporter.delivery import email as mail
from reporter.errors import EXIT_OUTPUT, OutputError
from reporter.result import CheckResult
from tests.conftest import AS_OF, write_report
from tests.standins import Certificate, isolate, self_signed
from tests.test_email import EXCEPTION, KEYS, PASSWORD, TIMEOUT, TOOL, USER, free_port

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "register.xlsx"
TENANT = "11111111-2222-3333-4444-555555555555"
CLIENT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
CLIENT_SECRET = "client-Secret~value.123"
SENDER = "reporter@example.com"
GRAPH_REQUEST_LIMIT = 4 * 1024 * 1024  # Graph refuses a sendMail request above 4 MB


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(monkeypatch, ("REPORTER_SMTP_PASSWORD", "REPORTER_CLIENT_SECRET"))


# --- the register and its report --------------------------------------------------------------


@pytest.fixture
def result(run_check: Callable[..., CheckResult]) -> CheckResult:
    return run_check(AS_OF, tools=[TOOL], keys=KEYS, 除外=[EXCEPTION])


@pytest.fixture
def report_file(result: CheckResult, tmp_path: Path) -> Path:
    return write_report(result, tmp_path / "out" / "台帳レポート 2026-11.xlsx", "ja")


def key_ids(text: str) -> set[str]:
    return set(re.findall(r"\bK-\d+\b", text))


def plain_text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return body.get_content()


# --- SMTP servers -------------------------------------------------------------------------------


@dataclass
class Inbox:
    """Every message the local SMTP server accepted, with whether it came over TLS."""

    envelopes: list[Envelope] = field(default_factory=list)
    over_tls: list[bool] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        self.over_tls.append(session.ssl is not None)
        return "250 Message accepted"

    def messages(self) -> list[tuple[list[str], EmailMessage]]:
        found = []
        for envelope in self.envelopes:
            parsed = email.message_from_bytes(
                envelope.original_content, policy=email.policy.default
            )
            assert isinstance(parsed, EmailMessage)
            found.append((list(envelope.rcpt_tos), parsed))
        return found


def start_smtp(inbox: Inbox, refuse_login_with: str | None = None, **kwargs: Any) -> Controller:
    def check(
        server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = data.login.decode(), data.password.decode()
        inbox.logins.append((login, password))
        if refuse_login_with:
            return AuthResult(success=False, handled=False, message=refuse_login_with)
        return AuthResult(success=login == USER and password == PASSWORD, handled=False)

    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        server_hostname="localhost",
        ready_timeout=TIMEOUT,
        authenticator=check,
        **kwargs,
    )
    controller.start()
    return controller


# --- (a) STARTTLS and a login, against a certificate made here -------------------------------


def test_starttls_then_login_sends_over_tls(
    certificate: Certificate,
    result: CheckResult,
    report_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox = Inbox()
    controller = start_smtp(
        inbox,
        tls_context=certificate.server_context(),
        require_starttls=True,
        auth_require_tls=True,
    )
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))  # trust this run's certificate
        monkeypatch.setenv("REPORTER_SMTP_PASSWORD", PASSWORD)
        settings = EmailSettings(
            smtp_host="127.0.0.1",
            smtp_port=controller.port,
            security="starttls",
            username=USER,
            sender=SENDER,
            to=("team@example.com",),
        )
        message = mail.build_message(result, report_file, "ja", settings)
        mail.send_message(message, settings, timeout=TIMEOUT, report_path=report_file)
    finally:
        controller.stop()
    assert inbox.logins == [(USER, PASSWORD)]
    assert inbox.over_tls == [True]
    ((rcpt, received),) = inbox.messages()
    assert rcpt == ["team@example.com"]
    (part,) = list(received.iter_attachments())
    assert part.get_content() == report_file.read_bytes()


def test_a_certificate_the_machine_does_not_trust_is_exit_3_and_sends_nothing(
    certificate: Certificate, result: CheckResult, report_file: Path
) -> None:
    inbox = Inbox()
    controller = start_smtp(inbox, tls_context=certificate.server_context(), require_starttls=True)
    try:
        settings = EmailSettings(
            smtp_host="127.0.0.1",
            smtp_port=controller.port,
            security="starttls",
            sender=SENDER,
            to=("team@example.com",),
        )
        message = mail.build_message(result, report_file, "en", settings)
        with pytest.raises(OutputError) as caught:
            mail.send_message(message, settings, timeout=TIMEOUT, report_path=report_file)
    finally:
        controller.stop()
    assert caught.value.exit_code == EXIT_OUTPUT
    assert "certificate" in caught.value.render("en")
    assert inbox.envelopes == [] and report_file.exists()


# --- (d) Exchange Online refusing a password: 5.7.30 / 5.7.139 -------------------------------


def _config(tmp_path: Path, email_table: str) -> Path:
    config = tmp_path / "reporter.toml"
    config.write_text(
        f"register = '{SAMPLE}'\noutput_dir = \"reports\"\n[email]\n{email_table}",
        encoding="utf-8",
    )
    return config


def _run_report(config: Path, *extra: str) -> Any:
    args = ["report", "--config", str(config), "--as-of", "2026-11-30", "--email", *extra]
    return CliRunner().invoke(app, args)


@pytest.mark.parametrize(
    "reply",
    [
        "550 5.7.30 Basic authentication is not supported for Client Submission",
        "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for "
        "the Tenant",
    ],
    ids=["5.7.30", "5.7.139"],
)
def test_smtp_auth_switched_off_says_use_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reply: str
) -> None:
    inbox = Inbox()
    controller = start_smtp(inbox, refuse_login_with=reply, auth_require_tls=False)
    monkeypatch.setenv("REPORTER_SMTP_PASSWORD", PASSWORD)
    try:
        config = _config(
            tmp_path,
            f'smtp_host = "127.0.0.1"\nsmtp_port = {controller.port}\nsecurity = "none"\n'
            f'username = "{USER}"\nfrom = "{SENDER}"\nto = ["team@example.com"]\n',
        )
        outcome = _run_report(config, "--quiet")
    finally:
        controller.stop()
    assert outcome.exit_code == 3, outcome.output
    lines = [line for line in outcome.output.splitlines() if line.strip()]
    assert len(lines) == 1, lines  # one line, no traceback
    (line,) = lines
    assert reply.split()[1] in line  # 5.7.30 / 5.7.139 as the server said it
    assert "5.7.30" in line and 'method = "graph"' in line
    assert PASSWORD not in line
    assert (tmp_path / "reports" / "register-report-2026-11-30.xlsx").exists()
    assert inbox.envelopes == []


# --- (b, c) Microsoft Graph, against a local stand-in ----------------------------------------


@dataclass
class FakeMicrosoft:
    """A LOCAL STAND-IN for Entra ID's token endpoint and Graph's sendMail (see the module doc)."""

    base: str = ""
    token: str = "eyJ0eXAi.local-test-token.signature"
    scope: str = ""  # the scope asked for; default: the Graph stand-in's own
    client_certificate: x509.Certificate | None = None  # accept assertions signed for it
    refuse_send: tuple[int, dict[str, Any]] | None = None
    token_requests: list[dict[str, list[str]]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    sent_to: list[str] = field(default_factory=list)  # the mailbox in each sendMail URL
    problems: list[str] = field(default_factory=list)  # what a real Graph would have refused

    def handle(self, request: BaseHTTPRequestHandler, method: str) -> tuple[int, Any]:
        path = urlparse(request.path).path
        if method == "GET" and path == f"/{TENANT}/v2.0/.well-known/openid-configuration":
            root = f"{self.base}/{TENANT}"
            return 200, {
                "issuer": f"{root}/v2.0",
                "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
                "token_endpoint": f"{root}/oauth2/v2.0/token",
            }
        length = int(request.headers.get("Content-Length", "0"))
        body = request.rfile.read(length)
        if method == "POST" and path == f"/{TENANT}/oauth2/v2.0/token":
            form = parse_qs(body.decode())
            self.token_requests.append(form)
            good = (
                form.get("grant_type") == ["client_credentials"]
                and form.get("client_id") == [CLIENT_ID]
                and (
                    form.get("client_secret") == [CLIENT_SECRET]
                    or self._assertion_ok(form, f"{self.base}{path}")
                )
            )
            if not good:
                return 401, {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided.\r\n"
                    "Trace ID: 0000 Correlation ID: 0000",
                }
            if (self.scope or f"{self.base}/.default") not in form.get("scope", [""])[0].split():
                return 400, {"error": "invalid_scope", "error_description": "AADSTS70011"}
            return 200, {"token_type": "Bearer", "expires_in": 3599, "access_token": self.token}
        match = re.fullmatch(r"/v1\.0/users/([^/]+)/sendMail", path)
        if method == "POST" and match:
            if request.headers.get("Authorization") != f"Bearer {self.token}":
                return 401, {"error": {"code": "InvalidAuthenticationToken", "message": "bad"}}
            if len(body) > GRAPH_REQUEST_LIMIT:
                return 413, {"error": {"code": "RequestEntityTooLarge", "message": "too big"}}
            if self.refuse_send is not None:
                return self.refuse_send
            if not request.headers.get("Content-Type", "").startswith("application/json"):
                self.problems.append("not JSON")
            payload = json.loads(body)
            self.problems += _sendmail_problems(payload)
            self.sent.append(payload)
            self.sent_to.append(unquote(match[1]))
            return 202, None
        return 404, {"error": {"code": "NotFound", "message": path}}

    def _assertion_ok(self, form: dict[str, list[str]], token_endpoint: str) -> bool:
        """A certificate credential: a JWT signed with the key of the registered certificate."""
        import jwt

        if self.client_certificate is None or form.get("client_assertion_type") != [
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ]:
            return False
        assertion = form.get("client_assertion", [""])[0]
        thumbprint = base64.urlsafe_b64encode(
            self.client_certificate.fingerprint(hashes.SHA256())
        ).rstrip(b"=")
        header = jwt.get_unverified_header(assertion)
        if str(header.get("x5t#S256", "")).rstrip("=") != thumbprint.decode():
            return False
        try:
            claims = jwt.decode(
                assertion,
                self.client_certificate.public_key(),  # type: ignore[arg-type]
                algorithms=["PS256", "RS256"],
                audience=token_endpoint,
            )
        except jwt.InvalidTokenError:
            return False
        return claims.get("iss") == claims.get("sub") == CLIENT_ID


def _sendmail_problems(payload: dict[str, Any]) -> list[str]:
    """What Graph would refuse in a sendMail body (the parts this program uses)."""
    problems = []
    message = payload.get("message")
    if not isinstance(message, dict):
        return ["no message"]
    if not isinstance(message.get("subject"), str):
        problems.append("subject")
    body = message.get("body", {})
    if body.get("contentType") not in ("HTML", "Text") or not isinstance(body.get("content"), str):
        problems.append("body")
    for key in ("toRecipients", "ccRecipients"):
        for recipient in message.get(key, []):
            if "@" not in recipient.get("emailAddress", {}).get("address", ""):
                problems.append(key)
    if not message.get("toRecipients"):
        problems.append("no toRecipients")
    for attachment in message.get("attachments", []):
        if attachment.get("@odata.type") != "#microsoft.graph.fileAttachment":
            problems.append("attachment type")
        if not attachment.get("name"):
            problems.append("attachment name")
        try:
            base64.b64decode(attachment.get("contentBytes", ""), validate=True)
        except ValueError:
            problems.append("contentBytes is not base64")
    if not isinstance(payload.get("saveToSentItems", True), bool):
        problems.append("saveToSentItems")
    return problems


@pytest.fixture
def microsoft(certificate: Certificate, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeMicrosoft]:
    fake = FakeMicrosoft()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method: str) -> None:
            status, body = fake.handle(self, method)
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            self._answer("POST")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = certificate.server_context().wrap_socket(server.socket, server_side=True)
    fake.base = f"https://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate.cert))  # trust this run's certificate
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def graph_table(fake: FakeMicrosoft, extra: str = "") -> str:
    return (
        f'method = "graph"\ntenant_id = "{TENANT}"\nclient_id = "{CLIENT_ID}"\n'
        f'login_url = "{fake.base}"\ngraph_url = "{fake.base}"\n'
        f'from = "台帳レポート <{SENDER}>"\nto = ["team@example.com"]\ncc = ["boss@example.com"]\n'
        + extra
    )


def test_graph_sends_the_report_as_a_base64_file_attachment(
    microsoft: FakeMicrosoft, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTER_CLIENT_SECRET", CLIENT_SECRET)
    config = _config(tmp_path, graph_table(microsoft))
    outcome = _run_report(config)
    assert outcome.exit_code == 0, outcome.output
    assert CLIENT_SECRET not in outcome.output and microsoft.token not in outcome.output

    (token_request,) = microsoft.token_requests  # one sign-in
    assert token_request["scope"][0].split() == [f"{microsoft.base}/.default"]
    assert microsoft.problems == []
    (payload,) = microsoft.sent
    assert microsoft.sent_to == [SENDER]  # sent as the from mailbox
    message = payload["message"]
    assert re.fullmatch(r"\[台帳レポート\] 2026年11月 台帳レポート: 対応 \d+件", message["subject"])
    assert [r["emailAddress"]["address"] for r in message["toRecipients"]] == ["team@example.com"]
    assert [r["emailAddress"]["address"] for r in message["ccRecipients"]] == ["boss@example.com"]
    assert message["body"]["contentType"] == "HTML" and "2026-11-30" in message["body"]["content"]
    report = tmp_path / "reports" / "register-report-2026-11-30.xlsx"
    attachment, calendar = message["attachments"]
    assert attachment["name"] == report.name
    assert attachment["contentType"].endswith("spreadsheetml.sheet")
    assert base64.b64decode(attachment["contentBytes"]) == report.read_bytes()
    ics = report.with_name("register-deadlines-2026-11-30.ics")
    assert calendar["name"] == ics.name and calendar["contentType"] == "text/calendar"
    assert base64.b64decode(calendar["contentBytes"]) == ics.read_bytes()


def test_graph_refusing_is_exit_3_with_one_line_and_the_report_kept(
    microsoft: FakeMicrosoft, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTER_CLIENT_SECRET", CLIENT_SECRET)
    microsoft.refuse_send = (
        403,
        {"error": {"code": "ErrorAccessDenied", "message": "Access is denied."}},
    )
    outcome = _run_report(_config(tmp_path, graph_table(microsoft)), "--quiet")
    assert outcome.exit_code == 3
    lines = [line for line in outcome.output.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    (line,) = lines
    assert "403" in line and "ErrorAccessDenied" in line
    assert "Mail.Send" in line and SENDER in line  # what to change
    report = tmp_path / "reports" / "register-report-2026-11-30.xlsx"
    assert str(report) in line and report.exists()
    assert microsoft.token not in line and CLIENT_SECRET not in line


def test_a_wrong_client_secret_is_exit_3_and_never_shown(
    microsoft: FakeMicrosoft, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "not-the-Secret~999"
    monkeypatch.setenv("REPORTER_CLIENT_SECRET", wrong)
    outcome = _run_report(_config(tmp_path, graph_table(microsoft)), "--quiet", "--lang", "en")
    assert outcome.exit_code == 3
    (line,) = [line for line in outcome.output.splitlines() if line.strip()]
    assert "AADSTS7000215" in line and "Trace ID" not in line
    assert "tenant_id" in line and "REPORTER_CLIENT_SECRET" in line
    assert wrong not in line
    assert microsoft.sent == []


def test_no_client_secret_anywhere_says_where_to_put_it(
    microsoft: FakeMicrosoft, tmp_path: Path
) -> None:
    outcome = _run_report(_config(tmp_path, graph_table(microsoft)), "--quiet")
    assert outcome.exit_code == 3
    (line,) = [line for line in outcome.output.splitlines() if line.strip()]
    assert "REPORTER_CLIENT_SECRET" in line and f"keyring set reporter {CLIENT_ID}" in line
    assert microsoft.token_requests == [] and microsoft.sent == []


def test_a_report_too_large_for_graph_says_so_before_signing_in(
    result: CheckResult, report_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.xlsx"
    big.write_bytes(report_file.read_bytes() + b"\0" * (3 * 1024 * 1024))
    settings = EmailSettings(
        method="graph",
        tenant_id=TENANT,
        client_id=CLIENT_ID,
        login_url="https://127.0.0.1:9",  # never reached
        graph_url="https://127.0.0.1:9",
        sender=SENDER,
        to=("team@example.com",),
    )
    monkeypatch.setenv("REPORTER_CLIENT_SECRET", CLIENT_SECRET)
    message = mail.build_message(result, big, "ja", settings)
    with pytest.raises(OutputError) as caught:
        mail.send_message(message, settings, timeout=TIMEOUT, report_path=big)
    assert caught.value.key == "email_graph_too_large"
    text = caught.value.render("ja")
    assert "3MB" in text and str(big) in text


def test_graph_signs_in_with_a_certificate_instead_of_a_secret(
    microsoft: FakeMicrosoft,
    result: CheckResult,
    report_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = self_signed(key, "reporter")
    passphrase = "pass-Phrase-42"
    pem = tmp_path / "reporter.pem"  # the key (encrypted) and the certificate in one file
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase.encode()),
        )
        + cert.public_bytes(serialization.Encoding.PEM)
    )
    microsoft.client_certificate = cert
    monkeypatch.setenv("REPORTER_CLIENT_SECRET", passphrase)  # the certificate's passphrase
    settings = EmailSettings(
        method="graph",
        tenant_id=TENANT,
        client_id=CLIENT_ID,
        certificate=str(pem),
        login_url=microsoft.base,
        graph_url=microsoft.base,
        sender=SENDER,
        to=("team@example.com",),
    )
    message = mail.build_message(result, report_file, "ja", settings)
    mail.send_message(message, settings, timeout=TIMEOUT, report_path=report_file)
    (token_request,) = microsoft.token_requests
    assert "client_secret" not in token_request and "client_assertion" in token_request
    assert len(microsoft.sent) == 1 and microsoft.problems == []

    # A wrong passphrase: one line naming the file, never the passphrase.
    monkeypatch.setenv("REPORTER_CLIENT_SECRET", "wrong-Phrase-1")
    with pytest.raises(OutputError) as caught:
        mail.send_message(message, settings, timeout=TIMEOUT, report_path=report_file)
    assert caught.value.key == "email_certificate_unusable"
    text = caught.value.render("en")
    assert str(pem) in text and "wrong-Phrase-1" not in text and passphrase not in text


@dataclass
class OAuthInbox(Inbox):
    """An SMTP server that takes XOAUTH2 with the stand-in's token (as Exchange Online does)."""

    token: str = ""
    xoauth2: list[str] = field(default_factory=list)

    async def auth_XOAUTH2(self, server: SMTPServer, args: list[str]) -> AuthResult:
        response = base64.b64decode(args[1]).decode() if len(args) > 1 else ""
        self.xoauth2.append(response)
        good = response == f"user={SENDER}\x01auth=Bearer {self.token}\x01\x01"
        return AuthResult(success=good, handled=False)


def test_smtp_oauth_logs_in_with_xoauth2_over_starttls(
    microsoft: FakeMicrosoft,
    certificate: Certificate,
    result: CheckResult,
    report_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reporter.delivery.email.send import OFFICE365_SMTP_SCOPE

    microsoft.scope = OFFICE365_SMTP_SCOPE  # a token for Exchange Online, not for Graph
    inbox = OAuthInbox(token=microsoft.token)
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        server_hostname="localhost",
        ready_timeout=TIMEOUT,
        tls_context=certificate.server_context(),
        require_starttls=True,
    )
    controller.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))
    monkeypatch.setenv("REPORTER_CLIENT_SECRET", CLIENT_SECRET)
    settings = EmailSettings(
        method="smtp-oauth",
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        tenant_id=TENANT,
        client_id=CLIENT_ID,
        login_url=microsoft.base,
        sender=SENDER,
        to=("team@example.com",),
    )
    try:
        message = mail.build_message(result, report_file, "ja", settings, sending=True)
        mail.send_message(message, settings, timeout=TIMEOUT, report_path=report_file)
    finally:
        controller.stop()
    assert len(inbox.xoauth2) == 1 and inbox.over_tls == [True]
    assert [rcpt for rcpt, _ in inbox.messages()] == [["team@example.com"]]
    assert microsoft.sent == []  # SMTP, not Graph


# --- (e) one mail per owner -----------------------------------------------------------------------

# KEYS' owners cycle 佐藤, <b>田中</b>, 鈴木 & 高橋, http://evil.example/x over K-0 .. K-12;
# K-0 is excepted, so the actions are K-1 .. K-12.
OWNER_KEYS = {
    "佐藤": {"K-4", "K-8", "K-12"},
    "<b>田中</b>": {"K-1", "K-5", "K-9"},
    "鈴木 & 高橋": {"K-2", "K-6", "K-10"},
    "http://evil.example/x": {"K-3", "K-7", "K-11"},
}


def test_per_owner_sends_each_address_its_own_actions_once_and_the_team_a_summary(
    result: CheckResult, report_file: Path
) -> None:
    inbox = Inbox()
    controller = start_smtp(inbox, auth_require_tls=False)
    settings = EmailSettings(
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        security="none",
        sender=SENDER,
        to=("team@example.com",),
        cc=("boss@example.com",),
        owners=(
            ("佐藤", "sato@example.com"),
            ("<b>田中</b>", "Sato <SATO@example.com>"),  # the same mailbox for two names
            ("鈴木 & 高橋", "suzuki@example.com"),
            ("山田", "yamada@example.com"),  # no action this month: no mail
        ),
    )
    try:
        plan = mail.build_per_owner(result, report_file, "ja", settings, sending=True)
        mail.send_messages(plan.messages, settings, timeout=TIMEOUT, report_path=report_file)
    finally:
        controller.stop()

    received = inbox.messages()
    by_rcpt = {tuple(sorted(rcpt)): message for rcpt, message in received}
    assert sorted(by_rcpt) == [
        ("boss@example.com", "team@example.com"),
        ("sato@example.com",),
        ("suzuki@example.com",),
    ]
    assert len(received) == 3  # one mail per person, no duplicate

    sato = plain_text(by_rcpt[("sato@example.com",)])
    assert key_ids(sato) == OWNER_KEYS["佐藤"] | OWNER_KEYS["<b>田中</b>"]
    assert "対応 6件" in by_rcpt[("sato@example.com",)]["Subject"]
    suzuki = plain_text(by_rcpt[("suzuki@example.com",)])
    assert key_ids(suzuki) == OWNER_KEYS["鈴木 & 高橋"]

    summary_message = by_rcpt[("boss@example.com", "team@example.com")]
    summary = plain_text(summary_message)
    # The actions no owner mail carries, and who was sent what.
    assert key_ids(summary) == OWNER_KEYS["http://evil.example/x"]
    assert "佐藤・<b>田中</b> / sato@example.com / 6件" in summary
    assert "鈴木 & 高橋 / suzuki@example.com / 3件" in summary
    assert "yamada" not in summary
    assert "対応 12件" in summary_message["Subject"]
    for _, message in received:  # every mail has the report
        (part,) = list(message.iter_attachments())
        assert part.get_content() == report_file.read_bytes()


def test_an_owner_who_also_gets_the_summary_gets_only_the_summary(
    result: CheckResult, report_file: Path
) -> None:
    settings = EmailSettings(
        sender=SENDER,
        to=("team@example.com", "suzuki@example.com"),
        owners=(("佐藤", "sato@example.com"), ("鈴木 & 高橋", "suzuki@example.com")),
    )
    plan = mail.build_per_owner(result, report_file, "en", settings)
    assert [mail.recipients_of(m) for m in plan.messages] == [
        ["sato@example.com"],
        ["team@example.com", "suzuki@example.com"],
    ]
    summary = plain_text(plan.summary)
    assert key_ids(summary) == (
        OWNER_KEYS["鈴木 & 高橋"] | OWNER_KEYS["<b>田中</b>"] | OWNER_KEYS["http://evil.example/x"]
    )
    assert "suzuki@example.com (in this email)" in summary


def test_an_owner_address_refused_still_sends_the_rest_and_ends_with_exit_3(
    result: CheckResult, report_file: Path
) -> None:
    from tests.test_email import Collector  # refuses recipients starting with "nobody"

    collector = Collector()
    controller = Controller(
        collector,
        hostname="127.0.0.1",
        port=free_port(),
        server_hostname="localhost",
        ready_timeout=TIMEOUT,
    )
    controller.start()
    settings = EmailSettings(
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        security="none",
        sender=SENDER,
        to=("team@example.com",),
        owners=(("佐藤", "nobody@example.com"), ("鈴木 & 高橋", "suzuki@example.com")),
    )
    try:
        plan = mail.build_per_owner(result, report_file, "en", settings, sending=True)
        with pytest.raises(OutputError) as caught:
            mail.send_messages(plan.messages, settings, timeout=TIMEOUT, report_path=report_file)
    finally:
        controller.stop()
    assert [envelope.rcpt_tos for envelope in collector.envelopes] == [
        ["suzuki@example.com"],
        ["team@example.com"],
    ]
    error = caught.value
    assert error.key == "email_partly_refused" and error.exit_code == EXIT_OUTPUT
    text = error.render("en")
    assert "nobody@example.com" in text and str(report_file) in text


def test_graph_signs_in_once_for_every_owner_mail(
    microsoft: FakeMicrosoft,
    result: CheckResult,
    report_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REPORTER_CLIENT_SECRET", CLIENT_SECRET)
    settings = EmailSettings(
        method="graph",
        tenant_id=TENANT,
        client_id=CLIENT_ID,
        login_url=microsoft.base,
        graph_url=microsoft.base,
        sender=SENDER,
        to=("team@example.com",),
        owners=(("佐藤", "sato@example.com"), ("鈴木 & 高橋", "suzuki@example.com")),
    )
    plan = mail.build_per_owner(result, report_file, "ja", settings, sending=True)
    mail.send_messages(plan.messages, settings, timeout=TIMEOUT, report_path=report_file)
    assert len(microsoft.token_requests) == 1  # msal's cache serves the later mails
    sent_to = [
        [r["emailAddress"]["address"] for r in payload["message"]["toRecipients"]]
        for payload in microsoft.sent
    ]
    assert sent_to == [["sato@example.com"], ["suzuki@example.com"], ["team@example.com"]]
    assert microsoft.problems == []


def test_per_owner_from_the_command_line(tmp_path: Path) -> None:
    inbox = Inbox()
    controller = start_smtp(inbox, auth_require_tls=False)
    try:
        # The sample register's owners: find one with actions, and give them an address.
        sample = check(SAMPLE, as_of=AS_OF)
        owners = [a.row.owner for a in mail.compose.actions(sample, "ja") if a.row.owner]
        owner = max(set(owners), key=owners.count)
        config = _config(
            tmp_path,
            f'smtp_host = "127.0.0.1"\nsmtp_port = {controller.port}\nsecurity = "none"\n'
            f'from = "{SENDER}"\nto = ["team@example.com"]\n'
            f'[email.owners]\n"{owner}" = "owner@example.com"\n',
        )
        outcome = _run_report(config, "--per-owner")
    finally:
        controller.stop()
    assert outcome.exit_code == 0, outcome.output
    rcpts = [rcpt for rcpt, _ in inbox.messages()]
    assert rcpts == [["owner@example.com"], ["team@example.com"]]  # the summary last
    assert "owner@example.com" in outcome.output and "team@example.com" in outcome.output


def test_per_owner_without_owners_is_exit_2(tmp_path: Path) -> None:
    config = _config(
        tmp_path, f'from = "{SENDER}"\nto = ["team@example.com"]\nsmtp_host = "127.0.0.1"\n'
    )
    outcome = _run_report(config, "--per-owner", "--quiet")
    assert outcome.exit_code == 2
    assert "[email.owners]" in outcome.output


# --- (4) the mail reads well --------------------------------------------------------------------


def test_the_support_paragraph_is_said_once_not_under_every_action(tmp_path: Path) -> None:
    sample = check(SAMPLE, as_of=AS_OF)
    report = write_report(sample, tmp_path / "r.xlsx", "ja")
    settings = EmailSettings(sender=SENDER, to=("team@example.com",))
    text = plain_text(mail.build_message(sample, report, "ja", settings))
    supports = [a.support for a in mail.compose.actions(sample, "ja") if a.support]
    assert supports, "the sample register has notices whose action names seller support"
    listed = [s for s in dict.fromkeys(supports) if s in text]
    assert listed
    for paragraph in listed:
        assert text.count(paragraph) == 1
    assert "出品者サポートに相談する場合(店舗ごと)" in text
    steps = [line for line in text.splitlines() if line.strip().startswith("→")]
    assert steps
    procedure_ids = set()
    for line in steps:  # one instruction, whole, ending with the procedure it names
        assert "出品者サポートに相談する場合" not in line
        named = re.search(r"手順 ([A-Z]\d+)$", line)
        assert line.endswith("。") or named, line
        assert 1 <= line.count("。") <= 2, line
        if named:
            procedure_ids.add(named.group(1))
    assert procedure_ids
    for procedure_id in procedure_ids:  # each named procedure's steps follow the list
        assert re.search(rf"^\s*{procedure_id} ", text, re.MULTILINE), procedure_id
    # The action says what to do first (no scene-setting sentence before it).
    assert any("ツールからキーを削除し" in line for line in steps)
