"""The command line through kit.main(): commands, filters, exit codes and
terminal conventions."""
import io
import json
import os

import pytest
from rich.console import Console

import claimkit.model
import claimkit.problems
import claimkit.session
from claimkit.checklist import Checklist, render_claim
from claimkit.session import load_document
from conftest import CONTRIBUTORS, GPUS, LEAK, LICENSE, SIZES, document, position, with_changes

ESCAPE = "\x1b"


def ids_listed(out: str) -> list[str]:
    """The ids a plain checklist shows, in order."""
    ids = []
    for line in out.splitlines():
        words = line.split()
        # A row starts with its mark; the footer's counts start with one too.
        if len(words) > 1 and words[0] in "✔▲≈✘○☐‼" and not words[1].isdigit():
            ids.append(words[1])
    return ids


EXIT_CODES = (
    "exit codes:\n"
    "  0  ok: the file is clean (and, for check, every quote and check holds);\n"
    "     a filter that matches no claim is no error (\"no claim matches ...\")\n"
    "  1  the claims have problems (each printed as FILE:LINE:COL: error[CODE]: ...)\n"
    "  2  a file could not be read, parsed or written, or the command line was wrong\n"
    "  129  hung up (SIGHUP: the terminal closed)\n"
    "  130  interrupted (Ctrl-C)\n"
    "  131  quit (Ctrl-\\)\n"
    "  143  terminated (SIGTERM)\n")


@pytest.mark.parametrize("argv", [["--help"], []])
def test_help_states_the_exit_codes_once(run, argv):
    """`kit.py` alone prints the help too: what can it do?"""
    result = run(*argv)
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("usage: kit.py [-h] [-f PATH] [--version] COMMAND ...\n")
    assert result.out.endswith(EXIT_CODES)
    for command in ("list", "show", "check", "export"):
        assert f"    {command}" in result.out
        # Once: not repeated in every command's help.
        assert "exit codes" not in run(command, "--help").out


def test_version(run):
    result = run("--version")
    assert (result.code, result.out, result.err) == (0, f"kit.py {claimkit.__version__}\n", "")


@pytest.mark.parametrize("argv", [["frobnicate"], ["list", "--sort", "size"],
                                  ["export", "--format", "xml"], ["show"], ["-f", "x.yaml"]])
def test_a_usage_error_is_exit_2(run, argv):
    result = run(*argv)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("usage: kit.py")
    assert "error:" in result.err.splitlines()[-1]


def test_every_command_takes_file(run):
    for command in ("list", "show", "check", "export"):
        usage = run(command, "--help").out
        # Python 3.13 writes "-f, --file PATH", older ones "-f PATH, --file PATH".
        assert "-f PATH, --file PATH" in usage or "-f, --file PATH" in usage


def test_the_default_file_is_the_one_beside_kit_py(run):
    assert os.path.join(
        os.path.dirname(os.path.abspath(claimkit.session.__file__)), "..", "claims.yaml"
    ).replace(os.sep + "claimkit" + os.sep + "..", "") == claimkit.session.DEFAULT_FILE
    result = run("check")
    assert result.code == 0 and result.out.endswith(": ok\n")


def test_list_is_plain_when_piped(run, claims_file):
    result = run("list", "-f", claims_file(document()))
    assert (result.code, result.err) == (0, "")
    assert ESCAPE not in result.out
    assert ids_listed(result.out) == ["gpus-16k", "model-sizes", "license-outputs", "leak"]
    assert result.out.splitlines()[-2:] == [
        "✔ 1 supported   ▲ 1 overstated   ○ 1 not-in-paper   ☐ 1 unsourced",
        "3/4 claims sourced",
    ]


def test_force_color_colours_and_no_color_wins(run, claims_file, monkeypatch):
    path = claims_file(document())
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert ESCAPE in run("list", "-f", path).out
    monkeypatch.setenv("NO_COLOR", "1")
    assert ESCAPE not in run("list", "-f", path).out


@pytest.mark.parametrize("argv, ids", [
    (["--verdict", "supported"], ["model-sizes"]),
    (["--verdict", "supported", "--verdict", "unsourced"], ["model-sizes", "leak"]),
    (["--section", "3.3"], ["gpus-16k"]),
    (["--section", "3"], ["gpus-16k"]),
    (["--section", "3.3.1"], ["gpus-16k"]),
    (["--section", "3.31"], []),
    (["--search", "GPUS-16"], ["gpus-16k"]),  # an id, in any case
    (["--search", "from the blog"], ["license-outputs"]),  # a note
    (["--section", "1"], ["model-sizes"]),
    (["--section", "11"], ["contributors"]),
    (["--section", "3."], ["gpus-16k"]),
    (["--search", "LICENSE"], ["license-outputs"]),
    (["--search", "up to 16K"], ["gpus-16k"]),
    (["--sort", "id"], ["contributors", "gpus-16k", "leak", "license-outputs",
                        "model-sizes"]),
    (["--sort", "section"], ["model-sizes", "gpus-16k", "contributors", "license-outputs",
                             "leak"]),
    # Those that need attention first: contradicted, overstated, imprecise,
    # unsourced, then not-in-paper and supported.
    (["--sort", "verdict"], ["contributors", "gpus-16k", "leak", "license-outputs",
                             "model-sizes"]),
    (["--section", "§3.3"], ["gpus-16k"]),
    (["--section", "§ 3.3.1"], ["gpus-16k"]),
    (["--attention"], ["gpus-16k", "license-outputs", "leak", "contributors"]),
    (["--verdict", "supported", "--attention"], []),
])
def test_list_filters(run, claims_file, argv, ids):
    # The last claim cites §11, which `--section 1` must not match.
    path = claims_file(document(GPUS + SIZES + LICENSE + LEAK + CONTRIBUTORS))
    result = run("list", "-f", path, *argv)
    assert result.code == 0
    assert ids_listed(result.out) == ids
    # The count is a status line: on stderr, never in the checklist.
    shown = f"kit.py: showing {len(ids)} of 5 claims\n" if argv[0] != "--sort" else ""
    if not ids:  # no table with 0/0 claims sourced: one line says why
        shown = f"kit.py: no claim matches {' '.join(argv)} (5 claims in {path})\n"
        assert result.out == ""
    assert result.err == shown
    assert "showing" not in result.out


@pytest.mark.parametrize("argv, err", [
    (["--verdict", "contradicted", "--search", "beat it"],
     "no claim matches --verdict contradicted --search 'beat it' (2 claims in {path})"),
    (["--section", "§9", "--attention"], "no claim matches --attention --section '§9'"
     " (2 claims in {path})"),
])
@pytest.mark.parametrize("command", [["list"], ["export", "--format", "csv"]])
def test_a_filter_that_matches_nothing_says_so(run, claims_file, command, argv, err):
    path = claims_file(document(GPUS + SIZES))
    result = run(*command, "-f", path, *argv)
    # list shows nothing; export still writes its (empty) format, for a script.
    out = "" if command == ["list"] else "id,claim,article_quote,verdict,section,title,"\
        "locator,page,page_url,quote,quote_exact,url,value,unit,note,references\r\n"
    assert (result.code, result.out, result.err) == (
        0, out, "kit.py: " + err.replace("{path}", path) + "\n")


TWO_CHECKS = """\
checks:
  - {id: double, compute: gpus_16k * 2, expect: 32000}
  - {id: plain, compute: 2 * 3, expect: 6, description: No claim in it}
"""


@pytest.mark.parametrize("argv, checks", [
    ([], ["double", "plain"]),
    (["--sort", "id"], ["double", "plain"]),  # a sort filters nothing
    (["--verdict", "overstated"], ["double"]),
    (["--verdict", "supported"], []),
])
def test_a_filtered_list_shows_the_checks_of_its_claims(run, claims_file, argv, checks):
    result = run("list", "-f", claims_file(document(GPUS + SIZES, TWO_CHECKS)), *argv)
    lines = result.out.splitlines()
    shown = [line.split()[1].rstrip(":") for line in lines[lines.index("checks:") + 1:]
             ] if "checks:" in lines else []
    assert (result.code, shown) == (0, checks)


IMPRECISE = """\
  - id: rough-count
    claim: About 16K GPUs were used.
    article_quote: more than 16K H100
    source:
      section: "3.3"
      title: Infrastructure
      quote: up to 16K H100 GPUs
    verdict: imprecise
    note: Up to, not more than.
"""


def test_sort_verdict_puts_every_verdict_in_attention_order(run, claims_file):
    # One claim of each verdict, in the vocabulary's order, then a claim
    # that could not be read: problems come first, then the verdicts that
    # need attention most.
    text = document(SIZES + GPUS + IMPRECISE + CONTRIBUTORS + LICENSE + LEAK
                    + "  - just some words\n")
    path = claims_file(text)
    result = run("list", "-f", path, "--sort", "verdict")
    rows = [line.split()[:2] for line in result.out.splitlines()
            if len(line.split()) > 1 and line[0] in "✔▲≈✘○☐‼" and not line.split()[1].isdigit()]
    assert {mark for mark, _ in rows} == {v.mark for v in claimkit.model.VERDICTS.values()} | {"‼"}
    line, col = position(text, "just some words")
    assert (result.code, rows, result.err) == (1, [
        ["‼", "?"], ["✘", "contributors"], ["▲", "gpus-16k"], ["≈", "rough-count"],
        ["☐", "leak"], ["○", "license-outputs"], ["✔", "model-sizes"]],
        f"{path}:{line}:{col}: error[bad-type]: claims[6]: expected a mapping, got a string\n"
        f"kit.py: 1 problem; run `python kit.py check -f {path}`\n")


def test_section_filter_orders_3_10_after_3_9(run, claims_file):
    text = document(GPUS + SIZES).replace(
        '  "11": {title: Contributors, page: null}\n',
        '  "3.9": {title: Nine, page: null}\n  "3.10": {title: Ten, page: null}\n')
    text = text.replace('section: "1"\n      title: Introduction',
                        'section: "3.10"\n      title: Ten').replace(
        'section: "3.3.1"\n      title: Training Infrastructure\n      page: 8',
        'section: "3.9"\n      title: Nine')
    result = run("list", "-f", claims_file(text), "--sort", "section")
    assert ids_listed(result.out) == ["gpus-16k", "model-sizes"]


def test_export_filters_report_the_count_on_stderr(run, claims_file):
    result = run("export", "-f", claims_file(document()), "--verdict", "unsourced")
    assert result.code == 0
    assert [claim["id"] for claim in json.loads(result.out)["claims"]] == ["leak"]
    assert result.err == "kit.py: showing 1 of 4 claims\n"


def test_show_prints_one_claim(run, claims_file):
    result = run("show", "-f", claims_file(document()), "license-outputs")
    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    assert lines[0] == "○ license-outputs  not-in-paper"
    assert "use the output of the Llama" in result.out
    assert "allowing developers to use the" in result.out
    assert "source https://ai.meta.com/blog/meta-llama-3-1/" in result.out
    assert "note   From the blog." in result.out


def test_show_cuts_a_long_field_and_a_long_list_of_references(run, claims_file):
    # rich's time grows faster than the text: show prints 20,000 characters
    # of a field, and 100 further references.
    from claimkit.checklist import SHOW_LIMIT, SHOWN_REFERENCES

    references = "".join(f"      - {{url: https://example.org/{number}, quote: Said {number}}}\n"
                         for number in range(SHOWN_REFERENCES + 3))
    claim = GPUS.replace("note: The paper says up to 16K.", "note: " + "n" * (SHOW_LIMIT + 5)
                         ).replace("    verdict:", "    references:\n" + references + "    verdict:")
    result = run("show", "-f", claims_file(document(claim)), "gpus-16k")
    assert (result.code, result.err) == (0, "")
    shown = "".join(line.strip() for line in result.out.splitlines())
    assert f"“Said {SHOWN_REFERENCES - 1}”" in shown and f"“Said {SHOWN_REFERENCES}”" not in shown
    assert "… and 3 more references; `kit.py export` writes them all" in shown
    assert shown.endswith("n" * 10 + "… (5 more characters; `kit.py export` writes them all)")
    assert shown.count("n" * 100) == SHOW_LIMIT // 100


@pytest.mark.parametrize("wanted, hint", [
    ("no-such-claim", ""),
    ("gpus", "; did you mean 'gpus-16k'?"),  # the one id that starts with it
    ("GPUS", "; did you mean 'gpus-16k'?"),
    ("model-size", "; did you mean 'model-sizes'?"),
    ("l", "; 2 ids start with it: license-outputs, leak"),
    ("modl-sizes", "; did you mean 'model-sizes'?"),  # no prefix: the closest
    ("doubel", "; did you mean 'double'?"),  # a check's id
])
def test_show_an_unknown_id(run, claims_file, wanted, hint):
    path = claims_file(document(extra="checks:\n  - {id: double, compute: gpus_16k * 2,"
                                      " expect: 32000}\n"))
    result = run("show", "-f", path, wanted)
    assert (result.code, result.out, result.err) == (
        2, "", f"kit.py: error: no claim or check with id {wanted!r} in {path}{hint}\n")


def test_show_many_ids_that_start_alike(run, claims_file):
    claims = "".join(SIZES.replace("id: model-sizes", f"id: size-{n}") for n in range(7))
    path = claims_file(document(claims))
    result = run("show", "-f", path, "size")
    assert (result.code, result.out, result.err) == (
        2, "", f"kit.py: error: no claim or check with id 'size' in {path}; 7 ids start"
        " with it: size-0, size-1, size-2, size-3, size-4 and 2 more\n")


def test_show_a_check(run, claims_file):
    checks = """\
checks:
  - id: double
    description: Twice the GPUs
    compute: gpus_16k * 2
    expect: 32000
    tolerance: 0.05
    note: A check of the arithmetic.
"""
    result = run("show", "-f", claims_file(document(extra=checks)), "double")
    assert (result.code, result.err) == (0, "")
    assert result.out == """\
✔ double  holds
check   Twice the GPUs
compute gpus_16k * 2
expect  32000
outcome computed 32,000, expected 32,000 (±5%)
claims  gpus-16k
note    A check of the arithmetic.
"""


def test_export_writes_atomically_to_a_file(run, claims_file, tmp_path):
    path = claims_file(document())
    out = tmp_path / "out.md"
    out.write_text("old")
    result = run("export", "-f", path, "--format", "markdown", "-o", str(out))
    assert (result.code, result.out, result.err) == (0, "", "")
    assert out.read_text().startswith("# Claims checked: An article\n")
    assert sorted(os.listdir(tmp_path)) == ["claims.yaml", "out.md"]


def test_a_failed_write_leaves_the_old_file_and_no_temp(run, claims_file, tmp_path,
                                                         monkeypatch):
    path = claims_file(document())
    out = tmp_path / "out.json"
    out.write_text("old")

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    result = run("export", "-f", path, "-o", str(out))
    assert (result.code, result.out, result.err) == (
        2, "", f"kit.py: error: cannot write {out}: No space left on device\n")
    assert out.read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == ["claims.yaml", "out.json"]


def test_export_to_a_missing_folder(run, claims_file, tmp_path):
    out = tmp_path / "no" / "out.json"
    result = run("export", "-f", claims_file(document()), "-o", str(out))
    assert (result.code, result.out, result.err) == (
        2, "", f"kit.py: error: cannot write {out}: No such file or directory\n")


def test_export_refuses_to_write_over_the_claims_file(run, claims_file):
    path = claims_file(document())
    before = open(path).read()
    result = run("export", "-f", path, "-o", path)
    assert (result.code, result.out, result.err) == (
        2, "", f"kit.py: error: refusing to write over the claims file {path}\n")
    assert open(path).read() == before


# Control characters never pass validation (tests/test_faults.py); the
# renderers escape them all the same, should one reach them another way.
HOSTILE = "[bold red]x[/] \x1b[31mred\x1b[0m \x07 bell \u202e gnp."


def hostile_claim(claims_file):
    document_ = load_document(claims_file(document(SIZES))).document
    claim = with_changes(document_.claims[0], claim=HOSTILE, note=HOSTILE)
    return document_, claim


def test_markup_and_escapes_in_data_are_shown_literally_in_list(claims_file):
    _, claim = hostile_claim(claims_file)
    console = Console(file=io.StringIO(), width=100, force_terminal=True,
                      color_system="standard")
    console.print(Checklist([claim], []))
    out = console.file.getvalue()
    plain = out.replace("\x1b[1m", "").replace("\x1b[0m", "").replace("\x1b[32m", "")
    plain = " ".join(line.strip() for line in plain.splitlines())
    assert "[bold red]x[/]" in plain
    assert "\\x1b[31mred\\x1b[0m \\x07 bell \\u202e gnp." in plain
    assert "\x07" not in out and "\u202e" not in out and "\x1b[31m" not in out


def test_escapes_in_data_are_shown_literally_in_show(claims_file):
    document_, claim = hostile_claim(claims_file)
    console = Console(file=io.StringIO(), width=100, color_system=None)
    console.print(render_claim(document_, claim))
    out = console.file.getvalue()
    assert "[bold red]x[/]" in out
    assert "\\x1b[31mred" in out.replace("\n", "")
    assert ESCAPE not in out and "\x07" not in out


def test_escapes_in_the_file_are_refused_and_never_echoed(run, claims_file):
    text = document(SIZES.replace("verdict: supported", 'verdict: "\\e[2J\\e[31m"')
                    + '    "\\e]0;pwned\\a": 1\n')
    result = run("check", "-f", claims_file(text))
    assert result.code == 1
    assert ESCAPE not in result.err and "\x07" not in result.err
    assert [line.split(": ")[1:3] for line in result.err.splitlines()[:2]] == [
        ["error[control-character]", "claims[0] (model-sizes).verdict"],
        ["error[control-character]", "claims[0] (model-sizes)"]]


def test_a_flood_of_problems_stops_at_the_limit(run, claims_file, monkeypatch):
    monkeypatch.setattr(claimkit.problems, "MAX_PROBLEMS", 3)
    text = document("".join(SIZES.replace("verdict: supported", f"verdict: v{index}")
                            .replace("id: model-sizes", f"id: claim-{index}")
                            for index in range(5)))
    path = claims_file(text)
    result = run("check", "-f", path)
    assert (result.code, result.out) == (1, "")
    lines = result.err.splitlines()
    assert [line.split(": error[bad-verdict]: ")[1].split(":")[0] for line in lines[:3]] == [
        "claims[0].verdict", "claims[1].verdict", "claims[2].verdict"]
    assert lines[3] == (lines[2].split(" error[")[0]
                        + " error[too-many-problems]: 3 problems found; stopped here")
    assert len(lines) == 4


def test_a_flood_of_aliases_stops_while_reading(run, claims_file, monkeypatch):
    monkeypatch.setattr(claimkit.problems, "MAX_PROBLEMS", 3)
    path = claims_file("a: &a x\nb: [*a, *a, *a, *a, *a]\n")
    result = run("check", "-f", path)
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"{path}:2:5: error[alias]: b[0]: aliases (*a) are not allowed; write the value out in full\n"
        f"{path}:2:9: error[alias]: b[1]: aliases (*a) are not allowed; write the value out in full\n"
        f"{path}:2:13: error[alias]: b[2]: aliases (*a) are not allowed; write the value out in full\n"
        f"{path}:2:13: error[too-many-problems]: 3 problems found; stopped here\n")


def test_export_keeps_an_existing_files_mode_and_gives_a_new_one_the_usual(
        run, claims_file, tmp_path):
    path = claims_file(document())
    old = tmp_path / "old.csv"
    old.write_text("old")
    os.chmod(old, 0o640)
    assert run("export", "-f", path, "--format", "csv", "-o", str(old)).code == 0
    assert os.stat(old).st_mode & 0o777 == 0o640
    umask = os.umask(0o022)
    try:
        new = tmp_path / "new.csv"
        assert run("export", "-f", path, "--format", "csv", "-o", str(new)).code == 0
        assert os.stat(new).st_mode & 0o777 == 0o644
    finally:
        os.umask(umask)


def test_export_refuses_the_claims_file_under_another_name(run, claims_file, tmp_path):
    path = claims_file(document())
    link = tmp_path / "link.yaml"
    link.symlink_to(path)
    result = run("export", "-f", path, "-o", str(link))
    assert (result.code, result.out, result.err) == (
        2, "", f"kit.py: error: refusing to write over the claims file {path}\n")
    assert link.is_symlink()


def flood(broken: int, failing: int) -> str:
    """A claims file of broken claims (a bad verdict each) and failing checks."""
    return document("".join(
        SIZES.replace("verdict: supported", f"verdict: v{index}")
        .replace("id: model-sizes", f"id: claim-{index}") for index in range(broken)),
        "checks:\n" + "".join(f"  - {{id: c{index}, compute: '1', expect: 2}}\n"
                              for index in range(failing)))


@pytest.mark.parametrize("article", [False, True])
def test_one_cap_counts_the_files_problems_its_checks_and_its_quotes(
        run, claims_file, tmp_path, article):
    from claimkit.problems import MAX_PROBLEMS

    path = claims_file(flood(600 if not article else 300, 600 if not article else 300))
    argv = ["check", "-f", path]
    if article:
        # 600 untracked sentences under --strict, past the 600 problems above.
        text = tmp_path / "article.txt"
        # The claims' own quote is in it, so it is the file's article (not
        # one text-mismatch line) and the audit runs.
        text.write_text("It comes with 8B, 70B, and 405B versions.\n\n"
                        + "".join(f"It has {index}B parameters.\n\n" for index in range(600)),
                        encoding="utf-8")
        argv += ["--article", str(text), "--strict"]
    result = run(*argv)
    codes = [line.split(" error[")[1].split("]")[0] for line in result.err.splitlines()]
    assert (result.code, len(codes), codes.count("too-many-problems")) == (
        1, MAX_PROBLEMS + 1, 1)
    assert codes[-1] == "too-many-problems"
    if article:
        # The summary counts every sentence, those past the cap too.
        assert ("article coverage: 601 sentences, 1 tracked, 0 dismissed, 600 untracked"
                in result.out.splitlines())


@pytest.mark.parametrize("name", ["my claims.yaml", "it's;$(x).yaml", "plain.yaml"])
def test_the_check_hint_is_a_command_the_shell_runs_as_written(run, claims_file, name):
    import shlex

    path = claims_file(document(SIZES.replace("verdict: supported", "verdict: maybe")),
                       name=name)
    result = run("list", "-f", path)
    hint = result.err.splitlines()[-1]
    assert hint.startswith("kit.py: 1 problem; run `") and hint.endswith("`")
    command = hint.split("`")[1]
    assert shlex.split(command) == ["python", "kit.py", "check", "-f", path]


def test_export_reads_the_o_target_once_to_refuse_it(run, claims_file, tmp_path, monkeypatch):
    import claimkit.output

    target = tmp_path / "out.json"
    target.write_text("{}\n", encoding="utf-8")
    reads = []
    is_claims_file = claimkit.output.is_claims_file
    monkeypatch.setattr(claimkit.output, "is_claims_file",
                        lambda path: reads.append(path) or is_claims_file(path))
    result = run("export", "-f", claims_file(document()), "-o", str(target))
    assert (result.code, reads) == (0, [str(target)])
    assert json.loads(target.read_text(encoding="utf-8"))["claims"]


class Stream:
    def __init__(self, terminal: bool) -> None:
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


@pytest.mark.parametrize("terminal, environment, colour", [
    (True, {}, True),
    (False, {}, False),  # a pipe, a file: plain
    (True, {"TERM": "dumb"}, False),
    (True, {"NO_COLOR": "1"}, False),
    (False, {"FORCE_COLOR": "1"}, True),
    (False, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins
    (True, {"NO_COLOR": ""}, True),  # empty is unset, as no-color.org says
])
def test_colour_follows_no_color_force_color_and_the_terminal(monkeypatch, terminal,
                                                              environment, colour):
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert claimkit.output.wants_colour(Stream(terminal)) is colour


def bad_verdict(claims_file):
    text = document().replace("verdict: supported", "verdict: Supported")
    return claims_file(text), position(text, "Supported")


def test_check_colours_its_problems_as_ruff_does(run, claims_file, monkeypatch):
    path, (line, col) = bad_verdict(claims_file)
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = run("check", "-f", path)
    bold, red, green, end = "\x1b[1m", "\x1b[1;31m", "\x1b[1;32m", "\x1b[0m"
    assert (result.code, result.out, result.err) == (
        1, f"{bold}{path}{end}: 4 claims, 0 checks: {red}1 problem{end}\n",
        f"{bold}{path}{end}:{line}:{col}: {red}error{end}{bold}[bad-verdict]{end}:"
        " claims[1] (model-sizes).verdict: expected one of supported, overstated,"
        " imprecise, contradicted, not-in-paper, unsourced, got 'Supported'"
        " (did you mean 'supported'?)\n")
    assert green not in result.out
    monkeypatch.setenv("NO_COLOR", "1")
    plain = run("check", "-f", path)
    assert "\x1b" not in plain.out + plain.err
    assert plain.err == f"{path}:{line}:{col}: error[bad-verdict]:" + result.err.split(
        "[bad-verdict]" + end + ":")[1]


def test_check_is_plain_in_a_pipe_and_green_when_ok(run, claims_file, monkeypatch):
    path = claims_file(document())
    assert run("check", "-f", path).out == f"{path}: 4 claims, 0 checks: ok\n"
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert run("check", "-f", path).out == (
        f"\x1b[1m{path}\x1b[0m: 4 claims, 0 checks: \x1b[1;32mok\x1b[0m\n")


def test_in_colour_the_datas_escapes_stay_escaped(run, claims_file, monkeypatch):
    """Only the kit's own escapes reach the terminal: one in a file name is
    shown as text, coloured or not."""
    path = claims_file(document(), name="x\x1b[2Jy.yaml")
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = run("check", "-f", path, "--article", path + ".missing")
    assert result.code == 2
    assert "\x1b[2J" not in result.err and "\\x1b[2J" in result.err


@pytest.mark.parametrize("argv, says", [
    (("list",), "1 problem; run `python kit.py check -f"),
    (("show", "nope"), "error: no claim or check with id 'nope' in"),
    (("list", "--search", "nothing-matches"), "no claim matches --search"),
    (("export", "--search", "nothing-matches"), "no claim matches --search"),
    (("locate", "--claim", "nope", "--paper", "paper.txt"), "error: no claim with id"),
])
def test_every_line_on_stderr_shows_a_paths_escapes_escaped(run, tmp_path, monkeypatch, argv,
                                                             says):
    # The kit's own messages name the claims file; a name holding an escape
    # sequence (or a bell) is shown as text, never sent to the terminal.
    monkeypatch.chdir(tmp_path)
    name = "x\x1b[2J\x07y.yaml"
    text = document()
    if argv == ("list",):  # a file with a problem
        text = text.replace("verdict: overstated", "verdict: maybe", 1)
    (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "paper.txt").write_text("A paper.\n", encoding="utf-8")
    result = run(*argv, "-f", name)
    assert says in result.err
    assert "\\x1b[2J\\x07y.yaml" in result.err
    assert "\x1b" not in result.err and "\x07" not in result.err


def test_init_names_a_new_file_with_escapes_escaped(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.txt").write_text("The model used 16K GPUs.\n", encoding="utf-8")
    (tmp_path / "paper.txt").write_text("1 Introduction\nWe used 16K GPUs.\n",
                                        encoding="utf-8")
    result = run("init", "--article", "article.txt", "--paper", "paper.txt",
                 "-o", "new\x1b[2J.yaml")
    assert (result.code, result.err.startswith("kit.py: wrote new\\x1b[2J.yaml: ")) == (0, True)
    assert "\x1b" not in result.err
