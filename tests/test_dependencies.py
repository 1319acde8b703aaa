"""Every declared dependency earns its place: the package (or its extra) imports it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "reporter"
# Distribution name -> the module the code imports.
IMPORT_NAME = {"python-calamine": "python_calamine", "pyyaml": "yaml"}
# Loaded as data, not imported by name: zoneinfo reads the time zone database from
# tzdata where the OS has none (Windows), for "today in Asia/Tokyo".
LOADED_AS_DATA = {"tzdata"}
# Extras that exist for development, not for users.
DEVELOPMENT_EXTRAS = {"test"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower()


def _imported_modules() -> set[str]:
    pattern = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_runtime_dependency_is_imported_by_the_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [_name(r) for r in project["dependencies"]]
    for extra, requirements in project.get("optional-dependencies", {}).items():
        if extra not in DEVELOPMENT_EXTRAS:
            declared += [_name(r) for r in requirements]
    imported = _imported_modules()
    unused = [
        name
        for name in declared
        if name not in LOADED_AS_DATA
        and IMPORT_NAME.get(name, name.replace("-", "_")) not in imported
    ]
    assert unused == []
    assert "pandas" not in [_name(r) for r in project["dependencies"]]  # an extra, not for every PC
