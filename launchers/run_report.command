#!/bin/bash
# run_report.command: double-click in Finder to make the monthly report (macOS).
# Finder starts it in the home folder, so go to this file's folder first; the
# work is done by run_report.sh beside it (guide: README.md in this folder).
cd "$(dirname "$0")" || exit 4
exec /bin/bash ./run_report.sh "$@"
