"""The one safe path for every file the reporter writes.

- :func:`write_atomically`: every output (the report, the blank register, the
  .eml, the calendar, the task file) is written to a temporary file and moved
  into place, so a failed or killed run never leaves a half-written file and
  the file it would have replaced stays as it was. The move replaces a
  symbolic link at the target; it never writes through it.
- :func:`append_text`: the run log, the one file that is appended to, is
  appended only to a plain file of its own: never through a symbolic link (to
  whatever it points at), a hard link, a pipe or a device.
- :func:`refuse_overwrite`: no output lands on another file of the same run
  (the register, the report, the calendar, the .eml, the log, last month's
  report), however the paths are spelt (``..``, links, case on Windows).
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from reporter.errors import InputError, OutputError

# What each file of a run is, for the message that refuses one over another
# (the catalogue's ``file_role_<role>``).
FILE_ROLES = ("register", "report", "calendar", "eml", "log", "previous")
# No file to write needs one in its name: a pasted line break, tab, escape or NUL.
_CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f]")


def refuse_control_characters(option: str, path: str | os.PathLike[str] | None) -> None:
    """InputError (exit 2) when the name of a file to write holds a control character.

    A file to read is taken as named, however odd its name: it exists. ``option``
    names where the path came from (``--out``, ``eml``) in the message.
    """
    if path is not None and _CONTROL_CHARACTER.search(os.fspath(path)):
        raise InputError("cli_path_control_character", option=option)


def write_atomically(
    target: Path,
    write: Callable[[Path], None],
    *,
    prefix: str,
    suffix: str = ".tmp",
    overwrite: bool = True,
    make_folder: bool = True,
) -> None:
    """Call ``write(temporary)`` on a new file beside ``target``, then move it to ``target``.

    The temporary file is named ``prefix…suffix`` in the target's folder (so the
    move is one rename on the same disk) and gets the permissions the target
    has, or a new file would get. Raises OSError: IsADirectoryError when the
    target is a folder, FileExistsError when ``overwrite`` is false and the
    target appeared meanwhile; callers turn it into their one-line message.
    ``make_folder`` creates the target's folder when it is missing.
    """
    folder = target.parent
    temporary: Path | None = None
    try:
        if make_folder:
            folder.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
        handle, name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=suffix)
        os.close(handle)
        temporary = Path(name)
        write(temporary)
        # mkstemp makes the file private (0600); a shared folder needs the
        # permissions a normally created file would get.
        os.chmod(temporary, file_mode(target))
        if not overwrite and target.exists():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
        os.replace(temporary, target)
        temporary = None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def file_mode(target: Path) -> int:
    """The mode a written file should have: the replaced file's, else 0666 minus the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        pass
    # The umask can only be read by setting it; restored at once.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def same_file(a: Path, b: Path) -> bool:
    """True when ``a`` and ``b`` are one file (symlinks, '..', case on Windows, hard links)."""
    try:
        if a.resolve() == b.resolve():
            return True
    except (OSError, ValueError):
        pass
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False
    return False


def refuse_overwrite(target: Path, what: str, others: Iterable[tuple[str, Path | None]]) -> None:
    """Raise OutputError (exit 3) when the ``what`` output ``target`` is one of ``others``.

    ``what`` and each other's role are one of :data:`FILE_ROLES`; an other that
    is None (no calendar, no .eml this run) is skipped. Called before anything
    is written, so a refused run leaves every file as it was.
    """
    from reporter.i18n import TEXTS

    for role, other in others:
        if other is not None and same_file(target, other):
            raise OutputError(
                "output_is_other_file",
                path=str(target),
                what=TEXTS[f"file_role_{what}"],
                other=TEXTS[f"file_role_{role}"],
            )


class NotAPlainFile(OSError):
    """The file to append to is a symbolic link, a hard link, a pipe or a device."""


def append_text(path: Path, text: str) -> None:
    """Append ``text`` (UTF-8) to ``path``, creating it when missing; only to a plain file.

    A symbolic link at ``path`` is refused, not followed (``O_NOFOLLOW`` where the
    system has it, and a look before on Windows), and so is a file with a second
    name elsewhere (a hard link), a pipe or a device: NotAPlainFile. Other
    OSErrors are raised as they come.
    """
    if path.is_symlink():
        raise NotAPlainFile(errno.ELOOP, os.strerror(errno.ELOOP), str(path))
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    # No following a link; no waiting on a pipe with no reader; no newline translation.
    for name in ("O_NOFOLLOW", "O_NONBLOCK", "O_BINARY"):
        flags |= getattr(os, name, 0)
    try:
        handle = os.open(path, flags, 0o666)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENXIO):
            raise NotAPlainFile(error.errno, error.strerror, str(path)) from None
        raise
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode) or status.st_nlink > 1:
            raise NotAPlainFile(errno.EINVAL, os.strerror(errno.EINVAL), str(path))
        data = text.encode("utf-8")
        while data:
            data = data[os.write(handle, data) :]
    finally:
        os.close(handle)
