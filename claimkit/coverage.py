"""Coverage: what the article states that no claim tracks.

The article is cut into sentences, and a sentence is checkable by the rules
in sentences.py.  A sentence is tracked when a found article quote overlaps
it, and dismissed when a dismissal in the claims file names it by its first
words.  Every figure of a tracked sentence must stand inside an article
quote: a figure that rides on another claim's sentence is reported on its
own.
"""
import bisect
import heapq

from claimkit.model import Document, shorten
from claimkit.problems import Problems
from claimkit.sentences import Rules, sentence_spans, sentence_words
from claimkit.texts import LineIndex, SearchText, normalize, plain_newlines
from claimkit.validate import closest

# Input limits (docs): the audit reads this many sentences of an article and
# matches this many dismissals, each against every sentence (2.5 million
# comparisons, about a second).  A news article has a few hundred sentences
# and a handful of dismissals; the limits keep a hostile article or claims
# file from costing minutes.
MAX_SENTENCES = 5_000
MAX_DISMISSALS = 500
# And this many characters of it: a sentence may be megabytes long, and the
# audit reads each line and each word of the sentences it reads.
MAX_CHARACTERS = 2_000_000
# A did-you-mean is looked for this many unmatched dismissals at most, each
# among the sentence starts that share the most words with it, this many at
# most (difflib compares each closely, some 0.5 ms a start).
MAX_HINTS = 20
MAX_GUESSES = 50


def audited_spans(text: str) -> tuple[list[tuple[int, int]], int | None, str]:
    """The spans of the sentences the audit reads, of a text with plain
    newlines (the first MAX_SENTENCES of its first MAX_CHARACTERS); where
    the audit stops short of the text's end, and why (else None, "")."""
    spans = sentence_spans(text, MAX_CHARACTERS, MAX_SENTENCES + 1)
    if len(spans) > MAX_SENTENCES:
        return spans[:MAX_SENTENCES], spans[MAX_SENTENCES][0], (
            f"the article has more than {MAX_SENTENCES:,} sentences; the audit stopped here")
    if len(text) > MAX_CHARACTERS:
        return spans, MAX_CHARACTERS, (
            f"the article is longer than {MAX_CHARACTERS:,} characters;"
            " the audit stopped here")
    return spans, None, ""


def split_sentences(text: str) -> list[tuple[int, int, str]]:
    """The article's sentences as (line, col, sentence), 1-based, as the
    audit reads them (so no more of them), each on one line."""
    text = plain_newlines(text)
    lines = LineIndex(text)
    return [(*lines.line_col(start), sentence_words(text, start, end))
            for start, end in audited_spans(text)[0]]


class _Audit:
    """One article's audit: its sentences, their words, and the problems."""

    def __init__(self, document: Document, text: SearchText, strict: bool,
                 problems: Problems) -> None:
        self.document, self.text, self.problems = document, text, problems
        self.level = "error" if strict else "warning"
        spans, stop, why = audited_spans(text.text)
        if stop is not None:
            problems.add(text.path, text.line_col(stop), "audit-limit", why)
        self.spans = spans
        self.starts = [start for start, _ in spans]
        self.words = [sentence_words(text.text, start, end) for start, end in spans]

    def at(self, offset: int, code: str, message: str) -> None:
        """A problem of the article's text; past the cap, none (the
        sentences are still counted)."""
        if not self.problems.full:
            self.problems.add(self.text.path, self.text.line_col(offset), code, message,
                              level=self.level)

    def sentences_in(self, start: int, end: int) -> range:
        """The numbers of the sentences a span of the text overlaps."""
        last = bisect.bisect_left(self.starts, end) - 1
        first = last
        while first >= 0 and self.spans[first][1] > start:
            first -= 1
        return range(first + 1, last + 1)


def audit_coverage(document: Document, text: SearchText, found: list,
                   strict: bool, problems: Problems) -> str:
    """Which checkable sentences does no claim quote and no dismissal name,
    and which figures of tracked sentences does no quote hold?

    Adds the problems (untracked sentences and figures are warnings, or
    errors when strict; a dismissal that names no sentence, several, or a
    tracked one, is an error) and returns the summary line.
    """
    audit = _Audit(document, text, strict, problems)
    # A quote tracks every sentence it overlaps, so a quote may span two.
    tracked = {}  # sentence number → the id of the first claim that quotes it
    quoted = {}  # sentence number → the quote spans that overlap it
    for item in found:
        for span in item.spans:
            for number in audit.sentences_in(*span):
                tracked.setdefault(number, item.claim.id or f"claims[{item.claim.index}]")
                quoted.setdefault(number, []).append(span)
    dismissed = _dismiss(audit, tracked)
    rules = Rules(audit.words, document.article.get("checkable", ()))
    untracked = figures = 0
    for number, (start, end) in enumerate(audit.spans):
        if number in dismissed:
            continue
        if number not in tracked:
            if rules.is_checkable(audit.words[number]):
                untracked += 1
                audit.at(start, "untracked-sentence",
                         "untracked sentence states a checkable fact:"
                         f" \"{shorten(audit.words[number], 100)}\"")
            continue
        for figure_start, figure_end, figure in rules.figures(text.text[start:end], start):
            if not any(low <= figure_start and figure_end <= high
                       for low, high in quoted[number]):
                figures += 1
                audit.at(figure_start, "untracked-figure",
                         f"untracked figure \"{shorten(figure, 40)}\": no article_quote"
                         f" holds it (its sentence is tracked by claim"
                         f" {tracked[number]!r} for other words)")
    total = len(tracked) + len(dismissed) + untracked
    summary = (f"article coverage: {total} sentences, {len(tracked)} tracked,"
               f" {len(dismissed)} dismissed, {untracked} untracked")
    if figures:
        summary += f"; {figures} untracked figure{'s' if figures != 1 else ''}"
    return summary


def _dismiss(audit: _Audit, tracked: dict) -> set[int]:
    """The sentences the dismissals name; a problem where one names none,
    several, or a tracked one.  A dismissal names the sentences that start
    with it once both are normalised."""
    document, text = audit.document, audit.text
    dismissed = set()
    if not document.dismissed:
        return dismissed
    normals = [normalize(words) for words in audit.words]
    folded = None  # their words, casefolded, once a did-you-mean needs them
    hints = 0
    for index, dismissal in enumerate(document.dismissed):
        if index == MAX_DISMISSALS:
            audit.problems.add(document.path, dismissal.at, "audit-limit",
                               f"more than {MAX_DISMISSALS:,} dismissals; the rest are"
                               " not matched", where=f"dismissed[{index}]")
            break
        prefix = normalize(dismissal.sentence)
        named = [number for number, normal in enumerate(normals)
                 if normal.startswith(prefix)]
        if len(named) == 1 and named[0] not in tracked:
            dismissed.add(named[0])
            continue
        if not named:
            message = f"no sentence of {text.path} starts with {shorten(prefix, 60)!r}"
            if hints < MAX_HINTS and prefix:
                hints += 1
                folded = folded or [normal.casefold().split(" ") for normal in normals]
                message += _did_you_mean(audit, normals, folded, prefix)
            code = "dismissal-unmatched"
        elif len(named) > 1:
            message = (f"{len(named)} sentences of {text.path} start with"
                       f" {shorten(prefix, 60)!r}; quote more of the one you mean")
            code = "dismissal-ambiguous"
        else:
            message = (f"sentence is tracked by claim {tracked[named[0]]!r};"
                       " remove the dismissal")
            code = "dismissal-tracked"
        # Past the cap the loop goes on, so that every sentence a dismissal
        # names is counted as dismissed, not untracked.
        audit.problems.add(document.path, dismissal.at, code, message,
                           where=f"dismissed[{index}].sentence")
    return dismissed


def _did_you_mean(audit: _Audit, normals: list[str], folded: list[list[str]],
                  prefix: str) -> str:
    """" (did you mean 'Llama3 Paper Highlights'?)": the sentence whose start
    is most like the dismissal, in the article's own words.  Only the starts
    that share the most words with it are compared (for a dismissal of one
    word that none shares, each distinct first word); folded holds each
    sentence's words, casefolded."""
    words = prefix.casefold().split(" ")
    wanted = set(words)
    shared = [(len(wanted.intersection(sentence[:len(words)])), number)
              for number, sentence in enumerate(folded)]
    starts = {}  # a start → the first sentence that starts so
    for count, number in heapq.nlargest(MAX_GUESSES, shared, key=lambda pair: pair[0]):
        if count:
            starts.setdefault(normals[number][:len(prefix)], number)
    if not starts and len(words) == 1:  # a slip in its one word: the sentences' first words
        for number, sentence in enumerate(folded):
            starts.setdefault(sentence[0], number)
    guess = closest(prefix, starts)
    if guess is None:
        return ""
    words = audit.words[starts[guess]].split(" ")
    return f" (did you mean {shorten(' '.join(words[:len(prefix.split(' '))]), 60)!r}?)"
