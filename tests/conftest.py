"""Shared helpers: inline claims files and a runner for kit.main()."""
import os
import sys

import pytest
from hypothesis import HealthCheck, settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import kit  # noqa: E402

# In CI hypothesis tries the same examples on every run (seeded by each
# test), so a red run there always means a changed line; elsewhere each run
# tries new ones.  (Recent hypothesis loads a profile like this one itself
# where it sees CI; older releases that requirements-dev allows do not.)
settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

SHIPPED = os.path.join(ROOT, "claims.yaml")
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
ARTICLE = os.path.join(SHARED, "000_a430543c8a9d67c7.txt")
TOC = os.path.join(SHARED, "paper-toc.yaml")

HEADER = """\
article: {title: An article, outlet: The Outlet, date: "2024-07-24"}
paper: {title: A paper, authors: Someone, arxiv: "2407.21783", url: "https://arxiv.org/abs/2407.21783", date: "2024-07-23"}
review: {reviewer: Tester, date: "2026-11-27"}
sections:
  "1": {title: Introduction, page: 1}
  "3.3": {title: Infrastructure, page: 8}
  "3.3.1": {title: Training Infrastructure, page: 8}
  "11": {title: Contributors, page: null}
"""

GPUS = """\
  - id: gpus-16k
    claim: More than 16K GPUs were used.
    article_quote: used more than 16K H100 GPUs
    source:
      section: "3.3.1"
      title: Training Infrastructure
      page: 8
      quote: trained on up to 16K H100 GPUs
    verdict: overstated
    note: The paper says up to 16K.
    value: 16000
    unit: GPUs
"""

SIZES = """\
  - id: model-sizes
    claim: There are 8B, 70B and 405B models.
    article_quote: with 8B, 70B, and 405B versions
    source:
      section: "1"
      title: Introduction
      quote: a herd of three language models with 8B, 70B, and 405B parameters.
    verdict: supported
"""

LICENSE = """\
  - id: license-outputs
    claim: The license allows using outputs to improve other models.
    article_quote: use the output of the Llama model to enhance other models
    source:
      url: https://ai.meta.com/blog/meta-llama-3-1/
      quote: allowing developers to use the outputs from Llama models
    verdict: not-in-paper
    note: From the blog.
"""

LEAK = """\
  - id: leak
    claim: It leaked two days early.
    article_quote: accidental leak
    source: {}
    verdict: unsourced
    note: Nothing found yet.
"""

# A contradicted claim citing §11, a section with no page.
CONTRIBUTORS = """\
  - id: contributors
    claim: The paper was written by one person.
    article_quote: written by a single author
    source:
      section: "11"
      title: Contributors
      quote: the work of a large number of people
    verdict: contradicted
    note: The paper lists hundreds of contributors.
"""


# GPUS with two further references: one in §3.3 of the paper, one outside.
REFERENCED = GPUS.replace("    verdict: overstated\n", """\
    references:
      - section: "3.3"
        title: Infrastructure
        page: 9
        locator: Table 4
        quote: The run on 16,384 GPUs
      - url: https://example.org/llama-2
        quote: We trained on 2 trillion tokens
        quote_exact: false
    verdict: overstated
""")


def document(claims: str = GPUS + SIZES + LICENSE + LEAK, extra: str = "") -> str:
    """A small claims file: the header, the given claims, then extra text."""
    return HEADER + "claims:\n" + claims + extra


def with_changes(record, **changes):
    """A copy of a record with some fields changed (records are immutable)."""
    return type(record)(**{**{name: getattr(record, name) for name in record.__slots__},
                           **changes})


def versioned(document_, locator="Table 4"):
    """The document as the header will give it: paper.version, and a locator
    on the first claim (the validator fills neither yet)."""
    first = document_.claims[0]
    claims = [with_changes(first, source=with_changes(first.source, locator=locator)),
              *document_.claims[1:]]
    return with_changes(document_, paper={**document_.paper, "version": "v3"},
                        claims=claims)


def position(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, col) where the n-th occurrence of needle starts."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"Result({self.code!r}, out={self.out!r}, err={self.err!r})"


@pytest.fixture
def run(capsys, monkeypatch):
    """Run kit.main(argv) and capture (code, stdout, stderr)."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "100")

    def run_kit(*argv: str) -> Result:
        code = kit.main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run_kit


@pytest.fixture
def claims_file(tmp_path):
    """Write text to tmp_path/claims.yaml and return its path as a string."""

    def write(text: str, name: str = "claims.yaml") -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write
