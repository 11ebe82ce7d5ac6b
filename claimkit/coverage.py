"""Coverage: which of the article's checkable sentences no claim tracks.

The article is cut into sentences; a sentence is checkable when it holds a
figure or one of a few words (tokens, GPUs, benchmark, more than...).  A
sentence is tracked when a found article quote overlaps it, and dismissed
when a dismissal in the claims file names it by its first words.
"""
import bisect
import re
from collections import Counter

from claimkit.model import Document, shorten
from claimkit.problems import Problems
from claimkit.texts import LineIndex, SearchText, normalize, plain_newlines

# A dismissal is compared with the sentences that start with its first word;
# after this many first words with one first character, with all of them.
_MANY_FIRST_WORDS = 16

# Words that make an article sentence checkable even without a figure in it.
_CHECKABLE_WORDS = (
    "tokens?", "flops?", "gpus?", "parameters?", "context", "licen[cs]e", "partners?",
    "benchmarks?", "sft", "dpo", "rlhf", "ppo", "reinforcement", "rejection sampling",
    r"fine-?tun\w*", "transformer", "mixture", "multimodal", r"quantiz\w*", "synthetic",
    "scaling", "trillion", "billion", "million", "open[- ]source", "closed[- ]source",
    "more than", "less than", "fewer", "larger", "smaller", "compared", r"outperform\w*",
    "beat", "better", "best", "worse", "first", "faster", "slower",
)


def _lowercase_pattern(words) -> str:
    """The words as a regex for lowercased text (IGNORECASE makes a regex
    four times slower), grouped by first letter so that the regex tries one
    group at each word; a space inside a phrase stands for any run of
    whitespace, as it does in a sentence with its lines joined."""
    groups = {}
    for word in words:
        groups.setdefault(word[0], []).append(word[1:])
    pattern = "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())
    return pattern.replace("[- ]", "(?:-|\\s+)").replace(" ", r"\s+")


def _stem(word: str) -> str:
    """The letters a checkable word always starts with: "token" for
    "tokens?", "fine" for "fine-?tun\\w*"."""
    stem = re.match(r"(?:[a-z](?![?*+{]))*", word).group()
    if not stem:
        raise ValueError(f"a checkable word must start with a letter: {word!r}")
    return stem


# What makes a sentence checkable, once lowercased: a figure or a percent
# sign, or one of the words.
_FIGURES = re.compile(r"[\d%]")
_CHECKABLE_WORD = re.compile(r"\b(?:" + _lowercase_pattern(_CHECKABLE_WORDS) + r")\b")
# To scan a whole article, each word is looked for where its stem stands,
# found with str.find, and matched by the regex only there: trying 40
# alternatives at every word costs more than 40 passes of str.find.
_CHECKABLE_STEMS = sorted({_stem(word) for word in _CHECKABLE_WORDS})
# Paragraphs end at a line holding only whitespace.  (Written so that a long
# run of spaces is scanned once, not once per position.)
_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")
_LIST_MARKER = re.compile(r"\s*\d+[.)]\s+")
# Group 1 is the closing quote or bracket that ends the sentence with it.
# (Starting with the stop itself, not a lookbehind, lets the regex engine
# skip to the next stop instead of trying every position.)
_SENTENCE_END = re.compile(r"[.!?]([\"”’)]?)\s+(?=[\"“(]?[A-Z0-9])")
_NON_SPACE = re.compile(r"\S")
# What normalising a sentence can change, once its lines are joined: any
# character but ASCII other than "-", "^" and "x", which normalize leaves as
# it is.  (A negated class compiles and scans faster than the range to
# U+10FFFF.)
_FOLDED = re.compile(r"[^\x00-,.-\]_-wy-\x7f]")


def _sentence_spans(text: str) -> tuple[list[int], list[int]]:
    """Where each sentence starts and ends: paragraphs end at blank lines,
    lines inside a paragraph are reflowed, and a leading list marker ("3. ")
    is not part of the sentence.

    A sentence end's whitespace is the next sentence's start, so only a
    paragraph's first sentence needs its leading whitespace skipped and only
    its last one its trailing whitespace.
    """
    starts, ends = [], []
    block_start = 0
    for blank in [*_BLANK_LINES.finditer(text), None]:
        block_end = len(text) if blank is None else blank.start()
        marker = _LIST_MARKER.match(text, block_start, block_end)
        first = _NON_SPACE.search(text, marker.end() if marker else block_start, block_end)
        block_start = block_end if blank is None else blank.end()
        if first is None:
            continue
        matches = list(_SENTENCE_END.finditer(text, first.start(), block_end))
        starts.append(first.start())
        starts.extend([match.end() for match in matches])
        ends.extend([match.end(1) for match in matches])
        ends.append(starts[-1] + len(text[starts[-1]:block_end].rstrip()))
    return starts, ends


def _is_checkable(sentence: str) -> bool:
    """Whether a lowercased sentence states something checkable."""
    return bool(_FIGURES.search(sentence) or _CHECKABLE_WORD.search(sentence))


def _sentence_holding(starts: list[int], ends: list[int], position: int) -> int | None:
    """The number of the sentence a position of the text falls in, if any."""
    number = bisect.bisect_right(starts, position) - 1
    return number if number >= 0 and position < ends[number] else None


def split_sentences(text: str) -> list[tuple[int, int, str]]:
    """The article's sentences as (line, col, sentence), 1-based, as the
    audit reads them."""
    text = plain_newlines(text)
    lines = LineIndex(text)
    return [(*lines.line_col(start), " ".join(text[start:end].split()))
            for start, end in zip(*_sentence_spans(text), strict=True)]


def _checkable(text: str, starts: list[int], ends: list[int],
               words) -> set[int]:
    """The sentences that state something checkable (_is_checkable), by
    number.

    The whole text is lowercased once.  Figures are found by one regex, and
    each word where its stem stands, by str.find; a stem's sentence is found
    by bisection and the word is matched there, within the sentence.  Where
    lowercasing changes the text's length the offsets would not match, so
    each sentence is searched on its own.
    """
    lowered = text.lower()
    if len(lowered) != len(text):
        return {number for number in range(len(starts))
                if _is_checkable(words(number).lower())}
    checkable = {_sentence_holding(starts, ends, match.start())
                 for match in _FIGURES.finditer(lowered)}
    checkable.discard(None)  # a list marker's number is in no sentence
    for stem in _CHECKABLE_STEMS:
        position = lowered.find(stem)
        while position >= 0:
            number = _sentence_holding(starts, ends, position)
            if number is not None and (
                    number in checkable
                    or _CHECKABLE_WORD.match(lowered, position, ends[number])):
                checkable.add(number)
                # The rest of this sentence can tell nothing more.
                position = lowered.find(stem, ends[number])
            else:
                position = lowered.find(stem, position + 1)
    return checkable


def audit_coverage(document: Document, text: SearchText, found: list,
                   strict: bool, problems: Problems) -> str:
    """Which checkable sentences does no claim quote and no dismissal name?

    Adds the problems (untracked sentences are warnings, or errors when
    strict; a dismissal that names no sentence, several, or a tracked one, is
    an error) and returns the summary line.
    """
    article = text.text
    starts, ends = _sentence_spans(article)
    joined = {}  # sentence number → its words on one line, made when needed

    def words(number: int) -> str:
        if number not in joined:
            joined[number] = " ".join(article[starts[number]:ends[number]].split())
        return joined[number]

    # A quote tracks every sentence it overlaps, so a quote may span two.
    tracked = {}  # sentence number → the id of the first claim that quotes it
    for item in found:
        for span_start, span_end in item.spans:
            number = bisect.bisect_left(starts, span_end) - 1
            while number >= 0 and ends[number] > span_start:
                tracked.setdefault(number, item.claim.id or f"claims[{item.claim.index}]")
                number -= 1

    dismissed = set()
    if document.dismissed:
        _dismiss(document, text, starts, ends, words, tracked, dismissed, problems)

    untracked = 0
    for number in sorted(_checkable(article, starts, ends, words)):
        if number in tracked or number in dismissed:
            continue
        untracked += 1
        if problems.full:  # past the cap, the sentences are only counted
            continue
        problems.add(text.path, text.line_col(starts[number]), "untracked-sentence",
                     f"untracked sentence states a checkable fact:"
                     f" \"{shorten(words(number), 100)}\"",
                     level="error" if strict else "warning")
    total = len(tracked) + len(dismissed) + untracked
    return (f"article coverage: {total} sentences, {len(tracked)} tracked,"
            f" {len(dismissed)} dismissed, {untracked} untracked")


def _run_starting_with(items: list[tuple[str, int]], prefix: str) -> tuple[int, int]:
    """Where the items whose text starts with prefix stand in a list sorted
    by text: the first one's index, and how many there are."""

    def head(item: tuple[str, int]) -> str:
        return item[0][:len(prefix)]

    low = bisect.bisect_left(items, prefix, key=head)
    return low, bisect.bisect_right(items, prefix, lo=low, key=head) - low


# C901: the grouping below goes when a dismissal is matched by startswith
# over sentences normalised once (issue 18.6, branch init).
def _dismiss(document: Document, text: SearchText, starts: list[int],  # noqa: C901
             ends: list[int], words, tracked: dict, dismissed: set,
             problems: Problems) -> None:
    """Mark the sentence each dismissal names; add a problem where it names
    none, several, or a tracked one."""
    article = text.text
    # A dismissal names the sentences that start with it once both are
    # normalised.  Sorted by their normal forms, the sentences that start with
    # a dismissal are one run, found by bisection.  Only the sentences that
    # start with the dismissal's first word are sorted for it; once many
    # first words have asked for one first character, all its sentences are
    # sorted, so that no number of sentences and dismissals costs more than
    # sorting them.  Most sentences are plain ASCII that normalize leaves as
    # it is, but for joining their lines (words); the others are normalised.
    changed = {_sentence_holding(starts, ends, match.start())
               for match in _FOLDED.finditer(article)}
    changed.discard(None)
    normals = {}  # first character → (normal form, number) of the changed sentences
    for number in changed:
        normal = normalize(words(number))
        if normal:
            normals.setdefault(normal[0], []).append((normal, number))
    plain = {}  # first character → the numbers of the other sentences
    for number, start in enumerate(starts):
        if number not in changed:
            plain.setdefault(article[start], []).append(number)
    # (first character,) or (first character, first word) → the (normal
    # form, number) of the sentences that start so, sorted
    groups = {}
    first_words = Counter()  # first character → how many first words asked for it

    def sentences_starting(prefix: str) -> list[tuple[str, int]]:
        first, word = prefix[0], prefix.split(" ", 1)[0]
        if (first,) in groups:
            return groups[(first,)]
        if (first, word) in groups:
            return groups[(first, word)]
        first_words[first] += 1
        if first_words[first] > _MANY_FIRST_WORDS:
            groups[(first,)] = sorted(normals.get(first, []) + [
                (words(number), number) for number in plain.get(first, ())])
            return groups[(first,)]
        groups[(first, word)] = sorted(
            [item for item in normals.get(first, []) if item[0].startswith(word)]
            + [(words(number), number) for number in plain.get(first, ())
               if article.startswith(word, starts[number], ends[number])])
        return groups[(first, word)]

    for index, dismissal in enumerate(document.dismissed):
        prefix = normalize(dismissal.sentence)
        if prefix:
            sentences = sentences_starting(prefix)
            low, count = _run_starting_with(sentences, prefix)
            named = sentences[low][1] if count else None
        else:
            count, named = len(starts), 0
        where = f"dismissed[{index}].sentence"
        if not count:
            message = f"no sentence of {text.path} starts with {shorten(prefix, 60)!r}"
            code = "dismissal-unmatched"
        elif count > 1:
            message = (f"{count} sentences of {text.path} start with"
                       f" {shorten(prefix, 60)!r}; quote more of the one you mean")
            code = "dismissal-ambiguous"
        elif named in tracked:
            message = (f"sentence is tracked by claim {tracked[named]!r};"
                       " remove the dismissal")
            code = "dismissal-tracked"
        else:
            dismissed.add(named)
            continue
        # Past the cap the loop goes on, so that every sentence a dismissal
        # names is counted as dismissed, not untracked.
        problems.add(document.path, dismissal.at, code, message, where=where)

