"""CLI: argparse, and main() that runs load → validate → evaluate → render."""
import argparse
import os
import re
import shlex
import sys
from collections.abc import Sequence
from dataclasses import field, replace

from claimkit import output
from claimkit.display import ExportError, attention_rank, clean, section_key, shown_line
from claimkit.evaluate import run_checks
from claimkit.formats import FORMATS, format_for
from claimkit.load import LoadError, collector_paused, load_nodes
from claimkit.model import VERDICTS, CheckResult, Document, record, within_section
from claimkit.problems import Problem, Problems
from claimkit.validate import closest, validate

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
    file_help = "the claims file (default: claims.yaml beside kit.py)"
    formatting = {"epilog": EXIT_CODES,
                  "formatter_class": argparse.RawDescriptionHelpFormatter}
    file_option = argparse.ArgumentParser(add_help=False)
    # Before the command or after it (kit.py -f other.yaml list).  The
    # command's own -f has no default, so it never overwrites the first.
    file_option.add_argument(
        "-f", "--file", default=argparse.SUPPRESS, metavar="PATH",
        help=file_help,
    )
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("--verdict", action="append", choices=VERDICTS,
                         metavar="V", help="only claims with this verdict"
                         " (repeatable): " + ", ".join(VERDICTS))
    filters.add_argument("--attention", action="store_true",
                         help="only claims that need attention: every verdict but"
                         " supported, and claims with problems")
    filters.add_argument("--section", metavar="S",
                         help="only claims citing section S or below (3.3 or §3.3"
                         " matches 3.3.1)")
    filters.add_argument("--search", metavar="TEXT",
                         help="only claims whose text or quotes contain TEXT")
    filters.add_argument("--sort", choices=("id", "section", "verdict"),
                         help="order of the claims (default: file order); verdict puts"
                         " those that need attention first")

    parser = argparse.ArgumentParser(prog="kit.py", description=description, **formatting)
    parser.add_argument("-f", "--file", default=DEFAULT_FILE, metavar="PATH",
                        help=file_help)
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
    check.add_argument("--output-format", choices=PROBLEM_FORMATS, default="text",
                       help="how problems are printed: text (FILE:LINE:COL: error[CODE]:"
                       " ..., on stderr) or github (GitHub Actions annotations, on"
                       " stdout)")
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


# `claims[7]` at the start of a problem's where, to be named by its id.
_CLAIM_PLACE = re.compile(r"claims\[([0-9]+)\](?=\.|$)")


def name_claims(problems: list[Problem], document: Document | None) -> list[Problem]:
    """Each problem of the claims file with its claim's id beside its place:
    claims[7] (h100-gpus-16k).source.section."""
    if document is None:
        return problems
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


PROBLEM_FORMATS = ("text", "github")


def print_problems(problems: list[Problem], document: Document | None = None,
                   output_format: str = "text") -> None:
    if not problems:
        return
    # By position within each file; files in the order they were checked.
    order = {path: index for index, path in
             reversed(list(enumerate(problem.path for problem in problems)))}
    problems = sorted(name_claims(problems, document),
                      key=lambda p: (order[p.path], p.line, p.col))
    for problem in problems:
        if output_format == "github":
            print(github_annotation(problem))
        else:
            print(clean(str(problem)), file=sys.stderr)
            for line in problem.detail:
                print(clean(line), file=sys.stderr)


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
    # Both, in the run's one collection, for `check` to add the quote
    # checks' problems to: the cap counts every problem of a run.
    collected: Problems = field(default_factory=Problems)


def load_document(path: str) -> Loaded:
    """Load, validate and run the checks; raises LoadError when the file
    cannot be read or parsed."""
    display = display_path(path)
    problems = Problems()
    with collector_paused():
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


def select_claims(claims: list, args) -> list:
    """The claims the filters let through, in the order --sort asks for.

    Broken claims (Claim.broken) may lack any field, or their source.
    """
    selected = list(claims)
    if args.verdict:
        selected = [c for c in selected if c.verdict in args.verdict]
    if args.attention:
        selected = [c for c in selected if c.broken or c.verdict != "supported"]
    if args.section:
        # §3.3 as the checklist prints it, or 3.3 as the file writes it.
        prefix = args.section.strip().removeprefix("§").strip().rstrip(".")
        selected = [c for c in selected if within_section(section_of(c), prefix)]
    if args.search:
        needle = args.search.casefold()
        selected = [c for c in selected if any(
            needle in text.casefold()
            for text in (c.claim or "", c.article_quote or "",
                         (c.source.quote if c.source else None) or ""))]
    if args.sort == "id":
        selected.sort(key=lambda c: c.id or "")
    elif args.sort == "section":
        selected.sort(key=lambda c: section_key(section_of(c)))
    elif args.sort == "verdict":
        selected.sort(key=attention_rank)
    return selected


def section_of(claim) -> str | None:
    return claim.source.section if claim.source is not None else None


def make_console():
    """A console for stdout that honours NO_COLOR, FORCE_COLOR and pipes."""
    from rich.console import Console  # lazy: rich takes ~0.1 s to import

    if os.environ.get("NO_COLOR"):
        console = Console(color_system=None, highlight=False, emoji=False)
    else:
        # rich reads FORCE_COLOR itself; without it, a pipe gets no escapes.
        console = Console(highlight=False, emoji=False)
    # COLUMNS=0 would print nothing, COLUMNS=100000000 lines of gigabytes.
    console.width = min(max(console.width, MIN_WIDTH), MAX_WIDTH)
    return console


def run_check(args, document, problems: Problems) -> int:
    display = display_path(args.file)
    reports = []
    if document is not None and (args.article or args.paper):
        # Lazy: its regexes take a while to compile, and only these checks use them.
        from claimkit.quotes import check_article, check_paper

        # The quote checks add to the run's one collection of problems, whose cap
        # counts every problem found so far.
        if args.article:
            reports += check_article(document, args.article, args.strict, problems)
        if args.paper:
            reports += check_paper(document, args.paper, problems)
    print_problems(problems, document, args.output_format)
    errors = errors_in(problems)
    if document is not None:
        # Every claim the file holds, those with problems too.
        counts = (f"{count(len(document.every_claim), 'claim')},"
                  f" {count(len(document.checks), 'check')}")
        verdict = count(len(errors), "problem") if errors else "ok"
        print(clean(f"{display}: {counts}: {verdict}"))
    for line in reports:
        print(clean(line))
    return EXIT_PROBLEMS if errors else EXIT_OK


def show(document: Document, args, exit_code: int) -> int:
    """Print one claim.  An id that is not there is a usage error (exit 2),
    unless the file has problems: the claim may be what could not be read."""
    ids = [claim.id for claim in document.every_claim if claim.id]
    claim = next((c for c in document.every_claim if c.id == args.id), None)
    if claim is None:
        guess = closest(args.id, ids)
        hint = f"; did you mean {guess!r}?" if guess else ""
        print(f"kit.py: error: no claim with id {clean(args.id)!r}"
              f" in {display_path(args.file)}{hint}", file=sys.stderr)
        return exit_code or EXIT_UNREADABLE
    from claimkit.checklist import render_claim  # lazy: rich takes ~0.1 s to import

    make_console().print(render_claim(document, claim, links=sys.stdout.isatty()))
    return exit_code


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
            return run_check(args, document, loaded.collected)
    except LoadError as error:
        print_problems([error.problem], None, getattr(args, "output_format", "text"))
        return EXIT_UNREADABLE
    errors = errors_in(problems)
    if errors:
        print_problems(problems, document)
        print(f"kit.py: {count(len(errors), 'problem')}; run"
              f" `python kit.py check -f {shlex.quote(display_path(args.file))}`",
              file=sys.stderr)
        # A hand-off must be complete; the checklist and `show` go on with
        # every claim that could be read, broken ones marked.
        if args.command == "export" or document is None:
            return EXIT_PROBLEMS
    exit_code = EXIT_PROBLEMS if errors else EXIT_OK

    if args.command == "show":
        return show(document, args, exit_code)

    claims = select_claims(document.every_claim, args)
    total = len(document.every_claim)
    if len(claims) != total and (args.command == "list" or FORMATS[args.format].machine):
        # The checklist and machine formats stay pure; the count goes beside them.
        print(f"kit.py: {shown_line(len(claims), total)}", file=sys.stderr)
    if args.command == "list":
        from claimkit.checklist import Checklist  # lazy: rich takes ~0.1 s to import

        make_console().print(Checklist(claims, loaded.results))
        return exit_code

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
        output.write_output(args.output, text)  # refused or not above
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
