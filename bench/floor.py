"""The reading floor: read every sheet of a workbook with python-calamine, and nothing else.

    python bench/floor.py FILE

No reporter code and no other library is imported, so the time of this process
is what any reader of the same file pays at least (interpreter start-up, unzip,
XML parse, Python objects for every cell). The benchmark divides the reporter's
times by it.
"""

from __future__ import annotations

import sys

from python_calamine import CalamineWorkbook


def read_all(path: str) -> int:
    """Read every sheet into Python lists; return the number of cells, so nothing is skipped."""
    workbook = CalamineWorkbook.from_path(path)
    cells = 0
    for name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(name).to_python()
        cells += sum(len(row) for row in rows)
    return cells


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: floor.py FILE", file=sys.stderr)
        return 2
    print(read_all(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
