"""Every output format, rendered from an inline file and compared as text."""
import io
from itertools import pairwise

import pytest
from rich.cells import cell_len
from rich.console import Console

from claimkit import checklist
from claimkit.checklist import Checklist, render_claim, wrap
from claimkit.display import describe_source
from claimkit.model import VERDICTS
from claimkit.session import load_document
from conftest import LICENSE, SIZES, document, versioned, with_changes

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
    assert render(Checklist(document_.claims, results)) == """\
✔ 1 supported   ▲ 1 overstated   ○ 1 not-in-paper   ☐ 1 unsourced
3/4 claims sourced

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
    out = render(Checklist(document_.claims, results), width=80)
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
    chopped = []
    chop_cells = checklist.chop_cells

    def spy(text, width):
        chopped.append(len(text))
        return chop_cells(text, width)

    monkeypatch.setattr(checklist, "chop_cells", spy)
    word = "x" * 100_000
    lines = wrap(word, 30)
    assert "".join(lines) == word
    assert (len(lines), len(chopped)) == (3334, 3333)  # the last line fits
    assert max(chopped) <= 4 * 30


@pytest.mark.parametrize("width", [20, 35, 60, 80, 200])
def test_the_checklist_keeps_every_word_at_any_width(loaded, width):
    document_, results = loaded
    checklist = Checklist(document_.claims, results)
    out = render(checklist, width=width)
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert all(line == line.rstrip() for line in lines)
    # Read each column top to bottom, as the slices of the rows' lines.
    claim_width, source_width, _ = checklist.column_widths(width)
    starts = (0, 3, 5 + claim_width, 7 + claim_width + source_width, width)
    rule = lines.index("─" * width)
    rows = lines[rule + 1:next(i for i, line in enumerate(lines)
                               if i > rule and line.startswith("✔ 1 "))]
    columns = ["".join("".join(line[start:end].split()) for line in rows)
               for start, end in pairwise(starts)]
    assert columns[0] == "".join(VERDICTS[claim.verdict].mark for claim in document_.claims)
    assert columns[1] == "".join("".join((claim.id + claim.claim).split())
                                 for claim in document_.claims)
    assert columns[2] == "".join("".join(describe_source(claim).split())
                                 for claim in document_.claims)
    assert columns[3] == "".join(claim.verdict for claim in document_.claims)


def test_a_filtered_checklist_tells_its_count_on_stderr(run, claims_file, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    result = run("list", "-f", claims_file(document()), "--verdict", "supported")
    assert (result.code, result.err) == (0, "kit.py: showing 1 of 4 claims\n")
    assert result.out == """\
✔ 1 supported
1/1 claims sourced

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
    imprecise = with_changes(document_.claims[0], verdict="imprecise", id="rough")
    console.print(Checklist([document_.claims[0], imprecise], results))
    out = console.file.getvalue()
    # Overstated is orange (bright red in 16 colours), imprecise yellow: each
    # its own mark and colour.
    assert "\x1b[91m▲\x1b[0m" in out and "\x1b[91moverstated\x1b[0m" in out
    assert "\x1b[33m≈\x1b[0m" in out and "\x1b[33mimprecise\x1b[0m" in out
    assert "\x1b[1mgpus-16k\x1b[0m" in out
    assert "\x1b[32m✔\x1b[0m double" in out


def test_one_claim_in_full(loaded):
    document_, _ = loaded
    document_ = versioned(document_)
    out = render(render_claim(document_, document_.claims[0]), width=80)
    # No line ends in spaces, though rich pads every cell.
    assert out.splitlines() == """\
▲ gpus-16k  overstated
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ article (The Outlet)                  ┃ source                               ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ used more than 16K H100 GPUs          │ trained on up to 16K H100 GPUs       │
└───────────────────────────────────────┴──────────────────────────────────────┘
claim  More than 16K GPUs were used.
source §3.3.1 Table 4, p. 8
pdf    https://arxiv.org/pdf/2407.21783v3#page=8
paper  A paper, arXiv 2407.21783v3
value  16,000 GPUs
note   The paper says up to 16K.""".splitlines()


def test_an_outside_source_has_no_pdf_link(loaded):
    document_, _ = loaded
    out = render(render_claim(document_, document_.claims[2]), width=80)
    assert "source https://ai.meta.com/blog/meta-llama-3-1/" in out
    assert "pdf" not in out and "arXiv" not in out


@pytest.mark.parametrize(("index", "locator", "described"), [
    (0, None, "§3.3.1 Training Infrastructure, p. 8"),
    (0, "Table 4", "§3.3.1 Table 4, p. 8"),
    (1, None, "§1 Introduction, p. 1"),
    (2, None, "ai.meta.com/blog/meta-llama-3-1/"),
    (3, None, "no source yet"),
])
def test_describe_source_shows_the_locator(loaded, index, locator, described):
    document_, _ = loaded
    claim = document_.claims[index]
    claim = with_changes(claim, source=with_changes(claim.source, locator=locator))
    assert describe_source(claim) == described


def test_a_contradicted_claim_is_drawn_with_its_mark(claims_file):
    from conftest import CONTRIBUTORS

    loaded = load_document(claims_file(document(CONTRIBUTORS)))
    out = render(Checklist(loaded.document.claims, loaded.results))
    assert [line for line in out.splitlines() if line.startswith("✘")] == [
        "✘ 1 contradicted",
        "✘  contributors" + " " * 38 + "§11 Contributors" + " " * 19 + "contradicted",
        "✘ 1 contradicted"]


def test_the_checklist_shows_the_locator(loaded):
    document_, _results = loaded
    out = render(Checklist(versioned(document_).claims[:1], []))
    assert "§3.3.1 Table 4, p. 8" in out


@pytest.mark.parametrize("url, expected", [
    ("https://arxiv.org/pdf/2407.21783#page=3", True),
    ("http://example.com/a?b=c&d=e", True),
    (None, False),
    ("ftp://example.com/paper.pdf", False),              # not http(s)
    ("javascript:alert(1)", False),
    ("https://e.x/\x1b]8;;https://evil.example\x1b\\", False),  # ends the link's escape
    ("https://e.x/\u202egnp.exe", False),                # a bidi override
    ("https://e.x/a\tb", False),                         # clean would fold it
    ("https://e.x/a\u00a0b", False),                     # a space but " "
    ("https://e.x/a b", False),                          # " ": the one space isprintable keeps
])
def test_only_a_plain_http_url_becomes_a_terminal_link(url, expected):
    assert checklist.linkable(url) is expected


def test_the_checklist_shows_a_checks_note_below_it(claims_file):
    text = document(extra="checks:\n"
                    "  - id: double\n"
                    "    compute: gpus_16k * 2\n"
                    "    expect: 32000\n"
                    "    note: Twice the GPUs of the claim, as the paper's Table 4 runs"
                    " them on the largest jobs.\n")
    loaded = load_document(claims_file(text))
    out = render(Checklist(loaded.document.claims, loaded.results), width=60)
    assert out.split("checks:\n")[1] == """\
 ✔ double: computed 32,000, expected 32,000
   note: Twice the GPUs of the claim, as the paper's Table 4
   runs them on the largest jobs.
"""


ACKNOWLEDGED = """\
  - id: multimodal-preliminary-results
    claim: The paper thanks many people for their work on the models.
    article_quote: thanks to the many contributors
    source:
      section: "11"
      title: Contributors and Acknowledgements
      quote: the work of a large number of people
    verdict: supported
"""


def source_column(out: str, checklist_: Checklist, width: int) -> list[list[str]]:
    """The source column's lines, row by row (a row starts at its mark)."""
    claim_width, source_width, _ = checklist_.column_widths(width)
    start = 3 + claim_width + 2
    lines = out.splitlines()
    rule = lines.index("─" * width)
    rows: list[list[str]] = []
    for line in lines[rule + 1:]:
        if line[:1] in "✔▲≈✘○☐" and line[1:3] == "  ":
            rows.append([])
        elif not line.startswith("   "):
            break
        rows[-1].append(line[start:start + source_width].strip())
    return [[piece for piece in row if piece] for row in rows]


def test_at_60_columns_a_word_breaks_only_where_no_space_fits(claims_file):
    """The source column keeps room for its longest word: "Introduction,"
    and "Acknowledgements" stay whole; a url folds after a slash, and an id
    wider than its column after a hyphen."""
    text = document(SIZES + ACKNOWLEDGED + LICENSE).replace(
        '"11": {title: Contributors, page: null}',
        '"11": {title: Contributors and Acknowledgements, page: null}')
    loaded = load_document(claims_file(text))
    assert loaded.problems == []
    checklist_ = Checklist(loaded.document.claims, [])
    out = render(checklist_, width=60)
    assert checklist_.column_widths(60) == (25, 16, 12)
    assert source_column(out, checklist_, 60) == [
        ["§1 Introduction,", "p. 1"],
        ["§11 Contributors", "and", "Acknowledgements"],
        ["ai.meta.com/", "blog/meta-llama-", "3-1/"]]
    assert ("✔  multimodal-preliminary-    §11 Contributors  supported\n"
            "   results                    and\n") in out


def test_a_claim_with_a_problem_only_in_its_verdict_still_counts_as_sourced(run, claims_file):
    path = claims_file(document().replace("verdict: overstated", "verdict: Overstated"))
    result = run("list", "-f", path)
    assert result.code == 1
    # gpus-16k cites §3.3.1, and only its verdict could not be read.
    assert result.out.splitlines()[-1] == "3/4 claims sourced"
