"""The commands that write a file: `export` (the claims in another format)
and `init` (a new claims file); each has a prepare_NAME that refuses a
wrong target before the claims file is read."""
import argparse
import os
import shlex
from dataclasses import replace

from claimkit import output, session
from claimkit.annotations import read_texts
from claimkit.display import ExportError
from claimkit.formats import FORMATS, format_for, text_readers
from claimkit.schema import URL
from claimkit.session import (
    EXIT_OK,
    EXIT_UNREADABLE,
    Loaded,
    display_path,
    filtered,
    report_problems,
    say,
)

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


def protected_files(args) -> dict[str, str]:
    """The files `export -o` never writes, and what each is: the claims files
    (the -f file and the shipped one) and the texts the export reads."""
    protected = {display_path(session.DEFAULT_FILE): "the claims file",
                 args.file: "the claims file"}
    for option in ("article", "paper"):
        if getattr(args, option):
            protected[getattr(args, option)] = f"the {option} text"
    return protected


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
        # A text that cannot be read raises LoadError: one line, exit 2 (run).
        extra["texts"] = read_texts(args.article, args.paper)
    try:
        text = fmt.render(document, claims, results, len(document.every_claim), **extra)
    except ExportError as error:
        say(f"error: {display_path(args.file)}: {error}")
        return EXIT_UNREADABLE
    for line in fmt.notes(document, claims, **extra) if fmt.notes else ():
        say(line)
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
        say(f"error: {args.article}: {error}")
        return EXIT_UNREADABLE
    if to_stdout:
        with output.reader_may_leave():
            output.write_utf8(text)  # a claims file is UTF-8, whatever the locale
        return EXIT_OK
    output.write_new(args.output, text)
    shown = shlex.quote(display_path(args.output))
    say(f"wrote {display_path(args.output)}: {summary}; next: edit it, then python kit.py"
        f" check -f {shown}")
    return EXIT_OK
