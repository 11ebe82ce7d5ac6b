"""The coverage audit: sentences, what makes one checkable, tracked and
dismissed sentences, figures riding on other claims' sentences.  Every
article here is written for the test."""
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_quotes import run_guarded

from claimkit.coverage import (
    MAX_CHARACTERS,
    MAX_DISMISSALS,
    MAX_SENTENCES,
    split_sentences,
)
from claimkit.model import Dismissal, Document, shorten
from claimkit.problems import Problems
from claimkit.quotes import check_article
from claimkit.sentences import Rules
from claimkit.texts import LineIndex, normalize
from conftest import GPUS, document, position

# -- sentences -----------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_sentences_are_split_by_paragraph_line_and_punctuation(newline):
    assert split_sentences((
        "news\n\n1. After 8K, 3.1 is out. It has 8B. Really?\n  Ok \"yes.\" Then\n"
        "\nA reflowed\n   sentence. Heading\n\nLast").replace("\n", newline)
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


@pytest.mark.parametrize("text, sentences", [
    # A heading, then its paragraph, with no blank line between them.
    ("Results\nThe model won.", ["Results", "The model won."]),
    # Bullets never merge, with or without end punctuation.
    ("Specs:\n- Parameters: 7 billion\n- Dataset: not disclosed\n* Licence: MIT.\n"
     "• Context: 8K\n+ Open",
     ["Specs:", "Parameters: 7 billion", "Dataset: not disclosed", "Licence: MIT.",
      "Context: 8K", "Open"]),
    # Numbered and lettered items, and Markdown headings.
    ("## Highlights\n1) It is big\n(2) It is fast\na) one\n(b) two\n3. Three",
     ["Highlights", "It is big", "It is fast", "one", "two", "Three"]),
    # Table rows.
    ("| model | size |\n| Orca | 7B |", ["| model | size |", "| Orca | 7B |"]),
    # Hard-wrapped prose goes on in lowercase, or after a comma or a hyphen ...
    ("It was trained\non 2T tokens.", ["It was trained on 2T tokens."]),
    ("Made by AWS,\nGroq; Dell\nand Intel. It is pre-\nTrained.",
     ["Made by AWS, Groq; Dell and Intel.", "It is pre-Trained."]),
    # ... and a line that goes on with a capital or a digit is cut there.
    ("It was trained by\nMeta on\n16K GPUs.", ["It was trained by", "Meta on", "16K GPUs."]),
    # "!" and "?" end sentences as "." does; a closing quote stays with its sentence.
    ("It is out! Is it big? He said \"yes.\" It is.",
     ["It is out!", "Is it big?", "He said \"yes.\"", "It is."]),
    # A marker alone on its line, and a year that is not a marker.
    ("-\n- \n2024. The year", ["-", "2024.", "The year"]),
])
def test_lines_without_end_punctuation_are_their_own_sentences(text, sentences):
    assert [sentence for _, _, sentence in split_sentences(text)] == sentences


def test_a_long_line_of_spaces_is_one_sentence_break():
    assert split_sentences("One sentence." + " " * 80_000 + "two.\n\n" + " " * 80_000
                           + "\nThree 3.") == [(1, 1, "One sentence. two."), (4, 1, "Three 3.")]


# -- what makes a sentence checkable ----------------------------------------

# An article the kit has never seen: every sentence, and whether it is
# checkable (with the rule that makes it so).
NEW_ARTICLE = [
    ("Orca-7 Is Here, And It Is Open", False),  # a name's number is no figure
    ("By Jane Doe", False),
    ("March 3, 2025", True),  # a date
    ("The Orca team released Orca-7 on Tuesday.", True),  # a day
    ("It was trained on 2.5T tokens, twice as many as Orca-6.", True),  # figures
    ("Orca-7 beats Falcon 40B on reasoning.", True),  # a comparison
    ("It is the fastest open model in its class!", True),  # a superlative
    ("Its MMLU score went up.", True),  # a result
    ("The team raised the bar again.", True),  # a change
    ("The team says the model is safe.", False),
    ("Key facts", False),
    ("Parameters: 7 billion", True),  # figures
    ("Dataset: not disclosed", True),  # a property
    ("Context window of sixteen thousand tokens", True),  # number words
    ("We spoke to the team on a call.", False),
    ("It runs on H100 and A100 chips, as Table 2 shows.", True),  # "table" is lowercase below
    ("The table is long.", False),
    ("It comes in 3 sizes.", True),
]


def test_the_sentences_of_a_new_article_that_carry_checkable_claims_are_found():
    sentences = [sentence for sentence, _ in NEW_ARTICLE]
    rules = Rules(sentences)
    assert [(sentence, rules.is_checkable(sentence)) for sentence in sentences] == NEW_ARTICLE


@pytest.mark.parametrize("sentence, figures", [
    ("It used 3.8x10²⁵ FLOPs, 16K GPUs and 50% of 2024-07-24.",
     ["3.8x10²⁵", "16K", "50%", "2024-07-24"]),
    ("Falcon 40B and Falcon 3.1 405B lost to GPT-4o and H100s.", []),
    ("Falcon 40B, 12 others and fifteen trillion tokens.", ["12", "fifteen", "trillion"]),
    ("Over 25 partners, (8B) and \"70B\".", ["25", "8B", "70B"]),
])
def test_figures_are_numbers_and_number_words_but_not_names(sentence, figures):
    rules = Rules([sentence, "They met Falcon twice."])
    assert [figure for _, _, figure in rules.figures(sentence)] == figures


def test_a_claims_file_may_add_checkable_words():
    sentences = ["The weights are open source.", "The licence changed."]
    assert [Rules(sentences).is_checkable(s) for s in sentences] == [False, False]
    rules = Rules(sentences, ["Open  Source", "licence"])
    assert [rules.is_checkable(s) for s in sentences] == [True, True]


# -- the audit through check -------------------------------------------------

COVERAGE_ARTICLE = """\
2024-07-24

The model uses 16K GPUs. The license changed on Monday.

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
        f"{article}:1:1: warning[untracked-sentence]: untracked sentence states a checkable"
        " fact: \"2024-07-24\"\n"
        f"{article}:3:26: warning[untracked-sentence]: untracked sentence states a checkable"
        " fact: \"The license changed on Monday.\"\n"))
    assert result.out.endswith(
        "article coverage: 3 sentences, 1 tracked, 0 dismissed, 2 untracked\n")
    strict = run("check", "-f", path, "--article", str(article), "--strict")
    assert (strict.code, strict.err) == (1, result.err.replace("warning[", "error["))


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


@pytest.mark.parametrize("sentence, code, message", [
    ("Nothing like it", "dismissal-unmatched",
     "no sentence of ARTICLE starts with 'Nothing like it'"),
    # A slip: the sentence it most likely meant, in the article's own words.
    ("The licence changed", "dismissal-unmatched",
     "no sentence of ARTICLE starts with 'The licence changed'"
     " (did you mean 'The license changed'?)"),
    ("Meta think this", "dismissal-unmatched",
     "no sentence of ARTICLE starts with 'Meta think this'"
     " (did you mean 'Meta thinks this'?)"),
    ("The", "dismissal-ambiguous",
     "2 sentences of ARTICLE start with 'The'; quote more of the one you mean"),
    # Nothing is left of it once normalised: every sentence starts so.
    ("'^'", "dismissal-ambiguous",
     "4 sentences of ARTICLE start with ''; quote more of the one you mean"),
    ("The model uses", "dismissal-tracked",
     "sentence is tracked by claim 'gpus-16k'; remove the dismissal"),
])
def test_a_dismissal_must_name_exactly_one_untracked_sentence(
        run, claims_file, tmp_path, sentence, code, message):
    article = tmp_path / "article.txt"
    article.write_text(COVERAGE_ARTICLE)
    text = document(GPU_CLAIM, f"dismissed:\n  - {{sentence: {sentence}, reason: r}}\n")
    path = claims_file(text)
    line, col = position(text, "{sentence: ")
    col += len("{sentence: ")
    result = run("check", "-f", path, "--article", str(article))
    expected = f"{path}:{line}:{col}: error[{code}]: dismissed[0].sentence: " + message.replace(
        "ARTICLE", str(article))
    assert expected in result.err.splitlines()
    assert result.code == 1


def test_a_dismissals_did_you_mean_is_found_among_thousands_of_sentences(
        run, claims_file, tmp_path):
    # Each unmatched dismissal is compared closely only with the sentence
    # starts that share the most words with it (difflib over every start of
    # 5,000 sentences took half a second a dismissal): a slip in one word of
    # a sentence near the audit's end is still found, past 4,000 sentences
    # that share "the" with it; one that shares no word gets no guess.
    article = tmp_path / "article.txt"
    filler = "".join(f"The team wrote note {number} on the work.\n" for number in range(4_000))
    article.write_text(COVERAGE_ARTICLE + filler + "The paper highlights the open weights.\n"
                       + "Announcements\n")
    dismissals = "".join(f"  - {{sentence: {sentence}, reason: r}}\n" for sentence in (
        ["The papr highlights the", "Zebra crossings"] * 9 + ["Anouncements"]))
    result = run("check", "-f", claims_file(document(GPU_CLAIM, "dismissed:\n" + dismissals)),
                 "--article", str(article))
    unmatched = [line for line in result.err.splitlines() if "dismissal-unmatched" in line]
    assert len(unmatched) == 19
    assert all(line.endswith("starts with 'The papr highlights the'"
                              " (did you mean 'The paper highlights the'?)")
               for line in unmatched[:-1:2])
    assert all(line.endswith("starts with 'Zebra crossings'") for line in unmatched[1::2])
    # No word in common: the sentence starts with the most pairs of letters.
    assert unmatched[-1].endswith("starts with 'Anouncements' (did you mean 'Announcements'?)")


RIDING_ARTICLE = """\
Pre-training 405B on 15.6T tokens (3.8x10²⁵ FLOPs) is a major challenge.

It has 8B, 70B and 405B versions, raising the bar.
"""
RIDING_CLAIMS = """\
  - id: tokens
    claim: The 405B was trained on 15.6T tokens.
    article_quote: Pre-training 405B on 15.6T tokens
    source: {}
    verdict: unsourced
    note: To do.
  - id: sizes
    claim: There are three sizes.
    article_quote: It has 8B, 70B and 405B versions
    source: {}
    verdict: unsourced
    note: To do.
"""


def test_a_figure_riding_on_another_claims_sentence_is_reported_on_its_own(
        run, claims_file, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(RIDING_ARTICLE)
    path = claims_file(document(RIDING_CLAIMS))
    result = run("check", "-f", path, "--article", str(article))
    riding = (f"{article}:1:36: warning[untracked-figure]: untracked figure \"3.8x10²⁵\": no"
              " article_quote holds it (its sentence is tracked by claim 'tokens' for other"
              " words)\n")
    assert (result.code, result.err) == (0, riding)
    assert result.out.splitlines()[-1] == (
        "article coverage: 2 sentences, 2 tracked, 0 dismissed, 0 untracked;"
        " 1 untracked figure")
    strict = run("check", "-f", path, "--article", str(article), "--strict")
    assert (strict.code, strict.err) == (1, riding.replace("warning[", "error["))
    # A claim that quotes it tracks it; "raising the bar" rides on no figure.
    covered = claims_file(document(RIDING_CLAIMS.replace(
        "Pre-training 405B on 15.6T tokens", "15.6T tokens (3.8x10²⁵ FLOPs)")))
    result = run("check", "-f", covered, "--article", str(article), "--strict")
    assert (result.code, result.err) == (1, (
        f"{article}:1:14: error[untracked-figure]: untracked figure \"405B\": no article_quote"
        " holds it (its sentence is tracked by claim 'tokens' for other words)\n"))


def test_an_article_of_another_file_is_one_line_naming_f(run, claims_file, tmp_path):
    # The quotes of one file against another article: one line, no audit.
    article = tmp_path / "other.txt"
    article.write_text("Another article.\n\nIt beat 12 models on Monday.\n")
    path = claims_file(document(RIDING_CLAIMS))
    result = run("check", "-f", path, "--article", str(article), "--strict")
    assert (result.code, result.err, result.out.splitlines()[1:]) == (1, (
        f"{article}:1:1: error[text-mismatch]: none of the 2 article quotes of {path} is in"
        f" {article}: probably not the article {path} tracks (give the claims file for this"
        " article with -f)\n"), [f"article quotes: 0 of 2 found in {article}"])


def test_a_paper_of_another_file_is_one_line_naming_f(run, claims_file, tmp_path):
    paper = tmp_path / "other.txt"
    paper.write_text("1 Introduction\nAnother paper entirely.\n")
    path = claims_file(document(GPUS + GPUS.replace("gpus-16k", "gpus-again")))
    result = run("check", "-f", path, "--paper", str(paper))
    assert (result.code, result.err, result.out.splitlines()[1:]) == (1, (
        f"{paper}:1:1: error[text-mismatch]: none of the 2 paper quotes of {path} is in"
        f" {paper}: probably not the paper {path} tracks (give the claims file for this"
        " paper with -f)\n"), [f"paper quotes: 0 of 2 found in {paper}"])
    # One quote not found is that quote's problem, not the text's.
    single = claims_file(document(GPUS), "single.yaml")
    result = run("check", "-f", single, "--paper", str(paper))
    assert result.err.split(": ", 2)[1] == "error[quote-not-found]"


def audit(tmp_path, article: str, dismissed=(), words=()) -> tuple[list, list[str]]:
    """check_article on a text with no claims: its problems as (code, line,
    col, message) and its summary lines."""
    path = tmp_path / "article.txt"
    path.write_bytes(article.encode("utf-8"))
    document = Document(path="claims.yaml", article={"checkable": list(words)}, paper={},
                        review={}, sections={}, claims=[], checks=[], dismissed=[
                            Dismissal(sentence=sentence, reason="r", at=(1, 1))
                            for sentence in dismissed])
    problems = Problems()
    reports = check_article(document, str(path), False, problems)
    return [(p.code, p.line, p.col, p.message) for p in problems], reports


@pytest.mark.parametrize("article, dismissed, words, untracked, summary", [
    # A checkable phrase at the very start of the text.
    ("More than half.\n\nIt is so.\n", [], [], [(1, "More than half.")],
     "1 sentences, 0 tracked, 0 dismissed, 1 untracked"),
    # A phrase broken by a blank line is in no one sentence; joined lines are.
    ("It is on\n\npar with it. It is so.\n\nIt is\nbetter (Faster) now.\n", [], [],
     [(5, "It is better (Faster) now.")], "1 sentences, 0 tracked, 0 dismissed, 1 untracked"),
    # A letter that lowercasing makes two characters.
    ("İ" * 30 + ".\n\nIt has 5.\n\nNothing here at all, nothing at all.\n", [], [],
     [(3, "It has 5.")], "1 sentences, 0 tracked, 0 dismissed, 1 untracked"),
    # A dismissal matches the sentence as normalised, hyphens and all.
    ("Pre-training is best.\n\nPre-training took 54 days.\n",
     ["Pretraining is", "Pretraining took"], [], [],
     "2 sentences, 0 tracked, 2 dismissed, 0 untracked"),
    # The header's words, across a line break.
    ("It is open\nsource now.\n\nIt is closed.\n", [], ["open source"],
     [(1, "It is open source now.")], "1 sentences, 0 tracked, 0 dismissed, 1 untracked"),
])
def test_the_audit_finds_checkable_sentences_wherever_they_stand(
        tmp_path, article, dismissed, words, untracked, summary):
    problems, reports = audit(tmp_path, article, dismissed, words)
    path = tmp_path / "article.txt"
    assert ([(code, line, message) for code, line, _, message in problems], reports) == (
        [("untracked-sentence", line,
          f"untracked sentence states a checkable fact: \"{sentence}\"")
         for line, sentence in untracked],
        [f"article quotes: 0 of 0 found in {path}", f"article coverage: {summary}"])


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_an_article_with_any_line_ending_is_read_as_an_editor_shows_it(tmp_path, newline):
    # Each line without a stop is its own sentence, whatever ends the lines,
    # and each sentence is placed where an editor shows it.
    article = "Part 1\nIt is so. It has 5 GPUs.\n\nMore than that.\n".replace("\n", newline)
    problems, reports = audit(tmp_path, article)
    assert problems == [
        ("untracked-sentence", 1, 1, 'untracked sentence states a checkable fact: "Part 1"'),
        ("untracked-sentence", 2, 11,
         'untracked sentence states a checkable fact: "It has 5 GPUs."'),
        ("untracked-sentence", 4, 1,
         'untracked sentence states a checkable fact: "More than that."'),
    ]
    assert reports[1] == "article coverage: 3 sentences, 0 tracked, 0 dismissed, 3 untracked"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \n", max_size=40), st.data())
def test_a_line_index_counts_the_newlines_before_an_offset(text, data):
    offset = data.draw(st.integers(min_value=0, max_value=len(text)))
    before = text[:offset]
    assert LineIndex(text).line_col(offset) == (
        before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)


def test_a_line_index_counts_across_its_chunks():
    # Lines of every length, one longer than several chunks, and a newline
    # at a chunk's first and last character.
    text = "".join("x" * (length % 97) + "\n" for length in range(300)) + "y" * 10_000 + "\n\n"
    text = text[:4095] + "\n\n" + text[4097:]
    index = LineIndex(text)
    for offset in [*range(0, len(text) + 1, 37), 4095, 4096, 4097, len(text)]:
        before = text[:offset]
        assert index.line_col(offset) == (
            before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)


# Words and marks that make sentences, checkable or not: phrases cut by a
# line or a blank line, list markers, hyphens, words inside words, figures,
# names, and a letter that lowercasing makes two characters.
AUDIT_WORDS = ["More", "more", "than", "than.", "open", "source", "Beat", "beaten",
               "best.", "finest", "tokens,", "It", "is", "the", "a", "5", "4%", "x",
               "(faster)", "Pre-training", "Pretraining", "Orca", "Orca,", "Tuesday", "2.",
               "-", "Dataset:", "\n", "\n\n", ".", "!", "İ"]
# A dismissal names a sentence's start, on one line.
DISMISSAL_WORDS = [word for word in AUDIT_WORDS if word not in ("\n", "\n\n", ".", "!", "İ")]
audit_texts = st.lists(st.sampled_from(AUDIT_WORDS), max_size=30).map(" ".join)


def checkable(article: str) -> list[bool]:
    """Whether each sentence of an article is checkable, sentence by sentence."""
    sentences = [sentence for _, _, sentence in split_sentences(article)]
    rules = Rules(sentences)
    return [rules.is_checkable(sentence) for sentence in sentences]


# audit() writes the one article file anew for each input.
@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(audit_texts)
def test_the_audit_reports_each_checkable_sentence_where_it_stands(tmp_path, article):
    problems, _ = audit(tmp_path, article)
    expected = [(line, sentence) for (line, _, sentence), is_checkable
                in zip(split_sentences(article), checkable(article), strict=True)
                if is_checkable]
    assert [(line, message.split(": ", 1)[1]) for _, line, _, message in problems] == [
        (line, f'"{shorten(sentence, 100)}"') for line, sentence in expected]


# A dismissal that runs past the sentence it starts; one that, across a
# blank line, also stands where an earlier match of it ends.
@example(article="It is best. More than that.", dismissed=["It is best. More"])
@example(article="It is\n\nIt is It is.", dismissed=["It is It"])
@example(article="It  is\nbest. More.", dismissed=["It is best"])  # a sentence reflowed
# audit() writes the one article file anew for each input.
@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(audit_texts, st.lists(st.lists(st.sampled_from(DISMISSAL_WORDS), min_size=1,
                                      max_size=3).map(" ".join), max_size=3))
def test_a_dismissal_names_the_sentences_that_start_with_it_once_normalised(
        tmp_path, article, dismissed):
    # The oracle: every sentence normalised, and compared with each dismissal;
    # the checkable sentences no dismissal names are reported.
    problems, reports = audit(tmp_path, article, dismissed)
    sentences = split_sentences(article)
    codes, named = [], set()
    for dismissal in dismissed:
        prefix = normalize(dismissal)
        matches = [number for number, (_, _, sentence) in enumerate(sentences)
                   if normalize(sentence).startswith(prefix)]
        if len(matches) == 1:
            named.add(matches[0])
        else:
            codes.append("dismissal-ambiguous" if matches else "dismissal-unmatched")
    assert [code for code, *_ in problems if code != "untracked-sentence"] == codes
    assert [(line, col) for code, line, col, _ in problems if code == "untracked-sentence"] == [
        (line, col) for number, ((line, col, _), is_checkable)
        in enumerate(zip(sentences, checkable(article), strict=True))
        if is_checkable and number not in named]
    assert f" {len(named)} dismissed," in reports[1]


# -- input limits ----------------------------------------------------------------

def test_the_audit_reads_a_bounded_number_of_sentences(tmp_path):
    problems, reports = audit(tmp_path, "It has 5.\n" * (MAX_SENTENCES + 2))
    # The limit first, then untracked sentences up to the problem cap.
    untracked = [("untracked-sentence", line, 1) for line in range(1, 1000)]
    assert [problem[:3] for problem in problems] == [
        ("audit-limit", MAX_SENTENCES + 1, 1), *untracked, ("too-many-problems", 999, 1)]
    assert reports[1] == (f"article coverage: {MAX_SENTENCES} sentences, 0 tracked,"
                          f" 0 dismissed, {MAX_SENTENCES} untracked")


def test_the_audit_reads_a_bounded_number_of_characters(tmp_path):
    # One sentence of 2 MB and more, on a hundred lines, then one more: the
    # audit reads the first 2,000,000 characters, and says where it stopped.
    line = "and it has 5 more words, " * 1000 + "\n"
    article = ("It is so.\n\n" + line * (MAX_CHARACTERS // len(line) + 2)
               + "\nIt has 6 more.\n")
    problems, reports = audit(tmp_path, article)
    limit_line = article.count("\n", 0, MAX_CHARACTERS) + 1
    limit_col = MAX_CHARACTERS - article.rfind("\n", 0, MAX_CHARACTERS)
    assert [problem[:3] for problem in problems] == [
        ("audit-limit", limit_line, limit_col), ("untracked-sentence", 3, 1)]
    assert problems[0][3] == ("the article is longer than 2,000,000 characters;"
                              " the audit stopped here")
    assert reports[1] == "article coverage: 1 sentences, 0 tracked, 0 dismissed, 1 untracked"


def test_the_audit_matches_a_bounded_number_of_dismissals(run, claims_file, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("The model uses 16K GPUs.\n" + "".join(
        f"Line {index} here.\n" for index in range(MAX_DISMISSALS + 1)))
    text = document(GPU_CLAIM, "dismissed:\n" + "".join(
        f"  - {{sentence: Line {index} here, reason: r}}\n"
        for index in range(MAX_DISMISSALS + 1)))
    result = run("check", "-f", claims_file(text), "--article", str(article))
    line, col = position(text, f"Line {MAX_DISMISSALS} here")
    assert (result.code, result.err.splitlines()) == (1, [
        f"{tmp_path / 'claims.yaml'}:{line}:{col}: error[audit-limit]:"
        f" dismissed[{MAX_DISMISSALS}]: more than {MAX_DISMISSALS} dismissals; the rest are"
        " not matched",
        f"{article}:{MAX_DISMISSALS + 2}:1: warning[untracked-sentence]: untracked sentence"
        f" states a checkable fact: \"Line {MAX_DISMISSALS} here.\""])


@pytest.mark.parametrize("dismissal", [
    "The end {index}",  # one first word
    "T{index} end",  # as many first words, one first character
])
def test_many_dismissals_of_many_alike_sentences_finish_quickly(claims_file, tmp_path,
                                                                dismissal):
    # The documented limits bound the work: 5,000 sentences, each compared
    # with at most 500 dismissals.
    article = tmp_path / "article.txt"
    article.write_text("The end. " * 40_000 + "\n", encoding="utf-8")
    dismissals = "".join(f"  - {{sentence: {dismissal.format(index=index)}, reason: r}}\n"
                         for index in range(10_000))
    result = run_guarded(claims_file(document(GPUS, "dismissed:\n" + dismissals)),
                         "--article", str(article))
    assert result.returncode == 1
    assert (f"article.txt:1:{9 * MAX_SENTENCES + 1}: error[audit-limit]: the article has more than"
            f" {MAX_SENTENCES:,} sentences; the audit stopped here") in result.stderr
    assert "error[dismissal-unmatched]: dismissed[499].sentence: no sentence of" in result.stderr
    assert "article coverage: 0 sentences, 0 tracked, 0 dismissed, 0 untracked" in result.stdout
    assert "Traceback" not in result.stderr
