"""Quote checks against article and paper texts, and the coverage audit."""
import pytest

from claimkit.quotes import normalize, split_sentences
from conftest import GPUS, LEAK, LICENSE, SIZES, document, position

ARTICLE = """\
Headline: the model that beat everyone

Meta trained the model and used more than 16K H100
GPUs. It comes with 8B, 70B, and 405B versions.
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
        f"paper quotes: 2 of 2 found in {paper}\n")
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
        f"{path}:{line}:{col}: error[quote-not-found]: claims[0] (gpus-16k).source.quote: quote of 'gpus-16k'"
        f" not found in {paper}; closest passage (84% similar):"
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
        f"{path}:{line}:{col}: error[quote-not-found]: claims[0] (model-sizes).article_quote: quote of 'model-sizes'"
        f" not found in {article}; closest passage (97% similar):"
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
        f"{path}:{line}:{col}: note[quote-paraphrase]: claims[0] (gpus-16k).source.quote: quote of 'gpus-16k' is"
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


def test_strict_needs_an_article(run, claims_file):
    path = claims_file(document())
    result = run("check", "-f", path, "--strict")
    assert (result.code, result.out, result.err) == (
        2, "", "kit.py: error: --strict needs --article\n")


# -- the coverage audit ---------------------------------------------------

def test_sentences_are_split_by_paragraph_and_punctuation():
    assert split_sentences(
        "news\n\n1. After 8K, 3.1 is out. It has 8B. Really?\n  Ok \"yes.\" Then\n"
        "\nA reflowed\n   sentence. Heading\n\nLast"
    ) == [
        (1, 1, "news"),
        (3, 4, "After 8K, 3.1 is out."),
        (3, 26, "It has 8B."),
        (3, 37, "Really?"),
        (4, 3, "Ok \"yes.\""),
        (4, 13, "Then"),
        (6, 1, "A reflowed sentence."),
        (7, 14, "Heading"),
        (9, 1, "Last"),
    ]


COVERAGE_ARTICLE = """\
2024-07-24

The model uses 16K GPUs. The license changed.

Meta thinks this is great.
"""
GPU_CLAIM = GPUS.replace("used more than 16K H100 GPUs", "uses 16K GPUs")


def test_an_untracked_sentence_is_a_warning_and_strict_makes_it_an_error(
        run, claims_file, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(COVERAGE_ARTICLE)
    path = claims_file(document(GPU_CLAIM))
    result = run("check", "-f", path, "--article", str(article))
    assert (result.code, result.err) == (0, (
        f"{article}:1:1: warning[untracked-sentence]: untracked sentence states a checkable fact: \"2024-07-24\"\n"
        f"{article}:3:26: warning[untracked-sentence]: untracked sentence states a checkable fact:"
        " \"The license changed.\"\n"))
    assert result.out.endswith(
        "article coverage: 3 sentences, 1 tracked, 0 dismissed, 2 untracked\n")
    strict = run("check", "-f", path, "--article", str(article), "--strict")
    assert strict.code == 1
    assert strict.err == result.err.replace("warning[", "error[")


def test_a_dismissed_sentence_is_counted_not_reported(run, claims_file, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(COVERAGE_ARTICLE)
    path = claims_file(document(GPU_CLAIM, """\
dismissed:
  - {sentence: "2024-07-24", reason: the dateline}
  - {sentence: The license, reason: covered elsewhere}
"""))
    result = run("check", "-f", path, "--article", str(article), "--strict")
    assert (result.code, result.err) == (0, "")
    assert result.out.endswith(
        "article coverage: 3 sentences, 1 tracked, 2 dismissed, 0 untracked\n")


@pytest.mark.parametrize("sentence, message", [
    ("Nothing like it", "no sentence of ARTICLE starts with 'Nothing like it'"),
    ("The", "2 sentences of ARTICLE start with 'The'; quote more of the one you mean"),
    ("The model uses", "sentence is tracked by claim 'gpus-16k'; remove the dismissal"),
])
def test_a_dismissal_must_name_exactly_one_untracked_sentence(
        run, claims_file, tmp_path, sentence, message):
    article = tmp_path / "article.txt"
    article.write_text(COVERAGE_ARTICLE)
    text = document(GPU_CLAIM, f"dismissed:\n  - {{sentence: {sentence}, reason: r}}\n")
    path = claims_file(text)
    line, col = position(text, "{sentence: ")
    col += len("{sentence: ")
    result = run("check", "-f", path, "--article", str(article))
    expected = f"{path}:{line}:{col}: error[bad-dismissal]: dismissed[0].sentence: " + message.replace(
        "ARTICLE", str(article))
    assert expected in result.err.splitlines()
    assert result.code == 1


def test_quote_problems_name_the_claims_place_in_the_file(run, claims_file, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE)
    text = document(GPUS.replace("verdict: overstated", "verdict: maybe")
                    + SIZES.replace("with 8B, 70B, and 405B versions", "with 9B"))
    path = claims_file(text)
    line, col = position(text, "with 9B")
    result = run("check", "-f", path, "--article", str(article))
    assert result.code == 1
    assert (f"{path}:{line}:{col}: error[quote-not-found]: claims[1] (model-sizes).article_quote:"
            " quote of"
            f" 'model-sizes' not found in {article}") in result.err
