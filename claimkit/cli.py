"""CLI: argparse, and main() that runs load → validate → evaluate → render."""
import argparse
import contextlib
import signal
import sys
from collections.abc import Callable, Sequence

from claimkit import __version__, commands, output, session, writing
from claimkit.display import clean
from claimkit.load import LoadError
from claimkit.locate import add_locate_arguments, prepare_locate
from claimkit.model import record
from claimkit.problem_formats import print_problems
from claimkit.session import (
    EXIT_OK,
    EXIT_UNREADABLE,
    Loaded,
    add_filters,
    load_document,
    say,
)

EXIT_CODES = """\
exit codes:
  0  ok: the file is clean (and, for check, every quote and check holds);
     a filter that matches no claim is no error ("no claim matches ...")
  1  the claims have problems (each printed as FILE:LINE:COL: error[CODE]: ...)
  2  a file could not be read, parsed or written, or the command line was wrong
""" + "".join(f"  {128 + signum}  {words} ({sent})\n"  # the shell's code for a signal
              for signum, (words, sent) in sorted(output.SIGNALS.items()))


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
    "list": Command(help="print the checklist", run=commands.run_list, filters=True),
    "show": Command(help="print one claim, or one check, in full", run=commands.run_show,
                    add_arguments=commands.add_show_arguments),
    "check": Command(help="validate the file, its quotes and its checks",
                     run=commands.run_check, add_arguments=commands.add_check_arguments),
    "locate": Command(help="find where the paper (or the article) says something",
                      run=commands.run_locate, add_arguments=add_locate_arguments,
                      prepare=prepare_locate),
    "init": Command(help="write a new claims file for an article and its paper",
                    run=writing.run_init, add_arguments=writing.add_init_arguments,
                    prepare=writing.prepare_init, reads_file=False),
    "export": Command(help="write the claims in another format", run=writing.run_export,
                      add_arguments=writing.add_export_arguments, filters=True,
                      prepare=writing.prepare_export),
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
    parser.add_argument("-f", "--file", default=session.DEFAULT_FILE, metavar="PATH",
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
        say(f"error: {refusal}")
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
