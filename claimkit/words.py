"""Words: the terms of a normalised text, and an index of where each stands.

A term is what two texts share when they say the same thing in other
typography: a word lowercased and lightly stemmed ("GPUs" and "gpu",
"trained" and "training"), or a figure by its value, written the ways papers
write it: "16K" is 16,000 or 16,384, "16,384" is 16,384, "15.6T" and "15.6
trillion" are 15.6e12, "3.8 × 10^25" (normalised "3.8x1025") and "3.8e25" are
3.8e25.

The index maps each term to the offsets of the words that hold it in a
normalised text (texts.normalize), built once, in one pass: the closest
passage to a missing quote starts where the quote's rarest words stand, and
`locate` ranks passages by the terms they share with what it is asked.
"""
import heapq
import itertools
import re
from array import array
from collections import Counter

# Number words that scale the figure before them: "15.6 trillion".
SCALE_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# Suffixes that scale a figure: "16K", "405B", "15.6T".  K is also 1,024:
# "16K GPUs" are 16,384.
_SCALES = {"k": (1e3, 1024.0), "m": (1e6,), "b": (1e9,), "bn": (1e9,), "t": (1e12,)}
# A figure: digits with separators, an optional "x10" power ("3.8x1025", as
# normalize leaves "3.8 × 10^25") or exponent ("3.8e25"), and letters or %
# after it.  A word: letters, then letters or digits ("h100").
_TOKEN = re.compile(
    r"(?P<number>\d+(?:[.,]\d+)*)(?:x10(?P<power>\d{1,3})|e(?P<exponent>[+-]?\d{1,3}))?"
    r"(?P<suffix>[^\W\d_]*)%?"
    r"|(?P<word>[^\W\d_][^\W_]*)")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
# Words too common to tell passages apart; not said to be absent, and not
# scored.
STOPWORDS = frozenset((
    "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are",
    "as", "at", "be", "been", "before", "being", "below", "between", "both", "but", "by",
    "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for",
    "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him",
    "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more",
    "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other",
    "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some", "such",
    "than", "that", "the", "their", "theirs", "them", "then", "there", "these", "they",
    "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we",
    "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
    "would", "you", "your",
))
# Offsets are 32-bit: texts are refused long before they reach 4 GB.
_OFFSET = "I"


def stem(word: str) -> str:
    """A lowercased word with a plural or verb ending cut, and a final e, so
    that "GPUs" finds "GPU", "trained" finds "training" and "based" finds
    "base".  Crude, but the same on both sides of every comparison."""
    for ending, least in (("ies", 5), ("ing", 6), ("ed", 4), ("s", 4)):
        if len(word) >= least and word.endswith(ending) and not word.endswith("ss"):
            word = word[: -len(ending)] + ("y" if ending == "ies" else "")
            break
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


STOP_TERMS = frozenset(stem(word) for word in STOPWORDS)


def figure_key(value: float) -> str:
    """The index key of a figure: its value to six significant digits."""
    return f"#{value:.6g}"


def _number(text: str) -> float | None:
    """A figure's digits as a value: "16,384" is 16384, "0.5" a half; "1,2"
    (not thousands) is not read."""
    if "," in text:
        if not _THOUSANDS.fullmatch(text):
            return None
        text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:  # "1.2.3"
        return None


class Token:
    """What one space-separated word of a normalised text holds."""

    __slots__ = ("scale", "terms", "value")

    def __init__(self, terms: list[tuple[str, ...]], value: float | None,
                 scale: float | None) -> None:
        self.terms = terms  # each term: the keys any of which is a match
        self.value = value  # the word is a bare number: its value
        self.scale = scale  # the word is a number word: what it multiplies by


def read_token(raw: str) -> Token:
    """The terms of one word of a normalised text ("GPUs,", "16,384", "DP=128")."""
    lower = raw.lower()
    terms: list[tuple[str, ...]] = []
    value = scale = None
    for match in _TOKEN.finditer(lower):
        if match["word"]:
            word = match["word"]
            terms.append((stem(word),))
            scale = SCALE_WORDS.get(word)
            continue
        number = _number(match["number"])
        if number is None:
            continue
        suffix, power, exponent = match["suffix"], match["power"], match["exponent"]
        if power is not None:
            number *= 10.0 ** int(power)
        elif exponent is not None:
            number *= 10.0 ** int(exponent)
        factors = _SCALES.get(suffix)
        if factors:
            terms.append(tuple(figure_key(number * factor) for factor in factors))
            continue
        if power is not None:  # or a product: "2x1024" may be 2 × 1,024
            terms.append((figure_key(number), figure_key(
                number / 10.0 ** int(power) * float("10" + power))))
        else:
            terms.append((figure_key(number),))
        if suffix:  # a unit: "80GB" is 80 and "gb"
            terms.append((stem(suffix),))
        elif power is None and exponent is None and match.end() == len(lower):
            value = number
    return Token(terms, value if len(terms) == 1 else None, scale)


def read_terms(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The terms of a normalised text, in order, each with the words that
    hold it as written; number words are joined to their figures ("15.6
    trillion" is one term)."""
    terms: list[tuple[str, tuple[str, ...]]] = []
    value = None
    for raw in text.split(" "):
        token = read_token(raw)
        if token.scale is not None and value is not None:
            terms[-1] = (f"{terms[-1][0]} {raw}", (figure_key(value * token.scale),))
            value = None
            continue
        terms.extend((raw, keys) for keys in token.terms)
        value = token.value
    return terms


# A hostile text of millions of distinct words must not build millions of
# entries: past this many distinct words the rest of the text is not
# indexed (a paper has some tens of thousands).
MAX_WORDS = 500_000
# The text is counted in slices of about this many characters, so that no
# list of every word is ever held.
_SLICE = 1 << 20


class WordIndex:
    """Where each term stands in a normalised text: the offset of each word
    that holds it, in order.

    The words are counted once, in C (Counter over each slice's words), and
    each distinct word read once for its terms.  A word's offsets are found
    the first time they are asked for, by one scan of the text (str.find,
    which skips ahead in C), and kept: asking for the few rarest words of a
    quote costs a few scans, where a Python loop over every word would cost
    more than normalising the text.
    """

    def __init__(self, normal: str) -> None:
        self.normal = normal
        self.counts: Counter = Counter()
        cut = 0
        while cut < len(normal):
            if len(self.counts) >= MAX_WORDS:
                break
            end = normal.find(" ", cut + _SLICE)
            end = len(normal) if end < 0 else end
            self.counts.update(normal[cut:end].split(" "))
            cut = end + 1
        self.indexed = min(cut, len(normal))  # the offsets below this are indexed
        self.words: dict[str, list[str]] = {}  # a term's key → the words that hold it
        self.paired: dict[str, array] = {}  # a figure a number word scales → its offsets
        self._offsets: dict[str, array] = {}  # a word → its offsets, once scanned
        for raw in self.counts:
            token = read_token(raw)
            for keys in token.terms:
                for key in keys:
                    self.words.setdefault(key, []).append(raw)
            if token.scale is not None:
                self._pair(raw, token.scale)

    def _pair(self, raw: str, scale: float) -> None:
        """Index "15.6 trillion" as 15.6e12, at the figure's offset."""
        for position in self.offsets_of(raw):
            before = self.normal.rfind(" ", 0, max(0, position - 1)) + 1
            value = read_token(self.normal[before:max(before, position - 1)]).value
            if value is not None:
                self.paired.setdefault(figure_key(value * scale), array(_OFFSET)).append(before)

    def offsets_of(self, raw: str, limit: int | None = None) -> array:
        """Where a word of the text (as split on spaces) stands, in order:
        all of its offsets, or its first `limit`."""
        found = self._offsets.get(raw)
        if found is not None:
            return found if limit is None else found[:limit]
        wanted = self.counts[raw] if limit is None else min(limit, self.counts[raw])
        found = array(_OFFSET)
        normal, end = self.normal, self.indexed
        if normal.startswith(raw) and (len(raw) == len(normal) or normal[len(raw)] == " "):
            found.append(0)
        spaced = f" {raw} "
        position = normal.find(spaced, 0, end + 1)
        while position >= 0 and len(found) < wanted:
            found.append(position + 1)
            position = normal.find(spaced, position + 1, end + 1)
        if (len(found) < wanted and end == len(normal) and len(raw) < len(normal)
                and normal.endswith(" " + raw)):
            found.append(len(normal) - len(raw))
        if len(found) == self.counts[raw]:  # every offset: kept
            self._offsets[raw] = found
        return found

    def _raws(self, keys: tuple[str, ...]) -> set[str]:
        return {raw for key in keys for raw in self.words.get(key, ())}

    def count(self, keys: tuple[str, ...]) -> int:
        """How often a term stands in the text."""
        return (sum(self.counts[raw] for raw in self._raws(keys))
                + sum(len(self.paired.get(key, ())) for key in keys))

    def where(self, keys: tuple[str, ...], limit: int | None = None):
        """The offsets of the words that hold a term, in order: all of them,
        or the first `limit`."""
        found = [self.offsets_of(raw, limit) for raw in self._raws(keys)]
        found += [self.paired[key] for key in keys if key in self.paired]
        merged = found[0] if len(found) == 1 else heapq.merge(*found)
        return merged if limit is None else itertools.islice(merged, limit)
