"""reporter: the monthly register report for Japanese e-commerce teams.

The library API (see :mod:`reporter.api`)::

    import reporter

    result = reporter.check("台帳.xlsx", as_of="2026-11-30")
    outcome = reporter.monthly_report(result, "reports/")
    frame = reporter.to_pandas(result)  # with the pandas extra

The names are loaded on first use, so that ``reporter --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from reporter.api import ReportOutcome, check, monthly_report
    from reporter.output.frame import to_pandas
    from reporter.result import CheckResult

__all__ = ["CheckResult", "ReportOutcome", "__version__", "check", "monthly_report", "to_pandas"]


def __getattr__(name: str) -> Any:
    if name in ("check", "monthly_report", "ReportOutcome"):
        from reporter import api

        return getattr(api, name)
    if name == "CheckResult":
        from reporter.result import CheckResult

        return CheckResult
    if name == "to_pandas":
        from reporter.output.frame import to_pandas

        return to_pandas
    raise AttributeError(f"module 'reporter' has no attribute {name!r}")
