"""Write templates/register-template.xlsx, the blank Japanese register, from reporter.register.schema.

Run it after changing the schema or the wording of reporter/template.py:

    python templates/make_templates.py

tests/test_template.py fails while the committed template differs from what
``write_blank_register`` writes now.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "register-template.xlsx"

# Use this checkout's reporter package, installed or not.
sys.path.insert(0, str(HERE.parent))

from reporter.platform import load_settings  # noqa: E402
from reporter.register.template import write_blank_register  # noqa: E402


def main() -> None:
    write_blank_register(
        TEMPLATE, "ja", overwrite=True, validity_days=load_settings().validity_days
    )
    print(f"wrote {TEMPLATE}")


if __name__ == "__main__":
    main()
