"""Evaluate: arithmetic cross-checks over the claims' values.

An expression is read by the small grammar below, and by nothing else:

    comparison := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)*
    sum        := product (("+" | "-") product)*
    product    := signed (("*" | "/") signed)*
    signed     := ("-" | "+") signed | power
    power      := atom ("**" signed)?
    atom       := number | claim id | "(" comparison ")"

These are Python's precedences (``-2 ** 2`` is -4, ``2 ** 3 ** 2`` is 512),
but not Python's parser: a call, an attribute, a string or anything else
outside the grammar cannot be parsed at all, and ``eval`` is never used.
The parse is bounded in length, tokens and nesting; arithmetic is done in
floats with a bounded exponent, so no expression can run for long or build
a huge number.  (Python's own ``ast`` would parse more than this grammar
allows; refusing it here means there is nothing to walk back out of.)
"""
import operator

from claimkit.model import CheckResult, Document, shorten
from claimkit.problems import Problems

MAX_EXPRESSION = 500  # characters
MAX_TOKENS = 200
MAX_NESTING = 32  # parentheses and signs within each other
MAX_EXPONENT = 100

DIGITS = "0123456789"
# Longest first, so that ** is never read as * *.
OPERATORS = ("**", "<=", ">=", "==", "!=", "+", "-", "*", "/", "(", ")", "<", ">")
INFINITY = float("inf")

_BINARY = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}
_COMPARE = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_ALLOWED = "use numbers, claim ids, + - * / **, parentheses and comparisons"


class ExpressionError(Exception):
    """An expression that is refused or cannot be computed."""


def claim_name(claim_id: str) -> str:
    """How a claim id is written inside an expression."""
    return claim_id.replace("-", "_")


def tokenize(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, 1-based character) for each token; kind "end" closes.

    A character no token can start with is kept as an "other" token, so the
    parser can say what it found where it expected something else.
    """
    if len(text) > MAX_EXPRESSION:
        raise ExpressionError(f"expression is longer than {MAX_EXPRESSION} characters")
    tokens = []
    end = len(text)
    start = 0
    while start < end:
        character = text[start]
        if character.isspace():
            start += 1
            continue
        if character in DIGITS or (character == "." and start + 1 < end
                                   and text[start + 1] in DIGITS):
            kind, stop = "number", _number_end(text, start)
        elif character == "_" or (character.isascii() and character.isalpha()):
            kind, stop = "name", start + 1
            while stop < end and (text[stop] == "_" or (
                    text[stop].isascii() and text[stop].isalnum())):
                stop += 1
        else:
            operator = next((op for op in OPERATORS if text.startswith(op, start)), None)
            kind = "other" if operator is None else "op"
            stop = start + len(operator or character)
        tokens.append((kind, text[start:stop], start + 1))
        if len(tokens) > MAX_TOKENS:
            raise ExpressionError(f"expression has more than {MAX_TOKENS} parts")
        start = stop
    tokens.append(("end", "", len(text.rstrip()) + 1))
    return tokens


def _number_end(text: str, start: int) -> int:
    """Where a number starting at `start` ends: digits, _ and dots, then an
    optional exponent.  float() decides later whether it is a number."""
    end = len(text)
    stop = start
    while stop < end and (text[stop] in DIGITS or text[stop] in "_."):
        stop += 1
    if stop < end and text[stop] in "eE":
        exponent = stop + 1
        if exponent < end and text[exponent] in "+-":
            exponent += 1
        if exponent < end and text[exponent] in DIGITS:
            stop = exponent
            while stop < end and (text[stop] in DIGITS or text[stop] == "_"):
                stop += 1
    return stop


class _Parser:
    """Recursive descent over the grammar in the module docstring.

    A tree is a tuple: ("number", value), ("name", name), ("sign", op, tree),
    ("binary", op, left, right) or ("compare", ops, operands).
    """

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0
        self.nesting = 0
        self.names: list[str] = []

    def parse(self):
        tree = self.comparison()
        kind, text, _ = self.tokens[self.index]
        if kind != "end":
            self.fail(f"unexpected {text!r}")
        return tree

    def fail(self, message: str):
        """Stop at the current token: `message` says what was expected there."""
        kind, text, column = self.tokens[self.index]
        if kind == "other":  # a character no token starts with says more
            if text in "'\"":
                self.refuse("strings are not allowed", "only numbers are")
            self.refuse("attribute access is not allowed" if text == "."
                        else f"{text!r} is not allowed", _ALLOWED)
        raise ExpressionError(
            f"cannot parse expression: {message} at character {column} (a claim"
            " id starts with a letter and is written with _ for -)"
        )

    def refuse(self, message: str, advice: str = ""):
        column = self.tokens[self.index][2]
        raise ExpressionError(f"{message} (at character {column})"
                              + (f"; {advice}" if advice else ""))

    def take(self, *texts: str) -> str | None:
        kind, text, _ = self.tokens[self.index]
        if kind == "op" and text in texts:
            self.index += 1
            return text
        return None

    def comparison(self):
        operands = [self.sum()]
        ops = []
        while (op := self.take(*_COMPARE)) is not None:
            ops.append(op)
            operands.append(self.sum())
        return ("compare", ops, operands) if ops else operands[0]

    def sum(self):
        tree = self.product()
        while (op := self.take("+", "-")) is not None:
            tree = ("binary", op, tree, self.product())
        return tree

    def product(self):
        tree = self.signed()
        while (op := self.take("*", "/")) is not None:
            tree = ("binary", op, tree, self.signed())
        return tree

    def signed(self):
        op = self.take("-", "+")
        if op is None:
            return self.power()
        self.enter()
        tree = ("sign", op, self.signed())
        self.nesting -= 1
        return tree

    def power(self):
        tree = self.atom()
        if self.take("**") is not None:
            tree = ("binary", "**", tree, self.signed())
        return tree

    def atom(self):
        kind, text, _ = self.tokens[self.index]
        if kind == "number":
            try:
                value = float(text)
            except ValueError:
                self.refuse(f"{text!r} is not a number")
            if not -INFINITY < value < INFINITY:
                self.refuse(f"{shorten(text, 40)} is past the largest number (about 1.8e308)")
            self.index += 1
            return ("number", value)
        if kind == "name":
            if self.tokens[self.index + 1][1] == "(":
                self.refuse(f"function calls are not allowed: {text}(...)", _ALLOWED)
            self.index += 1
            if text not in self.names:
                self.names.append(text)
            return ("name", text)
        if self.take("(") is not None:
            self.enter()
            tree = self.comparison()
            self.nesting -= 1
            if self.take(")") is None:
                self.fail("expected ')'")
            return tree
        self.fail("expected a number, a claim id or '('" if kind != "end"
                  else "it ends too soon")

    def enter(self) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            self.refuse(f"parentheses and signs are nested deeper than {MAX_NESTING}")


def parse_expression(text: str) -> tuple[tuple, list[str]]:
    """Parse an expression; return its tree and the names it uses, in order."""
    parser = _Parser(text)
    return parser.parse(), parser.names


def _evaluate(tree, values: dict):
    kind = tree[0]
    if kind == "number":
        return tree[1]
    if kind == "name":
        return values[tree[1]]
    if kind == "sign":
        value = _number(_evaluate(tree[2], values))
        return -value if tree[1] == "-" else value
    if kind == "binary":
        _, op, left, right = tree
        left = _number(_evaluate(left, values))
        right = _number(_evaluate(right, values))
        if op == "**" and abs(right) > MAX_EXPONENT:
            raise ExpressionError(f"exponent {right:g} is outside ±{MAX_EXPONENT}")
        if op == "/" and right == 0:
            raise ExpressionError("division by zero")
        if op == "**" and left == 0 and right < 0:
            raise ExpressionError("0 cannot be raised to a negative power")
        result = _BINARY[op](left, right)
        # Neither complex (a fractional power of a negative number), nor
        # infinite, nor NaN.
        if isinstance(result, complex) or not -INFINITY < result < INFINITY:
            raise ExpressionError("result is not a finite number")
        return result
    # A chain like a <= b < c holds when every link holds.
    _, ops, operands = tree
    left = _number(_evaluate(operands[0], values))
    for op, operand in zip(ops, operands[1:], strict=True):
        right = _number(_evaluate(operand, values))
        if not _COMPARE[op](left, right):
            return False
        left = right
    return True


def _number(value):
    if isinstance(value, bool):
        raise ExpressionError("a comparison cannot be used as a number")
    return value


def evaluate(text: str, values_by_name: dict) -> tuple[float | bool, list[str]]:
    """Compute an expression over claim values; return it and the names used.

    values_by_name maps an expression name (claim id with _ for -) to its
    value, or to None for a claim that has no value.  Raises ExpressionError.
    """
    tree, names = parse_expression(text)
    for name in names:
        if name not in values_by_name:
            raise ExpressionError(f"unknown claim id {name.replace('_', '-')!r}")
        if values_by_name[name] is None:
            raise ExpressionError(f"claim {name.replace('_', '-')!r} has no value")
    try:
        return _evaluate(tree, values_by_name), names
    except OverflowError:
        raise ExpressionError("result is too large") from None


def run_checks(document: Document, problems: Problems) -> list[CheckResult]:
    """Evaluate every check; a check that disagrees or fails is a problem,
    added to problems (the run's one collection).

    A file of many failing checks stops once the problems are full, with the
    results of the checks evaluated so far.
    """
    values = {}
    ids = {}
    for claim in document.claims:
        name = claim_name(claim.id)
        values[name] = float(claim.value) if claim.value is not None else None
        ids[name] = claim.id
    results: list[CheckResult] = []
    for index, check in enumerate(document.checks):
        if problems.full:  # the last problem says where it stopped
            break
        results.append(_run_check(document.path, f"checks[{index}]", check,
                                  values, ids, problems))
    return results


def _run_check(path: str, where: str, check, values: dict, ids: dict,
               problems: Problems) -> CheckResult:
    def problem(at: tuple[int, int], where: str, code: str, message: str) -> None:
        problems.add(path, at, code, message, where=where)

    def result(claims: list[str], expected, computed, ok) -> CheckResult:
        return CheckResult(check=check, claims=claims, expected=expected,
                           computed=computed, ok=ok)

    used = []
    try:
        computed, names = evaluate(check.compute, values)
        used += names
    except ExpressionError as error:
        problem(check.compute_at, f"{where}.compute", "expression", str(error))
        # A literal expect is still what the check expects.
        return result([], None if isinstance(check.expect, str) else check.expect,
                      None, None)
    expected = check.expect
    if isinstance(expected, str):
        try:
            expected, names = evaluate(expected, values)
            used += [name for name in names if name not in used]
        except ExpressionError as error:
            problem(check.expect_at, f"{where}.expect", "expression", str(error))
            return result([], None, computed, None)
    claims_used = [ids[name] for name in used]
    if isinstance(computed, bool) != isinstance(expected, bool):
        problem(check.expect_at, f"{where}.expect", "bad-type",
                f"expected {_kind(computed)} to compare with the computed value,"
                f" got {_kind(expected)}")
        return result(claims_used, expected, computed, None)
    if isinstance(computed, bool):
        ok = computed == expected
    else:
        ok = abs(computed - expected) <= check.tolerance * abs(expected)
    if not ok:
        problem(check.at, where, "check-failed",
                f"check {check.id!r} fails: computed {format_value(computed)},"
                f" expected {format_value(expected)}"
                + (f" within {format_tolerance(check.tolerance)}"
                   if not isinstance(computed, bool) and check.tolerance else ""))
    return result(claims_used, expected, computed, ok)


def _kind(value) -> str:
    return "a boolean" if isinstance(value, bool) else "a number"


def format_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "-"
    if abs(value) < 1e6:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:.4g}"


def format_tolerance(tolerance: float) -> str:
    """A relative tolerance as people read it: 0.004 → "±0.4%"."""
    return f"±{tolerance * 100:g}%"
