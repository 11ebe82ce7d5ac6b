"""Quote checks against article and paper texts: finding, placement, PDFs."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bench.pdfs import pdf_of
from claimkit.model import Claim, Document, Source
from claimkit.problems import Problems
from claimkit.quotes import check_article, check_paper, find_headings
from claimkit.texts import SearchText, normalize
from conftest import GPUS, LEAK, LICENSE, SIZES, document, position, with_changes

ARTICLE = """\
Headline: the model that beat everyone

Meta trained the model and used more
than 16K H100 GPUs. It comes with 8B, 70B, and 405B versions.
After an accidental leak, the license lets you use the output of the Llama model to enhance other models.
Next, let us look at the paper.
This opinion piece is the first of its kind.
"""

PAPER = """\
3.3.1 Training Infrastructure
Llama 3 405B is trained on up to 16K H100 GPUs, each running at
700W TDP. The result of our work is Llama 3: a herd of three lan-
guage models with 8B, 70B, and 405B parameters. We use 3.8 × 1025 FLOPs.
"""


@pytest.mark.parametrize("quote, text", [
    ("used more than 16K H100 GPUs", "used more than\n   16K  H100\tGPUs"),
    ("Meta's “open” model", "Meta’s \"open\" model"),
    ("models—including the 405B—to", "models--including the 405B-to"),
    ("pre-training data", "pre-\ntraining data"),
    ("pre-training data", "pretraining data"),
    ("foundation models", "foun-\n  dation models"),
    ("3.8 × 10²⁵ FLOPs", "3.8x10^25 FLOPs"),
    ("3.8 × 10^25 FLOPs", "3.8 × 1025 FLOPs"),
    ("3.8x10²⁵", "3.8 x 10^25"),
    ("efficient fine-tuning", "eﬃcient ﬁne-tuning"),
    ("the ﬂagship model", "the flagship model"),
])
def test_layout_and_typography_are_forgiven(quote, text):
    assert normalize(quote) in normalize(text)


@pytest.mark.parametrize("quote, text", [
    ("more than 16K H100 GPUs", "up to 16K H100 GPUs"),
    ("405B parameters", "405M parameters"),
    ("the model beat GPT-4o", "the model beat GPT-4"),
    ("Llama 3", "llama 3"),
    ("3.8 × 10²⁵", "3.8 × 10²⁴"),
])
def test_different_words_are_not_forgiven(quote, text):
    assert normalize(quote) not in normalize(text)


def test_every_quote_found(run, claims_file, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE)
    paper = tmp_path / "paper.txt"
    paper.write_text(PAPER)
    path = claims_file(document(
        GPUS + SIZES + LICENSE
        + LEAK.replace("accidental leak", "After an accidental leak")))
    result = run("check", "-f", path, "--article", str(article), "--paper", str(paper))
    # The GPU quote is found across the line break; the two sentences no claim
    # quotes are reported, the one with nothing checkable in it is not.
    assert result.err == (
        f"{article}:1:1: warning[untracked-sentence]: untracked sentence states a checkable fact:"
        " \"Headline: the model that beat everyone\"\n"
        f"{article}:7:1: warning[untracked-sentence]: untracked sentence states a checkable fact:"
        " \"This opinion piece is the first of its kind.\"\n")
    assert result.out == (
        f"{path}: 4 claims, 0 checks: ok\n"
        f"article quotes: 4 of 4 found in {article}\n"
        "article coverage: 5 sentences, 3 tracked, 0 dismissed, 2 untracked\n"
        f"paper quotes: 2 of 2 found in {paper}\n"
        "placement: pages not checked: no form feeds; 1 of 1 under their cited"
        " section (1 cite a section whose heading is not in the text)\n")
    assert result.code == 0


def test_a_missing_quote_names_the_claim_its_line_and_the_closest_passage(
        run, claims_file, tmp_path):
    paper = tmp_path / "paper.txt"
    paper.write_text(PAPER)
    text = document(GPUS.replace("trained on up to 16K H100 GPUs",
                                 "trained on more than 16K H100 GPUs"))
    path = claims_file(text)
    line, col = position(text, "trained on more than")
    result = run("check", "-f", path, "--paper", str(paper))
    assert result.err == (
        f"{path}:{line}:{col}: error[quote-not-found]: claims[0] (gpus-16k).source.quote: quote"
        f" not found in {paper}; closest passage (84% similar, line 2):"
        " \"trained on up to 16K H100 GPUs\"\n")
    assert result.out == (f"{path}: 1 claim, 0 checks: 1 problem\n"
                          f"paper quotes: 0 of 1 found in {paper}\n")
    assert result.code == 1


def test_a_near_miss_in_the_article_is_reported_with_its_similarity(
        run, claims_file, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE)
    text = document(SIZES.replace("with 8B, 70B, and 405B versions",
                                  "with 8B, 70B, and 400B versions"))
    path = claims_file(text)
    line, col = position(text, "with 8B, 70B, and 400B")
    result = run("check", "-f", path, "--article", str(article))
    first = result.err.splitlines()[0]
    assert first == (
        f"{path}:{line}:{col}: error[quote-not-found]: claims[0] (model-sizes).article_quote:"
        f" quote not found in {article}; closest passage (97% similar, line 4):"
        " \"with 8B, 70B, and 405B versions\"")
    assert result.code == 1


def test_a_paraphrase_is_reported_not_failed(run, claims_file, tmp_path):
    paper = tmp_path / "paper.txt"
    paper.write_text(PAPER)
    text = document(GPUS.replace(
        "      quote: trained on up to 16K H100 GPUs\n",
        "      quote: the paper says at most sixteen thousand GPUs\n"
        "      quote_exact: false\n"))
    path = claims_file(text)
    line, col = position(text, "the paper says at most")
    result = run("check", "-f", path, "--paper", str(paper))
    assert (result.code, result.err) == (0, (
        f"{path}:{line}:{col}: note[paraphrase]: claims[0] (gpus-16k).source.quote: quote is"
        " marked as a paraphrase (quote_exact: false); not looked for\n"))
    assert result.out.endswith(f"paper quotes: 0 of 0 found in {paper}\n")


def test_blog_quotes_are_not_looked_for_in_the_paper(run, claims_file, tmp_path):
    paper = tmp_path / "paper.txt"
    paper.write_text(PAPER)
    path = claims_file(document(LICENSE))
    result = run("check", "-f", path, "--paper", str(paper))
    assert (result.code, result.err) == (0, "")
    assert result.out.endswith(f"paper quotes: 0 of 0 found in {paper}\n")


def test_without_texts_check_does_no_quote_work(run, claims_file):
    path = claims_file(document(GPUS.replace("used more than 16K", "never said")))
    result = run("check", "-f", path)
    assert (result.code, result.out, result.err) == (
        0, f"{path}: 1 claim, 0 checks: ok\n", "")


def test_an_unreadable_article_is_exit_2(run, claims_file, tmp_path):
    path = claims_file(document())
    missing = tmp_path / "missing.txt"
    result = run("check", "-f", path, "--article", str(missing))
    assert (result.code, result.out, result.err) == (
        2, "", f"{missing}:1:1: error[unreadable]: no such file\n")


@pytest.mark.parametrize("option", ["--article", "--paper"])
def test_a_text_that_is_not_utf8_is_placed_by_its_own_lines(run, claims_file, tmp_path, option):
    # A line separator is no line break in a text, as a text editor reads it;
    # a \r is.  The column counts characters.
    text = tmp_path / "text.txt"
    text.write_bytes("It is 5.\u2028More \r\nIt is é".encode() + b"\xff\n")
    result = run("check", "-f", claims_file(document()), option, str(text))
    assert (result.code, result.out, result.err) == (
        2, "", f"{text}:2:8: error[encoding]: not UTF-8: byte 0xff at byte offset 26 is not"
        " UTF-8 (a file saved as cp1252 or latin-1?); save it as UTF-8\n")


def test_strict_needs_an_article(run, claims_file):
    path = claims_file(document())
    result = run("check", "-f", path, "--strict")
    assert (result.code, result.out, result.err) == (
        2, "", "kit.py: error: --strict needs the article: --article FILE, or article.text"
        " in the header\n")


def test_quote_problems_name_the_claims_place_in_the_file(run, claims_file, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE)
    text = document(GPUS.replace("verdict: overstated", "verdict: maybe")
                    + SIZES.replace("with 8B, 70B, and 405B versions", "with 9B models"))
    path = claims_file(text)
    line, col = position(text, "with 9B models")
    result = run("check", "-f", path, "--article", str(article))
    assert result.code == 1
    assert (f"{path}:{line}:{col}: error[quote-not-found]: claims[1] (model-sizes).article_quote:"
            f" quote not found in {article}") in result.err


# -- placement: pages, sections, page furniture, version --------------------


SECTIONS = {"abstract": ("Abstract", 1), "3.3": ("Infrastructure, Scaling, and Efficiency", 2),
            "3.3.1": ("Training Infrastructure", 2), "3.3.2": ("Parallelism for Model Scaling", 3),
            "3.4": ("Training Recipe", 4)}


def paper_document(*quotes, version=None, arxiv="2407.21783") -> Document:
    """A document whose claims cite (section, page, quote), one each."""
    paper = {"arxiv": arxiv, "url": f"https://arxiv.org/abs/{arxiv}"}
    if version:
        paper["version"] = version
    claims = [Claim(id=f"c{index}", claim="x", article_quote="an article quote",
                    source=Source(section=section, title=SECTIONS[section][0], page=page,
                                  quote=quote, quote_exact=True, url=None),
                    verdict="supported", note=None, value=None, unit=None, at=(index, 1),
                    article_quote_at=(index, 20), source_quote_at=(index, 30), index=index)
               for index, (section, page, quote) in enumerate(quotes)]
    return Document(path="claims.yaml", article={}, paper=paper, review={},
                    sections=SECTIONS, claims=claims, checks=[], dismissed=[])


# pdftotext's shape: a form feed ends each page, headings are bare lines, and
# a page ends with its number (and here a footnote).
PDFTOTEXT = (
    "arXiv:2407.21783v1 [cs.AI] 23 Jul 2024\nAbstract\nWe present a herd of models.\n"
    "1\n\f"
    "3.3 Infrastructure, Scaling, and Eﬃciency\nWe describe our hardware.\n"
    "3.3.1 Training Infrastructure\nLlama 3 405B is trained on up to 16K H100 GPUs,\n"
    "each running at 700W TDP with 80GB HBM3, using Meta’s Grand Teton AI\n"
    "1 See https://example.com for the server design.\n2\n\f"
    "The Llama 3 Herd of Models\nserver platform. Each server is equipped with eight GPUs.\n"
    "3.3.2 Parallelism for Model Scaling\nWe use 4D parallelism.\n3\n\f"
    "3.4 Training Recipe\nThe recipe has three stages.\n4\n\f"
    "The Llama 3 Herd of Models\nMore about the recipe.\n5\n\f"
    "The Llama 3 Herd of Models\nAnd the end.\n6\n\f"
)
# The same paper as Markdown renders it: headings, and no pages.
MARKDOWN = """\
# The Llama 3 Herd of Models

## Abstract

We present a herd of models.

## 3.3 Infrastructure, Scaling, and Efficiency

We describe our hardware.

### 3.3.1 Training Infrastructure

Llama 3 405B is trained on up to 16K H100 GPUs, each running at 700W TDP
with 80GB HBM3.

### 3.3.2 Parallelism for Model Scaling

We use 4D parallelism.

## 3.4 Training Recipe

The recipe has three stages.
"""


def run_paper(tmp_path, text: str, document: Document):
    paper = tmp_path / "paper.txt"
    paper.write_text(text, encoding="utf-8")
    problems = Problems()
    reports = check_paper(document, str(paper), problems)
    return ([(p.code, p.level, p.line, p.col, p.message.replace(str(paper), "PAPER"))
             for p in problems], [r.replace(str(paper), "PAPER") for r in reports])


@pytest.mark.parametrize("text, headings", [
    # pdftotext's lines, a form feed before a page's first one.
    ("Abstract\nWe present.\n\f3.3 Infrastructure, Scaling, and Eﬃciency\nText.\n"
     "3.3.1 Training Infrastructure\n",
     [("Abstract", "abstract"), ("\f3.3", "3.3"), ("3.3.1", "3.3.1")]),
    # Markdown's, in bold too; a title cut by a line break is enough from 12 characters.
    ("## Abstract\n\n### **3.3.2 Parallelism for**\n## 3.4 Training\n",
     [("## Abstract", "abstract"), ("### **3.3.2", "3.3.2")]),
    # The last line, with no newline after it; a number with no such section.
    ("Text.\n7.1 Training Recipe\nAbstract", [("Abstract", "abstract")]),
    # A title that is not the section's.
    ("3.4 Training Data\n", []),
])
def test_headings_are_the_lines_that_hold_a_section_number_and_its_title(text, headings):
    # Each heading is given by the start of its line.
    offsets, numbers = find_headings(paper_document(), text)
    assert list(zip(offsets, numbers, strict=True)) == [
        (text.index(line_start), number) for line_start, number in headings]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
@pytest.mark.parametrize("shape", [PDFTOTEXT, MARKDOWN])
def test_a_paper_with_any_line_ending_is_placed_as_with_newlines(tmp_path, shape, newline):
    document = paper_document(("3.3.1", 2, "trained on up to 16K H100 GPUs"),
                              ("3.3", 3, "We use 4D parallelism."),
                              ("3.4", 3, "The recipe has three stages."))
    expected = run_paper(tmp_path, shape, document)
    assert expected[1][-1].startswith("placement: ")
    assert run_paper(tmp_path, shape.replace("\n", newline), document) == expected


@pytest.mark.parametrize("text, quotes, expected_problems, placement", [
    # Every quote where it is cited.
    (PDFTOTEXT, [("3.3.1", 2, "trained on up to 16K H100 GPUs"),
                 ("3.3", 3, "We use 4D parallelism."),
                 ("abstract", 1, "We present a herd of models.")],
     [], "placement: 3 of 3 quotes on their cited page; 3 of 3 under their cited section"),
    # Cited on page 3, it stands on page 2.
    (PDFTOTEXT, [("3.3.1", 3, "trained on up to 16K H100 GPUs")],
     [("wrong-page", "error", 0, 30,
       "quote is cited on page 3, but stands on page 2 of PAPER")],
     "placement: 0 of 1 quotes on their cited page; 1 of 1 under their cited section"),
    # Under §3.3.2, cited as §3.4: a sibling, not a parent.
    (PDFTOTEXT, [("3.4", 3, "We use 4D parallelism.")],
     [("wrong-section", "error", 0, 30,
       "quote is cited under §3.4, but stands under §3.3.2 in PAPER")],
     "placement: 1 of 1 quotes on their cited page; 0 of 1 under their cited section"),
    # The same in Markdown: sections are checked, pages cannot be.
    (MARKDOWN, [("3.4", 3, "We use 4D parallelism."),
                ("3.3", 2, "up to 16K H100 GPUs, each running at 700W TDP")],
     [("wrong-section", "error", 0, 30,
       "quote is cited under §3.4, but stands under §3.3.2 in PAPER")],
     "placement: pages not checked: no form feeds; 1 of 2 under their cited section"),
    # Above the first heading, a quote is under no section.
    (MARKDOWN, [("3.3", 1, "The Llama 3 Herd of Models")],
     [("wrong-section", "error", 0, 30,
       "quote is cited under §3.3, but stands before the first heading in PAPER")],
     "placement: pages not checked: no form feeds; 0 of 1 under their cited section"),
    # No headings and no pages: both parts are skipped, and said so.
    ("trained on up to 16K H100 GPUs\n", [("3.3.1", 2, "trained on up to 16K H100 GPUs")],
     [], "placement: pages not checked: no form feeds; sections not checked: no headings found"),
])
def test_paper_quotes_stand_on_their_cited_page_and_section(
        tmp_path, text, quotes, expected_problems, placement):
    problems, reports = run_paper(tmp_path, text, paper_document(*quotes))
    assert problems == expected_problems
    assert reports == [f"paper quotes: {len(quotes)} of {len(quotes)} found in PAPER", placement]


def test_a_quote_under_3_30_is_not_under_3_3(tmp_path):
    # 3.3.1 is within 3.3; 3.30 only starts with its digits.
    text = ("## 3.3 Infrastructure, Scaling, and Efficiency\n\nWe describe our hardware.\n\n"
            "### 3.3.1 Training Infrastructure\n\nTrained on up to 16K H100 GPUs.\n\n"
            "## 3.30 Sections Past Twenty-Nine\n\nA section numbered thirty.\n")
    document_ = with_changes(paper_document(
        ("3.3", None, "Trained on up to 16K H100 GPUs"),
        ("3.3", None, "A section numbered thirty")),
        sections={**SECTIONS, "3.30": ("Sections Past Twenty-Nine", 9)})
    problems, reports = run_paper(tmp_path, text, document_)
    assert problems == [("wrong-section", "error", 1, 30,
                         "quote is cited under §3.3, but stands under §3.30 in PAPER")]
    assert reports == ["paper quotes: 2 of 2 found in PAPER", "placement: pages not checked:"
                       " no form feeds; 1 of 2 under their cited section"]


def test_a_quote_across_a_page_is_found_through_its_page_number_and_footnote(tmp_path):
    # Page 2 ends with a footnote and its page number; page 3 opens with a
    # running head.  The quote runs from one page into the next: either page
    # is its page.
    quote = "using Meta’s Grand Teton AI server platform. Each server is equipped"
    for page in (2, 3):
        problems, reports = run_paper(tmp_path, PDFTOTEXT,
                                      paper_document(("3.3.1", page, quote)))
        assert (problems, reports) == ([], [
            "paper quotes: 1 of 1 found in PAPER",
            "placement: 1 of 1 quotes on their cited page; 1 of 1 under their cited section"])
    problems, _ = run_paper(tmp_path, PDFTOTEXT, paper_document(("3.3.1", 4, quote)))
    assert problems == [("wrong-page", "error", 0, 30,
                         "quote is cited on page 4, but stands on pages 2-3 of PAPER")]


def test_a_page_of_furniture_alone_is_read_past(tmp_path):
    # A page that holds only its number, and one only its running head: a
    # quote not found is looked for across every page break.
    text = PDFTOTEXT.replace("4\n\f", "4\n\f5\n\fThe Llama 3 Herd of Models\n\f")
    problems, reports = run_paper(tmp_path, text, paper_document(
        ("3.3.1", 2, "each running at 750W TDP with 80GB HBM3")))
    assert [code for code, *_ in problems] == ["quote-not-found"]
    assert reports == ["paper quotes: 0 of 1 found in PAPER"]


@pytest.mark.parametrize("arxiv, version, expected", [
    ("2407.21783", "v3", [("version-differs", "warning", 1, 1,
                           "the text is arXiv:2407.21783v1, but the claims cite v3;"
                           " its pages may differ")]),
    ("2407.21783", "v1", []),
    ("2407.21783", None, []),
    # Another paper: what matters is that, whichever version is cited.
    ("2307.09288", "v1", [("paper-differs", "warning", 1, 1,
                           "the text is arXiv:2407.21783v1, but the claims cite"
                           " arXiv:2307.09288")]),
    ("2307.09288", None, [("paper-differs", "warning", 1, 1,
                           "the text is arXiv:2407.21783v1, but the claims cite"
                           " arXiv:2307.09288")]),
])
def test_a_text_of_another_version_or_paper_is_warned_about(tmp_path, arxiv, version,
                                                            expected):
    problems, _ = run_paper(tmp_path, PDFTOTEXT, paper_document(
        ("3.3.1", 2, "trained on up to 16K H100 GPUs"), version=version, arxiv=arxiv))
    assert problems == expected


@pytest.mark.parametrize("reference", [
    # A versioned reference to another paper, or to this one, is no stamp.
    "[12] A. Author. Another paper. arXiv:2307.09288v2, 2023.\n",
    "See arXiv:2407.21783v1 for the first version.\n",
    "arXiv:2307.09288v2 [12] is cited.\n",
])
def test_a_versioned_reference_is_not_the_texts_stamp(tmp_path, reference):
    problems, _ = run_paper(tmp_path, PDFTOTEXT.replace(
        "arXiv:2407.21783v1 [cs.AI] 23 Jul 2024\n", "") + reference, paper_document(
        ("3.3.1", 2, "trained on up to 16K H100 GPUs"), version="v3"))
    assert problems == []


@pytest.mark.parametrize("text, quote, passage", [
    ("We found nothing relevant here at all in the paper.\n",
     "something relevant here at all", "found nothing relevant here at all"),
    ("Intro.\n\nThe models were pretrained on data.\n", "the model was trained on data",
     "Intro. The models were pretrained on data"),
])
def test_the_closest_passage_is_whole_words(tmp_path, text, quote, passage):
    problems, _ = run_paper(tmp_path, text, paper_document(("3.3", 2, quote)))
    assert [message.split(": ", 1)[1] for *_, message in problems] == [f'"{passage}"']


def test_a_missing_quote_shows_the_closest_passage_as_it_stands(tmp_path):
    problems, reports = run_paper(tmp_path, PDFTOTEXT, paper_document(
        ("3.3.1", 2, "each running at 750W TDP with 80GB HBM3")))
    assert problems == [(
        "quote-not-found", "error", 0, 30,
        "quote not found in PAPER; closest passage (97% similar, line 9, page 2):"
        " \"each running at 700W TDP with 80GB HBM3\"")]
    assert reports == ["paper quotes: 0 of 1 found in PAPER"]
    # The text's own spelling, not the normalised one: "pre-training" stays.
    problems, _ = run_paper(tmp_path, "intro\n\nWe use high-\nquality pre-training data.\n",
                            paper_document(("3.3", 2, "We use high-quality pre-training date.")))
    assert problems == [(
        "quote-not-found", "error", 0, 30,
        "quote not found in PAPER; closest passage (97% similar, line 3):"
        " \"We use high- quality pre-training data.\"")]


@pytest.mark.parametrize("quote", ["^", "-", "—", "   ", "GPUs", "8B 70B"])
def test_a_quote_too_short_to_prove_anything_is_an_error(tmp_path, quote):
    problems, reports = run_paper(tmp_path, PDFTOTEXT, paper_document(("3.3.1", 2, quote)))
    assert problems == [(
        "quote-too-short", "error", 0, 30,
        f"quote is too short to prove anything ({normalize(quote)!r});"
        " quote at least 2 words and 8 characters")]
    assert reports == ["paper quotes: 0 of 1 found in PAPER"]


def test_a_too_short_article_quote_tracks_no_sentence(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("It has 8B parameters.\n\nIt beat GPT-4o.\n")
    document = paper_document(("3.3.1", 2, "trained on up to 16K H100 GPUs"))
    claim = document.claims[0]
    document = Document(path="claims.yaml", article={}, paper=document.paper, review={},
                        sections=SECTIONS, claims=[Claim(**{
                            **{name: getattr(claim, name) for name in claim.__slots__},
                            "article_quote": "^"})], checks=[], dismissed=[])
    problems = Problems()
    reports = check_article(document, str(article), False, problems)
    assert [(p.code, p.line) for p in problems] == [
        ("quote-too-short", 0), ("untracked-sentence", 1), ("untracked-sentence", 3)]
    assert reports == [f"article quotes: 0 of 1 found in {article}",
                       "article coverage: 2 sentences, 0 tracked, 0 dismissed, 2 untracked"]


# -- PDF input -----------------------------------------------------------------

@pytest.mark.skipif(__import__("shutil").which("pdftotext") is None,
                    reason="pdftotext (poppler-utils) is not installed")
def test_a_pdf_is_read_through_pdftotext_with_its_pages(run, claims_file, tmp_path):
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(pdf_of(["3.3.1 Training Infrastructure",
                            "Llama 3 405B is trained on up to 16K H100 GPUs."]))
    problems = Problems()
    reports = check_paper(paper_document(
        ("3.3.1", 2, "trained on up to 16K H100 GPUs"),
        ("3.3.1", 1, "Llama 3 405B is trained")), str(pdf), problems)
    assert [(p.code, p.message) for p in problems] == [(
        "wrong-page", f"quote is cited on page 1, but stands on page 2 of {pdf}")]
    assert reports == [
        f"paper quotes: 2 of 2 found in {pdf}",
        "placement: 1 of 2 quotes on their cited page; 2 of 2 under their cited section"]


@pytest.mark.skipif(__import__("shutil").which("pdftotext") is None,
                    reason="pdftotext (poppler-utils) is not installed")
def test_a_pdf_whose_text_is_past_the_limit_is_refused(run, claims_file, tmp_path,
                                                       monkeypatch):
    # pdftotext may write no more than the limit: past it, it is stopped.
    import claimkit.pdf

    monkeypatch.setattr(claimkit.pdf, "MAX_BYTES", 64 * 1024)
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(pdf_of([f"Page {page} is trained on up to 16K H100 GPUs."
                            for page in range(2000)]))
    result = run("check", "-f", claims_file(document(GPUS)), "--paper", str(pdf))
    assert (result.code, result.out, result.err) == (2, "", (
        f"{pdf}:1:1: error[too-large]: the PDF's text is larger than the limit of"
        " 0.0625 MB\n"))


def test_a_pdf_without_pdftotext_is_exit_2_with_what_to_do(
        run, claims_file, tmp_path, monkeypatch):
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(pdf_of(["Llama 3 405B is trained on up to 16K H100 GPUs."]))
    monkeypatch.setenv("PATH", str(tmp_path))  # no pdftotext on it
    path = claims_file(document(GPUS))
    result = run("check", "-f", path, "--paper", str(pdf))
    assert (result.code, result.out, result.err) == (2, "", (
        f"{pdf}:1:1: error[pdf-unreadable]: reading a PDF needs pdftotext: install poppler-utils"
        " (apt-get install poppler-utils), or pass the paper's text"
        " (pdftotext paper.pdf paper.txt)\n"))


# -- hostile texts: linear time, bounded memory ------------------------------

def test_nfkc_growth_is_bounded():
    # U+FDFA folds to 18 characters under NFKC; the kit keeps it as it is.
    text = "\ufdfa" * 10_000 + " ﬁne 10²⁵ Ｈ100"
    assert SearchText(text, "p").normal == "\ufdfa" * 10_000 + " fine 1025 H100"


def test_the_characters_that_make_whitespace_joinable_are_every_one_that_folds_so():
    # Scans every code point, as texts._HYPHEN_END, _VANISHING, _X_START and
    # _X_END say, so that a new fold in _TYPOGRAPHY is not missed.
    from claimkit import texts

    folds = {}
    for code in range(0x80, 0x110000):
        # (Whitespace folds away too, and the regexes read it as whitespace.)
        if not 0xD800 <= code <= 0xDFFF and not chr(code).isspace():
            fold = texts._fold(chr(code) + "#")[:-1]  # a mark keeps a space from folding away
            folds.setdefault("empty" if not fold else None, set()).add(chr(code))
            folds.setdefault("ends with a hyphen" if fold.endswith("-") else None, set()).add(
                chr(code))
            folds.setdefault("starts with x" if fold.startswith("x") else None, set()).add(
                chr(code))
            folds.setdefault("ends with x" if fold.endswith("x") else None, set()).add(chr(code))
    assert {kind: "".join(sorted(chars)) for kind, chars in folds.items() if kind} == {
        "empty": "".join(sorted(texts._VANISHING.replace("^", ""))),
        "ends with a hyphen": "".join(sorted(texts._HYPHEN_END.replace("\\-", ""))),
        "starts with x": "".join(sorted(texts._X_START.replace("x", ""))),
        "ends with x": "".join(sorted(texts._X_END.replace("x", ""))),
    }


# What the normal form's rules read across: hyphens at line ends and inside
# words, dashes, x between figures, soft hyphens, carets, ligatures,
# superscripts, combining marks, CJK, and the whitespace between.
FOLDED_PARTS = ["a", "b", "Q", "7", "x", "×", "ｘ", "7 x", "x 7", " ", "  ", "\n", "\t", "-",
                "–", "\u00ad", "^", "ﬁ", "²", "e\u0301", "\u0301", "中", "文", "ĉ", "-\n", "“",
                "\ufdfa"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(FOLDED_PARTS), max_size=40), st.integers(1, 6),
       st.integers(0, 200), st.integers(0, 200))
@example(["7 x", "7"], 2, 0, 3)  # no glue after an x: "7 x7" is "7x7"
@example(["7", "x 7"], 1, 0, 3)  # nor before one: "7x 7" is "7x7"
@example(["x", "x", "x", "a", "x"], 1, 0, 1)  # but between letters, x or not
@example(["a", "\u0301", "b"], 1, 0, 2)  # none before a combining mark
@example(["a-", "b"], 1, 0, 2)  # none at a hyphen
def test_a_text_cut_into_blocks_anywhere_has_the_normal_form_and_places_of_the_whole(
        parts, size, start, end):
    # Blocks of a few characters, glued as soon as no whitespace cut comes:
    # the normal form and every place in it map as with the text in one block.
    from claimkit import texts

    text = "".join(parts)
    whole = SearchText(text, "p")
    starts = [0] + [index + 1 for index, char in enumerate(whole.normal) if char == " "]
    start = starts[start % len(starts)]
    end = start + end % (len(whole.normal) - start + 1)
    block_spans = texts._block_spans
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(texts, "_GLUE_AFTER", 1)
        patched.setattr(texts, "_block_spans", lambda text, start=0, end=None, **_:
                        block_spans(text, start, end, size=size))
        cut = SearchText(text, "p")
        assert (cut.normal, normalize(text)) == (whole.normal, whole.normal)
        assert cut.original(start, end) == whole.original(start, end)


NOT_FOUND = (1, "quote not found")


def run_guarded(claims: str, option: str, text: str):
    """kit.py check in a subprocess with 1 GB of memory and a minute: a hang
    guard, not a timing (the limits are ten times what is needed)."""
    import resource
    import subprocess
    import sys

    from conftest import ROOT

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run([sys.executable, f"{ROOT}/kit.py", "check", "-f", claims, option,
                           text], capture_output=True, text=True, timeout=60,
                          preexec_fn=limit_memory)


@pytest.mark.parametrize("option, content, expected", [
    ("--article", "It has 8B parameters." + " " * 80_000 + "x\n" + " " * 80_000 + "\n",
     NOT_FOUND),
    ("--paper", "\ufdfa " * 1_000_000, NOT_FOUND),
    # A run with nothing to cut it at is refused, at the start of its block.
    ("--paper", "It is so.\n" + "\ufdfa" * 2_000_000, (2, "text.txt:1:1: error[too-large]: the text"
                                                      " runs on for more than 262,144 characters")),
    ("--paper", ("word " * 5 + "\n") * 200_000, NOT_FOUND),
    # A heading line of blanks, where the quote is found and so placed.
    ("--paper", "Abstract" + " " * 80_000 + "x\n3.3.1 Training Infrastructure\n"
     "It is trained on up to 16K H100 GPUs.\n", (0, "1 of 1 under their cited section")),
    # Short ids: pytest puts the test's id in PYTEST_CURRENT_TEST, and an id
    # holding a megabyte of text would make the child's environment too long.
], ids=["article-long-blank-lines", "paper-long-words", "paper-one-long-word",
         "paper-many-short-lines",
        "paper-heading-of-blanks"])
def test_hostile_texts_finish_quickly_in_bounded_memory(claims_file, tmp_path, option, content,
                                                        expected):
    text = tmp_path / "text.txt"
    text.write_text(content, encoding="utf-8")
    result = run_guarded(claims_file(document(GPUS)), option, str(text))
    code, said = expected
    assert result.returncode == code
    assert said in result.stdout + result.stderr
