"""Evaluate: arithmetic cross-checks over the claims' values.

Expressions are parsed to Python's abstract syntax tree and checked node by
node before anything is computed: numbers, claim ids, ``+ - * / **``,
parentheses and comparisons.  Nothing else is accepted, and ``eval`` is never
used.  Arithmetic is done in floats with a bounded exponent, so no expression
can run for long or build a huge integer.

The tree comes from ``compile(..., PyCF_ONLY_AST)`` and the node classes from
``_ast``, the C module behind ``ast``: they are the same classes, and
importing ``ast.py`` itself would cost ``check`` 2 ms of its start-up budget.
"""
import _ast as ast
import math

from claimkit.model import CheckResult, Document, Problem

MAX_EXPRESSION = 500  # characters
MAX_NODES = 200
MAX_EXPONENT = 100

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}
_COMPARE = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}
_UNARY = {ast.USub: lambda a: -a, ast.UAdd: lambda a: a}
_ALLOWED = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.Compare, ast.Constant, ast.Name,
    ast.Load, *_BINARY, *_COMPARE, *_UNARY,
)
_DESCRIPTIONS = {
    ast.Call: "function calls",
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts",
    ast.Lambda: "lambdas",
    ast.BoolOp: "'and'/'or'",
    ast.NamedExpr: "assignment",
}


class ExpressionError(Exception):
    """An expression that is refused or cannot be computed."""


def claim_name(claim_id: str) -> str:
    """How a claim id is written inside an expression."""
    return claim_id.replace("-", "_")


def parse_expression(text: str) -> tuple[ast.Expression, list[str]]:
    """Parse and vet an expression; return it with the names it uses."""
    if len(text) > MAX_EXPRESSION:
        raise ExpressionError(f"expression is longer than {MAX_EXPRESSION} characters")
    try:
        tree = compile(text.strip(), "<expression>", "eval", ast.PyCF_ONLY_AST)
    except SyntaxError as error:
        raise ExpressionError(
            f"cannot parse expression: {error.msg} (a claim id starts with a"
            " letter and is written with _ for -)"
        ) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError("cannot parse expression") from None
    names = []
    for count, node in enumerate(_walk(tree), 1):
        if count > MAX_NODES:
            raise ExpressionError(f"expression has more than {MAX_NODES} parts")
        if not isinstance(node, _ALLOWED):
            what = _DESCRIPTIONS.get(type(node), f"'{type(node).__name__}'")
            raise ExpressionError(
                f"{what} not allowed; use numbers, claim ids, + - * / **,"
                " parentheses and comparisons"
            )
        if isinstance(node, ast.Constant) and (
            isinstance(node.value, bool) or not isinstance(node.value, (int, float))
        ):
            raise ExpressionError(f"{node.value!r} is not allowed; only numbers are")
        if isinstance(node, ast.Name):
            names.append((node.col_offset, node.id))
    # In the order they are written, each once.
    return tree, list(dict.fromkeys(name for _, name in sorted(names)))


def _walk(tree):
    """Every node of a tree, as ast.walk gives them."""
    pending = [tree]
    while pending:
        node = pending.pop()
        yield node
        for field in node._fields:
            child = getattr(node, field, None)
            if isinstance(child, list):
                pending.extend(item for item in child if isinstance(item, ast.AST))
            elif isinstance(child, ast.AST):
                pending.append(child)


def _evaluate(node, values: dict):
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, values)
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_number(_evaluate(node.operand, values)))
    if isinstance(node, ast.BinOp):
        left = _number(_evaluate(node.left, values))
        right = _number(_evaluate(node.right, values))
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise ExpressionError(
                f"exponent {right:g} is larger than {MAX_EXPONENT}"
            )
        if isinstance(node.op, ast.Div) and right == 0:
            raise ExpressionError("division by zero")
        result = _BINARY[type(node.op)](left, right)
        if isinstance(result, complex) or not math.isfinite(result):
            raise ExpressionError("result is not a finite number")
        return result
    # Compare: a chain like a <= b < c holds when every link holds.
    left = _number(_evaluate(node.left, values))
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        right = _number(_evaluate(comparator, values))
        if not _COMPARE[type(op)](left, right):
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


def run_checks(document: Document) -> tuple[list[CheckResult], list[Problem]]:
    """Evaluate every check; a check that disagrees or fails is a problem."""
    values = {}
    ids = {}
    for claim in document.claims:
        name = claim_name(claim.id)
        values[name] = float(claim.value) if claim.value is not None else None
        ids[name] = claim.id
    results = []
    problems = []
    for index, check in enumerate(document.checks):
        where = f"checks[{index}]"
        used = []
        try:
            computed, names = evaluate(check.compute, values)
            used += names
        except ExpressionError as error:
            problems.append(Problem(document.path, *check.compute_at,
                                    f"{where}.compute", str(error)))
            results.append(CheckResult(check, [], None, None, None))
            continue
        expected = check.expect
        if isinstance(expected, str):
            try:
                expected, names = evaluate(expected, values)
                used += [name for name in names if name not in used]
            except ExpressionError as error:
                problems.append(Problem(document.path, *check.expect_at,
                                        f"{where}.expect", str(error)))
                results.append(CheckResult(check, [], None, computed, None))
                continue
        claims_used = [ids[name] for name in used]
        if isinstance(computed, bool) != isinstance(expected, bool):
            problems.append(Problem(
                document.path, *check.expect_at, f"{where}.expect",
                f"expected {_kind(computed)} to compare with the computed value,"
                f" got {_kind(expected)}",
            ))
            results.append(CheckResult(check, claims_used, expected, computed, None))
            continue
        if isinstance(computed, bool):
            ok = computed == expected
        else:
            ok = abs(computed - expected) <= check.tolerance * abs(expected)
        if not ok:
            problems.append(Problem(
                document.path, *check.at, where,
                f"check {check.id!r} fails: computed {format_value(computed)},"
                f" expected {format_value(expected)}"
                + (f" within {check.tolerance:g}" if not isinstance(computed, bool)
                   and check.tolerance else ""),
            ))
        results.append(CheckResult(check, claims_used, expected, computed, ok))
    return results, problems


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
