"""Quotes: find each claim's quotes in the article and paper texts, and audit
which of the article's sentences no claim tracks.

Matching forgives layout and typography only: reflowed lines and runs of
whitespace, curly vs straight quotes, dashes, × vs x, superscripts (10²⁵ vs
10^25), PDF ligatures (ﬁ, ﬂ) and hyphenation at line ends.  It never forgives
different words.  A quote that is not found is re-anchored to the closest
passage of the text, the way Hypothesis re-anchors an annotation.
"""
import re
import unicodedata

from claimkit.model import (
    Document,
    Problem,
    TooManyProblems,
    add_problem,
    line_col,
    shorten,
)

_TYPOGRAPHY = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "×": "x",
    "^": None,
    "\u00ad": None,  # soft hyphen
})
# "foun-\ndation" in PDF text is one word broken at a line end.
_LINE_END_HYPHEN = re.compile(r"(?<=\w)-[ \t]*\r?\n\s*(?=\w)")
# A hyphen inside a word is typography too: "pre-training" and the
# "pretraining" left by joining a line-end hyphen are the same word.
_WORD_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
# "--" is how plain text writes a dash.
_DASHES = re.compile(r"-{2,}")
_TIMES = re.compile(r"(?<=\d)\s*x\s*(?=\d)")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")

# Words that make an article sentence checkable even without a figure in it.
CHECKABLE = re.compile(
    r"\d|%|\b(?:tokens?|flops?|gpus?|parameters?|context|licen[cs]e|partners?"
    r"|benchmarks?|sft|dpo|rlhf|ppo|reinforcement|rejection sampling"
    r"|fine-?tun\w*|transformer|mixture|multimodal|quantiz\w*|synthetic"
    r"|scaling|trillion|billion|million|open[- ]source|closed[- ]source"
    r"|more than|less than|fewer|larger|smaller|compared|outperform\w*"
    r"|beat|better|best|worse|first|faster|slower)\b",
    re.IGNORECASE,
)
_PARAGRAPH = re.compile(r"(?:[^\n]*\S[^\n]*(?:\n|\Z))+")
_LIST_MARKER = re.compile(r"\s*\d+[.)]\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])")


def normalize(text: str) -> str:
    """Fold the layout and typography a quote may differ in; keep the words."""
    text = unicodedata.normalize("NFKC", text)
    text = _LINE_END_HYPHEN.sub("", text)
    text = text.translate(_TYPOGRAPHY)
    text = _DASHES.sub("-", text)
    text = _WORD_HYPHEN.sub("", text)
    text = _TIMES.sub("x", text)
    return _SPACE.sub(" ", text).strip()


def closest_passage(quote: str, text: str) -> tuple[str, float]:
    """The passage of normalized text most like the normalized quote.

    Candidate windows are ranked by how many of the quote's words they hold (a
    linear scan), and difflib scores only the best few, so this stays fast on
    a whole paper.
    """
    import difflib

    words = [(match.start(), match.end()) for match in _WORD.finditer(text)]
    quote_words = _WORD.findall(quote)
    if not words or not quote_words:
        return "", 0.0
    wanted = set(quote_words)
    size = min(len(quote_words), len(words))
    hits = [text[start:end] in wanted for start, end in words]
    score = sum(hits[:size])
    scores = [(score, 0)]
    for first in range(1, len(words) - size + 1):
        score += hits[first + size - 1] - hits[first - 1]
        scores.append((score, first))
    scores.sort(key=lambda pair: (-pair[0], pair[1]))
    best = ("", 0.0)
    for _, first in scores[:8]:
        for extra in (0, 2):
            start = words[max(0, first - extra)][0]
            end = words[min(len(words), first + size + extra) - 1][1]
            passage = text[start:end]
            ratio = difflib.SequenceMatcher(None, quote, passage).ratio()
            if ratio > best[1]:
                best = (passage, ratio)
    return best


def check_quotes(document: Document, text: str, text_path: str,
                 which: str) -> tuple[list[Problem], int]:
    """Find each claim's article quotes (which="article") or paper quotes
    (which="paper") in a text; return problems and notes, and how many were
    found."""
    haystack = normalize(text)
    problems = []
    found = 0
    paper_url = document.paper.get("url")
    try:
        for claim in document.claims:
            source = claim.source
            if which == "article":
                quote, at, field = claim.article_quote, claim.article_quote_at, "article_quote"
            elif source.quote is None or not (
                source.section is not None or source.url == paper_url
            ):
                continue
            else:
                quote, at, field = source.quote, claim.source_quote_at, "source.quote"
            where = f"claims[{claim.index}].{field}"
            if which == "paper" and not source.quote_exact:
                add_problem(problems, Problem(
                    path=document.path, line=at[0], col=at[1], where=where,
                    code="quote-paraphrase",
                    message=f"quote of {claim.id!r} is marked as a paraphrase"
                    " (quote_exact: false); not looked for",
                    level="note",
                ))
                continue
            needle = normalize(quote)
            if needle in haystack:
                found += 1
                continue
            passage, similarity = closest_passage(needle, haystack)
            add_problem(problems, Problem(
                path=document.path, line=at[0], col=at[1], where=where,
                code="quote-not-found",
                message=f"quote of {claim.id!r} not found in {text_path}; closest passage"
                f" ({similarity:.0%} similar): \"{shorten(passage, 100)}\"",
            ))
    except TooManyProblems:
        pass  # the last problem says where it stopped
    return problems, found


def split_sentences(text: str) -> list[tuple[int, int, str]]:
    """The article's sentences as (line, col, sentence), 1-based.

    Paragraphs are separated by blank lines; lines inside a paragraph are
    reflowed.  A leading list marker ("3. ") is not part of the sentence.
    """
    sentences = []
    for block in _PARAGRAPH.finditer(text):
        start = block.start()
        marker = _LIST_MARKER.match(text, start, block.end())
        if marker:
            start = marker.end()
        for match in _SENTENCE_END.finditer(text, start, block.end()):
            gap = match.group()
            closing = len(gap) - len(gap.lstrip("\"”’)"))
            _add_sentence(sentences, text, start, match.start() + closing)
            start = match.end()
        _add_sentence(sentences, text, start, block.end())
    return sentences


def _add_sentence(sentences: list, text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        offset = start + len(piece) - len(piece.lstrip())
        sentences.append((*line_col(text, offset), _SPACE.sub(" ", stripped)))


class _Sentence:
    """An article sentence, where it stands, and what became of it."""

    __slots__ = (
        "col",
        "dismissed",
        "end",
        "line",
        "normal",
        "start",
        "text",
        "tracked_by",
    )

    def __init__(self, line: int, col: int, text: str, normal: str, start: int) -> None:
        self.line, self.col, self.text, self.normal = line, col, text, normal
        # Its span in the normalized article; start is -1 if it cannot be
        # placed there, and then only a quote inside it can track it.
        self.start, self.end = start, start + len(normal) if start >= 0 else -1
        self.tracked_by = None  # the id of the first claim that quotes it
        self.dismissed = False

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


def audit_coverage(document: Document, text: str, text_path: str,
                   strict: bool) -> tuple[list[Problem], str]:
    """Which checkable sentences does no claim quote and no dismissal name?

    Returns the problems (untracked sentences are warnings, or errors when
    strict; a dismissal that names no sentence, several, or a tracked one, is
    an error) and the summary line.
    """
    haystack = normalize(text)
    sentences = []
    cursor = 0
    for line, col, sentence in split_sentences(text):
        normal = normalize(sentence)
        start = haystack.find(normal, cursor)
        cursor = max(cursor, start + len(normal))
        sentences.append(_Sentence(line, col, sentence, normal, start))

    # A quote tracks every sentence it overlaps, so a quote may span two.
    for claim in document.claims:
        needle = normalize(claim.article_quote)
        position = haystack.find(needle)
        while position >= 0:
            for sentence in sentences:
                if sentence.tracked_by is None and sentence.overlaps(
                        position, position + len(needle)):
                    sentence.tracked_by = claim.id
            position = haystack.find(needle, position + 1)
        for sentence in sentences:
            if sentence.tracked_by is None and sentence.start < 0 and needle in sentence.normal:
                sentence.tracked_by = claim.id

    problems = []
    for index, dismissal in enumerate(document.dismissed):
        prefix = normalize(dismissal.sentence)
        matches = [sentence for sentence in sentences if sentence.normal.startswith(prefix)]
        where = f"dismissed[{index}].sentence"
        if not matches:
            message = f"no sentence of {text_path} starts with {shorten(prefix, 60)!r}"
        elif len(matches) > 1:
            message = (f"{len(matches)} sentences of {text_path} start with"
                       f" {shorten(prefix, 60)!r}; quote more of the one you mean")
        elif matches[0].tracked_by is not None:
            message = (f"sentence is tracked by claim {matches[0].tracked_by!r};"
                       " remove the dismissal")
        else:
            matches[0].dismissed = True
            continue
        problems.append(Problem(
            path=document.path, line=dismissal.at[0], col=dismissal.at[1],
            where=where, code="bad-dismissal", message=message,
        ))

    tracked = dismissed = untracked = 0
    for sentence in sentences:
        if sentence.tracked_by is not None:
            tracked += 1
        elif sentence.dismissed:
            dismissed += 1
        elif CHECKABLE.search(sentence.text):
            untracked += 1
            problems.append(Problem(
                path=text_path, line=sentence.line, col=sentence.col,
                code="untracked-sentence",
                message=f"untracked sentence states a checkable fact:"
                f" \"{shorten(sentence.text, 100)}\"",
                level="error" if strict else "warning",
            ))
    total = tracked + dismissed + untracked
    summary = (f"article coverage: {total} sentences, {tracked} tracked,"
               f" {dismissed} dismissed, {untracked} untracked")
    return problems, summary
