"""The rule registry: every rule, in code order.

``check``, ``report``, ``rules``, the report's Rules sheet and the docs all read
:data:`RULES`; adding a rule to one of the category modules adds it everywhere.
"""

from __future__ import annotations

from reporter.rules import grants, incidents, register, renewals, security  # noqa: F401
from reporter.rules.base import Rule, registered

RULES: tuple[Rule, ...] = tuple(sorted(registered(), key=lambda r: r.code))
RULE_BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}

if len(RULE_BY_CODE) != len(RULES):
    raise RuntimeError("two rules share a code")

__all__ = ["RULES", "RULE_BY_CODE", "Rule"]
