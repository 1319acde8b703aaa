"""Benchmark ``reporter check`` and ``reporter report`` against the reading floor.

    make bench                                   # 1k, 10k, 100k and 1M rows; updates README.md
    .venv/bin/python bench/run_bench.py --sizes 1000,100000 --repeat 5 --no-write

For each size the synthetic register (bench/make_register.py, cached in
bench/data/) is read by three whole processes: the floor (bench/floor.py: every
sheet read with python-calamine, nothing else), ``reporter check --json`` and
``reporter report``. Each is timed by wall clock, best of N, with its peak
memory; the ratios to the floor taken in the same run are compared with the
issue's targets. ``reporter --help`` is timed against ``python -c "import
typer"``, and the pathological registers (whole columns formatted down to row
1,048,576 or across to column XFD, with or without a value there) against the
plain 50-row register.

Each command runs under a fresh ``python -c`` wrapper that starts it, times it
and reads ``getrusage(RUSAGE_CHILDREN).ru_maxrss``: a fresh wrapper has only
that one child, so the figure is that command's peak resident memory, and the
wrapper's own start-up is outside the timing. The runs of a size are
interleaved (floor, check, report, floor, ...) so that a slow moment of the
machine does not land on one command only.

Exit status: 0 when every command ran (whatever the targets say: timings are
not tests), 1 when a command failed. ``--no-write`` leaves README.md alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from make_register import ensure_register

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
README = HERE / "README.md"
START_MARK = "<!-- latest-figures:start -->"
END_MARK = "<!-- latest-figures:end -->"

AS_OF = "2026-11-30"
DEFAULT_SIZES = (1_000, 10_000, 100_000, 1_000_000)
PATHOLOGICAL_BASE = 50
TIMEOUT = 3 * 3600  # a 1M-row report on a slow machine takes minutes, not hours

# The targets (ratios measured in one run).
HELP_LIMIT = 2.0  # reporter --help / python -c "import typer"
CHECK_LIMIT = 2.0  # check / floor at 100k rows
REPORT_LIMIT = 3.0  # report / floor at 100k rows
GROWTH_LIMIT = 11.0  # report at 1M / report at 100k
MEMORY_LIMIT_MB = 2048.0  # report at 1M
# "No more than a 50-row register": these are ~0.5 s processes, whose best-of-3
# wobbles by a few percent; a real cost (reading a million blank rows) is
# several times the base, far above this.
PATHOLOGICAL_LIMIT = 1.25
CONTENDED_MARK = " (busy)"  # shown beside a time taken while the machine was busy
PATHOLOGICAL_VARIANTS = ("rows", "columns", "rows-value", "columns-value")
PATHOLOGICAL_NAMES = {
    "base": "50 rows",
    "rows": "50 rows + formatted to row 1,048,576",
    "columns": "50 rows + formatted to column XFD",
    "rows-value": "50 rows + a space at row 1,048,576",
    "columns-value": "50 rows + a space in column XFD",
}

# Runs one command, times it, prints its peak memory. Its own start-up is not timed.
WRAPPER = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
try:
    proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    rc, err = proc.returncode, proc.stderr.decode("utf-8", "replace")
except OSError as error:
    rc, err = 127, str(error)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
rss = usage.ru_maxrss
rss_mb = rss / 2**20 if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps({"wall": wall, "cpu": cpu, "rss_mb": rss_mb, "rc": rc, "stderr": err[-4000:]}))
"""


@dataclass
class Measure:
    """Best wall time and highest peak memory of a command over its runs."""

    label: str
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)  # CPU time (user + sys) of each run
    rss_mb: float = 0.0
    error: str | None = None  # why the command failed, if it did
    missing: bool = False  # the command does not exist (yet): n/a, not a failure

    @property
    def ok(self) -> bool:
        return bool(self.walls) and self.error is None and not self.missing

    @property
    def best(self) -> float | None:
        return min(self.walls) if self.ok else None

    @property
    def contended(self) -> bool:
        """The best run waited for the CPU: its wall time is well above its CPU time.

        The commands are single-threaded and read files the page cache holds, so
        wall ≈ CPU unless something else was running on the machine.
        """
        if not self.ok:
            return False
        wall, cpu = min(zip(self.walls, self.cpus, strict=True))
        return wall > 1.3 * cpu + 0.1

    def show_time(self) -> str:
        if self.missing:
            return "n/a"
        if self.error is not None:
            return "failed"
        return f"{self.best:.2f}" + (CONTENDED_MARK if self.contended else "")

    def show_rss(self) -> str:
        return f"{self.rss_mb:.0f}" if self.ok else "—"


# Commands run as from a user's shell: with bytecode caching (a sandbox or CI may turn it
# off, which would recompile the reporter on every start) and buffered output.
CHILD_ENV = {
    name: value
    for name, value in os.environ.items()
    if name not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PYTHONPROFILEIMPORTTIME")
}


def run_once(command: Sequence[str], cwd: Path) -> dict[str, object]:
    """Run ``command`` under the wrapper; return its wall time, peak memory and exit code."""
    wrapper = [sys.executable, "-c", WRAPPER, *command]
    done = subprocess.run(
        wrapper,
        cwd=cwd,
        env=CHILD_ENV,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        return {"wall": 0.0, "cpu": 0.0, "rss_mb": 0.0, "rc": -1, "stderr": done.stderr[-4000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(
    commands: dict[str, Callable[[], list[str]]], repeat: int, cwd: Path
) -> dict[str, Measure]:
    """Run each command ``repeat`` times, interleaved; a failed command is not run again."""
    results = {label: Measure(label) for label in commands}
    for _ in range(repeat):
        for label, make_command in commands.items():
            result = results[label]
            if result.error is not None or result.missing:
                continue
            outcome = run_once(make_command(), cwd)
            result.rss_mb = max(result.rss_mb, float(outcome["rss_mb"]))  # type: ignore[arg-type]
            if outcome["rc"] != 0:
                result.error = _first_line(str(outcome["stderr"])) or f"exit {outcome['rc']}"
                continue
            result.walls.append(float(outcome["wall"]))  # type: ignore[arg-type]
            result.cpus.append(float(outcome["cpu"]))  # type: ignore[arg-type]
    return results


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


# --- the commands ------------------------------------------------------------------------------


@dataclass
class Tools:
    python: str
    reporter: str
    out_root: Path  # a fresh report folder per run, so no run sees an earlier report
    has_report: bool

    def floor(self, register: Path) -> list[str]:
        return [self.python, str(HERE / "floor.py"), str(register)]

    def check(self, register: Path) -> list[str]:
        # --json goes to /dev/null (the wrapper discards stdout): rendering counts, the terminal not.
        return [
            *(self.reporter, "check", str(register), "--as-of", AS_OF),
            *("--fail-on", "never", "--json"),
        ]

    def report(self, register: Path) -> list[str]:
        out = Path(tempfile.mkdtemp(dir=self.out_root))
        return [self.reporter, "report", str(register), "--as-of", AS_OF, "--out", str(out)]

    def commands(self, register: Path) -> dict[str, Callable[[], list[str]]]:
        commands: dict[str, Callable[[], list[str]]] = {
            "floor": lambda: self.floor(register),
            "check": lambda: self.check(register),
        }
        if self.has_report:
            commands["report"] = lambda: self.report(register)
        return commands


def find_tools(out_root: Path) -> Tools:
    python = sys.executable
    reporter = Path(python).parent / ("reporter.exe" if os.name == "nt" else "reporter")
    if not reporter.exists():
        found = shutil.which("reporter")
        if found is None:
            sys.exit(f"no reporter executable beside {python} or on PATH: pip install -e .")
        reporter = Path(found)
    # `report` may not exist yet; then its figures are n/a, not failures.
    probe = subprocess.run(
        [str(reporter), "report", "--help"],
        capture_output=True,
        cwd=out_root,
        env=CHILD_ENV,
        check=False,
    )
    return Tools(python, str(reporter), out_root, has_report=probe.returncode == 0)


def with_missing(results: dict[str, Measure], tools: Tools) -> dict[str, Measure]:
    if not tools.has_report:
        results["report"] = Measure("report", missing=True)
    return results


# --- ratios and targets ------------------------------------------------------------------------


def ratio(a: Measure | None, b: Measure | None) -> float | None:
    if a is None or b is None or a.best is None or b.best is None or b.best == 0:
        return None
    return a.best / b.best


def show_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


@dataclass
class Target:
    name: str
    measured: str
    limit: str
    verdict: str  # PASS, FAIL, n/a or "not run"


def verdict(value: float | None, limit: float, ran: bool = True) -> str:
    if not ran:
        return "not run"
    if value is None:
        return "n/a"
    return "PASS" if value <= limit else "FAIL"


def size_label(size: int) -> str:
    return f"{size:,}"


@dataclass
class Run:
    sizes: dict[int, dict[str, Measure]] = field(default_factory=dict)
    files_mb: dict[int, float] = field(default_factory=dict)
    startup: dict[str, Measure] = field(default_factory=dict)
    pathological: dict[str, dict[str, Measure]] = field(default_factory=dict)

    def failed(self) -> list[str]:
        groups = [
            *(((size_label(s), m) for s, ms in self.sizes.items() for m in ms.values())),
            *(("start-up", m) for m in self.startup.values()),
            *(((v, m) for v, ms in self.pathological.items() for m in ms.values())),
        ]
        return [f"{where} {m.label}: {m.error}" for where, m in groups if m.error is not None]

    def targets(self) -> list[Target]:
        targets: list[Target] = []
        help_ratio = ratio(self.startup.get("help"), self.startup.get("typer"))
        targets.append(
            Target(
                "`reporter --help` / `import typer`",
                show_ratio(help_ratio),
                f"≤ {HELP_LIMIT:g}x",
                verdict(help_ratio, HELP_LIMIT, bool(self.startup)),
            )
        )
        at_100k = self.sizes.get(100_000)
        for command, limit in (("check", CHECK_LIMIT), ("report", REPORT_LIMIT)):
            value = ratio(at_100k[command], at_100k["floor"]) if at_100k else None
            targets.append(
                Target(
                    f"{command} / floor, 100,000 rows",
                    show_ratio(value),
                    f"≤ {limit:g}x",
                    verdict(value, limit, at_100k is not None),
                )
            )
        at_1m = self.sizes.get(1_000_000)
        report_1m = at_1m["report"] if at_1m else None
        memory = report_1m.rss_mb if report_1m is not None and report_1m.ok else None
        targets.append(
            Target(
                "report peak memory, 1,000,000 rows",
                "n/a" if memory is None else f"{memory:.0f} MB",
                f"< {MEMORY_LIMIT_MB:.0f} MB",
                "not run"
                if at_1m is None
                else "n/a"
                if memory is None
                else ("PASS" if memory < MEMORY_LIMIT_MB else "FAIL"),
            )
        )
        growth = ratio(report_1m, at_100k["report"]) if at_1m and at_100k else None
        targets.append(
            Target(
                "report time 1,000,000 / 100,000 rows",
                show_ratio(growth),
                f"≤ {GROWTH_LIMIT:g}x",
                verdict(growth, GROWTH_LIMIT, bool(at_1m and at_100k)),
            )
        )
        base = self.pathological.get("base")
        for variant in PATHOLOGICAL_VARIANTS:
            measures = self.pathological.get(variant)
            what = PATHOLOGICAL_NAMES[variant].removeprefix("50 rows + ")
            for command in ("check", "report"):
                value = ratio(measures[command], base[command]) if measures and base else None
                targets.append(
                    Target(
                        f"{command}, {what} / 50 rows",
                        show_ratio(value),
                        f"≤ {PATHOLOGICAL_LIMIT:g}x",
                        verdict(value, PATHOLOGICAL_LIMIT, measures is not None),
                    )
                )
        return targets


# --- output --------------------------------------------------------------------------------------


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def render(run: Run) -> list[str]:
    lines: list[str] = []
    if run.sizes:
        rows = []
        for size, m in run.sizes.items():
            rows.append(
                [
                    size_label(size),
                    f"{run.files_mb[size]:.1f}",
                    m["floor"].show_time(),
                    m["check"].show_time(),
                    m["report"].show_time(),
                    show_ratio(ratio(m["check"], m["floor"])),
                    show_ratio(ratio(m["report"], m["floor"])),
                    m["floor"].show_rss(),
                    m["check"].show_rss(),
                    m["report"].show_rss(),
                ]
            )
        header = [
            "rows",
            "file MB",
            "floor s",
            "check s",
            "report s",
            "check/floor",
            "report/floor",
            "floor MB",
            "check MB",
            "report MB",
        ]
        lines += markdown_table(header, rows)
        lines.append("")
    if 100_000 in run.sizes and 1_000_000 in run.sizes:
        small, large = run.sizes[100_000], run.sizes[1_000_000]
        growth = [
            f"{name} {show_ratio(ratio(large[name], small[name]))}"
            for name in ("floor", "check", "report")
        ]
        lines += ["Growth 1M/100k: " + ", ".join(growth) + ".", ""]
    if run.startup:
        help_, typer = run.startup["help"], run.startup["typer"]
        lines += [
            f"Start-up: `reporter --help` {help_.show_time()} s, "
            f'`python -c "import typer"` {typer.show_time()} s: '
            f"help/import typer {show_ratio(ratio(help_, typer))}.",
            "",
        ]
    if run.pathological:
        rows = []
        base = run.pathological["base"]
        for variant, m in run.pathological.items():
            rows.append(
                [
                    PATHOLOGICAL_NAMES[variant],
                    m["floor"].show_time(),
                    m["check"].show_time(),
                    m["report"].show_time(),
                    show_ratio(ratio(m["check"], base["check"])),
                    show_ratio(ratio(m["report"], base["report"])),
                    m["check"].show_rss(),
                    m["report"].show_rss(),
                ]
            )
        header = [
            "register",
            "floor s",
            "check s",
            "report s",
            "check vs 50 rows",
            "report vs 50 rows",
            "check MB",
            "report MB",
        ]
        lines += markdown_table(header, rows)
        lines.append("")
    targets = run.targets()
    lines += markdown_table(
        ["target", "measured", "limit", "result"],
        [[t.name, t.measured, t.limit, t.verdict] for t in targets],
    )
    if any(CONTENDED_MARK in line for line in lines):
        lines += [
            "",
            f"{CONTENDED_MARK.strip()}: the machine was busy during that run (wall time over"
            " 1.3x the CPU time); its ratios are not to be trusted. Run again on a quiet machine.",
        ]
    failures = run.failed()
    if failures:
        lines += ["", "Failed commands:", *(f"- {f}" for f in failures)]
    return lines


def machine() -> str:
    try:
        cores = len(os.sched_getaffinity(0))  # what nproc prints: the cores we may use
    except AttributeError:
        cores = os.cpu_count() or 0
    cpu = platform.processor() or "unknown CPU"
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
        if found:
            cpu = found.group(1).strip()
    except OSError:
        pass
    memory = ""
    try:
        meminfo = Path("/proc/meminfo").read_text()
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.MULTILINE)
        if found:
            memory = f", {int(found.group(1)) / 2**20:.0f} GB RAM"
    except OSError:
        pass
    from importlib.metadata import version

    libraries = ", ".join(
        f"{name} {version(name)}" for name in ("python-calamine", "xlsxwriter", "typer")
    )
    return (
        f"{cores} cores ({cpu}){memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {libraries}"
    )


def command_line(argv: Sequence[str]) -> str:
    python = Path(sys.executable)
    try:
        shown = str(python.relative_to(ROOT))
    except ValueError:
        shown = str(python)
    return " ".join([shown, "bench/run_bench.py", *argv])


def write_readme(lines: list[str], argv: Sequence[str]) -> None:
    block = [
        START_MARK,
        f"Measured on {date.today().isoformat()}, {machine()}.",
        "",
        f"Command: `{command_line(argv)}`"
        + (" (= `make bench`)" if not argv else "")
        + ", from the repository root.",
        "",
        *lines,
        END_MARK,
    ]
    text = README.read_text(encoding="utf-8") if README.exists() else ""
    if START_MARK in text and END_MARK in text:
        before = text.split(START_MARK, 1)[0]
        after = text.split(END_MARK, 1)[1]
        text = before + "\n".join(block) + after
    else:
        text = text.rstrip() + "\n\n## Latest figures\n\n" + "\n".join(block) + "\n"
    README.write_text(text, encoding="utf-8")


# --- main ------------------------------------------------------------------------------------------


def parse_sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        scale = {"k": 1_000, "m": 1_000_000}.get(part[-1:], 1)
        sizes.append(int(float(part.rstrip("km")) * scale))
    return sizes


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=list(DEFAULT_SIZES),
        help="comma-separated row counts (1000,10k,1m); default 1000,10000,100000,1000000",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        help="runs per command, best kept (default 5; 3 above 100k rows; 10 for the 50-row "
        "pathological registers)",
    )
    parser.add_argument("--no-write", action="store_true", help="leave bench/README.md alone")
    parser.add_argument("--no-pathological", action="store_true", help="skip those registers")
    parser.add_argument("--force", action="store_true", help="regenerate the registers")
    args = parser.parse_args(argv)

    def repeat_for(size: int) -> int:
        # Several runs at 1M too: the growth 1M/100k compares best with best, and
        # one 1M run against the best of five 100k runs overstated it by 10%.
        return args.repeat or (5 if size <= 100_000 else 3)

    run = Run()
    with tempfile.TemporaryDirectory(prefix="reporter-bench-") as scratch:
        tools = find_tools(Path(scratch))
        if not tools.has_report:
            say("`reporter report` does not exist: its figures are n/a.")
        # Warm-up (not timed) on the small register: writes the .pyc files of every
        # module the commands import, so that the first timed run does not compile them.
        small = ensure_register(PATHOLOGICAL_BASE, force=args.force)
        for make_command in tools.commands(small).values():
            run_once(make_command(), Path(scratch))

        # Short processes wobble: at least 5 runs each.
        say("timing start-up: reporter --help vs python -c 'import typer'")
        run.startup = measure(
            {
                "help": lambda: [tools.reporter, "--help"],
                "typer": lambda: [tools.python, "-c", "import typer"],
            },
            max(args.repeat or 5, 5),
            Path(scratch),
        )

        for size in args.sizes:
            started = time.perf_counter()
            say(f"{size_label(size)} rows: generating (or reusing) the register…")
            register = ensure_register(size, force=args.force)
            run.files_mb[size] = register.stat().st_size / 2**20
            say(f"  {register} ({time.perf_counter() - started:.0f} s); timing…")
            results = measure(tools.commands(register), repeat_for(size), Path(scratch))
            run.sizes[size] = with_missing(results, tools)
            for m in run.sizes[size].values():
                say(f"  {m.label}: {m.show_time()} s, {m.show_rss()} MB" + _error(m))

        if not args.no_pathological:
            for variant in ("base", *PATHOLOGICAL_VARIANTS):
                pathological = None if variant == "base" else variant
                register = ensure_register(
                    PATHOLOGICAL_BASE, pathological=pathological, force=args.force
                )
                say(f"pathological {variant}: {register.name}; timing…")
                # Half-second processes: one slow moment of the machine is a large
                # share of them, so the best of more runs is kept.
                results = measure(tools.commands(register), args.repeat or 10, Path(scratch))
                run.pathological[variant] = with_missing(results, tools)

    lines = render(run)
    print("\n".join(lines))
    if not args.no_write:
        write_readme(lines, argv)
        say(f"updated {README}")
    return 1 if run.failed() else 0


def _error(m: Measure) -> str:
    return f" ({m.error})" if m.error else ""


if __name__ == "__main__":
    sys.exit(main())
