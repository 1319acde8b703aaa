"""Read an .xls, .xlsb or .ods once in a child process before reading it here.

calamine is native code. When it cannot allocate what a damaged file asks for,
or meets a case its authors did not foresee, it can abort the whole process:
no Python exception, no message, exit 134. The reading guards
(:mod:`reporter.register.zip_guard`, :mod:`reporter.register.sheet_area`, :mod:`reporter.register.ole_guard`) refuse the damage
that is known to do this, and an .xlsx, the format of nearly every register,
is checked closely enough that it is read directly.

The rarer formats are binary record streams (.xls, .xlsb) or XML that repeats
itself (.ods), where no check ahead can be complete. They are first read by a
child process under a memory cap and a time limit: if the child is killed,
aborts or runs out of time, the file is damaged (or too large) and the user
gets one line; if it finishes, the file is read here as usual. The registers
in these formats are small; the child costs one start of Python and one read.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from reporter.errors import InputError

PROBED_CONTENT = frozenset({"xls", "xlsb", "ods"})
PROBE_SECONDS = 120  # an .xls holds 65,536 rows at most; reading one takes seconds
PROBE_MEMORY = 3 << 30  # address space of the child (POSIX): a PC has more, a register needs less
_EXCEPTION_EXIT = 1  # the child raised: the read here raises the same, and says why

# The child: open the workbook as the loader does and read every sheet into calamine.
_CHILD = """
import sys
path, by_name = sys.argv[1], sys.argv[2] == "1"
if sys.argv[3] != "0" and sys.platform != "win32":
    import resource
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = int(sys.argv[3]) if hard == resource.RLIM_INFINITY else min(int(sys.argv[3]), hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
import python_calamine
if path == "-":  # a copy in memory (reporter.register.repair), on stdin
    import io
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
elif by_name:
    workbook = python_calamine.CalamineWorkbook.from_path(path)
else:
    with open(path, "rb") as handle:
        workbook = python_calamine.CalamineWorkbook.from_filelike(handle)
for name in workbook.sheet_names:
    workbook.get_sheet_by_name(name)
"""


def probe(path: Path, content: str, by_name: bool, copy: io.BytesIO | None = None) -> None:
    """Raise InputError when reading ``path`` would abort or hang the process.

    ``by_name``: calamine picks its reader by the file's name (as the loader
    does when the name and the content agree), else by the bytes. ``copy``:
    the package in memory that is read instead of the file (left where it was).
    """
    if content not in PROBED_CONTENT:
        return
    memory = PROBE_MEMORY if os.name == "posix" else 0
    source = "-" if copy is not None else str(path)
    command = [sys.executable, "-c", _CHILD, source, "1" if by_name else "0", str(memory)]
    try:
        done = subprocess.run(
            command,
            input=copy.getvalue() if copy is not None else None,
            stdin=None if copy is not None else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=PROBE_SECONDS,
            check=False,
            # Started from a double-clicked launcher on Windows: no console window flashes up.
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
    except subprocess.TimeoutExpired:
        raise InputError("register_corrupt", path=str(path)) from None
    except OSError:
        return  # no child process here (a locked-down PC): the guards are all there is
    if b"memory allocation" in done.stderr or b"MemoryError" in done.stderr:
        raise InputError("register_too_large_to_read", path=str(path))
    if done.returncode not in (0, _EXCEPTION_EXIT):
        raise InputError("register_corrupt", path=str(path))  # killed or aborted
