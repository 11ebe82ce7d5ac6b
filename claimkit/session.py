"""What every command shares: the exit codes, the claims file loaded (read,
validated, its checks run), the filters of `list` and `export`, and one way
to say a line on stderr."""
import argparse
import os
import shlex
import sys
from collections.abc import Iterable
from dataclasses import field

from claimkit import output
from claimkit.display import clean, shown_line
from claimkit.evaluate import run_checks
from claimkit.load import load_nodes
from claimkit.model import VERDICTS, CheckResult, Document, count, record
from claimkit.problem_formats import print_problems
from claimkit.problems import Problem, Problems
from claimkit.selection import checks_for, filters_given, select_claims, suggest
from claimkit.validate import validate

EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2
DEFAULT_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                            "claims.yaml")


def say(message: str) -> None:
    """One line on stderr, as `kit.py: message`; whatever the message holds
    (a path, an id, an argument) is shown escaped, never as raw controls."""
    with output.reader_may_leave():
        print(f"kit.py: {clean(message)}", file=sys.stderr)


def display_path(path: str) -> str:
    """The path as messages show it: relative to here when it is below here."""
    relative = os.path.relpath(path) if os.path.isabs(path) else path
    return path if relative.startswith("..") else relative


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.level == "error"]


@record
class Loaded:
    """A loaded claims file.

    problems make the file unusable (document is None when it could not be
    read as a whole); check_problems are checks that disagree or cannot be
    computed, which `check` fails on and the checklist shows.
    """

    document: Document | None
    results: list[CheckResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    check_problems: list[Problem] = field(default_factory=list)
    # Both, in the run's one collection, for `check` to add the quote
    # checks' problems to: the cap counts every problem of a run.
    collected: Problems = field(default_factory=Problems)


def load_document(path: str) -> Loaded:
    """Load, validate and run the checks; raises LoadError when the file
    cannot be read or parsed."""
    display = display_path(path)
    problems = Problems()
    root = load_nodes(path, display, problems)
    # A file read only in part (its problems filled the cap) is not validated.
    document = None if problems.full else validate(root, display, problems)
    if document is None or not document.checks:
        return Loaded(document=document, problems=list(problems), collected=problems)
    # The checks add to the same collection, so the cap counts both; the
    # file's own problems are those before them.
    loaded = len(problems)
    results = run_checks(document, problems)
    return Loaded(document=document, results=results, problems=problems[:loaded],
                  check_problems=problems[loaded:], collected=problems)


def report_problems(args, loaded: Loaded) -> int:
    """Print the file's problems, if it has any, and how to see them all;
    the exit code they give.  (`check` prints its own.)"""
    errors = errors_in(loaded.problems)
    if not errors:
        return EXIT_OK
    with output.reader_may_leave():
        print_problems(loaded.problems, loaded.document)
    say(f"{count(len(errors), 'problem')}; run"
        f" `python kit.py check -f {shlex.quote(display_path(args.file))}`")
    return EXIT_PROBLEMS


def say_no_id(what: str, wanted: str, ids: list[str], path: str) -> None:
    """An id that is not in the file, said with the ids it may be."""
    say(f"error: no {what} with id {wanted!r} in {display_path(path)}{suggest(wanted, ids)}")


# -- the filters of list and export ----------------------------------------------

def add_filters(parser: argparse.ArgumentParser) -> None:
    """The options that pick and order the claims of `list` and `export`."""
    parser.add_argument("--verdict", action="append", choices=VERDICTS,
                        metavar="V", help="only claims with this verdict"
                        " (repeatable): " + ", ".join(VERDICTS))
    parser.add_argument("--attention", action="store_true",
                        help="only claims that need attention: every verdict but"
                        " supported, and claims with problems")
    parser.add_argument("--section", metavar="S",
                        help="only claims citing section S or below (3.3 or §3.3"
                        " matches 3.3.1)")
    parser.add_argument("--search", metavar="TEXT",
                        help="only claims whose id, text, quotes or note contain TEXT"
                        " (any case)")
    parser.add_argument("--sort", choices=("id", "section", "verdict"),
                        help="order of the claims (default: file order); verdict puts"
                        " those that need attention first")


def filtered(args, loaded: Loaded, say_count: bool) -> tuple[list, list[CheckResult]]:
    """The claims `list` or `export` shows, and the checks of those claims;
    with say_count, how many of all, on stderr, when the filters left some
    out.  A filter that matches nothing says so on stderr: no error (exit
    0), as the file is fine."""
    claims = select_claims(loaded.document.every_claim, args)
    total = len(loaded.document.every_claim)
    if not claims and filters_given(args):
        say(f"no claim matches {filters_given(args)}"
            f" ({count(total, 'claim')} in {display_path(args.file)})")
    elif say_count and len(claims) != total:
        say(shown_line(len(claims), total))
    return claims, checks_for(loaded.results, claims, args)
