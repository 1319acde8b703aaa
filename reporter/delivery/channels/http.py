"""One HTTPS POST to a chat service, as every chat channel needs it.

- The URL or token is a secret: it comes from the environment variable the
  config names, else the OS keyring (service ``reporter``, account: the
  variable's name), through the lookup the email uses. It is never printed or
  logged: a message names the channel and the host only, and a service's
  reply is scrubbed of it.
- HTTPS only. The trusted certificates are the system's, or the bundle named
  by ``REQUESTS_CA_BUNDLE`` or ``SSL_CERT_FILE`` when set.
- No answer in 30 s, or an HTTP 4xx/5xx, is a refusal: one line naming the
  channel, the host and the status. A 429 (Chatwork's rate limit) is waited
  out, as the service's Retry-After or x-ratelimit-reset says, for up to 60 s
  in all; then it is a refusal too.

``requests`` is the client: msal already depends on it, so it adds nothing to
install, and it is well kept.
"""

from __future__ import annotations

import os
import re
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from reporter.delivery.channels import refused
from reporter.delivery.email.send import secret_from
from reporter.errors import OutputError

TIMEOUT = 30  # seconds without an answer: the channel is refused
RATE_LIMIT_WAIT = 60  # seconds a 429 is waited out in all, then the channel is refused


def secret(channel: str, variable: str) -> str:
    """The channel's URL or token: the variable ``variable``, else the OS keyring.

    Raises OutputError ``chat_no_secret`` (exit 3) naming the channel and the
    variable (never a value) when neither has it.
    """
    value = secret_from(variable, variable)
    if not value or not value.strip():
        raise OutputError("chat_no_secret", channel=channel, var=variable)
    return value.strip()


def host_of(url: str) -> str:
    """The host of ``url``: what a message may name (never the path, which is the secret)."""
    try:
        return urlsplit(url).hostname or "?"
    except ValueError:
        return "?"


def require_https(channel: str, url: str) -> None:
    """A webhook or API URL must be https://: a secret is never sent in the clear."""
    if urlsplit(url).scheme.lower() != "https":
        raise OutputError("chat_not_https", channel=channel, host=host_of(url))


def trusted_bundle() -> str | None:
    """The certificate bundle named by REQUESTS_CA_BUNDLE or SSL_CERT_FILE, if any."""
    for variable in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
        value = os.environ.get(variable, "").strip()
        if value:
            return value
    return None


@dataclass
class Poster:
    """Posts for one channel; ``sleep`` and ``clock`` are what a 429 waits with."""

    channel: str
    secrets: list[str] = field(default_factory=list)
    timeout: float = TIMEOUT
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    waited: float = 0.0
    kept: Any = ""  # the end of a refusal's line: where the report was kept

    def post(
        self,
        url: str,
        *,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        wait_out_429: bool = False,
    ) -> Any:
        """POST to ``url``; return the response when the service accepted it (2xx)."""
        import requests

        require_https(self.channel, url)
        host = host_of(url)
        # requests' errors quote the path and query ("...with url: /workflows/...?sig=..."):
        # for a webhook that is the secret itself.
        parts = urlsplit(url)
        self.secrets += [
            part
            for part in (url, parts.path + ("?" + parts.query if parts.query else ""), parts.query)
            if len(part) > 1
        ]
        bundle = trusted_bundle()
        with requests.Session() as session:
            session.trust_env = False  # no .netrc credentials; the bundle is chosen here
            session.mount("https://", _TrustAdapter(bundle))
            proxies = requests.utils.get_environ_proxies(url)
            while True:
                try:
                    response = session.post(
                        url,
                        json=json,
                        data=data,
                        headers=dict(headers or {}),
                        timeout=self.timeout,
                        verify=bundle or True,
                        allow_redirects=False,
                        proxies=proxies,
                    )
                except requests.Timeout:
                    raise refused(self.channel, _no_answer(self.timeout), host, self.kept) from None
                except requests.exceptions.SSLError as error:
                    detail = _tls_reason(str(error))
                    raise refused(self.channel, detail, host, self.kept) from None
                except requests.ConnectionError as error:
                    detail = _connect_reason(self.scrub(str(error)))
                    raise refused(self.channel, detail, host, self.kept) from None
                except requests.RequestException as error:
                    raise refused(self.channel, self._detail("", error), host, self.kept) from None
                if response.status_code == 429 and wait_out_429:
                    delay = _retry_after(response, self.clock())
                    if delay is not None and self.waited + delay <= RATE_LIMIT_WAIT:
                        self.waited += delay
                        self.sleep(delay)
                        continue
                if 200 <= response.status_code < 300:
                    return response
                raise refused(self.channel, _status(response, self.scrub), host, self.kept)

    def scrub(self, text: str) -> str:
        for value in sorted(self.secrets, key=len, reverse=True):
            if value:
                text = text.replace(value, "****")
        return text

    def _detail(self, prefix: str, error: BaseException) -> str:
        text = " ".join(str(error).split())[:200] or type(error).__name__
        return self.scrub(f"{prefix}: {text}" if prefix else text)


class _TrustAdapter:
    """requests' adapter with the system's certificates (or the named bundle) in its context."""

    def __new__(cls, bundle: str | None) -> Any:
        from requests.adapters import HTTPAdapter

        class Adapter(HTTPAdapter):
            def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
                context = ssl.create_default_context(cafile=bundle) if bundle else None
                if context is None:
                    context = ssl.create_default_context()
                kwargs["ssl_context"] = context
                super().init_poolmanager(*args, **kwargs)

        return Adapter()


def _retry_after(response: Any, now: float) -> float | None:
    """Seconds to wait before asking again: Retry-After, else x-ratelimit-reset (Unix time)."""
    headers = response.headers
    value = headers.get("Retry-After")
    if value is not None:
        try:
            return max(0.0, float(value))
        except ValueError:
            return None
    reset = headers.get("x-ratelimit-reset")
    if reset is not None:
        try:
            return max(0.0, float(reset) - now)
        except ValueError:
            return None
    return None


def _status(response: Any, scrub: Callable[[str], str]) -> str:
    """ "HTTP 403 Forbidden: the service's own words" (one line, at most 200 characters)."""
    words = ""
    try:
        body = response.json()
        if isinstance(body, dict):
            errors = body.get("errors") or body.get("error") or body.get("message") or ""
            words = "; ".join(map(str, errors)) if isinstance(errors, list) else str(errors)
    except ValueError:
        words = response.text or ""
    words = scrub(" ".join(str(words).split())[:200])
    status = f"HTTP {response.status_code} {response.reason or ''}".strip()
    return f"{status}: {words}" if words else status


_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")
_VERIFY = re.compile(r"certificate verify failed: ([^'\"(\]]+)")


def _tls_reason(text: str) -> str:
    """ "TLS: self-signed certificate" rather than urllib3's whole chain of wrappers."""
    match = _VERIFY.search(text)
    return f"TLS: {match[1].strip() if match else 'handshake failed'}"


def _connect_reason(text: str) -> dict[str, str]:
    """Why no connection was made, in a few words: the system's, or "host name not found"."""
    match = _ERRNO.search(text)
    if match:
        reason = match[1].strip()
    elif "NameResolution" in text or "getaddrinfo" in text or "Failed to resolve" in text:
        return {"ja": "ホスト名が見つかりません", "en": "host name not found"}
    else:
        reason = "no connection"
    return {"ja": f"接続できません: {reason}", "en": f"cannot connect: {reason}"}


def _no_answer(timeout: float) -> dict[str, str]:
    return {
        "ja": f"{int(timeout)}秒以内に応答がありません",
        "en": f"no answer in {int(timeout)} s",
    }
