"""Texts: the regexes that normalise them, the word index, and the closest
passage to a quote that is not found."""
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from claimkit import texts
from claimkit.texts import normalize

# The regexes as they were written before they were made to start with a
# literal: the oracle the rewritten ones must agree with, match for match.
OLD_LINE_END_HYPHEN = re.compile(r"(?<=\w)-[ \t]*\r?\n\s*(?=\w)")
OLD_WORD_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
OLD_DASHES = re.compile(r"-{2,}")
OLD_TIMES = re.compile(r"(?<=\d) ?x ?(?=\d)")

# Characters the regexes look at, and a few they must step over.
PROSE = st.text(alphabet=st.sampled_from(list("ab9_-x \t\n\r\f–é٣²")), max_size=60)


def spans(regex: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [match.span() for match in regex.finditer(text)]


@settings(max_examples=500)
@given(PROSE)
@example("foun-\ndation pre-training a--b 3 x 4 3x 4 3 x4 3x4 é-é 9-9 _-_")
@example("a- \t\r\n \n b")
def test_the_hyphen_regexes_match_as_their_look_behind_forms_did(text):
    assert spans(texts.LINE_END_HYPHEN, text) == spans(OLD_LINE_END_HYPHEN, text)
    assert spans(texts._WORD_HYPHEN, text) == spans(OLD_WORD_HYPHEN, text)
    assert spans(texts._DASHES, text) == spans(OLD_DASHES, text)


@settings(max_examples=500)
@given(PROSE.map(lambda text: " ".join(text.split())))
@example("3 x 4 x 5 3 x x 4 3x 4 3 x4 3x4 x 4")
def test_the_times_passes_give_what_the_look_behind_regex_gave(text):
    assert texts._TIMES.sub("x", texts._TIMES_SPACED.sub("x", text)) == OLD_TIMES.sub("x", text)


# -- the closest passage, bounded for any quote and any text ------------------

def claims_quoting(quotes: list[str]) -> str:
    """A claims file whose claims quote these words in the article and the paper."""
    from conftest import HEADER

    claims = "".join(
        f"  - id: claim-{number}\n    claim: A claim.\n    article_quote: \"{quote}\"\n"
        f"    source:\n      section: \"1\"\n      title: Introduction\n"
        f"      quote: \"{quote}\"\n    verdict: supported\n"
        for number, quote in enumerate(quotes))
    return HEADER + "claims:\n" + claims


def prose(words: int, seed: int) -> str:
    import random

    rng = random.Random(seed)
    vocabulary = ["the", "model", "data", "of", "training", "we", "and", "results", "in"]
    return " ".join(rng.choice(vocabulary) for _ in range(words))


@pytest.mark.parametrize("option, quotes, text", [
    # A quote missing from a 10 MB paper of many short pages, as many as a
    # text may hold (once 26 s a quote for 4 MB).
    ("--paper", ["trained on up to 16K H100 GPUs"], ("word other thing\n" * 6 + "\f") * 99_000),
    # One long quote against a 1 MB paper with pages.
    ("--paper", [prose(30_000, 1)], (prose(170, 2) + "\n") * 1000 + "\f" + prose(170, 3)),
    # Twenty long quotes against a small article.
    ("--article", [prose(10_000, seed) for seed in range(20)], prose(2_000, 99) + ".\n"),
], ids=["short-pages", "long-quote-1mb-paper",
        "twenty-long-quotes-small-article"])
def test_the_closest_passage_is_bounded_for_any_quote_and_text(claims_file, tmp_path, option,
                                                               quotes, text):
    from test_quotes import run_guarded

    path = tmp_path / "text.txt"
    # One quote the text holds, so that it reads as the file's own text and
    # every missing quote gets its closest passage (not one text-mismatch line).
    found = "a sentence the text holds"
    path.write_text(f"{text}\nHere is {found}, written plainly.\n", encoding="utf-8")
    result = run_guarded(claims_file(claims_quoting([found, *quotes])), option, str(path))
    assert (result.returncode, "Traceback" in result.stderr) == (1, False)
    assert result.stderr.count("error[quote-not-found]") == len(quotes)


# -- terms and the word index ---------------------------------------------------

@pytest.mark.parametrize("text, terms", [
    ("more than 16K H100 GPUs", [("mor",), ("than",), ("#16000", "#16384"), ("h100",), ("gpu",)]),
    ("16,384 GPUs.", [("#16384",), ("gpu",)]),
    ("15.6 trillion tokens", [("#1.56e+13",), ("token",)]),
    ("15.6T tokens", [("#1.56e+13",), ("token",)]),
    ("3.8 × 10^25 FLOPs", [("#3.8e+25", "#3895"), ("flop",)]),
    ("3.8x10²⁵", [("#3.8e+25", "#3895")]),
    ("3.8e25", [("#3.8e+25",)]),
    ("DP=128, 41%", [("dp",), ("#128",), ("#41",)]),
    ("80GB HBM3", [("#80",), ("gb",), ("hbm3",)]),
    ("trained training based base", [("train",), ("train",), ("bas",), ("bas",)]),
    ("1,2 1.2.3", []),  # neither thousands nor a decimal: not read as figures
])
def test_terms_match_words_by_stem_and_figures_by_value(text, terms):
    from claimkit.words import read_terms

    assert [keys for _, keys in read_terms(normalize(text))] == terms


def test_the_word_index_gives_each_terms_offsets_in_order():
    from claimkit.words import WordIndex

    normal = "16K GPUs, then 16,384 GPUs on 15.6 trillion tokens; 15.6T tokens"
    index = WordIndex(normal)
    assert list(index.where(("gpu",))) == [4, 22]
    assert list(index.where(("#16000", "#16384"))) == [0, 15]
    assert list(index.where(("#1.56e+13",))) == [30, 52]
    assert index.count(("#1.56e+13",)) == 2
    assert list(index.where(("token",), limit=1)) == [44]
    assert index.count(("absent",)) == 0 and list(index.where(("absent",))) == []


def test_a_long_missing_quote_is_compared_by_its_first_characters(run, claims_file, tmp_path):
    from claimkit.texts import MAX_COMPARED

    words = [f"w{number}" for number in range(400)]
    paper = tmp_path / "paper.txt"
    paper.write_text("1 Introduction\n" + " ".join(words) + ".\n", encoding="utf-8")
    quote = " ".join(words[:300]) + " changed " + " ".join(words[300:])
    result = run("check", "-f", claims_file(claims_quoting([quote])), "--paper", str(paper))
    assert result.code == 1
    assert (f"quote not found in {paper}; closest passage to its first {MAX_COMPARED}"
            " characters (100% similar, line 2): \"w0 w1 w2") in result.err
