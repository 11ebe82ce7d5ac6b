"""The table of problem codes in docs/problem-codes.md is the codes the kit
emits, no more, no fewer: both are read, never listed here."""
import ast
import re
from pathlib import Path

from conftest import ROOT

CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def emitted_codes() -> set[str]:
    """Every problem code written in claimkit/*.py, found by an AST walk:

    - `code="..."` in any call (Problem, Shape);
    - a string constant passed positionally where a function of that name
      takes a `code` parameter (fail("unreadable", ...), problem(at, where,
      "expression", ...), _quote_problem(..., "wrong-page"));
    - `code = "..."` assigned before a Problem(code=code);
    - the first item returned by a function that gives "(code, message)".
    """
    trees = [ast.parse(path.read_text(encoding="utf-8"))
             for path in sorted((Path(ROOT) / "claimkit").glob("*.py"))]
    functions = [node for tree in trees for node in ast.walk(tree)
                 if isinstance(node, ast.FunctionDef)]
    takes: dict[str, set[int]] = {}
    for function in functions:
        names = [arg.arg for arg in function.args.posonlyargs + function.args.args]
        if "code" in names:
            skip = 1 if names[0] in ("self", "cls") else 0
            takes.setdefault(function.name, set()).add(names.index("code") - skip)

    def constant(node) -> str | None:
        is_code = isinstance(node, ast.Constant) and isinstance(node.value, str)
        return node.value if is_code and CODE.fullmatch(node.value) else None

    found = []
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                found += [constant(kw.value) for kw in node.keywords if kw.arg == "code"]
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                found += [constant(node.args[index]) for index in takes.get(name, ())
                          if index < len(node.args)]
            elif isinstance(node, ast.Assign) and any(
                    getattr(target, "id", None) == "code" for target in node.targets):
                found.append(constant(node.value))
    for function in functions:
        if "(code, message)" in (ast.get_docstring(function) or ""):
            found += [constant(node.value.elts[0]) for node in ast.walk(function)
                      if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple)]
    return {code for code in found if code is not None}


def documented_codes() -> list[str]:
    table = (Path(ROOT) / "docs" / "problem-codes.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `([^`]+)` \|", table, re.MULTILINE)


def test_the_docs_list_every_problem_code_the_kit_emits_once():
    listed = documented_codes()
    assert sorted(set(listed)) == sorted(listed)  # none twice
    assert sorted(set(listed)) == sorted(emitted_codes())


def test_the_walk_finds_codes_however_they_are_passed():
    # One of each way a code is written, so the walk cannot quietly miss one.
    assert {"unreadable", "expression", "wrong-page", "dismissal-tracked",
            "number-too-large", "bad-url", "too-many-problems"} <= emitted_codes()
