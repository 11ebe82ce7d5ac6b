"""CLI: argparse, and main() that runs load → validate → evaluate → render."""
import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import field

from claimkit import output
from claimkit.evaluate import run_checks
from claimkit.load import LoadError, load_nodes
from claimkit.model import (
    VERDICTS,
    CheckResult,
    Document,
    Problem,
    TooManyProblems,
    record,
)
from claimkit.render import (
    FORMATS,
    Checklist,
    ExportError,
    clean,
    format_for,
    render_claim,
    section_key,
    shown_line,
)
from claimkit.validate import validate

EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 128 + 2, 128 + 15  # the shell's codes for SIGINT, SIGTERM
EXIT_CODES = """\
exit codes:
  0  ok: the file is clean (and, for check, every quote and check holds)
  1  the claims have problems (each printed as FILE:LINE:COL: error[CODE]: ...)
  2  a file could not be read, parsed or written, or the command line was wrong
  130  interrupted (Ctrl-C)
  143  terminated (SIGTERM)
"""
MIN_WIDTH, MAX_WIDTH = 20, 500  # the terminal widths the kit renders for
DEFAULT_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                            "claims.yaml")


def build_parser(description: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; options shared by commands come from parents."""
    formatting = {"epilog": EXIT_CODES,
                  "formatter_class": argparse.RawDescriptionHelpFormatter}
    file_option = argparse.ArgumentParser(add_help=False)
    file_option.add_argument(
        "-f", "--file", default=DEFAULT_FILE, metavar="PATH",
        help="the claims file (default: claims.yaml beside kit.py)",
    )
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("--verdict", action="append", choices=VERDICTS,
                         metavar="V", help="only claims with this verdict"
                         " (repeatable): " + ", ".join(VERDICTS))
    filters.add_argument("--section", metavar="S",
                         help="only claims citing section S or below (3.3 matches 3.3.1)")
    filters.add_argument("--search", metavar="TEXT",
                         help="only claims whose text or quotes contain TEXT")
    filters.add_argument("--sort", choices=("id", "section", "verdict"),
                         help="order of the claims (default: file order)")

    parser = argparse.ArgumentParser(prog="kit.py", description=description, **formatting)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help: str, parents: list) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help, parents=[file_option, *parents],
                                   description=help[0].upper() + help[1:] + ".",
                                   **formatting)

    command("list", "print the checklist", [filters])
    show = command("show", "print one claim in full", [])
    show.add_argument("id", help="the claim's id")
    check = command("check", "validate the file, its quotes and its checks", [])
    check.add_argument("--article", metavar="FILE",
                       help="find every article_quote in this text of the article,"
                       " and list checkable sentences no claim tracks")
    check.add_argument("--paper", metavar="FILE",
                       help="find every paper quote in this text or PDF of the"
                       " paper, on its cited page and under its cited section")
    check.add_argument("--strict", action="store_true",
                       help="with --article, untracked sentences are problems")
    export = command("export", "write the claims in another format", [filters])
    export.add_argument("--format", choices=FORMATS,
                        help="output format: " + ", ".join(FORMATS) + " (default: from"
                        " the -o file's extension, else json)")
    export.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE (atomically) instead of stdout; its extension"
                        " names the format: " + ", ".join(
                            f"{ext} {name}" for name, fmt in FORMATS.items()
                            for ext in fmt.extensions))
    export.add_argument("--excel", action="store_true",
                        help="csv only: start with a UTF-8 byte-order mark, so"
                        " spreadsheets read § and — intact")
    return parser


def choose_format(args) -> str:
    """The export format: --format, else the -o file's extension, else json
    (for stdout, and for a stream such as /dev/stdout or a FIFO, as for stdout).

    Raises ValueError with the usage message when they disagree or the
    extension names no format.
    """
    by_extension = format_for(args.output) if args.output else None
    if args.format and by_extension not in (None, args.format):
        wanted = ", ".join(FORMATS[args.format].extensions)
        raise ValueError(f"-o {args.output} does not end in {wanted},"
                         f" the extension of --format {args.format}")
    if args.format:
        chosen = args.format
    elif args.output and not (by_extension is None and output.is_stream(args.output)):
        if by_extension is None:
            raise ValueError(f"cannot tell the format of -o {args.output} from its"
                             " extension; give --format, or end the name in one of "
                             + ", ".join(ext for fmt in FORMATS.values()
                                         for ext in fmt.extensions))
        chosen = by_extension
    else:
        chosen = "json"
    if args.excel and chosen != "csv":
        raise ValueError(f"--excel is for csv, not {chosen}")
    return chosen


def display_path(path: str) -> str:
    """The path as messages show it: relative to here when it is below here."""
    relative = os.path.relpath(path) if os.path.isabs(path) else path
    return path if relative.startswith("..") else relative


def print_problems(problems: list[Problem]) -> None:
    if not problems:
        return
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


def load_document(path: str) -> Loaded:
    """Load, validate and run the checks; raises LoadError when the file
    cannot be read or parsed."""
    display = display_path(path)
    problems: list[Problem] = []
    try:
        root, _ = load_nodes(path, display, problems)
    except TooManyProblems:
        return Loaded(document=None, problems=problems)
    document, _ = validate(root, display, problems)
    if document is None or not document.checks:
        return Loaded(document=document, problems=problems)
    results, check_problems = run_checks(document)
    return Loaded(document=document, results=results, problems=problems,
                  check_problems=check_problems)


def select_claims(claims: list, args) -> list:
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
        console = Console(color_system=None, highlight=False, emoji=False)
    else:
        # rich reads FORCE_COLOR itself; without it, a pipe gets no escapes.
        console = Console(highlight=False, emoji=False)
    # COLUMNS=0 would print nothing, COLUMNS=100000000 lines of gigabytes.
    console.width = min(max(console.width, MIN_WIDTH), MAX_WIDTH)
    return console


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
        print(clean(f"{display}: {counts}: {verdict}"))
    for line in reports:
        print(clean(line))
    return EXIT_PROBLEMS if errors else EXIT_OK


def protected_files(args) -> list[str]:
    """The claims files `export -o` never writes: the -f file and the shipped one."""
    return [args.file, display_path(DEFAULT_FILE)]


def run(args) -> int:
    if args.command == "check" and args.strict and not args.article:
        print("kit.py: error: --strict needs --article", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.command == "export":
        # Where -o must not write is said before anything else about it.
        reason = None if args.output is None else (
            output.refusal(args.output, protected_files(args)) if args.output
            else "-o needs a file name")
        if reason is not None:
            print(f"kit.py: error: {clean(reason)}", file=sys.stderr)
            return EXIT_UNREADABLE
        try:
            args.format = choose_format(args)
        except ValueError as error:
            print(f"kit.py: error: {clean(str(error))}", file=sys.stderr)
            return EXIT_UNREADABLE
    try:
        loaded = load_document(args.file)
        document, problems = loaded.document, loaded.problems
        if args.command == "check":
            return run_check(args, document, problems + loaded.check_problems)
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
            print(f"kit.py: error: no claim with id {clean(args.id)!r}"
                  f" in {display_path(args.file)}", file=sys.stderr)
            return EXIT_UNREADABLE  # the command line named what is not there
        make_console().print(render_claim(document, claim))
        return EXIT_OK

    claims = select_claims(document.claims, args)
    total = len(document.claims)
    if len(claims) != total and (args.command == "list" or FORMATS[args.format].machine):
        # The checklist and machine formats stay pure; the count goes beside them.
        print(f"kit.py: {shown_line(len(claims), total)}", file=sys.stderr)
    if args.command == "list":
        make_console().print(Checklist(claims, loaded.results))
        return EXIT_OK

    fmt = FORMATS[args.format]
    try:
        text = fmt.render(document, claims, loaded.results, total)
    except ExportError as error:
        print(f"kit.py: error: {display_path(args.file)}: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    for line in fmt.notes(document, claims) if fmt.notes else ():
        print(f"kit.py: {line}", file=sys.stderr)
    if args.excel:
        text = "\ufeff" + text  # Excel reads UTF-8 only after a byte-order mark
    if args.output is not None:
        output.write_output(args.output, text, protected_files(args))
    else:
        sys.stdout.write_utf8(text)  # a file format is UTF-8, whatever the locale
    return EXIT_OK


def parse_and_run(argv: list[str], description: str | None) -> int:
    parser = build_parser(description)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help, or a usage error (argparse says 2)
        return exit.code if isinstance(exit.code, int) else EXIT_UNREADABLE
    return run(args)


def main(argv: Sequence[str] | None = None, description: str | None = None) -> int:
    """Run the kit; every fault of the output, and a signal, is one line."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # stdout and stderr are wrapped (claimkit/output.py): a closed pipe
    # (`| head`) ends quietly with the command's own exit code.
    with output.channels() as stdout:
        try:
            code = parse_and_run(argv, description)
            stdout.flush()
            return code
        except output.OutputError as error:
            message, code = f"error: {error}", EXIT_UNREADABLE
        except KeyboardInterrupt:
            message, code = "interrupted", EXIT_INTERRUPTED
        except output.Terminated:
            message, code = "terminated", EXIT_TERMINATED
        output.abandon(stdout.stream)  # what is still buffered may never be taken
        print(f"kit.py: {clean(message)}", file=sys.stderr)
        return code
