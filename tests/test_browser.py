"""The HTML report in a real browser: Debian's headless chromium.

Each page is exported by the kit and loaded, in an iframe of the width under
test, by a probe page whose script measures the layout and writes what it
found into the DOM, which `--dump-dom` prints.  The report itself carries
no script but its JSON-LD.  Printing is tested by chromium's own print to
PDF, read back with poppler's pdfinfo, pdftotext and pdftoppm.
"""
import html
import json
import os
import re
import shutil
import subprocess

import pytest

from claimkit.display import needs_attention
from claimkit.formats import FORMATS
from claimkit.model import VERDICTS
from claimkit.session import load_document
from conftest import GPUS, LEAK, LICENSE, SHIPPED, SIZES, document

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no chromium on PATH (CI installs it: apt-get install chromium)")
# Printed pages are read with poppler's tools.
needs_poppler = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdfinfo", "pdftotext", "pdftoppm")),
    reason="no poppler-utils on PATH (CI installs it: apt-get install poppler-utils)")

# Headless chromium will not make a window narrower than 500 px, so the page
# is loaded in an iframe exactly `width` px wide (srcdoc: same origin as the
# probe), and the probe writes what it finds there into <pre id="probe">.
PROBE = r"""<!DOCTYPE html>
<html><head><meta charset="utf-8"></head>
<body style="margin:0">
<iframe id="page" style="border:0;width:WIDTHpx;height:900px" srcdoc="PAGE"></iframe>
<pre id="probe"></pre>
<script>
document.getElementById("page").onload = function () {
  var win = this.contentWindow, doc = this.contentDocument, root = doc.documentElement;
  var found = {width: win.innerWidth, scrollWidth: root.scrollWidth, entries: [], jsonld: null};
  function shown() {
    return Array.prototype.filter.call(doc.querySelectorAll("article.claim"),
      function (entry) { return entry.offsetParent !== null; }).map(function (e) { return e.id; });
  }
  doc.querySelectorAll("article.claim").forEach(function (entry) {
    found.entries.push({id: entry.id, shown: entry.offsetParent !== null,
      right: entry.getBoundingClientRect().right,
      quotes: Array.prototype.map.call(entry.querySelectorAll("blockquote"),
                                       function (q) { return q.textContent; })});
  });
  var ld = doc.querySelector('script[type="application/ld+json"]');
  try { found.jsonld = ld ? JSON.parse(ld.textContent).length : null; }
  catch (error) { found.jsonld = "unparsable: " + error; }
  // The verdict filter: untick "Supported", and see what stays shown.
  var box = doc.getElementById("show-supported");
  if (box) { box.click(); found.shownWithoutSupported = shown(); box.click(); }
  found.shownAgain = shown().length;
  // The bottom line: at the top, above every claim.
  var bottom = doc.querySelector(".bottom-line");
  found.bottomLine = bottom && {shown: bottom.offsetParent !== null,
    text: bottom.textContent.replace(/\s+/g, " ").trim(),
    bottom: bottom.getBoundingClientRect().bottom,
    firstClaim: doc.querySelector("article.claim").getBoundingClientRect().top};
  // The legend: each verdict in words, with what it means, shown.
  found.legend = Array.prototype.map.call(doc.querySelectorAll(".legend dt"), function (dt) {
    return [dt.textContent, dt.nextElementSibling.textContent, dt.offsetParent !== null]; });
  // The jump list: open it, and follow what it shows.
  var jump = doc.querySelector("details.jump");
  function jumps() {
    return Array.prototype.filter.call(jump.querySelectorAll("li"), function (li) {
      return li.offsetParent !== null; }).map(function (li) {
      return li.querySelector("a").getAttribute("href"); });
  }
  jump.open = true;
  found.jumps = jumps();
  // The attention view: only the claims that need attention, here and in the list.
  var attention = doc.getElementById("show-attention");
  if (attention) {
    attention.click();
    found.attentionShown = shown(); found.attentionJumps = jumps();
    attention.click();
  }
  found.jumpsAgain = jumps().length;
  document.getElementById("probe").textContent = JSON.stringify(found);
};
</script>
</body></html>
"""

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars")

LONG_URL = "https://example.org/" + "a-very-long-path-segment/" * 8 + "x" * 120
LONG = LICENSE.replace("https://ai.meta.com/blog/meta-llama-3-1/", LONG_URL).replace(
    "From the blog.", "Unbroken " + "y" * 150)


def print_pdf(page: str, folder, name: str = "page") -> dict:
    """Print the page to PDF as chromium prints it (Letter, no header or
    footer); return its pages' text and how much of each is blank below its
    last line."""
    source, pdf = folder / f"{name}.html", folder / f"{name}.pdf"
    source.write_text(page, encoding="utf-8")
    result = subprocess.run(
        [BROWSER, *FLAGS, f"--user-data-dir={folder / 'profile'}", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", source.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0 and pdf.exists(), result.stderr[-2000:]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)[1])
    texts = [" ".join(subprocess.run(
        ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
        capture_output=True, text=True, check=True).stdout.split())
        for number in range(1, count + 1)]
    return {"pages": count, "texts": texts, "blank": blank_below(pdf, folder)}


def blank_below(pdf, folder) -> list[float]:
    """For each page, the share of its height below the last inked row
    (the bottom margin included), read off a small grey rendering."""
    subprocess.run(["pdftoppm", "-gray", "-r", "24", str(pdf), str(folder / "shot")],
                   check=True, timeout=120)
    shares = []
    for shot in sorted(folder.glob("shot-*.pgm")):
        magic, size, _depth, pixels = shot.read_bytes().split(b"\n", 3)
        assert magic == b"P5"
        width, height = map(int, size.split())
        rows = [pixels[row * width:(row + 1) * width] for row in range(height)]
        last = max((row for row, line in enumerate(rows) if min(line) < 200), default=0)
        shares.append(1 - (last + 1) / height)
        shot.unlink()
    return shares


def shipped_with_review_url() -> str:
    with open(SHIPPED, encoding="utf-8") as handle:
        text = handle.read()
    assert "\nreview:\n" in text
    return text.replace("\nreview:\n", "\nreview:\n  url: https://example.org/review\n", 1)


PAGES = {
    "shipped": shipped_with_review_url,
    "long-words": lambda: document(GPUS + SIZES + LONG).replace(
        'review: {reviewer: Tester, date: "2026-11-27"}',
        'review: {reviewer: Tester, date: "2026-11-27", url: "https://example.org/r"}'),
}


def browse(page: str, width: int, folder) -> dict:
    """Load the page with the probe at `width` px; return the probe's findings."""
    path = folder / f"probe-{width}.html"
    path.write_text(PROBE.replace("WIDTH", str(width)).replace("PAGE", html.escape(page)),
                    encoding="utf-8")
    result = subprocess.run(
        [BROWSER, *FLAGS, f"--user-data-dir={folder / 'profile'}",
         f"--window-size={max(width, 500) + 40},1000", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    start = result.stdout.index('<pre id="probe">') + len('<pre id="probe">')
    return json.loads(html.unescape(result.stdout[start:result.stdout.index("</pre>", start)]))


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", PAGES)
def test_the_report_in_a_real_browser(claims_file, tmp_path, name, width):
    loaded = load_document(claims_file(PAGES[name]()))
    document_, results = loaded.document, loaded.results
    assert [p for p in loaded.problems if p.level == "error"] == []
    page = FORMATS["html"].render(document_, document_.claims, results, len(document_.claims))
    found = browse(page, width, tmp_path)
    assert found["width"] == width
    # Nothing scrolls sideways, and no entry reaches past the window.
    assert found["scrollWidth"] <= found["width"]
    assert all(entry["right"] <= width for entry in found["entries"])
    # Every claim's entry is there, shown, with its quotes.
    expected = [(c.id, [c.article_quote, c.source.quote or "No source found yet."])
                for c in document_.claims]
    assert [(e["id"], [" ".join(q.split()) for q in e["quotes"]]) for e in found["entries"]] \
        == [(claim_id, [" ".join(q.split()) for q in quotes]) for claim_id, quotes in expected]
    assert all(entry["shown"] for entry in found["entries"])
    # The JSON-LD parses: one review per claim with a truth rating.
    assert found["jsonld"] == sum(VERDICTS[claim.verdict].rating is not None
                                  for claim in document_.claims)
    # The filter hides exactly the supported claims, with no script of the page's own.
    assert found["shownWithoutSupported"] == [
        c.id for c in document_.claims if c.verdict != "supported"]
    assert found["shownAgain"] == len(document_.claims)
    # The bottom line is at the top, above the claims, and names the most
    # serious claim in its own words.
    bottom = found["bottomLine"]
    assert bottom["shown"] and bottom["bottom"] < bottom["firstClaim"]
    assert bottom["text"].startswith(f"Bottom lineOf the article's {len(document_.claims)}"
                                     " claims, ")
    worst = min(document_.claims, key=lambda c: VERDICTS[c.verdict].rank)
    assert (f"Most serious: “{worst.claim.rstrip('.')}” is"
            f" {VERDICTS[worst.verdict].words.lower()}.") in bottom["text"]
    # The legend: every verdict in plain words, shown.
    assert found["legend"] == [[f"{v.mark} {v.words}", v.meaning, True]
                               for v in VERDICTS.values()]
    # The jump list reaches every claim; the attention view shows only the
    # claims that need attention, in the list too, and gives them all back.
    ids = [f"#{c.id}" for c in document_.claims]
    attention = [c.id for c in document_.claims if needs_attention(c)]
    assert found["jumps"] == ids
    assert found["attentionShown"] == attention
    assert found["attentionJumps"] == [f"#{claim_id}" for claim_id in attention]
    assert found["jumpsAgain"] == len(ids)


def test_the_browser_is_where_ci_puts_it():
    """CI installs Debian's chromium; this says which binary ran the tests."""
    assert os.access(BROWSER, os.X_OK)


def unticked(page: str, box: str) -> str:
    """The page as printed after a reader changed one box of the filter."""
    ticked = f'<input type="checkbox" id="{box}" checked>'
    if ticked in page:
        return page.replace(ticked, f'<input type="checkbox" id="{box}">')
    plain = f'<input type="checkbox" id="{box}">'
    assert plain in page
    return page.replace(plain, ticked)


def page_of(texts: list[str], words: str) -> int | None:
    """The page the words stand on.  Spaces and hyphens do not count: a
    line may break after the hyphen of open-source-label, which pdftotext
    then drops."""
    def bare(text: str) -> str:
        return "".join(text.split()).replace("-", "")

    return next((number for number, text in enumerate(texts) if bare(words) in bare(text)),
                None)


@needs_poppler
def test_the_shipped_report_prints_whole_with_no_half_blank_page(tmp_path):
    """No card splits across pages, yet no page but the last is left more
    than a third blank (23 Letter pages before, some 48 % blank); the Checks
    heading stands on the page of the first check."""
    loaded = load_document(SHIPPED)
    document_ = loaded.document
    page = FORMATS["html"].render(document_, document_.claims, loaded.results,
                                  len(document_.claims))
    printed = print_pdf(page, tmp_path)
    texts = printed["texts"]
    assert printed["pages"] <= 14
    assert max(printed["blank"][:-1]) < 1 / 3, printed["blank"]
    for claim in document_.claims:
        # A card's first words and its last stand on the page of its anchor.
        first, last = claim.claim, (claim.note or claim.article_quote)
        number = page_of(texts, "#" + claim.id)
        assert number is not None, claim.id
        for words in (" ".join(first.split()[:5]), " ".join(last.split()[-4:])):
            assert page_of(texts[number:number + 1], words) == 0, (claim.id, words)
    checks = page_of(texts, "Checks ✔ holds " + loaded.results[0].check.id)
    assert checks is not None
    # The boxes print as what they are: every verdict shown, listed as printed.
    counts = {v: sum(c.verdict == v for c in document_.claims) for v in VERDICTS}
    assert "Printed:" in texts[0] and "Show " not in texts[0]
    assert [v for v, n in counts.items() if f"{VERDICTS[v].words}: {n}" in texts[0]] == [
        v for v, n in counts.items() if n]


# Twelve claims: three each of four verdicts.
TWELVE = document("".join(
    claim.replace("  - id: ", f"  - id: n{number}-")
    for number in range(3) for claim in (GPUS, SIZES, LICENSE, LEAK)))


@needs_poppler
@pytest.mark.parametrize("box, hidden, pages", [
    (None, set(), 3),
    ("show-supported", {"supported"}, 2),
    ("show-attention", {"supported"}, 2),  # the attention view, ticked
    ("show-not-in-paper", {"not-in-paper"}, 2),
])
def test_a_filtered_print_leaves_the_hidden_claims_out(claims_file, tmp_path, box, hidden,
                                                      pages):
    loaded = load_document(claims_file(TWELVE))
    document_ = loaded.document
    assert len(document_.claims) == 12
    page = FORMATS["html"].render(document_, document_.claims, loaded.results, 12)
    printed = print_pdf(unticked(page, box) if box else page, tmp_path)
    text = " ".join(printed["texts"])
    assert printed["pages"] == pages
    assert [c.id for c in document_.claims if f"#{c.id}" in text] == [
        c.id for c in document_.claims if c.verdict not in hidden]
    # A verdict filtered out is not printed as if it were shown (the boxes
    # are not printed: the chips left are listed after "Printed:").
    top = printed["texts"][0]
    assert "Printed:" in top and "Show " not in top
    unticked_verdicts = hidden if box != "show-attention" else set()
    assert [v.words for name, v in VERDICTS.items() if f"{v.words}: 3" in top] == [
        v.words for name, v in VERDICTS.items()
        if name in {c.verdict for c in document_.claims} - unticked_verdicts]
    assert ("that need attention" in top) == (box == "show-attention")
