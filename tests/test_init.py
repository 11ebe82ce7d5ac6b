"""`kit.py init`: a new claims file from an article and a paper written for
the test, that `check` passes at once; and the header's text keys."""
import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.pdfs import pdf_of
from claimkit.init import find_sections
from claimkit.output import OutputError, write_new
from conftest import document, position

ARTICLE = """\
Orca-7 Is Here

March 3, 2025

The Orca team released Orca-7 on Tuesday. It was trained
on 2.5T tokens, twice as many as Orca-6.

Orca-7 beats Falcon 40B on reasoning, the team says.
We spoke to the team on a call.

Key facts
- Parameters: 7 billion
- Dataset: not disclosed
- 2025
"""
# pdftotext's text of a paper: arXiv's stamp, form feeds between pages, and
# lines that look like headings but are a list and a footnote.
PAPER = (
    "The Orca-7 Technical Report\nThe Orca Team\narXiv:2503.01234v2 [cs.CL] 9 Mar 2025\n"
    "Abstract\nWe present Orca-7.\n1 Introduction\nOrca-7 is trained on 2.5T tokens.\n1\n"
    "\f2 Data\nWe list our steps:\n1. Remove duplicates.\n2. Filter the data\n"
    "3 We thank the annotators.\n2.1 Sources\nThe data comes from the web.\n2\n"
    "\f3 Results\nOrca-7 beats Falcon 40B.\n3\n")
STUB = """\
  - id: "{id}"
    claim: "TODO: {quote}"
    article_quote: "{quote}"
    source: {{}}
    verdict: unsourced
    note: "To do: restate the claim, find its source, give a verdict."
"""
QUOTES = {
    "march-3-2025": "March 3, 2025",
    "the-orca-team-released-orca": "The Orca team released Orca-7 on Tuesday.",
    "it-was-trained-on-2": "It was trained on 2.5T tokens, twice as many as Orca-6.",
    "orca-7-beats-falcon-40b": "Orca-7 beats Falcon 40B on reasoning, the team says.",
    "parameters-7-billion": "Parameters: 7 billion",
    "dataset-not-disclosed": "Dataset: not disclosed",
}
WRITTEN = """\
# yaml-language-server: $schema=claims.schema.json
#
# Written by `kit.py init` from article.txt and paper.txt.
# Replace each TODO, restate each claim stub, narrow its quote to the
# words that make the claim, find its source, and give its verdict.

article:
  title: "Orca-7 Is Here"
  outlet: "TODO: the outlet that published the article"
  date: "2025-03-03"
  url: null  # TODO: the article's web address
  text: "article.txt"
  # checkable: [words, that make a sentence checkable, in this article]

paper:
  title: "The Orca-7 Technical Report"
  authors: "TODO: the paper's authors"
  arxiv: "2503.01234"
  version: v2  # the version of the text's arXiv stamp
  url: https://arxiv.org/abs/2503.01234
  date: "2025-03-09"  # the date of that version
  text: "paper.txt"

sections:
  "abstract": {title: "Abstract", page: 1}
  "1": {title: "Introduction", page: 1}
  "2": {title: "Data", page: 2}
  "2.1": {title: "Sources", page: 2}
  "3": {title: "Results", page: 3}

claims:
""" + "".join(STUB.format(id=id_, quote=quote) for id_, quote in QUOTES.items()) + """
# Checkable sentences too short to quote: dismiss them, or track
# them in a claim with the words around them.
dismissed:
  - sentence: "2025"
    reason: "TODO: why it states nothing to check"
"""


@pytest.fixture
def texts(tmp_path, monkeypatch):
    """The article and the paper in a folder that is the current one."""
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "paper.txt").write_text(PAPER, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_writes_a_file_that_check_passes_at_once(run, texts):
    result = run("init", "--article", "article.txt", "--paper", "paper.txt", "-o", "new.yaml")
    assert (result.code, result.out, result.err) == (0, "", (
        "kit.py: wrote new.yaml: 6 claim stubs, 1 dismissal, 5 sections; next: edit it,"
        " then python kit.py check -f new.yaml\n"))
    assert (texts / "new.yaml").read_text(encoding="utf-8") == WRITTEN
    # The header names the texts, so a plain check reads them.
    for strict in ((), ("--strict",)):
        result = run("check", "-f", "new.yaml", *strict)
        assert (result.code, result.err, result.out) == (0, "", (
            "new.yaml: 6 claims, 0 checks: ok\n"
            "article quotes: 6 of 6 found in article.txt\n"
            "article coverage: 7 sentences, 6 tracked, 1 dismissed, 0 untracked\n"
            "paper quotes: 0 of 0 found in paper.txt\n"))


def test_with_a_few_claims_strict_flags_every_untracked_bullet_and_figure(run, texts):
    run("init", "--article", "article.txt", "--paper", "paper.txt", "-o", "new.yaml")
    text = (texts / "new.yaml").read_text(encoding="utf-8")
    # Keep two claims, and narrow one's quote so that a figure rides on it.
    for id_ in ("march-3-2025", "the-orca-team-released-orca", "parameters-7-billion",
                "dataset-not-disclosed"):
        text = text.replace(STUB.format(id=id_, quote=QUOTES[id_]), "")
    text = text.replace('article_quote: "It was trained on 2.5T tokens, twice as many as Orca-6."',
                        'article_quote: "It was trained on 2.5T tokens"')
    (texts / "few.yaml").write_text(text, encoding="utf-8")
    result = run("check", "-f", "few.yaml", "--strict")
    untracked = "error[untracked-sentence]: untracked sentence states a checkable fact:"
    assert (result.code, result.err) == (1, (
        f"article.txt:3:1: {untracked} \"March 3, 2025\"\n"
        f"article.txt:5:1: {untracked} \"The Orca team released Orca-7 on Tuesday.\"\n"
        "article.txt:6:17: error[untracked-figure]: untracked figure \"twice\": no article_quote"
        " holds it (its sentence is tracked by claim 'it-was-trained-on-2' for other words)\n"
        f"article.txt:12:3: {untracked} \"Parameters: 7 billion\"\n"
        f"article.txt:13:3: {untracked} \"Dataset: not disclosed\"\n"))


@pytest.mark.parametrize("name, shown", [
    (os.fsdecode(b"a\x9b.txt"), "a\\x9b.txt"),  # bytes that are not UTF-8
    ("b\x1b[2J.txt", "b\\x1b[2J.txt"),  # a control character
    ("c\u2028.txt", "c\\u2028.txt"),  # a line separator
    ("d\uffff.txt", "d\\uffff.txt"),  # YAML refuses it even in a comment
])
def test_a_text_whose_name_a_claims_file_cannot_hold_is_left_out_of_the_header(
        run, texts, name, shown):
    os.rename(texts / "article.txt", texts / name)
    result = run("init", "--article", name, "--paper", "paper.txt", "-o", "new.yaml")
    assert (result.code, result.out) == (0, "")
    written = (texts / "new.yaml").read_text(encoding="utf-8")
    assert f"# Written by `kit.py init` from {shown} and paper.txt.\n" in written
    assert ("  # text: not given: the file's name holds characters a claims file cannot;"
            " rename it, or give check --article FILE\n") in written
    assert '  text: "paper.txt"\n' in written
    # The file still passes check at once; the article is given by hand.
    assert run("check", "-f", "new.yaml").code == 0
    check = run("check", "-f", "new.yaml", "--article", name)
    assert (check.code, check.err) == (0, "")
    assert "article quotes: 6 of 6 found in " in check.out


def test_init_never_writes_over_a_file(run, texts):
    (texts / "claims.yaml").write_text("mine\n")
    result = run("init", "--article", "article.txt", "--paper", "paper.txt")
    assert (result.code, result.out, result.err) == (2, "", (
        "kit.py: error: claims.yaml exists; init never writes over a file: give -o a new"
        " name\n"))
    assert (texts / "claims.yaml").read_text() == "mine\n"
    # Nor over one that appears between the look and the write.
    with pytest.raises(OutputError, match=r"claims\.yaml exists; init never writes over a file"):
        write_new("claims.yaml", "theirs\n")
    assert (texts / "claims.yaml").read_text() == "mine\n"


def test_init_to_stdout_gives_paths_relative_to_here(run, texts):
    os.mkdir("sub")
    os.chdir("sub")
    result = run("init", "--article", "../article.txt", "--paper", "../paper.txt", "-o", "-")
    assert (result.code, result.err) == (0, "")
    assert result.out == WRITTEN.replace("article.txt", "../article.txt").replace(
        "paper.txt", "../paper.txt")


@pytest.mark.parametrize("article, err", [
    (None, "article.txt:1:1: error[unreadable]: no such file\n"),
    ("2025\n\n7\n", "kit.py: error: article.txt: the article holds no sentence of two words or"
                    " more; a claims file needs a claim that quotes one\n"),
])
def test_init_without_an_article_to_quote_is_one_line(run, texts, article, err):
    os.remove("article.txt")
    if article is not None:
        (texts / "article.txt").write_text(article)
    result = run("init", "--article", "article.txt", "--paper", "paper.txt", "-o", "new.yaml")
    assert (result.code, result.out, result.err) == (2, "", err)
    assert not os.path.exists("new.yaml")


def test_an_article_with_no_checkable_sentence_gets_one_stub(run, texts):
    (texts / "article.txt").write_text("We spoke to the team.\n\nIt was nice.\n")
    result = run("init", "--article", "article.txt", "--paper", "paper.txt", "-o", "-")
    assert result.code == 0
    assert STUB.format(id="we-spoke-to-the-team", quote="We spoke to the team.") in result.out
    (texts / "new.yaml").write_text(result.out)
    assert run("check", "-f", "new.yaml", "--strict").code == 0


def test_an_article_the_quote_search_refuses_is_named(run, texts):
    # The stubs' quotes are looked for as check looks for them: an article
    # of more pages than a text may hold is refused, by its name.
    (texts / "article.txt").write_text(ARTICLE + "\f" * 100_000, encoding="utf-8")
    result = run("init", "--article", "article.txt", "--paper", "paper.txt", "-o", "-")
    assert (result.code, result.out, result.err) == (2, "", (
        "article.txt:1:1: error[too-large]: the text has more than the limit of 100,000"
        " pages (form feeds)\n"))


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="pdftotext (poppler-utils) is not installed")
def test_init_reads_a_pdf_through_pdftotext(run, texts):
    (texts / "paper.pdf").write_bytes(pdf_of(["The Orca Paper", "1 Introduction",
                                              "2 Method"]))
    result = run("init", "--article", "article.txt", "--paper", "paper.pdf", "-o", "-")
    assert result.code == 0
    assert ('  title: "The Orca Paper"\n' in result.out
            and 'sections:\n  "1": {title: "Introduction", page: 2}\n'
                '  "2": {title: "Method", page: 3}\n' in result.out)


@pytest.mark.parametrize("text, sections", [
    # A table of contents' order: a list item, a footnote and a table row
    # that look like headings are passed over; so is a long sentence.
    ("1 Introduction\n1. First step\n2 Method\n3 We thank everyone here.\n2.1 Data\n"
     "10 20 30\n2.2 Training\n3 Results\n4 A heading that is far too long to be a title of a"
     " section in any paper\n",
     [("1", "Introduction", None), ("2", "Method", None), ("2.1", "Data", None),
      ("2.2", "Training", None), ("3", "Results", None)]),
    # Markdown, bold; a trailing dot; pages from form feeds.
    ("# Title\n## Abstract\n## **1 Intro**\n\f### 1.1. Setup\n\f## 2 End\n",
     [("abstract", "Abstract", 1), ("1", "Intro", 1), ("1.1", "Setup", 2), ("2", "End", 3)]),
    # Headings the text lost: a number may skip two sections; the pages are
    # counted up to the number, past the form feeds that open its line.
    ("2 Method\n\f\f3.3 Results\n\f6 Close\n", [("2", "Method", 1), ("3.3", "Results", 3),
                                               ("6", "Close", 4)]),
    # A run that starts past 2, or jumps further, is not a table of contents.
    ("4 Method\n5 Results\n", []),
    ("1 Intro\n5 Results\n1.4 Data\n", [("1", "Intro", None)]),
])
def test_sections_are_the_headings_a_table_of_contents_allows(text, sections):
    assert find_sections(text) == sections


# -- the header's texts ------------------------------------------------------

GPU_ARTICLE = "It was trained on up to 16K GPUs, the paper says.\n"
GPUS_CLAIM = """\
  - id: gpus
    claim: Up to 16K GPUs were used.
    article_quote: trained on up to 16K GPUs
    source: {}
    verdict: unsourced
    note: To do.
"""


def with_texts(article: str | None = None, paper: str | None = None) -> str:
    header = document(GPUS_CLAIM)
    if article:
        header = header.replace('date: "2024-07-24"}', f'date: "2024-07-24", text: {article}}}')
    if paper:
        header = header.replace('date: "2024-07-23"}', f'date: "2024-07-23", text: {paper}}}')
    return header


def test_the_header_names_the_texts_relative_to_the_claims_file(run, tmp_path, monkeypatch):
    os.mkdir(tmp_path / "texts")
    (tmp_path / "texts" / "a.txt").write_text(GPU_ARTICLE)
    (tmp_path / "texts" / "p.txt").write_text("We train on up to 16K GPUs.\n")
    (tmp_path / "claims.yaml").write_text(with_texts("texts/a.txt", "texts/p.txt"))
    monkeypatch.chdir(tmp_path / "texts")
    result = run("check", "-f", "../claims.yaml", "--strict")
    assert (result.code, result.err, result.out) == (0, "", (
        "../claims.yaml: 1 claim, 0 checks: ok\n"
        "article quotes: 1 of 1 found in ../texts/a.txt\n"
        "article coverage: 1 sentences, 1 tracked, 0 dismissed, 0 untracked\n"
        "paper quotes: 0 of 0 found in ../texts/p.txt\n"))
    # A flag overrides the header.
    (tmp_path / "other.txt").write_text("Another text.\n")
    result = run("check", "-f", "../claims.yaml", "--article", "../other.txt")
    assert result.err.startswith("../claims.yaml:12:20: error[quote-not-found]:")
    assert "article quotes: 0 of 1 found in ../other.txt\n" in result.out


def test_a_missing_text_is_one_line_and_an_error_only_when_strict(run, tmp_path, monkeypatch):
    text = with_texts("gone.txt")
    (tmp_path / "claims.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    line, col = position(text, "gone.txt")
    missing = (f"claims.yaml:{line}:{col}: {{level}}[text-missing]: article.text: no file"
               " gone.txt (the path is relative to the claims file); the article is not"
               " checked: give --article FILE\n")
    result = run("check", "-f", "claims.yaml")
    assert (result.code, result.err, result.out) == (
        0, missing.format(level="warning"), "claims.yaml: 1 claim, 0 checks: ok\n")
    result = run("check", "-f", "claims.yaml", "--strict")
    assert (result.code, result.err, result.out) == (
        1, missing.format(level="error"), "claims.yaml: 1 claim, 0 checks: 1 problem\n")


# -- never a traceback --------------------------------------------------------

# Words, figures, marks and line breaks that make articles of any shape:
# bullets, headings, datelines, short and repeated sentences; and papers,
# with headings, pages, stamps and DOIs.
ARTICLE_WORDS = ["The", "model", "beat", "it", "Orca", "7", "2024-07-24", "16K", "-", "1.",
                 "•", "#", "Dataset:", "not", "more", "than", "pre-", "(3.8x10²⁵)", "«",
                 ".", "!", ":", "\n", "\n\n", "\t", "\u2028", "\x1b", "İ"]
PAPER_WORDS = ["1", "1.1", "2", "2.1.", "10", "Introduction", "Data", "abstract", "**", "#",
               "The", "\f", "\n", "arXiv:2503.01234v2 [cs.CL] 9 Mar 2025", "doi:10.1000/x.",
               "\x1b", "\ufeff", "é"]
articles = st.lists(st.sampled_from(ARTICLE_WORDS), max_size=40).map(" ".join)
papers = st.lists(st.sampled_from(PAPER_WORDS), max_size=40).map(" ".join)


# The folder is the test's; the texts are written anew for each input.
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(articles, papers)
def test_whatever_the_texts_init_makes_a_file_that_check_passes(run, texts, article, paper):
    (texts / "article.txt").write_text(article, encoding="utf-8")
    (texts / "paper.txt").write_text(paper, encoding="utf-8")
    if os.path.exists("new.yaml"):
        os.remove("new.yaml")
    made = run("init", "--article", "article.txt", "--paper", "paper.txt", "-o", "new.yaml")
    if made.code == 2:  # nothing to quote
        assert made.err.startswith("kit.py: error: article.txt: the article holds no sentence")
        return
    assert made.code == 0, made
    checked = run("check", "-f", "new.yaml")
    assert (checked.code, [line for line in checked.err.splitlines()
                           if "error[" in line]) == (0, []), checked


@pytest.mark.parametrize("paper", [
    "1 Heading\n" * 200_000,  # every line looks like the same heading
    "".join(f"{number} Heading\n1.{number} Sub\n" for number in range(1, 100_000)),
    "\f" * 500_000 + "1 Heading\n",
], ids=["same-heading", "long-contents", "many-pages"])
def test_init_on_hostile_papers_finishes_quickly_in_bounded_memory(texts, paper):
    # A hang guard, not a timing (the limits are ten times what is needed).
    import resource
    import subprocess
    import sys

    from conftest import ROOT

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    (texts / "paper.txt").write_text(paper, encoding="utf-8")
    result = subprocess.run([sys.executable, f"{ROOT}/kit.py", "init", "--article",
                             "article.txt", "--paper", "paper.txt", "-o", "new.yaml"],
                            capture_output=True, text=True, timeout=60,
                            preexec_fn=limit_memory)
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr.startswith("kit.py: wrote new.yaml: 6 claim stubs, 1 dismissal,")
