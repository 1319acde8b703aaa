# Two commands a newcomer needs: `make report` and `make test`.
# Each creates what it needs (a venv with the package, LibreOffice for the
# round-trip test) by itself.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The sample register is written for 2026-11-30: `make report` and `make check` run at
# that date, so that every rule code of the sample still appears (expected_codes.txt);
# AS_OF=YYYY-MM-DD runs at another date.
SAMPLE_AS_OF := 2026-11-30
AS_OF ?= $(SAMPLE_AS_OF)
REPORT_ARGS := --as-of $(AS_OF)

.PHONY: test report check lint sample templates docs bench bench-smoke libreoffice clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The monthly report on the bundled sample register, written to reports/.
report: $(BIN)/.installed
	$(BIN)/reporter report sample_data/register.xlsx --out reports/ $(REPORT_ARGS)

check: $(BIN)/.installed
	$(BIN)/reporter check sample_data/register.xlsx $(REPORT_ARGS) --fail-on never

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/blinter launchers/run_report.bat --config launchers/blinter.ini --fail-on style

test: $(BIN)/.installed libreoffice lint
	$(BIN)/python -m pytest -q

# LibreOffice Calc opens the report in the round-trip test and prints it to PDF;
# pdftotext (poppler-utils) reads the pages back, and a Japanese font lays the
# pages out as on a Japanese desktop. Installed when missing. LibreOffice 25.2 or
# newer fits the report's rows to their text on opening (7.4 keeps the heights as
# written; tests/test_row_heights.py); Debian 12 has it in bookworm-backports. An
# older LibreOffice already installed is upgraded on CI only; elsewhere the test
# that needs 25.2 skips.
LIBREOFFICE_AT_LEAST := 25.2
BACKPORTS_SOURCE := /etc/apt/sources.list.d/bookworm-backports.sources

libreoffice:
	@SOFFICE=$$(command -v soffice || command -v libreoffice || true); \
	VERSION=$$( [ -n "$$SOFFICE" ] && "$$SOFFICE" --version 2>/dev/null | cut -d' ' -f1-2 ); \
	NEW_ENOUGH=$$( echo "$$VERSION" | \
		awk -v min=$(LIBREOFFICE_AT_LEAST) '{ split($$2, v, "."); split(min, m, "."); \
			print (v[1] > m[1] || (v[1] == m[1] && v[2] >= m[2])) ? "yes" : "no"; exit }' ); \
	if [ -n "$$SOFFICE" ] && command -v pdftotext >/dev/null 2>&1 && \
		{ ! command -v fc-list >/dev/null 2>&1 || [ -n "$$(fc-list :lang=ja)" ]; } && \
		{ [ "$$NEW_ENOUGH" = yes ] || [ -z "$$CI" ]; }; then \
		[ "$$NEW_ENOUGH" = yes ] || echo "$$VERSION: the row-gap test needs $(LIBREOFFICE_AT_LEAST) and will be skipped (CI=true make libreoffice upgrades it)."; \
	elif command -v apt-get >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		FROM=; \
		if grep -qs '^VERSION_CODENAME=bookworm' /etc/os-release; then \
			grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ || \
				printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm-backports' \
					'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' | \
				$$SUDO tee $(BACKPORTS_SOURCE) >/dev/null; \
			FROM="-t bookworm-backports"; \
		fi; \
		echo "Installing LibreOffice Calc ($(LIBREOFFICE_AT_LEAST) or newer), poppler-utils and a Japanese font (for the print tests)…"; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$FROM \
			libreoffice-calc-nogui poppler-utils fonts-ipafont-gothic >/dev/null; \
	else \
		echo "LibreOffice or pdftotext not found and no apt-get: the print tests will be skipped."; \
	fi

sample: $(BIN)/.installed
	$(BIN)/python sample_data/make_sample.py

templates: $(BIN)/.installed
	$(BIN)/python templates/make_templates.py

bench: $(BIN)/.installed
	$(BIN)/python bench/run_bench.py

bench-smoke: $(BIN)/.installed
	$(BIN)/python bench/run_bench.py --sizes 1000 --no-write

clean:
	rm -rf $(VENV) reports .pytest_cache .ruff_cache

# docs/rules.md (Japanese) and docs/rules.en.md, from the registry and tests/rule_cases/;
# docs/summary.png (the README's picture) and docs/summary.json from the sample's real
# report, printed through LibreOffice.
docs: $(BIN)/.installed libreoffice
	$(BIN)/python -m reporter.output.catalogue ja > docs/rules.md
	$(BIN)/python -m reporter.output.catalogue en > docs/rules.en.md
	$(BIN)/python docs/make_summary_png.py
