"""CLI: argparse, and main() that runs load → validate → evaluate → render."""
import argparse
import contextlib
import os
import shlex
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import field, replace

from claimkit import __version__, output
from claimkit.display import ExportError, clean, shown_line
from claimkit.evaluate import run_checks
from claimkit.formats import FORMATS, format_for, text_readers
from claimkit.load import LoadError, load_nodes
from claimkit.locate import add_locate_arguments, prepare_locate
from claimkit.model import VERDICTS, CheckResult, Document, count, record
from claimkit.problem_formats import PROBLEM_FORMATS, print_problems
from claimkit.problems import Problem, Problems
from claimkit.schema import URL
from claimkit.selection import checks_for, filters_given, select_claims, suggest
from claimkit.validate import validate

EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2
EXIT_CODES = """\
exit codes:
  0  ok: the file is clean (and, for check, every quote and check holds);
     a filter that matches no claim is no error ("no claim matches ...")
  1  the claims have problems (each printed as FILE:LINE:COL: error[CODE]: ...)
  2  a file could not be read, parsed or written, or the command line was wrong
""" + "".join(f"  {128 + signum}  {words} ({sent})\n"  # the shell's code for a signal
              for signum, (words, sent) in sorted(output.SIGNALS.items()))
DEFAULT_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                            "claims.yaml")


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
        print(f"kit.py: {count(len(errors), 'problem')}; run"
              f" `python kit.py check -f {shlex.quote(display_path(args.file))}`",
              file=sys.stderr)
    return EXIT_PROBLEMS


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
    with output.reader_may_leave():
        if not claims and filters_given(args):
            print(f"kit.py: no claim matches {clean(filters_given(args))}"
                  f" ({count(total, 'claim')} in {clean(display_path(args.file))})",
                  file=sys.stderr)
        elif say_count and len(claims) != total:
            print(f"kit.py: {shown_line(len(claims), total)}", file=sys.stderr)
    return claims, checks_for(loaded.results, claims, args)


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


def say_no_id(what: str, wanted: str, ids: list[str], path: str) -> None:
    """An id that is not in the file, said with the ids it may be."""
    print(f"kit.py: error: no {what} with id {clean(wanted)!r} in"
          f" {clean(display_path(path))}{clean(suggest(wanted, ids))}", file=sys.stderr)


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
        print("kit.py: error: --strict needs the article: --article FILE, or"
              " article.text in the header", file=sys.stderr)
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
    from claimkit.locate import locate_in  # lazy: only locate reads a text's passages

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


# -- export ------------------------------------------------------------------

def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS,
                        help="output format: " + ", ".join(FORMATS) + " (default: from"
                        " the -o file's extension, else json)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE (atomically) instead of stdout; its extension"
                        " names the format: " + ", ".join(
                            f"{ext} {name}" for name, fmt in FORMATS.items()
                            for ext in fmt.extensions))
    parser.add_argument("--excel", action="store_true",
                        help="csv only: start with a UTF-8 byte-order mark, so"
                        " spreadsheets read § and — intact")
    parser.add_argument("--url", metavar="URL",
                        help="the address the review is published at, as the header's"
                        " review.url (which it overrides): ClaimReview's and the page's"
                        " JSON-LD need it")
    parser.add_argument("--article", metavar="FILE",
                        help=f"{text_readers()} only: the article's text, to take each"
                        " quote's exact words and the words around it from")
    parser.add_argument("--paper", metavar="FILE",
                        help=f"{text_readers()} only: the paper's text or PDF, likewise")


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
    for option in ("article", "paper"):
        if getattr(args, option) and not FORMATS[chosen].reads_texts:
            raise ValueError(f"--{option} is for {text_readers()}, not {chosen}")
    # The rule review.url follows in the file.
    if args.url is not None and not (URL.fits(args.url) and args.url.isprintable()):
        raise ValueError(f"--url expects {URL.expected}, got {args.url!r}")
    return chosen


def protected_files(args) -> list[str]:
    """The claims files `export -o` never writes: the -f file and the shipped one."""
    return [args.file, display_path(DEFAULT_FILE)]


def prepare_export(args) -> str | None:
    """Where -o must not write is said before anything else about it; then
    the format is chosen (args.format)."""
    if args.output is not None:
        reason = (output.refusal(args.output, protected_files(args)) if args.output
                  else "-o needs a file name")
        if reason is not None:
            return reason
    try:
        args.format = choose_format(args)
    except ValueError as error:
        return str(error)
    return None


def run_export(args, loaded: Loaded) -> int:
    # A hand-off must be complete: a file with problems is not exported.
    exit_code = report_problems(args, loaded)
    if exit_code:
        return exit_code
    document, fmt = loaded.document, FORMATS[args.format]
    if args.url is not None:
        document = replace(document, review={**(document.review or {}), "url": args.url})
    # Machine formats stay pure; the count goes beside them.  A filter that
    # matches nothing still writes the format, empty, for the script that reads it.
    claims, results = filtered(args, loaded, say_count=fmt.machine)
    extra = {}
    if fmt.reads_texts:
        from claimkit.annotations import read_texts  # lazy: only this format reads texts

        # A text that cannot be read raises LoadError: one line, exit 2 (run).
        extra["texts"] = read_texts(args.article, args.paper)
    try:
        text = fmt.render(document, claims, results, len(document.every_claim), **extra)
    except ExportError as error:
        print(f"kit.py: error: {display_path(args.file)}: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    with output.reader_may_leave():
        for line in fmt.notes(document, claims, **extra) if fmt.notes else ():
            print(f"kit.py: {line}", file=sys.stderr)
    if args.excel:
        text = "\ufeff" + text  # Excel reads UTF-8 only after a byte-order mark
    if args.output is not None:
        output.write_output(args.output, text)  # refused or not in prepare_export
    else:
        with output.reader_may_leave():
            output.write_utf8(text)  # a file format is UTF-8, whatever the locale
    return EXIT_OK


# -- init --------------------------------------------------------------------

def add_init_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--article", required=True, metavar="FILE",
                        help="the article's text (plain text or Markdown)")
    parser.add_argument("--paper", required=True, metavar="FILE",
                        help="the paper's text (pdftotext's or Markdown) or PDF")
    parser.add_argument("-o", "--output", default="claims.yaml", metavar="FILE",
                        help="the new claims file (default: claims.yaml here; - for"
                        " stdout)")


def prepare_init(args) -> str | None:
    if args.output != "-" and os.path.lexists(args.output):
        return f"{args.output} exists; init never writes over a file: give -o a new name"
    return None


def run_init(args, loaded: None) -> int:
    """Write a new claims file (prepare_init refused one that is there)."""
    from claimkit.init import InitError, scaffold  # lazy: only init reads texts so

    to_stdout = args.output == "-"
    try:
        text, summary = scaffold(args.article, args.paper, None if to_stdout else args.output)
    except InitError as error:
        print(f"kit.py: error: {clean(args.article)}: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    if to_stdout:
        with output.reader_may_leave():
            output.write_utf8(text)  # a claims file is UTF-8, whatever the locale
        return EXIT_OK
    output.write_new(args.output, text)
    shown = shlex.quote(display_path(args.output))
    print(clean(f"kit.py: wrote {display_path(args.output)}: {summary}; next: edit it,"
                f" then python kit.py check -f {shown}"), file=sys.stderr)
    return EXIT_OK


# -- the commands ------------------------------------------------------------

@record
class Command:
    """A command of the kit: adding one is one entry in COMMANDS."""

    help: str  # one line, for the usage text and the command's own --help
    run: Callable[[argparse.Namespace, Loaded | None], int]  # gives the exit code
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None
    filters: bool = False  # it takes --verdict, --attention, --section, ...
    # A usage error found in the command line before the file is read, or None.
    prepare: Callable[[argparse.Namespace], str | None] | None = None
    # It reads a claims file (-f), loaded before run; else run gets None.
    reads_file: bool = True


COMMANDS = {
    "list": Command(help="print the checklist", run=run_list, filters=True),
    "show": Command(help="print one claim, or one check, in full", run=run_show,
                    add_arguments=add_show_arguments),
    "check": Command(help="validate the file, its quotes and its checks", run=run_check,
                     add_arguments=add_check_arguments),
    "locate": Command(help="find where the paper (or the article) says something",
                      run=run_locate, add_arguments=add_locate_arguments,
                      prepare=prepare_locate),
    "init": Command(help="write a new claims file for an article and its paper",
                    run=run_init, add_arguments=add_init_arguments, prepare=prepare_init,
                    reads_file=False),
    "export": Command(help="write the claims in another format", run=run_export,
                      add_arguments=add_export_arguments, filters=True,
                      prepare=prepare_export),
}


class Parser(argparse.ArgumentParser):
    """argparse, with the arguments its errors echo shown escaped: an
    argument may hold an escape sequence.  Its subcommands' parsers are
    Parsers too."""

    def error(self, message: str):
        super().error(clean(message))


def build_parser(description: str | None = None) -> argparse.ArgumentParser:
    """The whole command line: one subparser per entry of COMMANDS."""
    file_help = "the claims file (default: claims.yaml beside kit.py)"
    # The exit codes are stated once, in kit.py --help.
    formatting = {"formatter_class": argparse.RawDescriptionHelpFormatter}
    file_option = argparse.ArgumentParser(add_help=False)
    # Before the command or after it (kit.py -f other.yaml list).  The
    # command's own -f has no default, so it never overwrites the first.
    file_option.add_argument(
        "-f", "--file", default=argparse.SUPPRESS, metavar="PATH",
        help=file_help,
    )
    filters = argparse.ArgumentParser(add_help=False)
    add_filters(filters)

    parser = Parser(prog="kit.py", description=description, epilog=EXIT_CODES,
                    **formatting)
    parser.add_argument("-f", "--file", default=DEFAULT_FILE, metavar="PATH",
                        help=file_help)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in COMMANDS.items():
        parents = [file_option] if command.reads_file else []
        parents += [filters] if command.filters else []
        subparser = subparsers.add_parser(
            name, help=command.help, parents=parents,
            description=command.help[0].upper() + command.help[1:] + ".", **formatting)
        if command.add_arguments is not None:
            command.add_arguments(subparser)
    return parser


def run(args) -> int:
    command = COMMANDS[args.command]
    refusal = command.prepare(args) if command.prepare is not None else None
    if refusal is not None:
        print(f"kit.py: error: {clean(refusal)}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        return command.run(args, load_document(args.file) if command.reads_file else None)
    except LoadError as error:
        print_problems([error.problem], None, getattr(args, "output_format", "text"))
        return EXIT_UNREADABLE


def parse_and_run(argv: list[str], description: str | None) -> int:
    parser = build_parser(description)
    if not argv:  # `kit.py` alone: what can it do?
        parser.print_help()
        return EXIT_OK
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help, or a usage error (argparse says 2)
        return exit.code if isinstance(exit.code, int) else EXIT_UNREADABLE
    return run(args)


def main(argv: Sequence[str] | None = None, description: str | None = None) -> int:
    """Run the kit; every fault of the output, and a signal, is one line."""
    argv = sys.argv[1:] if argv is None else list(argv)
    with output.streams(), output.ending_signals():
        code = None
        try:
            output.take_signals()  # inside the try, for one held back since start-up
            code = parse_and_run(argv, description)
            sys.stdout.flush()
            return code
        except BrokenPipeError:  # the reader has all it wanted (`| head`)
            output.silence_closed_pipes()
            return EXIT_UNREADABLE if code is None else code
        except OSError as error:
            # The files the kit reads and writes turn their own errors into
            # messages where they are opened: this is stdout failing.
            message = f"error: cannot write to standard output: {error.strerror or error}"
            code = EXIT_UNREADABLE
        except output.OutputError as error:
            message, code = f"error: {error}", EXIT_UNREADABLE
        except (KeyboardInterrupt, output.Signalled) as error:
            signum = error.signum if isinstance(error, output.Signalled) else signal.SIGINT
            message, code = output.SIGNALS[signum][0], 128 + signum
        output.abandon(sys.stdout)  # what is still buffered may never be taken
        with contextlib.suppress(OSError):  # a stderr that fails too: nowhere left to say it
            print(f"kit.py: {clean(message)}", file=sys.stderr)
        return code
