"""The findings as a pandas DataFrame, for analysts (the ``pandas`` extra).

import reporter

result = reporter.check("台帳.xlsx")
frame = reporter.to_pandas(result)
"""

from __future__ import annotations

from typing import Any

from reporter.output.json_output import JSON_FINDING_FIELDS, to_json_data
from reporter.result import CheckResult


def to_pandas(result: CheckResult, lang: str = "ja") -> Any:
    """The findings as a pandas DataFrame, one row each, most urgent first.

    The columns are those of the JSON output (code, severity, category,
    sheet, row, cell, record_id, due, message, action, owner, …), with
    secrets masked as everywhere; ``due`` is a datetime column. Needs the
    pandas extra: ``pip install 'reporter[pandas]'``.
    """
    try:
        import pandas
    except ImportError:
        raise ImportError("to_pandas needs pandas: pip install 'reporter[pandas]'") from None
    findings = to_json_data(result, lang, str(result.path))["findings"]
    frame = pandas.DataFrame(findings, columns=list(JSON_FINDING_FIELDS))
    frame["due"] = pandas.to_datetime(frame["due"])
    return frame
