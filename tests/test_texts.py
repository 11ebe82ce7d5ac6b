"""Texts: the regexes that normalise them, the word index, and the closest
passage to a quote that is not found."""
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from claimkit import texts

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
    assert spans(texts._LINE_END_HYPHEN, text) == spans(OLD_LINE_END_HYPHEN, text)
    assert spans(texts._WORD_HYPHEN, text) == spans(OLD_WORD_HYPHEN, text)
    assert spans(texts._DASHES, text) == spans(OLD_DASHES, text)


@settings(max_examples=500)
@given(PROSE.map(lambda text: " ".join(text.split())))
@example("3 x 4 x 5 3 x x 4 3x 4 3 x4 3x4 x 4")
def test_the_times_passes_give_what_the_look_behind_regex_gave(text):
    assert texts._TIMES.sub("x", texts._TIMES_SPACED.sub("x", text)) == OLD_TIMES.sub("x", text)
