"""Every output format, rendered from an inline file and compared as text."""
import csv
import html.parser
import io
import json
from itertools import pairwise

import pytest
from rich.cells import cell_len
from rich.console import Console

from claimkit.cli import load_document
from claimkit.render import (
    FORMATS,
    MARKS,
    RATINGS,
    Checklist,
    describe_source,
    neutralize_cell,
    render_claim,
    wrap,
)
from conftest import SIZES, document

CHECKS = "checks:\n  - {id: double, compute: gpus_16k * 2, expect: 32000}\n"


@pytest.fixture
def loaded(claims_file):
    result = load_document(claims_file(document(extra=CHECKS)))
    assert result.problems == result.check_problems == []
    return result.document, result.results


def render(renderable, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def test_the_checklist(loaded):
    document_, results = loaded
    assert render(Checklist(document_.claims, results, 4)) == """\
   claim                                             source                             verdict
────────────────────────────────────────────────────────────────────────────────────────────────────
▲  gpus-16k                                          §3.3.1 Training Infrastructure,    overstated
   More than 16K GPUs were used.                     p. 8
✔  model-sizes                                       §1 Introduction, p. 1              supported
   There are 8B, 70B and 405B models.
○  license-outputs                                   ai.meta.com/blog/meta-llama-3-1/   not-in-paper
   The license allows using outputs to improve
   other models.
☐  leak                                              no source yet                      unsourced
   It leaked two days early.
✔ 1 supported   ▲ 1 overstated   ○ 1 not-in-paper   ☐ 1 unsourced
3/4 claims sourced
checks:
 ✔ double: computed 32,000, expected 32,000
"""


def test_the_checklist_wraps_and_cuts_nothing_at_80_columns(claims_file):
    long_claim = " ".join(["word"] * 40) + " https://example.org/" + "x" * 60
    text = document(SIZES.replace("There are 8B, 70B and 405B models.", long_claim)
                    .replace("id: model-sizes", "id: a-very-long-claim-identifier-indeed"))
    loaded = load_document(claims_file(text))
    document_, results = loaded.document, loaded.results
    out = render(Checklist(document_.claims, results, 1), width=80)
    assert max(len(line) for line in out.splitlines()) <= 80
    flat = "".join(line.strip() for line in out.splitlines())
    assert "a-very-long-claim-identifier-indeed" in out  # one line, never cut
    assert "https://example.org/" + "x" * 60 in flat.replace(" ", "")
    assert flat.count("word") == 40


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("", 10, [""]),
    ("a b c", 3, ["a b", "c"]),
    ("one  two\tthree", 9, ["one two", "three"]),
    # A word wider than the line folds, after a / or - where one falls late.
    ("see ai.meta.com/blog/meta-llama-3-1/", 14,
     ["see", "ai.meta.com/", "blog/meta-", "llama-3-1/"]),
    ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
    # Wide characters count two cells; even a too-narrow line takes one.
    ("日本語のテキスト", 5, ["日本", "語の", "テキ", "スト"]),
    ("日本", 1, ["日", "本"]),
])
def test_wrap(text, width, lines):
    assert wrap(text, width) == lines


def test_a_long_word_is_folded_from_slices_never_the_whole(monkeypatch):
    """Folding a megabyte with no space must not re-read it for every line."""
    import rich.cells

    chopped = []
    chop_cells = rich.cells.chop_cells

    def spy(text, width):
        chopped.append(len(text))
        return chop_cells(text, width)

    monkeypatch.setattr(rich.cells, "chop_cells", spy)
    word = "x" * 100_000
    lines = wrap(word, 30)
    assert "".join(lines) == word
    assert (len(lines), len(chopped)) == (3334, 3333)  # the last line fits
    assert max(chopped) <= 4 * 30


@pytest.mark.parametrize("width", [20, 35, 60, 80, 200])
def test_the_checklist_keeps_every_word_at_any_width(loaded, width):
    document_, results = loaded
    checklist = Checklist(document_.claims, results, 4)
    out = render(checklist, width=width)
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert all(line == line.rstrip() for line in lines)
    # Read each column top to bottom, as the slices of the rows' lines.
    claim_width, source_width, _ = checklist.column_widths(width)
    starts = (0, 3, 5 + claim_width, 7 + claim_width + source_width, width)
    rule = lines.index("─" * width)
    rows = lines[rule + 1:next(i for i, line in enumerate(lines) if line.startswith("✔ 1 "))]
    columns = ["".join("".join(line[start:end].split()) for line in rows)
               for start, end in pairwise(starts)]
    assert columns[0] == "".join(MARKS[claim.verdict] for claim in document_.claims)
    assert columns[1] == "".join("".join((claim.id + claim.claim).split())
                                 for claim in document_.claims)
    assert columns[2] == "".join("".join(describe_source(claim).split())
                                 for claim in document_.claims)
    assert columns[3] == "".join(claim.verdict for claim in document_.claims)


def test_the_checklist_says_when_it_is_filtered(loaded):
    document_, _ = loaded
    out = render(Checklist(document_.claims[1:2], [], 4), width=60)
    assert out == """\
showing 1 of 4 claims
   claim                     source             verdict
────────────────────────────────────────────────────────────
✔  model-sizes               §1 Introduction,   supported
   There are 8B, 70B and     p. 1
   405B models.
✔ 1 supported
1/1 claims sourced
"""


def test_the_checklist_colours_marks_verdicts_and_ids(loaded):
    document_, results = loaded
    console = Console(file=io.StringIO(), width=100, color_system="standard",
                      force_terminal=True)
    console.print(Checklist(document_.claims[:1], results, 1))
    out = console.file.getvalue()
    assert "\x1b[33m▲\x1b[0m" in out and "\x1b[33moverstated\x1b[0m" in out
    assert "\x1b[1mgpus-16k\x1b[0m" in out
    assert "\x1b[32m✔\x1b[0m double" in out


def test_one_claim_in_full(loaded):
    document_, _ = loaded
    assert render(render_claim(document_, document_.claims[0]), width=80) == """\
▲ gpus-16k  overstated
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ article (The Outlet)                  ┃ source                               ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ used more than 16K H100 GPUs          │ trained on up to 16K H100 GPUs       │
└───────────────────────────────────────┴──────────────────────────────────────┘
claim  More than 16K GPUs were used.       
source §3.3.1 Training Infrastructure, p. 8
value  16000 GPUs                          
note   The paper says up to 16K.           
"""


def test_json(loaded):
    document_, results = loaded
    data = json.loads(FORMATS["json"](document_, document_.claims[:2], results, 4))
    assert data == {
        "claims": [
            {
                "id": "gpus-16k",
                "claim": "More than 16K GPUs were used.",
                "article_quote": "used more than 16K H100 GPUs",
                "verdict": "overstated",
                "source": {"section": "3.3.1", "title": "Training Infrastructure",
                           "page": 8, "quote": "trained on up to 16K H100 GPUs",
                           "url": None},
                "note": "The paper says up to 16K.",
                "value": 16000,
                "unit": "GPUs",
            },
            {
                "id": "model-sizes",
                "claim": "There are 8B, 70B and 405B models.",
                "article_quote": "with 8B, 70B, and 405B versions",
                "verdict": "supported",
                "source": {"section": "1", "title": "Introduction", "page": 1,
                           "quote": "a herd of three language models with 8B, 70B,"
                                    " and 405B parameters.",
                           "url": None},
            },
        ],
        "checks": [{"id": "double", "claims": ["gpus-16k"], "expected": 32000,
                    "computed": 32000.0, "ok": True}],
    }


def test_markdown_groups_by_section_as_a_task_list(loaded):
    document_, results = loaded
    assert FORMATS["markdown"](document_, document_.claims, results, 4) == """\
# Claims checklist: An article

The Outlet, 2024-07-24: checked against *A paper* (Someone, arXiv 2407.21783).

## §1 Introduction (p. 1)

- [x] **model-sizes**: There are 8B, 70B and 405B models. (§1 · ✔ supported)

## §3.3.1 Training Infrastructure (p. 8)

- [x] **gpus-16k**: More than 16K GPUs were used. (§3.3.1 · ▲ overstated)

## Outside the paper, or not yet sourced

- [x] **license-outputs**: The license allows using outputs to improve other\
 models. (https://ai.meta.com/blog/meta-llama-3-1/ · ○ not-in-paper)
- [ ] **leak**: It leaked two days early. (no source yet · ☐ unsourced)

✔ 1 supported · ▲ 1 overstated · ○ 1 not-in-paper · ☐ 1 unsourced  
3/4 claims sourced

## Checks

- ✔ double: computed 32,000, expected 32,000
"""


def test_markdown_says_when_it_is_filtered_and_escapes_markup(claims_file):
    text = document(SIZES.replace("There are 8B, 70B and 405B models.",
                                  "A *bold* [link](x) <b>"))
    loaded = load_document(claims_file(text))
    document_, results = loaded.document, loaded.results
    out = FORMATS["markdown"](document_, document_.claims, results, 7)
    assert "Showing 1 of 7 claims." in out.splitlines()
    assert r"A \*bold\* \[link\](x) \<b\>" in out


def test_csv_reads_back_with_csv_reader(loaded):
    document_, results = loaded
    rows = list(csv.reader(io.StringIO(
        FORMATS["csv"](document_, document_.claims, results, 4))))
    assert rows == [
        ["id", "claim", "article_quote", "verdict", "section", "title", "page",
         "quote", "url", "value", "unit", "note"],
        ["gpus-16k", "More than 16K GPUs were used.", "used more than 16K H100 GPUs",
         "overstated", "3.3.1", "Training Infrastructure", "8",
         "trained on up to 16K H100 GPUs", "", "16000", "GPUs",
         "The paper says up to 16K."],
        ["model-sizes", "There are 8B, 70B and 405B models.",
         "with 8B, 70B, and 405B versions", "supported", "1", "Introduction", "1",
         "a herd of three language models with 8B, 70B, and 405B parameters.", "",
         "", "", ""],
        ["license-outputs", "The license allows using outputs to improve other models.",
         "use the output of the Llama model to enhance other models", "not-in-paper",
         "", "", "", "allowing developers to use the outputs from Llama models",
         "https://ai.meta.com/blog/meta-llama-3-1/", "", "", "From the blog."],
        ["leak", "It leaked two days early.", "accidental leak", "unsourced", "", "",
         "", "", "", "", "", "Nothing found yet."],
    ]


@pytest.mark.parametrize("cell, safe", [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
    ("+1+2", "'+1+2"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("plain text", "plain text"),
    ("a=b", "a=b"),
    (None, ""),
])
def test_csv_cells_are_neutralised_as_owasp_advises(cell, safe):
    assert neutralize_cell(cell) == safe


def test_a_formula_in_a_claim_is_neutralised_in_the_file(claims_file):
    text = document(SIZES.replace("There are 8B, 70B and 405B models.",
                                  "\"=cmd|'/C calc'!A0\""))
    loaded = load_document(claims_file(text))
    document_, results = loaded.document, loaded.results
    rows = list(csv.reader(io.StringIO(
        FORMATS["csv"](document_, document_.claims, results, 1))))
    assert rows[1][1] == "'=cmd|'/C calc'!A0"


def test_claimreview_is_schema_org_json_ld(loaded):
    document_, results = loaded
    reviews = json.loads(FORMATS["claimreview"](document_, document_.claims, results, 4))
    assert reviews[0] == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": "More than 16K GPUs were used.",
        "reviewRating": {"@type": "Rating", "ratingValue": 2, "bestRating": 5,
                         "worstRating": 1, "alternateName": "overstated"},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Organization", "name": "The Outlet"},
            "datePublished": "2024-07-24",
            "appearance": {"@type": "CreativeWork", "headline": "An article"},
        },
        "author": {"@type": "Organization", "name": "Tester"},
        "datePublished": "2026-11-27",
    }
    assert [r["reviewRating"]["alternateName"] for r in reviews] == [
        "overstated", "supported", "not-in-paper", "unsourced"]
    assert [r["reviewRating"]["ratingValue"] for r in reviews] == [2, 5, 3, 3]


def test_claimreview_gives_urls_when_the_header_has_them(claims_file):
    text = document(SIZES).replace(
        'review: {reviewer: Tester, date: "2026-11-27"}',
        'review: {reviewer: Tester, date: "2026-11-27", url: "https://example.org/r"}'
    ).replace('date: "2024-07-24"}', 'date: "2024-07-24", url: "https://example.org/a"}')
    loaded = load_document(claims_file(text))
    document_, results = loaded.document, loaded.results
    review = json.loads(FORMATS["claimreview"](document_, document_.claims, results, 1))[0]
    assert review["url"] == "https://example.org/r#model-sizes"
    assert review["itemReviewed"]["appearance"]["url"] == "https://example.org/a"


def test_every_verdict_has_a_rating_from_1_to_5():
    from claimkit.model import VERDICTS

    assert sorted(RATINGS) == sorted(VERDICTS)
    assert all(1 <= rating <= 5 for rating in RATINGS.values())
    assert RATINGS["supported"] == 5 and RATINGS["contradicted"] == 1


class _Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.tags, self.links = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        for name in ("src", "href"):
            if name in attrs:
                self.links.append(attrs[name])

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_one_self_contained_page_with_escaped_text(claims_file):
    text = document(SIZES.replace("There are 8B, 70B and 405B models.",
                                  "<script>alert(1)</script> & [bold]x[/bold]"),
                    CHECKS.replace("gpus_16k * 2", "1 + 1").replace("32000", "2"))
    loaded = load_document(claims_file(text))
    document_, results = loaded.document, loaded.results
    page = FORMATS["html"](document_, document_.claims, results, 1)
    parser = _Page()
    parser.feed(page)
    assert parser.tags[:4] == ["html", "head", "meta", "title"]
    assert "script" not in parser.tags and parser.links == []
    body = "".join(parser.text)
    assert "<script>alert(1)</script> & [bold]x[/bold]" in body
    assert "Claims checklist: An article" in body
    assert "✔ model-sizes" not in body  # mark and id are separate cells
    assert "model-sizes" in body and "✔" in body
    assert "1/1 claims sourced" in body
    assert "✔ double: computed 2, expected 2" in body


def test_formats_come_from_one_table():
    assert list(FORMATS) == ["json", "markdown", "csv", "claimreview", "html"]


def test_a_contradicted_claim_is_drawn_with_its_mark(claims_file):
    from conftest import CONTRIBUTORS

    loaded = load_document(claims_file(document(CONTRIBUTORS)))
    out = render(Checklist(loaded.document.claims, loaded.results, 1))
    assert [line for line in out.splitlines() if line.startswith("✘")] == [
        "✘  contributors" + " " * 38 + "§11 Contributors" + " " * 19 + "contradicted",
        "✘ 1 contradicted"]
