"""Send the report email: SMTP with a password, SMTP with an Entra ID token, or Microsoft Graph.

``[email] method`` chooses how:

- ``smtp`` (default): SMTP, logging in with ``username`` and a password when
  ``username`` is set. ``security`` is ``starttls``, ``ssl`` or ``none``.
- ``graph``: Microsoft Graph ``sendMail`` as the ``from`` mailbox, signed in as
  an Entra ID application (app-only, client credentials) with msal. Microsoft
  365 switches password SMTP off by default from the end of December 2026
  (:mod:`.microsoft365` warns; the date is in the rules file).
- ``smtp-oauth``: SMTP with XOAUTH2, the same application's token
  (smtp.office365.com:587, STARTTLS), for tenants that still allow SMTP AUTH.

Secrets never come from the config file: the SMTP password from the variable
named by ``password_env``, the client secret (or the certificate's passphrase)
from the variable named by ``client_secret_env``, else from the OS keyring
(service ``reporter``; account: the username, or the client id). No secret and
no token is put in a message, an error or a log line.

A failure to send is an :class:`OutputError` (exit 3) in one line that says
what to change and that the report, already written, was kept. Several
messages (``--per-owner``) go over one connection, with one token.
"""

from __future__ import annotations

import base64
import json
import os
import smtplib
import socket
import ssl
from collections.abc import Callable, Mapping, Sequence
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import quote

from reporter import i18n
from reporter.config import DEFAULT_NAME, SECURITY_CHOICES, EmailSettings
from reporter.delivery.email.compose import check_settings, localized
from reporter.errors import InputError, OutputError, os_detail

KEYRING_SERVICE = "reporter"
# Exchange Online's SMTP submission endpoint for method = "smtp-oauth".
OFFICE365_SMTP = ("smtp.office365.com", 587)
OFFICE365_SMTP_SCOPE = "https://outlook.office365.com/.default"
# Graph takes a file attachment inside the sendMail request only up to 3 MB
# (the whole request up to 4 MB; base64 adds a third). Larger reports would need
# a draft and an upload session; the error says what to do instead.
GRAPH_ATTACHMENT_LIMIT = 3 * 1024 * 1024
# Exchange Online's replies when SMTP AUTH with a password is off for the tenant or mailbox:
# 5.7.30 "Basic authentication is not supported for Client Submission" (MC786329), and
# 5.7.139 "SmtpClientAuthentication is disabled" / "basic authentication is disabled".
_BASIC_AUTH_OFF = ("5.7.30", "5.7.139")
# Gmail's reply to an account password where an app password is needed.
_APP_PASSWORD_NEEDED = ("5.7.9", "application-specific password")


# --- secrets --------------------------------------------------------------------------------------


def resolve_password(settings: EmailSettings) -> str | None:
    """The SMTP password: the variable named by ``password_env``, else the OS keyring, else None.

    The keyring is optional: when the package is missing or its backend fails,
    the password is simply not found there.
    """
    return _secret(settings.password_env, settings.username)


def resolve_client_secret(settings: EmailSettings) -> str | None:
    """The client secret (or certificate passphrase): ``client_secret_env``, else the keyring."""
    return _secret(settings.client_secret_env, settings.client_id)


def _secret(variable: str, account: str) -> str | None:
    """The environment variable ``variable`` when set and not empty, else the keyring's."""
    value = os.environ.get(variable) if variable else None
    return value or _from_keyring(account)


def _from_keyring(account: str) -> str | None:
    if not account:
        return None
    try:
        import keyring
    except ImportError:
        return None
    try:
        value = keyring.get_password(KEYRING_SERVICE, account)
    except Exception:  # keyring.errors.KeyringError, or a backend (D-Bus, ...) failing its own way
        return None
    return value or None


# --- sending --------------------------------------------------------------------------------------


def send_message(
    message: EmailMessage,
    settings: EmailSettings,
    *,
    password: str | None = None,
    timeout: float = 30,
    report_path: Path | None = None,
    config_path: Path | None = None,
) -> None:
    """Send ``message`` with the ``[email]`` settings (see :func:`send_messages`)."""
    send_messages(
        [message],
        settings,
        password=password,
        timeout=timeout,
        report_path=report_path,
        config_path=config_path,
    )


def send_messages(
    messages: Sequence[EmailMessage],
    settings: EmailSettings,
    *,
    password: str | None = None,
    timeout: float = 30,
    report_path: Path | None = None,
    config_path: Path | None = None,
) -> None:
    """Send each message, in order, to the addresses in its To and Cc, with one sign-in.

    Raises InputError ``email_not_configured`` (exit 2) for missing settings,
    and an OutputError (exit 3) when a secret is missing, the sign-in fails, or
    the server cannot be reached or refuses; these say where ``report_path`` was
    kept and who already got their message. A recipient refused while others
    got theirs is ``email_partly_refused`` at the end, after every message.
    """
    check_settings(settings, config_path, sending=True)
    if settings.security not in SECURITY_CHOICES:
        raise InputError(
            "config_wrong_type",
            path=str(config_path) if config_path else DEFAULT_NAME,
            key="email.security",
            expected=" / ".join(SECURITY_CHOICES),
            value=repr(settings.security),
        )
    run = _Delivery(settings, report_path, timeout)
    if password:
        run.secrets.append(password)
    if settings.method == "graph":
        _send_graph(run, messages)
    else:
        _send_smtp(run, messages, password)


class _Delivery:
    """One sending run: the settings, what was sent so far, and every secret to keep out of text."""

    def __init__(self, settings: EmailSettings, report_path: Path | None, timeout: float) -> None:
        self.settings = settings
        self.report_path = report_path
        self.timeout = timeout
        self.sent: list[str] = []
        self.secrets: list[str] = []
        self.msal_app: Any = None  # one msal application per run: its token cache serves every mail

    @property
    def sender(self) -> str:
        return parseaddr(self.settings.sender)[1] or self.settings.sender.strip()

    def kept(self) -> Mapping[str, str]:
        """The end of every error: who already got their message, and where the report is."""
        texts = {}
        for lang in i18n.LANGS:
            text = ""
            if self.sent:
                already = i18n.text("email_already_sent", lang, sent=", ".join(self.sent))
                text += already if lang == "ja" else f" {already}"
            if self.report_path is not None:
                text += i18n.text("email_kept", lang, path=str(self.report_path))
            texts[lang] = text
        return texts

    def scrub(self, text: str) -> str:
        """A server's reply should never echo a secret or a token; make sure of it."""
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, "****")
        return text

    def scrub_all(self, detail: str | Mapping[str, str]) -> Mapping[str, str]:
        if isinstance(detail, str):
            detail = {lang: detail for lang in i18n.LANGS}
        return {lang: self.scrub(text) for lang, text in detail.items()}


def recipients_of(message: EmailMessage) -> list[str]:
    """The envelope recipients: every address in the message's To and Cc."""
    values = [str(value) for header in ("To", "Cc") for value in message.get_all(header, [])]
    return [address for _, address in getaddresses(values) if address]


# --- SMTP, with a password or an Entra ID token ---------------------------------------------------


def _send_smtp(run: _Delivery, messages: Sequence[EmailMessage], password: str | None) -> None:
    settings = run.settings
    oauth = settings.method == "smtp-oauth"
    host = settings.smtp_host.strip() or (OFFICE365_SMTP[0] if oauth else "")
    port = settings.smtp_port
    token = _token(run, OFFICE365_SMTP_SCOPE) if oauth else None
    if not oauth and settings.username and not password:
        password = resolve_password(settings)
        if not password:
            raise OutputError(
                "email_no_password",
                var=settings.password_env or "password_env",
                user=settings.username,
                kept=run.kept(),
            )
    if password:
        run.secrets.append(password)
    login_user = settings.username or (run.sender if oauth else "")

    def failed(detail: str | Mapping[str, str], hint: str, **hint_params: Any) -> OutputError:
        return OutputError(
            "email_failed",
            host=host,
            port=port,
            detail=run.scrub_all(detail),
            hint=localized(hint, **hint_params),
            kept=run.kept(),
        )

    login_hint = "email_hint_oauth_login" if oauth else "email_hint_login"
    login_params = {"user": settings.username, "var": settings.password_env or "password_env"}
    refused: dict[str, Any] = {}
    try:
        refused = _smtp_session(run, host, port, messages, login_user, password, token)
    except _CredentialsNotAscii:
        raise failed(
            localized("email_detail_login_not_ascii"), login_hint, **login_params
        ) from None
    except smtplib.SMTPAuthenticationError as error:
        reply = _reply(error)
        raise failed(
            localized("email_detail_login", reply=reply),
            _reply_hint(reply, login_hint),
            **login_params,
        ) from None
    except smtplib.SMTPRecipientsRefused as error:
        raise failed(
            localized("email_detail_refused", reply=_refused(error.recipients)),
            "email_hint_address",
        ) from None
    except smtplib.SMTPSenderRefused as error:
        reply = _reply(error)
        raise failed(f"{error.sender}: {reply}", _reply_hint(reply, "email_hint_address")) from None
    except smtplib.SMTPNotSupportedError as error:
        # STARTTLS or AUTH not offered: usually the wrong security for the port.
        raise failed(str(error), "email_hint_tls") from None
    except smtplib.SMTPResponseException as error:
        reply = _reply(error)
        raise failed(reply, _reply_hint(reply, "email_hint_other")) from None
    except ssl.SSLCertVerificationError as error:
        raise failed(error.verify_message or str(error), "email_hint_certificate") from None
    except ssl.SSLError as error:
        raise failed(f"TLS: {error.reason or error}", "email_hint_tls") from None
    except (socket.gaierror, ConnectionError, TimeoutError) as error:
        raise failed(os_detail(error), "email_hint_connect") from None
    except smtplib.SMTPServerDisconnected as error:
        # Often a TLS port spoken to in plain text (or the reverse).
        raise failed(str(error) or type(error).__name__, "email_hint_tls") from None
    except (smtplib.SMTPException, OSError, ValueError, OverflowError) as error:
        raise failed(
            os_detail(error),
            "email_hint_connect"
            if isinstance(error, (OSError, OverflowError))
            else "email_hint_other",
        ) from None
    if refused:
        raise OutputError("email_partly_refused", refused=_refused(refused), kept=run.kept())


class _CredentialsNotAscii(Exception):
    """The username or password cannot be sent in an SMTP login (not ASCII)."""


def _smtp_session(
    run: _Delivery,
    host: str,
    port: int,
    messages: Sequence[EmailMessage],
    login_user: str,
    password: str | None,
    token: str | None,
) -> dict[str, Any]:
    """Connect, secure, log in once and send each message; return the refused recipients.

    A message whose every recipient is refused does not stop the others; when
    no message reached anyone, the refusal is raised.
    """
    settings = run.settings
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=run.timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=run.timeout)
    refused: dict[str, Any] = {}
    try:
        smtp.ehlo()
        if settings.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if token is not None:
            smtp.auth("XOAUTH2", _xoauth2(login_user, token), initial_response_ok=True)
        elif settings.username:
            try:
                smtp.login(settings.username, password or "")
            except UnicodeEncodeError:
                # smtplib sends the login as ASCII, and its error quotes the character
                # it could not send and where: a piece of the password.
                raise _CredentialsNotAscii from None
        for message in messages:
            recipients = recipients_of(message)
            try:
                refused_here = smtp.send_message(message, from_addr=run.sender, to_addrs=recipients)
            except smtplib.SMTPRecipientsRefused as error:
                if len(messages) == 1:
                    raise
                refused_here = error.recipients
            refused.update(refused_here)
            run.sent += [address for address in recipients if address not in refused_here]
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
    if refused and not run.sent:
        raise smtplib.SMTPRecipientsRefused(refused)
    return refused


def _xoauth2(user: str, token: str) -> Callable[..., str]:
    """The SASL XOAUTH2 response (smtplib base64-encodes it); an empty answer to a challenge."""
    initial = f"user={user}\x01auth=Bearer {token}\x01\x01"

    def respond(challenge: bytes | None = None) -> str:
        return initial if challenge is None else ""

    return respond


def _reply_hint(reply: str, default: str) -> str:
    """The hint for a server's reply: Microsoft 365 without passwords, Gmail's app passwords."""
    if any(code in reply for code in _BASIC_AUTH_OFF):
        return "email_hint_basic_auth_off"
    lowered = reply.lower()
    if "basic authentication is" in lowered or "smtpclientauthentication is disabled" in lowered:
        return "email_hint_basic_auth_off"
    if any(marker in lowered for marker in _APP_PASSWORD_NEEDED):
        return "email_hint_app_password"
    return default


def _reply(error: smtplib.SMTPResponseException) -> str:
    reply = error.smtp_error
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{error.smtp_code} {' '.join(text.split())}".strip()


def _refused(recipients: Mapping[str, Any]) -> str:
    parts = []
    for address, reply in recipients.items():
        if isinstance(reply, tuple) and len(reply) == 2:
            code, text = reply
            text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
            parts.append(f"{address} ({code} {' '.join(text.split())})")
        else:
            parts.append(address)
    return ", ".join(parts)


# --- Microsoft Entra ID sign-in (msal) ------------------------------------------------------------


def _token(run: _Delivery, scope: str) -> str:
    """An app-only access token for ``scope``, from msal.

    One msal application per run: the first call signs in, later calls are
    served from msal's token cache until the token nears its expiry.
    """
    import msal
    import requests

    settings = run.settings
    host = settings.login_url.split("//")[-1].split("/")[0]

    def sign_in_failed(detail: str) -> OutputError:
        return OutputError(
            "email_sign_in_failed",
            detail=run.scrub(_first_line(detail)),
            hint=localized("email_hint_sign_in", var=settings.client_secret_env),
            kept=run.kept(),
        )

    try:
        if run.msal_app is None:
            run.msal_app = msal.ConfidentialClientApplication(
                settings.client_id,
                client_credential=_client_credential(run),
                authority=f"{settings.login_url.rstrip('/')}/{settings.tenant_id}",
                # The instance check is for hosts msal does not know; login_url is the
                # user's choice (a national cloud, or a local test server).
                instance_discovery=False,
                timeout=run.timeout,
            )
        result = run.msal_app.acquire_token_for_client(scopes=[scope])
    except requests.RequestException as error:
        raise _network_failed(run, host, error) from None
    except ValueError as error:
        # msal: the tenant's sign-in metadata was not found (a wrong tenant_id), or the like.
        raise sign_in_failed(str(error)) from None
    token = result.get("access_token") if isinstance(result, dict) else None
    if not token:
        detail = result.get("error_description") or result.get("error") or "no access token"
        raise sign_in_failed(str(detail))
    if token not in run.secrets:
        run.secrets.append(token)
    return token


def _client_credential(run: _Delivery) -> str | dict[str, Any]:
    """The client secret, or the certificate msal signs its assertion with."""
    settings = run.settings
    secret = resolve_client_secret(settings)
    if secret:
        run.secrets.append(secret)
    if not settings.certificate:
        if not secret:
            raise OutputError(
                "email_no_client_secret",
                client_id=settings.client_id,
                var=settings.client_secret_env or "client_secret_env",
                kept=run.kept(),
            )
        return secret
    path = Path(settings.certificate)
    passphrase = secret.encode() if secret else None

    def unusable(detail: str) -> OutputError:
        return OutputError(
            "email_certificate_unusable",
            path=str(path),
            detail=run.scrub(detail),
            var=settings.client_secret_env or "client_secret_env",
            kept=run.kept(),
        )

    from cryptography.hazmat.primitives.serialization import load_pem_private_key, pkcs12

    try:
        data = path.read_bytes()
        if path.suffix.lower() in (".pfx", ".p12"):
            pkcs12.load_key_and_certificates(data, passphrase)
            credential: dict[str, Any] = {"private_key_pfx_path": str(path)}
        else:
            load_pem_private_key(data, passphrase)
            text = data.decode("ascii")
            credential = {"private_key": text}
            if settings.certificate_thumbprint:
                credential["thumbprint"] = settings.certificate_thumbprint.replace(":", "")
            else:
                begin = text.find("-----BEGIN CERTIFICATE-----")
                end = text.find("-----END CERTIFICATE-----")
                if begin < 0 or end < 0:
                    raise ValueError("no certificate in the file; set certificate_thumbprint")
                credential["public_certificate"] = text[
                    begin : end + len("-----END CERTIFICATE-----")
                ]
    except OSError as error:
        raise unusable(os_detail(error)) from None
    except (ValueError, TypeError, UnicodeDecodeError) as error:
        # cryptography: not a key, a wrong or missing passphrase; never quotes the passphrase.
        raise unusable(str(error) or type(error).__name__) from None
    if secret:
        credential["passphrase"] = secret
    return credential


def _first_line(text: str) -> str:
    """msal's error descriptions run on with trace and correlation ids; the first line says it."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[0] if lines else str(text)


def _network_failed(run: _Delivery, host: str, error: BaseException) -> OutputError:
    detail = " ".join(str(error).split()) or type(error).__name__
    return OutputError(
        "email_failed",
        host=host,
        port=443,
        detail=run.scrub_all(detail[:300]),
        hint=localized("email_hint_network"),
        kept=run.kept(),
    )


# --- Microsoft Graph sendMail ---------------------------------------------------------------------


def graph_payload(message: EmailMessage) -> dict[str, Any]:
    """The sendMail request body for ``message``: its HTML body, recipients and attachments."""
    body = message.get_body(("html", "plain"))
    content = body.get_content() if body is not None else ""
    content_type = "HTML" if body is not None and body.get_content_subtype() == "html" else "Text"

    def addresses(header: str) -> list[dict[str, Any]]:
        values = [str(value) for value in message.get_all(header, [])]
        found = []
        for name, address in getaddresses(values):
            if address:
                entry = {"address": address, **({"name": name} if name else {})}
                found.append({"emailAddress": entry})
        return found

    attachments = []
    for part in message.iter_attachments():
        data = part.get_payload(decode=True)  # bytes for any part (a text/calendar too)
        attachments.append(
            {
                "@odata.type": "#microsoft.graph.fileAttachment",
                "name": part.get_filename() or "report.xlsx",
                "contentType": part.get_content_type(),
                "contentBytes": base64.b64encode(data).decode("ascii"),
            }
        )
    return {
        "message": {
            "subject": str(message["Subject"] or ""),
            "body": {"contentType": content_type, "content": content},
            "toRecipients": addresses("To"),
            "ccRecipients": addresses("Cc"),
            "attachments": attachments,
        },
        # The sender's Sent Items keep what was sent, as a mail client would.
        "saveToSentItems": True,
    }


def _attachment_size(message: EmailMessage) -> tuple[str, int]:
    size, name = 0, ""
    for part in message.iter_attachments():
        size += len(part.get_payload(decode=True))
        name = name or (part.get_filename() or "")
    return name, size


def _send_graph(run: _Delivery, messages: Sequence[EmailMessage]) -> None:
    import requests

    settings = run.settings
    for message in messages:
        name, size = _attachment_size(message)
        if size > GRAPH_ATTACHMENT_LIMIT:
            raise OutputError(
                "email_graph_too_large",
                name=name,
                size=f"{size / 1024 / 1024:.1f}",
                limit=GRAPH_ATTACHMENT_LIMIT // 1024 // 1024,
                kept=run.kept(),
            )
    graph = settings.graph_url.rstrip("/")
    scope = f"{graph}/.default"
    url = f"{graph}/v1.0/users/{quote(run.sender, safe='@')}/sendMail"
    host = graph.split("//")[-1].split("/")[0]
    with requests.Session() as session:
        for message in messages:
            token = _token(run, scope)
            try:
                response = session.post(
                    url,
                    data=json.dumps(graph_payload(message)).encode("utf-8"),
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                    timeout=run.timeout,
                )
            except requests.RequestException as error:
                raise _network_failed(run, host, error) from None
            if not 200 <= response.status_code < 300:
                raise _graph_refused(run, response)
            run.sent += recipients_of(message)


def _graph_refused(run: _Delivery, response: Any) -> OutputError:
    """Graph's error ({"error": {"code", "message"}}) and what to change for it."""
    try:
        error = response.json().get("error", {})
    except (ValueError, AttributeError):
        error = {}
    code = str(error.get("code", "") or response.reason or "")
    text = " ".join(str(error.get("message", "")).split())[:300]
    status = response.status_code
    hint, params = "email_hint_other", {}
    if status == 401:
        hint, params = "email_hint_sign_in", {"var": run.settings.client_secret_env}
    elif status == 403 or code == "ErrorAccessDenied":
        hint, params = "email_hint_graph_denied", {"sender": run.sender}
    elif status == 404 or code in ("ErrorInvalidUser", "MailboxNotEnabledForRESTAPI"):
        hint, params = "email_hint_graph_mailbox", {"sender": run.sender}
    elif code == "ErrorInvalidRecipients":
        hint = "email_hint_address"
    elif status == 429 or status >= 500:
        hint = "email_hint_graph_later"
    return OutputError(
        "email_graph_refused",
        status=status,
        code=run.scrub(code),
        message=run.scrub(text),
        hint=localized(hint, **params),
        kept=run.kept(),
    )


__all__ = [
    "graph_payload",
    "recipients_of",
    "resolve_client_secret",
    "resolve_password",
    "send_message",
    "send_messages",
]
