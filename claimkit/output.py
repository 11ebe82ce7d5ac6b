"""Where the kit's output goes: stdout, stderr and `export -o`, each fault one outcome.

- `channels()` wraps sys.stdout and sys.stderr for one run.  A closed or
  failing stdout becomes an OutputError (one line, exit 2); a closed pipe
  (`| head`) silences stdout and lets the command finish with its own exit
  code; a stdout that cannot encode the marks gets ASCII ones; stderr never
  fails and is never stdout, even when it is closed.  SIGTERM raises
  Terminated, so that whatever is being written is cleaned up.
- `refusal(path, protected)` says why `-o` must not be written: anything but
  a regular or new file and a stream, and any claims file; then
  `write_output(path, text)` writes it: a regular or new file atomically,
  through symlinks to their target; a character device, a FIFO or a file
  descriptor (/dev/stdout) as a stream.
"""
import contextlib
import errno
import os
import re
import signal
import stat
import sys

from claimkit.model import YAML_LINE_BREAK, escape_controls
from claimkit.schema import DOCUMENT

# The marks the kit draws, for a stdout that cannot encode them (LC_ALL=C
# without UTF-8 mode, PYTHONIOENCODING=ascii).  One character each, so the
# checklist's columns stay aligned; any other character that the encoding
# lacks is shown escaped (\u2026).
ASCII_MARKS = str.maketrans({
    "✔": "+", "✘": "x", "▲": "^", "≈": "~", "○": "o", "☐": "_", "‼": "!",
    "─": "-", "—": "-", "→": ">", "·": "-", "§": "S", "±": "~",
})


class OutputError(Exception):
    """Output that cannot be written; the message is one line for stderr."""


class Terminated(BaseException):
    """SIGTERM arrived.  A BaseException, like KeyboardInterrupt, so that
    cleanup code that re-raises everything sees it and nothing swallows it."""


def encodable(text: str, encoding: str) -> str:
    """The text as an `encoding` stream can take it: ASCII marks, then escapes."""
    return text.translate(ASCII_MARKS).encode(encoding, "backslashreplace").decode(encoding)


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


class Channel:
    """sys.stdout or sys.stderr for one run, with every fault handled once.

    `name` is None for stderr, whose faults are silent: there is nowhere left
    to report them.  For stdout, a closed pipe is silent too (the reader has
    all it wanted); any other fault raises OutputError.
    """

    def __init__(self, stream, name: str | None) -> None:
        self.stream, self.name, self.failed = stream, name, False

    @property
    def encoding(self) -> str:
        return getattr(self.stream, "encoding", None) or "utf-8"

    def isatty(self) -> bool:
        try:
            return self.stream is not None and self.stream.isatty()
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        if self.stream is None:
            raise OSError(errno.EBADF, "closed")
        return self.stream.fileno()

    def write(self, text: str) -> int:
        self._attempt(self._write, text)
        return len(text)

    def write_utf8(self, text: str) -> None:
        """Write a file format's text as UTF-8 bytes, whatever the locale says."""
        buffer = getattr(self.stream, "buffer", None)
        if buffer is None:
            self.write(text)
            return
        self._attempt(self._write_bytes, buffer, text.encode("utf-8"))

    def flush(self) -> None:
        if self.stream is not None:  # nothing was written to a closed stream
            self._attempt(self.stream.flush)

    def _write(self, text: str) -> None:
        if self.name is None:  # stderr: a file name or argument echoed in a
            text = escape_controls(text)  # message never acts on the terminal
        try:
            self.stream.write(text)
        except UnicodeEncodeError:  # nothing was written: the text is encoded first
            self.stream.write(encodable(text, self.encoding))

    def _write_bytes(self, buffer, data: bytes) -> None:
        self.stream.flush()
        buffer.write(data)

    def _attempt(self, action, *args) -> None:
        if self.failed:
            return
        if self.stream is None:
            self._fail(None)
            return
        try:
            action(*args)
        except (OSError, ValueError) as error:  # ValueError: the stream was closed
            self._fail(error)

    def _fail(self, error: Exception | None) -> None:
        self.failed = True
        abandon(self.stream)
        if self.name is None or isinstance(error, BrokenPipeError):
            return
        if error is None:
            raise OutputError(f"{self.name} is closed")
        reason = getattr(error, "strerror", None) or error
        raise OutputError(f"cannot write to {self.name}: {reason}")


def _terminate(signum, frame):
    raise Terminated


@contextlib.contextmanager
def channels():
    """sys.stdout and sys.stderr as Channels, and SIGTERM raising Terminated,
    for the duration; the streams and the handler are restored after."""
    saved = sys.stdout, sys.stderr
    sys.stdout = Channel(sys.stdout, "standard output")
    sys.stderr = Channel(sys.stderr, None)
    try:
        handler = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread, where only handlers may be set
        handler = None
    try:
        yield sys.stdout
    finally:
        if handler is not None:
            signal.signal(signal.SIGTERM, handler)
        sys.stdout, sys.stderr = saved


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


def refusal(path: str, protected: list[str]) -> str | None:
    """Why `path` must not be written, or None.  Follows symlinks."""
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
    for name in protected:
        with contextlib.suppress(OSError):
            if os.path.samefile(name, path):
                return f"refusing to write over the claims file {name}"
    try:
        if is_claims_file(path):
            return f"refusing to write over the claims file {path}"
    except OSError as error:
        return f"cannot write {path}: {error.strerror}"
    # A YAML file may be a claims file in any state; a link or /dev/stdout
    # is named by what it leads to.
    real = os.path.realpath(path)
    if os.path.splitext(real)[1].lower() in (".yaml", ".yml"):
        shown = path if real == os.path.abspath(path) else f"{real} ({path} leads to it)"
        return f"refusing to write over the YAML file {shown}: the kit never writes claims files"
    if through_descriptor(path):
        return None  # opened by the shell already, to be written into
    # The rename would go around the file's own mode; the shell's > would not.
    if not info.st_mode & 0o222:
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
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o7777  # keep an existing file's mode
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask  # what open() would have given a new file
    # A signal between mkstemp and the try below would leave the temp file;
    # held back until then, it arrives inside the try and is cleaned up.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
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
