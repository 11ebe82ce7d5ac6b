"""PDF: a paper's text, read from a PDF through pdftotext (poppler-utils)."""
import os
import resource
import shutil
import signal
import subprocess
import tempfile

from claimkit.load import MAX_BYTES, LoadError, read_bytes, read_text
from claimkit.model import TEXT_LINE_BREAK, shorten
from claimkit.problems import Problem

# pdftotext runs for at most this long and in this much address space, and
# its text is refused past MAX_BYTES (as a text file is): a hostile PDF
# (a compression bomb, a loop of objects) costs no more than that.
PDFTOTEXT_SECONDS = 300
PDFTOTEXT_MEMORY = 1 << 30


def _limit_pdftotext() -> None:
    """In pdftotext's process: its memory, and the size of what it writes
    (past it, SIGXFSZ ends it)."""
    resource.setrlimit(resource.RLIMIT_AS, (PDFTOTEXT_MEMORY, PDFTOTEXT_MEMORY))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_BYTES + 1, MAX_BYTES + 1))


def read_paper(path: str) -> str:
    """The paper's text: a text file as it is, or a PDF through pdftotext.
    Raises LoadError."""
    # Refuses a FIFO or a device before pdftotext could wait on it.
    head = read_bytes(path, path, 5)
    if not (path.lower().endswith(".pdf") or head == b"%PDF-"):
        return read_text(path, path, TEXT_LINE_BREAK)

    def fail(message: str, code: str = "pdf-unreadable") -> LoadError:
        return LoadError(Problem.at(path, (1, 1), code, message))

    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        raise fail("reading a PDF needs pdftotext: install poppler-utils"
                   " (apt-get install poppler-utils), or pass the paper's text"
                   " (pdftotext paper.pdf paper.txt)")
    # Plain mode, not -layout: -layout keeps the two columns of a page side by
    # side on each line, which cuts every sentence in two.  The path is made
    # absolute, so that a name such as "-layout" is never read as an option.
    # Its text and messages go to files, which RLIMIT_FSIZE caps.
    with tempfile.TemporaryFile() as text, tempfile.TemporaryFile() as messages:
        try:
            result = subprocess.run(
                [pdftotext, "-enc", "UTF-8", os.path.abspath(path), "-"],
                stdin=subprocess.DEVNULL, stdout=text, stderr=messages,
                timeout=PDFTOTEXT_SECONDS, preexec_fn=_limit_pdftotext, check=False)
        except subprocess.TimeoutExpired:
            raise fail(f"pdftotext took longer than {PDFTOTEXT_SECONDS} seconds") from None
        except OSError as error:
            raise fail(f"pdftotext failed: {error}") from None
        if result.returncode == -signal.SIGXFSZ:
            raise fail(f"the PDF's text is larger than the limit of"
                       f" {MAX_BYTES / (1024 * 1024):g} MB", "too-large")
        if result.returncode != 0:
            messages.seek(0)
            detail = " ".join(messages.read(4096).decode("utf-8", "replace").split())
            if result.returncode < 0:
                detail = f"it ended on {signal.Signals(-result.returncode).name}; {detail}"
            raise fail(f"pdftotext could not read it: {shorten(detail, 200)}")
        text.seek(0)
        return text.read().decode("utf-8", "replace")
