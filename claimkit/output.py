"""Where the kit's output goes, and the signals that end a run.

- `streams()` readies stdout and stderr for one run with the standard
  library's own means: a stdout that cannot encode a mark gets its ASCII
  stand-in (its codec's error handler), a closed stdout (`>&-`) is an
  OutputError at its first write, and a closed stderr writes nowhere, never
  to stdout.  A write that meets a closed pipe (`| head`) raises
  BrokenPipeError: `reader_may_leave()` ends that output quietly where the
  command's exit code is known, and cli.main catches what is left.
- `ending_signals()` makes HUP, INT, QUIT and TERM exceptions (SIGNALS), so
  that whatever is being written is cleaned up and the run ends with one
  line and the shell's exit code for the signal; kit.py holds them back
  while Python imports the kit, and `take_signals()` lets them in.
- `refusal(path, protected)` says why `-o` must not be written: a file the
  run reads, anything but a regular or new file and a stream, any claims
  file, a read-only file; then
  `write_output(path, text)` writes it: a regular or new file atomically,
  through symlinks to their target; a character device, a FIFO or a file
  descriptor (/dev/stdout) as a stream.
"""
import codecs
import contextlib
import errno
import io
import os
import re
import select
import signal
import stat
import sys

from claimkit.model import YAML_LINE_BREAK
from claimkit.schema import DOCUMENT

# The marks the kit draws, for a stdout that cannot encode them (LC_ALL=C
# without UTF-8 mode, PYTHONIOENCODING=ascii).  One character each, so the
# checklist's columns stay aligned; any other character that the encoding
# lacks is shown escaped (\u2026).
ASCII_MARKS = str.maketrans({
    "✔": "+", "✘": "x", "▲": "^", "≈": "~", "○": "o", "☐": "_", "‼": "!",
    "─": "-", "—": "-", "→": ">", "·": "-", "§": "S", "±": "~",
})

# The signals that end a run: the line that says so, and how a person sends
# it.  The exit code is the shell's for each, 128 + its number (SIGINT: 130).
SIGNALS = {
    signal.SIGHUP: ("hung up", "SIGHUP: the terminal closed"),
    signal.SIGINT: ("interrupted", "Ctrl-C"),
    signal.SIGQUIT: ("quit", "Ctrl-\\"),
    signal.SIGTERM: ("terminated", "SIGTERM"),
}


# The few styles the kit writes without rich (`check`, whose problems are
# printed where rich's ~0.1 s import would be most of the run): SGR codes.
STYLES = {"bold": "1", "red": "1;31", "yellow": "1;33", "cyan": "1;36", "green": "1;32"}


def wants_colour(stream) -> bool:
    """Colour by the rules rich applies to the checklist: never under
    NO_COLOR, always under FORCE_COLOR (NO_COLOR wins), else in a terminal
    that is not a dumb one."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        terminal = stream.isatty()
    except (AttributeError, OSError, ValueError):
        return False
    return terminal and os.environ.get("TERM") != "dumb"


def styled(parts, colour: bool) -> str:
    """(text, style) parts as one line, a style being a key of STYLES or
    None; with `colour`, each style the terminal's escape around its text.
    The texts are the caller's, cleaned (display.clean), so that only the
    kit's own escapes reach the terminal, never one from the data."""
    return "".join(f"\x1b[{STYLES[style]}m{text}\x1b[0m" if colour and style and text
                   else text for text, style in parts)


class OutputError(Exception):
    """Output that cannot be written; the message is one line for stderr."""


class Signalled(BaseException):
    """SIGHUP, SIGQUIT or SIGTERM arrived.  A BaseException, like
    KeyboardInterrupt (SIGINT), so that cleanup code that re-raises
    everything sees it and nothing swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _ascii_marks(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start:error.end].translate(ASCII_MARKS)
    return text.encode("ascii", "backslashreplace").decode("ascii"), error.end


codecs.register_error("claimkit.ascii-marks", _ascii_marks)


class _ClosedStdout(io.TextIOBase):
    """sys.stdout when the shell closed it (`>&-`), where Python leaves None
    and print() would write nothing without a word."""

    def write(self, text: str) -> int:
        raise OutputError("standard output is closed")


@contextlib.contextmanager
def streams():
    """stdout and stderr ready for one run, and as they were after."""
    saved = sys.stdout, sys.stderr
    errors = None
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    elif isinstance(sys.stdout, io.TextIOWrapper):
        errors = sys.stdout.errors
        sys.stdout.reconfigure(errors="claimkit.ascii-marks")
    if sys.stderr is None:  # print(file=None) would write to stdout
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (closed below)
    try:
        yield
    finally:
        if sys.stderr is not saved[1]:
            sys.stderr.close()
        sys.stdout, sys.stderr = saved
        if errors is not None:
            with contextlib.suppress(OSError, ValueError):  # a stdout already given up
                sys.stdout.reconfigure(errors=errors)


def write_utf8(text: str) -> None:
    """Write a file format's text to stdout as UTF-8, whatever the locale says."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8"))


@contextlib.contextmanager
def reader_may_leave():
    """Output whose reader may stop reading (`| head`): a closed pipe ends it
    quietly, and the command goes on to its own exit code."""
    try:
        yield
    except BrokenPipeError:
        silence_closed_pipes()


def silence_closed_pipes() -> None:
    """Point stdout and stderr, where each is a pipe whose reader has gone,
    at /dev/null: later writes, and Python's flush at exit, then succeed."""
    poller, by_descriptor = select.poll(), {}
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # no descriptor
            by_descriptor[stream.fileno()] = stream
            poller.register(stream.fileno(), select.POLLOUT)
    for descriptor, events in poller.poll(0):
        if events & select.POLLERR:  # a pipe with no reader
            abandon(by_descriptor[descriptor])


def abandon(stream) -> None:
    """Point the process's own stdout or stderr at /dev/null.

    Python flushes them at exit; what is still buffered for a closed pipe, a
    full disk or a reader that stopped reading would fail or block there again.
    """
    if stream is None or stream not in (sys.__stdout__, sys.__stderr__):
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _end_run(signum, frame):
    # The others are held from here on, so a second Ctrl-C cannot cut the
    # cleanup short; cli.main sets the mask back as it found it.
    signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Signalled(signum)


@contextlib.contextmanager
def ending_signals():
    """SIGNALS raise (_end_run) for the duration; their handlers and the
    signal mask are as they were after."""
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, ())
    try:
        handlers = {signum: signal.signal(signum, _end_run) for signum in SIGNALS}
    except ValueError:  # not the main thread, where only handlers may be set
        handlers = {}
    try:
        yield
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def take_signals() -> None:
    """Let in SIGNALS that kit.py held back while Python imported the kit;
    one that came meanwhile arrives here, inside cli.main's try."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)


# -- export -o ---------------------------------------------------------------

# /proc/PID/fd and /proc/PID/task/TID/fd: what /dev/stdout and /dev/fd/N lead to.
_DESCRIPTORS = re.compile(r"/proc/[^/]+(?:/task/[^/]+)?/fd")
_KINDS = {stat.S_IFDIR: "a directory", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket"}
# How much of a file is read to tell whether it is a claims file.
HEAD_BYTES = 64 * 1024
_CLAIMS_KEY = re.compile(f"[\"']?(?:{'|'.join(DOCUMENT.fields)})[\"']?[ \t]*:(?:[ \t]|$)")


def through_descriptor(path: str) -> bool:
    """Whether the path is, or links through, an open file descriptor:
    /dev/stdout, /dev/fd/1, /proc/self/fd/1.  Their target is what the shell
    opened (`>> log`), to be written into, never replaced."""
    for _ in range(40):  # the kernel's own limit on a chain of links
        folder = os.path.dirname(os.path.abspath(path))
        if _DESCRIPTORS.fullmatch(os.path.realpath(folder)):
            return True
        if not os.path.islink(path):
            return False
        path = os.path.join(folder, os.readlink(path))
    return False


def is_stream(path: str) -> bool:
    """Whether `-o path` is written as a stream: a file descriptor, a
    character device or a FIFO, rather than a file of its own."""
    if through_descriptor(path):
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def is_claims_file(path: str) -> bool:
    """Whether a file is a claims file by what it is, not by whether it
    parses (the claims file someone is editing, broken, is the one most in
    need of protection): the first line of its head that holds YAML starts
    with a top-level key of a claims file (claims:, article:, …).  The JSON
    export starts with `{`: a new export may replace it.
    """
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    # UTF-16 writes an ASCII key with a 0 beside each character.
    text = head.replace(b"\0", b"").decode("utf-8", "replace").lstrip("\ufeff\ufffd")
    for line in YAML_LINE_BREAK.split(text):
        if line.strip() and not line.lstrip().startswith(("#", "%", "---")):
            return _CLAIMS_KEY.match(line) is not None
    return False


def refusal(path: str, protected: dict[str, str]) -> str | None:
    """Why `path` must not be written, or None.  protected maps the files the
    run reads to what each is ("the claims file"), never written over.
    Follows symlinks."""
    if os.path.basename(path) in ("", ".", ".."):  # new.json/ names a directory
        return f"refusing to write {path}: it names a directory"
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"cannot write {path}: {error.strerror}"
    if stat.S_IFMT(info.st_mode) in _KINDS:
        return f"refusing to write {path}: it is {_KINDS[stat.S_IFMT(info.st_mode)]}"
    if not stat.S_ISREG(info.st_mode):
        return None
    try:
        return _protected_refusal(path, protected) or _mode_refusal(path, info.st_mode)
    except OSError as error:
        return f"cannot write {path}: {error.strerror}"


def _protected_refusal(path: str, protected: dict[str, str]) -> str | None:
    """A file the run reads (protected), or any claims file, is never written."""
    for name, what in protected.items():
        with contextlib.suppress(OSError):
            if os.path.samefile(name, path):
                return f"refusing to write over {what} {name}"
    if is_claims_file(path):
        return f"refusing to write over the claims file {path}"
    # A YAML file may be a claims file in any state; a link or /dev/stdout
    # is named by what it leads to.
    real = os.path.realpath(path)
    if os.path.splitext(real)[1].lower() in (".yaml", ".yml"):
        shown = path if real == os.path.abspath(path) else f"{real} ({path} leads to it)"
        return f"refusing to write over the YAML file {shown}: the kit never writes claims files"
    return None


def _mode_refusal(path: str, mode: int) -> str | None:
    if through_descriptor(path):
        return None  # opened by the shell already, to be written into
    # The rename would go around the file's own mode; the shell's > would not.
    if not mode & 0o222:
        return f"refusing to write {path}: it is read-only"
    if not os.access(path, os.W_OK):
        return f"cannot write {path}: {os.strerror(errno.EACCES)}"
    return None


def write_output(path: str, text: str) -> None:
    """Write `-o`, or raise OutputError with the reason it was not written.

    - a regular file, or a new one: atomically, through symlinks to the file
      they name (the link stays a link);
    - a character device (/dev/null, a terminal), a FIFO with a reader, or a
      file descriptor (/dev/stdout, /dev/fd/N): as a stream (is_stream).

    The caller has refused the path already (refusal: a directory, a block
    device, a socket, a claims file), before rendering, so that the reason
    comes first and the target is read once.  What may change in between is
    only what kind of file stands there, which is looked at here again: a
    FIFO that no one reads fails (ENXIO), a directory fails to be replaced.
    """
    try:
        if is_stream(path):
            write_stream(path, text)
        else:
            write_atomically(os.path.realpath(path), text)
    except OSError as error:
        if error.errno == errno.ENXIO and stat.S_ISFIFO(_mode(path)):
            raise OutputError(f"cannot write {path}: no process is reading the FIFO") from None
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None


def _mode(path: str) -> int:
    try:
        return os.stat(path).st_mode
    except OSError:
        return 0


def write_stream(path: str, text: str) -> None:
    """Write into what is there, never creating or replacing it.

    A FIFO is opened without waiting: with no reader, that fails (ENXIO)
    rather than hang.  The bytes go out through os.write, unbuffered: after
    Ctrl-C at a stalled reader, a buffered file's close would flush, and
    block, again.
    """
    handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NOCTTY | os.O_NONBLOCK)
    try:
        os.set_blocking(handle, True)
        data = memoryview(text.encode("utf-8"))
        while data:
            data = data[os.write(handle, data):]
    finally:
        os.close(handle)


def write_atomically(path: str, text: str) -> None:
    """Write through a temp file in the same folder, then rename over."""
    import tempfile  # lazy: ~3 ms, and only a file written with -o needs it

    folder = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o7777  # keep an existing file's mode
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask  # what open() would have given a new file
    # A signal between mkstemp and the try below would leave the temp file;
    # held back until then, it arrives inside the try and is cleaned up.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    temp = None
    try:
        try:
            handle, temp = tempfile.mkstemp(dir=folder, prefix=".kit-", suffix=".tmp")
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.chmod(temp, mode)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise


def write_new(path: str, text: str) -> None:
    """Create a file that is not there (init's), or raise OutputError.

    O_EXCL: a file that appeared since it was looked for is never written
    over, nor is a dangling symlink's target made.  A write that fails
    leaves no half-written file behind.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise OutputError(f"{path} exists; init never writes over a file") from None
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
    except (OSError, BaseException) as error:
        with contextlib.suppress(OSError):
            os.unlink(path)
        if isinstance(error, OSError):
            raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
        raise
