"""Whatever the file holds, the kit ends with exit 0, 1 or 2 and never a
traceback.  Each test says how many inputs it tried."""
import collections
import copy
import json
import os
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

import kit
from claimkit.checklist import wrap
from claimkit.evaluate import ExpressionError, evaluate
from claimkit.model import CONTROL_CHARACTERS
from conftest import GPUS, LICENSE, SHIPPED, document

COMMANDS = (["check"], ["list"], ["export", "--format", "csv"],
            ["show", "h100-gpus-16k"])

with open(SHIPPED, encoding="utf-8") as handle:
    SHIPPED_TEXT = handle.read()
SHIPPED_DATA = yaml.safe_load(SHIPPED_TEXT)


class Runner:
    """Runs kit.main on one input and tallies exit codes."""

    def __init__(self, tmp_path, capsys):
        self.path = tmp_path / "claims.yaml"
        self.capsys = capsys
        self.exits = collections.Counter()
        self.tried = 0

    def run(self, data: bytes, commands=COMMANDS) -> None:
        self.tried += 1
        self.path.write_bytes(data)
        for command in commands:
            try:
                code = kit.main([*command, "-f", str(self.path)])
            except BaseException as error:  # SystemExit too: main returns its code
                raise AssertionError(f"{command}: {error!r} escaped kit.main") from error
            err = self.capsys.readouterr().err
            assert code in (0, 1, 2), (command, code)
            if code == 2:  # the file could not be read, or `show` names no claim
                assert PROBLEM_LINE.fullmatch(err) or USAGE_LINE.fullmatch(err), err
            self.exits[code] += 1

    def report(self, name: str) -> None:
        with self.capsys.disabled():
            print(f"\n  {name}: tried {self.tried} inputs, exits {dict(sorted(self.exits.items()))}")


# One line: FILE:LINE:COL: error[code]: message
PROBLEM_LINE = re.compile(r"[^\n]+:[0-9]+:[0-9]+: error\[[a-z]+(?:-[a-z]+)*\]: [^\n]+\n")
# A syntax error is followed by its line, a caret, and perhaps a hint.
PROBLEM_LINE = re.compile(PROBLEM_LINE.pattern + r"(?:[^\n]*\n *\^\n(?:hint: [^\n]+\n)?)?")
# One line: kit.py: error: message
USAGE_LINE = re.compile(r"kit\.py: error: [^\n]+\n")

SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.text(max_size=20))
yaml_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10) | st.integers(), children, max_size=4),
    max_leaves=25,
)
documents = st.fixed_dictionaries(
    {},
    optional={
        "article": yaml_values, "paper": yaml_values, "sections": yaml_values,
        "claims": st.lists(yaml_values, max_size=4), "checks": yaml_values,
        "dismissed": yaml_values, "review": yaml_values,
    },
) | yaml_values


def test_random_yaml_documents(tmp_path, capsys):
    runner = Runner(tmp_path, capsys)

    @SETTINGS
    @given(documents)
    def check(value):
        runner.run(yaml.safe_dump(value, allow_unicode=True).encode("utf-8"))

    check()
    runner.report("random YAML documents")
    assert runner.tried >= 100


def _paths(value, prefix=()):
    """Every path to a value inside nested dicts and lists."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


ALL_PATHS = [path for path in _paths(SHIPPED_DATA) if path]


def _parent(data, path):
    for step in path[:-1]:
        data = data[step]
    return data


@st.composite
def mutations(draw):
    data = copy.deepcopy(SHIPPED_DATA)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(ALL_PATHS))
        try:
            parent = _parent(data, path)
            kind = draw(st.sampled_from(["delete", "retype", "swap", "duplicate"]))
            if kind == "delete":
                del parent[path[-1]]
            elif kind == "retype":
                parent[path[-1]] = draw(scalars | st.lists(scalars, max_size=2)
                                        | st.dictionaries(st.text(max_size=5), scalars,
                                                          max_size=2))
            elif kind == "swap":
                other = draw(st.sampled_from(ALL_PATHS))
                other_parent = _parent(data, other)
                parent[path[-1]], other_parent[other[-1]] = (
                    other_parent[other[-1]], parent[path[-1]])
            elif isinstance(data.get("claims"), list) and data["claims"]:
                claims = data["claims"]
                index = draw(st.integers(0, len(claims) - 1))
                claims.append(copy.deepcopy(claims[index]))
        except (KeyError, IndexError, TypeError, AttributeError):
            pass  # the path no longer exists after an earlier mutation
    return data


def test_random_mutations_of_the_shipped_file(tmp_path, capsys):
    runner = Runner(tmp_path, capsys)

    @SETTINGS
    @given(mutations())
    def check(data):
        runner.run(yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
                   .encode("utf-8"))

    check()
    runner.report("mutations of claims.yaml")
    assert runner.tried >= 100
    assert runner.exits[1] > 0  # the mutations really break the file


@st.composite
def line_edits(draw):
    lines = SHIPPED_TEXT.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["drop", "repeat", "indent", "dedent", "junk"]))
        if edit == "drop":
            del lines[index]
        elif edit == "repeat":
            lines.insert(index, lines[index])
        elif edit == "indent":
            lines[index] = "  " + lines[index]
        elif edit == "dedent":
            lines[index] = lines[index].lstrip()
        else:
            lines[index] = draw(st.text(max_size=30)) + "\n"
    return "".join(lines).encode("utf-8", "surrogatepass")


def test_random_line_edits_of_the_shipped_file(tmp_path, capsys):
    runner = Runner(tmp_path, capsys)

    @SETTINGS
    @given(line_edits())
    def check(data):
        runner.run(data, commands=(["check"], ["list"]))

    check()
    runner.report("line edits of claims.yaml")
    assert runner.tried >= 100


def test_random_bytes(tmp_path, capsys):
    runner = Runner(tmp_path, capsys)

    @SETTINGS
    @given(st.binary(max_size=400)
           | st.binary(max_size=200).map(lambda tail: SHIPPED_TEXT[:300].encode() + tail))
    def check(data):
        runner.run(data, commands=(["check"], ["list"]))

    check()
    runner.report("random bytes")
    assert runner.tried >= 100


def test_wrap_keeps_every_character_within_the_width(capsys):
    tried = []

    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=120), st.integers(min_value=1, max_value=40))
    def check(text, width):
        tried.append(text)
        lines = wrap(text, width)
        assert all(cell_len(line) <= max(width, 2) for line in lines), lines
        assert "".join("".join(lines).split()) == "".join(text.split())

    check()
    with capsys.disabled():
        print(f"\n  wrap: tried {len(tried)} texts")
    assert len(tried) >= 300


def test_expressions_compute_what_python_computes(capsys):
    """The kit's grammar has Python's precedences: on any expression both can
    read, both give the same value, or the kit refuses what Python fails on."""
    tried = []
    numbers = st.sampled_from(["0", "1", "2", "3", "0.5", "1.5e1", "a", "b"])
    expressions = st.recursive(
        numbers,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**"]), inner)
            .map(" ".join),
            st.tuples(st.sampled_from(["-", "+"]), inner).map("".join),
            inner.map(lambda text: f"({text})"),
        ),
        max_leaves=8,
    )
    comparisons = st.lists(expressions, min_size=1, max_size=3).flatmap(
        lambda parts: st.lists(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
                               min_size=len(parts) - 1, max_size=len(parts) - 1)
        .map(lambda ops: " ".join(x for pair in zip(parts, [*ops, ""], strict=True) for x in pair)))

    @settings(max_examples=400, deadline=None)
    @given(comparisons)
    def check(text):
        tried.append(text)
        values = {"a": 2.0, "b": -3.0}
        try:
            expected = eval(text, {"__builtins__": {}}, dict(values))
        except (ZeroDivisionError, OverflowError, TypeError):  # TypeError: complex < 0
            expected = None
        try:
            computed, _ = evaluate(text, values)
        except ExpressionError:
            computed = None
        if isinstance(expected, complex) or (
                isinstance(expected, float) and not -1e308 < expected < 1e308):
            expected = None  # the kit refuses what is not a finite real
        if expected is None or computed is None:
            assert computed is None or expected is None, (text, expected, computed)
            return
        if isinstance(expected, bool):
            assert computed is expected, text
        else:
            assert computed == expected or abs(computed - expected) <= 1e-9 * abs(expected), (
                text, expected, computed)

    check()
    with capsys.disabled():
        print(f"\n  expressions: tried {len(tried)}")
    assert len(tried) >= 400


# -- header fields, tags and numbers ---------------------------------------------

FIXTURE = document(GPUS + LICENSE, "checks:\n  - id: doubled\n    compute: gpus_16k * 2\n"
                   "    expect: 32000\n    tolerance: 0.05\n")
# Every kind of field: header text, dates, section keys, claim text, numbers.
SLOTS = ["title: An article", "outlet: The Outlet", 'date: "2024-07-24"',
         'arxiv: "2407.21783"', "authors: Someone", "reviewer: Tester",
         '"3.3.1": {title', "title: Training Infrastructure", "claim: More than 16K GPUs were used.",
         "quote: trained on up to 16K H100 GPUs", "page: 8", "value: 16000",
         "unit: GPUs", "expect: 32000", "tolerance: 0.05", "note: From the blog."]
TAGS = ["!x", "!", "!!str", "!!int", "!!float", "!!bool", "!!null", "!!timestamp",
        "!!binary", "!!map", "!!python/object:os.system"]
numbers = (st.integers(-10 ** 500, 10 ** 500).map(str)
           | st.integers(0, 10 ** 400).map(hex)
           | st.floats(allow_nan=True, allow_infinity=True).map(repr)
           | st.sampled_from([".inf", "-.Inf", ".NaN", "1e400", "-1e400", "1:30:00",
                              "0o777", "0b101", "1_000", "3.8e25", "1e-400"])
           | st.tuples(st.integers(1, 400), st.integers(-999, 999)).map(
               lambda pair: "9" * pair[0] + "e" + str(pair[1])))
hostile_text = st.lists(st.sampled_from(
    [*"ab #:[]{}%/", "[bold]", "[/b]", "[link=https://e.x]", "{0}", "{code}", "%s",
     "\\e", "\\x9b", "\\u202e", "\\t", "\u202e", "\u2066"]),
    min_size=1, max_size=12).map("".join)
replacements = (st.tuples(st.sampled_from(TAGS), numbers | hostile_text)
                .map(lambda pair: f'{pair[0]} "{pair[1]}"')
                | numbers | hostile_text | hostile_text.map(lambda text: f'"{text}"'))


def _strings(value):
    for path in _paths(value):
        item = value
        for step in path:
            item = item[step]
        if isinstance(item, str):
            yield path, item


def strict_json(text: str):
    def refuse(name):
        raise AssertionError(f"{name} in a JSON export")
    return json.loads(text, parse_constant=refuse)


def test_random_values_in_every_field(tmp_path, capsys):
    runner = Runner(tmp_path, capsys)
    commands = (["check"], ["list", "--sort", "section"], ["show", "gpus-16k"],
                ["export", "--format", "markdown"], ["export", "--format", "html"])

    @SETTINGS
    @given(st.sampled_from(SLOTS), replacements)
    def check(slot, value):
        key = slot.split(":")[0]
        text = FIXTURE.replace(slot, f"{key}: {value}" + (" {title" if "{title" in slot else ""))
        runner.run(text.encode("utf-8"), commands)
        runner.path.write_bytes(text.encode("utf-8"))
        code = kit.main(["export", "-f", str(runner.path)])
        out = runner.capsys.readouterr().out
        if code == 0:
            strings = [string for _, string in _strings(strict_json(out))]
            assert [text for text in strings if CONTROL_CHARACTERS.search(text)] == []

    check()
    runner.report("values in every field")
    assert runner.tried >= 100
    assert runner.exits[0] > 0 and runner.exits[1] > 0


@pytest.mark.parametrize("ci, derandomized", [("true", "True"), (None, "False")])
def test_ci_runs_hypothesis_derandomized(ci, derandomized):
    """With CI=true, the default settings and this module's SETTINGS are
    derandomized; elsewhere each run tries new examples."""
    import subprocess
    import sys

    from conftest import ROOT

    # Hypothesis itself goes derandomized where it sees CI or GITHUB_ACTIONS.
    env = {key: value for key, value in os.environ.items()
           if key not in ("CI", "GITHUB_ACTIONS")}
    if ci is not None:
        env["CI"] = ci
    result = subprocess.run(
        [sys.executable, "-c", "import conftest, hypothesis, test_properties;"
         " print(hypothesis.settings.default.derandomize,"
         " test_properties.SETTINGS.derandomize)"],
        cwd=os.path.join(ROOT, "tests"), env=env, capture_output=True, text=True,
        timeout=120, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (
        0, f"{derandomized} {derandomized}\n", "")
