"""Further references of a claim (`references:`): read, checked and shown
the way its source is."""
import json

import pytest

from conftest import GPUS, HEADER, LICENSE, REFERENCED, position


def claims(text: str = REFERENCED, extra: str = "") -> str:
    return HEADER.replace("paper: {", 'paper: {version: v3, ') + "claims:\n" + text + extra


@pytest.mark.parametrize("text, needle, where, message", [
    # A second source: block, written as the natural guess.
    (claims(REFERENCED.replace("    references:", "    sources:")), "sources:",
     "claims[0] (gpus-16k).sources",
     "unknown key 'sources' (did you mean 'source'?); a claim has one source; further"
     " references go in a list under 'references:', each shaped like source"),
    # A list under source:.
    (claims(LICENSE.replace("    source:\n      url", "    source:\n      - url")
            .replace("      quote: allowing", "        quote: allowing")),
     "- url", "claims[0] (license-outputs).source",
     "expected a mapping, got a list; a claim has one source; further references go in a"
     " list under 'references:', each shaped like source"),
])
def test_a_second_source_written_another_way_says_how_to_add_one(run, claims_file, text,
                                                                   needle, where, message):
    path = claims_file(text)
    line, col = position(text, needle)
    code = "unknown-key" if needle == "sources:" else "bad-type"
    result = run("check", "-f", path)
    assert result.code == 1
    assert result.err.splitlines()[0] == f"{path}:{line}:{col}: error[{code}]: {where}: {message}"


# Pages 8 to 10 of a paper: §3.3 on page 8, §3.3.1 on page 9, and the run on 10.
PAPER = ("\f" * 7 + "3.3 Infrastructure\nWe describe it.\n\f3.3.1 Training Infrastructure\n"
         "It is trained on up to 16K H100 GPUs.\n\fMore.\nThe run on 16,384\nGPUs took long.\n")


@pytest.mark.parametrize("quote, page, expected_problem, placement", [
    ("The run on 16,384 GPUs", 10, None,
     "placement: 2 of 2 quotes on their cited page; 2 of 2 under their cited section"),
    ("The run on 16,384 GPUs", 9, ("wrong-page", "quote is cited on page 9, but stands on"
                                   " page 10 of PAPER"),
     "placement: 1 of 2 quotes on their cited page; 2 of 2 under their cited section"),
    ("We describe it all", 8, ("quote-not-found", "quote not found in PAPER; closest passage"
                               " (74% similar, line 2, page 8): \"We describe it. 3.3.1"
                               " Training\""),
     "placement: 1 of 1 quotes on their cited page; 1 of 1 under their cited section"),
])
def test_a_reference_quote_is_found_and_placed_like_a_source_quote(
        run, claims_file, tmp_path, quote, page, expected_problem, placement):
    text = claims(REFERENCED.replace("quote: The run on 16,384 GPUs", f"quote: {quote}")
                  .replace("page: 9", f"page: {page}").replace("page: 8", "page: 9"))
    path = claims_file(text)
    paper = tmp_path / "paper.txt"
    paper.write_text(PAPER, encoding="utf-8")
    result = run("check", "-f", path, "--paper", str(paper))
    found = 1 if expected_problem and expected_problem[0] == "quote-not-found" else 2
    assert result.out == (
        f"{path}: 1 claim, 0 checks: {'1 problem' if expected_problem else 'ok'}\n"
        f"paper quotes: {found} of 2 found in {paper}\n{placement}\n")
    if expected_problem is None:
        assert (result.code, result.err) == (0, "")
        return
    code, message = expected_problem
    line, col = position(text, quote)
    assert (result.code, result.err) == (
        1, f"{path}:{line}:{col}: error[{code}]: claims[0] (gpus-16k).references[0].quote:"
           f" {message.replace('PAPER', str(paper))}\n")


def test_every_view_carries_the_references(run, claims_file, monkeypatch):
    path = claims_file(claims())
    monkeypatch.setenv("COLUMNS", "80")
    listed = run("list", "-f", path).out.splitlines()
    assert listed[5:9] == [
        "▲  gpus-16k                              §3.3.1 Training            overstated",
        "   More than 16K GPUs were used.         Infrastructure, p. 8",
        "                                         + §3.3 Table 4, p. 9",
        "                                         + example.org/llama-2"]

    shown = run("show", "gpus-16k", "-f", path).out
    assert "also   §3.3 Table 4, p. 9: “The run on 16,384 GPUs”\n" in shown
    assert "       https://arxiv.org/pdf/2407.21783v3#page=9\n" in shown
    assert ("also   example.org/llama-2: “We trained on 2 trillion tokens” (paraphrase)\n"
            "       https://example.org/llama-2\n") in shown

    markdown = run("export", "--format", "markdown", "-f", path).out
    assert ("  Source: [§3.3.1 Training Infrastructure, p. 8](https://arxiv.org/pdf/2407.21783v3#page=8)  \n"
            "  Also: [§3.3 Table 4, p. 9](https://arxiv.org/pdf/2407.21783v3#page=9):"
            " “The run on 16,384 GPUs”  \n"
            "  Also: [example.org/llama-2](https://example.org/llama-2) (paraphrase):"
            " “We trained on 2 trillion tokens”  \n"
            "  Value: 16,000 GPUs\n") in markdown

    page = run("export", "--format", "html", "-f", path).out
    assert ('<dt>Also</dt><dd><a href="https://arxiv.org/pdf/2407.21783v3#page=9">'
            "§3.3 Table 4, p. 9</a>: <q>The run on 16,384 GPUs</q></dd>") in page
    assert ('<dt>Also</dt><dd><a href="https://example.org/llama-2">example.org/llama-2</a>'
            " (paraphrase): <q>We trained on 2 trillion tokens</q></dd>") in page

    record = json.loads(run("export", "--format", "json", "-f", path).out)["claims"][0]
    assert record["references"] == [
        {"section": "3.3", "title": "Infrastructure", "locator": "Table 4", "page": 9,
         "page_url": "https://arxiv.org/pdf/2407.21783v3#page=9",
         "quote": "The run on 16,384 GPUs", "url": None},
        {"section": None, "title": None, "locator": None, "page": None, "page_url": None,
         "quote": "We trained on 2 trillion tokens", "url": "https://example.org/llama-2",
         "quote_exact": False}]

    import csv
    import io

    row = next(csv.DictReader(io.StringIO(run("export", "--format", "csv", "-f", path).out)))
    assert row["references"] == (
        "§3.3 Table 4, p. 9: “The run on 16,384 GPUs”"
        " <https://arxiv.org/pdf/2407.21783v3#page=9>\n"
        "example.org/llama-2: “We trained on 2 trillion tokens” (paraphrase)"
        " <https://example.org/llama-2>")


def test_a_quote_that_cannot_be_checked_is_counted_and_named(run, claims_file, tmp_path):
    # The second claim's article quote is cut by a ' #' (a YAML comment), so
    # it cannot be read; its other problem, a wrong title, is reported too,
    # and its paper quote is still looked for.
    second = (GPUS.replace("gpus-16k", "gpus-again")
              .replace("article_quote: used more than 16K H100 GPUs",
                       "article_quote: used more than 16K #H100 GPUs")
              .replace("title: Training Infrastructure", "title: Training"))
    text = claims(GPUS + second)
    path = claims_file(text)
    article = tmp_path / "article.txt"
    article.write_text("It used more than 16K H100 GPUs.\n", encoding="utf-8")
    paper = tmp_path / "paper.txt"
    paper.write_text("Abstract\nIt is trained on up to 16K H100 GPUs.\n", encoding="utf-8")
    result = run("check", "-f", path, "--article", str(article), "--paper", str(paper))
    assert result.out.splitlines()[:2] == [
        f"{path}: 2 claims, 0 checks: 2 problems",
        f"article quotes: 1 of 2 found in {article}; 1 not checked"
        " (claims[1] (gpus-again): its article_quote could not be read)"]
    assert f"paper quotes: 2 of 2 found in {paper}" in result.out
    assert [line.split(": ")[1:3] for line in result.err.splitlines()] == [
        ["error[comment-in-text]", "claims[1] (gpus-again).article_quote"],
        ["error[wrong-title]", "claims[1] (gpus-again).source.title"]]


def test_one_run_finds_every_problem_of_a_claim(run, claims_file, tmp_path):
    # A bad id, a wrong title, a page outside its section and an article
    # quote the article does not hold: all four in one run, the quote of the
    # claim with problems looked for too.
    text = claims(GPUS.replace("id: gpus-16k", "id: GPUs_16K")
                  .replace("title: Training Infrastructure", "title: Training")
                  .replace("page: 8", "page: 3")
                  .replace("article_quote: used more than 16K H100 GPUs",
                           "article_quote: used more than 17K H100 GPUs"))
    path = claims_file(text)
    article = tmp_path / "article.txt"
    article.write_text("It used more than 16K H100 GPUs.\n", encoding="utf-8")
    result = run("check", "-f", path, "--article", str(article))
    assert result.code == 1
    assert [line.split(": ")[1:3] for line in result.err.splitlines()] == [
        ["error[bad-id]", "claims[0].id"],
        ["error[quote-not-found]", "claims[0].article_quote"],
        ["error[wrong-title]", "claims[0].source.title"],
        ["error[page-out-of-section]", "claims[0].source.page"],
        ["warning[untracked-sentence]", "untracked sentence states a checkable fact"]]
    assert result.out.splitlines()[:2] == [
        f"{path}: 1 claim, 0 checks: 4 problems",
        f"article quotes: 0 of 1 found in {article}"]
