"""The machine-readable output of register-spec.md section 4."""

from __future__ import annotations

import json
from typing import Any

from reporter.engine import CheckResult
from reporter.output.flat import flatten
from reporter.rules.base import pick


def to_json_data(result: CheckResult, lang: str, register_display: str) -> dict[str, Any]:
    findings = []
    for row in flatten(result, lang):
        item: dict[str, Any] = {
            "code": row.code,
            "severity": str(row.severity),
            "category": str(row.category),
            "sheet": row.sheet,
            "sheet_name": row.sheet_name,
            "row": row.row,
            "cell": row.cell,
            "record_id": row.record_id,
            "due": row.due.isoformat() if row.due else None,
            "message": row.message,
            "action": row.action,
            "title": row.title,
            "owner": row.owner,
            "excepted": row.excepted,
        }
        if row.excepted:
            item["exception"] = row.exception
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
            {"code": skipped.code, "reason": pick(skipped.reason, lang)}
            for skipped in result.skipped
        ],
    }


def to_json(result: CheckResult, lang: str, register_display: str) -> str:
    return json.dumps(to_json_data(result, lang, register_display), ensure_ascii=False, indent=2)
