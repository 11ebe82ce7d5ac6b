"""Every export format, from inline files: whole outputs, and whole outcomes
of `kit.py export` (exit code, stdout, stderr)."""
import csv
import html.parser
import io
import json
import re
import urllib.parse

import pytest

from claimkit.export_data import CSV_FIELDS, neutralize_cell
from claimkit.formats import FORMATS
from claimkit.model import VERDICTS
from claimkit.session import load_document
from conftest import GPUS, LEAK, LICENSE, SIZES, document, versioned

CHECKS = "checks:\n  - {id: double, compute: gpus_16k * 2, expect: 32000}\n"
REVIEW = 'review: {reviewer: Tester, date: "2026-11-27"}'
PUBLISHED = 'review: {reviewer: Tester, date: "2026-11-27", url: "https://example.org/r"}'


def published(text: str) -> str:
    """The file with review.url in its header, as a publisher's would be."""
    return text.replace(REVIEW, PUBLISHED)


@pytest.fixture
def loaded(claims_file):
    """The four-claim file with a check, review.url, paper.version and a locator."""
    loaded = load_document(claims_file(published(document(extra=CHECKS))))
    document_, results = loaded.document, loaded.results
    assert loaded.problems == loaded.check_problems == []
    return versioned(document_), results


MARKDOWN = """\
# Claims checked: An article

The Outlet, 2024-07-24: checked against *[A paper](https://arxiv.org/abs/2407.21783)*\
 (Someone, arXiv 2407.21783v3); reviewed by Tester on 2026-11-27.

✔ 1 supported · ▲ 1 overstated · ○ 1 not-in-paper · ☐ 1 unsourced  
3/4 claims sourced

Legend: `[x]` checked against a source, whatever the verdict; `[ ]` not yet sourced.

## §1 Introduction (p. 1)

- [x] **✔ Supported** · model-sizes  
  There are 8B, 70B and 405B models.

  > **The article (The Outlet):** with 8B, 70B, and 405B versions

  > **The source:** a herd of three language models with 8B, 70B, and 405B parameters.

  Source: [§1 Introduction, p. 1](https://arxiv.org/pdf/2407.21783v3#page=1)

## §3.3.1 Training Infrastructure (p. 8)

- [x] **▲ Overstated** · gpus-16k  
  More than 16K GPUs were used.

  > **The article (The Outlet):** used more than 16K H100 GPUs

  > **The source:** trained on up to 16K H100 GPUs

  The paper says up to 16K.

  Source: [§3.3.1 Table 4, p. 8](https://arxiv.org/pdf/2407.21783v3#page=8)  
  Value: 16,000 GPUs

## Outside the paper, or not yet sourced

- [x] **○ Not in the paper** · license-outputs  
  The license allows using outputs to improve other models.

  > **The article (The Outlet):** use the output of the Llama model to enhance other models

  > **The source:** allowing developers to use the outputs from Llama models

  From the blog.

  Source: [ai.meta.com/blog/meta-llama-3-1/](https://ai.meta.com/blog/meta-llama-3-1/)

- [ ] **☐ Not yet sourced** · leak  
  It leaked two days early.

  > **The article (The Outlet):** accidental leak

  Nothing found yet.

## Checks

- ✔ double: computed 32,000, expected 32,000
"""

CSV = """\
id,claim,article_quote,verdict,section,title,locator,page,page_url,quote,quote_exact,url,value,unit,note,references
gpus-16k,More than 16K GPUs were used.,used more than 16K H100 GPUs,overstated,3.3.1,\
Training Infrastructure,Table 4,8,https://arxiv.org/pdf/2407.21783v3#page=8,\
trained on up to 16K H100 GPUs,true,,16000,GPUs,The paper says up to 16K.,
model-sizes,"There are 8B, 70B and 405B models.","with 8B, 70B, and 405B versions",supported,1,\
Introduction,,1,https://arxiv.org/pdf/2407.21783v3#page=1,\
"a herd of three language models with 8B, 70B, and 405B parameters.",true,,,,,
license-outputs,The license allows using outputs to improve other models.,\
use the output of the Llama model to enhance other models,not-in-paper,,,,,,\
allowing developers to use the outputs from Llama models,true,\
https://ai.meta.com/blog/meta-llama-3-1/,,,From the blog.,
leak,It leaked two days early.,accidental leak,unsourced,,,,,,,,,,,Nothing found yet.,
""".replace("\n", "\r\n")

JSON_CLAIMS = [
    {"id": "gpus-16k", "claim": "More than 16K GPUs were used.",
     "article_quote": "used more than 16K H100 GPUs", "verdict": "overstated",
     "source": {"section": "3.3.1", "title": "Training Infrastructure", "locator": "Table 4",
                "page": 8, "page_url": "https://arxiv.org/pdf/2407.21783v3#page=8",
                "quote": "trained on up to 16K H100 GPUs", "url": None},
     "note": "The paper says up to 16K.", "value": 16000, "unit": "GPUs"},
    {"id": "model-sizes", "claim": "There are 8B, 70B and 405B models.",
     "article_quote": "with 8B, 70B, and 405B versions", "verdict": "supported",
     "source": {"section": "1", "title": "Introduction", "locator": None, "page": 1,
                "page_url": "https://arxiv.org/pdf/2407.21783v3#page=1",
                "quote": "a herd of three language models with 8B, 70B, and 405B parameters.",
                "url": None}},
    {"id": "license-outputs",
     "claim": "The license allows using outputs to improve other models.",
     "article_quote": "use the output of the Llama model to enhance other models",
     "verdict": "not-in-paper",
     "source": {"section": None, "title": None, "locator": None, "page": None,
                "page_url": None,
                "quote": "allowing developers to use the outputs from Llama models",
                "url": "https://ai.meta.com/blog/meta-llama-3-1/"},
     "note": "From the blog."},
    {"id": "leak", "claim": "It leaked two days early.", "article_quote": "accidental leak",
     "verdict": "unsourced",
     "source": {"section": None, "title": None, "locator": None, "page": None,
                "page_url": None, "quote": None, "url": None},
     "note": "Nothing found yet."},
]
JSON_HEADER = {
    "article": {"title": "An article", "outlet": "The Outlet", "date": "2024-07-24"},
    "paper": {"title": "A paper", "authors": "Someone", "arxiv": "2407.21783",
              "url": "https://arxiv.org/abs/2407.21783", "date": "2024-07-23",
              "version": "v3"},
    "review": {"reviewer": "Tester", "date": "2026-11-27", "url": "https://example.org/r"},
    "sections": {"1": {"title": "Introduction", "page": 1},
                 "3.3": {"title": "Infrastructure", "page": 8},
                 "3.3.1": {"title": "Training Infrastructure", "page": 8},
                 "11": {"title": "Contributors", "page": None}},
}
JSON = {"header": JSON_HEADER, "claims": JSON_CLAIMS,
        "checks": [{"id": "double", "compute": "gpus_16k * 2",
                    "expect": 32000, "tolerance": 0, "claims": ["gpus-16k"],
                    "expected": 32000, "computed": 32000.0, "ok": True}]}


def review(claim_id: str, claim: str, rating: int, name: str, body: str | None) -> dict:
    item = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://example.org/r#{claim_id}",
        "claimReviewed": claim,
        "reviewRating": {"@type": "Rating", "ratingValue": rating, "bestRating": 5,
                         "worstRating": 1, "alternateName": name},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Organization", "name": "The Outlet"},
            "datePublished": "2024-07-24",
            "appearance": {"@type": "CreativeWork", "headline": "An article"},
        },
        "author": {"@type": "Organization", "name": "Tester", "url": "https://example.org/"},
        "datePublished": "2026-11-27",
    }
    if body is not None:
        item["reviewBody"] = body
    return item


# Not in the paper and not yet sourced rate no truth: they are not published.
CLAIMREVIEW = [
    review("gpus-16k", "More than 16K GPUs were used.", 2, "Overstated",
           "The paper says up to 16K."),
    review("model-sizes", "There are 8B, 70B and 405B models.", 5, "Supported", None),
]


@pytest.mark.parametrize(("name", "read", "expected"), [
    ("markdown", str, MARKDOWN),
    ("csv", str, CSV),
    ("json", json.loads, JSON),
    ("claimreview", json.loads, CLAIMREVIEW),
])
def test_each_format_whole(loaded, name, read, expected):
    document_, results = loaded
    assert read(FORMATS[name].render(document_, document_.claims, results, 4)) == expected


def test_markdown_reads_as_commonmark(loaded):
    """Rendered as CommonMark, each entry's id ends its line (a hard break),
    and the claim starts the next: not "· model-sizes There are …"."""
    from markdown_it import MarkdownIt

    document_, results = loaded
    rendered = MarkdownIt("commonmark").render(
        FORMATS["markdown"].render(document_, document_.claims, results, 4))
    page = Page(rendered)

    def lines(paragraph) -> list[str]:
        """A paragraph's text, split at its <br> elements."""
        text = "".join("\0" if isinstance(child, tuple) and child[0] == "br"
                       else child if isinstance(child, str) else Page.text(child)
                       for child in paragraph[2])
        return [" ".join(line.split()) for line in text.split("\0")]

    entries = [lines(page.find("p", item)[0]) for item in page.find("li")
               if page.find("p", item)]
    assert entries == [
        ["[x] ✔ Supported · model-sizes", "There are 8B, 70B and 405B models."],
        ["[x] ▲ Overstated · gpus-16k", "More than 16K GPUs were used."],
        ["[x] ○ Not in the paper · license-outputs",
         "The license allows using outputs to improve other models."],
        ["[ ] ☐ Not yet sourced · leak", "It leaked two days early."]]
    counts = next(p for p in page.find("p") if "claims sourced" in Page.text(p))
    assert lines(counts) == ["✔ 1 supported · ▲ 1 overstated · ○ 1 not-in-paper ·"
                             " ☐ 1 unsourced", "3/4 claims sourced"]


def test_csv_reads_back_with_the_documented_columns(loaded):
    document_, results = loaded
    rows = list(csv.DictReader(io.StringIO(
        FORMATS["csv"].render(document_, document_.claims, results, 4))))
    assert [(row["id"], row["quote_exact"], row["locator"]) for row in rows] == [
        ("gpus-16k", "true", "Table 4"), ("model-sizes", "true", ""),
        ("license-outputs", "true", ""), ("leak", "", "")]


PARAPHRASE = SIZES.replace("      quote: a herd", "      quote_exact: false\n      quote: a herd")


@pytest.mark.parametrize(("name", "marked"), [
    ("markdown", "> **The source (paraphrase):** a herd of three"),
    ("csv", '"a herd of three language models with 8B, 70B, and 405B parameters.",false,'),
    ("json", '"quote_exact": false'),
    ("html", '<figcaption>The source<span class="tag">paraphrase</span></figcaption>'),
])
def test_a_paraphrase_is_marked_in_every_format_that_shows_quotes(claims_file, name, marked):
    loaded = load_document(claims_file(document(PARAPHRASE)))
    document_, results = loaded.document, loaded.results
    assert marked in FORMATS[name].render(document_, document_.claims, results, 1)


def test_markdown_escapes_the_data(claims_file):
    text = document(SIZES.replace("There are 8B, 70B and 405B models.",
                                  "\"- A *bold* [link](x) <b> `code` # | ~~\""))
    loaded = load_document(claims_file(text))
    document_, results = loaded.document, loaded.results
    out = FORMATS["markdown"].render(document_, document_.claims, results, 7)
    assert "Showing 1 of 7 claims." in out.splitlines()
    assert r"  \- A \*bold\* \[link\](x) \<b\> \`code\` \# \| \~\~" in out.splitlines()


@pytest.mark.parametrize("cell, safe", [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
    ("+1+2", "'+1+2"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("plain text", "plain text"),
    ("a=b", "a=b"),
    (None, ""),
])
def test_csv_cells_are_neutralised_as_owasp_advises(cell, safe):
    assert neutralize_cell(cell) == safe


def test_a_formula_in_a_claim_is_neutralised_in_the_file(claims_file):
    text = document(SIZES.replace("There are 8B, 70B and 405B models.",
                                  "\"=cmd|'/C calc'!A0\""))
    loaded = load_document(claims_file(text))
    document_, results = loaded.document, loaded.results
    rows = list(csv.reader(io.StringIO(
        FORMATS["csv"].render(document_, document_.claims, results, 1))))
    assert rows[1][1] == "'=cmd|'/C calc'!A0"


def test_only_verdicts_that_judge_truth_have_a_rating():
    """Not in the paper says where the evidence is, and not yet sourced that
    there is none: a number on a scale of truth (3 of 5) would read as "half
    true", so neither has one."""
    ratings = {name: verdict.rating for name, verdict in VERDICTS.items()
               if verdict.rating is not None}
    assert sorted(ratings) == sorted(set(VERDICTS) - {"unsourced", "not-in-paper"})
    assert all(1 <= rating <= 5 for rating in ratings.values())
    assert ratings["supported"] == 5 and ratings["contradicted"] == 1
    assert [VERDICTS[v].words for v in sorted(ratings, key=ratings.get, reverse=True)] == [
        "Supported", "Imprecise", "Overstated", "Contradicted"]


# Google Search Central, "Fact check (ClaimReview) structured data": the
# properties it requires and recommends, by type.  A `url` of the review is
# required; author and itemReviewed are recommended; within them, the
# Rating's alternateName is required, its numbers recommended; the Claim's
# author, datePublished and appearance recommended; an author's name and url.
GOOGLE_CLAIMREVIEW = {
    "ClaimReview": ("claimReviewed", "reviewRating", "url", "author", "itemReviewed"),
    "Rating": ("alternateName", "ratingValue", "bestRating", "worstRating"),
    "Claim": ("author", "datePublished", "appearance"),
    "Organization": ("name",),
    "CreativeWork": ("headline",),
}


def google_gaps(item, where="") -> list[str]:
    """Every property Google requires or recommends that an object lacks."""
    gaps = []
    if isinstance(item, dict):
        for key in GOOGLE_CLAIMREVIEW.get(item.get("@type"), ()):
            if item.get(key) in (None, ""):
                gaps.append(f"{where}{item['@type']}.{key}")
        for key, value in item.items():
            gaps += google_gaps(value, f"{where}{key}/")
    return gaps


def test_claimreview_has_what_google_requires_and_recommends(claims_file):
    text = published(document()).replace(
        'date: "2024-07-24"}', 'date: "2024-07-24", url: "https://example.org/a"}')
    loaded = load_document(claims_file(text))
    document_, results = loaded.document, loaded.results
    reviews = json.loads(FORMATS["claimreview"].render(document_, document_.claims, results, 4))
    assert [google_gaps(item) for item in reviews] == [[], []]
    assert all(item["itemReviewed"]["appearance"]["url"] == "https://example.org/a"
               for item in reviews)
    assert all(len(item["claimReviewed"]) <= 75 for item in reviews)
    # The test's own table can fail: an object without a url is caught.
    assert google_gaps({"@type": "ClaimReview", "reviewRating": {"@type": "Rating"}}) == [
        "ClaimReview.claimReviewed", "ClaimReview.url", "ClaimReview.author",
        "ClaimReview.itemReviewed", "reviewRating/Rating.alternateName",
        "reviewRating/Rating.ratingValue", "reviewRating/Rating.bestRating",
        "reviewRating/Rating.worstRating"]


LONG_CLAIM = "More than sixteen thousand H100 GPUs, each with 80 GB, were used to train it"
LONG = GPUS.replace("More than 16K GPUs were used.", LONG_CLAIM)


def starts(prefix: str):
    return lambda out: out.startswith(prefix)


NOT_PUBLISHED = ("kit.py: note: 1 not-in-paper and 1 unsourced claims not published as"
                 " ClaimReview (no truth rating)\n")


def cases():
    """(file text, argv after the file, exit code, stdout, stderr), over
    `export`; stdout is the whole text, or a test of it."""
    unpublished = document()
    return [
        # Unsourced claims are not published; their count goes to stderr.
        (published(document()), ["--format", "claimreview"], 0,
         json.dumps(CLAIMREVIEW, indent=2, ensure_ascii=False) + "\n", NOT_PUBLISHED),
        # The address at export time: the shipped file exports unedited.
        (unpublished, ["--format", "claimreview", "--url", "https://example.org/r"], 0,
         json.dumps(CLAIMREVIEW, indent=2, ensure_ascii=False) + "\n", NOT_PUBLISHED),
        # --url wins over the header's.
        (published(document()), ["--format", "claimreview", "--url", "https://example.net/x"],
         0, lambda out: [item["url"] for item in json.loads(out)]
         == ["https://example.net/x#gpus-16k", "https://example.net/x#model-sizes"],
         NOT_PUBLISHED),
        (unpublished, ["--format", "claimreview", "--url", "example.org/r"], 2, "",
         "kit.py: error: --url expects an http(s) url, got 'example.org/r'\n"),
        (unpublished, ["--format", "claimreview", "--url", "https://exa mple.org/"], 2, "",
         "kit.py: error: --url expects an http(s) url, got 'https://exa mple.org/'\n"),
        (published(document(SIZES + LICENSE)), ["--format", "claimreview"], 0,
         lambda out: len(json.loads(out)) == 1,
         "kit.py: note: 1 not-in-paper claim not published as ClaimReview"
         " (no truth rating)\n"),
        (published(document(SIZES + LEAK + LEAK.replace("id: leak", "id: leak-2"))),
         ["--format", "claimreview", "--verdict", "supported"], 0,
         lambda out: [item["url"] for item in json.loads(out)]
         == ["https://example.org/r#model-sizes"],
         "kit.py: showing 1 of 3 claims\n"),
        (published(document(LONG)), ["--format", "claimreview"], 0,
         lambda out: json.loads(out)[0]["claimReviewed"] == LONG_CLAIM,
         ("kit.py: warning: gpus-16k: claimReviewed is 76 characters;"
         " Google advises at most 75\n")),
        (unpublished, ["--format", "claimreview"], 2, "",
         ("kit.py: error: {path}: ClaimReview needs the review's address: give export"
          " --url URL, or review.url in the file's header (each review's url is"
          " URL#claim-id)\n")),
        # Without review.url the page is written, without the JSON-LD.
        (unpublished, ["--format", "html"], 0,
         lambda out: out.startswith("<!DOCTYPE html>") and "ld+json" not in out, ""),
        (published(document()), ["--format", "html"], 0,
         lambda out: '<script type="application/ld+json">' in out, NOT_PUBLISHED),
        (unpublished, ["--format", "html", "--url", "https://example.org/r"], 0,
         lambda out: '"url": "https://example.org/r#gpus-16k"' in out, NOT_PUBLISHED),
        (unpublished, ["--format", "csv", "--excel"], 0, starts("\ufeffid,claim,"), ""),
        (unpublished, ["--format", "csv"], 0, starts("id,claim,"), ""),
        (unpublished, ["--format", "markdown", "--excel"], 2, "",
         "kit.py: error: --excel is for csv, not markdown\n"),
        (unpublished, ["--excel"], 2, "", "kit.py: error: --excel is for csv, not json\n"),
    ]


@pytest.mark.parametrize(("text", "argv", "code", "out", "err"), cases())
def test_export_outcomes(run, claims_file, text, argv, code, out, err):
    path = claims_file(text)
    result = run("export", "-f", path, *argv)
    assert (result.code, result.err) == (code, err.replace("{path}", path))
    assert result.out == out if isinstance(out, str) else out(result.out), result.out[:200]


TWO = published(document(GPUS + SIZES))


@pytest.mark.parametrize(("name", "argv", "code", "err", "written"), [
    ("out.html", [], 0, "", "<!DOCTYPE html>\n<html lang=\"en\">"),
    ("OUT.HTM", [], 0, "", "<!DOCTYPE html>\n<html lang=\"en\">"),
    ("out.md", [], 0, "", "# Claims checked: An article\n"),
    ("out.csv", [], 0, "", "id,claim,article_quote,"),
    ("out.json", [], 0, "", '{\n  "header": {'),
    ("out.anno.jsonld", [], 0,
     "kit.py: note: the article has no url (article.url): its 2 quotes are not annotated\n"
     "kit.py: note: give --paper FILE (and --article FILE) to add the words around each"
     " quote (prefix, suffix)\n",
     '[\n  {\n    "@context": "http://www.w3.org/ns/anno.jsonld",'),
    ("out.jsonld", [], 0, "", '[\n  {\n    "@context": "https://schema.org",'),
    ("out.html", ["--format", "html"], 0, "", "<!DOCTYPE html>"),
    # An extension that names no format does not contradict one.
    ("notes.txt", ["--format", "markdown"], 0, "", "# Claims checked"),
    ("out.csv", ["--format", "json"], 2,
     "kit.py: error: -o {out} does not end in .json, the extension of --format json\n", None),
    ("report.html", ["--format", "claimreview"], 2,
     ("kit.py: error: -o {out} does not end in .jsonld, the extension of --format"
     " claimreview\n"), None),
    ("out.txt", [], 2,
     ("kit.py: error: cannot tell the format of -o {out} from its extension; give --format,"
     " or end the name in one of .json, .md, .markdown, .csv, .jsonld, .html, .htm,"
     " .anno.jsonld\n"), None),
    ("out", [], 2,
     ("kit.py: error: cannot tell the format of -o {out} from its extension; give --format,"
     " or end the name in one of .json, .md, .markdown, .csv, .jsonld, .html, .htm,"
     " .anno.jsonld\n"), None),
])
def test_the_output_files_extension_names_the_format(run, claims_file, tmp_path, name, argv,
                                                     code, err, written):
    out = tmp_path / name
    result = run("export", "-f", claims_file(TWO), "-o", str(out), *argv)
    assert (result.code, result.out, result.err) == (code, "", err.replace("{out}", str(out)))
    if written is None:
        assert not out.exists()
    else:
        assert out.read_text(encoding="utf-8").startswith(written)


def test_the_claims_file_is_refused_before_its_extension_is_read(run, claims_file):
    path = claims_file(TWO)
    result = run("export", "-f", path, "-o", path)
    assert (result.code, result.out, result.err) == (
        2, "", f"kit.py: error: refusing to write over the claims file {path}\n")


def test_excel_writes_a_byte_order_mark_to_the_file(run, claims_file, tmp_path):
    out = tmp_path / "out.csv"
    assert run("export", "-f", claims_file(TWO), "-o", str(out), "--excel").code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,claim,")
    assert data.count(b"\xef\xbb\xbf") == 1
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1][0] == "gpus-16k"


# -- the HTML page, parsed ---------------------------------------------------

class Page(html.parser.HTMLParser):
    """The page as a tree of (tag, attributes, children); text as strings."""

    VOID = frozenset({"meta", "input", "br", "link", "img"})

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.root = ("", {}, [])
        self.stack = [self.root]
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = (tag, dict(attrs), [])
        self.stack[-1][2].append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):  # <br />, as CommonMark writes it
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        assert self.stack[-1][0] == tag, (tag, self.stack[-1][0])
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1][2].append(data)

    def all(self, node=None):
        """Every element, in document order."""
        node = node or self.root
        for child in node[2]:
            if isinstance(child, tuple):
                yield child
                yield from self.all(child)

    @staticmethod
    def text(node) -> str:
        return "".join(child if isinstance(child, str) else Page.text(child)
                       for child in node[2])

    def find(self, tag, node=None, **attrs):
        return [n for n in self.all(node) if n[0] == tag
                and all(n[1].get(k.rstrip("_")) == v for k, v in attrs.items())]


def html_page(document_, results, total=None):
    text = FORMATS["html"].render(document_, document_.claims, results,
                                  len(document_.claims) if total is None else total)
    return text, Page(text)


def test_html_has_one_entry_per_claim_with_its_evidence(loaded):
    document_, results = loaded
    _, page = html_page(document_, results)
    entries = page.find("article")
    assert [entry[1]["id"] for entry in entries] == [c.id for c in document_.claims]
    rows = []
    for entry in entries:
        rows.append((
            entry[1]["class"],
            Page.text(page.find("span", entry, class_="verdict")[0]),
            Page.text(page.find("h3", entry)[0]),
            [Page.text(q) for q in page.find("blockquote", entry)],
            [Page.text(p) for p in page.find("p", entry, class_="note")],
            [(Page.text(a), a[1]["href"]) for a in page.find("dd", entry)
             and page.find("a", page.find("dd", entry)[0])],
            [Page.text(d) for d in page.find("dd", entry)],
        ))
    assert rows == [
        ("claim v-overstated attention", "▲ Overstated", "More than 16K GPUs were used.",
         ["used more than 16K H100 GPUs", "trained on up to 16K H100 GPUs"],
         ["The paper says up to 16K."],
         [("§3.3.1 Table 4, p. 8", "https://arxiv.org/pdf/2407.21783v3#page=8")],
         ["§3.3.1 Table 4, p. 8", "16,000 GPUs"]),
        ("claim v-supported", "✔ Supported", "There are 8B, 70B and 405B models.",
         ["with 8B, 70B, and 405B versions",
          "a herd of three language models with 8B, 70B, and 405B parameters."],
         [],
         [("§1 Introduction, p. 1", "https://arxiv.org/pdf/2407.21783v3#page=1")],
         ["§1 Introduction, p. 1"]),
        ("claim v-not-in-paper attention", "○ Not in the paper",
         "The license allows using outputs to improve other models.",
         ["use the output of the Llama model to enhance other models",
          "allowing developers to use the outputs from Llama models"],
         ["From the blog."],
         [("ai.meta.com/blog/meta-llama-3-1/", "https://ai.meta.com/blog/meta-llama-3-1/")],
         ["ai.meta.com/blog/meta-llama-3-1/"]),
        ("claim v-unsourced attention", "☐ Not yet sourced", "It leaked two days early.",
         ["accidental leak", "No source found yet."], ["Nothing found yet."], [], []),
    ]


def test_html_top_counts_and_checks(loaded):
    document_, results = loaded
    _, page = html_page(document_, results, total=9)
    header = page.find("header", class_="top")[0]
    assert [Page.text(p) for p in page.find("p", header)] == [
        "Claims checked against the source",
        "The Outlet · 2024-07-24",
        "Checked against A paper (Someone, arXiv 2407.21783v3)",
        "Reviewed by Tester on 2026-11-27",
        "Of the 4 claims shown here (of the article's 9), 1 is supported, 1 is overstated,"
        " 1 is not in the paper and 1 is not yet sourced.",
        "Most serious: “More than 16K GPUs were used” is overstated.",
        "3 of 4 sourced",
        "Showing 4 of 9 claims",
    ]
    assert [a[1]["href"] for a in page.find("a", header)][:2] == [
        "https://arxiv.org/abs/2407.21783", "#gpus-16k"]
    assert [" ".join(Page.text(label).split()) for label in page.find("label", header)] == [
        "⚑ Only the 3 that need attention", "✔ Supported: 1", "▲ Overstated: 1",
        "○ Not in the paper: 1", "☐ Not yet sourced: 1"]
    # The attention view is off, every verdict on: the page opens whole.
    assert [(box[1]["id"], "checked" in box[1]) for box in page.find("input", header)] == [
        ("show-attention", False), ("show-supported", True), ("show-overstated", True),
        ("show-not-in-paper", True), ("show-unsourced", True)]
    check = page.find("li", class_="check")[0]
    assert [Page.text(p) for p in page.find("p", check)] == [
        "computed 32,000, expected 32,000", "Uses: gpus-16k"]
    assert [a[1]["href"] for a in page.find("a", check)] == ["#gpus-16k"]


def test_html_legend_says_what_each_verdict_means(loaded):
    document_, results = loaded
    _, page = html_page(document_, results)
    legend = page.find("section", class_="legend")[0]
    terms = [(dt[1]["class"], Page.text(dt)) for dt in page.find("dt", legend)]
    meanings = [Page.text(dd) for dd in page.find("dd", legend)]
    assert list(zip(terms, meanings, strict=True)) == [
        ((f"v-{name}", f"{verdict.mark} {verdict.words}"), verdict.meaning)
        for name, verdict in VERDICTS.items()]
    assert meanings[list(VERDICTS).index("not-in-paper")] == (
        "The paper does not address it; the claim is traced to the outside source it comes"
        " from instead.")


def test_html_jump_list_links_every_claim_in_its_words(loaded):
    document_, results = loaded
    _, page = html_page(document_, results)
    jump = page.find("details", class_="jump")[0]
    assert Page.text(page.find("summary", jump)[0]) == "Jump to a claim (4)"
    assert [(li[1]["class"], page.find("a", li)[0][1]["href"], Page.text(li))
            for li in page.find("li", jump)] == [
        ("v-overstated attention", "#gpus-16k", "▲More than 16K GPUs were used."),
        ("v-supported", "#model-sizes", "✔There are 8B, 70B and 405B models."),
        ("v-not-in-paper attention", "#license-outputs",
         "○The license allows using outputs to improve other models."),
        ("v-unsourced attention", "#leak", "☐It leaked two days early.")]


@pytest.mark.parametrize("claims, line", [
    (GPUS + SIZES, "Most serious: “More than 16K GPUs were used” is overstated."),
    (SIZES, None),  # nothing needs attention: no second sentence
    (SIZES + LEAK + "".join(LEAK.replace("id: leak", f"id: leak-{n}") for n in (2, 3, 4)),
     "Most serious: “It leaked two days early”, “It leaked two days early”, “It leaked two"
     " days early” and 1 more are not yet sourced."),
])
def test_html_bottom_line_is_built_from_the_data(claims_file, claims, line):
    loaded = load_document(claims_file(document(claims)))
    _, page = html_page(loaded.document, loaded.results)
    paragraphs = [Page.text(p) for p in page.find("p", page.find("section",
                                                                  class_="bottom-line")[0])]
    assert paragraphs[1:] == ([line] if line else [])
    number = len(loaded.document.claims)
    assert paragraphs[0].startswith(f"Of the article's {number} claim{'s' * (number > 1)}, ")


def test_html_links_the_article_where_it_has_a_url(claims_file):
    text = document(SIZES).replace('date: "2024-07-24"}',
                                   'date: "2024-07-24", url: "https://example.org/a?x=1&y=2"}')
    loaded = load_document(claims_file(text))
    document_, results = loaded.document, loaded.results
    page_text, page = html_page(document_, results)
    heading = page.find("h1")[0]
    assert [(Page.text(a), a[1]["href"]) for a in page.find("a", heading)] == [
        ("An article", "https://example.org/a?x=1&y=2")]
    assert 'href="https://example.org/a?x=1&amp;y=2"' in page_text
    # The article's own address stands in the header, where a reader checks it.
    byline = page.find("p", class_="meta")[0]
    assert (Page.text(byline), [a[1]["href"] for a in page.find("a", byline)]) == (
        "The Outlet · 2024-07-24 · example.org/a?x=1&y=2", ["https://example.org/a?x=1&y=2"])


HOSTILE = '<script>alert(1)</script> & "quotes" </script><!-- [bold]x'


def test_html_escapes_everything_from_the_file(claims_file):
    text = published(document(GPUS.replace("More than 16K GPUs were used.", repr(HOSTILE))
                              .replace("The paper says up to 16K.", repr(HOSTILE))
                              .replace("used more than 16K H100 GPUs", repr(HOSTILE))))
    loaded = load_document(claims_file(text))
    document_, results = loaded.document, loaded.results
    _page_text, page = html_page(document_, results)
    entry = page.find("article")[0]
    assert Page.text(page.find("h3", entry)[0]) == HOSTILE
    assert Page.text(page.find("p", entry, class_="note")[0]) == HOSTILE
    assert Page.text(page.find("blockquote", entry)[0]) == HOSTILE
    scripts = page.find("script")
    assert [s[1] for s in scripts] == [{"type": "application/ld+json"}]
    data = Page.text(scripts[0])
    assert "<" not in data
    assert json.loads(data)[0]["claimReviewed"] == HOSTILE


def test_html_is_self_contained_and_styled_for_every_screen(loaded):
    document_, results = loaded
    page_text, page = html_page(document_, results)
    assert not [n for n in page.all() if "src" in n[1] or n[0] in ("link", "img", "iframe")]
    hrefs = [a[1]["href"] for a in page.find("a")]
    assert all(href.startswith(("#", "https://")) for href in hrefs)
    style = Page.text(page.find("style")[0])
    assert "url(" not in style and "@import" not in style
    for rule in ("overflow-wrap: anywhere", "prefers-color-scheme: dark", "@media print",
                 "break-inside: avoid", 'name="viewport"', "break-after: avoid-page",
                 ".chip:has(input:not(:checked))"):
        assert rule in page_text, rule


def test_html_embeds_the_same_claimreview_as_the_export(loaded):
    document_, results = loaded
    _, page = html_page(document_, results)
    embedded = json.loads(Page.text(page.find("script", type="application/ld+json")[0]))
    assert embedded == json.loads(
        FORMATS["claimreview"].render(document_, document_.claims, results, 4))


def test_formats_come_from_one_table():
    assert {name: fmt.extensions for name, fmt in FORMATS.items()} == {
        "json": (".json",), "markdown": (".md", ".markdown"), "csv": (".csv",),
        "claimreview": (".jsonld",), "html": (".html", ".htm"),
        "annotations": (".anno.jsonld",)}


def test_the_readme_states_each_verdicts_meaning_as_the_legend_does():
    from conftest import ROOT

    with open(f"{ROOT}/README.md", encoding="utf-8") as handle:
        readme = handle.read()
    assert [name for name, verdict in VERDICTS.items()
            if f"| `{name}` | {verdict.mark} | {verdict.meaning} |" not in readme] == []


def test_the_docs_list_the_csv_columns_in_order():
    from conftest import ROOT

    with open(f"{ROOT}/docs/exports.md", encoding="utf-8") as handle:
        exports = " ".join(handle.read().split())
    assert f"`{', '.join(CSV_FIELDS)}`" in exports


# A hand-off carries the number exactly: the csv in a form that reads back as
# the same number (YAML 1.2 and Python alike), the pages and `show` in one
# readable form with every digit.
@pytest.mark.parametrize("written, cell, shown", [
    ("1234567", "1234567", "1,234,567"),
    ("3.8e25", "3.8e+25", "3.8 × 10²⁵"),
    ("405e9", "405000000000.0", "405,000,000,000"),
    ("0.1", "0.1", "0.1"),
    ("16000", "16000", "16,000"),
    ("-2.5e-7", "-2.5e-07", "-2.5 × 10⁻⁷"),
])
def test_values_are_handed_off_exactly(run, claims_file, written, cell, shown):
    import yaml

    path = claims_file(document().replace("value: 16000\n", f"value: {written}\n"))
    outs = {argv[-1]: run(*argv) for argv in (
        ["export", "-f", path, "--format", "csv"],
        ["export", "-f", path, "--format", "markdown"],
        ["export", "-f", path, "--format", "html"],
        ["show", "-f", path, "gpus-16k"])}
    assert {name: (result.code, result.err) for name, result in outs.items()} == {
        name: (0, "") for name in ("csv", "markdown", "html", "gpus-16k")}
    row = next(csv.DictReader(io.StringIO(outs["csv"].out)))
    assert row["value"] == cell
    value = load_document(path).document.claims[0].value
    assert (type(yaml.safe_load(cell)), yaml.safe_load(cell)) == (type(value), value)
    assert f"\n  Value: {shown} GPUs\n" in outs["markdown"].out
    assert f"<dt>Value</dt><dd>{shown} GPUs</dd>" in outs["html"].out
    assert f"\nvalue  {shown} GPUs\n" in outs["gpus-16k"].out


def test_a_checks_description_and_note_are_in_every_format_that_shows_checks(claims_file):
    text = document(GPUS, "checks:\n"
                    "  - id: double\n"
                    "    description: Twice the GPUs\n"
                    "    compute: gpus_16k * 2\n"
                    "    expect: 32000\n"
                    "    note: 'Twice 16,000 is <32,000> & no more'\n")
    loaded = load_document(claims_file(text))
    document_, results = loaded.document, loaded.results

    def render(name: str) -> str:
        return FORMATS[name].render(document_, document_.claims, results, 1)

    assert json.loads(render("json"))["checks"] == [
        {"id": "double", "description": "Twice the GPUs", "compute": "gpus_16k * 2",
         "expect": 32000, "tolerance": 0, "claims": ["gpus-16k"],
         "expected": 32000, "computed": 32000.0, "ok": True,
         "note": "Twice 16,000 is <32,000> & no more"}]
    assert render("markdown").split("## Checks\n\n")[1] == (
        "- ✔ double: computed 32,000, expected 32,000 — Twice the GPUs  \n"
        "  Twice 16,000 is \\<32,000\\> & no more\n")
    page = Page(render("html"))
    check = page.find("li", class_="check")[0]
    assert [(p[1].get("class"), Page.text(p)) for p in page.find("p", check)] == [
        (None, "Twice the GPUs"), (None, "computed 32,000, expected 32,000"),
        ("note", "Twice 16,000 is <32,000> & no more"), ("uses", "Uses: gpus-16k")]


# -- every field's specials, in every format ------------------------------------

# A claims file with a value at each <<place>> that text can take, named by
# where it stands; a source's title must be its section's.
EVERY_FIELD = """\
article: {title: <<article.title>>, outlet: <<article.outlet>>, date: "2024-07-24",
          url: <<article.url>>, text: <<article.text>>, checkable: [<<article.checkable[0]>>]}
paper: {title: <<paper.title>>, authors: <<paper.authors>>, arxiv: "2407.21783",
        url: <<paper.url>>, date: "2024-07-23", text: <<paper.text>>}
review: {reviewer: <<review.reviewer>>, date: "2026-11-27", url: <<review.url>>}
sections:
  "3.3": {title: <<sections.3.3.title>>, page: 8}
claims:
  - id: from-the-paper
    claim: <<claims[0].claim>>
    article_quote: <<claims[0].article_quote>>
    source:
      section: "3.3"
      title: <<claims[0].source.title>>
      page: 8
      quote: <<claims[0].source.quote>>
      url: <<claims[0].source.url>>
    references:
      - section: "3.3"
        title: <<claims[0].references[0].title>>
        page: 8
        locator: <<claims[0].references[0].locator>>
        quote: <<claims[0].references[0].quote>>
        url: <<claims[0].references[0].url>>
    verdict: overstated
    note: <<claims[0].note>>
    value: 2
    unit: <<claims[0].unit>>
  - id: from-a-blog
    claim: <<claims[1].claim>>
    article_quote: <<claims[1].article_quote>>
    source:
      url: <<claims[1].source.url>>
      quote: <<claims[1].source.quote>>
    references:
      - url: <<claims[1].references[0].url>>
        quote: <<claims[1].references[0].quote>>
    verdict: not-in-paper
    note: <<claims[1].note>>
checks:
  - id: doubled
    description: <<checks[0].description>>
    compute: from_the_paper * 2
    expect: 4
    note: <<checks[0].note>>
dismissed:
  - sentence: <<dismissed[0].sentence>>
    reason: <<dismissed[0].reason>>
"""
PLACES = re.findall(r"<<([^>]+)>>", EVERY_FIELD)
TITLES = ("claims[0].source.title", "claims[0].references[0].title")


def special(place: str) -> str:
    """A value that starts a spreadsheet formula and holds what HTML, Markdown
    and JSON escape: an HTML tag, a character reference, a quote, an @.
    A url stays a url; a source's or a reference's title is its section's, and
    a locator is one (its shape holds none of these: see the test below)."""
    place = "sections.3.3.title" if place in TITLES else place
    if place.endswith(".locator"):
        return "Table 4"
    if place.endswith(".url"):
        return f'https://e.x/{place}?q=<b>&amp;"@'
    return f'={place} <b>&amp;"@'


def every_field(value) -> str:
    return re.sub(r"<<([^>]+)>>", lambda match: value(match[1]), EVERY_FIELD)


def strings(data):
    if isinstance(data, str):
        yield data
    for item in data.values() if isinstance(data, dict) else (
            data if isinstance(data, list) else ()):
        yield from strings(item)


def read_json(out: str) -> list[str]:
    return list(strings(json.loads(out)))


def read_csv(out: str) -> list[str]:
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    # Every cell that would start a formula is neutralised: the ' is the
    # export's, not the data's.
    assert [cell for cell in cells if cell.startswith(("=", "@", "+", "-"))] == []
    return [cell.removeprefix("'") for cell in cells]


def read_markdown(out: str) -> list[str]:
    # Nothing reads as a tag or a character reference; each backslash escape
    # stands for its character, and a link's url is percent-encoded.
    assert "<b>" not in out and re.findall(r"(?<!\\)&#?\w+;", out) == []
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", out)
    urls = re.findall(r"\]\(([^)]*)\)", out)
    return [text] + [urllib.parse.unquote(re.sub(r"\\(.)", r"\1", url)) for url in urls]


def read_html(out: str) -> list[str]:
    page = Page(out)
    assert page.find("b") == []
    return [piece for node in page.all() for piece in
            [*(child for child in node[2] if isinstance(child, str)), *node[1].values()]
            if piece]


@pytest.mark.parametrize("name, read, shown", [
    ("json", read_json, [  # the header, the claims, the checks: everything
        "article.title", "article.outlet", "article.url", "article.text",
        "article.checkable[0]", "paper.title", "paper.authors", "paper.url", "paper.text",
        "review.reviewer", "review.url", "sections.3.3.title",
        "claims[0].claim", "claims[0].article_quote",
        "claims[0].source.quote", "claims[0].source.url",
        "claims[0].references[0].locator", "claims[0].references[0].quote",
        "claims[0].references[0].url", "claims[0].note", "claims[0].unit",
        "claims[1].claim", "claims[1].article_quote", "claims[1].source.url",
        "claims[1].source.quote", "claims[1].references[0].url",
        "claims[1].references[0].quote", "claims[1].note", "checks[0].description",
        "checks[0].note"]),
    ("csv", read_csv, [
        "sections.3.3.title", "claims[0].claim", "claims[0].article_quote",
        "claims[0].source.quote", "claims[0].source.url",
        # A reference's link is its PDF page where it has one, else its url.
        "claims[0].references[0].locator", "claims[0].references[0].quote",
        "claims[0].note", "claims[0].unit", "claims[1].claim", "claims[1].article_quote",
        "claims[1].source.url", "claims[1].source.quote", "claims[1].references[0].url",
        "claims[1].references[0].quote", "claims[1].note"]),
    # Not in the paper (claims[1]) rates no truth: not published.
    ("claimreview", read_json, [
        "article.title", "article.outlet", "article.url", "review.reviewer", "review.url",
        "claims[0].claim", "claims[0].note"]),
    # The paper's arXiv id is in the PDF's address, percent-encoded.
    ("annotations", read_json, [
        "article.url", "review.reviewer", "claims[0].claim", "claims[0].article_quote",
        "claims[0].source.quote", "claims[0].note", "claims[1].claim",
        "claims[1].article_quote", "claims[1].source.url", "claims[1].source.quote",
        "claims[1].note"]),
    *((name, read, [
        "article.title", "article.outlet", "article.url", "paper.title", "paper.authors",
        "paper.url", "review.reviewer", "sections.3.3.title",
        "claims[0].claim", "claims[0].article_quote", "claims[0].source.quote",
        "claims[0].references[0].locator", "claims[0].references[0].quote",
        "claims[0].note", "claims[0].unit", "claims[1].claim", "claims[1].article_quote",
        "claims[1].source.url", "claims[1].source.quote", "claims[1].references[0].url",
        "claims[1].references[0].quote", "claims[1].note",
        "checks[0].description", "checks[0].note"])
      for name, read in (("markdown", read_markdown), ("html", read_html))),
])
def test_every_field_reads_back_whole_from_every_format(run, claims_file, name, read, shown):
    assert sorted(FORMATS) == ["annotations", "claimreview", "csv", "html", "json",
                               "markdown"]
    path = claims_file(every_field(lambda place: "'" + special(place) + "'"))
    result = run("export", "--format", name, "-f", path)
    # What a format leaves out is a note on stderr, never a problem.
    assert result.code == 0
    assert all(line.startswith("kit.py: note: ") for line in result.err.splitlines())
    pieces = read(result.out)
    # Each value the format shows stands in it whole, as the format reads back.
    assert [place for place in PLACES if place not in TITLES
            and any(special(place) in piece for piece in pieces)] == shown


@pytest.mark.parametrize("name", FORMATS)
def test_a_locator_with_the_specials_stops_every_export(run, claims_file, name):
    # A locator is refused unless it is like "Table 4", so no export ever
    # shows one that holds a tag, a character reference, a quote or an @.
    path = claims_file(every_field(lambda place: "'" + (
        '=Table 4 <b>&amp;"@' if place == "claims[0].references[0].locator"
        else special(place)) + "'"))
    result = run("export", "--format", name, "-f", path)
    assert (result.code, result.out, result.err) == (1, "", (
        f"{path}:22:18: error[bad-locator]: claims[0] (from-the-paper).references[0].locator:"
        " expected Table, Figure, footnote or Equation and a number, like 'Table 4' or"
        """ 'Figure 2a', got '=Table 4 <b>&amp;"@'\n"""
        f"kit.py: 1 problem; run `python kit.py check -f {path}`\n"))


@pytest.mark.parametrize("name", FORMATS)
def test_a_control_character_in_any_field_stops_every_export(run, claims_file, name):
    # "\e" is YAML's escape for ESC.
    path = claims_file(every_field(lambda place: f'"{place} \\e[31m red"'))
    result = run("export", "--format", name, "-f", path)
    ids = {"claims[0]": "claims[0] (from-the-paper)", "claims[1]": "claims[1] (from-a-blog)"}
    lines = result.err.splitlines()
    problems = [re.match(r".*?: error\[([a-z-]+)\]: (.*?): ", line).groups()
                for line in lines[:-1]]
    assert (result.code, result.out, lines[-1]) == (
        1, "", f"kit.py: {len(PLACES) + 2} problems; run `python kit.py check -f {path}`")
    assert [where for code, where in problems if code == "control-character"] == [
        ids.get(place[:9], place[:9]) + place[9:] for place in PLACES]
    # The section whose title is refused is not listed, so its claim cites none.
    assert [problem for problem in problems if problem[0] != "control-character"] == [
        ("unknown-section", "claims[0] (from-the-paper).source.section"),
        ("unknown-section", "claims[0] (from-the-paper).references[0].section")]


def test_a_paper_known_by_its_doi_and_an_undated_article_are_shown_as_they_are(
        run, claims_file):
    # No arXiv id and no article date: the exports name the DOI and leave the
    # date out, rather than print "arXiv " or an empty date.
    text = published(document(SIZES).replace('date: "2024-07-24"}', "date: null}").replace(
        'arxiv: "2407.21783", url: "https://arxiv.org/abs/2407.21783"', 'doi: "10.1000/xyz"'))
    path = claims_file(text)
    markdown = run("export", "-f", path, "--format", "markdown")
    assert markdown.out.splitlines()[2] == (
        "The Outlet: checked against *[A paper](https://doi.org/10.1000/xyz)* (Someone,"
        " doi:10.1000/xyz); reviewed by Tester on 2026-11-27.")
    reviews = json.loads(run("export", "-f", path, "--format", "claimreview").out)
    assert [review["itemReviewed"] for review in reviews] == [{
        "@type": "Claim", "author": {"@type": "Organization", "name": "The Outlet"},
        "appearance": {"@type": "CreativeWork", "headline": "An article"}}]
    page = run("export", "-f", path, "--format", "html").out
    assert '<p class="meta">The Outlet</p>' in page
    assert "(Someone, doi:10.1000/xyz)" in page
