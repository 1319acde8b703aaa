"""Regenerate docs/summary.png, the README's picture of the Summary sheet, from the real report.

    make docs          (or: python docs/make_summary_png.py)

writes the sample register's report as of its own date (2026-11-30), prints it
through LibreOffice to PDF, turns the Summary's first page into a PNG with
pdftoppm, and stores the counts the picture shows in docs/summary.json.
tests/test_docs.py compares those counts with a fresh check of the sample: a
change to the rules or the sample that changes what the picture shows fails
the test until the picture is made again with this one command.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "register.xlsx"
AS_OF = date(2026, 11, 30)  # the date the sample register is written for
PICTURE = ROOT / "docs" / "summary.png"
FACTS = ROOT / "docs" / "summary.json"
RESOLUTION = 110  # dots per inch: the page is legible in the README at its width


def summary_facts(result: Any) -> dict[str, Any]:
    """What the Summary's first page shows, as plain data: the counts and the rows read."""
    from reporter.result import summarize

    summary = summarize(result)
    return {
        "as_of": result.as_of.isoformat(),
        "register": SAMPLE.name,
        "findings": summary.total,
        "excepted": summary.excepted,
        "by_category": {
            str(category): {str(s): n for s, n in counts.items()}
            for category, counts in summary.by_category.items()
        },
        "rows": {
            key: {"read": count.read, "with_findings": count.with_findings}
            for key, count in result.rows.items()
        },
        "skipped_rules": sorted(skipped.code for skipped in result.skipped),
    }


def sample_facts() -> dict[str, Any]:
    from reporter.api import check

    return summary_facts(check(SAMPLE, as_of=AS_OF))


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    sys.exit(f"{names[0]} is not on PATH: run `make libreoffice` first")


def main() -> None:
    from reporter.api import check
    from reporter.output.workbook import write_workbook

    soffice = _tool("soffice", "libreoffice")
    pdftoppm = _tool("pdftoppm")
    result = check(SAMPLE, as_of=AS_OF)
    digest = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    with tempfile.TemporaryDirectory(prefix="summary-png-") as folder:
        work = Path(folder)
        report = work / f"register-report-{AS_OF.isoformat()}.xlsx"
        write_workbook(result, report, "ja", SAMPLE.name, digest)
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(report),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        stem = work / "summary"
        pdf = str(report.with_suffix(".pdf"))
        first_page = ["-f", "1", "-l", "1", "-singlefile"]
        subprocess.run(
            [pdftoppm, "-png", "-r", str(RESOLUTION), *first_page, pdf, str(stem)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        shutil.copyfile(stem.with_suffix(".png"), PICTURE)
    FACTS.write_text(
        json.dumps(summary_facts(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"wrote {PICTURE.relative_to(ROOT)} and {FACTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
