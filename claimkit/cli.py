"""CLI: argparse, and main() that runs load → validate → evaluate → render."""
import argparse
import os
import sys
from collections.abc import Sequence

from claimkit.load import LoadError, load_nodes
from claimkit.model import VERDICTS, Problem, TooManyProblems
from claimkit.validate import validate

EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2
EXIT_CODES = """\
exit codes:
  0  ok: the file is clean (and, for check, every quote and check holds)
  1  the claims have problems (each printed as FILE:LINE:COL: error: ...)
  2  a file could not be read or parsed, or the command line was wrong
"""
DEFAULT_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                            "claims.yaml")
FORMAT_NAMES = ("json", "markdown", "csv", "claimreview", "html")


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter, without its import of shutil on every run.

    argparse builds a formatter for each add_argument call, and the stock one
    imports shutil (2 ms) to size the terminal; os can do that alone.
    """

    def __init__(self, prog: str, width: int | None = None, **options) -> None:
        if width is None:
            try:
                width = int(os.environ["COLUMNS"])
            except (KeyError, ValueError):
                try:
                    width = os.get_terminal_size(sys.__stdout__.fileno()).columns
                except (AttributeError, ValueError, OSError):
                    width = 80
            width -= 2
        super().__init__(prog, width=width, **options)


def add_file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-f", "--file", default=DEFAULT_FILE, metavar="PATH",
        help="the claims file (default: claims.yaml beside kit.py)",
    )


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--verdict", action="append", choices=VERDICTS,
                        metavar="V", help="only claims with this verdict"
                        " (repeatable): " + ", ".join(VERDICTS))
    parser.add_argument("--section", metavar="S",
                        help="only claims citing section S or below (3.3 matches 3.3.1)")
    parser.add_argument("--search", metavar="TEXT",
                        help="only claims whose text or quotes contain TEXT")
    parser.add_argument("--sort", choices=("id", "section", "verdict"),
                        help="order of the claims (default: file order)")


def build_parser(description: str | None, command: str | None = None
                 ) -> argparse.ArgumentParser:
    """The command line.  With `command` named, only that command gets its
    options: the others are listed, but each option argparse adds costs
    start-up time that a run of another command would pay for nothing."""
    # Options shared by commands are added by the functions above, not by
    # parent parsers: every ArgumentParser costs a round of gettext lookups
    # at start-up (see bench/run.py).
    parser = argparse.ArgumentParser(
        prog="kit.py", description=description, epilog=EXIT_CODES,
        formatter_class=_HelpFormatter,
    )
    # Naming prog here spares argparse a help formatter on every run.
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", prog="kit.py")
    commands.required = True
    for name, (help, add_options) in COMMANDS.items():
        sub = commands.add_parser(name, help=help, description=help[0].upper() + help[1:] + ".",
                                  epilog=EXIT_CODES, formatter_class=_HelpFormatter)
        if command in (None, name):
            add_file_option(sub)
            add_options(sub)
    return parser


def add_show_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="the claim's id")


def add_check_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--article", metavar="FILE",
                        help="find every article_quote in this text of the article,"
                        " and list checkable sentences no claim tracks")
    parser.add_argument("--paper", metavar="FILE",
                        help="find every paper quote in this text or PDF of the"
                        " paper, on its cited page and under its cited section")
    parser.add_argument("--strict", action="store_true",
                        help="with --article, untracked sentences are problems")


def add_export_options(parser: argparse.ArgumentParser) -> None:
    add_filter_options(parser)
    parser.add_argument("--format", choices=FORMAT_NAMES, default="json",
                        help="output format (default: json)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE (atomically) instead of stdout")


# name → (help, the function that adds its options)
COMMANDS = {
    "list": ("print the checklist", add_filter_options),
    "show": ("print one claim in full", add_show_options),
    "check": ("validate the file, its quotes and its checks", add_check_options),
    "export": ("write the claims in another format", add_export_options),
}


def display_path(path: str) -> str:
    """The path as messages show it: relative to here when it is below here."""
    relative = os.path.relpath(path) if os.path.isabs(path) else path
    return path if relative.startswith("..") else relative


def print_problems(problems: list[Problem]) -> None:
    if not problems:
        return
    from claimkit.render import clean

    # By position within each file; files in the order they were checked.
    order = {path: index for index, path in
             reversed(list(enumerate(problem.path for problem in problems)))}
    problems = sorted(problems, key=lambda p: (order[p.path], p.line, p.col))
    for problem in problems:
        print(clean(str(problem)), file=sys.stderr)


def count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def errors_in(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.level == "error"]


def load_document(path: str):
    """Load, validate and run the checks.

    Returns (document, check results, problems, check problems): problems
    make the file unusable; check problems are checks that disagree or cannot
    be computed, which `check` fails on and the checklist shows.  Raises
    LoadError when the file cannot be read or parsed.
    """
    display = display_path(path)
    try:
        root, problems = load_nodes(path, display)
    except TooManyProblems as stop:
        return None, [], stop.problems, []
    document, more = validate(root, display)
    problems += more
    results, check_problems = [], []
    if document is not None and document.checks:
        from claimkit.evaluate import run_checks

        results, check_problems = run_checks(document)
    return document, results, problems, check_problems


def select_claims(claims: list, args) -> list:
    from claimkit.render import section_key

    selected = list(claims)
    if args.verdict:
        selected = [c for c in selected if c.verdict in args.verdict]
    if args.section:
        prefix = args.section.rstrip(".")
        selected = [c for c in selected if c.source.section is not None and (
            c.source.section == prefix or c.source.section.startswith(prefix + "."))]
    if args.search:
        needle = args.search.casefold()
        selected = [c for c in selected if any(
            needle in text.casefold()
            for text in (c.claim, c.article_quote, c.source.quote or ""))]
    if args.sort == "id":
        selected.sort(key=lambda c: c.id)
    elif args.sort == "section":
        selected.sort(key=lambda c: section_key(c.source.section))
    elif args.sort == "verdict":
        selected.sort(key=lambda c: VERDICTS.index(c.verdict))
    return selected


def make_console():
    """A console for stdout that honours NO_COLOR, FORCE_COLOR and pipes."""
    from rich.console import Console

    if os.environ.get("NO_COLOR"):
        return Console(color_system=None, highlight=False, emoji=False)
    # rich reads FORCE_COLOR itself; without it, a pipe gets no escapes.
    return Console(highlight=False, emoji=False)


def write_atomically(path: str, text: str) -> None:
    """Write through a temp file in the same folder, then rename over."""
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o7777  # keep an existing file's mode
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask  # what open() would have given a new file
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".kit-", suffix=".tmp")
    try:
        os.chmod(temp, mode)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def run_check(args, document, problems: list[Problem]) -> int:
    display = display_path(args.file)
    reports = []
    if document is not None and (args.article or args.paper):
        from claimkit.quotes import check_article, check_paper

        if args.article:
            more, lines = check_article(document, args.article, args.strict)
            problems += more
            reports += lines
        if args.paper:
            more, lines = check_paper(document, args.paper)
            problems += more
            reports += lines
    print_problems(problems)
    errors = errors_in(problems)
    if document is not None:
        counts = f"{count(len(document.claims), 'claim')}, {count(len(document.checks), 'check')}"
        verdict = count(len(errors), "problem") if errors else "ok"
        print(f"{display}: {counts}: {verdict}")
    for line in reports:
        print(line)
    return EXIT_PROBLEMS if errors else EXIT_OK


def run(args) -> int:
    if args.command == "check" and args.strict and not args.article:
        print("kit.py: error: --strict needs --article", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.command == "export" and args.output:
        if os.path.abspath(args.output) == os.path.abspath(args.file) or (
            os.path.exists(args.output) and os.path.exists(args.file)
            and os.path.samefile(args.output, args.file)
        ):
            print(f"kit.py: error: refusing to write over the claims file {args.file}",
                  file=sys.stderr)
            return EXIT_UNREADABLE
    try:
        document, results, problems, check_problems = load_document(args.file)
        if args.command == "check":
            return run_check(args, document, problems + check_problems)
    except LoadError as error:
        print_problems([error.problem])
        return EXIT_UNREADABLE
    errors = errors_in(problems)
    if errors:
        print_problems(problems)
        print(f"kit.py: {count(len(errors), 'problem')}; run"
              f" `python kit.py check -f {display_path(args.file)}`", file=sys.stderr)
        return EXIT_PROBLEMS

    if args.command == "show":
        claim = next((c for c in document.claims if c.id == args.id), None)
        if claim is None:
            from claimkit.render import clean

            print(f"kit.py: error: no claim with id {clean(args.id)!r}"
                  f" in {display_path(args.file)}", file=sys.stderr)
            return EXIT_UNREADABLE  # the command line named what is not there
        from claimkit.render import render_claim

        make_console().print(render_claim(document, claim))
        return EXIT_OK

    claims = select_claims(document.claims, args)
    total = len(document.claims)
    if args.command == "list":
        from claimkit.render import Checklist

        make_console().print(Checklist(claims, results, total))
        return EXIT_OK

    from claimkit.render import FORMATS, shown_line

    text = FORMATS[args.format](document, claims, results, total)
    if len(claims) != total and args.format in ("json", "csv", "claimreview"):
        # Machine formats stay pure; the count goes beside them.
        print(f"kit.py: {shown_line(len(claims), total)}", file=sys.stderr)
    if args.output:
        try:
            write_atomically(args.output, text)
        except OSError as error:
            print(f"kit.py: error: cannot write {args.output}:"
                  f" {error.strerror or error}", file=sys.stderr)
            return EXIT_UNREADABLE
    else:
        sys.stdout.write(text)
    return EXIT_OK


def main(argv: Sequence[str] | None = None, description: str | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(description, argv[0] if argv else None)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help, or a usage error (argparse says 2)
        return exit.code if isinstance(exit.code, int) else EXIT_UNREADABLE
    try:
        code = run(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as json.tool does,
        # and keep Python from complaining when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
