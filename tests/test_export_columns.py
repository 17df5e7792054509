"""Every export's columns are documented in the README's Exports section, and every
parameter a kind takes is in its table."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.exports.kinds import KINDS

README = Path(__file__).resolve().parent.parent / "README.md"


def exports_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Exports\n")
    return text[start : text.index("\n## ", start + 1)]


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))
def test_the_readme_names_every_column_and_parameter(kind):
    section = exports_section()
    kinds_table = section[section.index("| Kind | One row per | Columns |") :]
    row = next(line for line in kinds_table.splitlines() if line.startswith(f"| `{kind.name}` |"))
    figures = section[section.index("The figures (tree and campaigns)") :]
    for column in kind.columns:
        assert f"`{column.name}`" in row or f"`{column.name}`" in figures, column.name
    for parameter in kind.accepts.parameters:
        assert f"`{parameter}`" in section, parameter
