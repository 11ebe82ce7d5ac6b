# Ctrl-C, and a hang-up, quit or terminate signal, wait while Python imports
# the kit: cli.main lets them in where it can clean up and end the run with
# one line and the signal's exit code (claimkit/output.py, SIGNALS).  The
# mask is set through _signal, the C module that Python has loaded at start
# and that `signal` wraps: `import signal` first imports enum, some
# milliseconds in which a Ctrl-C was a traceback.
import _signal

HELD = {_signal.SIGHUP, _signal.SIGINT, _signal.SIGQUIT, _signal.SIGTERM}
if __name__ == "__main__":
    _signal.pthread_sigmask(_signal.SIG_BLOCK, HELD)

from collections.abc import Sequence  # noqa: E402 (imported after the mask is set)

from claimkit import cli  # noqa: E402

# The usage text, and the module's docstring: python -OO drops docstrings.
USAGE = __doc__ = """\
kit.py: check one news article's claims against the paper it reports on.

usage: python kit.py [-f PATH] COMMAND [options]

  list     print the checklist (filters: --verdict V, --attention,
           --section S, --search TEXT, --sort id|section|verdict)
  show ID  print one claim in full, the article's words beside the source's;
           or one check: what it computes, from which claims, what it gave
  check    validate claims.yaml; with --article FILE / --paper FILE (or the
           header's article.text / paper.text) also find every quote in
           those texts and audit the article's coverage (--strict: untracked
           sentences and figures fail; --output-format github: problems as
           GitHub Actions annotations)
  locate   TEXT (or --claim ID) --paper FILE (or --article FILE): the passages
           that best match, with section, page and score, and the best one
           as a source: block to paste (--reference: as a further reference)
  export   --format json|markdown|csv|claimreview|html|annotations [-o FILE]
           (--url URL: the review's published address; --article/--paper
           FILE: the texts the annotations take each quote's context from)
  init     --article FILE --paper FILE [-o NEW]: a new claims file, with a
           claim stub per checkable sentence; never over a file

-f/--file PATH picks the claims file (default: claims.yaml beside kit.py),
before the command or after it.  The kit reads claims.yaml and never writes it.
kit.py alone prints this help; --version prints the version.

exit codes: 0 ok, 1 the claims have problems, 2 a file could not be read,
parsed or written, or the command line was wrong; a signal ends a run with
the shell's code for it: 129 hung up (SIGHUP), 130 interrupted (Ctrl-C), 131
quit (Ctrl-\\), 143 terminated (SIGTERM).

The sections of the kit follow the data: claimkit/load.py (YAML text to
positioned nodes, over scalars.py and syntax.py) → model.py and problems.py
(the value types) → validate.py → evaluate.py (arithmetic checks), quotes.py
and coverage.py (quote and coverage checks, over texts.py, pages.py,
words.py, sentences.py and pdf.py), locate.py (where a text says something) →
checklist.py (the terminal) and formats.py (the exports: export_data,
markdown, claimreview, html_page and annotations, over display.py) →
output.py (where output goes) → selection.py (the filters) → session.py
(the loaded file), commands.py (list, show, check, locate) and writing.py
(export, init) → cli.py (argparse and main); init.py writes a new claims
file from the texts.
"""


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, description=USAGE.split("\n\n")[0])


if __name__ == "__main__":
    raise SystemExit(main())
