"""The contract in docs/ matches the code: every sheet, column, JSON field and config key.

What the code knows is read from the code: the sheets and columns from
reporter/register/schema.py, the JSON fields from what the JSON writer writes,
the config keys from reporter.config. What the docs say is read from their
tables (a key in backquotes in the first column, or the second for columns).
A failure names the key and the doc to change: a key added to the code needs a
row in its doc, a row left in a doc for a key the code no longer knows goes.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from reporter import config
from reporter.api import check
from reporter.errors import EXIT_BUG, EXIT_INPUT, EXIT_OUTPUT
from reporter.output.json_output import JSON_FINDING_FIELDS, to_json_data
from reporter.register.schema import ENUM, SHEETS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REGISTER_DOC = DOCS / "register.md"
JSON_DOC = DOCS / "json.md"
CONFIG_DOC = DOCS / "config.md"
SAMPLE = ROOT / "sample_data" / "register.xlsx"
MISSING_SHEET = ROOT / "sample_data" / "register-missing-sheet.xlsx"

# Columns of the contract's revision 3 that docs/register.md describes before the
# code reads them. Once the schema has one, this test says to take it out of here.
PENDING_COLUMNS: set[tuple[str, str]] = set()

_SHEET_HEADING = re.compile(r"^### (?P<ja>.+?) / (?P<en>.+?) — `(?P<key>[a-z_]+)`")
_CODE = re.compile(r"`([^`]+)`")


def _table_rows(lines: list[str]) -> list[list[str]]:
    """The body rows of the Markdown tables in ``lines``, as lists of cell texts."""
    rows = []
    for line in lines:
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        rows.append(cells)
    return rows


def _first_code(cell: str) -> str | None:
    match = _CODE.fullmatch(cell.strip())
    return match[1] if match else None


def _documented_keys(path: Path, column: int = 0) -> list[str]:
    """The keys in backquotes that start a table row of ``path`` (header rows have none)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    keys = []
    for cells in _table_rows(lines):
        key = _first_code(cells[column]) if len(cells) > column else None
        if key is not None:
            keys.append(key)
    return keys


def _missing_and_extra(code: list[str], documented: list[str]) -> tuple[list[str], list[str]]:
    return (
        [k for k in code if k not in documented],
        [k for k in documented if k not in code],
    )


# --- docs/register.md --------------------------------------------------------------


def register_doc() -> dict[str, dict[str, Any]]:
    """Sheet key -> its heading's names and its table rows by column key."""
    sheets: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    for line in REGISTER_DOC.read_text(encoding="utf-8").splitlines():
        heading = _SHEET_HEADING.match(line)
        if heading:
            current = sheets[heading["key"]] = {
                "ja": heading["ja"],
                "en": heading["en"],
                "columns": {},
            }
        elif line.startswith("#"):
            current = None
        elif current is not None:
            for cells in _table_rows([line]):
                key = _first_code(cells[1]) if len(cells) > 1 else None
                if key is not None:
                    current["columns"][key] = cells
    return sheets


def test_every_sheet_of_the_schema_is_in_docs_register_md_and_no_other() -> None:
    documented = register_doc()
    missing, extra = _missing_and_extra([s.key for s in SHEETS], list(documented))
    assert not missing, (
        f"docs/register.md has no section for the sheet(s) {missing}: add a heading "
        "'### <日本語> / <English> — `<key>` (…)' and its table of columns"
    )
    assert not extra, f"docs/register.md documents sheet(s) {extra} that schema.py does not know"
    for spec in SHEETS:
        assert (documented[spec.key]["ja"], documented[spec.key]["en"]) == (spec.ja, spec.en), (
            f"docs/register.md names the sheet {spec.key} differently from schema.py "
            f"({spec.ja} / {spec.en})"
        )


@pytest.mark.parametrize("spec", SHEETS, ids=lambda spec: spec.key)
def test_every_column_is_in_docs_register_md_with_its_name_and_values(spec: Any) -> None:
    rows = register_doc()[spec.key]["columns"]
    keys = [column.key for column in spec.columns]
    missing, extra = _missing_and_extra(keys, list(rows))
    assert not missing, (
        f"docs/register.md, sheet {spec.key}: no row for the column(s) {missing}: add "
        "'| <日本語の列名> | `<key>` | <required> | <values> | <notes> |'"
    )
    pending = [key for key in extra if (spec.key, key) in PENDING_COLUMNS]
    unknown = [key for key in extra if (spec.key, key) not in PENDING_COLUMNS]
    assert not unknown, (
        f"docs/register.md, sheet {spec.key}: the column(s) {unknown} are not in schema.py"
    )
    now_read = [key for key in keys if (spec.key, key) in PENDING_COLUMNS]
    assert not now_read, (
        f"schema.py now reads {spec.key}.{now_read}: take it out of PENDING_COLUMNS "
        "in tests/test_contract_docs.py"
    )
    assert all("revision 3" in rows[key][-1] for key in pending)
    for column in spec.columns:
        cells = rows[column.key]
        assert cells[0] == column.ja, (
            f"docs/register.md, sheet {spec.key}: the column {column.key} is "
            f"{column.ja!r} in schema.py, {cells[0]!r} in the doc"
        )
        if column.kind == ENUM:
            assert column.enum is not None
            codes = set(_CODE.findall(cells[3]))
            assert codes == set(column.enum.values), (
                f"docs/register.md, {spec.key}.{column.key}: the values column lists "
                f"{sorted(codes)}, schema.py allows {sorted(column.enum.values)}"
            )


# --- docs/json.md ------------------------------------------------------------------


def json_fields() -> list[str]:
    """Every field the JSON writer writes, as docs/json.md names them (findings[].code …).

    Read from what it writes for the sample register (excepted findings included)
    and for the one without a notices sheet (rules skipped): a top-level key, a
    member of a list's objects (``findings[].code``), a member of a table of
    objects keyed by sheet (``rows.<sheet>.read``).
    """
    fields: list[str] = []

    def add(name: str) -> None:
        if name not in fields:
            fields.append(name)

    for path in (SAMPLE, MISSING_SHEET):
        data = to_json_data(check(path, as_of="2026-11-30"), "ja", str(path))
        for key, value in data.items():
            add(key)
            if isinstance(value, list):
                for item in value:
                    for member in item if isinstance(item, dict) else ():
                        add(f"{key}[].{member}")
            elif isinstance(value, dict):
                for item in value.values():
                    for member in item if isinstance(item, dict) else ():
                        add(f"{key}.<sheet>.{member}")
    for key in JSON_FINDING_FIELDS:
        add(f"findings[].{key}")
    return fields


def test_the_runs_read_cover_every_part_of_the_json() -> None:
    fields = json_fields()
    assert "findings[].exception" in fields  # the sample register has excepted findings
    assert any(f.startswith("skipped_rules[].") for f in fields)
    assert any(f.startswith("rows.<sheet>.") for f in fields)


def test_every_json_field_is_in_docs_json_md_and_no_other() -> None:
    missing, extra = _missing_and_extra(json_fields(), _documented_keys(JSON_DOC))
    assert not missing, (
        f"docs/json.md does not document the JSON field(s) {missing}: add a row "
        "'| `<field>` | <type> | <meaning> |' to its table"
    )
    assert not extra, f"docs/json.md documents {extra}, which the JSON writer does not write"


# --- docs/config.md ----------------------------------------------------------------


def config_keys() -> list[str]:
    """Every key the config file can hold, dotted (``email.smtp_host``), from reporter.config.

    ``config.known_keys()`` where the module has it; else its tables of keys.
    """
    known = getattr(config, "known_keys", None)
    if known is not None:
        return list(known())
    keys = []
    for key, kind in config._TOP.items():
        table = getattr(config, f"_{key.upper()}", None) if kind is dict else None
        keys += [f"{key}.{name}" for name in table] if table is not None else [key]
    return keys


def test_every_config_key_is_in_docs_config_md_and_no_other() -> None:
    keys = config_keys()
    assert "email.smtp_host" in keys and "register" in keys
    missing, extra = _missing_and_extra(keys, _documented_keys(CONFIG_DOC))
    assert not missing, (
        f"docs/config.md does not document the config key(s) {missing}: add a row "
        "'| `<key>` | <type> | <default> | <meaning> |' to its table"
    )
    assert not extra, f"docs/config.md documents {extra}, which reporter.config does not know"


def test_every_config_key_is_in_the_template() -> None:
    template = (ROOT / "templates" / "reporter.toml").read_text(encoding="utf-8")
    absent = [key for key in config_keys() if key.rsplit(".", 1)[-1] not in template]
    assert not absent, f"templates/reporter.toml does not mention {absent}"


# --- README ------------------------------------------------------------------------


def test_the_readme_points_to_the_docs_and_states_every_exit_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in (REGISTER_DOC, JSON_DOC, CONFIG_DOC):
        assert f"docs/{doc.name}" in readme, f"README.md does not point to docs/{doc.name}"
    assert "register-spec.md" not in readme
    (codes,) = [p for p in readme.split("\n\n") if p.startswith("Exit codes:")]
    for code in (0, 1, EXIT_INPUT, EXIT_OUTPUT, EXIT_BUG):
        assert f"`{code}`" in codes, f"README.md's exit codes do not state {code}"


# --- the parsers themselves ----------------------------------------------------------


def test_a_table_row_yields_its_key_and_a_heading_row_none(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(
        "| key | meaning |\n|---|---|\n| `email.to` | a list |\n| not a key | x |\n",
        encoding="utf-8",
    )
    assert _documented_keys(doc) == ["email.to"]


def test_the_accessor_prefers_known_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "known_keys", lambda: ["a", "b.c"], raising=False)
    assert config_keys() == ["a", "b.c"]


def test_a_schema_column_unknown_to_the_doc_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = SHEETS[1]
    extra = dataclasses.replace(spec.columns[0], key="brand_new", ja="新しい列")
    changed = dataclasses.replace(spec, columns=(*spec.columns, extra), column_by_key={})
    with pytest.raises(
        AssertionError, match=r"sheet tools: no row for the column\(s\) \['brand_new'\]"
    ):
        test_every_column_is_in_docs_register_md_with_its_name_and_values(changed)
