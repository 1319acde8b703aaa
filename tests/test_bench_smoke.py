"""The benchmark keeps working: a 1k-row smoke run, and the generator's register is realistic.

No timing is asserted here (the speed targets are checked by `make bench`, on a
quiet machine, not in CI): only that every command runs and the ratios are printed.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

from reporter.api import check

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA_SHEETS = ("tools", "keys", "grants", "notices")


def _load(name: str) -> ModuleType:
    # bench/ is a folder of scripts, not a package: load the module from its file.
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_smoke_run_prints_the_ratios() -> None:
    command = [sys.executable, str(BENCH / "run_bench.py")]
    done = subprocess.run(
        [*command, "--sizes", "1000", "--no-write", "--repeat", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "| 1,000 |" in out  # the size's row of times, ratios and peak memory
    for ratio in ("check/floor", "report/floor", "help/import typer", "vs 50 rows"):
        assert ratio in out, f"{ratio!r} missing from:\n{out}"
    assert "| target | measured | limit | result |" in out


def test_generated_register_loads_with_about_ten_percent_findings(tmp_path: Path) -> None:
    make_register = _load("make_register")
    path = tmp_path / "register-1000.xlsx"
    stats = make_register.make_register(1000, path)
    assert stats.total == 1000

    result = check(path, as_of=date(2026, 11, 30))

    assert not result.skipped  # every sheet and column is found
    read = sum(result.rows[key].read for key in DATA_SHEETS)
    flagged = sum(result.rows[key].with_findings for key in DATA_SHEETS)
    assert read == 1000
    assert 0.05 <= flagged / read <= 0.20, f"{flagged} of {read} rows with findings"
    ids = [r.record_id for key in DATA_SHEETS for r in result.register.records(key)]
    assert len(ids) == len(set(ids))  # unique ids: no DAT006
    codes = {f.code for f in result.findings}
    assert {"RNW001", "DAT004", "DAT005", "GRT001", "INC001"} <= codes


def test_generator_is_deterministic_and_reuses_its_files(tmp_path: Path) -> None:
    make_register = _load("make_register")
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    make_register.make_register(200, first)
    make_register.make_register(200, second)
    assert first.read_bytes() == second.read_bytes()

    assert make_register.ensure_register(200, first) == first  # reused: same size and variant
    assert make_register.holds(first, 200)
    assert not make_register.holds(first, 300)
    assert not make_register.holds(first, 200, "rows")
