"""PDF: a paper's text, read from a PDF through pdftotext (poppler-utils)."""
import os
import shutil
import subprocess

from claimkit.load import LoadError, read_text
from claimkit.model import TEXT_LINE_BREAK, shorten
from claimkit.problems import Problem


def read_paper(path: str) -> str:
    """The paper's text: a text file as it is, or a PDF through pdftotext."""
    with_pdf = path.lower().endswith(".pdf")
    if not with_pdf and os.path.isfile(path):
        try:
            with open(path, "rb") as handle:
                with_pdf = handle.read(5) == b"%PDF-"
        except OSError:
            pass  # read_text says what is wrong with the file
    if not with_pdf:
        return read_text(path, path, TEXT_LINE_BREAK)
    def fail(message: str) -> LoadError:
        return LoadError(Problem.at(path, (1, 1), "pdf-unreadable", message))

    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        raise fail("reading a PDF needs pdftotext: install poppler-utils"
                   " (apt-get install poppler-utils), or pass the paper's text"
                   " (pdftotext paper.pdf paper.txt)")
    # Plain mode, not -layout: -layout keeps the two columns of a page side by
    # side on each line, which cuts every sentence in two.
    try:
        result = subprocess.run([pdftotext, "-enc", "UTF-8", path, "-"],
                                capture_output=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise fail(f"pdftotext failed: {error}") from None
    if result.returncode != 0:
        detail = " ".join(result.stderr.decode("utf-8", "replace").split())
        raise fail(f"pdftotext could not read it: {shorten(detail, 200)}")
    return result.stdout.decode("utf-8", "replace")
