"""Evaluate: arithmetic cross-checks over the claims' values.

An expression is parsed by Python's parser (``ast.parse(text, mode="eval")``)
and its tree is computed here, node by node; ``eval`` is never used.  The
tree may hold numbers written in decimal (``15_600``, ``.5e1``), claim ids,
``+ - * / **``, signs, parentheses and comparisons (``a <= b < c``), with
Python's precedences (``-2 ** 2`` is -4, ``2 ** 3 ** 2`` is 512).  Anything
else is refused where it stands before anything is computed: a call, an
attribute, a string, ``0x10``, ``1j``, ``//``, and every character none of
those is written with.

The parser reads the text with two changes that keep every position: each
whitespace character is a space, as between the parts of a YAML line, and
Python's keywords are in capitals, so that every word is a claim id (a claim
may be called ``yield``; ``and``, ``if`` or ``True`` are names, not Python).
Length and nesting are bounded before the parser runs, the number of parts
after; arithmetic is in floats with a bounded exponent, so no expression can
run for long or build a huge number.
"""
import ast
import keyword
import operator
import re
import warnings

from claimkit.model import CheckResult, Document, shorten
from claimkit.problems import Problems

MAX_EXPRESSION = 500  # characters
MAX_TOKENS = 200  # numbers, claim ids, operators and parentheses
MAX_NESTING = 32  # parentheses and signs within each other
MAX_EXPONENT = 100

INFINITY = float("inf")

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Pow: operator.pow}
_SIGN = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_COMPARE = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
            ast.GtE: operator.ge, ast.Eq: operator.eq, ast.NotEq: operator.ne}
# An operator is judged with the expression that holds it.
_OPERATOR = (ast.operator, ast.unaryop, ast.cmpop, ast.boolop, ast.expr_context)
_ALLOWED = "use numbers, claim ids, + - * / **, parentheses and comparisons"
_HINT = "(a claim id starts with a letter and is written with _ for -)"

# A character the grammar has no use for is refused where it stands,
# whatever Python would make of it.
_REFUSED_CHARACTER = re.compile(r"[^A-Za-z0-9_.+\-*/<>=!()\s]")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A number as the kit reads one: digits and _, a point, an exponent.
_DECIMAL = re.compile(r"[0-9_.]*(?:[eE][+-]?[0-9_]+)?")
# What a parse error quotes: a bad number's letters, digits, _ and points;
# else a number, a word, a run of operators or one character.
_WORD_OR_NUMBER = re.compile(r"[\w.]+")
_PART = re.compile(r"\.?\d(?:[eE][+-]|[\w.])*|\w+|[*/<>=!]+|\S")
_BEFORE_AN_OPERAND = "(+-*/<>=!"  # after one of these, + and - are signs


class ExpressionError(Exception):
    """An expression that is refused or cannot be computed."""


def claim_name(claim_id: str) -> str:
    """How a claim id is written inside an expression."""
    return claim_id.replace("-", "_")


def parse_expression(text: str) -> tuple[ast.Expression, list[str]]:
    """Parse and vet an expression; return its tree and the names it uses, in order."""
    if len(text) > MAX_EXPRESSION:
        raise ExpressionError(f"expression is longer than {MAX_EXPRESSION} characters")
    expression = _Expression(text)
    _check_nesting(text[:expression.refused_at])
    tree = expression.parse()
    expression.vet(tree)
    return tree, expression.list_names(tree)


def _check_nesting(text: str) -> None:
    """Refuse parentheses and signs nested deeper than MAX_NESTING, before
    Python's parser, which goes deeper and can end in RecursionError."""
    openers: list[str] = []  # "(" and signs, each inside the one before
    previous = "("  # an expression starts as it does after "("
    for index, character in enumerate(text):
        if character.isspace():
            continue
        if character == "(" or (character in "+-" and previous in _BEFORE_AN_OPERAND):
            openers.append(character)
            if len(openers) > MAX_NESTING:
                raise ExpressionError(
                    f"parentheses and signs are nested deeper than {MAX_NESTING}"
                    f" (at character {_next_part(text, index + 1) + 1})")
        elif character == ")":
            while openers and openers.pop() != "(":
                pass
        elif character in "+-/<>=!" or (
                character == "*" and "**" not in text[max(index - 1, 0):index + 2]):
            # A sign holds what follows it up to an operator other than **.
            while openers and openers[-1] != "(":
                openers.pop()
        previous = character


def _next_part(text: str, start: int) -> int:
    """Where the first part at or after `start` begins, else past the last."""
    rest = text[start:]
    return start + len(rest) - len(rest.lstrip()) if rest.strip() else len(text.rstrip())


def _unreserve(word: re.Match) -> str:
    return word[0].upper() if keyword.iskeyword(word[0]) else word[0]


def _refusal(index: int, what: str, advice: str = _ALLOWED) -> tuple[int, str]:
    """A refusal at a 0-based character: (where, message)."""
    return index, f"{what} (at character {index + 1})" + (f"; {advice}" if advice else "")


def _unparsable(index: int, what: str) -> tuple[int, str]:
    return index, f"cannot parse expression: {what} at character {index + 1} {_HINT}"


def _first(refusals) -> str | None:
    """The message of the refusal first in the text (on a tie, in the list)."""
    found = [refusal for refusal in refusals if refusal is not None]
    return min(found, key=operator.itemgetter(0))[1] if found else None


def _is_permitted(node: ast.AST) -> bool:
    """Whether a node is in the grammar; a constant is judged by how it is written."""
    if isinstance(node, ast.BinOp):
        return type(node.op) in _BINARY
    if isinstance(node, ast.UnaryOp):
        return type(node.op) in _SIGN
    if isinstance(node, ast.Compare):
        return all(type(op) in _COMPARE for op in node.ops)
    return isinstance(node, (ast.Expression, ast.Name, *_OPERATOR))


def _parse(source: str) -> ast.Expression:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "invalid decimal literal" and the like
        return ast.parse(source, mode="eval")


def _syntax_error(source: str) -> SyntaxError | None:
    """What Python finds wrong with source, if it says where.  Inside
    parentheses it underlines two parts side by side ("Perhaps you forgot a
    comma?"); read alone, they are a mistake where the second one begins."""
    try:
        _parse(source)
    except SyntaxError as error:
        if "forgot a comma" in error.msg and error.offset and error.end_offset:
            alone = _syntax_error(source[error.offset - 1:error.end_offset - 1])
            error.offset += alone.offset - 1 if alone and alone.offset else 0
        return error
    except (RecursionError, MemoryError, ValueError):
        pass
    return None


class _Expression:
    """One expression as written, and the text Python's parser reads for it."""

    def __init__(self, text: str) -> None:
        self.text = text
        refused = _REFUSED_CHARACTER.search(text)
        self.refused_at = refused.start() if refused else len(text)
        self.start = len(text) - len(text.lstrip())  # Python refuses an indent
        self.end = len(text.rstrip())
        self.source = _WORD.sub(_unreserve, re.sub(r"\s", " ", text[self.start:]))
        self.encoded = self.source.encode(errors="surrogatepass")

    def locate(self, col_offset: int) -> int:
        """The character in text where ast's column (UTF-8 bytes) points."""
        return self.start + len(self.encoded[:col_offset].decode(errors="surrogatepass"))

    def quote(self, node: ast.AST) -> str:
        return self.text[self.locate(node.col_offset):self.locate(node.end_col_offset)]

    def parse(self) -> ast.Expression:
        try:
            return _parse(self.source)
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            pass  # _first_syntax_refusal reads the error again
        raise ExpressionError(_first([self._refused_character(), self._first_syntax_refusal()]))

    def _refused_character(self) -> tuple[int, str] | None:
        if self.refused_at == len(self.text):
            return None
        character = self.text[self.refused_at]
        if character in "'\"":
            return _refusal(self.refused_at, "strings are not allowed", "only numbers are")
        return _refusal(self.refused_at, f"{character!r} is not allowed")

    def _first_syntax_refusal(self) -> tuple[int, str]:
        """Python reports what its tokenizer finds wrong (a bad number, a ")"
        too many, a "(" never closed) before a mistake its parser met earlier
        in the text.  Parsing again, with the parentheses closed or the text
        cut where Python stopped, finds that one."""
        source = self.source
        error = _syntax_error(source)
        if error is None:  # RecursionError, MemoryError, a null character
            return self.end, "expression is too complex for Python's parser"
        refusals, closed = [], False
        while error is not None:  # each round parses the text closed (once) or shorter
            refusals.append(self._syntax_refusal(error))
            missing = source.count("(") - source.count(")")
            if "was never closed" in error.msg and missing > 0 and not closed:
                source, closed = source + ")" * missing, True
            elif "was never closed" not in error.msg and 0 < (error.offset or 0) <= len(source):
                source = source[:error.offset - 1]
            else:
                break
            error = _syntax_error(source)
        return min(refusals, key=operator.itemgetter(0))

    def _syntax_refusal(self, error: SyntaxError) -> tuple[int, str]:
        if "was never closed" in error.msg:
            return _unparsable(self.end, "expected ')'")
        # Python may point at a space before what it could not read, and
        # at nothing (0) when the text ends too soon.
        index = _next_part(self.text, self.start + (error.offset or 1) - 1)
        if not error.offset or index >= self.end:
            return _unparsable(self.end, "it ends too soon")
        number = next((word for word in _WORD_OR_NUMBER.finditer(self.text)
                       if word.start() <= index <= word.end()), None)
        if ("literal" in error.msg and "string" not in error.msg  # "invalid decimal literal"
                and number and number[0][0] in "0123456789."):
            return _refusal(number.start(), f"{number[0]!r} is not a number", "")
        before = self.text[:index].rstrip()
        if not before or before[-1] in _BEFORE_AN_OPERAND:
            return _unparsable(index, "expected a number, a claim id or '('")
        return _unparsable(index, f"unexpected {_PART.match(self.text, index)[0]!r}")

    def vet(self, tree: ast.Expression) -> None:
        """Refuse the tree's first part outside the grammar, and a tree of too many parts."""
        parts = self.text.count("(") + self.text.count(")") + sum(
            len(node.ops) if isinstance(node, ast.Compare) else 1
            for node in ast.walk(tree) if isinstance(node, ast.expr))
        if parts > MAX_TOKENS:
            raise ExpressionError(f"expression has more than {MAX_TOKENS} parts")
        refusal = _first([self._refused_character(), *map(self._refusal, ast.walk(tree))])
        if refusal is not None:
            raise ExpressionError(refusal)

    def _refusal(self, node: ast.AST) -> tuple[int, str] | None:
        if _is_permitted(node):
            return None
        if isinstance(node, ast.Constant):
            return self._number_refusal(node)
        if isinstance(node, ast.BinOp):
            return self._operator_refusal(node)
        if isinstance(node, ast.Call):
            return self._call_refusal(node)
        if isinstance(node, ast.Attribute):
            at = self.text.index(".", self.locate(node.value.end_col_offset))
            return _refusal(at, "attribute access is not allowed")
        return self._other_refusal(node)

    def _number_refusal(self, node: ast.Constant) -> tuple[int, str] | None:
        at, written = self.locate(node.col_offset), self.quote(node)
        if isinstance(node.value, str | bytes):
            return _refusal(at, "strings are not allowed", "only numbers are")
        if not isinstance(node.value, int | float | complex):  # ... (Ellipsis)
            return _refusal(at, f"{written!r} is not allowed")
        decimal = _DECIMAL.match(written).end()
        if decimal < len(written):  # 0x10, 1j
            return _unparsable(at + decimal, f"unexpected {written[decimal:]!r}")
        if not -INFINITY < float(written) < INFINITY:
            return _refusal(at, f"{shorten(written, 40)} is past the largest number"
                            " (about 1.8e308)", "")
        return None

    def _operator_refusal(self, node: ast.BinOp) -> tuple[int, str]:
        between = self.locate(node.left.end_col_offset), self.locate(node.right.col_offset)
        gap = self.text[slice(*between)]
        symbol = "".join(gap.split()).strip("()")
        return _refusal(between[0] + gap.index(symbol), f"{symbol!r} is not allowed")

    def _call_refusal(self, node: ast.Call) -> tuple[int, str]:
        if isinstance(node.func, ast.Name):
            return _refusal(self.locate(node.func.col_offset),
                            f"function calls are not allowed: {self.quote(node.func)}(...)")
        at = self.text.index("(", self.locate(node.func.end_col_offset))
        return _refusal(at, "function calls are not allowed")

    def _other_refusal(self, node: ast.AST) -> tuple[int, str] | None:
        """Whatever else Python read is refused as written, unless a character
        the grammar has no use for stands before its end: that one is refused
        first.  (A node without a position is a part of one judged itself.)"""
        if not hasattr(node, "col_offset") or self.refused_at < self.locate(node.end_col_offset):
            return None
        return _refusal(self.locate(node.col_offset),
                        f"{shorten(self.quote(node), 40)!r} is not allowed")

    def list_names(self, tree: ast.Expression) -> list[str]:
        """The claim names the tree uses, each once, in the order they are
        written.  Each Name is given the word as written: the parser read
        keywords in capitals, and reads any name in its NFKC form."""
        names = sorted((node for node in ast.walk(tree) if isinstance(node, ast.Name)),
                       key=operator.attrgetter("col_offset"))
        for node in names:
            node.id = self.quote(node)
        return list(dict.fromkeys(node.id for node in names))


def _evaluate(node: ast.AST, values: dict):
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, values)
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        return _SIGN[type(node.op)](_number(_evaluate(node.operand, values)))
    if isinstance(node, ast.BinOp):
        return _compute(type(node.op), _number(_evaluate(node.left, values)),
                        _number(_evaluate(node.right, values)))
    # A chain like a <= b < c holds when every link holds.
    left = _number(_evaluate(node.left, values))
    for op, operand in zip(node.ops, node.comparators, strict=True):
        right = _number(_evaluate(operand, values))
        if not _COMPARE[type(op)](left, right):
            return False
        left = right
    return True


def _compute(op: type, left: float, right: float) -> float:
    if op is ast.Pow and abs(right) > MAX_EXPONENT:
        raise ExpressionError(f"exponent {right:g} is outside ±{MAX_EXPONENT}")
    if op is ast.Div and right == 0:
        raise ExpressionError("division by zero")
    if op is ast.Pow and left == 0 and right < 0:
        raise ExpressionError("0 cannot be raised to a negative power")
    result = _BINARY[op](left, right)
    # Neither complex (a fractional power of a negative number), nor
    # infinite, nor NaN.
    if isinstance(result, complex) or not -INFINITY < result < INFINITY:
        raise ExpressionError("result is not a finite number")
    return result


def _number(value):
    if isinstance(value, bool):
        raise ExpressionError("a comparison cannot be used as a number")
    return value


HAS_PROBLEM = object()  # a claim's value in a check, when the claim has a problem


def evaluate(text: str, values_by_name: dict) -> tuple[float | bool, list[str]]:
    """Compute an expression over claim values; return it and the names used.

    values_by_name maps an expression name (claim id with _ for -) to its
    value, to None for a claim that has no value, or to HAS_PROBLEM for a
    claim the file holds with a problem.  Raises ExpressionError.
    """
    tree, names = parse_expression(text)
    for name in names:
        if name not in values_by_name:
            raise ExpressionError(f"unknown claim id {name.replace('_', '-')!r}")
        if values_by_name[name] is HAS_PROBLEM:
            raise ExpressionError(f"claim {name.replace('_', '-')!r} has a problem (above);"
                                  " the check runs once it is fixed")
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
    # A claim with a problem is in the file, but its value cannot be trusted.
    values = {claim_name(claim.id): HAS_PROBLEM for claim in document.broken_claims
              if isinstance(claim.id, str)}
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
