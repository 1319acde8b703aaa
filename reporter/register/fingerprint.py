"""The register's SHA-256, of the bytes read, taken while it is read.

The report's Summary shows it so that anyone can tell which file the findings
are about. It is taken as the register is read, not when the report is
written: a library user may edit the file between ``check()`` and
``monthly_report()``, and a shared folder may replace it mid-run. The file is
hashed in chunks on a thread of its own while calamine reads it (hashlib
holds no GIL on large chunks), and the file's identity (device, inode, size,
modification time) is compared before and after: a file replaced or changed
during the read is refused with a message, since the hash could then belong
to other bytes than those the findings come from.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from reporter.errors import InputError

CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class Fingerprint:
    """A file's SHA-256 and the identity of the file that was hashed."""

    sha256: str
    identity: tuple[int, int, int, int]


def _identity(status: os.stat_result) -> tuple[int, int, int, int]:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def fingerprint(path: Path) -> Fingerprint:
    """Hash the file at ``path``; InputError when it cannot be read or changes meanwhile."""
    try:
        with path.open("rb") as handle:
            before = _identity(os.fstat(handle.fileno()))
            digest = hashlib.sha256()
            while chunk := handle.read(CHUNK_BYTES):
                digest.update(chunk)
            after = _identity(os.fstat(handle.fileno()))
    except OSError as error:
        raise InputError("register_unreadable", path=str(path), detail=error.strerror) from None
    if before != after:
        raise InputError("register_changed_while_read", path=str(path))
    return Fingerprint(digest.hexdigest(), before)


def check_unchanged(path: Path, taken: Fingerprint) -> None:
    """Refuse the read when the file at ``path`` is no longer the one hashed."""
    try:
        now = _identity(os.stat(path))
    except OSError:
        now = None
    if now != taken.identity:
        raise InputError("register_changed_while_read", path=str(path))
