"""The dates and numbers of days the reporter computes with, wherever they come from.

Rules add a window to a date or take one from it (issued_on + validity,
renews_on - notice days, received_on + reply window, as_of + warning window).
Python's dates end at 9999-12-31, so a date near that edge, or a window of
millions of days, would leave the calendar in the middle of a rule. Every
value is checked against these limits where it enters: a register cell
(DAT004 / DAT005 on its cell), ``--as-of`` and the library's ``as_of``, the
config's ``[windows]``, the rules file. Past that point no rule can overflow:
2999-12-31 plus ten years, and 1900-01-01 minus ten, are still dates.
"""

from __future__ import annotations

from datetime import date

# A register of tools and API keys holds nothing before Excel's first date
# (1900-01-01) and nothing in the year 3000: such a date is a typing mistake
# (9999/12/31 as "never", 0001/01/01), told on its cell. The compact form
# 20261122 has always been read in this range.
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2999, 12, 31)

# The longest span of days a register cell (解約予告(日), 書類期間(日)), the
# config's windows or the rules file may give: ten years.
MAX_DAYS = 3650


def in_date_range(day: date) -> bool:
    """Whether the reporter can compute with ``day`` (FIRST_DATE to LAST_DATE)."""
    return FIRST_DATE <= day <= LAST_DATE


def in_days_range(days: int) -> bool:
    """Whether ``days`` is a span the reporter can add to any date it accepts (0 to MAX_DAYS)."""
    return 0 <= days <= MAX_DAYS
