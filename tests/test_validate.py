"""`check` on inline files: every validation message, with its position."""
import re

import pytest

from claimkit import schema
from claimkit.display import section_key
from claimkit.load import load_nodes
from claimkit.problems import Problems
from claimkit.session import load_document
from claimkit.validate import section_spans, validate
from conftest import GPUS, HEADER, LEAK, LICENSE, SIZES, document, position


@pytest.mark.parametrize(("shape", "good", "bad"), [
    (schema.ID, ["a", "h100-gpus-16k", "3-8e25"],
     ["", "-a", "a-", "a--b", "A-b", "a_b", "a b", "é", "ａ", "a\n"]),
    (schema.SECTION, ["1", "3.3.1", "10.2", "abstract"],
     ["", "3.", ".3", "3..1", "3,1", "a", "³", "٣", "Abstract", "1\n"]),
    (schema.DATE, ["2024-07-24", "2024-02-29", "2024-07", "2024", "2023-12"],
     ["", "2024-7-24", "2024/07/24", "24-07-2024", "2024-07-241", "２０２４-07-24",
      "2024-13-45", "2023-02-29", "20240724", "2024-13", "2024-00", "0000", "2024-7",
      "24", "2024-"]),
    (schema.ARXIV, ["2407.21783", "1501.00001", "hep-th/9901001", "math.GT/0309136"],
     ["", "2407.21783v3", "arXiv:2407.21783", "2407.217", "407.21783", "hep-th/99"]),
    (schema.DOI, ["10.48550/arXiv.2407.21783", "10.1000/xyz123"],
     ["", "https://doi.org/10.1000/x", "doi:10.1000/x", "10.1/x", "10.1000/", "10.1000/a b"]),
    (schema.URL, ["https://arxiv.org/abs/2407.21783", "http://a"],
     ["", "https://", "ftp://a", "https://a b", "arxiv.org", "https:/a"]),
    (schema.VERSION, ["v1", "v3", "v12"], ["", "3", "v", "V3", "v3a", "version 3"]),
    (schema.LOCATOR, ["Table 4", "Figure 1", "footnote 5", "Equation 2", "Table 2a"],
     ["", "Table", "table 4", "Table 4.1", "Fig. 1", "Table IV", "Table 4 ", "Page 3"]),
])
def test_shapes(shape, good, bad):
    assert [text for text in good if not shape.fits(text)] == []
    assert [text for text in bad if shape.fits(text)] == []


def plural(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


VERDICT_LIST = "supported, overstated, imprecise, contradicted, not-in-paper, unsourced"

# (name, claims file text, claims the file holds, checks kept,
#  [(needle, occurrence, where, code, message)]) — the needle's position is where
# the problem must point; `where` names a claim by its place and its id, as
# `check` prints it (validate itself gives the place only).
CASES = [
    (
        "verdict outside the vocabulary",
        document(GPUS.replace("verdict: overstated", "verdict: maybe")),
        1, 0,
        [("maybe", 1, "claims[0] (gpus-16k).verdict", "bad-verdict",
          f"expected one of {VERDICT_LIST}, got 'maybe'")],
    ),
    (
        "claim without a source",
        document(GPUS + """\
  - id: model-sizes
    claim: There are 8B, 70B and 405B models.
    article_quote: with 8B, 70B, and 405B versions
    verdict: supported
"""),
        2, 0,
        [("id: model-sizes", 1, "claims[1] (model-sizes)", "missing-key",
          "missing required key 'source' (expected a mapping)")],
    ),
    (
        "misspelt key, and the note it should have been",
        document(GPUS.replace("    note:", "    notes:")),
        1, 0,
        [("id: gpus-16k", 1, "claims[0] (gpus-16k)", "missing-key",
          "missing required key 'note' (verdict 'overstated' needs a note that explains it)"),
         ("notes:", 1, "claims[0] (gpus-16k).notes", "unknown-key", "unknown key 'notes' (did you mean 'note'?)")],
    ),
    (
        "unknown key",
        document(SIZES + "    colour: red\n"),
        1, 0,
        [("colour", 1, "claims[0] (model-sizes).colour", "unknown-key",
          "unknown key 'colour' (expected one of id, claim, article_quote, source,"
          " references, verdict, note, value, unit)")],
    ),
    (
        "field of the wrong type",
        document("""\
  - id: model-sizes
    claim: [a, b]
    article_quote: with 8B, 70B, and 405B versions
    source:
      section: "1"
      title: Introduction
      quote: a herd of three language models with 8B, 70B, and 405B parameters.
    verdict: supported
"""),
        1, 0,
        [("[a, b]", 1, "claims[0] (model-sizes).claim", "bad-type", "expected a string, got a list")],
    ),
    (
        "empty string",
        document(SIZES.replace("claim: There are 8B, 70B and 405B models.", 'claim: ""')),
        1, 0,
        [('""', 1, "claims[0] (model-sizes).claim", "empty-text", "expected a non-empty string, got ''")],
    ),
    (
        "id not kebab-case",
        document(SIZES.replace("id: model-sizes", "id: Model Sizes")),
        1, 0,
        [("Model Sizes", 1, "claims[0].id", "bad-id",
          "expected a kebab-case id like 'context-128k', got 'Model Sizes'")],
    ),
    (
        "duplicate id",
        document(SIZES + SIZES),
        2, 0,
        [("id: model-sizes", 2, "claims[1] (model-sizes).id", "duplicate-id",
          "duplicate id 'model-sizes' (first used at line 10)")],
    ),
    (
        "duplicate id on the same line",
        document("  [{id: a, claim: c, article_quote: q, source: {}, verdict: unsourced, note: n},"
                 " {id: a, claim: c, article_quote: q, source: {}, verdict: unsourced, note: n}]\n"),
        2, 0,
        [("{id: a", 2, "claims[1] (a).id", "duplicate-id",
          "duplicate id 'a' (first used at line 10)")],
    ),
    (
        "value without unit",
        document(GPUS.replace("    unit: GPUs\n", "")),
        1, 0,
        [("16000", 1, "claims[0] (gpus-16k).value", "missing-key", "a value needs a unit beside it")],
    ),
    (
        "unit without value",
        document(GPUS.replace("    value: 16000\n", "")),
        1, 0,
        [("GPUs\n", 3, "claims[0] (gpus-16k).unit", "missing-key", "a unit needs a value beside it")],
    ),
    (
        "value that is text",
        document(GPUS.replace("value: 16000", "value: lots")),
        1, 0,
        [("lots", 1, "claims[0] (gpus-16k).value", "bad-type", "expected a number, got a string")],
    ),
    (
        "value that is not a number",
        document(GPUS.replace("value: 16000", "value: .nan")),
        1, 0,
        [(".nan", 1, "claims[0] (gpus-16k).value", "bad-value", "expected a number, got .nan")],
    ),
    (
        "section number left unquoted",
        document(GPUS.replace('section: "3.3.1"', "section: 3.3")),
        1, 0,
        [("3.3\n", 1, "claims[0] (gpus-16k).source.section", "bad-type",
          'expected a string or null, got a number (write it in quotes: "3.3")')],
    ),
    (
        "section missing from the header",
        document(GPUS.replace('section: "3.3.1"', 'section: "9.9"')),
        1, 0,
        [('"9.9"', 1, "claims[0] (gpus-16k).source.section", "unknown-section",
          "expected a section listed under sections, got '9.9'")],
    ),
    (
        "title that is not the section's",
        document(GPUS.replace("title: Training Infrastructure", "title: Training")),
        1, 0,
        [("Training\n", 1, "claims[0] (gpus-16k).source.title", "wrong-title",
          "expected 'Training Infrastructure' (the title of section 3.3.1), got 'Training'")],
    ),
    (
        "page that is not the section's",
        document(GPUS.replace("page: 8", "page: 7")),
        1, 0,
        [("7\n", 1, "claims[0] (gpus-16k).source.page", "page-out-of-section",
          "expected a page within section 3.3.1 (from page 8 on), got 7")],
    ),
    (
        "section without its title",
        document(GPUS.replace("      title: Training Infrastructure\n", "")),
        1, 0,
        [('"3.3.1"', 2, "claims[0] (gpus-16k).source.section", "missing-key",
          "a section needs a title beside it")],
    ),
    (
        "title without a section",
        document(LICENSE.replace("      url:", "      title: Blog\n      url:")),
        1, 0,
        [("Blog", 1, "claims[0] (license-outputs).source.title", "missing-key", "a title needs a section beside it")],
    ),
    (
        "unsourced claim with a quote",
        document(LEAK.replace("source: {}", "source: {quote: it leaked}")),
        1, 0,
        [("it leaked", 1, "claims[0] (leak).source.quote", "forbidden-key",
          "verdict 'unsourced' has no quote; give the verdict the quote supports")],
    ),
    (
        "sourced claim without a quote",
        document(SIZES.replace(
            "      quote: a herd of three language models with 8B, 70B, and 405B parameters.\n", "")),
        1, 0,
        [('section: "1"', 1, "claims[0] (model-sizes).source", "missing-key",
          "missing required key 'quote' (verdict 'supported' needs the words of its source)")],
    ),
    (
        "not-in-paper claim without a url",
        document(LICENSE.replace("      url: https://ai.meta.com/blog/meta-llama-3-1/\n", "")),
        1, 0,
        [("quote: allowing", 1, "claims[0] (license-outputs).source", "missing-key",
          "missing required key 'url' (verdict 'not-in-paper' names the outside source)")],
    ),
    (
        "not-in-paper claim that cites a section",
        document(LICENSE.replace("      url:", '      section: "1"\n      title: Introduction\n      url:')),
        1, 0,
        [('"1"\n      title: Introduction\n      url', 1, "claims[0] (license-outputs).source.section", "forbidden-key",
          "verdict 'not-in-paper' cites no paper section; use the verdict the section supports")],
    ),
    (
        "sourced claim with neither section nor url",
        document(SIZES.replace('      section: "1"\n      title: Introduction\n', "")),
        1, 0,
        [("quote: a herd", 1, "claims[0] (model-sizes).source", "missing-key",
          "missing required key 'section' or 'url' (verdict 'supported' says where the quote comes from)")],
    ),
    (
        "verdict that needs a note",
        document(SIZES.replace("verdict: supported", "verdict: imprecise")),
        1, 0,
        [("id: model-sizes", 1, "claims[0] (model-sizes)", "missing-key",
          "missing required key 'note' (verdict 'imprecise' needs a note that explains it)")],
    ),
    (
        "url that is not http",
        document(LICENSE.replace("https://ai.meta.com/blog/meta-llama-3-1/", "ftp://x")),
        1, 0,
        [("ftp://x", 1, "claims[0] (license-outputs).source.url", "bad-url", "expected an http(s) url, got 'ftp://x'")],
    ),
    (
        "source that is not a mapping",
        document(LEAK.replace("source: {}", "source: the blog")),
        1, 0,
        [("the blog", 1, "claims[0] (leak).source", "bad-type", "expected a mapping, got a string")],
    ),
    (
        "claim that is not a mapping",
        document("  - just text\n" + SIZES),
        2, 0,
        [("just text", 1, "claims[0]", "bad-type", "expected a mapping, got a string")],
    ),
    (
        "empty list of claims",
        HEADER + "claims: []\n",
        0, 0,
        [("[]", 1, "claims", "empty-list", "expected at least one item, got an empty list")],
    ),
    (
        "header date in another format",
        document(SIZES).replace('date: "2024-07-24"', "date: 24 July 2024"),
        1, 0,
        [("24 July 2024", 1, "article.date", "bad-date",
          "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '24 July 2024'")],
    ),
    (
        "header without a required key",
        document(SIZES).replace(" outlet: The Outlet,", ""),
        1, 0,
        [("{title: An article", 1, "article", "missing-key",
          "missing required key 'outlet' (expected a string)")],
    ),
    (
        "section number as a float key",
        document(SIZES).replace('"3.3": {title: Infrastructure', "3.3: {title: Infrastructure"),
        1, 0,
        [("3.3: {title", 1, "sections.3.3", "bad-section-number",
          'expected a section number as a string, got 3.3 (quote it: "3.3")')],
    ),
    (
        "section number that is not a number",
        document(SIZES).replace('"11": {title: Contributors', '"A1": {title: Contributors'),
        1, 0,
        [('"A1"', 1, "sections.A1", "bad-section-number", "expected a section number like \"3.3.1\", or abstract, got 'A1'")],
    ),
    (
        "section page below 1",
        document(SIZES).replace('"1": {title: Introduction, page: 1}',
                                '"1": {title: Introduction, page: 0}'),
        1, 0,
        [("0}", 1, "sections.1.page", "out-of-range", "expected a page number of 1 or more, got 0")],
    ),
    (
        "top level without claims",
        HEADER,
        0, 0,
        [("article", 1, "", "missing-key", "missing required key 'claims' (expected a list)")],
    ),
    (
        "top-level key misspelt",
        document(SIZES).replace("claims:\n", "claims:\n") + "claim: x\n",
        1, 0,
        [("claim: x", 1, "claim", "unknown-key", "unknown key 'claim' (did you mean 'claims'?)")],
    ),
    (
        "check with a bad id, an empty expectation and a negative tolerance",
        document(GPUS, "checks:\n  - {id: Bad_Id, compute: '1', expect: '', tolerance: -1}\n"),
        1, 0,
        [("Bad_Id", 1, "checks[0].id", "bad-id",
          "expected a kebab-case id like 'context-128k', got 'Bad_Id'"),
         ("''", 1, "checks[0].expect", "empty-text", "expected a non-empty string, got ''"),
         ("-1}", 1, "checks[0].tolerance", "out-of-range",
          "expected a relative tolerance of 0 or more, got -1")],
    ),
    (
        "two checks with one id",
        document(GPUS, "checks:\n  - {id: same, compute: '1', expect: 1}\n"
                       "  - {id: same, compute: '2', expect: 2}\n"),
        1, 1,
        [("same", 2, "checks[1].id", "duplicate-id", "duplicate check id 'same' (first used at line 23)")],
    ),
    (
        "two checks with one id on one line",
        document(GPUS, "checks: [{id: same, compute: '1', expect: 1},"
                       " {id: same, compute: '2', expect: 2}]\n"),
        1, 1,
        [("same", 2, "checks[1].id", "duplicate-id", "duplicate check id 'same' (first used at line 22)")],
    ),
    (
        "paper url that is not a url",
        document(SIZES).replace('url: "https://arxiv.org/abs/2407.21783"',
                                'url: "arxiv.org/abs/2407.21783"'),
        1, 0,
        [('"arxiv.org/abs', 1, "paper.url", "bad-url",
          "expected an http(s) url, got 'arxiv.org/abs/2407.21783'")],
    ),
    (
        "review without its reviewer",
        document(SIZES).replace("reviewer: Tester, ", ""),
        1, 0,
        [('{date: "2026', 1, "review", "missing-key",
          "missing required key 'reviewer' (expected a string)")],
    ),
    (
        "review without its date",
        document(SIZES).replace(', date: "2026-11-27"', ""),
        1, 0,
        [("{reviewer: Tester}", 1, "review", "missing-key",
          "missing required key 'date' (expected a string)")],
    ),
    (
        "paper version of another shape",
        document(SIZES).replace('date: "2024-07-23"}', 'date: "2024-07-23", version: "3"}'),
        1, 0,
        [('"3"}', 1, "paper.version", "bad-version", "expected a version like v3, got '3'")],
    ),
    (
        "locator of another shape",
        document(GPUS.replace("      page: 8\n", "      page: 8\n      locator: Tab. 4\n")),
        1, 0,
        [("Tab. 4", 1, "claims[0] (gpus-16k).source.locator", "bad-locator",
          "expected Table, Figure, footnote or Equation and a number, like 'Table 4'"
          " or 'Figure 2a', got 'Tab. 4'")],
    ),
    (
        "dismissal without a reason",
        document(GPUS, "dismissed:\n  - sentence: Page furniture\n"),
        1, 0,
        [("sentence: Page", 1, "dismissed[0]", "missing-key",
          "missing required key 'reason' (expected a string)")],
    ),
]


def problem_records(path: str) -> list[tuple]:
    """(code, line, col, where) of each problem, as yamllint's tests compare them."""
    problems = Problems()
    validate(load_nodes(path, path, problems), path, problems)
    return sorted((p.code, p.line, p.col, p.where) for p in problems)


CASE_IDS = [case[0] for case in CASES]


@pytest.mark.parametrize("text, expected", [(case[1], case[4]) for case in CASES],
                         ids=CASE_IDS)
def test_each_problem_is_a_record_at_its_node(claims_file, text, expected):
    records = [(code, *position(text, needle, occurrence), re.sub(r" \(.*?\)", "", where))
               for needle, occurrence, where, code, _ in expected]
    assert problem_records(claims_file(text)) == sorted(records)


@pytest.mark.parametrize("text, held, checks, expected",
                         [case[1:] for case in CASES], ids=CASE_IDS)
def test_check_says_what_it_expected_and_what_it_found(run, claims_file, text, held,
                                                       checks, expected):
    path = claims_file(text)
    lines = []
    for needle, occurrence, where, code, message in expected:
        line, col = position(text, needle, occurrence)
        prefix = f"{where}: " if where else ""
        lines.append((line, col, f"{path}:{line}:{col}: error[{code}]: {prefix}{message}"))
    result = run("check", "-f", path)
    assert result.err == "".join(f"{entry[2]}\n" for entry in sorted(lines))
    assert result.out == (f"{path}: {plural(held, 'claim')}, {plural(checks, 'check')}:"
                          f" {plural(len(expected), 'problem')}\n")
    assert result.code == 1


# A header with the abstract, a paper version, and sections whose pages leave
# gaps: for section_spans and the fixtures that cite them.
SPANS_HEADER = """\
article: {title: An article, outlet: The Outlet, date: "2024-07-24"}
paper: {title: A paper, authors: Someone, arxiv: "2407.21783", url: "https://arxiv.org/abs/2407.21783", date: "2024-07-23", version: v3}
review: {reviewer: Tester, date: "2026-11-27"}
sections:
  abstract: {title: Abstract, page: 1}
  "1": {title: Introduction, page: 1}
  "3.3": {title: Infrastructure, page: 8}
  "3.3.1": {title: Training Infrastructure, page: 8}
  "4": {title: Post-Training, page: 15}
  "11": {title: Contributors, page: null}
"""
CITES_ABSTRACT = """\
  - id: herd
    claim: Llama 3 is a herd of models.
    article_quote: a herd of models
    source:
      section: abstract
      title: Abstract
      page: 1
      quote: This paper presents a new set of foundation models, called Llama 3.
    verdict: supported
"""


def test_section_spans():
    sections = {"abstract": ("Abstract", 1), "1": ("Intro", 1), "2": ("Overview", 3),
                "3": ("Pre", 4), "3.1": ("Data", 4), "3.1.1": ("Web", 4),
                "3.2": ("Arch", 6), "4": ("Post", None), "5": ("Results", 28)}
    assert section_spans(sections) == {
        "abstract": (1, 1), "1": (1, 3), "2": (3, 4), "3": (4, 28), "3.1": (4, 6),
        "3.1.1": (4, 6), "3.2": (6, 28), "5": (28, None)}


@pytest.mark.parametrize("section, title, page, ok", [
    ("abstract", "Abstract", 1, True),
    ("abstract", "Abstract", 2, False),
    ("3.3.1", "Training Infrastructure", 8, True),
    ("3.3.1", "Training Infrastructure", 15, True),  # up to §4's first page
    ("3.3.1", "Training Infrastructure", 16, False),
    ("3.3", "Infrastructure", 7, False),
    ("1", "Introduction", 15, True),  # §3.3 is below §3, not §1's peer
    ("1", "Introduction", 16, False),
    ("4", "Post-Training", 400, True),  # the last section with a page runs on
    ("11", "Contributors", 500, True),  # a section without a page is not checked
])
def test_a_page_falls_within_its_section(claims_file, section, title, page, ok):
    text = SPANS_HEADER + f"""\
claims:
  - id: herd
    claim: Llama 3 is a herd of models.
    article_quote: a herd of models
    source:
      section: "{section}"
      title: {title}
      page: {page}
      quote: This paper presents a new set of foundation models, called Llama 3.
    verdict: supported
"""
    codes = [record[0] for record in problem_records(claims_file(text))]
    assert codes == ([] if ok else ["page-out-of-section"])


def test_the_abstract_a_locator_and_the_paper_version_are_read(claims_file):
    text = SPANS_HEADER + "claims:\n" + CITES_ABSTRACT + GPUS.replace(
        "      page: 8\n", "      page: 9\n      locator: Table 4\n")
    loaded = load_document(claims_file(text))
    assert loaded.problems == []
    assert [(c.source.section, c.source.page, c.source.locator)
            for c in loaded.document.claims] == [("abstract", 1, None), ("3.3.1", 9, "Table 4")]
    assert loaded.document.paper["version"] == "v3"
    assert loaded.document.sections["abstract"] == ("Abstract", 1)


def test_the_abstract_sorts_before_section_1():
    assert sorted(["3.10", None, "abstract", "1", "3.9"], key=section_key) == [
        "abstract", "1", "3.9", "3.10", None]


def test_a_clean_file_checks_ok(run, claims_file):
    path = claims_file(document())
    result = run("check", "-f", path)
    assert (result.code, result.out, result.err) == (
        0, f"{path}: 4 claims, 0 checks: ok\n", "")


def test_all_problems_are_reported_in_one_pass(run, claims_file):
    text = document(GPUS.replace("verdict: overstated", "verdict: maybe")
                    + SIZES.replace("id: model-sizes", "id: Bad Id"))
    path = claims_file(text)
    result = run("check", "-f", path)
    assert result.code == 1
    assert [line.split(": error[", 1)[1] for line in result.err.splitlines()] == [
        f"bad-verdict]: claims[0] (gpus-16k).verdict: expected one of {VERDICT_LIST},"
        " got 'maybe'",
        "bad-id]: claims[1].id: expected a kebab-case id like 'context-128k', got 'Bad Id'",
    ]


def test_the_top_level_must_be_a_mapping(run, claims_file):
    path = claims_file("- a\n- b\n")
    result = run("check", "-f", path)
    assert (result.code, result.out, result.err) == (
        1, "", f"{path}:1:1: error[bad-type]: expected a mapping, got a list\n")


def test_an_empty_file_is_a_problem(run, claims_file):
    path = claims_file("")
    result = run("check", "-f", path)
    assert (result.code, result.out, result.err) == (
        1, "",
        f"{path}:1:1: error[empty-file]: the file is empty; expected a mapping with article,"
        " paper, sections and claims\n")


def test_export_refuses_a_file_with_problems(run, claims_file):
    text = document(GPUS.replace("verdict: overstated", "verdict: maybe"))
    path = claims_file(text)
    line, col = position(text, "maybe")
    result = run("export", "-f", path)
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"{path}:{line}:{col}: error[bad-verdict]: claims[0] (gpus-16k).verdict: expected one of"
        f" {VERDICT_LIST}, got 'maybe'\n"
        f"kit.py: 1 problem; run `python kit.py check -f {path}`\n")
