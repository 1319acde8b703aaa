"""Write the report email to an .eml file (``--eml FILE``) instead of sending it.

The file is written beside its target and moved into place in one step, so a
failed run never leaves half a message.
"""

from __future__ import annotations

import contextlib
import email.policy
import errno
import os
import stat
import tempfile
from email.message import EmailMessage
from pathlib import Path

from reporter import i18n
from reporter.delivery.email.compose import os_detail
from reporter.errors import OutputError

i18n.add(
    {
        "email_eml_unwritable": {
            "ja": "メールのファイルを書き込めませんでした: {path}({detail})。"
            "書き込めるフォルダーとファイル名を --eml で指定してください。",
            "en": "Could not write the email file {path} ({detail}). Give --eml a file in a "
            "folder you can write to.",
        },
    }
)


def write_eml(message: EmailMessage, path: Path) -> None:
    """Write ``message`` as an .eml file (CRLF line ends), replacing the file in one step.

    Raises OutputError ``email_eml_unwritable`` (exit 3) when it cannot be written.
    """
    path = Path(path)
    data = message.as_bytes(policy=email.policy.SMTP)
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=".reporter-", suffix=".eml")
        temporary = Path(name)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        # mkstemp makes the file private (0600); give it a normal file's permissions.
        os.chmod(temporary, _file_mode(path))
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        raise OutputError("email_eml_unwritable", path=str(path), detail=os_detail(error)) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()


def eml_paths(path: Path, count: int) -> list[Path]:
    """Where ``count`` messages go for one ``--eml`` path: the first there, then -2, -3, ..."""
    path = Path(path)
    return [path, *(path.with_name(f"{path.stem}-{n}{path.suffix}") for n in range(2, count + 1))]


def _file_mode(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        pass
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
