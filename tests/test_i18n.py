"""Wording cannot go missing: every key the code uses is defined, in both languages."""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
from pathlib import Path

import pytest

import reporter
from reporter import i18n

PACKAGE = Path(reporter.__file__).parent
# A key passed as a literal to the calls that render wording.
_USED = re.compile(
    r"""(?:\bi18n\.text|\btext|InputError|OutputError|ReporterError|_localized)\(\s*["']([a-z][a-z0-9_]+)["']"""
)


def _import_everything() -> None:
    for module in pkgutil.walk_packages([str(PACKAGE)], prefix="reporter."):
        if module.name in ("reporter.__main__",):
            continue
        importlib.import_module(module.name)


def used_keys() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for key in _USED.findall(path.read_text(encoding="utf-8")):
            found.setdefault(key, []).append(str(path.relative_to(PACKAGE.parent)))
    return found


def test_every_key_used_in_the_code_is_defined() -> None:
    _import_everything()
    used = used_keys()
    assert len(used) > 50  # the scan sees the code's keys
    missing = {key: where for key, where in used.items() if key not in i18n.TEXTS}
    assert missing == {}


def test_every_text_has_both_languages_filled() -> None:
    _import_everything()
    empty = [
        key
        for key, by_lang in i18n.TEXTS.items()
        if not all(by_lang.get(lang) for lang in i18n.LANGS)
    ]
    assert empty == []


def test_a_missing_key_is_an_error_not_the_key_on_screen() -> None:
    with pytest.raises(KeyError):
        i18n.text("no_such_key_anywhere", "ja")


def test_a_placeholder_without_its_param_fails_under_the_tests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Set by tests/conftest.py for the whole suite and the processes it starts.
    assert i18n.STRICT and i18n.STRICT_ENV in os.environ
    with pytest.raises(KeyError):
        i18n.text("run_done", "ja")  # "終了コード {code}" without code
    monkeypatch.setattr(i18n, "STRICT", False)
    assert i18n.text("run_done", "ja") == "終了コード {code}"  # users never see a crash
