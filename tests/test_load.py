"""Loading hostile and broken files: a problem and an exit code, never a
traceback, nothing constructed, nothing lost."""
import os
import re

import pytest

import claimkit.load
from claimkit.problems import Problems
from conftest import GPUS, LEAK, SIZES, document, position

TAGS_ONLY = "is not allowed; claims.yaml holds plain strings, numbers, lists and mappings"
REPLACE = "claim: There are 8B, 70B and 405B models."

# (name, file text, needle where the problem points, where, code, message); the
# message may name the line of another needle as {first}.
CASES = [
    (
        "duplicate key, which PyYAML would silently resolve to the last value",
        document(SIZES + "    verdict: contradicted\n"),
        ("verdict: contradicted", "verdict: supported"), "claims[0] (model-sizes).verdict", "duplicate-key",
        "duplicate key 'verdict' (first defined at line {first});"
        " YAML would silently keep only the last one",
    ),
    (
        "duplicate key in a nested mapping",
        document(GPUS.replace("      page: 8\n", "      page: 8\n      quote: other\n")),
        ("quote: trained", "quote: other"), "claims[0] (gpus-16k).source.quote", "duplicate-key",
        "duplicate key 'quote' (first defined at line {first});"
        " YAML would silently keep only the last one",
    ),
    (
        "tag on a scalar",
        document(SIZES.replace("claim: There", "claim: !custom There")),
        ("!custom", None), "claims[0] (model-sizes).claim", "tag", f"tag '!custom' {TAGS_ONLY}",
    ),
    (
        "scalar that does not fit its tag",
        document(GPUS.replace("page: 8", "page: !!int eight")),
        ("!!int", None), "claims[0] (gpus-16k).source.page", "bad-value", "'eight' is not a valid integer",
    ),
    (
        "integer too long to convert",
        document(GPUS.replace("value: 16000", "value: " + "9" * 5000)),
        ("9999", None), "claims[0] (gpus-16k).value", "number-too-large",
        f"'{'9' * 39}…' is written with more than 400 characters, more than any number the"
        " kit holds needs (the largest, about 1.8e308, has 309 digits)",
    ),
    (
        "alias",
        document(SIZES.replace(REPLACE, "claim: &text There are three sizes")
                 + LEAK.replace("claim: It leaked two days early.", "claim: *text")),
        ("*text", None), "claims[1] (leak).claim", "alias",
        "aliases (*text) are not allowed; write the value out in full",
    ),
    (
        "complex key",
        document(SIZES) + "? [a, b]\n: c\n",
        ("[a, b]", None), "", "bad-key", "expected a plain key, got a list",
    ),
    (
        "second document",
        document(SIZES) + "---\nclaims: []\n",
        ("---", None), "", "second-document", "expected one YAML document, found a second one here",
    ),
]


@pytest.mark.parametrize("text, needles, where, code, message", [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_each_loading_problem_at_its_node(run, claims_file, text, needles, where, code,
                                          message):
    path = claims_file(text)
    line, col = position(text, needles[0])
    problems = Problems()
    claimkit.load.load_nodes(path, path, problems)
    # load gives the place; `check` names the claim by its id beside it.
    place = re.sub(r" \(.*?\)", "", where)
    assert [(p.code, p.line, p.col, p.where) for p in problems] == [(code, line, col, place)]
    if needles[1]:
        message = message.replace("{first}", str(position(text, needles[1])[0]))
    prefix = f"{where}: " if where else ""
    result = run("check", "-f", path)
    assert (result.code, result.err) == (
        1, f"{path}:{line}:{col}: error[{code}]: {prefix}{message}\n")


def test_python_tags_are_reported_and_never_constructed(run, claims_file, tmp_path):
    marker = tmp_path / "was-run"
    text = document(SIZES.replace(
        "claim: There are 8B, 70B and 405B models.",
        f'claim: !!python/object/apply:os.system ["touch {marker}"]'))
    path = claims_file(text)
    line, col = position(text, "!!python")
    result = run("check", "-f", path)
    assert not marker.exists()
    assert result.code == 1
    assert result.err == (
        f"{path}:{line}:{col}: error[tag]: claims[0] (model-sizes).claim: tag"
        " '!!python/object/apply:os.system' is not allowed; claims.yaml holds plain"
        " strings, numbers, lists and mappings\n")


def test_standard_tags_are_plain_values(run, claims_file):
    path = claims_file(document(SIZES.replace("claim: There", "claim: !!str There")))
    assert run("check", "-f", path).code == 0


def test_a_billion_laughs_file_fails_without_expanding(run, claims_file):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    path = claims_file("\n".join(lines) + "\n")
    for fmt in ("json", "html"):
        result = run("export", "--format", fmt, "-f", path)
        assert result.code == 1
        assert result.out == ""
        errors = result.err.splitlines()
        # 81 aliases, each reported once, never followed; then the unknown
        # keys; then the summary line.
        assert sum("aliases (*a" in line for line in errors) == 81
        assert errors[-1].startswith("kit.py: ")


def test_deep_nesting_fails_fast_without_recursion(run, claims_file):
    path = claims_file("claims: " + "[" * 40 + "]" * 40 + "\n")
    result = run("check", "-f", path)
    assert (result.code, result.out) == (2, "")
    # The mapping at the top and 31 lists fill the 32 levels; the 32nd list,
    # at column 40, is one too many.
    assert result.err == (
        f"{path}:1:40: error[too-deep]: claims{'[0]' * 31}: nesting is deeper than 32 levels\n")


@pytest.mark.parametrize("text", [
    "claims: " + "[" * 200_000 + "]" * 200_000 + "\n",
    "claims: " + "[" * 100_000 + "\n",  # never closed
], ids=["closed", "unclosed"])
def test_very_deep_nesting_is_too_deep_not_a_syntax_error(run, claims_file, text):
    # The loader counts levels as the parser's events arrive, so it stops at
    # the 33rd level before the parser's own limit or the missing brackets.
    path = claims_file(text)
    result = run("check", "-f", path)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"{path}:1:40: error[too-deep]: claims{'[0]' * 31}: nesting is deeper than 32 levels\n")


def test_a_yaml_syntax_error_gives_its_position(run, claims_file):
    path = claims_file("claims: [a, b\nnext: 1\n")
    result = run("check", "-f", path)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"{path}:2:5: error[syntax]: did not find expected ',' or ']'"
        " (while parsing a flow sequence)\n"
        "next: 1\n"
        "    ^\n"
        "hint: the [ opened at line 1, column 9 is not closed, or its items are not"
        " separated by commas\n")


def test_a_control_character_is_a_problem_shown_escaped(run, claims_file):
    path = claims_file("article: {title: a\x01b}\n")
    result = run("check", "-f", path)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"{path}:1:19: error[bad-character]: character U+0001 is not allowed in YAML\n")


def test_a_control_character_after_wide_characters_is_placed_by_character(
        run, claims_file):
    path = claims_file('a: 1\nb: "ééé\x01"\n')
    result = run("check", "-f", path)
    assert (result.code, result.err) == (
        2, f"{path}:2:8: error[bad-character]: character U+0001 is not allowed in YAML\n")


def test_invalid_utf8_names_line_and_byte(run, tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_bytes(b"article:\n  title: caf\xe9\n")
    result = run("check", "-f", str(path))
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"{path}:2:13: error[encoding]: not UTF-8: byte 0xe9 at byte offset 21 is not"
        " UTF-8 (a file saved as cp1252 or latin-1?); save it as UTF-8\n")


@pytest.mark.parametrize(("head", "line", "col", "offset"), [
    # A byte-order mark is no column; a line ends wherever YAML ends one.
    ("\ufeffa: caf".encode(), 1, 7, 9),
    ("article: {title: A}\u2028a: caf".encode(), 2, 7, 28),
])
def test_invalid_utf8_is_placed_as_an_editor_shows_it(run, tmp_path, head, line, col, offset):
    path = tmp_path / "claims.yaml"
    path.write_bytes(head + b"\xe9\n")
    result = run("check", "-f", str(path))
    assert (result.code, result.out, result.err) == (
        2, "", f"{path}:{line}:{col}: error[encoding]: not UTF-8: byte 0xe9 at byte offset"
        f" {offset} is not UTF-8 (a file saved as cp1252 or latin-1?); save it as UTF-8\n")


@pytest.mark.parametrize(("encoding", "line", "col", "offset"), [
    # A column counts characters, as an editor does: the ü before it is UTF-8.
    ("cp1252", 3, 16, 41), ("latin-1", 3, 16, 41)])
def test_a_cp1252_or_latin1_file_is_told_to_be_saved_as_utf8(run, tmp_path, encoding,
                                                             line, col, offset):
    path = tmp_path / "claims.yaml"
    path.write_bytes("article:\n  title: naïve\n  outlet: ü ".encode()
                     + "Café Çà\n".encode(encoding))
    result = run("check", "-f", str(path))
    assert (result.code, result.out, result.err) == (
        2, "", f"{path}:{line}:{col}: error[encoding]: not UTF-8: byte 0xe9 at byte offset"
        f" {offset} is not UTF-8 (a file saved as cp1252 or latin-1?); save it as UTF-8\n")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_named(run, tmp_path, codec):
    path = tmp_path / "claims.yaml"
    path.write_bytes("claims: []\n".encode(codec))
    result = run("check", "-f", str(path))
    assert (result.code, result.out, result.err) == (
        2, "", f"{path}:1:1: error[encoding]: not UTF-8: the file looks like UTF-16 without a"
        " byte-order mark (every other byte is 0); save it as UTF-8\n")


@pytest.mark.parametrize(("text", "line", "col"), [
    ("article: {title: A}\rclaims:\r  - id: a\r    claim: \x01\r", 4, 12),
    ("article: {title: A}\r\nclaims:\r\n  - id: a\r\n    claim: \x01\r\n", 4, 12),
    ("article: {title: A}\nclaims:\n  - id: a\n    claim: \x01\n", 4, 12),
])
def test_positions_are_right_whatever_the_line_ends(run, tmp_path, text, line, col):
    path = tmp_path / "claims.yaml"
    path.write_bytes(text.encode())
    result = run("check", "-f", str(path))
    assert (result.code, result.out, result.err) == (
        2, "", f"{path}:{line}:{col}: error[bad-character]: character U+0001 is not allowed"
        " in YAML\n")


def test_utf16_is_named(run, tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_bytes("claims: []\n".encode("utf-16"))
    result = run("check", "-f", str(path))
    assert (result.code, result.out, result.err) == (
        2, "", f"{path}:1:1: error[encoding]: file is UTF-16; save it as UTF-8\n")


def test_a_utf8_byte_order_mark_is_accepted(run, tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + document().encode())
    result = run("check", "-f", str(path))
    assert (result.code, result.out, result.err) == (
        0, f"{path}: 4 claims, 0 checks: ok\n", "")


def test_a_file_over_the_size_cap_is_refused(run, claims_file, monkeypatch):
    monkeypatch.setattr(claimkit.load, "MAX_BYTES", 100)
    path = claims_file(document())
    result = run("check", "-f", path)
    assert (result.code, result.out, result.err) == (
        2, "", f"{path}:1:1: error[too-large]: file is larger than the limit of 100 bytes\n")


def test_a_file_one_byte_over_50_mb_is_refused(run, tmp_path):
    path = tmp_path / "claims.yaml"
    with open(path, "wb") as handle:  # sparse: nothing is written to disk
        handle.truncate(50 * 1024 * 1024 + 1)
    result = run("check", "-f", str(path))
    assert (result.code, result.out, result.err) == (
        2, "", f"{path}:1:1: error[too-large]: file is larger than the limit of 50 MB\n")


def test_a_missing_file(run, tmp_path):
    path = tmp_path / "nowhere.yaml"
    result = run("list", "-f", str(path))
    assert (result.code, result.out, result.err) == (
        2, "", f"{path}:1:1: error[unreadable]: no such file\n")


@pytest.mark.parametrize("option", ["-f", "--paper", "--article"])
def test_a_directory(run, claims_file, tmp_path, option):
    # The texts are read as the claims file is; the message fits all three.
    argv = ["-f", str(tmp_path)] if option == "-f" else [
        "-f", claims_file(document()), option, str(tmp_path)]
    result = run("check", *argv)
    assert (result.code, result.out, result.err) == (
        2, "", f"{tmp_path}:1:1: error[unreadable]: is a directory\n")


def test_a_file_that_cannot_be_read_leaves_no_descriptor_open(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    descriptors = len(os.listdir("/proc/self/fd"))
    for path in [tmp_path, tmp_path / "fifo"] * 5:
        with pytest.raises(claimkit.load.LoadError):
            claimkit.load.read_text(str(path), str(path))
    assert len(os.listdir("/proc/self/fd")) == descriptors


@pytest.mark.parametrize("error, message", [
    (PermissionError(13, "Permission denied"), "permission denied"),
    (OSError(5, "Input/output error"), "cannot read: Input/output error"),
])
def test_a_read_error_is_one_line(run, claims_file, monkeypatch, error, message):
    path = claims_file(document())

    def refuse(*args, **kwargs):
        raise error

    # Tests may run as root, which can read any file: refuse at open itself.
    monkeypatch.setattr(claimkit.load, "open", refuse, raising=False)
    result = run("check", "-f", path)
    assert (result.code, result.out, result.err) == (
        2, "", f"{path}:1:1: error[unreadable]: {message}\n")


def test_no_command_writes_the_claims_file(run, claims_file, tmp_path):
    path = claims_file(document())
    before = (open(path, "rb").read(), os.stat(path).st_mtime_ns)
    for argv in (["check"], ["list"], ["show", "gpus-16k"], ["export"],
                 ["export", "--format", "csv", "-o", str(tmp_path / "out.csv")]):
        assert run(*argv, "-f", path).code == 0
    assert (open(path, "rb").read(), os.stat(path).st_mtime_ns) == before
    assert sorted(os.listdir(tmp_path)) == ["claims.yaml", "out.csv"]


def test_a_million_aliases_stop_at_the_problem_limit(run, claims_file):
    from claimkit.problems import MAX_PROBLEMS

    path = claims_file("a: &a x\nb: [" + "*a, " * 1_000_000 + "*a]\n")
    result = run("check", "-f", path)
    assert (result.code, result.out) == (1, "")
    lines = result.err.splitlines()
    assert len(lines) == MAX_PROBLEMS + 1 == 1001
    assert lines[-1].endswith(f"error[too-many-problems]: {MAX_PROBLEMS} problems found; stopped here")
