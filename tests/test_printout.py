"""The printed report: no page holds a section title alone or ends on one.

LibreOffice prints the report to PDF (as a person printing it would), and
pdftotext reads each page back. A section's title must share its page with the
section's first rows: a page that ends on a title, or a title and the table's
header row, parts the title from what it names; a page with nothing but a title
wastes a sheet of paper. The Summary is written with more and fewer rules not
run, which moves its later sections up and down across the page boundary.
Needs ``soffice`` and ``pdftotext`` (``make libreoffice`` installs both); without
them the test skips locally and fails on CI, as test_libreoffice.py does.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from reporter import i18n
from reporter.api import check
from reporter.output.flat import SEVERITY_LABEL, TOP_ACTIONS
from reporter.output.workbook import write_workbook
from reporter.output.workbook.findings import FINDING_SHEETS
from reporter.result import CheckResult, SkippedRule
from tests.test_libreoffice import convert, convert_all

TIMEOUT = 300
SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "register.xlsx"
# Rules not run: none, a few, and enough to push what follows onto the next page.
SKIPPED_COUNTS = (0, 2, 5, 9, 14)
TITLE_KEYS = (
    "xl_counts_title",
    "xl_rows_title",
    "xl_changes_title",
    "xl_skipped_title",
    "xl_urgent_title",
    "xl_resolved_title",
    "xl_title_renewals",
    "xl_title_revocations",
    "xl_title_followups",
    "xl_title_problems",
    "xl_title_rules",
)
HEADER_KEYS = (
    "xl_category",
    "xl_total",
    "xl_rows_sheet",
    "xl_rows_read",
    "xl_rows_clean",
    "xl_rows_flagged",
    "xl_as_of",
    "xl_skipped_reason",
    "xl_col_code",
    "xl_col_severity",
    "xl_col_due",
    "xl_col_owner",
    "xl_col_place",
    "xl_col_message",
    "xl_col_action",
    "xl_col_first_seen",
    "xl_col_target",
    "xl_col_title",
)
FOOTER = re.compile(r"^基準日 \d{4}-\d\d-\d\d\s+\d+ / \d+$")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        message = f"{name} is not on PATH; run `make libreoffice`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _is_title(line: str) -> bool:
    titles = [i18n.text(key, "ja", count=TOP_ACTIONS) for key in TITLE_KEYS]
    # The trend's title carries the number of reports: its fixed start is enough.
    trend = i18n.text("xl_trend_title", "ja", count=0).split("0")[0]
    return line.startswith(trend) or any(line.startswith(title) for title in titles)


def _is_table_header(line: str) -> bool:
    labels = {i18n.text(key, "ja") for key in HEADER_KEYS}
    labels |= {SEVERITY_LABEL[severity]["ja"] for severity in SEVERITY_LABEL}
    return set(line.split()) <= labels


def _pages(pdf: Path) -> list[list[str]]:
    """Each page's lines, without the running header (the sheet's name) and footer."""
    done = subprocess.run(
        [_tool("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    pages = []
    for page in done.stdout.split("\f"):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        if not lines:
            continue
        sheet, *body = lines
        repeated = i18n.text("xl_report_title", "ja")
        pages.append(
            [sheet] + [line for line in body if line != repeated and not FOOTER.match(line)]
        )
    return pages


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[int, list[list[str]]]:
    """The sample register's report with n rules not run, printed: {n: pages}."""
    _tool("pdftotext")
    folder = tmp_path_factory.mktemp("printout")
    result = check(SAMPLE, as_of=date(2026, 11, 30))
    sources = []
    for count in SKIPPED_COUNTS:
        reason = {"ja": "シート「仕入先」がないため実行できません。", "en": "No sheet."}
        skipped = [SkippedRule(f"ZZZ{n:03d}", reason) for n in range(count)]
        variant: CheckResult = dataclasses.replace(result, skipped=skipped)
        source = folder / f"skipped-{count:02d}.xlsx"
        write_workbook(variant, source, "ja", SAMPLE.name, "0" * 64)
        sources.append(source)
    converted = convert_all(sources, "pdf", folder, folder / "profile")
    pdfs = dict(zip(SKIPPED_COUNTS, converted, strict=True))
    return {count: _pages(pdf) for count, pdf in pdfs.items()}


@pytest.mark.parametrize("count", SKIPPED_COUNTS)
def test_no_page_holds_only_a_title(printed: dict[int, list[list[str]]], count: int) -> None:
    for number, (sheet, *body) in enumerate(printed[count], start=1):
        content = [line for line in body if not _is_title(line) and not _is_table_header(line)]
        assert content, f"page {number} ({sheet}) holds only {body}"


@pytest.mark.parametrize("count", SKIPPED_COUNTS)
def test_no_page_ends_on_a_title(printed: dict[int, list[list[str]]], count: int) -> None:
    for number, (sheet, *body) in enumerate(printed[count], start=1):
        tail = body[-2:]
        ends_on_title = bool(tail) and _is_title(tail[-1])
        ends_on_title_and_header = (
            len(tail) == 2 and _is_title(tail[0]) and _is_table_header(tail[1])
        )
        assert not (ends_on_title or ends_on_title_and_header), (
            f"page {number} ({sheet}) ends on {tail}, its rows on the next page"
        )


def test_the_summary_reads_in_order(printed: dict[int, list[list[str]]]) -> None:
    # The check above would pass on an empty printout: every section is there, once.
    skipped = i18n.text("xl_skipped_title", "ja")
    for count, pages in printed.items():
        summary = [line for sheet, *body in pages if sheet == "概要" for line in body]
        titles = [line for line in summary if _is_title(line)]
        if count:
            assert titles[0] == i18n.text("xl_counts_title", "ja"), count
            assert skipped in titles, count
            assert titles.index(skipped) < titles.index(
                i18n.text("xl_urgent_title", "ja", count=TOP_ACTIONS)
            ), count
        else:  # every rule ran: one line among the facts at the top says so
            label = i18n.text("xl_skipped_label", "ja")
            none = i18n.text("xl_skipped_none", "ja")
            assert any(line.startswith(label) and none in line for line in summary[:8])
        assert sum(line.startswith("ZZZ") for line in summary) == count


def test_page_breaks_keep_a_title_with_its_first_rows() -> None:
    from reporter.output.workbook.printing import Section, section_breaks

    heights = [28.0] + [20.0] * 50  # row 0 repeats at the top of every page
    sections = [
        Section(25, 27),  # would start 8 points from the foot: moves to the next page
        Section(30, 31, own_page=True),  # the page holds little so far: stays
        Section(45, 46, own_page=True),  # the page is more than a third full: a page of its own
    ]
    assert section_breaks(heights, sections, page=520.0) == [25, 45]
    # Room enough: no break at all.
    assert section_breaks(heights, sections[:1], page=2000.0) == []


# --- the sample report as the team prints it -----------------------------------------

MAX_PAGES = 12
# A table's header words, as pdftotext prints the header row of every findings sheet.
FINDING_HEADER = ("xl_col_severity", "xl_col_code", "xl_col_due", "xl_col_action")
URGENT_HEADER = ("xl_col_severity", "xl_col_code", "xl_col_due", "xl_col_action")


@pytest.fixture(scope="module")
def sample_pages(tmp_path_factory: pytest.TempPathFactory) -> list[list[str]]:
    """The sample register's report as of 2026-11-30, printed: each page's lines."""
    _tool("pdftotext")
    folder = tmp_path_factory.mktemp("sample-printout")
    result = check(SAMPLE, as_of=date(2026, 11, 30))
    source = folder / "register-report-2026-11-30.xlsx"
    write_workbook(result, source, "ja", SAMPLE.name, "0" * 64)
    pdf = convert(source, "pdf", folder, folder / "profile")
    return _pages(pdf)


def test_the_sample_prints_on_at_most_12_pages(sample_pages: list[list[str]]) -> None:
    sheets = list(dict.fromkeys(sheet for sheet, *_ in sample_pages))
    assert sheets[:2] == ["概要", "更新期限"]  # the printout is the report's
    assert len(sample_pages) <= MAX_PAGES, [sheet for sheet, *_ in sample_pages]


def test_no_printed_page_holds_fewer_than_3_lines(sample_pages: list[list[str]]) -> None:
    for number, (sheet, *body) in enumerate(sample_pages, start=1):
        assert len(body) >= 3, f"page {number} ({sheet}) holds only {body}"


def _has_header(body: list[str], keys: tuple[str, ...]) -> bool:
    words = [i18n.text(key, "ja") for key in keys]
    return any(all(word in line for word in words) for line in body[:6])


def test_every_page_of_a_table_repeats_its_header(sample_pages: list[list[str]]) -> None:
    findings = {i18n.text(spec.name, "ja") for spec in FINDING_SHEETS}
    urgent_title = i18n.text("xl_urgent_title", "ja", count=TOP_ACTIONS)
    in_urgent = False
    checked = 0
    for number, (sheet, *body) in enumerate(sample_pages, start=1):
        if sheet in findings:
            assert _has_header(body, FINDING_HEADER), f"page {number} ({sheet}): {body[:3]}"
            checked += 1
        elif sheet == "概要":
            # The top 10 from its title on: every page it runs over starts with its header.
            starts_here = any(line.startswith(urgent_title) for line in body)
            if in_urgent or starts_here:
                assert _has_header(body, URGENT_HEADER), f"page {number}: {body[:3]}"
                checked += 1
            in_urgent = in_urgent or starts_here
    assert checked >= len(findings) + 1
