"""Plain YAML values: the type of each, and numbers, as YAML 1.2 reads them.

PyYAML reads YAML 1.1; editors, and the tools that read claims.schema.json,
read YAML 1.2.  The two disagree on some plain values: 3.8e25 is text in 1.1
and a number in 1.2; 010 is 8 (octal) in 1.1 and 10 in 1.2; 1:20 is 80 (base
60) in 1.1 and text in 1.2, as are 0b101 and 1_000; `=` is a `!!value` in 1.1
and text in 1.2; yes, no, on and off are booleans in 1.1 and text in 1.2.
The kit reads plain numbers and booleans by YAML 1.2's core schema (a value
the user tags, `!!bool yes`, is read as the tag asks), and refuses a plain
value that YAML 1.1 reads as a number or a boolean and YAML 1.2 does not, or
as another number: the file would mean one thing to the kit and another to
other tools.  Nulls and dates are what PyYAML makes of them, and a date stays
text.
"""
import functools
import re
import sys

import yaml

from claimkit.model import shorten

STR, INT, FLOAT, BOOL, NULL, TIMESTAMP = (
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp"))

# YAML 1.2.2, 10.3.2 "Tag Resolution" of the core schema.
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
# Digits YAML 1.1 reads as octal to another value than YAML 1.2's decimal
# (010 is 8, not 10); 07 and 00 are the same number in both.
_OCTAL_THAT_DIFFERS = re.compile(r"[-+]?0+[1-7][0-7]+")
_YAML11 = yaml.resolver.Resolver()
_BOOLEANS = yaml.constructor.SafeConstructor.bool_values
_CORE_BOOLEAN = re.compile(r"true|True|TRUE|false|False|FALSE")

# A number written with more characters than this is refused before it is
# converted: the largest float needs 309 digits, Python refuses to convert
# more than 4,300, and base 60 (1:2:3:…) converts in time quadratic in its
# length.
MAX_NUMBER_TEXT = 400
_LARGEST = int(sys.float_info.max)
INFINITY = float("inf")


@functools.lru_cache(maxsize=4096)
def resolve(text: str) -> tuple[str, tuple[str, str] | None]:
    """The tag of a plain value, and why it is refused: (code, message), or
    None when it is not.

    Cached: keys like "title" and "quote" recur on every claim, and the
    resolvers try their regular expressions on each (the 8,000-claim row of
    bench/run.py needs it).
    """
    core = INT if _INT.fullmatch(text) else FLOAT if _FLOAT.fullmatch(text) else None
    old = _YAML11.resolve(yaml.ScalarNode, text, (True, False))
    if old in (INT, FLOAT) and core is None:
        return STR, ("ambiguous-number", f"{_yaml11_reading(text, old)} in YAML 1.1 and text"
                     " in YAML 1.2, so tools read it differently; write the number in plain"
                     " decimal digits, or the text in quotes")
    if core is INT and old == INT and _OCTAL_THAT_DIFFERS.fullmatch(text):
        decimal = int(text) if len(text) <= 40 else "a decimal number"
        return INT, ("ambiguous-number", f"{_yaml11_reading(text, old)} (octal) in YAML 1.1"
                     f" and {decimal} in YAML 1.2, so tools read it differently; write the"
                     " number without its leading zeros")
    if old == BOOL and not _CORE_BOOLEAN.fullmatch(text):
        return STR, ("ambiguous-boolean", f"{text!r} is the boolean"
                     f" {str(_BOOLEANS[text.lower()]).lower()} in YAML 1.1 and text in YAML"
                     " 1.2, so tools read it differently; write true or false, or the text"
                     " in quotes")
    if core is not None:
        return core, None
    return (old if old in (BOOL, NULL, TIMESTAMP) else STR), None


def _yaml11_reading(text: str, tag: str) -> str:
    """'1:20' is the number 80, as YAML 1.1 reads it; a long text is only 'a
    number', since reading base 60 takes time quadratic in its length."""
    constructor, node = yaml.constructor.SafeConstructor(), yaml.ScalarNode(tag, text)
    try:
        if len(text) <= 40:
            value = (constructor.construct_yaml_int(node) if tag == INT
                     else constructor.construct_yaml_float(node))
            return f"{text!r} is the number {value!r}"
    except ValueError:  # 0b_ and ._ match YAML 1.1's patterns and are no number
        pass
    return f"{shorten(text, 40)!r} is a number"


def read_scalar(tag: str, text: str):
    """The value of a scalar of a standard tag; raises ValueError when the
    text is not one (`!!int eight`).  Numbers are read as YAML 1.2 writes
    them, and refused unconverted when longer than MAX_NUMBER_TEXT
    (OverflowError)."""
    if tag == NULL:
        if text not in ("", "~", "null", "Null", "NULL"):
            raise ValueError(text)
        return None
    if tag == BOOL:
        if text.lower() not in _BOOLEANS:
            raise ValueError(text)
        return _BOOLEANS[text.lower()]
    if len(text) > MAX_NUMBER_TEXT:
        raise OverflowError(text)
    if tag == INT and _INT.fullmatch(text):
        base = {"0o": 8, "0x": 16}.get(text[:2], 10)
        return int(text[2:] if base != 10 else text, base)
    if tag == FLOAT and _FLOAT.fullmatch(text):
        # .inf and .nan, the forms that end in a letter, without YAML's dot.
        return float(text.replace(".", "", 1) if text[-1].isalpha() else text)
    raise ValueError(text)


def number_fault(text: str, value) -> tuple[str, str] | None:
    """The (code, message) when a number cannot be carried through: NaN,
    infinity, or past what a float (and a strict JSON reader) holds."""
    shown = shorten(text, 40)
    if value != value:
        return "bad-value", f"expected a number, got {shown}"
    if value in (INFINITY, -INFINITY) and "inf" in text.lower():
        return "bad-value", f"expected a finite number, got {shown}"
    if abs(value) > _LARGEST:
        return "number-too-large", too_large(text)
    return None


def too_large(text: str) -> str:
    return f"{shorten(text, 40)!r} is past the largest number the kit holds (about 1.8e308)"


def too_long(text: str) -> str:
    """A number refused unconverted: it may be tiny (0.000…1), not large."""
    return (f"{shorten(text, 40)!r} is written with more than {MAX_NUMBER_TEXT} characters,"
            " more than any number the kit holds needs (the largest, about 1.8e308, has 309"
            " digits)")
