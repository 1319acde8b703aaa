"""Turn a crash inside calamine (a Rust panic) into the one-line error of a damaged file.

python-calamine is written in Rust. On input its parsers do not expect (an
.xlsb record shorter than its kind, a shared string past the end of the table)
it panics. Two things then happen that the reporter's contract forbids:

- Rust prints the panic message, and with RUST_BACKTRACE set a whole backtrace,
  straight to the process's stderr (file descriptor 2), not through Python;
- pyo3 raises ``PanicException``, which derives from BaseException so that an
  ``except Exception`` misses it and the user sees a traceback.

:func:`panics_as_damaged_file` holds what native code writes to descriptor 2
while the workbook is read (Python's own writes, such as progress lines, still
reach the terminal), and turns a panic into InputError("register_corrupt").
Anything held that was not a panic is written out afterwards: nothing is lost.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from reporter.errors import InputError

STDERR_FD = 2


def is_panic(error: BaseException) -> bool:
    """Whether ``error`` is pyo3's PanicException (it has no importable home to isinstance)."""
    return type(error).__name__ == "PanicException" and not isinstance(error, Exception)


@contextlib.contextmanager
def panics_as_damaged_file(path: Path) -> Iterator[None]:
    """Run the block with native stderr held; a Rust panic in it is a damaged register."""
    held = _HeldStderr()
    panicked = False
    try:
        yield
    except BaseException as error:
        if not is_panic(error):
            raise
        panicked = True
        raise InputError("register_corrupt", path=str(path)) from None
    finally:
        # After a panic the held text is Rust's report of it: the user gets one line instead.
        held.release(replay=not panicked)


class _HeldStderr:
    """Descriptor 2 pointed at a temporary file; Python's sys.stderr kept on the terminal."""

    def __init__(self) -> None:
        self._saved_fd: int | None = None
        self._held: IO[bytes] | None = None
        self._python_stderr: Any = None
        try:
            python_uses_fd2 = sys.stderr is not None and sys.stderr.fileno() == STDERR_FD
        except (AttributeError, ValueError, OSError):
            python_uses_fd2 = False  # a test runner's stand-in, or no console (pythonw)
        try:
            if python_uses_fd2:
                sys.stderr.flush()
            self._saved_fd = os.dup(STDERR_FD)
        except OSError:
            return  # no descriptor 2 at all: nothing native can print either
        self._held = tempfile.TemporaryFile()  # noqa: SIM115  (closed in release)
        os.dup2(self._held.fileno(), STDERR_FD)
        if python_uses_fd2:
            self._python_stderr = sys.stderr
            terminal = open(os.dup(self._saved_fd), "wb", buffering=0)  # noqa: SIM115
            sys.stderr = io.TextIOWrapper(
                terminal,
                encoding=sys.stderr.encoding,
                errors=sys.stderr.errors,
                line_buffering=True,
                write_through=True,
            )

    def release(self, replay: bool) -> None:
        """Put descriptor 2 and sys.stderr back; write out what was held when ``replay``."""
        if self._saved_fd is None or self._held is None:
            return
        if self._python_stderr is not None:
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.close()
            sys.stderr = self._python_stderr
        os.dup2(self._saved_fd, STDERR_FD)
        os.close(self._saved_fd)
        self._saved_fd = None
        self._held.seek(0)
        text = self._held.read()
        self._held.close()
        if replay and text:
            with contextlib.suppress(OSError):
                os.write(STDERR_FD, text)
