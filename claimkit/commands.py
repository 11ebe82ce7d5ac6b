"""The commands that read: `list`, `show`, `check` and `locate`; each is
a run_NAME(args, loaded) that prints and gives the exit code."""
import argparse
import os
import sys

from claimkit import output
from claimkit.display import clean
from claimkit.locate import locate_in
from claimkit.model import Document, count
from claimkit.problem_formats import PROBLEM_FORMATS, print_problems
from claimkit.problems import Problems
from claimkit.selection import filters_given
from claimkit.session import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_UNREADABLE,
    Loaded,
    display_path,
    errors_in,
    filtered,
    report_problems,
    say,
    say_no_id,
)

# -- list --------------------------------------------------------------------

def run_list(args, loaded: Loaded) -> int:
    # The checklist goes on with every claim that could be read, broken ones marked.
    exit_code = report_problems(args, loaded)
    if loaded.document is None:
        return exit_code
    # The checklist stays pure; the count goes beside it.
    claims, results = filtered(args, loaded, say_count=True)
    if not claims and filters_given(args):
        return exit_code  # not an empty table with 0/0 claims sourced
    from claimkit.checklist import Checklist, make_console  # lazy: rich takes ~0.1 s

    with output.reader_may_leave():
        make_console().print(Checklist(claims, results))
    return exit_code


# -- show --------------------------------------------------------------------

def add_show_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="the claim's id, or a check's")


def run_show(args, loaded: Loaded) -> int:
    """Print one claim, or one check.  An id that is not there is a usage
    error (exit 2), unless the file has problems: the claim may be what
    could not be read."""
    exit_code = report_problems(args, loaded)
    document = loaded.document
    if document is None:
        return exit_code
    claim = next((c for c in document.every_claim if c.id == args.id), None)
    check = next((c for c in document.checks if c.id == args.id), None)
    if claim is None and check is None:
        ids = [c.id for c in document.every_claim if c.id]
        say_no_id("claim or check", args.id, ids + [c.id for c in document.checks
                                                      if c.id not in ids], args.file)
        return exit_code or EXIT_UNREADABLE
    # Lazy: rich takes ~0.1 s to import.
    from claimkit.checklist import make_console, render_check, render_claim

    if claim is not None:
        shown = render_claim(document, claim, links=sys.stdout.isatty())
    else:
        result = next((r for r in loaded.results if r.check is check), None)
        shown = render_check(check, result)
    with output.reader_may_leave():
        make_console().print(shown)
    return exit_code


# -- check -------------------------------------------------------------------

def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--article", metavar="FILE",
                        help="find every article_quote in this text of the article,"
                        " and list checkable sentences no claim tracks (default: the"
                        " header's article.text)")
    parser.add_argument("--paper", metavar="FILE",
                        help="find every paper quote in this text or PDF of the"
                        " paper, on its cited page and under its cited section"
                        " (default: the header's paper.text)")
    parser.add_argument("--strict", action="store_true",
                        help="with an article, untracked sentences and figures are"
                        " problems")
    parser.add_argument("--output-format", choices=PROBLEM_FORMATS, default="text",
                        help="how problems are printed: " + " or ".join(
                            f"{name} ({fmt.description})"
                            for name, fmt in PROBLEM_FORMATS.items()))


def text_paths(args, document: Document | None, problems: Problems) -> dict:
    """The article's and the paper's texts to check: the flag's, else the
    header's (relative to the claims file).  A header's text that is not
    there is a problem, and that text is not checked."""
    paths = {}
    for name in ("article", "paper"):
        paths[name] = getattr(args, name)
        if paths[name] or document is None or name not in document.texts:
            continue
        written, at = document.texts[name]
        path = os.path.join(os.path.dirname(args.file), written)
        if os.path.lexists(path):
            paths[name] = display_path(path)
            continue
        problems.add(document.path, at, "text-missing",
                     f"no file {display_path(path)} (the path is relative to the claims"
                     f" file); the {name} is not checked: give --{name} FILE",
                     where=f"{name}.text", level="error" if args.strict else "warning")
    return paths


def run_check(args, loaded: Loaded) -> int:
    display = display_path(args.file)
    document, problems = loaded.document, loaded.collected
    reports = []
    paths = text_paths(args, document, problems)
    if args.strict and document is not None and not paths["article"] \
            and "article" not in document.texts:
        say("error: --strict needs the article: --article FILE, or article.text in"
            " the header")
        return EXIT_UNREADABLE
    if document is not None and (paths["article"] or paths["paper"]):
        # Lazy: its regexes take a while to compile, and only these checks use them.
        from claimkit.quotes import check_article, check_paper

        # The quote checks add to the run's one collection of problems, whose cap
        # counts every problem found so far.
        if paths["article"]:
            reports += check_article(document, paths["article"], args.strict, problems)
        if paths["paper"]:
            reports += check_paper(document, paths["paper"], problems)
    with output.reader_may_leave():
        print_problems(problems, document, args.output_format)
    errors = errors_in(problems)
    with output.reader_may_leave():
        if document is not None:
            # Every claim the file holds, those with problems too.
            counts = (f"{count(len(document.every_claim), 'claim')},"
                      f" {count(len(document.checks), 'check')}")
            verdict = (count(len(errors), "problem"), "red") if errors else ("ok", "green")
            print(output.styled([(clean(display), "bold"), (f": {counts}: ", None), verdict],
                                output.wants_colour(sys.stdout)))
        for line in reports:
            print(clean(line))
    return EXIT_PROBLEMS if errors else EXIT_OK


# -- locate ------------------------------------------------------------------

def run_locate(args, loaded: Loaded) -> int:
    """The passages of the paper or the article that best match a text or a
    claim's own words; the file's sections give their titles (its problems
    are not locate's to report)."""
    claims = loaded.document.every_claim if loaded.document is not None else []
    claim = next((claim for claim in claims if claim.id == args.claim), None)
    if args.claim is not None and claim is None:
        say_no_id("claim", args.claim, [claim.id for claim in claims if claim.id], args.file)
        return EXIT_UNREADABLE
    lines, found = locate_in(loaded.document, args, claim)
    with output.reader_may_leave():
        for line in lines:
            print(clean(line))
    return EXIT_OK if found else EXIT_PROBLEMS
