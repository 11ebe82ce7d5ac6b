"""Problem formats: how the problems of a run are printed.

PROBLEM_FORMATS maps each `check --output-format` to what prints one
problem; adding a format is one entry there.
"""
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import replace

from claimkit import output
from claimkit.display import clean
from claimkit.model import Document, record
from claimkit.problems import Problem

# `claims[7]` at the start of a problem's where, to be named by its id.
_CLAIM_PLACE = re.compile(r"claims\[([0-9]+)\](?=\.|$)")


def name_claims(problems: Iterable[Problem], document: Document | None) -> list[Problem]:
    """Each problem of the claims file with its claim's id beside its place:
    claims[7] (h100-gpus-16k).source.section."""
    if document is None:
        return list(problems)
    ids = {claim.index: claim.id for claim in document.every_claim if claim.id}

    def named(problem: Problem) -> Problem:
        match = _CLAIM_PLACE.match(problem.where)
        if problem.path != document.path or not match or int(match[1]) not in ids:
            return problem
        where = f"{match[0]} ({ids[int(match[1])]}){problem.where[match.end():]}"
        return replace(problem, where=where)

    return [named(problem) for problem in problems]


def escape_data(text: str) -> str:
    """A workflow command's message, as GitHub Actions' toolkit escapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (file=, title=)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


# GitHub Actions' commands for the kit's levels.
_ANNOTATIONS = {"error": "error", "warning": "warning", "note": "notice"}


def github_annotation(problem: Problem) -> str:
    """A problem as a GitHub Actions annotation, which marks the line in a pull request."""
    where = f"{problem.where}: " if problem.where else ""
    properties = ",".join(f"{name}={escape_property(clean(value))}" for name, value in (
        ("file", problem.path), ("line", problem.line), ("col", problem.col),
        ("title", f"{problem.level}[{problem.code}]")))
    hint = [line for line in problem.detail if line.startswith("hint: ")]
    return (f"::{_ANNOTATIONS.get(problem.level, 'error')} {properties}"
            f"::{escape_data(clean(where + problem.message))}"
            + "".join(f"%0A{escape_data(clean(line))}" for line in hint))


def print_text(problem: Problem) -> None:
    """The problem on stderr, and its detail below it; in colour in a
    terminal, as ruff and yamllint print theirs (output.wants_colour)."""
    colour = output.wants_colour(sys.stderr)
    print(output.styled([(clean(text), style) for text, style in problem.parts()], colour),
          file=sys.stderr)
    for line in problem.detail:
        label, colon, rest = line.partition(": ")
        hint = colon and label in ("hint", "help", "note")
        print(output.styled([(clean(label + colon), "cyan" if hint else None),
                             (clean(rest), None)], colour), file=sys.stderr)


def print_github(problem: Problem) -> None:
    print(github_annotation(problem))


@record
class ProblemFormat:
    """A way to print problems: adding one is one entry in PROBLEM_FORMATS."""

    print: Callable[[Problem], None]
    description: str  # for --help


PROBLEM_FORMATS = {
    "text": ProblemFormat(print=print_text,
                          description="FILE:LINE:COL: error[CODE]: ..., on stderr"),
    "github": ProblemFormat(print=print_github,
                            description="GitHub Actions annotations, on stdout"),
}


def print_problems(problems: Iterable[Problem], document: Document | None = None,
                   output_format: str = "text") -> None:
    # By position within each file; files in the order they were checked.
    named = name_claims(problems, document)
    order = {path: index for index, path in
             reversed(list(enumerate(problem.path for problem in named)))}
    print_one = PROBLEM_FORMATS[output_format].print
    for problem in sorted(named, key=lambda p: (order[p.path], p.line, p.col)):
        print_one(problem)
