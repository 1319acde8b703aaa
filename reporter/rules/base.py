"""What a rule is, and the context it runs in.

A rule is one small definition: a function decorated with :func:`rule`, which
gives its code, severity, the sheets and columns it reads, and its wording in
Japanese and English, and why it matters (``why``, both languages: the one
place it is said, shown in the docs, ``reporter rules`` and the report). The
function's docstring says what it catches, exactly (its first line is the
catalogue's description); its failing and passing rows live in
tests/rule_cases/<CODE>.toml, from which the docs show them. It yields
:class:`Finding` objects built with :meth:`RuleContext.finding`; it never prints
or formats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from reporter.i18n import Text
from reporter.i18n import localize_params as localize_params  # read from here by the email
from reporter.i18n import pick as pick
from reporter.model import (
    CATEGORY_BY_PREFIX,
    Category,
    Finding,
    Record,
    Register,
    Severity,
    SheetData,
)

if TYPE_CHECKING:
    from reporter.platform import Settings


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    sheets: tuple[str, ...]
    columns: Mapping[str, tuple[str, ...]]
    title: Text
    message: Text
    action: Text
    check: Callable[[RuleContext], Iterable[Finding]]
    params: tuple[str, ...] = ()  # names of Settings values the rule uses
    # Rules about exceptions run once the exceptions have been matched to findings.
    runs_after_exceptions: bool = False
    # Its findings on a sheet read that sheet alone (it looks at every sheet through
    # RuleContext.sheets()): run sheet by sheet while the register is read.
    by_sheet: bool = False
    why: Text = field(default_factory=dict)  # why it matters, for the docs

    @property
    def category(self) -> Category:
        return CATEGORY_BY_PREFIX[self.code[:3]]

    @property
    def doc(self) -> str:
        return (self.check.__doc__ or "").strip()


_REGISTERED: list[Rule] = []


def rule(
    code: str,
    severity: Severity,
    *,
    sheets: tuple[str, ...],
    title: Text,
    message: Text,
    action: Text,
    columns: Mapping[str, tuple[str, ...]] | None = None,
    params: tuple[str, ...] = (),
    runs_after_exceptions: bool = False,
    by_sheet: bool = False,
    why: Text | None = None,
) -> Callable[[Callable[[RuleContext], Iterable[Finding]]], Rule]:
    """Declare a rule. ``columns`` lists, per sheet, the columns without which it cannot run."""

    def define(check: Callable[[RuleContext], Iterable[Finding]]) -> Rule:
        for text in (title, message, action):
            if set(text) != {"ja", "en"}:
                raise ValueError(f"{code}: wording needs exactly 'ja' and 'en'")
        if why is not None and set(why) != {"ja", "en"}:
            raise ValueError(f"{code}: why needs exactly 'ja' and 'en'")
        definition = Rule(
            code=code,
            severity=severity,
            sheets=sheets,
            columns=columns or {},
            title=title,
            message=message,
            action=action,
            check=check,
            params=params,
            runs_after_exceptions=runs_after_exceptions,
            by_sheet=by_sheet,
            why=why or {},
        )
        _REGISTERED.append(definition)
        return definition

    return define


def registered() -> list[Rule]:
    return list(_REGISTERED)


# The columns an exception row needs, every one, to except anything (revision 3).
EXCEPTION_COLUMNS = ("code", "record_id", "reason", "approved_by", "until")


def exception_is_complete(record: Record) -> bool:
    """Every one of :data:`EXCEPTION_COLUMNS` given (a missing column reads as blank)."""
    return all(record[key] is not None for key in EXCEPTION_COLUMNS)


_T = TypeVar("_T")


@dataclass
class RuleContext:
    """What a rule may read: the register, the run's date and the settings in force."""

    rule: Rule
    register: Register
    as_of: date
    settings: Settings
    extra: dict[str, Any] = field(default_factory=dict)

    def records(self, sheet: str) -> list[Record]:
        return self.register.records(sheet)

    def sheets(self) -> list[SheetData]:
        """The register sheets to look at: every one, or, for a ``by_sheet`` rule run
        while the register is read (engine.RuleRun), those given in ``extra["sheets"]``."""
        keys = self.extra.get("sheets")
        if keys is None:
            return list(self.register.sheets.values())
        return [sheet for key, sheet in self.register.sheets.items() if key in keys]

    @property
    def whole_workbook(self) -> bool:
        """Whether this run also looks beyond the sheets (a ``by_sheet`` rule's last run)."""
        return bool(self.extra.get("whole_workbook", True))

    def shared(self, name: str, compute: Callable[[], _T]) -> _T:
        """``compute()``, worked out once per register, date and settings for every rule.

        A ``by_sheet`` rule's run on some sheets has its own: what it works out from
        ``sheets()`` holds for those sheets only.
        """
        key = (name, self.as_of, self.extra.get("sheets"))
        derived = self.register.derived
        found = derived.get(key)
        if found is None or found[0] is not self.settings:
            found = derived[key] = (self.settings, compute())
        return found[1]

    def finding(
        self,
        record: Record | None,
        column_key: str = "",
        /,
        *,
        due: date | None = None,
        severity: Severity | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column_letter: str | None = None,
        sheet_name: str | None = None,
        procedure: str | None = None,
        **params: Any,
    ) -> Finding:
        """A finding of this rule on ``record``'s cell in column ``column_key``.

        For findings not on a record (a missing sheet or column), pass ``sheet``,
        ``row`` and ``column_letter`` directly; for a sheet that is not a register
        sheet, ``sheet`` is '' and ``sheet_name`` its name in the workbook.
        ``procedure`` is the id of the procedure the action names; its screen is the
        ``{screen}`` param unless the rule gives one.
        """
        if procedure is not None:
            params.setdefault("screen", self.settings.procedure(procedure).screen)
        if record is not None:
            sheet_key = record.sheet.key
            sheet_name = record.sheet.name
            row_number = record.row if row is None else row
            letter = (
                record.sheet.column_letter(column_key) if column_letter is None else column_letter
            )
            record_id = record.record_id
            owner = record["owner"] or ""
        else:
            sheet_key = sheet or ""
            data = self.register.sheet(sheet_key) if sheet_key else None
            if sheet_name is None:
                sheet_name = data.name if data is not None else ""
            row_number = row
            letter = column_letter or ""
            record_id = ""
            owner = ""
        return Finding(
            code=self.rule.code,
            severity=severity or self.rule.severity,
            sheet=sheet_key,
            row=row_number,
            column=letter,
            record_id=record_id,
            due=due,
            params=params,
            owner=str(owner),
            sheet_name=sheet_name,
            procedure=procedure,
        )
