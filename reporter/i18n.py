"""User-facing wording, Japanese first, English with ``--lang en``.

Every message the product shows, apart from the rules' own wording, is in one
catalogue: the TOML files of ``reporter/messages/`` (one file per part of the
pipeline, a table per key with ``ja`` and ``en``), loaded with this module, so a
key raised anywhere renders whichever modules were imported. :func:`text`
renders a key in a language. Rule messages live with their rules (see
:mod:`reporter.rules.base`).
"""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reporter.model import Finding

LANGS = ("ja", "en")
# A text in both languages: {"ja": ..., "en": ...} (a rule's wording, a place to act).
Text = Mapping[str, str]
# Month names in English, whatever the machine's locale (email subjects, Task Scheduler).
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

CATALOGUE = Path(__file__).with_name("messages")


def load_catalogue(folder: Path = CATALOGUE) -> dict[str, dict[str, str]]:
    """Every message of the catalogue; a key in two files, or lacking a language, is a
    programming error (KeyError), caught by the tests before a user sees it."""
    texts: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as handle:
            for key, by_lang in tomllib.load(handle).items():
                if key in texts:
                    raise KeyError(f"text {key!r} defined twice ({path.name})")
                missing = [lang for lang in LANGS if lang not in by_lang]
                if missing:
                    raise KeyError(f"text {key!r} lacks {missing} ({path.name})")
                texts[key] = by_lang
    return texts


TEXTS: dict[str, dict[str, str]] = load_catalogue()


# Set by the test suite: a placeholder with no param is then an error, so a message
# that would show "{count}" to a user fails a test instead.
STRICT_ENV = "REPORTER_STRICT_TEXTS"
STRICT = bool(os.environ.get(STRICT_ENV))  # read once: render() is on the hot path


def render(template: str, params: Mapping[str, Any]) -> str:
    """Fill ``{name}`` placeholders; a missing param shows as its name, never crashes
    (except under the tests, see STRICT_ENV)."""
    if STRICT:
        return template.format_map(dict(params))
    return template.format_map(_Lenient(params))


def text(key: str, lang: str = "ja", /, **params: Any) -> str:
    """The wording ``key`` in ``lang``, filled with ``params``.

    A key missing from the catalogue is a programming error (KeyError), never shown
    to the user as the bare key: tests/test_i18n.py checks every key the code uses.
    """
    by_lang = TEXTS[key]
    picked = {
        name: (value.get(lang) or value["ja"])
        if isinstance(value, Mapping) and "ja" in value
        else value
        for name, value in params.items()
    }
    return render(by_lang.get(lang) or by_lang["ja"], picked)


@functools.lru_cache(maxsize=256)
def procedure_ref(procedure_id: str, lang: str) -> str:
    """'手順 R1' / 'procedure R1': how an action names its procedure (every finding has one)."""
    return text("procedure_ref", lang, id=procedure_id)


def pick(text: Text, lang: str) -> str:
    """``text`` in ``lang``, Japanese where it has no such language."""
    return text.get(lang) or text["ja"]


def localize_params(finding: Finding, lang: str) -> dict[str, Any]:
    """A finding's params ready for its rule's templates, in ``lang``.

    Dates become ISO text, {"ja":…, "en":…} values are picked, lists are joined;
    the place (record id, cell, sheet name, due date) is added for every template.
    """
    values: dict[str, Any] = {
        "record_id": finding.record_id,
        "cell": finding.cell,
        "sheet_name": finding.sheet_name,
        "due": finding.due.isoformat() if finding.due else "",
        # How the action names its procedure: 「手順 R1」 ('' when it names none).
        "procedure": procedure_ref(finding.procedure, lang) if finding.procedure else "",
    }
    for name, value in finding.params.items():
        kind = value.__class__
        if kind is str or kind is int:
            pass  # most params: as they are (the checks below cost more than the loop)
        elif (kind is dict or isinstance(value, Mapping)) and "ja" in value:
            value = pick(value, lang)
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, (list, tuple)):
            separator = "、" if lang == "ja" else ", "
            value = separator.join(
                pick(v, lang) if isinstance(v, Mapping) else str(v) for v in value
            )
        values[name] = value
    return values


class _Lenient(dict):  # type: ignore[type-arg]
    # dict's own __init__ (a Python one costs a call per message on a large report).
    def __missing__(self, name: str) -> str:
        return "{" + name + "}"
