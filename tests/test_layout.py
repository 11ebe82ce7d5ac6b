"""The code's rooms: each module small enough to read, and each named where
a newcomer looks for it (docs/design.md, README's layout)."""
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = sorted(name for name in os.listdir(os.path.join(ROOT, "claimkit"))
                 if name.endswith(".py") and name != "__init__.py")
MOST_LINES = 500


def read(path: str) -> str:
    with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
        return handle.read()


@pytest.mark.parametrize("name", MODULES)
def test_no_module_is_over_500_lines(name):
    lines = read(os.path.join("claimkit", name)).count("\n")
    assert lines <= MOST_LINES, f"claimkit/{name} has {lines} lines; split it"


def test_the_design_doc_names_every_module_in_its_layout():
    layout = read("docs/design.md").split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"^ {2}(\w+\.py) ", layout, re.MULTILINE))
    assert named == set(MODULES)


def test_the_readmes_short_layout_names_only_modules_that_exist():
    # The README draws the rooms in a few lines; docs/design.md has them all.
    layout = read("README.md").split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(?:claimkit/)?(\w+\.py)`", layout))
    assert named - set(MODULES) == {"kit.py"}
    assert {"cli.py", "session.py", "commands.py", "writing.py"} <= named
