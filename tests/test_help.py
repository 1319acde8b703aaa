"""`reporter --help`, each command's help, `--version` and a bare `reporter`."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from reporter import __version__
from reporter.cli import app, help_language

COMMANDS = ("check", "report", "remind", "init", "rules", "schedule")


def test_version_prints_the_version_and_exits_0() -> None:
    done = CliRunner().invoke(app, ["--version"])
    assert done.exit_code == 0
    assert done.output.strip() == f"reporter {__version__}"


def test_a_bare_reporter_prints_the_usage_and_exits_0() -> None:
    done = CliRunner().invoke(app, [])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("Usage: reporter")
    for command in COMMANDS:
        assert re.search(rf"^\s+{command}\s+\S", done.output, re.M), command


def test_the_command_list_is_never_cut_off() -> None:
    done = CliRunner().invoke(app, ["--help"])
    assert done.exit_code == 0
    listed = done.output.split("Commands:")[1]
    assert "..." not in listed and "…" not in listed
    # Each command has a short line of its own, in Japanese.
    lines = {line.split()[0]: line for line in listed.strip().splitlines()}
    assert set(lines) == set(COMMANDS)
    assert "台帳" in lines["check"] and "レポート" in lines["report"]
    for command, line in lines.items():
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", line), line
        assert " / " not in line, f"{command}: one language per line"


@pytest.mark.parametrize("command", COMMANDS)
def test_option_help_is_in_japanese(command: str) -> None:
    done = CliRunner().invoke(app, [command, "--help"])
    assert done.exit_code == 0, done.output
    options = done.output.split("Options:")[1]
    described = 0
    for line in options.splitlines():
        match = re.match(r"\s+(-[-\w, /]+?)(?:\s+<\w+>)?\s{2,}(\S.*)", line)
        if match:
            assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", match.group(2)), line
            described += 1
    assert described >= 4, options  # the options were read, --help among them
    assert "Show this message" not in options
    # Click's own "[default: …]" would be English beside the Japanese, which names it.
    assert "[default" not in options


def test_help_with_lang_en_is_in_english() -> None:
    # The help's language is read from the command line when the CLI is imported:
    # a process of its own.
    done = subprocess.run(
        [sys.executable, "-m", "reporter", "report", "--lang", "en", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    options = done.stdout.split("Options:")[1]
    assert "--help" in options and "Show this message and exit." in options
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", options), options


def test_the_register_argument_names_the_five_formats() -> None:
    done = CliRunner().invoke(app, ["check", "--help"])
    text = " ".join(done.output.split())
    assert ".xlsx .xlsm .xlsb .xls .ods" in text


def test_json_is_described_as_what_it_gives() -> None:
    done = CliRunner().invoke(app, ["check", "--help"])
    text = " ".join(done.output.split())
    assert "Print the JSON of the spec" not in text
    assert "JSON" in text and "4章" in text


def test_help_follows_lang_on_the_command_line() -> None:
    assert help_language(["report", "--help"]) == "ja"
    assert help_language(["report", "--lang", "en", "--help"]) == "en"
    assert help_language(["report", "--lang=en", "--help"]) == "en"
    assert help_language(["report", "--lang", "fr", "--help"]) == "ja"
    assert help_language(["report", "--lang"]) == "ja"
