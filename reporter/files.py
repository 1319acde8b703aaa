"""Writing an output file so that nothing is lost: a temporary file, then one move into place.

Every file the reporter writes (the report, the blank register, the .eml, the
calendar) goes through :func:`write_atomically`: a failed or killed run never
leaves a half-written file, and the file it would have replaced stays as it was.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path


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
