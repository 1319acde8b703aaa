"""The double-click launchers in launchers/.

``run_report.sh`` is run for real on a fresh copy of the project (pyproject.toml,
reporter/, launchers/, templates/, README.md and the sample register) in a
temporary folder, exactly as a user would get it: its first run finds Python,
creates ``.reporter-venv`` in the project folder and ``pip install``s the
project into it, then runs ``reporter report --config reporter.toml --open
--log``. ``run_report.bat`` cannot run here; it is checked as text: CRLF line
endings, UTF-8 without a BOM, ``chcp 65001`` before any Japanese, ``pause``
only on failure, and the same venv, pip and reporter command lines as the
shell launcher (the ones run here). ``run_report.command`` delegates to the
shell launcher and is run from another folder, as Finder does.

Why the install is real: the first run is the part a non-developer hits, so
the test does not pre-seed the venv or borrow the development venv's
packages (``--system-site-packages`` would not see them: a venv made from a
venv takes the base interpreter's site-packages). The install goes through
pip's usual configuration and cache and takes about 30-50 seconds here; the
whole module (about 80 s) stays under the ~3 minute budget: the bootstrap is done
once per module and every later run reuses it. On a machine without the
package index, set ``REPORTER_PIP_ARGS="--no-index --find-links DIR"`` (a
folder of wheels) before running pytest: the launcher appends it to ``pip
install`` and the test passes it through.

``--open`` is caught by a fake ``xdg-open`` first on PATH that records the
path it was given. Every run gets ``stdin=DEVNULL`` and a timeout, so a
launcher waiting for a key would fail the test instead of hanging it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reporter import config as config_module
from reporter.config import load_config

ROOT = Path(__file__).resolve().parent.parent
LAUNCHERS = ROOT / "launchers"
BAT = LAUNCHERS / "run_report.bat"
SH = LAUNCHERS / "run_report.sh"
COMMAND = LAUNCHERS / "run_report.command"
TEMPLATE = ROOT / "templates" / "reporter.toml"

FAILED = "レポートを作れませんでした。上のメッセージを確認してください。"
INSTALLING = "Installing the reporter"
CREATING_VENV = "creating the Python environment"
PRESS_ENTER = "Press Enter to close"
FIRST_RUN_TIMEOUT = 300
RUN_TIMEOUT = 120

needs_bash = pytest.mark.skipif(
    shutil.which("bash") is None or sys.platform == "win32", reason="needs bash (Linux/macOS)"
)


# --- running the shell launcher on a fresh copy ---------------------------------------------


@dataclass
class Project:
    root: Path
    fake_bin: Path
    opened_log: Path

    @property
    def launchers(self) -> Path:
        return self.root / "launchers"

    @property
    def config(self) -> Path:
        return self.launchers / "reporter.toml"

    @property
    def reports(self) -> Path:
        return self.launchers / "reports"

    @property
    def venv(self) -> Path:
        return self.root / ".reporter-venv"

    def write_config(self, extra: str = "") -> None:
        register = (self.root / "sample_data" / "register.xlsx").as_posix()
        self.config.write_text(
            f"register = '{register}'\noutput_dir = \"reports\"\n{extra}", encoding="utf-8"
        )

    def env(self, **extra: str) -> dict[str, str]:
        """The user's environment, minus this test run's venv, with the fake xdg-open first."""
        own_bin = str(Path(sys.prefix) / "bin")
        path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != own_bin]
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")
            and not (key.startswith("REPORTER_") and key != "REPORTER_PIP_ARGS")
        }
        env["PATH"] = os.pathsep.join([str(self.fake_bin), *path])
        env["FAKE_OPEN_LOG"] = str(self.opened_log)
        env.update(extra)
        return env

    def run(
        self,
        *args: str,
        program: str = "run_report.sh",
        cwd: Path | None = None,
        timeout: int = RUN_TIMEOUT,
        **env: str,
    ) -> subprocess.CompletedProcess[str]:
        self.opened_log.unlink(missing_ok=True)
        command = ["bash", str(self.launchers / program), *args]
        if program.endswith(".command"):
            command = [str(self.launchers / program), *args]
        return subprocess.run(
            command,
            cwd=cwd or self.root,
            env=self.env(**env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
        )

    def opened(self, wait: float = 5.0) -> list[str]:
        """The paths the fake xdg-open was given (--open starts it without waiting for it)."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and not self.opened_log.exists():
            time.sleep(0.1)
        if not self.opened_log.exists():
            return []
        return self.opened_log.read_text(encoding="utf-8").splitlines()


def _copy_project(destination: Path) -> None:
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "reports", ".reporter-venv")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, destination / name)
    for name in ("reporter", "templates"):
        shutil.copytree(ROOT / name, destination / name, ignore=skip)
    shutil.copytree(
        LAUNCHERS,
        destination / "launchers",
        ignore=shutil.ignore_patterns("reporter.toml", "reports", ".reporter-venv"),
    )
    (destination / "sample_data").mkdir()
    shutil.copy2(ROOT / "sample_data" / "register.xlsx", destination / "sample_data")


def _fake_xdg_open(folder: Path) -> Path:
    folder.mkdir()
    script = folder / "xdg-open"
    script.write_text('#!/bin/sh\nprintf \'%s\\n\' "$@" >> "$FAKE_OPEN_LOG"\n', encoding="utf-8")
    script.chmod(0o755)
    return folder


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    base = tmp_path_factory.mktemp("launcher")
    root = base / "プロジェクト folder"  # Japanese and a space, as on a real PC
    root.mkdir()
    _copy_project(root)
    yield Project(root, _fake_xdg_open(base / "fakebin"), base / "opened.txt")


@dataclass
class FirstRun:
    result: subprocess.CompletedProcess[str]
    opened: list[str]

    @property
    def output(self) -> str:
        return _output(self.result)


@pytest.fixture(scope="module")
def first_run(project: Project) -> FirstRun:
    """The bootstrap, once per module; the tests after it reuse the venv it made."""
    project.write_config()
    result = project.run(timeout=FIRST_RUN_TIMEOUT)
    return FirstRun(result, project.opened())


def _output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


@needs_bash
def test_first_run_bootstraps_the_venv_and_writes_the_report(
    project: Project, first_run: FirstRun
) -> None:
    output = first_run.output
    assert first_run.result.returncode == 0, output
    assert CREATING_VENV in output and INSTALLING in output
    assert (project.venv / "bin" / "python").exists()
    assert (project.venv / "bin" / "reporter").exists()
    assert (project.venv / "reporter-stamp.txt").read_text().strip()

    reports = sorted(project.reports.glob("register-report-*.xlsx"))
    assert len(reports) == 1, output
    report = reports[0]
    assert report.with_suffix(".log").is_file(), "--log writes the log beside the report"
    assert first_run.opened == [str(report)]


@needs_bash
def test_second_run_reuses_the_venv_and_passes_arguments_on(
    project: Project, first_run: FirstRun
) -> None:
    assert first_run.result.returncode == 0, first_run.output
    project.write_config()
    result = project.run("--as-of", "2026-11-30")
    output = _output(result)
    assert result.returncode == 0, output
    assert INSTALLING not in output and CREATING_VENV not in output
    report = project.reports / "register-report-2026-11-30.xlsx"
    assert report.is_file() and report.with_suffix(".log").is_file()
    assert project.opened() == [str(report)]


@needs_bash
def test_scheduled_run_does_not_open_and_takes_reporter_args(
    project: Project, first_run: FirstRun
) -> None:
    assert first_run.result.returncode == 0, first_run.output
    project.write_config()
    result = project.run("--scheduled", REPORTER_ARGS="--lang en --as-of 2026-10-31")
    output = _output(result)
    assert result.returncode == 0, output
    assert "Report written" in output
    assert (project.reports / "register-report-2026-10-31.xlsx").is_file()
    assert project.opened(wait=1.0) == []


@needs_bash
def test_a_config_given_with_config_is_the_one_used(
    project: Project, first_run: FirstRun, tmp_path: Path
) -> None:
    # What `reporter schedule` passes: the config the job was made from, elsewhere.
    assert first_run.result.returncode == 0, first_run.output
    project.write_config()
    other = tmp_path / "チーム の設定"
    other.mkdir()
    register = (project.root / "sample_data" / "register.xlsx").as_posix()
    config = other / "reporter.toml"
    config.write_text(f"register = '{register}'\noutput_dir = \"monthly\"\n", encoding="utf-8")
    result = project.run("--scheduled", "--config", str(config), "--as-of", "2026-07-31")
    assert result.returncode == 0, _output(result)
    assert (other / "monthly" / "register-report-2026-07-31.xlsx").is_file()
    assert not (project.reports / "register-report-2026-07-31.xlsx").exists()
    missing = project.run("--scheduled", "--config", str(other / "gone.toml"))
    assert missing.returncode == 2
    assert "gone.toml" in _output(missing)


@needs_bash
def test_broken_config_fails_with_the_japanese_message_and_does_not_wait(
    project: Project, first_run: FirstRun
) -> None:
    assert first_run.result.returncode == 0, first_run.output
    project.write_config('colour = "blue"\n')
    try:
        result = project.run()
    finally:
        project.write_config()
    output = _output(result)
    assert result.returncode == 2, output
    assert "colour" in output, "the reporter names the unknown key"
    assert FAILED in output
    assert project.opened(wait=0.5) == []


@needs_bash
def test_command_file_works_when_started_from_another_folder(
    project: Project, first_run: FirstRun, tmp_path: Path
) -> None:
    assert first_run.result.returncode == 0, first_run.output
    project.write_config()
    result = project.run("--as-of", "2026-09-30", program="run_report.command", cwd=tmp_path)
    output = _output(result)
    assert result.returncode == 0, output
    assert (project.reports / "register-report-2026-09-30.xlsx").is_file()
    assert not list(tmp_path.iterdir()), "nothing is written where Finder started it"


@needs_bash
def test_a_changed_project_is_reinstalled(project: Project, first_run: FirstRun) -> None:
    assert first_run.result.returncode == 0, first_run.output
    project.write_config()
    init = project.root / "reporter" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8") + "\n# updated\n", encoding="utf-8")
    result = project.run("--as-of", "2026-08-31", timeout=FIRST_RUN_TIMEOUT)
    output = _output(result)
    assert result.returncode == 0, output
    assert INSTALLING in output and CREATING_VENV not in output
    again = project.run("--as-of", "2026-08-31")
    assert again.returncode == 0 and INSTALLING not in _output(again)


@needs_bash
def test_missing_config_is_created_from_the_template(tmp_path: Path) -> None:
    # Only launchers/ and templates/: the launcher stops before it needs Python.
    shutil.copytree(LAUNCHERS, tmp_path / "launchers", ignore=shutil.ignore_patterns("*.toml"))
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    opened = tmp_path / "opened.txt"
    project = Project(tmp_path, _fake_xdg_open(tmp_path / "fakebin"), opened)
    result = project.run(timeout=30)
    output = _output(result)
    assert result.returncode == 2, output
    assert project.config.read_bytes() == TEMPLATE.read_bytes()
    assert "ひな形を作りました" in output and str(project.config) in output
    assert not (tmp_path / ".reporter-venv").exists()
    assert PRESS_ENTER not in output, "no key to wait for without a terminal"


@needs_bash
@pytest.mark.parametrize("scheduled", [False, True], ids=["double-click", "scheduled"])
def test_failure_waits_for_a_key_on_a_terminal_unless_scheduled(
    tmp_path: Path, scheduled: bool
) -> None:
    import pty

    shutil.copytree(LAUNCHERS, tmp_path / "launchers", ignore=shutil.ignore_patterns("*.toml"))
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    # No config, so the launcher fails (exit 2) before it needs Python.
    controller, terminal = pty.openpty()
    try:
        os.write(controller, b"\n")  # the key the user presses
        result = subprocess.run(
            ["bash", str(tmp_path / "launchers" / "run_report.sh")]
            + (["--scheduled"] if scheduled else []),
            stdin=terminal,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=30,
        )
    finally:
        os.close(terminal)
        os.close(controller)
    assert result.returncode == 2, result.stdout + result.stderr
    assert (PRESS_ENTER in result.stderr) is not scheduled


# --- the Windows and macOS launchers, as text -----------------------------------------------


def _bat_text() -> str:
    return BAT.read_bytes().decode("utf-8")


def test_bat_has_crlf_line_endings_and_no_bom() -> None:
    data = BAT.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf"), "a BOM breaks the first line (@echo off)"
    data.decode("utf-8")
    assert data.endswith(b"\r\n")
    lines = data.split(b"\n")[:-1]
    bad = [number for number, line in enumerate(lines, 1) if not line.endswith(b"\r")]
    assert not bad, f"lines without CRLF: {bad[:10]}"
    assert b"\r" not in data.replace(b"\r\n", b""), "a lone CR"


def test_bat_switches_to_utf8_before_any_japanese() -> None:
    lines = _bat_text().splitlines()
    chcp = next(n for n, line in enumerate(lines) if line.strip().lower() == "chcp 65001 >nul")
    first_non_ascii = next(n for n, line in enumerate(lines) if not line.isascii())
    assert chcp < first_non_ascii
    assert lines[0].lower() == "@echo off"
    # Japanese only in echo lines: a command with Japanese in it would depend on the code page.
    for line in lines:
        if not line.isascii():
            assert line.lower().startswith("echo "), line


def test_bat_pauses_only_on_failure_and_not_when_scheduled() -> None:
    text = _bat_text()
    finish = text.split("\n:finish\r\n", 1)[1]
    steps = [line.strip() for line in finish.splitlines()]
    assert "pause" in steps
    pause = steps.index("pause")
    assert steps.index('if "%RC%"=="0" goto end') < pause
    assert steps.index("if defined SCHEDULED goto end") < pause
    assert steps[-1] == "exit /b %RC%"
    assert [line.strip() for line in text.splitlines()].count("pause") == 1
    assert FAILED in text


def test_bat_every_goto_has_its_label() -> None:
    text = _bat_text()
    labels = {m.lower() for m in re.findall(r"^:(\w+)", text, re.MULTILINE)}
    targets = {m.lower() for m in re.findall(r"\bgoto\s+:?(\w+)", text, re.IGNORECASE)}
    assert targets <= labels, targets - labels


def _command(text: str, marker: str) -> list[str]:
    """The command line containing ``marker``, with variables written as {NAME} in both languages."""
    lines = [
        line
        for line in text.splitlines()
        if marker in line and not re.match(r"\s*(#|rem\b)", line, re.IGNORECASE)
    ]
    assert len(lines) == 1, f"one line with {marker!r}, found {lines}"
    line = lines[0].strip()
    line = re.sub(r"^if ! ", "", line)
    line = re.split(r";\s*then\b|\s\|\|\s|\s>", line)[0]
    tokens = []
    for token in shlex.split(line.replace("\\", "/"), posix=False):
        token = token.strip('"')
        token = re.sub(r"%(\w+)%", r"{\1}", token)  # cmd: %NAME%
        token = re.sub(r"\$\{(\w+)(\[@\])?\}|\$(\w+)", lambda m: f"{{{m[1] or m[3]}}}", token)
        tokens.append(token)
    return tokens


@pytest.mark.parametrize(
    "marker",
    [" -m venv ", " -m pip install ", " report --config "],
    ids=["venv", "pip", "reporter"],
)
def test_bat_runs_the_same_commands_as_the_shell_launcher(marker: str) -> None:
    bat = _command(_bat_text(), marker)
    shell = _command(SH.read_text(encoding="utf-8"), marker)
    if marker == " report --config ":
        assert bat[0] == "{VENV}/Scripts/reporter.exe" and shell[0] == "{VENV}/bin/reporter"
        bat, shell = bat[1:], shell[1:]
        assert shell == ["report", "--config", "{CONFIG}", "{OPEN}", "--log", "{EXTRA}", "{ARGS}"]
    assert bat == shell


def test_both_launchers_open_the_report_unless_scheduled_and_share_their_python() -> None:
    bat, shell = _bat_text(), SH.read_text(encoding="utf-8")
    assert 'set "OPEN=--open"' in bat and 'set "OPEN="' in bat
    assert "OPEN=(--open)" in shell and "OPEN=()" in shell
    for name in ("STAMP_PY", "PYCHECK"):
        in_bat = re.search(rf'^set "{name}=(.*)"\r?$', bat, re.MULTILINE)
        in_shell = re.search(rf'^{name}="(.*)"$', shell, re.MULTILINE)
        assert in_bat and in_shell and in_bat[1] == in_shell[1], name
    assert 'py -3 -c "%PYCHECK%"' in bat and 'python -c "%PYCHECK%"' in bat


def test_shell_launchers_are_executable_and_command_goes_to_its_folder() -> None:
    for path in (SH, COMMAND):
        assert path.stat().st_mode & stat.S_IXUSR, f"chmod +x {path.name}"
        data = path.read_bytes()
        assert data.startswith(b"#!"), path.name
        assert b"\r" not in data, f"{path.name} must have LF line endings"
    lines = COMMAND.read_text(encoding="utf-8").splitlines()
    cd = next(n for n, line in enumerate(lines) if line.startswith('cd "$(dirname "$0")"'))
    run = next(n for n, line in enumerate(lines) if "run_report.sh" in line and "exec" in line)
    assert cd < run


# --- the config template and the guide ------------------------------------------------------


def test_template_loads_and_has_exactly_the_settings_of_the_spec() -> None:
    loaded = load_config(TEMPLATE)
    assert loaded.output_dir == "reports" and loaded.lang == "ja"
    data = tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))
    # Every key, set or commented out, is compared with known_keys() in tests/test_config.py.
    assert set(data) == {key.split(".")[0] for key in config_module.known_keys()}
    assert set(data["email"]) <= {
        key.split(".")[1] for key in config_module.known_keys() if key.startswith("email.")
    }
    assert "password" not in data["email"] and "client_secret" not in data["email"]


def test_guide_documents_every_variable_the_launchers_read() -> None:
    guide = (LAUNCHERS / "README.md").read_text(encoding="utf-8")
    used = set()
    for path in (BAT, SH):
        used |= set(re.findall(r"REPORTER_[A-Z_]+", path.read_text(encoding="utf-8")))
    assert used, "the launchers read REPORTER_* variables"
    missing = sorted(name for name in used if name not in guide)
    assert not missing, f"document in launchers/README.md: {missing}"
    assert "--scheduled" in guide and ".reporter-venv" in guide


def test_the_bat_names_exit_70_as_a_bug() -> None:
    text = BAT.read_text(encoding="utf-8")
    assert 'if "%RC%"=="70" goto failed_bug' in text
    bug = text.split(":failed_bug", 1)[1].split("goto finish", 1)[0]
    assert "不具合" in bug and "ログ" in bug


def test_the_guide_reads_as_a_windows_user_needs_it() -> None:
    guide = (LAUNCHERS / "README.md").read_text(encoding="utf-8")
    japanese, english = guide.split("## English (short)")
    # Where the folder comes from, and a ZIP to extract first.
    assert "フォルダーを手に入れます" in japanese and "すべて展開" in japanese
    # A .toml opens in Notepad by right-click, and Explorer hides the extensions.
    assert "右クリック →「プログラムから開く」→「メモ帳」" in japanese
    assert "「run_report」" in japanese and "ファイル名拡張子" in japanese
    # Every command is typed in the launchers folder, with the same relative path.
    assert "..\\.reporter-venv\\Scripts\\keyring set reporter" in japanese
    assert "`.reporter-venv\\Scripts\\keyring" not in guide
    # Exit 70 in the table, and the module the PowerShell steps need.
    assert re.search(r"^\| 70 \(0x46\) \|", japanese, re.M)
    assert "Install-Module ExchangeOnlineManagement" in japanese
    assert "70 a bug" in english
    # The English summary must not advise a tenant-wide Mail.Send grant.
    assert "an Entra ID app with Mail.Send" not in english
    assert "no Mail.Send permission granted in Entra ID" in " ".join(english.split())
