"""Wording cannot go missing: every key the code uses is in the catalogue, in both
languages, and renders whichever module raised it, imported alone."""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import reporter
from reporter import i18n

PACKAGE = Path(reporter.__file__).parent
# A key passed as a literal to the calls that render wording.
_USED = re.compile(
    r"""(?:\bi18n\.text|\btext|InputError|OutputError|ReporterError|_localized)\(\s*["']([a-z][a-z0-9_]+)["']"""
)


def _modules() -> list[str]:
    return [
        module.name
        for module in pkgutil.walk_packages([str(PACKAGE)], prefix="reporter.")
        if module.name != "reporter.__main__"
    ]


def _module_file(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin is not None
    return Path(spec.origin)


def used_keys() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for key in _USED.findall(path.read_text(encoding="utf-8")):
            found.setdefault(key, []).append(str(path.relative_to(PACKAGE.parent)))
    return found


def test_every_key_used_in_the_code_is_defined() -> None:
    used = used_keys()
    assert len(used) > 50  # the scan sees the code's keys
    missing = {key: where for key, where in used.items() if key not in i18n.TEXTS}
    assert missing == {}


# Run in a fresh interpreter: import one module, nothing else, and render every key it
# names, in both languages (params left out show as their names: the lenient renderer).
_RENDER_ALONE = """
import importlib, sys
importlib.import_module(sys.argv[1])
from reporter import i18n
for key in sys.argv[2:]:
    for lang in i18n.LANGS:
        assert i18n.text(key, lang), key
"""


@pytest.mark.parametrize("module", _modules())
def test_each_module_alone_renders_every_key_it_raises(module: str) -> None:
    keys = sorted(set(_USED.findall(_module_file(module).read_text(encoding="utf-8"))))
    env = {k: v for k, v in os.environ.items() if k != i18n.STRICT_ENV}
    done = subprocess.run(
        [sys.executable, "-c", _RENDER_ALONE, module, *keys],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_a_damaged_package_is_a_message_with_only_the_zip_guard_imported(tmp_path: Path) -> None:
    # A damaged package is a message even when the loader was never imported.
    whole = tmp_path / "whole.xlsx"
    with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>" * 200)
        package.writestr("xl/workbook.xml", "<workbook/>" * 200)
    damaged = tmp_path / "台帳.xlsx"
    data = bytearray(whole.read_bytes())
    data[60:70] = b"\xff" * 10  # the first part's compressed bytes: a bad checksum
    damaged.write_bytes(bytes(data))
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from reporter.register import zip_guard\n"
        "from reporter.errors import InputError\n"
        "try:\n"
        "    zip_guard.inspect_package(Path(sys.argv[1]))\n"
        "except InputError as error:\n"
        "    print(error.render('ja'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(damaged)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "台帳.xlsx" in done.stdout and "Traceback" not in done.stdout + done.stderr


def test_every_text_has_both_languages_filled() -> None:
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
