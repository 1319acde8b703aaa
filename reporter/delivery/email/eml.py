"""Write the report email to an .eml file (``--eml FILE``) instead of sending it, as a draft.

The file is written beside its target and moved into place in one step, so a
failed run never leaves half a message.
"""

from __future__ import annotations

import email.policy
from email.message import EmailMessage
from pathlib import Path

from reporter.errors import OutputError, os_detail
from reporter.files import write_atomically


def write_eml(message: EmailMessage, path: Path) -> None:
    """Write ``message`` as an .eml file (CRLF line ends), replacing the file in one step.

    Raises OutputError ``email_eml_unwritable`` (exit 3) when it cannot be written.
    """
    path = Path(path)
    # Outlook opens a file with X-Unsent: 1 as a draft to send, not as a received message.
    del message["X-Unsent"]
    message["X-Unsent"] = "1"
    data = message.as_bytes(policy=email.policy.SMTP)
    try:
        write_atomically(path, lambda temporary: temporary.write_bytes(data), prefix=".reporter-")
    except OSError as error:
        raise OutputError("email_eml_unwritable", path=str(path), detail=os_detail(error)) from None


def eml_paths(path: Path, count: int) -> list[Path]:
    """Where ``count`` messages go for one ``--eml`` path: the first there, then -2, -3, ..."""
    path = Path(path)
    return [path, *(path.with_name(f"{path.stem}-{n}{path.suffix}") for n in range(2, count + 1))]
