"""Arithmetic cross-checks: results, failures, and hostile expressions."""
import ast
import json
from typing import ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimkit.evaluate import ExpressionError, evaluate, format_tolerance, run_checks
from conftest import GPUS, LICENSE, document, position

FLOPS = """\
  - id: compute
    claim: Pre-training used 3.8e25 FLOPs.
    article_quote: 3.8 × 10²⁵ FLOPs
    source: {section: "1", title: Introduction, quote: pre-trained using 3.8 × 10^25 FLOPs}
    verdict: supported
    value: 3.8e25
    unit: FLOPs
  - id: params
    claim: The flagship has 405B parameters.
    article_quote: 405B
    source: {section: "1", title: Introduction, quote: 405B trainable parameters}
    verdict: supported
    value: 405e9
    unit: parameters
  - id: tokens
    claim: It saw 15.6T tokens.
    article_quote: 15.6T tokens
    source: {section: "1", title: Introduction, quote: 15.6T text tokens}
    verdict: supported
    value: 15.6e12
    unit: tokens
"""


def checks_file(claims_file, checks: str) -> tuple[str, str]:
    text = document(FLOPS + LICENSE, "checks:\n" + checks)
    return claims_file(text), text


def test_checks_that_hold(run, claims_file):
    path, _ = checks_file(claims_file, """\
  - id: compute-6nd
    compute: 6 * params * tokens
    expect: compute
    tolerance: 0.05
  - id: fits
    compute: params * 1 <= 8 * 80e9 < params * 2
    expect: true
""")
    result = run("check", "-f", path)
    assert (result.code, result.out, result.err) == (
        0, f"{path}: 4 claims, 2 checks: ok\n", "")
    exported = json.loads(run("export", "-f", path).out)
    outcome = ("id", "claims", "expected", "computed", "ok")
    assert [{key: check[key] for key in outcome} for check in exported["checks"]] == [
        {"id": "compute-6nd", "claims": ["params", "tokens", "compute"],
         "expected": 3.8e25, "computed": 6 * 405e9 * 15.6e12, "ok": True},
        {"id": "fits", "claims": ["params"], "expected": True, "computed": True,
         "ok": True},
    ]


@pytest.mark.parametrize("compute, tolerance, outcome", [
    ("2 * params * tokens", 0.05, "computed 1.264e+25, expected 3.8e+25 within ±5%"),
    # 0.24% off: the tolerance is relative, and named as a percentage.
    ("6 * params * tokens", 0.001, "computed 3.791e+25, expected 3.8e+25 within ±0.1%"),
])
def test_a_check_that_disagrees_is_a_problem(run, claims_file, compute, tolerance, outcome):
    path, text = checks_file(claims_file, f"""\
  - id: compute-nd
    compute: {compute}
    expect: compute
    tolerance: {tolerance}
""")
    line, col = position(text, "id: compute-nd")
    result = run("check", "-f", path)
    assert (result.code, result.out) == (1, f"{path}: 4 claims, 1 check: 1 problem\n")
    assert result.err == (
        f"{path}:{line}:{col}: error[check-failed]: checks[0]: check 'compute-nd' fails:"
        f" {outcome}\n")


@pytest.mark.parametrize("tolerance, text", [
    (0.004, "±0.4%"),
    (0.05, "±5%"),
    (0.07, "±7%"),  # 7.000000000000001 in floating point
    (0.0025, "±0.25%"),
    (0.1, "±10%"),
    (1, "±100%"),
])
def test_a_tolerance_reads_as_a_percentage(tolerance, text):
    assert format_tolerance(tolerance) == text


# 6 × 405e9 × 15.6e12 = 3.791e25 is 0.24% from 3.8e25: within 0.4%, not 0.1%.
@pytest.mark.parametrize("argv, shown", [
    (["list"], "\n ✔ compute-6nd: computed 3.791 × 10²⁵, expected 3.8 × 10²⁵ (±0.4%)\n"),
    (["export", "--format", "markdown"],
     "\n- ✔ compute-6nd: computed 3.791 × 10²⁵, expected 3.8 × 10²⁵ (±0.4%)\n"),
    (["export", "--format", "html"],
     "<p>computed 3.791 × 10²⁵, expected 3.8 × 10²⁵ (±0.4%)</p>"),
])
def test_the_tolerance_is_shown_as_a_percentage_in_every_format(run, claims_file, argv,
                                                                   shown):
    path, _ = checks_file(claims_file, """\
  - id: compute-6nd
    compute: 6 * params * tokens
    expect: compute
    tolerance: 0.004
""")
    result = run(argv[0], "-f", path, *argv[1:])
    assert (result.code, result.err) == (0, "")
    assert shown in result.out


def test_a_failing_check_is_shown_under_the_list(run, claims_file):
    path, _ = checks_file(claims_file, """\
  - id: fits-bf16
    description: BF16 weights fit one server
    compute: params * 2 <= 8 * 80e9
    expect: true
""")
    assert run("check", "-f", path).code == 1
    result = run("list", "-f", path)
    assert result.code == 0
    assert result.out.endswith(
        "checks:\n"
        " ✘ fits-bf16: computed false, expected true — BF16 weights fit one server\n")


@pytest.mark.parametrize("field, expression, message", [
    ("compute", "6 * paramz", "unknown claim id 'paramz'"),
    ("compute", "license_outputs * 2", "claim 'license-outputs' has no value"),
    ("expect", "'compute'", "strings are not allowed (at character 1); only numbers are"),
    ("compute", "params / (tokens - tokens)", "division by zero"),
    ("compute", "(tokens - tokens) ** -1", "0 cannot be raised to a negative power"),
    ("compute", "2 ** 101", "exponent 101 is outside ±100"),
    ("compute", "2 ** -1e5", "exponent -100000 is outside ±100"),
    ("compute", "10 ** 10 ** 10", "exponent 1e+10 is outside ±100"),
    ("compute", "10.0 ** 100 * 10.0 ** 100 * 10.0 ** 100 * 10.0 ** 100",
     "result is not a finite number"),
    ("compute", "(-8) ** 0.5", "result is not a finite number"),
    ("compute", "1e300 ** 2", "result is too large"),
    ("compute", "(1 < 2) + 1", "a comparison cannot be used as a number"),
    ("compute", "6 * flagship-params", "unknown claim id 'flagship'"),
    ("compute", "6 *", "cannot parse expression: it ends too soon at character 4"
     " (a claim id starts with a letter and is written with _ for -)"),
    ("compute", "params tokens", "cannot parse expression: unexpected 'tokens' at"
     " character 8 (a claim id starts with a letter and is written with _ for -)"),
    ("compute", "(params * 2", "cannot parse expression: expected ')' at character 12"
     " (a claim id starts with a letter and is written with _ for -)"),
    ("compute", "2 * * 3", "cannot parse expression: expected a number, a claim id or '('"
     " at character 5 (a claim id starts with a letter and is written with _ for -)"),
    ("compute", "1__0 * params", "'1__0' is not a number (at character 1)"),
    ("compute", "(" * 40 + "1" + ")" * 40,
     "parentheses and signs are nested deeper than 32 (at character 34)"),
    ("compute", "-" * 40 + "1", "parentheses and signs are nested deeper than 32"
     " (at character 34)"),
    ("compute", "1 +" * 300 + " 1", "expression is longer than 500 characters"),
    ("compute", "+".join(["1"] * 150), "expression has more than 200 parts"),
])
def test_expression_problems(run, claims_file, field, expression, message):
    compute, expect = ("params", expression) if field == "expect" else (expression, "1")
    path, text = checks_file(claims_file, f"""\
  - id: bad
    compute: "{compute}"
    expect: "{expect}"
""")
    line, col = position(text, f'"{expression}"')
    result = run("check", "-f", path)
    assert (result.code, result.out) == (1, f"{path}: 4 claims, 1 check: 1 problem\n")
    assert result.err == f"{path}:{line}:{col}: error[expression]: checks[0].{field}: {message}\n"


def test_a_boolean_compared_with_a_number(run, claims_file):
    path, text = checks_file(claims_file, """\
  - id: mixed
    compute: params < 1
    expect: 3
""")
    line, col = position(text, "3\n", 1 + text.count("3\n", 0, text.index("expect: 3")))
    result = run("check", "-f", path)
    assert result.code == 1
    assert result.err == (
        f"{path}:{line}:{col}: error[bad-type]: checks[0].expect: expected a boolean to compare"
        " with the computed value, got a number\n")


ALLOWED = "use numbers, claim ids, + - * / **, parentheses and comparisons"
HINT = "(a claim id starts with a letter and is written with _ for -)"


@pytest.mark.parametrize("expression, refused", [
    ("__import__('os').system('touch /tmp/pwned')",
     f"function calls are not allowed: __import__(...) (at character 1); {ALLOWED}"),
    ("open('/etc/passwd').read()",
     f"function calls are not allowed: open(...) (at character 1); {ALLOWED}"),
    ("(lambda: 1)()", f"':' is not allowed (at character 8); {ALLOWED}"),
    ("params.real", f"attribute access is not allowed (at character 7); {ALLOWED}"),
    ("params[0]", f"'[' is not allowed (at character 7); {ALLOWED}"),
    ("[1, 2]", f"'[' is not allowed (at character 1); {ALLOWED}"),
    ("(x := 1)", f"':' is not allowed (at character 4); {ALLOWED}"),
    ("'a' * 10 ** 9", "strings are not allowed (at character 1); only numbers are"),
    ("params and tokens", f"cannot parse expression: unexpected 'and' at character 8 {HINT}"),
    ("1 if params else 2", f"cannot parse expression: unexpected 'if' at character 3 {HINT}"),
    ("1j", f"cannot parse expression: unexpected 'j' at character 2 {HINT}"),
    ("True", "unknown claim id 'True'"),
    ("__builtins__", "unknown claim id '--builtins--'"),
])
def test_hostile_expressions_are_refused_before_anything_runs(expression, refused):
    class Values(dict):
        """Claim values that remember being read: a refused expression reads none."""

        read: ClassVar[list] = []

        def __getitem__(self, name):
            self.read.append(name)
            return super().__getitem__(name)

    values = Values(params=405e9, tokens=15.6e12)
    with pytest.raises(ExpressionError) as error:
        evaluate(expression, values)
    assert (str(error.value), values.read) == (refused, [])


def test_evaluation_is_plain_arithmetic():
    assert evaluate("-(2 + 3) * 4 / 8 ** 1", {}) == (-2.5, [])
    # Python's precedences: the power binds tighter than the sign on its
    # left, and groups to the right.
    assert evaluate("-2 ** 2", {}) == (-4.0, [])
    assert evaluate("2 ** 3 ** 2", {}) == (512.0, [])
    assert evaluate("2 ** -1 + 1 - 2 - 3", {}) == (-3.5, [])
    assert evaluate(" 15_600 / .5e1 ", {}) == (3120.0, [])
    assert evaluate("b * a + b", {"a": 2.0, "b": 3.0}) == (9.0, ["b", "a"])
    assert evaluate("1 < 2 <= 2 != 3", {}) == (True, [])
    assert evaluate("1 < 2 > 3", {}) == (False, [])
    assert evaluate("a_b * 2", {"a_b": 4.0}) == (8.0, ["a_b"])


def test_the_shipped_checks_hold_with_the_numbers_the_issue_names():
    from claimkit.session import load_document
    from conftest import SHIPPED

    loaded = load_document(SHIPPED)
    results, problems, check_problems = (
        loaded.results, loaded.problems, loaded.check_problems)
    assert problems == check_problems == []
    by_id = {result.check.id: result for result in results}
    compute = by_id["compute-6nd"]
    assert compute.computed == pytest.approx(6 * 405e9 * 15.6e12)
    assert compute.expected == 3.8e25 and compute.ok
    assert by_id["fp8-fits-one-server"].computed is True
    ratio = by_id["llama2-compute-ratio"]
    assert ratio.computed == pytest.approx(3.8e25 / (6 * 70e9 * 1.8e12))
    assert 49 < ratio.computed < 51 and ratio.ok
    # With the Llama 2 paper's own 2T tokens the ratio is about 45, as the
    # claim's note says.
    assert pytest.approx(45.2, abs=0.1) == 3.8e25 / (6 * 70e9 * 2e12)


def test_300000_failing_checks_stop_at_the_cap_in_little_memory():
    import tracemalloc

    from claimkit.model import Check, Document
    from claimkit.problems import MAX_PROBLEMS, Problems

    checks = [Check(id=f"c{index}", compute="1", expect=2.0, at=(index + 1, 3),
                    compute_at=(index + 1, 5), expect_at=(index + 1, 7))
              for index in range(300_000)]
    document = Document(path="claims.yaml", article={}, paper={}, review=None,
                        sections={}, claims=[], checks=checks, dismissed=[])
    problems = Problems()
    tracemalloc.start()
    results = run_checks(document, problems)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [p.code for p in problems] == ["check-failed"] * MAX_PROBLEMS + ["too-many-problems"]
    assert (problems[-1].line, problems[-1].message) == (
        MAX_PROBLEMS, f"{MAX_PROBLEMS} problems found; stopped here")
    assert len(results) == MAX_PROBLEMS  # each check failed; the rest were not run
    assert peak < 5 * 1024 * 1024  # 300,000 problems would take hundreds of MB


def test_a_flood_of_failing_checks_prints_the_cap_and_one_line_more(run, claims_file):
    from claimkit.problems import MAX_PROBLEMS

    path = claims_file(document(GPUS, "checks:\n" + "".join(
        f"  - {{id: c{index}, compute: '1', expect: 2}}\n" for index in range(3000))))
    result = run("check", "-f", path)
    lines = result.err.splitlines()
    assert (result.code, len(lines)) == (1, MAX_PROBLEMS + 1)
    assert lines[-1].endswith(f"error[too-many-problems]: {MAX_PROBLEMS} problems found;"
                              " stopped here")


@pytest.mark.parametrize("expect, expected", [
    ("2", 2.0),        # a literal is kept when compute fails
    ("true", True),
    ("'params'", None),  # an expression is not evaluated then
])
def test_a_check_whose_compute_fails_keeps_its_literal_expect(claims_file, expect, expected):
    from claimkit.session import load_document

    path, _ = checks_file(claims_file, f"""\
  - id: bad
    compute: "paramz * 2"
    expect: {expect}
""")
    loaded = load_document(path)
    assert [(r.check.id, r.expected, r.computed, r.ok) for r in loaded.results] == [
        ("bad", expected, None, None)]
    assert [p.code for p in loaded.check_problems] == ["expression"]


# -- Python's parser reads more than the grammar: what it reads beyond is refused --

NAMES = {"a": 1.0, "b": 2.0, "f": 3.0, "x": 4.0}


@pytest.mark.parametrize("expression, refused", [
    # Numbers not written in decimal: the first character past the decimal part.
    ("0x10", f"cannot parse expression: unexpected 'x10' at character 2 {HINT}"),
    ("0o17 + 1", f"cannot parse expression: unexpected 'o17' at character 2 {HINT}"),
    ("0b1", f"cannot parse expression: unexpected 'b1' at character 2 {HINT}"),
    ("1e5j", f"cannot parse expression: unexpected 'j' at character 4 {HINT}"),
    ("07", "'07' is not a number (at character 1)"),  # Python's rule for leading zeros
    ("1_", "'1_' is not a number (at character 1)"),
    ("1" + "0" * 400, f"1{'0' * 38}… is past the largest number (about 1.8e308)"
     " (at character 1)"),  # an int, to Python
    ("...", f"'...' is not allowed (at character 1); {ALLOWED}"),
    ("()", f"'()' is not allowed (at character 1); {ALLOWED}"),
    # Python's operators that the grammar does not have.
    ("a // b", f"'//' is not allowed (at character 3); {ALLOWED}"),
    ("(a)<<(b)", f"'<<' is not allowed (at character 4); {ALLOWED}"),
    ("a % b", f"'%' is not allowed (at character 3); {ALLOWED}"),
    ("~a", f"'~' is not allowed (at character 1); {ALLOWED}"),
    ("1 <> 2", f"cannot parse expression: unexpected '<>' at character 3 {HINT}"),
    ("*a", f"cannot parse expression: expected a number, a claim id or '(' at character 1"
     f" {HINT}"),
    ("a = 1", f"cannot parse expression: unexpected '=' at character 3 {HINT}"),
    # Keywords are words, as in the grammar: two names side by side.
    ("not a", f"cannot parse expression: unexpected 'a' at character 5 {HINT}"),
    ("a or b", f"cannot parse expression: unexpected 'or' at character 3 {HINT}"),
    ("a is not b", f"cannot parse expression: unexpected 'is' at character 3 {HINT}"),
    ("await a", f"cannot parse expression: unexpected 'a' at character 7 {HINT}"),
    ("lambda: 1", f"':' is not allowed (at character 7); {ALLOWED}"),
    # Brackets, commas and the rest are characters the grammar has no use for.
    ("[a for a in b]", f"'[' is not allowed (at character 1); {ALLOWED}"),
    ("a[1:2]", f"'[' is not allowed (at character 2); {ALLOWED}"),
    ("{a}", f"'{{' is not allowed (at character 1); {ALLOWED}"),
    ("a, b", f"',' is not allowed (at character 2); {ALLOWED}"),
    ("f'{a}'", "strings are not allowed (at character 2); only numbers are"),
    ("b'1'", "strings are not allowed (at character 1); only numbers are"),
    ("1 # 2", f"'#' is not allowed (at character 3); {ALLOWED}"),  # not a comment
    ("1 \\\n+ 2", f"'\\\\' is not allowed (at character 3); {ALLOWED}"),
    ("ｐarams", f"'ｐ' is not allowed (at character 1); {ALLOWED}"),  # Python reads 'params'
    ("é + f(1)", f"'é' is not allowed (at character 1); {ALLOWED}"),
    ("1\x00", f"'\\x00' is not allowed (at character 2); {ALLOWED}"),
    ("\ud800", f"'\\ud800' is not allowed (at character 1); {ALLOWED}"),
    # Calls and attributes, however they are written.
    ("(a)(b)", f"function calls are not allowed: a(...) (at character 2); {ALLOWED}"),
    ("a (b)", f"function calls are not allowed: a(...) (at character 1); {ALLOWED}"),
    ("2 (b)", f"function calls are not allowed (at character 3); {ALLOWED}"),
    ("f(x=1)", f"function calls are not allowed: f(...) (at character 1); {ALLOWED}"),
    ("(1).real", f"attribute access is not allowed (at character 4); {ALLOWED}"),
    ("a . b", f"attribute access is not allowed (at character 3); {ALLOWED}"),
    ("0x1for 2", f"'0x1for 2' is not allowed (at character 1); {ALLOWED}"),  # 0x1f or 2
    # Python reports a bad number, a ")" too many or a "(" never closed
    # before a mistake earlier in the text: the earlier one is said.
    ("a b + 1e", f"cannot parse expression: unexpected 'b' at character 3 {HINT}"),
    ("a b )", f"cannot parse expression: unexpected 'b' at character 3 {HINT}"),
    ("(a b", f"cannot parse expression: unexpected 'b' at character 4 {HINT}"),
    ("(1 + a  b * 2)", f"cannot parse expression: unexpected 'b' at character 9 {HINT}"),
    ("((a)", f"cannot parse expression: expected ')' at character 5 {HINT}"),
    ("", f"cannot parse expression: it ends too soon at character 1 {HINT}"),
    # Parentheses and signs count together, and a sign ends with its operand.
    ("(-" * 20 + "1" + ")" * 20,
     "parentheses and signs are nested deeper than 32 (at character 34)"),
])
def test_what_python_reads_beyond_the_grammar_is_refused(expression, refused):
    with pytest.raises(ExpressionError) as error:
        evaluate(expression, NAMES)
    assert str(error.value) == refused


@pytest.mark.parametrize("expression, values, result", [
    # A claim may be named like a Python keyword: every word is a claim id.
    ("yield * 2 + pass", {"yield": 3.0, "pass": 1.0}, (7.0, ["yield", "pass"])),
    ("not_a", {"not_a": 1.0}, (1.0, ["not_a"])),
    # Any whitespace between the parts, on any number of lines.
    ("\u00a0 1 +\n\t2\u3000", {}, (3.0, [])),
    ("1_000 + .5 + 5. + 1E-2 + 2.5e+1", {}, (1030.51, [])),
    ("--1 + +1", {}, (2.0, [])),
    ("-1" + " - -1" * 40, {}, (39.0, [])),  # 41 signs, none inside another
    ("1 == 1.0 != 2", {}, (True, [])),
])
def test_what_the_grammar_reads_is_computed(expression, values, result):
    assert evaluate(expression, values) == result


def test_python_s_warnings_about_the_text_are_not_shown(recwarn):
    with pytest.raises(ExpressionError):
        evaluate("0x1for 2", {})  # "invalid hexadecimal literal", to Python
    assert list(recwarn) == []


@pytest.mark.parametrize("expression, message", [
    # Closed, Python stops at the ")" added: cut there, the text is as written.
    ("(1 +", "expected ')' at character 5"),
    ("+ 2 ( 1e5.", "expected ')' at character 11"),
    ("(a b", "unexpected 'b' at character 4"),
])
def test_parsing_again_ends(claims_file, expression, message):
    """kit.py check in a subprocess with 1 GB of memory and a minute: a hang
    guard, not a timing (it takes a fraction of a second)."""
    import resource
    import subprocess
    import sys

    from conftest import ROOT

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    path, text = checks_file(claims_file, f"""\
  - id: open
    compute: "{expression}"
    expect: 1
""")
    line, col = position(text, f'"{expression}"')
    result = subprocess.run([sys.executable, f"{ROOT}/kit.py", "check", "-f", path],
                            capture_output=True, text=True, timeout=60, preexec_fn=limit_memory)
    assert (result.returncode, result.stdout, result.stderr) == (
        1, f"{path}: 4 claims, 1 check: 1 problem\n",
        f"{path}:{line}:{col}: error[expression]: checks[0].compute: cannot parse expression:"
        f" {message} {HINT}\n")


@pytest.mark.parametrize("failure", [RecursionError, MemoryError])
def test_a_parser_that_gives_up_is_a_refusal(monkeypatch, failure):
    def give_up(*args, **kwargs):
        raise failure

    monkeypatch.setattr(ast, "parse", give_up)
    with pytest.raises(ExpressionError) as error:
        evaluate("1 + 1", {})
    assert str(error.value) == "expression is too complex for Python's parser"


# Claims named like Python's keywords as well as plain ones; the reference
# reads each name as its value.
VALUES = {"a": 2.0, "b": -3.0, "c_d": 0.5, "yield": 4.0, "pass": 1.5, "lambda": 0.25}
COMPUTING = ("division by zero", "exponent ", "0 cannot be raised", "result is not a finite",
             "result is too large")
SPACES = st.sampled_from(["", " ", "  ", "\t", "\n", "\u00a0", "\u3000"])
COMPARISONS = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])


def grow(inner):
    """Each expression is (kit text, reference text, names in order)."""
    binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**"]), inner,
                       SPACES, SPACES).map(
        lambda t: (f"{t[0][0]}{t[3]}{t[1]}{t[4]}{t[2][0]}", f"{t[0][1]} {t[1]} {t[2][1]}",
                   t[0][2] + t[2][2]))
    signed = st.tuples(st.sampled_from(["-", "+"]), SPACES, inner).map(
        lambda t: (f"{t[0]}{t[1]}{t[2][0]}", f"{t[0]}{t[2][1]}", t[2][2]))
    grouped = st.tuples(SPACES, inner, SPACES).map(
        lambda t: (f"({t[0]}{t[1][0]}{t[2]})", f"({t[1][1]})", t[1][2]))
    return binary | signed | grouped


NUMBERS = st.sampled_from(["0", "1", "2", "3", "0.5", ".5", "5.", "1_000", "1e3", "1E-2",
                           "2.5e+1"]).map(lambda text: (text, repr(float(text)), []))
CLAIMS = st.sampled_from(sorted(VALUES)).map(lambda name: (name, f"({VALUES[name]!r})", [name]))
ARITHMETIC = st.recursive(NUMBERS | CLAIMS, grow, max_leaves=10)



@st.composite
def expressions(draw):
    """An expression in the grammar: arithmetic, or a chain of comparisons."""
    parts = draw(st.lists(ARITHMETIC, min_size=1, max_size=3))
    kit, reference, names = parts[0]
    for part in parts[1:]:
        op = draw(COMPARISONS)
        kit += f"{draw(SPACES)}{op}{draw(SPACES)}{part[0]}"
        reference += f" {op} {part[1]}"
        names = names + part[2]
    return draw(SPACES) + kit + draw(SPACES), reference, names


@settings(max_examples=400, deadline=None)
@given(expressions())
def test_expressions_in_the_grammar_compute_what_python_computes(expression):
    """Whatever the grammar reads is never refused as unreadable; what the
    kit computes, Python computes the same, on the same floats."""
    kit, reference, names = expression
    try:
        expected = eval(reference, {"__builtins__": {}})  # the test's own text, never the kit's
    except (ZeroDivisionError, OverflowError, TypeError):  # TypeError: a complex compared
        expected = None
    try:
        computed = evaluate(kit, VALUES)
    except ExpressionError as error:
        assert str(error).startswith(COMPUTING), (kit, str(error))
        return
    assert computed == (expected, list(dict.fromkeys(names))), (kit, reference)
    assert isinstance(computed[0], bool) == isinstance(expected, bool)


FRAGMENTS = ["1", "0x1", "1e", "1j", "07", ".", "_", "a", "yield", "and", "not", "if", "True",
             "lambda", "+", "-", "*", "**", "/", "//", "<", "<=", "==", "!", "=", "(", ")",
             "[", ",", ":", "'", "#", "\\", "é", "\x00", "\ud800", " ", "\n", "\u00a0"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join) | st.text(max_size=60))
def test_any_text_is_computed_or_refused_in_one_line(text):
    try:
        evaluate(text, {"a": 1.0, "yield": 2.0})
    except ExpressionError as error:
        assert str(error) and "\n" not in str(error)
