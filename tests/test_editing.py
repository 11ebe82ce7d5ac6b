"""The editing loop (issue 14): a file in mid-edit still lists, and every
message says exactly what to fix.  Each test drives the command line on an
inline file and compares the whole outcome: exit code, stdout and stderr."""
import io
import os
import subprocess
import sys

import pytest
from rich.console import Console

from claimkit.checklist import render_claim
from claimkit.session import load_document
from conftest import GPUS, LEAK, LICENSE, REFERENCED, ROOT, SIZES, document, position

VERDICT_LIST = "supported, overstated, imprecise, contradicted, not-in-paper, unsourced"
# GPUS with two mistakes: a section YAML reads as the number 3.1, and a
# miscapitalised verdict.
BROKEN_GPUS = GPUS.replace('section: "3.3.1"', "section: 3.10").replace(
    "verdict: overstated", "verdict: Overstated")


def test_list_shows_every_claim_and_marks_the_broken_one(run, claims_file):
    text = document(BROKEN_GPUS + SIZES + LICENSE + LEAK)
    path = claims_file(text)
    section, verdict = position(text, "3.10"), position(text, "Overstated")
    result = run("list", "-f", path)
    assert (result.code, result.out, result.err) == (1, """\
✔ 1 supported   ○ 1 not-in-paper   ☐ 1 unsourced   ‼ 1 with problems
2/4 claims sourced

   claim                                             source                             verdict
────────────────────────────────────────────────────────────────────────────────────────────────────
‼  gpus-16k                                          ?                                  ?
   More than 16K GPUs were used.
✔  model-sizes                                       §1 Introduction, p. 1              supported
   There are 8B, 70B and 405B models.
○  license-outputs                                   ai.meta.com/blog/meta-llama-3-1/   not-in-paper
   The license allows using outputs to improve
   other models.
☐  leak                                              no source yet                      unsourced
   It leaked two days early.
✔ 1 supported   ○ 1 not-in-paper   ☐ 1 unsourced   ‼ 1 with problems
2/4 claims sourced
""", f"""\
{path}:{section[0]}:{section[1]}: error[bad-type]: claims[0] (gpus-16k).source.section: expected a string or null, got a number (write it in quotes: "3.10")
{path}:{verdict[0]}:{verdict[1]}: error[bad-verdict]: claims[0] (gpus-16k).verdict: expected one of {VERDICT_LIST}, got 'Overstated' (did you mean 'overstated'?)
kit.py: 2 problems; run `python kit.py check -f {path}`
""")


def test_show_shows_a_broken_claim_with_what_could_be_read(run, claims_file):
    text = document(GPUS.replace("verdict: overstated", "verdict: suported") + SIZES)
    path = claims_file(text)
    line, col = position(text, "suported")
    result = run("show", "gpus-16k", "-f", path)
    assert (result.code, result.err) == (1, f"""\
{path}:{line}:{col}: error[bad-verdict]: claims[0] (gpus-16k).verdict: expected one of {VERDICT_LIST}, got 'suported' (did you mean 'supported'?)
kit.py: 1 problem; run `python kit.py check -f {path}`
""")
    assert result.out.splitlines()[0] == "‼ gpus-16k  ?"
    assert "source §3.3.1 Training Infrastructure, p. 8" in result.out.splitlines()


def test_a_claim_that_is_not_a_mapping_is_listed_as_unread(run, claims_file):
    path = claims_file(document(SIZES + "  - just some words\n"))
    result = run("list", "-f", path, "--sort", "verdict")
    assert result.code == 1
    rows = result.out.splitlines()[5:7]
    assert rows == ["‼  ?" + " " * 49 + "?" + " " * 34 + "?",
                    "   ?"]
    assert result.err.endswith("kit.py: 1 problem; run"
                               f" `python kit.py check -f {path}`\n")


# (change to GPUS, needle where the problem points, where, code, message)
HINTS = [
    # YAML reads 3.10 as the number 3.1, another section: the hint keeps the text.
    ('section: "3.3.1"', "section: 3.10", "3.10", "claims[0] (gpus-16k).source.section",
     "bad-type", 'expected a string or null, got a number (write it in quotes: "3.10")'),
    ("id: gpus-16k", "id: 1e5", "1e5", "claims[0].id",
     "bad-type", 'expected a string, got a number (write it in quotes: "1e5")'),
    ("unit: GPUs", "unit: 0x10", "0x10", "claims[0] (gpus-16k).unit",
     "bad-type", 'expected a string, got an integer (write it in quotes: "0x10")'),
    ("unit: GPUs", "unit: true", "true", "claims[0] (gpus-16k).unit",
     "bad-type", 'expected a string, got a boolean (write it in quotes: "true")'),
    ("unit: GPUs", "unit: yes", "yes", "claims[0] (gpus-16k).unit",
     "ambiguous-boolean", "'yes' is the boolean true in YAML 1.1 and text in YAML 1.2, so tools"
     " read it differently; write true or false, or the text in quotes"),
    ("verdict: overstated", "verdict: Supported", "Supported", "claims[0] (gpus-16k).verdict",
     "bad-verdict", f"expected one of {VERDICT_LIST}, got 'Supported' (did you mean 'supported'?)"),
    ("verdict: overstated", "verdict: overstatd", "overstatd", "claims[0] (gpus-16k).verdict",
     "bad-verdict", f"expected one of {VERDICT_LIST}, got 'overstatd' (did you mean 'overstated'?)"),
    ("verdict: overstated", "verdict: wrong", "wrong", "claims[0] (gpus-16k).verdict",
     "bad-verdict", f"expected one of {VERDICT_LIST}, got 'wrong'"),
    # Too long to be a typo: difflib never sees it.
    ("verdict: overstated", "verdict: " + "supported" * 12, "supportedsupported",
     "claims[0] (gpus-16k).verdict",
     "bad-verdict", f"expected one of {VERDICT_LIST}, got 'supportedsupportedsupportedsupporteds…'"),
]


@pytest.mark.parametrize(("wanted", "hint"), [
    ("gpus-16", "; did you mean 'gpus-16k'?"),
    ("GPUS-16K", "; did you mean 'gpus-16k'?"),
    ("elsewhere", ""),
    ("x" * 200, ""),
])
def test_show_an_unknown_id_suggests_the_closest(run, claims_file, wanted, hint):
    path = claims_file(document())
    result = run("show", wanted, "-f", path)
    assert (result.code, result.out, result.err) == (
        2, "", f"kit.py: error: no claim or check with id {wanted!r} in {path}{hint}\n")


def test_file_goes_before_the_command_as_well_as_after_it(run, claims_file):
    path = claims_file(document(SIZES))
    before, after = run("-f", path, "check"), run("check", "-f", path)
    assert (before.code, before.out, before.err) == (0, f"{path}: 1 claim, 0 checks: ok\n", "")
    assert (after.code, after.out, after.err) == (before.code, before.out, before.err)
    # After the command wins, as the later option does.
    other = claims_file(document(GPUS + SIZES), name="other.yaml")
    both = run("-f", path, "check", "-f", other)
    assert (both.code, both.out) == (0, f"{other}: 2 claims, 0 checks: ok\n")


def test_check_prints_github_annotations(run, claims_file):
    text = document(GPUS.replace("verdict: overstated", "verdict: maybe, 100%"))
    path = claims_file(text)
    line, col = position(text, "maybe")
    result = run("check", "-f", path, "--output-format", "github")
    escaped_path = path.replace(":", "%3A").replace(",", "%2C")
    assert (result.code, result.out, result.err) == (1, (
        f"::error file={escaped_path},line={line},col={col},title=error[bad-verdict]::"
        f"claims[0] (gpus-16k).verdict: expected one of {VERDICT_LIST},"
        " got 'maybe, 100%25'\n"
        f"{path}: 1 claim, 0 checks: 1 problem\n"), "")


def test_github_annotation_escapes_properties_and_data():
    from claimkit.problem_formats import github_annotation
    from claimkit.problems import Problem

    problem = Problem(path="a:b,c%.yaml", line=3, col=4, code="bad-id", where="claims[0]",
                      message="50% of\r\nit", level="warning")
    assert github_annotation(problem) == (
        "::warning file=a%3Ab%2Cc%25.yaml,line=3,col=4,title=warning[bad-id]::"
        "claims[0]: 50%25 of\\r it")


def test_a_closed_pipe_keeps_checks_exit_code(claims_file):
    path = claims_file(document(GPUS.replace("verdict: overstated", "verdict: maybe")
                                + SIZES.replace("id: model-sizes", "id: Bad")))
    script = (f"set -o pipefail; {sys.executable} {os.path.join(ROOT, 'kit.py')}"
              f" check -f {path} --output-format github | head -1")
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                            timeout=60)
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.startswith("::error file=") and result.stdout.count("\n") == 1


@pytest.mark.parametrize(("index", "url"), [
    (2, "https://ai.meta.com/blog/meta-llama-3-1/"),  # from the blog
    (0, "https://arxiv.org/pdf/2407.21783#page=8"),  # the PDF page of §3.3.1
])
def test_show_links_urls_only_on_a_terminal(claims_file, index, url):
    loaded = load_document(claims_file(document()))
    claim = loaded.document.claims[index]

    def shown(links: bool) -> str:
        console = Console(file=io.StringIO(), width=100, force_terminal=True,
                          color_system="standard")
        console.print(render_claim(loaded.document, claim, links=links))
        return console.file.getvalue()

    # OSC 8: ESC ] 8 ; params ; url ESC \ text ESC ] 8 ; ; ESC \
    assert f";{url}\x1b\\{url}\x1b]8;;\x1b\\" in shown(True)
    assert "\x1b]8;" not in shown(False) and url in shown(False)


def test_show_through_a_pipe_has_no_links_and_no_trailing_spaces(run, claims_file):
    result = run("show", "gpus-16k", "-f", claims_file(document()))
    assert (result.code, result.err) == (0, "")
    assert "\x1b" not in result.out
    assert [line for line in result.out.splitlines() if line != line.rstrip()] == []
    assert "pdf    https://arxiv.org/pdf/2407.21783#page=8" in result.out.splitlines()


# (name, the claim's lines as typed, (line, col) in the claim, message, the
# line shown, hint) for the usual YAML slips: each points at the slip itself.
SYNTAX_CASES = [
    ("colon in a plain value", "    claim: The ratio: 50 to 1\n", (2, 21),
     'a plain value cannot hold ": "', "    claim: The ratio: 50 to 1",
     'put the value in quotes: claim: "The ratio: 50 to 1"'),
    ("quote never closed", '    claim: "The ratio\n    verdict: supported\n', (2, 12),
     'a quoted value opens here and its closing " is missing', '    claim: "The ratio',
     'end the value with ", or escape a " inside it'),
    ("text after a quote", '    claim: "The ratio" of 50\n', (2, 24),
     "text after the closing quote of a quoted value", '    claim: "The ratio" of 50',
     "put the whole value inside the quotes"),
    ("indented too little", "    claim: x\n   verdict: supported\n", (3, 4),
     "this line is indented 3 spaces, the one above it 4", "   verdict: supported",
     "lines of one mapping start in the same column: indent it like the key it belongs"
     " beside"),
    ("indented too much", "    claim: x\n      verdict: supported\n", (3, 7),
     "this line is indented 6 spaces, more than the 4 of the line above it, so it reads"
     " as part of that value", "      verdict: supported",
     "lines of one mapping start in the same column: indent it like the key it belongs"
     " beside"),
    # The parser stops at `page`; the slip is `title`, a line earlier.
    ("slip before the line the parser stops at",
     '    source:\n      section: "1"\n    title: Intro\n      page: 3\n', (4, 5),
     "this line is indented 4 spaces, the lines below it 6", "    title: Intro",
     "lines of one mapping start in the same column: indent it like the key it belongs"
     " beside"),
    ("a tab", "\tclaim: x\n", (2, 1), "a tab character where YAML expects spaces",
     " claim: x", "YAML indents with spaces only: replace the tab with spaces"),
]


@pytest.mark.parametrize(("lines", "at", "message", "shown", "hint"),
                         [case[1:] for case in SYNTAX_CASES],
                         ids=[case[0] for case in SYNTAX_CASES])
def test_a_syntax_error_is_explained_like_a_compiler(run, claims_file, lines, at, message,
                                                     shown, hint):
    text = document("  - id: gpus-16k\n" + lines)
    path = claims_file(text)
    line = text.count("\n", 0, text.index("  - id: gpus-16k")) + at[0]
    result = run("check", "-f", path)
    assert (result.code, result.out, result.err) == (2, "", (
        f"{path}:{line}:{at[1]}: error[syntax]: {message}\n"
        f"{shown}\n"
        f"{' ' * (at[1] - 1)}^\n"
        f"hint: {hint}\n"))


def test_a_syntax_error_as_a_github_annotation_carries_its_hint(run, claims_file):
    text = document("  - id: gpus-16k\n    claim: The ratio: 50 to 1\n")
    path = claims_file(text)
    line, col = position(text, ": 50")
    result = run("check", "-f", path, "--output-format", "github")
    assert (result.code, result.out, result.err) == (2, (
        f"::error file={path},line={line},col={col},title=error[syntax]::"
        'a plain value cannot hold ": "%0Ahint: put the value in quotes:'
        ' claim: "The ratio: 50 to 1"\n'), "")


# A further reference is read like a source: (old, new, needle, where, code, message).
REFERENCE_MISTAKES = [
    ("title: Infrastructure", "title: Infra", "Infra\n", "references[0].title", "wrong-title",
     "expected 'Infrastructure' (the title of section 3.3), got 'Infra'"),
    ("page: 9", "page: 3", "3\n", "references[0].page", "page-out-of-section",
     "expected a page within section 3.3 (from page 8 on), got 3"),
    ('section: "3.3"', 'section: "3.9"', '"3.9"', "references[0].section", "unknown-section",
     "expected a section listed under sections, got '3.9'"),
    ("        quote: The run on 16,384 GPUs\n", "", 'section: "3.3"', "references[0]",
     "missing-key", "missing required key 'quote' (expected a string)"),
    ("- url: https://example.org/llama-2", "- locator: Table 5", "locator: Table 5",
     "references[1]", "missing-key", "missing required key 'section' or 'url' (a reference"
     " says where its quote stands: a paper section or a url)"),
    ("      - url: https", "      - 5\n      - url: https", "5\n", "references[1]",
     "bad-type", "expected a mapping, got an integer"),
]
# (name, file text, needle where the problem points, where, code, message)
ONE_MISTAKE = [(f"{old} -> {new[:20]}", document(GPUS.replace(old, new)), *rest)
               for old, new, *rest in HINTS] + [
    ("claim pasted under dismissed",
     document(SIZES, "dismissed:\n  - sentence: Page furniture\n    reason: A heading.\n"
              + GPUS),
     "id: gpus-16k", "dismissed[1]", "misplaced-claim",
     "looks like a claim (it has claim, article_quote, source, verdict); move it under"
     " claims:"),
    ("claim pasted under checks", document(SIZES, "checks:\n" + GPUS),
     "id: gpus-16k", "checks[0]", "misplaced-claim",
     "looks like a claim (it has claim, article_quote, source, verdict); move it under"
     " claims:"),
    # Too long to be a typo: difflib never sees it (a hostile key may be megabytes).
    ("very long unknown key", document(SIZES + "    " + "colour" * 30 + ": red\n"),
     "colourcolour", "claims[0] (model-sizes)." + ("colour" * 7)[:39] + "…", "unknown-key",
     "unknown key 'colourcolourcolourcolourcolourcolourc…' (expected one of id, claim,"
     " article_quote, source, references, verdict, note, value, unit)"),
] + [(f"reference: {old} -> {new[:20]}", document(REFERENCED.replace(old, new)), at,
        f"claims[0] (gpus-16k).{where}", code, message)
       for old, new, at, where, code, message in REFERENCE_MISTAKES] + [
    ("section key YAML reads as a number",
     document(SIZES).replace('  "11": {title: Contributors, page: null}\n',
                             "  3.10: {title: Ten, page: null}\n"),
     "3.10:", "sections.3.10", "bad-section-number",
     'expected a section number as a string, got 3.10 (quote it: "3.10")'),
]


@pytest.mark.parametrize(("text", "needle", "where", "code", "message"),
                         [case[1:] for case in ONE_MISTAKE],
                         ids=[case[0] for case in ONE_MISTAKE])
def test_one_mistake_is_one_message(run, claims_file, text, needle, where, code, message):
    path = claims_file(text)
    line, col = position(text, needle)
    result = run("check", "-f", path)
    assert (result.code, result.out, result.err) == (
        1, f"{path}: 1 claim, 0 checks: 1 problem\n",
        f"{path}:{line}:{col}: error[{code}]: {where}: {message}\n")


def test_a_long_key_never_reaches_difflib(run, claims_file, monkeypatch):
    import difflib

    asked, original = [], difflib.get_close_matches

    def close_matches(word, possibilities, *args, **kwargs):
        asked.append(len(word))
        return original(word, possibilities, *args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", close_matches)
    text = document(SIZES.replace("verdict: supported", "verdict: " + "s" * 1000)
                    + "    " + "k" * 1000 + ": 1\n    notes: x\n")
    result = run("check", "-f", claims_file(text))
    assert result.code == 1 and result.err.count("\n") == 3
    assert "(did you mean 'note'?)" in result.err
    assert asked == [len("notes")]  # the two long strings were never compared
