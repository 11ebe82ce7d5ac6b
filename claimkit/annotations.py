"""The annotations export: W3C Web Annotations (JSON-LD), the model that
Hypothesis and other annotation tools share.

Each quote becomes one annotation: the article's words on the article's
page, and the source's words on the paper's PDF page (or on the outside page
that backs the claim).  The target names its text by a TextQuoteSelector:
the exact words, and, where `export --article/--paper` gave the text, the
words just before and after them, as they stand there.  A paper quote also
names its PDF page by a FragmentSelector (RFC 3778, page=N), refined by the
same TextQuoteSelector.  The bodies are the verdict, the claim and the note.
"""
import json
import re
import uuid
from urllib.parse import quote

from claimkit.display import paper_id
from claimkit.load import read_text
from claimkit.model import TEXT_LINE_BREAK, VERDICTS, Claim, Document

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PDF_FRAGMENT = "http://tools.ietf.org/rfc/rfc3778"
# The words before and after a quote (prefix, suffix): as many characters as
# Hypothesis takes, enough to tell one occurrence from another.
CONTEXT_CHARS = 32
_SPACES = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """Text as a reader sees it on a page: each run of white space one space."""
    return _SPACES.sub(" ", text)


class Texts:
    """The article's and the paper's texts that `export --article/--paper`
    read (SearchText, or None where not given), and where each quote stands
    in them, found once; `missed` counts the quotes a given text lacks."""

    def __init__(self, article=None, paper=None) -> None:
        self.texts = {"article": article, "paper": paper}
        self.found: dict = {}
        self.missed: dict[str, int] = {"article": 0, "paper": 0}

    def given(self, which: str) -> bool:
        return self.texts[which] is not None

    def quote_selector(self, which: str, quote: str, page: int | None = None) -> dict:
        """A TextQuoteSelector for a quote: its exact words and the words
        around them as they stand in the text, where the text was given and
        holds the quote; else the quote as the claims file writes it."""
        key = (which, quote, page)
        if key not in self.found:
            self.found[key] = self._select(which, quote, page)
        return self.found[key]

    def _select(self, which: str, quote: str, page: int | None) -> dict:
        selector = {"type": "TextQuoteSelector", "exact": squeeze(quote).strip()}
        text = self.texts[which]
        if text is None:
            return selector
        # Lazy, as cli imports quotes.py: texts.py's regexes take a while to
        # compile, and only an export given a text needs them.
        from claimkit.texts import normalize

        spans = list(text.find_all(normalize(quote)))
        if not spans:
            self.missed[which] += 1
            return selector
        # The occurrence on the cited page, where pages are known.
        start, end = next((span for span in spans if page is not None and text.page_breaks
                           and text.page(span[0]) == page), spans[0])
        whole = text.text
        selector["exact"] = squeeze(whole[start:end])
        prefix = squeeze(whole[max(0, start - 8 * CONTEXT_CHARS):start])[-CONTEXT_CHARS:]
        suffix = squeeze(whole[end:end + 8 * CONTEXT_CHARS])[:CONTEXT_CHARS]
        if prefix.strip():
            selector["prefix"] = prefix
        if suffix.strip():
            selector["suffix"] = suffix
        return selector


def read_texts(article: str | None, paper: str | None) -> Texts:
    """The texts export was given; raises LoadError as `check` does."""
    # Lazy: pdf.py brings subprocess, and texts.py its regexes (see
    # Texts._select); `check` and the other exports never need them.
    from claimkit.pdf import read_paper
    from claimkit.texts import SearchText

    return Texts(
        article=SearchText(read_text(article, article, TEXT_LINE_BREAK), article)
        if article else None,
        paper=SearchText(read_paper(paper), paper) if paper else None)


def pdf_address(document: Document) -> str | None:
    """The paper's PDF on arXiv, at the cited version: where its pages are."""
    if not document.paper.get("arxiv"):
        return None
    return f"https://arxiv.org/pdf/{quote(paper_id(document), safe='.')}"


def _bodies(claim: Claim) -> list[dict]:
    verdict = VERDICTS[claim.verdict]
    bodies = [
        {"type": "TextualBody", "purpose": "assessing", "format": "text/plain",
         "value": verdict.words},
        {"type": "TextualBody", "purpose": "describing", "format": "text/plain",
         "value": f"The claim: {claim.claim}"},
    ]
    if claim.note:
        bodies.append({"type": "TextualBody", "purpose": "commenting",
                       "format": "text/plain", "value": claim.note})
    return bodies


def _annotation(document: Document, claim: Claim, role: str, target: dict) -> dict:
    # A stable id: the same claim and quote give the same id in every export.
    name = f"{target['source']}#{claim.id}/{role}"
    annotation = {
        "@context": CONTEXT,
        "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}",
        "type": "Annotation",
        "motivation": "assessing",
        "body": _bodies(claim),
        "target": target,
    }
    reviewer = (document.review or {}).get("reviewer")
    if reviewer:
        annotation["creator"] = {"type": "Organization", "name": reviewer}
    return annotation


def source_target(document: Document, claim: Claim, texts: Texts) -> dict | None:
    """Where the source's words stand: the paper's PDF page, or the outside page."""
    source = claim.source
    on_paper = source.section is not None or (
        source.url is not None and source.url == document.paper.get("url"))
    address = (pdf_address(document) or document.paper.get("url")) if (
        source.section is not None) else source.url
    if address is None:
        return None
    selectors = []
    # A paraphrase is not in the text, so it selects nothing there.
    if source.quote is not None and source.quote_exact:
        if on_paper:  # the paper's words can be found in its text, if given
            selectors.append(texts.quote_selector("paper", source.quote, source.page))
        else:
            selectors.append({"type": "TextQuoteSelector",
                              "exact": squeeze(source.quote).strip()})
    if source.page is not None and address == pdf_address(document):
        page = {"type": "FragmentSelector", "conformsTo": PDF_FRAGMENT,
                "value": f"page={source.page}"}
        if selectors:
            page["refinedBy"] = selectors[0]
        selectors.append(page)
    target = {"type": "SpecificResource", "source": address}
    if selectors:
        target["selector"] = selectors if len(selectors) > 1 else selectors[0]
    return target


def annotations(document: Document, claims: list[Claim], texts: Texts) -> list[dict]:
    article_url = document.article.get("url")
    items = []
    for claim in claims:
        if article_url:
            items.append(_annotation(document, claim, "article", {
                "type": "SpecificResource", "source": article_url,
                "selector": texts.quote_selector("article", claim.article_quote)}))
        target = source_target(document, claim, texts) if claim.sourced else None
        if target is not None:
            items.append(_annotation(document, claim, "source", target))
    return items


def render_annotations(document: Document, claims: list[Claim], results: list,
                       total: int, texts: Texts | None = None) -> str:
    items = annotations(document, claims, texts or Texts())
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def annotation_notes(document: Document, claims: list[Claim],
                     texts: Texts | None = None) -> list[str]:
    """What the export could not do: annotate the article with no address,
    or take the words around a quote that its text does not hold."""
    texts = texts or Texts()
    notes = []
    if not document.article.get("url") and claims:
        quotes = "its quote is" if len(claims) == 1 else f"its {len(claims)} quotes are"
        notes.append(f"note: the article has no url (article.url): {quotes} not annotated")
    for which in ("article", "paper"):
        if texts.missed[which]:
            missed = texts.missed[which]
            notes.append(f"note: {missed} {which} quote{'' if missed == 1 else 's'} not found"
                         f" in {texts.texts[which].path}: annotated with the quote as"
                         " written, without prefix and suffix")
    if not texts.given("paper") and any(claim.source.section for claim in claims):
        notes.append("note: give --paper FILE (and --article FILE) to add the words"
                     " around each quote (prefix, suffix)")
    return notes
