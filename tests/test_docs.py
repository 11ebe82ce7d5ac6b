"""README.md and docs/ show the kit's real output, and link to files that exist.

Every example runs on tests/fixtures/example/: seven claims taken from
claims.yaml, with a stand-in article and paper text.  Never on the shipped
claims.yaml, so a claim added there changes no example.  An example is the
fenced block after a given line of a doc; a block that starts with
`$ python kit.py ...` shows the command it runs.  When the kit's output
differs, the failure names the command that prints it anew:

    python tests/test_docs.py NAME
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KIT = ROOT / "kit.py"
EXAMPLE = "tests/fixtures/example"
README_LINES = 300


def read(doc: str) -> str:
    return (ROOT / doc).read_text(encoding="utf-8")


def block_after(doc: str, line: str) -> str:
    """The first fenced block after `line` in the doc, without its fences."""
    text = read(doc)
    assert text.count(line) == 1, f"{doc} should hold {line!r} once"
    return text.split(line, 1)[1].split("```", 2)[1].split("\n", 1)[1]


def replace_once(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert text.count(old) == 1, old
        return text.replace(old, new)
    return edit


def edits(*steps: Callable[[str], str]) -> Callable[[str], str]:
    def edit(text: str) -> str:
        for step in steps:
            text = step(text)
        return text
    return edit


# The h100-gpus-16k claim, the one the walk-throughs edit.
COLON = replace_once("    claim: More than 16,000 H100 GPUs were used to train the 405B.\n",
                     "    claim: H100 GPUs used: more than 16,000.\n")
QUOTED = replace_once("    claim: More than 16,000 H100 GPUs were used to train the 405B.\n",
                      '    claim: "H100 GPUs used: more than 16,000."\n')
CAPITAL = replace_once("    verdict: imprecise\n", "    verdict: Imprecise\n")
SECTION = replace_once('      section: "3.3.1"', '      section: "3.3.9"')
# The first claim's verdict line, written twice.
TWICE = replace_once("    verdict: overstated\n", "    verdict: overstated\n" * 2)
PAGE = replace_once("      page: 9 ", "      page: 10")
WORDS = replace_once("is trained on up to 16K H100 GPUs", "is trained on more than 16K H100 GPUs")


def PASTE(text: str) -> str:
    """The block the README's locate example prints, pasted into h100-gpus-16k."""
    shown = block_after("README.md", "and gives the best one as lines to paste:")
    block = shown.split("as a further reference:\n", 1)[1]
    return replace_once("    verdict: imprecise\n", block + "    verdict: imprecise\n")(text)


# The README's new article: init on the examples' texts.
INIT = ("init", "--article", "article.txt", "--paper", "paper.txt", "-o", "new.yaml")


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    """A command and the block of a doc that shows what it prints.

    Without an edit, a setup or copy, the command runs in the repo on the
    example files as they are.  With one, it runs in a temporary folder that
    holds the example files, claims.yaml edited, after the setup's commands.  What
    it prints is stdout and stderr as a terminal shows them, interleaved."""
    doc: str
    after: str
    argv: tuple[str, ...]
    code: int
    edit: Callable[[str], str] | None = None
    setup: tuple[tuple[str, ...], ...] = ()  # commands run before, each to exit 0
    copy: bool = False  # in the temporary folder even without an edit or a setup
    whole: bool = True  # else the block is a run of the output's lines


EXAMPLES = {
    "list": Example(
        doc="README.md", after="Here it is for the seven claims of the examples' file",
        argv=("list", "-f", f"{EXAMPLE}/claims.yaml"), code=0),
    "two-slips": Example(
        doc="docs/editing.md", after="does not list:\n",
        argv=("check", "-f", "claims.yaml"), code=1, edit=edits(TWICE, SECTION)),
    "syntax": Example(
        doc="docs/editing.md", after="the column, and what to do:\n",
        argv=("check", "-f", "claims.yaml"), code=2, edit=COLON),
    "bad-verdict": Example(
        doc="docs/editing.md", after="and mistype the verdict as `Imprecise`",
        argv=("check", "-f", "claims.yaml"), code=1, edit=edits(QUOTED, CAPITAL)),
    "locate": Example(
        doc="README.md", after="and gives the best one as lines to paste:",
        argv=("locate", "MFU on 16,384 GPUs", "--reference", "--paper",
              f"{EXAMPLE}/paper.txt", "-f", f"{EXAMPLE}/claims.yaml"), code=0),
    "pasted": Example(
        doc="README.md", after="file against the paper (here in a folder holding the examples'",
        argv=("check", "-f", "claims.yaml", "--paper", "paper.txt"), code=0,
        edit=lambda text: PASTE(text)),
    "github": Example(
        doc="docs/checking.md", after="that the file does not list), saved as `claims.yaml`:",
        argv=("check", "-f", "claims.yaml", "--output-format", "github"), code=1,
        edit=edits(TWICE, SECTION)),
    "article": Example(
        doc="docs/checking.md", after="the examples' article, whose last checkable sentence",
        argv=("check", "-f", f"{EXAMPLE}/claims.yaml", "--article", f"{EXAMPLE}/article.txt"),
        code=0),
    "paper": Example(
        doc="docs/checking.md", after="on the examples' paper",
        argv=("check", "-f", f"{EXAMPLE}/claims.yaml", "--paper", f"{EXAMPLE}/paper.txt"),
        code=0),
    "wrong-page": Example(
        doc="docs/checking.md", after="cites page 10 for a quote that stands on page 9",
        argv=("check", "-f", "claims.yaml", "--paper", "paper.txt"), code=1, edit=PAGE),
    "quote-not-found": Example(
        doc="docs/checking.md", after="16K\" for \"up to 16K\"), and the examples' paper is saved as",
        argv=("check", "-f", "claims.yaml", "--paper", "paper.txt"), code=1, edit=WORDS),
    "init": Example(
        doc="README.md", after="`check -f new.yaml --strict` proves them:",
        argv=INIT, code=0, copy=True),
    "check-new": Example(
        doc="docs/header.md", after="the stubs track every checkable sentence, so even",
        argv=("check", "-f", "new.yaml", "--strict"), code=0, setup=(INIT,)),
    "markdown": Example(
        doc="docs/exports.md", after="the examples' file in Markdown",
        argv=("export", "-f", f"{EXAMPLE}/claims.yaml", "--format", "markdown"), code=0,
        whole=False),
}

# YAML the docs show for copying: each stands as it is in the example file,
# which every example above checks.
YAML_EXAMPLES = [
    ("README.md", "Each claim in `claims.yaml` looks like this"),
    ("docs/checking.md", "with the start of the sentence and a reason"),
    ("docs/checking.md", "what is expected:"),
]


def run_example(example: Example) -> tuple[int, str]:
    """(exit code, stdout and stderr as a terminal interleaves them)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("FORCE_COLOR", "NO_COLOR")}
    env.update(COLUMNS="80", PYTHONUNBUFFERED="1", PYTHONUTF8="1")
    with tempfile.TemporaryDirectory() as folder:
        cwd = ROOT

        def kit(argv: tuple[str, ...]) -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, str(KIT), *argv], cwd=cwd, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, encoding="utf-8", timeout=120)

        if example.edit is not None or example.setup or example.copy:
            cwd = Path(folder)
            for name in os.listdir(ROOT / EXAMPLE):
                shutil.copy(ROOT / EXAMPLE / name, cwd / name)
            text = (cwd / "claims.yaml").read_text(encoding="utf-8")
            (cwd / "claims.yaml").write_text((example.edit or str)(text), encoding="utf-8")
        for argv in example.setup:
            assert kit(argv).returncode == 0, argv
        result = kit(example.argv)
    return result.returncode, result.stdout


def is_run_of(shown: list[str], lines: list[str]) -> bool:
    return any(lines[at:at + len(shown)] == shown for at in range(len(lines) - len(shown) + 1))


def regenerate(name: str) -> str:
    return (f"{EXAMPLES[name].doc} shows an output of {name!r} that the kit does not print;"
            f" print the real one with: python tests/test_docs.py {name}")


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_example_is_the_kits_real_output(name):
    example = EXAMPLES[name]
    shown = block_after(example.doc, example.after)
    if shown.startswith("$ "):
        command, shown = shown.split("\n", 1)
        assert command == "$ python kit.py " + shlex.join(example.argv), regenerate(name)
    code, printed = run_example(example)
    assert code == example.code, regenerate(name)
    if example.whole:
        assert shown == printed, regenerate(name)
    else:
        assert is_run_of(shown.splitlines(), printed.splitlines()), regenerate(name)


@pytest.mark.parametrize("doc, after", YAML_EXAMPLES)
def test_each_yaml_example_stands_in_the_example_file(doc, after):
    shown = block_after(doc, after)
    assert shown in read(f"{EXAMPLE}/claims.yaml"), (
        f"{doc}: the YAML after {after!r} is not in {EXAMPLE}/claims.yaml, whose"
        " examples check it; copy it there")


def test_the_examples_fail_when_the_output_differs(monkeypatch):
    # A doc that shows something else than the kit prints is caught, and the
    # message says how to print the real output.
    real = read
    monkeypatch.setitem(globals(), "read", lambda doc: real(doc).replace(
        "6/7 claims sourced", "7/7 claims sourced"))
    with pytest.raises(AssertionError, match=re.escape("python tests/test_docs.py list")):
        test_each_example_is_the_kits_real_output("list")


def test_the_editing_walk_through_keeps_every_claim_in_the_list(tmp_path):
    # docs/editing.md: after the verdict slip, `list` still shows all 7 claims, this
    # one marked ‼ with ? for its verdict, and exits 1.
    (tmp_path / "claims.yaml").write_text(
        edits(QUOTED, CAPITAL)(read(f"{EXAMPLE}/claims.yaml")), encoding="utf-8")
    assert "`list` still shows all 7 claims" in " ".join(read("docs/editing.md").split())
    code, printed = run_example(Example(doc="README.md", after="", argv=(
        "list", "-f", str(tmp_path / "claims.yaml")), code=1))
    rows = [line.split() for line in printed.splitlines() if re.match(r"\S  \S", line)]
    assert code == 1
    assert [row[1] for row in rows] == [
        "headline-beat-gpt4o", "released-last-night", "leak-two-days-early",
        "flagship-params-405b", "flagship-compute-3-8e25", "pretraining-tokens-15-6t",
        "h100-gpus-16k"]
    assert rows[-1] == ["‼", "h100-gpus-16k", "§3.3.1", "Training", "?"]


def test_the_walk_through_shows_the_line_its_example_types():
    shown = block_after("docs/editing.md", "Say you paste a claim's words with a colon in them")
    assert COLON(read(f"{EXAMPLE}/claims.yaml")).count(shown) == 1


def test_the_readme_is_short_and_its_links_resolve():
    readme = read("README.md")
    assert len(readme.splitlines()) <= README_LINES
    docs = sorted(path.name for path in (ROOT / "docs").glob("*.md"))
    linked = set(re.findall(r"\]\(docs/([^)#]+\.md)", readme))
    assert docs and linked == set(docs)  # every doc is found from the README


def anchors(doc: Path) -> set[str]:
    """The anchors GitHub makes for a Markdown file's headings."""
    headings = re.findall(r"^#+ (.+)$", doc.read_text(encoding="utf-8"), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("doc", ["README.md", *sorted(
    f"docs/{path.name}" for path in (ROOT / "docs").glob("*.md"))])
def test_every_relative_link_names_a_file_that_exists(doc):
    links = re.findall(r"\]\(([^)\s]+)\)", read(doc))
    local = [link.partition("#") for link in links if not re.match(r"[a-z]+:", link)]
    targets = [((ROOT / doc).parent / path if path else ROOT / doc, anchor)
               for path, _, anchor in local]
    missing = [str(target) for target, _ in targets if not target.exists()]
    unanchored = [f"{target}#{anchor}" for target, anchor in targets
                  if anchor and target.suffix == ".md" and anchor not in anchors(target)]
    assert (missing, unanchored) == ([], [])


def test_what_the_documented_commands_write_is_ignored_by_git():
    # `export -o NAME`, `curl -o NAME` and `pdftotext X.pdf NAME`, in the
    # repo (a path under /tmp is not).
    docs = ["README.md", *(f"docs/{path.name}" for path in (ROOT / "docs").glob("*.md"))]
    outputs = re.compile(r"(?:kit\.py export|curl)[^\n`]*? -o ([^\s`]+)|pdftotext \S+\.pdf ([^\s`]+)")
    written = {name for doc in docs for pair in outputs.findall(read(doc)) for name in pair
               if name and not name.startswith("/") and name != "FILE"}
    ignored = {line.rstrip("/") for line in read(".gitignore").splitlines()
               if line and not line.startswith("#")}
    assert "report.html" in written
    assert sorted(written - ignored) == []


def test_the_readme_exit_codes_are_the_ones_help_states():
    table = read("README.md").split("### Exit codes", 1)[1].split("\n#", 1)[0]
    documented = re.findall(r"^\| (\d+) \|", table, re.MULTILINE)
    stated = subprocess.run([sys.executable, str(KIT), "--help"], capture_output=True,
                            text=True, timeout=60).stdout.split("exit codes:", 1)[1]
    assert documented == re.findall(r"^  (\d+) ", stated, re.MULTILINE)


if __name__ == "__main__":
    if sys.argv[1:2] and sys.argv[1] in EXAMPLES:
        sys.stdout.write(run_example(EXAMPLES[sys.argv[1]])[1])
    else:
        sys.exit("usage: python tests/test_docs.py NAME, NAME one of: " + ", ".join(EXAMPLES))


def test_the_header_doc_shows_a_header_with_every_key_that_checks(tmp_path):
    from claimkit import schema

    header = block_after("docs/header.md", "A header for a new article and its paper, with every key:")
    claim = "claims:\n  - {id: a, claim: A., article_quote: a b, source: {}, verdict: unsourced,"
    (tmp_path / "claims.yaml").write_text(header + claim + " note: To do.}\n", encoding="utf-8")
    code, printed = run_example(Example(doc="", after="", argv=(
        "check", "-f", str(tmp_path / "claims.yaml")), code=0))
    # Every key is there; its texts are not, which is one warning each.
    assert (code, [line.split(": ", 2)[1] for line in printed.splitlines()[:2]]) == (
        0, ["warning[text-missing]", "warning[text-missing]"])
    documented = read("docs/header.md")
    for name in ("article", "paper", "review"):
        keys = schema.DOCUMENT.fields[name].item.fields
        assert all(f"\n  {key}: " in header for key in keys), name
        assert all(f"| `{key}` |" in documented for key in keys), name
