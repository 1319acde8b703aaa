"""Rows the rules look up by id or name: a key's tool, a grant's or notice's store.

First row wins; a duplicate id or name is DAT006's business.
"""

from __future__ import annotations

from reporter.model import Record, Register

# Keys of Register.derived: what depends on the register alone, not on the run's date.
_TOOLS_BY_ID = "lookups.tools_by_id"
_STORES_BY_NAME = "lookups.stores_by_name"


def tools_by_id(register: Register) -> dict[str, Record]:
    """The tools sheet by tool_id (first row wins; duplicates are DAT006's business).

    Worked out once per register (a dozen rules ask); do not modify it.
    """
    tools: dict[str, Record] | None = register.derived.get(_TOOLS_BY_ID)
    if tools is None:
        tools = {}
        for tool in register.records("tools"):  # read first: the sheet may still be pending
            tool_id = tool["tool_id"]
            if tool_id is not None:
                tools.setdefault(tool_id, tool)
        register.derived[_TOOLS_BY_ID] = tools
    return tools


def store_record(register: Register, store: str | None) -> Record | None:
    """The row of ``store`` on the stores sheet (None when the name is blank or not there)."""
    if store is None:
        return None
    stores: dict[str, Record] | None = register.derived.get(_STORES_BY_NAME)
    if stores is None:
        stores = {}
        for record in register.records("stores"):  # read first: the sheet may still be pending
            if record["store"] is not None:
                stores.setdefault(record["store"], record)
        register.derived[_STORES_BY_NAME] = stores
    return stores.get(store)


def store_platform(register: Register, store: str | None) -> str | None:
    """The platform of ``store`` on the stores sheet (None when unknown)."""
    record = store_record(register, store)
    return None if record is None else record["platform"]


def store_plan(register: Register, store: str | None) -> str | None:
    """The store's selling plan on the stores sheet (None when the sheet or the plan is missing)."""
    record = store_record(register, store)
    return None if record is None else record["plan"]
