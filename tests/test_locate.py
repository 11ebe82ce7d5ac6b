"""`kit.py locate`: where the paper (or the article) says something, and the
block to paste."""
import itertools
import shutil

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.pdfs import pdf_of
from claimkit.locate import passage_starts, yaml_text
from conftest import GPUS, HEADER, document

# Pages 7 to 9 of a paper, as pdftotext prints them: a form feed before each
# page, headings on lines of their own, the page's number at its foot.
PAPER = "\f" * 6 + (
    "3.3 Infrastructure\nWe describe the hardware that powered pre-training.\n7\n\f"
    "3.3.1 Training Infrastructure\nLlama 3 405B is trained on up to 16K H100 GPUs, each\n"
    "running at 700W TDP with 80GB HBM3. The cluster has 24K GPUs in all.\n8\n\f"
    "Stage two ran on 16,384 GPUs for 15.6T tokens, a budget of 3.8× 1025 FLOPs.\n"
    "The network is RoCE. Another sen-\ntence is hyphenated.\n9\n")
SECTIONS = HEADER.replace('  "3.3": {title: Infrastructure, page: 8}\n',
                          '  "3.3": {title: Infrastructure, page: 7}\n')


@pytest.fixture
def paper(tmp_path):
    path = tmp_path / "paper.txt"
    path.write_text(PAPER, encoding="utf-8")
    return str(path)


def test_the_best_passages_come_with_section_page_score_and_a_block_to_paste(
        run, claims_file, paper):
    path = claims_file(SECTIONS + "claims:\n" + GPUS)
    result = run("locate", "more than 16K H100 GPUs", "--paper", paper, "-f", path)
    assert (result.code, result.err) == (0, "")
    assert result.out == f"""\
{paper}: the passages that best match "more than 16K H100 GPUs"
1. §3.3.1 Training Infrastructure, p. 8 (score 1.00)
   Llama 3 405B is trained on up to 16K H100 GPUs, each running at 700W TDP with 80GB HBM3.
2. §3.3.1 Training Infrastructure, p. 9 (score 0.61)
   Stage two ran on 16,384 GPUs for 15.6T tokens, a budget of 3.8× 1025 FLOPs.
3. §3.3.1 Training Infrastructure, p. 8 (score 0.29)
   The cluster has 24K GPUs in all.

The best passage, to paste into the claim:
    source:
      section: "3.3.1"
      title: Training Infrastructure
      page: 8
      quote: >-
        Llama 3 405B is trained on up to 16K H100 GPUs, each running at 700W
        TDP with 80GB HBM3.
"""


@pytest.mark.parametrize("text, best", [
    # Figures as the paper writes them: 16K is 16,384, 15.6 trillion is 15.6T,
    # 3.8 × 10^25 is PDF text's "3.8× 1025".
    ("16,000 GPUs", "Llama 3 405B is trained on up to 16K H100 GPUs,"),
    ("15.6 trillion tokens", "Stage two ran on 16,384 GPUs"),
    ("3.8 × 10^25", "Stage two ran on 16,384 GPUs"),
    ("3.8x10²⁵ FLOPs", "Stage two ran on 16,384 GPUs"),
    # Stems: "powers" and "powered", a word joined across its line break.
    ("the hardware that powers it", "We describe the hardware"),
    ("sentence hyphenated", "Another sentence is hyphenated."),
])
def test_words_match_by_stem_and_figures_by_value(run, claims_file, paper, text, best):
    result = run("locate", text, "--paper", paper, "-f", claims_file(SECTIONS + "claims:\n" + GPUS))
    assert result.code == 0
    assert result.out.splitlines()[2].startswith("   " + best)


def test_words_the_paper_never_holds_are_said_to_be_absent(run, claims_file, paper):
    result = run("locate", "zzyzx GPUs 17,000", "--paper", paper,
                 "-f", claims_file(SECTIONS + "claims:\n" + GPUS))
    assert result.out.splitlines()[1] == "not in the paper: zzyzx, 17,000"
    result = run("locate", "zzyzx qqq", "--paper", paper,
                 "-f", claims_file(SECTIONS + "claims:\n" + GPUS))
    assert (result.code, result.out, result.err) == (1, (
        f"{paper}: the passages that best match \"zzyzx qqq\"\n"
        "not in the paper: zzyzx, qqq\n"
        f"no passage of {paper} holds any of its words\n"), "")


def test_the_pasted_block_checks_clean(run, claims_file, paper):
    """The edit is a paste: the block under the best passage, pasted into a
    claim, is found on its page and under its section."""
    path = claims_file(SECTIONS + "claims:\n" + GPUS)
    result = run("locate", "16,384 GPUs 15.6T tokens", "--paper", paper, "-f", path)
    block = result.out.split("to paste into the claim:\n", 1)[1]
    pasted = GPUS.split("    source:\n")[0] + block + "    verdict: overstated\n" + (
        GPUS.split("    verdict: overstated\n")[1])
    path = claims_file(SECTIONS + "claims:\n" + pasted)
    result = run("check", "-f", path, "--paper", paper)
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines()[1:] == [
        f"paper quotes: 1 of 1 found in {paper}",
        "placement: 1 of 1 quotes on their cited page; 1 of 1 under their cited section"]


def test_a_claim_is_located_by_its_own_words_in_the_paper_and_the_article(
        run, claims_file, paper, tmp_path):
    path = claims_file(SECTIONS + "claims:\n" + GPUS)
    result = run("locate", "--claim", "gpus-16k", "--paper", paper, "-f", path)
    assert result.out.splitlines()[:3] == [
        f"{paper}: the passages that best match \"More than 16K GPUs were used. used more"
        " than 16K H100 GPUs\"",
        "not in the paper: used",  # as "use" would be: stems
        "1. §3.3.1 Training Infrastructure, p. 8 (score 1.00)"]
    article = tmp_path / "article.txt"
    article.write_text("A headline.\n\nMeta said it used more than 16K H100 GPUs to train it."
                       " Other news.\n", encoding="utf-8")
    result = run("locate", "--claim", "gpus-16k", "--article", str(article), "-f", path)
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines()[-2:] == [
        "The best passage, to paste into the claim:",
        "    article_quote: Meta said it used more than 16K H100 GPUs to train it."]


def test_a_markdown_paper_is_read_by_its_headings(run, claims_file, tmp_path):
    paper = tmp_path / "paper.md"
    paper.write_text("## 3.3 Infrastructure\n\nIntro.\n\n### **3.3.1 Training Infrastructure**\n\n"
                     "We train on up to 16K GPUs.\n", encoding="utf-8")
    result = run("locate", "16K GPUs", "--paper", str(paper),
                 "-f", claims_file(SECTIONS + "claims:\n" + GPUS))
    assert result.out.splitlines()[1:3] == ["1. §3.3.1 Training Infrastructure (score 1.00)",
                                            "   We train on up to 16K GPUs."]


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="pdftotext (poppler-utils) is not installed")
def test_a_pdf_is_read_through_pdftotext(run, claims_file, tmp_path):
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(pdf_of(["3.3.1 Training Infrastructure",
                            "Llama 3 405B is trained on up to 16K H100 GPUs."]))
    result = run("locate", "16K H100 GPUs", "--paper", str(pdf),
                 "-f", claims_file(SECTIONS + "claims:\n" + GPUS))
    assert result.out.splitlines()[1:3] == [
        "1. §3.3.1 Training Infrastructure, p. 2 (score 1.00)",
        "   Llama 3 405B is trained on up to 16K H100 GPUs."]


@pytest.mark.parametrize("argv, message", [
    (["locate", "--paper", "PAPER"], "locate needs TEXT or --claim ID (one of them)"),
    (["locate", "x y", "--claim", "gpus-16k", "--paper", "PAPER"],
     "locate needs TEXT or --claim ID (one of them)"),
    (["locate", "  ", "--paper", "PAPER"], "locate needs words to look for"),
    (["locate", "--claim", "gpus-61k", "--paper", "PAPER"],
     "no claim with id 'gpus-61k' in CLAIMS; did you mean 'gpus-16k'?"),
    (["locate", "x y", "--paper", "MISSING"], None),
])
def test_bad_input_is_one_line_and_exit_2(run, claims_file, paper, tmp_path, argv, message):
    path = claims_file(document(GPUS))
    missing = str(tmp_path / "missing.txt")
    argv = [{"PAPER": paper, "MISSING": missing}.get(arg, arg) for arg in argv]
    result = run(*argv, "-f", path)
    assert (result.code, result.out) == (2, "")
    if message is None:
        assert result.err == f"{missing}:1:1: error[unreadable]: no such file\n"
    else:
        assert result.err == f"kit.py: error: {message.replace('CLAIMS', path)}\n"


def test_locate_needs_a_text_to_search(run):
    result = run("locate", "x y")
    assert result.code == 2 and result.out == ""
    assert result.err.splitlines()[-1] == (
        "kit.py locate: error: one of the arguments --paper --article is required")


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_no_text_gives_a_traceback(run, claims_file, paper, text):
    path = claims_file(document(GPUS))
    code = run("locate", text, "--paper", paper, "-f", path).code
    assert code in (0, 1, 2)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
               min_size=1, max_size=200).map(lambda text: " ".join(text.split()))
       .filter(bool))
def test_a_pasted_text_reads_back_as_itself(text):
    lines = yaml_text("quote", text, 6)
    assert yaml.safe_load("\n".join(lines)) == {"quote": text}


def test_passages_are_sentences_and_long_ones_are_cut():
    normal = "One two. Three four? " + "Word " * 200 + "end."
    starts = passage_starts(normal)
    assert list(starts[:3]) == [0, 9, 21]
    assert all(later - earlier <= 400 for earlier, later in itertools.pairwise(starts))


@pytest.mark.parametrize("text, absent, code", [
    ("A. B. " * 500_000, "word, x, y", 0),  # 3 MB of tiny sentences
    ("word " * 600_000, "B, x, y", 0),  # 3 MB of one sentence
    ("x" * 3_000_000, "B, word, x, y", 1),  # one word of 3 MB
], ids=["tiny-sentences", "one-long-sentence", "one-long-word"])
def test_locate_in_a_large_hostile_text_finishes_in_bounded_memory(tmp_path, text, absent,
                                                                   code):
    """A hang guard, not a timing: a minute and 1 GB, ten times what it needs."""
    import resource
    import subprocess
    import sys

    from conftest import ROOT

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    paper = tmp_path / "paper.txt"
    paper.write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, f"{ROOT}/kit.py", "locate", "A B word x y",
                             "--paper", str(paper)], capture_output=True, text=True,
                            timeout=60, preexec_fn=limit_memory)
    assert (result.returncode, result.stderr) == (code, "")
    assert result.stdout.splitlines()[1] == f"not in the paper: {absent}"


def test_the_best_passage_is_pasted_as_a_further_reference(run, claims_file, paper):
    from conftest import REFERENCED

    path = claims_file(SECTIONS + "claims:\n" + GPUS)
    result = run("locate", "16,384 GPUs 15.6T tokens", "--paper", paper, "-f", path,
                 "--reference")
    assert result.out.split("\n\n", 1)[1] == """\
The best passage, to paste into the claim, as a further reference:
    references:
      - section: "3.3.1"
        title: Training Infrastructure
        page: 9
        quote: >-
          Stage two ran on 16,384 GPUs for 15.6T tokens, a budget of 3.8×
          1025 FLOPs.
"""
    # A claim that has references already gets the item only.
    path = claims_file(SECTIONS + "claims:\n" + REFERENCED)
    result = run("locate", "--claim", "gpus-16k", "--paper", paper, "-f", path, "--reference")
    assert result.out.split("further reference:\n", 1)[1].splitlines()[0] == (
        '      - section: "3.3.1"')
    result = run("locate", "x y", "--article", paper, "-f", path, "--reference")
    assert (result.code, result.out, result.err) == (
        2, "", "kit.py: error: --reference is for --paper\n")
