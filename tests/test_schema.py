"""claims.schema.json: the shipped file is valid, and the schema agrees with
the kit's own validator on the test fixtures, so the two cannot drift."""
import json
import os

import jsonschema
import pytest
from test_validate import CASES, CITES_ABSTRACT, SPANS_HEADER

from claimkit.load import MAP, SEQ, load_nodes
from claimkit.problems import Problems
from claimkit.validate import validate
from conftest import GPUS, LEAK, LICENSE, ROOT, SHIPPED, SIZES, document

with open(os.path.join(ROOT, "claims.schema.json"), encoding="utf-8") as handle:
    SCHEMA = json.load(handle)
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)

# Rules only the kit can check: they look across the document (a section
# must be listed, with its title and page; ids are unique), or at how YAML
# typed a value before it became data (a 3.3 key).  A refused value (.nan)
# is a bad node, which to_data turns into a null the schema refuses too.
KIT_ONLY = {
    "duplicate id",
    "duplicate id on the same line",
    "section missing from the header",
    "title that is not the section's",
    "page that is not the section's",
    "section number as a float key",
    "two checks with one id",
    "two checks with one id on one line",
}


def to_data(node):
    """Plain data from the kit's own nodes: the YAML 1.2 reading editors use."""
    if node is None:
        return None
    if node.kind is MAP:
        return {str(key): to_data(child) for key, child in node.value.items()}
    if node.kind is SEQ:
        return [to_data(child) for child in node.value]
    return node.value


def kit_accepts(path: str) -> bool:
    problems = Problems()
    validate(load_nodes(path, path, problems), path, problems)
    return not problems


def schema_accepts(path: str) -> bool:
    root = load_nodes(path, path, Problems())
    return VALIDATOR.is_valid(to_data(root))


def test_the_shipped_claims_file_matches_the_schema():
    problems = Problems()
    root = load_nodes(SHIPPED, SHIPPED, problems)
    assert list(problems) == []
    errors = [f"{list(error.absolute_path)}: {error.message}"
              for error in VALIDATOR.iter_errors(to_data(root))]
    assert errors == []


def test_the_claims_file_names_its_schema_on_its_first_line():
    with open(SHIPPED, encoding="utf-8") as handle:
        assert handle.readline() == "# yaml-language-server: $schema=claims.schema.json\n"


def test_the_committed_schema_is_the_generated_one():
    from claimkit.schema import render_json_schema

    with open(os.path.join(ROOT, "claims.schema.json"), encoding="utf-8") as handle:
        committed = handle.read()
    assert committed == render_json_schema(), (
        "claims.schema.json is out of date; regenerate it with"
        " `python -m claimkit.schema > claims.schema.json`")


def test_the_schema_is_draft_07():
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert SCHEMA["definitions"]["verdict"]["enum"] == [
        "supported", "overstated", "imprecise", "contradicted", "not-in-paper",
        "unsourced"]


VALID = [
    ("the fixture", document()),
    ("a paper claim alone", document(SIZES)),
    ("an outside source", document(LICENSE)),
    ("an unsourced claim", document(LEAK)),
    ("numbers in YAML 1.2 form", document(GPUS.replace("16000", "1.6e4"))),
    ("the abstract, a locator, a page within its section and the paper's version",
     SPANS_HEADER + "claims:\n" + CITES_ABSTRACT
     + GPUS.replace("      page: 8\n", "      page: 9\n      locator: Figure 2a\n")),
    ("a check", document(GPUS, "checks:\n  - {id: c, compute: gpus_16k, expect: 16000,"
                               " tolerance: 0.1}\n")),
]


@pytest.mark.parametrize("text", [case[1] for case in VALID],
                         ids=[case[0] for case in VALID])
def test_both_accept_valid_files(claims_file, text):
    path = claims_file(text)
    assert (kit_accepts(path), schema_accepts(path)) == (True, True)


@pytest.mark.parametrize("text", [case[1] for case in CASES if case[0] not in KIT_ONLY],
                         ids=[case[0] for case in CASES if case[0] not in KIT_ONLY])
def test_both_reject_each_invalid_fixture(claims_file, text):
    path = claims_file(text)
    assert (kit_accepts(path), schema_accepts(path)) == (False, False)


@pytest.mark.parametrize("name", sorted(KIT_ONLY))
def test_kit_only_rules_are_really_kit_only(claims_file, name):
    text = next(case[1] for case in CASES if case[0] == name)
    path = claims_file(text)
    assert kit_accepts(path) is False
    # Listed because the schema cannot see it; if the schema learns to, take
    # the case out of KIT_ONLY.
    assert schema_accepts(path) is True
