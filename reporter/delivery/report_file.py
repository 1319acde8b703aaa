"""Write the monthly report workbook safely, and the short summary printed after it.

Where the report goes: ``--out`` (a .xlsx file, or a folder), else the config's
output folder, else the current folder; the default name carries the as-of date
(``register-report-2026-11-30.xlsx``) so that each month's report is kept.

How: the workbook is written to a temporary file in the target folder and then
moved into place with :func:`os.replace`, so a failed run (disk full, the old
report held open by Excel on Windows) never leaves a half-written report, and
the previous report at that path stays as it was. A temporary file that a
killed run leaves is named ``.register-report-….tmp``, so it is never opened or
compared with as a report, and a later run removes it once it is a day old. The
register itself is never written to, not even by a mistaken ``--out``.

Changes since last month: the monthly run (:func:`reporter.api.monthly_report`)
finds the previous report *before* writing (this run may replace a report of the
same date) and passes the comparison in; see :mod:`reporter.comparison`.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from reporter import i18n
from reporter.comparison import Comparison
from reporter.errors import InputError, OutputError, os_detail
from reporter.files import same_file, write_atomically
from reporter.i18n import pick
from reporter.model import CATEGORY_ORDER
from reporter.output.flat import (
    CATEGORY_LABEL,
    SEVERITY_LABEL,
    flatten,
    most_urgent,
    severity_counts,
)
from reporter.output.terminal import for_terminal, printable
from reporter.output.workbook import write_workbook
from reporter.result import CheckResult, summarize

CHUNK = 1 << 20
XLSX_SUFFIX = ".xlsx"
# The report being written: hidden on POSIX, and never an .xlsx, so that a file
# left by a killed run is not opened as a report on Windows (where a leading dot
# hides nothing) nor taken for last month's report.
TEMP_PREFIX = ".register-report-"
TEMP_SUFFIX = ".tmp"
# A temporary report this old was left by a run that was killed (power cut, task
# ended); no run writes for this long, so the next successful run removes it.
STALE_TEMP_SECONDS = 24 * 60 * 60


def default_name(as_of: date) -> str:
    """register-report-YYYY-MM-DD.xlsx, with the as-of date (the same in ja and en)."""
    return f"register-report-{as_of.isoformat()}{XLSX_SUFFIX}"


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in chunks so a large register is not held in memory."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
    except OSError as error:
        raise InputError(
            "report_register_unreadable", path=str(path), detail=os_detail(error)
        ) from None
    return digest.hexdigest()


def report_path_for(as_of: date, out: Path | str | None, output_dir: Path | None = None) -> Path:
    """Where the report goes.

    ``out`` names a file when it ends in .xlsx and is not an existing folder;
    otherwise it is a folder (existing or not, with or without a trailing
    separator: ``--out reports`` means the folder, since pathlib drops the
    separator before we see it). Without ``out``: ``output_dir``, else the
    current folder.
    """
    name = default_name(as_of)
    if out is not None:
        text = os.fspath(out)
        path = Path(text)
        separators = tuple(s for s in (os.sep, os.altsep, "/") if s)
        if text.endswith(separators) or path.is_dir():
            return path / name
        if path.suffix.lower() == XLSX_SUFFIX:
            return path
        return path / name
    if output_dir is not None:
        return Path(output_dir) / name
    return Path.cwd() / name


def write_report(
    result: CheckResult,
    target: Path,
    lang: str,
    comparison: Comparison,
    before_close: Callable[[], None] | None = None,
) -> Path:
    """Write the report workbook for ``result`` to ``target``; return it.

    ``comparison`` is this run's comparison with last month's report
    (:func:`reporter.comparison.compare`). ``before_close`` is called when
    the cells are written and the workbook is about to be zipped. Raises
    OutputError (exit 3) when the path is the register itself or cannot be
    written; the previous report at that path, if any, is left untouched.
    """
    register = result.path
    if same_file(target, register):
        raise OutputError("report_is_register", path=str(target))
    # The hash of the bytes the findings come from, taken when the register was read.
    sha256 = result.register.sha256 or sha256_of(register)

    def write(temporary: Path) -> None:
        write_workbook(result, temporary, lang, register.name, sha256, comparison, before_close)

    try:
        write_atomically(target, write, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    except OSError as error:
        raise OutputError(
            "report_unwritable",
            path=str(target),
            detail=os_detail(error),
            hint=_hint(error, target),
        ) from None
    remove_stale_temporaries(target.parent)
    return target


def remove_stale_temporaries(folder: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary reports that killed runs left in ``folder``; return them.

    Only files older than STALE_TEMP_SECONDS: a younger one may be another run's,
    still being written. Also the ``.xlsx`` temporaries of earlier versions.
    Cleaning up is a courtesy: a file that cannot be removed is left.
    """
    now = time.time() if now is None else now
    removed = []
    try:
        leftovers = [
            p for p in folder.glob(f"{TEMP_PREFIX}*") if p.suffix in (TEMP_SUFFIX, XLSX_SUFFIX)
        ]
    except OSError:
        return removed
    for path in leftovers:
        try:
            if path.is_file() and now - path.stat().st_mtime > STALE_TEMP_SECONDS:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def _hint(error: OSError, target: Path) -> dict[str, str]:
    if isinstance(error, PermissionError):
        # On Windows a report open in Excel cannot be replaced: the likeliest cause
        # when the file is already there.
        key = "report_hint_locked" if target.exists() else "report_hint_folder"
    else:
        key = "report_hint_other"
    return {lang: i18n.text(key, lang) for lang in i18n.LANGS}


def summary_lines(
    result: CheckResult,
    lang: str,
    path: Path,
    *,
    comparison: Comparison | None = None,
) -> list[str]:
    """The short summary printed after writing: where, how many, and what to do first.

    With ``comparison`` (:func:`reporter.comparison.compare`) a line says what
    changed since the previous report.
    """
    summary = summarize(result)
    lines = [
        i18n.text("report_written", lang, path=printable(str(path))),
        i18n.text("report_counts_header", lang, as_of=result.as_of.isoformat()),
    ]
    for category in CATEGORY_ORDER:
        lines.append(
            i18n.text(
                "report_counts_line",
                lang,
                category=pick(CATEGORY_LABEL[category], lang),
                counts=severity_counts(summary.by_category[category], lang),
            )
        )
    lines.append(i18n.text("report_excepted", lang, count=summary.excepted))
    if comparison is not None:
        lines.append(_changes_line(comparison, lang))
    lines.append(i18n.text("report_top_header", lang))
    top = most_urgent(flatten(result, lang), 3)
    if not top:
        lines.append("  " + i18n.text("no_actions", lang))
    for n, row in enumerate(top, start=1):
        sheet_name = for_terminal(row.sheet_name)
        place = f"{sheet_name}!{row.cell}" if row.cell else sheet_name
        if row.record_id:
            place = f"{place} {for_terminal(row.record_id)}".strip()
        lines.append(
            i18n.text(
                "report_top_line",
                lang,
                n=n,
                severity=pick(SEVERITY_LABEL[row.severity], lang),
                code=row.code,
                place=place,
                due=i18n.text("report_top_due", lang, due=row.due.isoformat()) if row.due else "",
                owner=i18n.text("report_top_owner", lang, owner=for_terminal(row.owner))
                if row.owner
                else "",
                action=for_terminal(row.action),
            )
        )
    return lines


def _changes_line(comparison: Comparison, lang: str) -> str:
    if comparison.previous is None:
        return i18n.text("report_changes_first", lang)
    return i18n.text(
        "report_changes",
        lang,
        previous=comparison.previous.as_of.isoformat(),
        new=comparison.new,
        still_open=comparison.still_open,
        resolved=len(comparison.resolved),
    )
