"""Sentences: an article cut into sentences, and what makes one checkable.

The rules are general, not one article's words, so that the audit works on
any article in English:

- a line that ends without sentence punctuation (a heading, a bullet, a list
  item, a table row) is its own sentence, unless the next line goes on in
  lowercase or the line ends with a comma or a hyphen (hard-wrapped prose);
  a line that starts with a list marker ("- ", "• ", "3. ", "(a) ") starts a
  sentence, and the marker is not part of it;
- a sentence is checkable when it holds a figure, a date, a comparison, a
  superlative or a change, a named result (a benchmark, a score, a record),
  a property line ("Licence: Apache 2.0"), or a word the claims file adds
  (article.checkable);
- a figure is a number (16K, 3.8x10²⁵, 2024-07-24, 50%) or a number word
  (fifteen, trillion), except a number that is part of a name: "Llama 3.1",
  "H100", "GPT-4o", "Table 2".  A word is a name when the article writes it
  capitalised inside a sentence, where capitals are not the sentence's.
"""
import re

from claimkit.texts import LINE_END_HYPHEN

# A line that ends so goes on in the next one: "…, Groq,", "founda-".
_JOINING = ",;(-–—"
# A list marker, a Markdown heading's hashes or a quote's ">" at a line's
# start; what follows is the sentence.  Numbered items have 1-3 digits, so
# that "2024. " is a year.
_LIST_MARKER = re.compile(
    r"(?:[-*+•·‣▪◦–]|#{1,6}|>|\d{1,3}[.)]|\(\d{1,3}\)|[a-z]\)|\([a-z]\))[^\S\n]+")
# A stop inside a line (or a joined line) ends a sentence when the next one
# starts with a capital or a digit.  Group 1 is the closing quote or bracket
# that ends the sentence with it.  (Starting with the stop itself, not a
# lookbehind, lets the regex engine skip to the next stop.)
_SENTENCE_END = re.compile(r"[.!?]([\"”’)]?)\s+(?=[\"“(]?[A-Z0-9])")
_NON_SPACE = re.compile(r"\S")


def sentence_spans(text: str, end: int | None = None,
                   limit: int | None = None) -> list[tuple[int, int]]:
    """Where each sentence of a text with plain newlines starts and ends:
    of text[:end], and the first `limit` of them.

    Lines are joined into runs (see the module's rules); each run is cut at
    its stops.  Every line is looked at once, and each run's stops are found
    by one regex scan, so the time is linear in the text.
    """
    text = text if end is None else text[:end]
    spans = []
    run_start = run_end = None  # the run of joined lines so far
    joins = False  # whether the last line of the run goes on in the next

    def close_run() -> None:
        """Cut the run so far, if there is one, at its stops."""
        nonlocal run_start
        if run_start is None:
            return
        start = run_start
        for match in _SENTENCE_END.finditer(text, run_start, run_end):
            spans.append((start, match.end(1)))
            start = match.end()
        spans.append((start, run_end))
        run_start = None

    line_start = 0
    while line_start <= len(text) and (limit is None or len(spans) < limit):
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end < 0 else line_end
        first = _NON_SPACE.search(text, line_start, line_end)
        end = line_start + len(text[line_start:line_end].rstrip())
        line_start = line_end + 1
        if first is None:  # a blank line ends a paragraph
            close_run()
            continue
        start = first.start()
        marker = _LIST_MARKER.match(text, start, line_end)
        if marker is not None:
            start = marker.end()
        if start >= end:  # a marker alone on its line: an empty item
            close_run()
            continue
        goes_on = run_start is not None and marker is None and (
            joins or text[start].islower())
        if not goes_on:
            close_run()
            run_start = start
        run_end = end
        joins = text[end - 1] in _JOINING
    close_run()
    return spans if limit is None else spans[:limit]


def sentence_words(text: str, start: int, end: int) -> str:
    """A sentence's words on one line, a word broken at a line's end made
    whole ("pre-training"), so that it normalises as the text around it does."""
    return " ".join(LINE_END_HYPHEN.sub("-", text[start:end]).split())


def _words(pattern: str) -> str:
    """A pattern for lowercased text in which a space stands for any run of
    whitespace, as in a sentence with its lines joined."""
    return pattern.replace(" ", r"\s+")


# Number words.  "one" is left out: it is a pronoun more often than a figure.
NUMBER_WORDS = frozenset((
    "zero", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
    "eighty", "ninety", "hundred", "hundreds", "thousand", "thousands", "million",
    "millions", "billion", "billions", "trillion", "trillions", "dozen", "dozens",
    "twice", "thrice", "double", "triple", "half"))
# Month names and their abbreviations, to their numbers.
MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
    ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
    ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), 1) for name in names}
# What makes a sentence checkable besides a figure, each kind one
# alternation, matched in lowercased text at word boundaries.
CHECKABLE_KINDS = {
    "a date": "january|february|march|april|june|july|august|september|october"
              "|november|december|monday|tuesday|wednesday|thursday|friday|saturday"
              "|sunday|yesterday|today|tonight|tomorrow|ago"
              "|(?:last|this|next) (?:night|week|month|year)",
    "a comparison": "than|compared|comparable|comparison|versus|vs|relative to|on par"
                    "|close to|ahead of|outperform\\w*|beat|beats|beaten|beating|surpass\\w*"
                    "|exceed\\w*|rival\\w*|match(?:es|ed|ing)?|trail\\w*|more|less|fewer"
                    "|better|worse|larger|smaller|bigger|higher|lower|greater|faster"
                    "|slower|stronger|weaker|longer|shorter|cheaper",
    "a change": "rais(?:e|es|ed|ing)|increas\\w*|decreas\\w*|reduc\\w*|improv\\w*"
                "|boost\\w*|doubl\\w*|halv\\w*|grow|grows|grew|grown|growing|rise|rises"
                "|rose|risen|drop|drops|dropped|fell|fall|falls",
    "a superlative": "best|worst|most|least|largest|smallest|biggest|highest|lowest"
                     "|greatest|fastest|slowest|strongest|weakest|longest|shortest"
                     "|cheapest|newest|top|leading|state[- ]of[- ]the[- ]art|sota|record"
                     "|unprecedented|the (?:first|only|last)",
    "a named result": "benchmarks?|scor(?:e|es|ed|ing)|accuracy|leaderboards?|ranked"
                      "|ranks|win rates?|evaluations?",
}
_CHECKABLE = re.compile(r"\b(?:" + "|".join(
    _words(pattern) for pattern in CHECKABLE_KINDS.values()) + r")\b")
# A property line: a short label, a colon, a value ("Dataset: not
# disclosed", "Paper address: https://…").
_PROPERTY = re.compile(r"[^\W\d_][\w ()/'’-]{0,40}:\s*\S")
# A token, and the punctuation around it that is not part of it.
_TOKEN = re.compile(r"\S+")
_EDGES = "\"'“”‘’«»()[]{},;:!?.…*"
_DIGIT = re.compile(r"[\d⁰¹²³⁴⁵⁶⁷⁸⁹]")
_CAPITALISED = re.compile(r"[^\W\d_][\w'’-]*")
# A sentence without a digit, and without a number word even inside another
# word, holds no figure: most sentences are passed over in one search.
_MAY_HOLD_FIGURE = re.compile("|".join([_DIGIT.pattern, *sorted(NUMBER_WORDS)]))


class Rules:
    """What makes a sentence of one article checkable: the general rules,
    the words the claims file adds, and the article's names (a number right
    after a name is part of it)."""

    def __init__(self, sentences: list[str], words=()) -> None:
        self.extra = (re.compile(r"(?<!\w)(?:" + "|".join(
            r"\s+".join(map(re.escape, word.lower().split())) for word in words if word.strip())
            + r")(?!\w)") if any(word.strip() for word in words) else None)
        # A name is a word the article capitalises inside a sentence, where
        # the capital is not the sentence's own, and never writes in
        # lowercase ("Table" is not one where the article says "the table").
        # Months are dates, not names.
        tokens = set()  # each token once: an article repeats most of its words
        for sentence in sentences:
            tokens.update(sentence.split()[1:])
        capitalised, lowercase = set(), set()
        for token in tokens:
            word = token.strip(_EDGES)
            if word[:1].isupper() and _CAPITALISED.fullmatch(word):
                capitalised.add(word)
            elif word[:1].islower():
                lowercase.add(word)
        self.names = {word for word in capitalised if word.lower() not in lowercase
                      and word.lower() not in MONTHS}

    def figures(self, sentence: str, start: int = 0):
        """(start, end, figure) of each figure in a sentence, offsets past start."""
        if not _MAY_HOLD_FIGURE.search(sentence.lower()):
            return
        after_name = False  # the last token was a name or a number in one
        for match in _TOKEN.finditer(sentence):
            raw = match.group()
            word = raw.strip(_EDGES)
            if not word:
                after_name = False
                continue
            offset = match.start() + raw.index(word)
            if _DIGIT.search(word):
                # "H100", "GPT-4o", "v3": a number that starts a word is a name.
                is_name = after_name or word[0].isalpha()
                if not is_name:
                    yield start + offset, start + offset + len(word), word
                after_name = is_name and raw[-1] not in ",;:.!?"
                continue
            if any(part in NUMBER_WORDS for part in word.lower().split("-")):
                yield start + offset, start + offset + len(word), word
            after_name = word in self.names and raw[-1] not in ",;:.!?"

    def is_checkable(self, sentence: str) -> bool:
        lowered = sentence.lower()
        return bool(_CHECKABLE.search(lowered) or _PROPERTY.match(sentence)
                    or (self.extra is not None and self.extra.search(lowered))
                    or next(self.figures(sentence), None) is not None)
