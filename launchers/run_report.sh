#!/usr/bin/env bash
# run_report.sh: make the monthly report with one command (Linux; macOS runs it
# through run_report.command). Guide: launchers/README.md.
#
# First run: creates the venv .reporter-venv in the project folder (the folder
# with pyproject.toml, one up from here) and installs the reporter into it.
# Later runs reuse it and reinstall only when pyproject.toml or reporter/ changed.
# Every run: reporter report --config reporter.toml --open --log, with the
# reporter.toml beside this file (else the one in the project folder).
# On failure: a message in Japanese, then wait for Enter (only on a terminal).
#
# Arguments: --scheduled (for cron: do not open the report, never wait for a
#   key); --config FILE (use this config instead of the reporter.toml found as
#   below); any other argument is passed on to `reporter report` (e.g. --email).
# Environment (all optional):
#   REPORTER_ARGS       more options for `reporter report`, e.g. "--email"
#   REPORTER_PYTHON     the Python that creates the venv (default: the newest python3 >= 3.11)
#   REPORTER_VENV       the venv folder (default: PROJECT/.reporter-venv)
#   REPORTER_VENV_ARGS  more options for `python -m venv`
#   REPORTER_PIP_ARGS   more options for `pip install`, e.g. "--find-links DIR"
# Exit code: the reporter's (0 done, 1 findings at or above --fail-on, 2 bad
# config or register, 3 report not written or sent, 70 a bug in the reporter); 4 Python or
# the install failed.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
VENV="${REPORTER_VENV:-$ROOT/.reporter-venv}"
VPY="$VENV/bin/python"
STAMP="$VENV/reporter-stamp.txt"
# A hash of pyproject.toml and reporter/: the installed copy is stale when it changes.
STAMP_PY="import hashlib, pathlib, sys; r = pathlib.Path(sys.argv[1]); h = hashlib.sha256(); [h.update(p.relative_to(r).as_posix().encode() + bytes(1) + p.read_bytes()) for p in sorted([r / 'pyproject.toml', *r.glob('reporter/**/*')]) if p.is_file() and '__pycache__' not in p.parts]; print(h.hexdigest())"
PYCHECK="import sys, venv; sys.exit(sys.version_info < (3, 11))"

SCHEDULED=""
OPEN=(--open)
ARGS=()
CONFIG=""
while [ "$#" -gt 0 ]; do
    case "$1" in
        --scheduled)
            SCHEDULED=1
            OPEN=()
            ;;
        # The config to use (reporter schedule passes the one the job was made from).
        "--config")
            CONFIG="${2:-}"
            shift
            ;;
        --config=*) CONFIG="${1#--config=}" ;;
        *) ARGS+=("$1") ;;
    esac
    shift
done
read -r -a EXTRA <<<"${REPORTER_ARGS:-}"
read -r -a VENV_ARGS <<<"${REPORTER_VENV_ARGS:-}"
read -r -a PIP_ARGS <<<"${REPORTER_PIP_ARGS:-}"

finish() {
    if [ "$1" -ne 0 ] && [ -z "$SCHEDULED" ] && [ -t 0 ]; then
        read -r -p "Enter キーを押すと閉じます / Press Enter to close. " _ || true
    fi
    exit "$1"
}

fail() {
    local code="$1"
    shift
    echo >&2
    printf '%s\n' "$@" >&2
    finish "$code"
}

# 1. The config: the one given with --config, else beside this file, else in the project folder.
if [ -n "$CONFIG" ]; then
    if [ ! -f "$CONFIG" ]; then
        fail 2 "指定された設定ファイルが見つかりません: $CONFIG" \
            "ファイルを移動した場合は、reporter schedule で自動実行を登録し直してください。" \
            "English: the config file given with --config does not exist: $CONFIG" \
            "If it was moved, set up the scheduled run again with reporter schedule."
    fi
    # Absolute: the report runs from this folder (below), not from where we were started.
    CONFIG="$(cd "$(dirname "$CONFIG")" && pwd)/$(basename "$CONFIG")"
elif [ -f "$HERE/reporter.toml" ]; then
    CONFIG="$HERE/reporter.toml"
elif [ -f "$ROOT/reporter.toml" ]; then
    CONFIG="$ROOT/reporter.toml"
else
    if ! cp "$ROOT/templates/reporter.toml" "$HERE/reporter.toml"; then
        fail 2 "設定ファイル reporter.toml がなく、ひな形もコピーできませんでした。" \
            "No reporter.toml, and the template could not be copied to $HERE."
    fi
    fail 2 "設定ファイルがなかったので、ひな形を作りました: $HERE/reporter.toml" \
        "テキストエディタで開き、register(台帳の場所)と output_dir(レポートの保存先)を書き換えてから、もう一度実行してください。" \
        "English: there was no config file, so a template was written to $HERE/reporter.toml." \
        "Edit 'register' and 'output_dir' in it, then run this again."
fi

# 2. The venv: create it (again) when it is missing or its Python no longer runs.
if ! "$VPY" -c "import sys" >/dev/null 2>&1; then
    PY=""
    if [ -n "${REPORTER_PYTHON:-}" ]; then
        candidates=("$REPORTER_PYTHON")
    else
        # Versioned names first: on a Mac without the developer tools, a bare
        # /usr/bin/python3 asks to install them.
        candidates=(python3.13 python3.12 python3.11
            /Library/Frameworks/Python.framework/Versions/3.1[1-9]/bin/python3
            /opt/homebrew/bin/python3 /usr/local/bin/python3 python3 python)
    fi
    for candidate in "${candidates[@]}"; do
        if "$candidate" -c "$PYCHECK" >/dev/null 2>&1; then
            PY="$candidate"
            break
        fi
    done
    if [ -z "$PY" ]; then
        fail 4 "Python 3.11 以上が見つかりません。" \
            "Mac: https://www.python.org/downloads/ から Python をインストールしてください。" \
            "Linux: sudo apt install python3 python3-venv(または各ディストリビューションの方法)で入れてください。" \
            "インストールしたら、もう一度実行してください。" \
            "English: Python 3.11 or newer was not found. Install it from https://www.python.org/downloads/" \
            "(Linux: your package manager, e.g. python3 and python3-venv), then run this again."
    fi
    echo "初回の準備: Python の環境を作っています… / First run: creating the Python environment in $VENV"
    if ! "$PY" -m venv --clear "${VENV_ARGS[@]}" "$VENV"; then
        fail 4 "Python の環境を作れませんでした。上のメッセージを確認してください。" \
            "Linux では sudo apt install python3-venv が必要なことがあります。" \
            "English: could not create the Python environment (on Linux: sudo apt install python3-venv)."
    fi
fi

# 3. Install the reporter when it is not installed or the project changed.
WANT="$("$VPY" -c "$STAMP_PY" "$ROOT")"
HAVE="$(cat "$STAMP" 2>/dev/null)"
if [ "$WANT" != "$HAVE" ] || [ ! -x "$VENV/bin/reporter" ]; then
    echo "reporter をインストールしています(数分かかることがあります)… / Installing the reporter…"
    if ! "$VPY" -m pip install --disable-pip-version-check "${PIP_ARGS[@]}" "${ROOT}[keyring]"; then
        fail 4 "reporter をインストールできませんでした。インターネットにつながっているか確認してください。" \
            "English: could not install the reporter. Check the internet connection and the messages above."
    fi
    printf '%s\n' "$WANT" >"$STAMP"
fi

# 4. The report.
cd "$HERE" || finish 4
"$VENV/bin/reporter" report --config "$CONFIG" "${OPEN[@]}" --log "${EXTRA[@]}" "${ARGS[@]}"
RC=$?
case "$RC" in
    0) finish 0 ;;
    1) fail 1 "レポートは作りましたが、対応が必要な問題があります。上のメッセージを確認してください。" \
        "English: the report was written, with findings at or above --fail-on." ;;
    70) fail 70 "reporter の不具合で止まりました(台帳や設定の誤りではありません)。" \
        "上に表示されたログファイルを、管理者(保守の担当者)に送ってください。" \
        "English: reporter stopped on a bug of its own, not on your input; send the log file named above to the maintainer." ;;
    3) fail 3 "レポートを作れませんでした。上のメッセージを確認してください。" \
        "レポートを Excel で開いたままなら閉じてから、もう一度実行してください。" \
        "English: the report could not be written or sent; see the message above." ;;
    *) fail "$RC" "レポートを作れませんでした。上のメッセージを確認してください。" \
        "設定ファイル $CONFIG と台帳を確認してください。" \
        "English: the report could not be made; see the message above." ;;
esac
