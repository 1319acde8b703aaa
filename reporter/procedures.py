"""The platform procedures: the full steps, written once, that short actions name by id.

A finding's action is one short instruction ending with the id of a procedure
(「手順 R1」); the procedure holds the menu path, the buttons, what happens to
the old key, what to record afterwards, its source and the date it was
checked. They live in ``reporter/procedures.toml`` (or a ``procedures.toml``
beside the rules file given with ``--rules``), so that a menu that moves is one
edit. A ``{name}`` in a step is a value of the rules file (``reporter rules``
lists them), filled in when the file is read.

:func:`procedures_used` gives the procedures a list of findings uses, in order
of first use, in one language: the report's Procedures sheet, the JSON, the
terminal and the email list them once, after the findings.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn, Protocol

from reporter import i18n
from reporter.errors import InputError
from reporter.i18n import Text

PROCEDURES_FILE = "procedures.toml"
LANGS = i18n.LANGS
PLATFORMS = ("amazon", "rakuten", "yahoo")
SOURCE_KINDS = ("official", "vendor", "blog")


_ID = re.compile(r"[A-Z][0-9]{1,3}")
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)\}")
_REQUIRED = (
    "platform",
    "title_ja",
    "title_en",
    "screen_ja",
    "screen_en",
    "steps_ja",
    "steps_en",
    "source",
    "source_kind",
    "url",
    "checked",
)
_OPTIONAL = ("see_also", "unconfirmed_labels", "unconfirmed")


@dataclass(frozen=True)
class Procedure:
    """One platform procedure, in both languages, with its source."""

    id: str
    platform: str
    title: Text
    screen: Text  # the screen's name, with 「(要確認)」 beside a label not confirmed
    steps: Mapping[str, tuple[str, ...]]  # one string per step, marked like ``screen``
    source_title: str
    source_kind: str  # official | vendor | blog
    url: str
    checked: date
    see_also: tuple[str, ...] = ()
    unconfirmed: str = ""

    def steps_text(self, lang: str) -> str:
        """'【title】' then the numbered steps, one per line; the note on what is unconfirmed last."""
        lines = [i18n.text("procedure_title", lang, title=self.title[lang])]
        lines += [f"{number}. {step}" for number, step in enumerate(self.steps[lang], start=1)]
        if self.unconfirmed:
            lines.append(
                i18n.text("procedure_unconfirmed", lang, note=_half(self.unconfirmed, lang))
            )
        return "\n".join(lines)

    def source_text(self, lang: str) -> str:
        """'title (kind) url': where the steps come from."""
        kind = i18n.text(f"procedure_source_{self.source_kind}", lang)
        return (
            f"{self.source_title}({kind})\n{self.url}"
            if lang == "ja"
            else (f"{self.source_title} ({kind})\n{self.url}")
        )

    def as_dict(self, lang: str) -> dict[str, str]:
        return {
            "id": self.id,
            "platform": i18n.text(f"platform_{self.platform}", lang),
            "screen": self.screen[lang],
            "steps": self.steps_text(lang),
            "source": self.source_text(lang),
            "checked": self.checked.isoformat(),
        }


def _half(note: str, lang: str) -> str:
    """The note's half in ``lang``: the files write 'Japanese / English'."""
    ja, separator, en = note.partition(" / ")
    if not separator:
        return note
    return ja.strip() if lang == "ja" else en.strip()


class _HasProcedure(Protocol):
    @property
    def procedure(self) -> str | None: ...


def procedures_used(
    findings: Iterable[_HasProcedure],
    lang: str,
    procedures: Mapping[str, Procedure] | None = None,
) -> list[dict[str, str]]:
    """The procedures ``findings`` use, in order of first use, each as a dict in ``lang``.

    Each dict is ``{"id", "platform", "screen", "steps", "source", "checked"}``; a
    procedure's ``see_also`` ones follow it. ``findings`` are Findings or rendered
    rows (anything with a ``procedure`` id); ``procedures`` are those in force
    (``result.settings.procedures``), the packaged ones when not given.
    """
    known = _IN_FORCE if procedures is None else procedures
    ordered: list[str] = []
    for finding in findings:
        _add(finding.procedure, known, ordered)
    return [known[pid].as_dict(lang) for pid in ordered]


def _add(pid: str | None, known: Mapping[str, Procedure], ordered: list[str]) -> None:
    if pid is None or pid in ordered or pid not in known:
        return
    ordered.append(pid)
    for other in known[pid].see_also:
        _add(other, known, ordered)


# The procedures of the settings loaded last (reporter.platform.load_settings sets them):
# what procedures_used lists when it is not given others.
_IN_FORCE: dict[str, Procedure] = {}


def put_in_force(procedures: Mapping[str, Procedure]) -> None:
    """Make ``procedures`` the ones :func:`procedures_used` reads by default."""
    _IN_FORCE.clear()
    _IN_FORCE.update(procedures)


def procedures_path_for(rules_path: Path | str | None) -> Path | None:
    """The procedures file to read with ``rules_path``: a procedures.toml beside it, or None
    (the packaged one)."""
    if rules_path is None:
        return None
    beside = Path(rules_path).with_name(PROCEDURES_FILE)
    return beside if beside.is_file() else None


def load_procedures(
    path: Path | str | None = None,
    values: Mapping[str, Text] | None = None,
) -> dict[str, Procedure]:
    """Read and check the procedures file (the packaged one when ``path`` is None).

    ``values`` are the rules file's values by name, in both languages, for the
    ``{name}`` placeholders of the steps; a name not among them stops the run.
    """
    if path is None:
        resource = resources.files("reporter").joinpath(PROCEDURES_FILE)
        shown = str(resource)
        raw = resource.read_bytes()
    else:
        shown = str(path)
        try:
            raw = Path(path).read_bytes()
        except OSError as error:
            _fail(
                shown,
                f"ファイルを開けません({error.strerror})",
                f"it cannot be opened ({error.strerror})",
            )
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        _fail(shown, "文字コードが UTF-8 ではありません", "it is not saved as UTF-8")
    except tomllib.TOMLDecodeError as error:
        _fail(shown, f"TOML の書き方が正しくありません({error})", f"it is not valid TOML ({error})")
    reader = _Reader(shown, values or {})
    procedures = {pid: reader.procedure(pid, entry) for pid, entry in data.items()}
    for procedure in procedures.values():
        for other in procedure.see_also:
            if other not in procedures:
                reader.fail(
                    f"「{procedure.id}.see_also」の {other} という手順はありません",
                    f"'{procedure.id}.see_also' names {other}, which is not a procedure",
                )
    return procedures


def _fail(shown: str, ja: str, en: str) -> NoReturn:
    raise InputError("procedures_file_invalid", path=shown, detail={"ja": ja, "en": en})


class _Reader:
    def __init__(self, shown: str, values: Mapping[str, Text]) -> None:
        self.shown = shown
        self.values = values

    def fail(self, ja: str, en: str) -> NoReturn:
        _fail(self.shown, ja, en)

    def procedure(self, pid: str, entry: Any) -> Procedure:
        if not _ID.fullmatch(pid):
            self.fail(
                f"「[{pid}]」は手順のIDにできません(英大文字1字と数字: R1、A10 など)",
                f"'[{pid}]' is not a procedure id (a capital letter and digits: R1, A10…)",
            )
        if not isinstance(entry, dict):
            self.fail(
                f"「{pid}」は [{pid}] の表で書いてください", f"'{pid}' must be a table ([{pid}])"
            )
        for key in entry:
            if key not in (*_REQUIRED, *_OPTIONAL):
                self.fail(
                    f"「{pid}.{key}」は使えない項目です(使える項目: {', '.join((*_REQUIRED, *_OPTIONAL))})",
                    f"'{pid}.{key}' is not a known entry (known: {', '.join((*_REQUIRED, *_OPTIONAL))})",
                )
        for key in _REQUIRED:
            if key not in entry:
                self.fail(f"「{pid}.{key}」がありません", f"'{pid}.{key}' is missing")
        platform = self.choice(entry, pid, "platform", PLATFORMS)
        kind = self.choice(entry, pid, "source_kind", SOURCE_KINDS)
        labels = self.strings(entry, pid, "unconfirmed_labels")
        title = {lang: self.string(entry, pid, f"title_{lang}") for lang in LANGS}
        screen = {
            lang: _mark(self.fill(self.string(entry, pid, f"screen_{lang}"), pid), labels, lang)
            for lang in LANGS
        }
        steps = {
            lang: tuple(
                _mark(self.fill(step, pid), labels, lang)
                for step in self.strings(entry, pid, f"steps_{lang}", required=True)
            )
            for lang in LANGS
        }
        if len(steps["ja"]) != len(steps["en"]):
            self.fail(
                f"「{pid}」の steps_ja と steps_en のステップの数が違います",
                f"'{pid}': steps_ja and steps_en have a different number of steps",
            )
        marked = "".join(screen["ja"] + screen["en"] + "".join(steps["ja"] + steps["en"]))
        for label in labels:
            if not any(f"{q}{label}{e}" in marked for q, e in _QUOTES):
                self.fail(
                    f"「{pid}.unconfirmed_labels」の「{label}」が手順の中に「…」で見つかりません",
                    f"'{pid}.unconfirmed_labels': '{label}' is not quoted in the steps",
                )
        url = self.string(entry, pid, "url")
        if not url.startswith(("https://", "http://")):
            self.fail(
                f"「{pid}.url」は https:// で始まるURLにしてください",
                f"'{pid}.url' must start with https://",
            )
        checked = entry["checked"]
        if not isinstance(checked, date) or hasattr(checked, "hour"):
            self.fail(
                f"「{pid}.checked」は日付(例: 2026-12-04)で書いてください",
                f"'{pid}.checked' must be a date (e.g. 2026-12-04)",
            )
        return Procedure(
            id=pid,
            platform=platform,
            title=title,
            screen=screen,
            steps=steps,
            source_title=self.string(entry, pid, "source"),
            source_kind=kind,
            url=url,
            checked=checked,
            see_also=self.strings(entry, pid, "see_also"),
            unconfirmed=self.string(entry, pid, "unconfirmed") if "unconfirmed" in entry else "",
        )

    def string(self, entry: Mapping[str, Any], pid: str, key: str) -> str:
        value = entry[key]
        if not isinstance(value, str) or not value.strip():
            self.fail(
                f"「{pid}.{key}」は空でない文字列で書いてください",
                f"'{pid}.{key}' must be text, not blank",
            )
        return value.strip()

    def strings(
        self, entry: Mapping[str, Any], pid: str, key: str, *, required: bool = False
    ) -> tuple[str, ...]:
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(
                f"「{pid}.{key}」は文字列のリストで書いてください",
                f"'{pid}.{key}' must be a list of texts",
            )
        if required and not value:
            self.fail(f"「{pid}.{key}」が空です", f"'{pid}.{key}' is empty")
        return tuple(v.strip() for v in value)

    def choice(self, entry: Mapping[str, Any], pid: str, key: str, allowed: tuple[str, ...]) -> str:
        value = entry[key]
        if value not in allowed:
            self.fail(
                f"「{pid}.{key}」は {' / '.join(allowed)} のどれかにしてください(今は {value!r})",
                f"'{pid}.{key}' must be one of {', '.join(allowed)} (it is {value!r})",
            )
        return value

    def fill(self, text: str, pid: str) -> Text:
        """Both languages of ``text`` with every ``{name}`` replaced by the rules file's value."""
        result = {}
        for lang in LANGS:

            def value(match: re.Match[str], lang: str = lang) -> str:
                name = match.group(1)
                if name not in self.values:
                    self.fail(
                        f"「{pid}」の {{{name}}} はルールファイルにない値です",
                        f"'{pid}': {{{name}}} is not a value of the rules file",
                    )
                return self.values[name][lang]

            result[lang] = _PLACEHOLDER.sub(value, text)
        return result


# How a step quotes a screen label: 「…」 in both languages, "…" in English.
_QUOTES = (("「", "」"), ('"', '"'))


def _mark(text: Text | str, labels: tuple[str, ...], lang: str) -> str:
    """``text`` in ``lang``, with 「(要確認)」 / "(unconfirmed)" after each quoted label in ``labels``."""
    result = text if isinstance(text, str) else text[lang]
    if not labels:
        return result
    mark = i18n.text("procedure_unconfirmed_mark", lang)
    for label in labels:
        for opening, closing in _QUOTES:
            quoted = f"{opening}{label}{closing}"
            result = result.replace(quoted, f"{quoted}{mark}")
    return result


def reference(procedure_id: str | None, lang: str) -> str:
    """'手順 R1' / 'procedure R1': how an action names its procedure ('' for none)."""
    return i18n.procedure_ref(procedure_id, lang) if procedure_id else ""
