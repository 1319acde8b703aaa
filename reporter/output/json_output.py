"""The machine-readable output of ``reporter check --json`` (docs/json.md).

Register text is kept as typed (a program reads it), but for what every output
does to it (:func:`reporter.masking.redact`): characters that do not print
removed, then secrets masked. What is left that a terminal would act on (the
Unicode line separators) is written as \\uXXXX escapes, so that the JSON is safe
to print and parses to the same values.
"""

from __future__ import annotations

import json
import re
from typing import Any

from reporter import i18n
from reporter.masking import redact
from reporter.output.flat import flatten
from reporter.output.terminal import TERMINAL_ACTIVE
from reporter.procedures import procedures_used
from reporter.result import CheckResult

# What json.dumps(ensure_ascii=False) leaves raw but a terminal acts on, and the
# Unicode line separators. C0 controls are escaped by json.dumps itself. These
# occur only inside strings.
_RAW_UNSAFE = re.compile(f"[{TERMINAL_ACTIVE}\u2028\u2029]")


def _masked(text: str | None) -> str | None:
    return redact(text) if text else text


# The fields of every finding in the JSON, in order ("exception" only when excepted;
# "procedure" is the id of the procedure the action names, or null).
JSON_FINDING_FIELDS = (
    "code",
    "severity",
    "category",
    "sheet",
    "sheet_name",
    "row",
    "cell",
    "record_id",
    "due",
    "message",
    "action",
    "title",
    "owner",
    "excepted",
    "exception",
    "procedure",
)


def to_json_data(result: CheckResult, lang: str, register_display: str) -> dict[str, Any]:
    findings = []
    for row in flatten(result, lang):
        item: dict[str, Any] = {
            "code": row.code,
            "severity": str(row.severity),
            "category": str(row.category),
            "sheet": row.sheet,
            "sheet_name": _masked(row.sheet_name),
            "row": row.row,
            "cell": row.cell,
            "record_id": _masked(row.record_id),
            "due": row.due.isoformat() if row.due else None,
            "message": _masked(row.message),
            "action": _masked(row.action),
            "title": row.title,
            "owner": _masked(row.owner),
            "excepted": row.excepted,
        }
        if row.excepted:
            item["exception"] = _masked(row.exception)
        item["procedure"] = row.procedure
        findings.append(item)
    return {
        "as_of": result.as_of.isoformat(),
        "register": register_display,
        "findings": findings,
        "rows": {
            key: {"read": count.read, "with_findings": count.with_findings, "clean": count.clean}
            for key, count in result.rows.items()
        },
        "skipped_rules": [
            {"code": skipped.code, "reason": i18n.pick(skipped.reason, lang)}
            for skipped in result.skipped
        ],
        "procedures": procedures_used(result.findings, lang, result.settings.procedures),
    }


def to_json(result: CheckResult, lang: str, register_display: str) -> str:
    """The JSON text: indented, with one finding per line.

    A finding per line reads well in a diff or with grep, and lets json's C
    encoder do the work (with ``indent`` json encodes in Python: seconds for a
    register with tens of thousands of findings).
    """
    encode = json.JSONEncoder(ensure_ascii=False).encode
    members = []
    for key, value in to_json_data(result, lang, register_display).items():
        if key == "findings" and value:
            text = "[\n    " + _one_per_line(value) + "\n  ]"
        else:
            text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        members.append(f"  {encode(key)}: {text}")
    text = "{\n" + ",\n".join(members) + "\n}"
    return _RAW_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _one_per_line(findings: list[dict[str, Any]]) -> str:
    """The findings as JSON objects, one per line, joined by ",\\n    ".

    Encoded in one call (a call per finding costs twice as much): every
    separator is written as ",\\n", the only raw line breaks in JSON text,
    since a string's are escaped. A finding's members (flat: no value is an
    object or a list) then go back on one line, ", " apart, and the findings
    stay a line each.
    """
    text = json.dumps(findings, ensure_ascii=False, separators=(",\n", ": "))
    return text[1:-1].replace(',\n"', ', "').replace(",\n{", ",\n    {")
