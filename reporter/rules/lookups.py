"""Rows the rules look up by id or name: a key's tool, a grant's or notice's store.

First row wins; a duplicate id or name is DAT006's business.
"""

from __future__ import annotations

from reporter.model import Record, Register


def tools_by_id(register: Register) -> dict[str, Record]:
    """The tools sheet by tool_id (first row wins; duplicates are DAT006's business)."""
    tools: dict[str, Record] = {}
    for tool in register.records("tools"):
        tool_id = tool["tool_id"]
        if tool_id is not None:
            tools.setdefault(tool_id, tool)
    return tools


def store_record(register: Register, store: str | None) -> Record | None:
    """The row of ``store`` on the stores sheet (None when the name is blank or not there)."""
    if store is None:
        return None
    for record in register.records("stores"):
        if record["store"] == store:
            return record
    return None


def store_platform(register: Register, store: str | None) -> str | None:
    """The platform of ``store`` on the stores sheet (None when unknown)."""
    record = store_record(register, store)
    return None if record is None else record["platform"]


def store_plan(register: Register, store: str | None) -> str | None:
    """The store's selling plan on the stores sheet (None when the sheet or the plan is missing)."""
    record = store_record(register, store)
    return None if record is None else record["plan"]
