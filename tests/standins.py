"""Stand-ins the delivery tests share: certificates made for the run, and a machine
with no keyring, no secrets in its environment and no proxy in the way."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import sys
import types
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def isolate(monkeypatch: pytest.MonkeyPatch, secret_variables: Sequence[str]) -> None:
    """No real keyring, none of ``secret_variables`` from the machine, and no proxy
    between the test and its servers on 127.0.0.1."""
    fake = types.ModuleType("keyring")
    fake.get_password = lambda service, user: None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", fake)
    for name in (*secret_variables, "SSL_CERT_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@dataclass(frozen=True)
class Certificate:
    cert: Path  # the certificate alone: what the client trusts
    key: Path  # the private key

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context


def self_signed(key: Any, common_name: str, *extensions: tuple[Any, bool]) -> x509.Certificate:
    """A certificate for ``key`` signed by itself, valid from yesterday to the day after
    tomorrow, with the (extension, critical) pairs given."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(key, hashes.SHA256())


def make_certificate(folder: Path, name: str = "localhost") -> Certificate:
    """A self-signed certificate for localhost and 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    localhost = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = self_signed(
        key,
        name,
        (x509.SubjectAlternativeName(localhost), False),
        (x509.BasicConstraints(ca=True, path_length=None), True),
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificate(cert_path, key_path)
