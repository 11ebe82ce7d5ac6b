"""The HTML report in a real browser: Debian's headless chromium.

Each page is exported by the kit and loaded, in an iframe of the width under
test, by a probe page whose script measures the layout and writes what it
found into the DOM, which `--dump-dom` prints.  The report itself carries
no script but its JSON-LD.
"""
import html
import json
import os
import shutil
import subprocess

import pytest

from claimkit.cli import load_document
from claimkit.formats import FORMATS
from conftest import GPUS, LICENSE, SHIPPED, SIZES, document

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no chromium on PATH (CI installs it: apt-get install chromium)")

# Headless chromium will not make a window narrower than 500 px, so the page
# is loaded in an iframe exactly `width` px wide (srcdoc: same origin as the
# probe), and the probe writes what it finds there into <pre id="probe">.
PROBE = """<!DOCTYPE html>
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
    # The JSON-LD parses: one review per sourced claim.
    assert found["jsonld"] == sum(claim.sourced for claim in document_.claims)
    # The filter hides exactly the supported claims, with no script of the page's own.
    assert found["shownWithoutSupported"] == [
        c.id for c in document_.claims if c.verdict != "supported"]
    assert found["shownAgain"] == len(document_.claims)


def test_the_browser_is_where_ci_puts_it():
    """CI installs Debian's chromium; this says which binary ran the tests."""
    assert os.access(BROWSER, os.X_OK)
