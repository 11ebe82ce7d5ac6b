"""The table of problem codes in docs/problem-codes.md is
claimkit.problems.PROBLEM_CODES, the one table a Problem's code must come
from; both are read, never listed here."""
import re
from pathlib import Path

import pytest

from claimkit.problems import PROBLEM_CODES, Problem
from conftest import ROOT


def documented_codes() -> list[tuple[str, str]]:
    """(code, meaning) of each row of the docs' table, in its order."""
    table = (Path(ROOT) / "docs" / "problem-codes.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `([^`]+)` \| (.*) \|$", table, re.MULTILINE)


def test_the_docs_list_every_problem_code_with_the_tables_meaning():
    rows = "\n".join(f"| `{code}` | {meaning} |" for code, meaning in PROBLEM_CODES.items())
    assert documented_codes() == list(PROBLEM_CODES.items()), (
        "docs/problem-codes.md's table should read:\n" + rows)


def test_every_code_in_the_table_is_used_by_the_kit():
    sources = "".join(path.read_text(encoding="utf-8")
                      for path in sorted((Path(ROOT) / "claimkit").glob("*.py"))
                      if path.name != "problems.py")
    unused = [code for code in PROBLEM_CODES if f'"{code}"' not in sources]
    assert unused == ["too-many-problems"]  # problems.py's own


def test_a_problem_with_a_code_outside_the_table_is_refused():
    with pytest.raises(ValueError, match="'bad-idea' is not in PROBLEM_CODES"):
        Problem.at("claims.yaml", (1, 1), "bad-idea", "message")
