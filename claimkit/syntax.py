"""A YAML syntax error explained as a compiler explains one: where the
mistake is (not where the parser gave up), the line with a caret under it,
and a hint for the usual causes (a tab, a colon in a plain value, a line
indented one space off, a quote or a bracket left open)."""
import re

import yaml

from claimkit.model import YAML_LINE_BREAK, mark_position
from claimkit.problems import Problem


def source_excerpt(shown: str, col: int) -> tuple[str, str]:
    """A line of the file, and a caret under column `col`: wide characters
    count twice, a tab once (it is printed as a space), and a very long line
    is cut to the part around the column.  The line is raw text; whoever
    prints it escapes it."""
    from rich.cells import cell_len  # lazy: rich takes ~30 ms; only a syntax error needs it

    start, end = max(col - 1 - 60, 0), col - 1 + 60
    before = ("…" if start else "") + shown[start:col - 1]
    after = shown[col - 1:end] + ("…" if end < len(shown) else "")
    return before + after, " " * cell_len(before.replace("\t", " ")) + "^"


_INDENT = re.compile(r" *(?:- +)*")


_FLOW = {"while parsing a flow sequence": "[", "while parsing a flow mapping": "{"}


def _line_at(lines: list[str], line: int) -> str:
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _indent(line: str) -> int:
    """Where a line's key starts: after its spaces and any list dashes."""
    return _INDENT.match(line).end()


def explain_syntax_error(error: "yaml.MarkedYAMLError", text: str, display: str) -> Problem:
    """A parser's error as a compiler explains one: where the mistake is (not
    where the parser gave up), the line with a caret, and a hint for the
    usual causes."""
    mark = error.problem_mark or error.context_mark
    line, col = mark_position(mark) if mark else (1, 1)
    message = error.problem or "invalid YAML"
    if error.context:
        message = f"{message} ({error.context})"
    lines = YAML_LINE_BREAK.split(text)
    here = _line_at(lines, line)
    hint = None
    leading = here[:len(here) - len(here.lstrip(" \t"))]
    if "\t" in leading or ("tab" in (error.problem or "") and "\t" in here):
        col = here.index("\t") + 1
        message = "a tab character where YAML expects spaces"
        hint = "YAML indents with spaces only: replace the tab with spaces"
    elif here[:col - 1].rstrip().endswith(('"', "'")) and col - 1 > _indent(here):
        message = "text after the closing quote of a quoted value"
        hint = "put the whole value inside the quotes"
    elif error.context == "while scanning a quoted scalar" and error.context_mark:
        line, col = mark_position(error.context_mark)
        quote = _line_at(lines, line)[col - 1:col] or '"'
        message = f"a quoted value opens here and its closing {quote} is missing"
        hint = f"end the value with {quote}, or escape a {quote} inside it"
    elif error.context in _FLOW and error.context_mark:
        opened = mark_position(error.context_mark)
        hint = (f"the {_FLOW[error.context]} opened at line {opened[0]}, column"
                f" {opened[1]} is not closed, or its items are not separated by commas")
    elif error.problem == "mapping values are not allowed in this context":
        line, col, message, hint = _explain_colon(lines, line, col, message)
    elif error.problem and error.problem.startswith("did not find expected"):
        above = next((other for other in reversed(lines[:line - 1]) if other.strip()), "")
        if _indent(here) != _indent(above) and here.strip():
            col = _indent(here) + 1
            message = f"this line is indented {_indent(here)} spaces, the one above it" \
                f" {_indent(above)}"
            hint = ("lines of one mapping start in the same column: indent it like the"
                    " key it belongs beside")
    detail = source_excerpt(_line_at(lines, line), col)
    if hint is not None:
        detail += (f"hint: {hint}",)
    # PyYAML 6.0.4's scanner stops deep nesting itself, before the loader's
    # own depth count sees it: the same fault, so the same code.
    code = "too-deep" if "maximum nesting depth" in (error.problem or "") else "syntax"
    return Problem.at(display, (line, col), code, message, detail=detail)


def _explain_colon(lines: list[str], line: int, col: int, message: str):
    """A colon the parser cannot take: `: ` inside a plain value, or a line
    indented under a plain value, which makes it part of that value."""
    here = _line_at(lines, line)
    key, separator, _ = here.partition(": ")
    if separator and len(key) + 1 < col - 1:
        value = here[len(key) + 2:].strip()
        return (line, col, "a plain value cannot hold \": \"",
                f"put the value in quotes: {key.strip()}: {_quoted(value)}")
    # The line continues the plain value above it: it is indented too deep
    # (the slip is here), or the line above too shallow (the slip is there).
    above_at = next((index for index in range(line - 2, -1, -1) if lines[index].strip()),
                    None)
    if above_at is None:
        return line, col, message, None
    above = lines[above_at]
    siblings = {_indent(other) for other in lines[:above_at] if other.strip()
                and _indent(other) > 0}
    if _indent(here) in siblings and _indent(above) < _indent(here):
        at_line, at = above_at + 1, above
        message = f"this line is indented {_indent(above)} spaces, the lines below it" \
            f" {_indent(here)}"
    else:
        at_line, at = line, here
        message = f"this line is indented {_indent(here)} spaces, more than the" \
            f" {_indent(above)} of the line above it, so it reads as part of that value"
    return (at_line, _indent(at) + 1, message,
            "lines of one mapping start in the same column: indent it like the key it"
            " belongs beside")


def _quoted(value: str) -> str:
    """A value in double quotes, as YAML reads it back."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
