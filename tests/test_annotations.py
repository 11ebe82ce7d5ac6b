"""`export --format annotations`: W3C Web Annotations, checked against the
Web Annotation Data Model (W3C Recommendation, 23 February 2017): its
JSON-LD context, the properties it requires, and the keys it defines."""
import json
from urllib.parse import urlsplit

import pytest

from claimkit.annotations import CONTEXT
from conftest import GPUS, LEAK, LICENSE, SIZES, document


def words(text: str) -> frozenset:
    return frozenset(text.split())


# The model's JSON keys (its appendix C, "Index of JSON Keys"), and
# @context: an object that uses any other key is not a Web Annotation.
JSON_KEYS = words("""
    @context accessibility audience body bodyValue cached canonical conformsTo created
    creator email email_sha1 end endSelector exact first format generated generator
    homepage id items label language last modified motivation name nickname next
    partOf prefix prev purpose renderedVia rights refinedBy scope selector source
    sourceDate sourceDateEnd sourceDateStart start startIndex startSelector state
    styleClass stylesheet suffix target textDirection total type value via
""")
# §3.3.5, Motivation and Purpose: the instances of oa:Motivation.
MOTIVATIONS = words("""
    assessing bookmarking classifying commenting describing editing highlighting
    identifying linking moderating questioning replying tagging
""")
# §4.2.1, Fragment Selector: the specifications a fragment conforms to
# (those the kit could use).
FRAGMENT_SPECS = frozenset({"http://tools.ietf.org/rfc/rfc3778",
                            "http://tools.ietf.org/rfc/rfc5147"})


def is_iri(value) -> bool:
    return isinstance(value, str) and bool(urlsplit(value).scheme) and " " not in value


def selector_gaps(selector, where: str) -> list[str]:
    """§4.2: a TextQuoteSelector MUST have exactly 1 exact (prefix and
    suffix 0 or 1); a FragmentSelector MUST have 1 value and SHOULD say what
    it conformsTo; a refinement is a selector too."""
    gaps = []
    kind = selector.get("type")
    if kind == "TextQuoteSelector":
        for key in ("exact", "prefix", "suffix"):
            if (key in selector or key == "exact") and not isinstance(selector.get(key), str):
                gaps.append(f"{where}.{key}")
    elif kind == "FragmentSelector":
        if not isinstance(selector.get("value"), str):
            gaps.append(f"{where}.value")
        if selector.get("conformsTo") not in FRAGMENT_SPECS:
            gaps.append(f"{where}.conformsTo")
    else:
        gaps.append(f"{where}.type")
    if "refinedBy" in selector:
        gaps += selector_gaps(selector["refinedBy"], f"{where}.refinedBy")
    return gaps


def target_gaps(annotation: dict) -> list[str]:
    """§3.1: 1 or more targets; §4: a SpecificResource has exactly 1 source."""
    targets = annotation.get("target")
    if targets is None:
        return ["target"]
    gaps = []
    for index, target in enumerate(targets if isinstance(targets, list) else [targets]):
        if is_iri(target):
            continue
        if not is_iri(target.get("source")):
            gaps.append(f"target[{index}].source")
        selectors = target.get("selector", [])
        for number, selector in enumerate(selectors if isinstance(selectors, list)
                                          else [selectors]):
            gaps += selector_gaps(selector, f"target[{index}].selector[{number}]")
    return gaps


def body_gaps(annotation: dict) -> list[str]:
    """§3.2.4: an embedded TextualBody MUST have exactly 1 value; §3.3.5: a
    purpose is a motivation."""
    bodies = annotation.get("body", [])
    gaps = []
    for index, body in enumerate(bodies if isinstance(bodies, list) else [bodies]):
        if body.get("type") != "TextualBody" or not isinstance(body.get("value"), str):
            gaps.append(f"body[{index}]")
        if body.get("purpose", "commenting") not in MOTIVATIONS:
            gaps.append(f"body[{index}].purpose")
    return gaps


def unknown_keys(item, where: str = "") -> list[str]:
    """Every key, at any depth, that the model does not define."""
    if isinstance(item, list):
        return [gap for value in item for gap in unknown_keys(value, where)]
    if not isinstance(item, dict):
        return []
    gaps = [f"{where}.{key}" for key in item if key not in JSON_KEYS]
    for key, value in item.items():
        gaps += unknown_keys(value, f"{where}.{key}")
    return gaps


def w3c_gaps(annotation: dict) -> list[str]:
    """Every way an annotation breaks the model's MUSTs, as paths."""
    gaps = []
    if annotation.get("@context") != CONTEXT:  # one context: a string, this one
        gaps.append("@context")
    if not is_iri(annotation.get("id")):
        gaps.append("id")
    if annotation.get("type") != "Annotation":
        gaps.append("type")
    if annotation.get("motivation", "assessing") not in MOTIVATIONS:
        gaps.append("motivation")
    return gaps + target_gaps(annotation) + body_gaps(annotation) + unknown_keys(annotation)


def test_the_validator_can_fail():
    broken = {"@context": "https://schema.org", "id": "anno 1", "type": "Note",
              "motivation": "agreeing", "verdict": "x",
              "body": [{"type": "TextualBody"}, {"type": "TextualBody", "value": "v",
                                                 "purpose": "liking"}],
              "target": {"source": "paper.pdf", "selector": [
                  {"type": "TextQuoteSelector", "prefix": 3},
                  {"type": "FragmentSelector", "value": "page=1",
                   "refinedBy": {"type": "RangeSelector"}}]}}
    assert w3c_gaps(broken) == [
        "@context", "id", "type", "motivation", "target[0].source",
        "target[0].selector[0].exact", "target[0].selector[0].prefix",
        "target[0].selector[1].conformsTo", "target[0].selector[1].refinedBy.type",
        "body[0]", "body[1].purpose", ".verdict"]
    assert w3c_gaps({"@context": CONTEXT, "id": "urn:x", "type": "Annotation"}) == ["target"]


WITH_URL = 'article: {title: An article, outlet: The Outlet, date: "2024-07-24",' \
    ' url: "https://example.org/news/llama"}'
PARAPHRASE = SIZES.replace("      quote: a herd", "      quote_exact: false\n      quote: a herd")

ARTICLE = """\
Meta said it used more than 16K H100 GPUs to train it, with 8B, 70B, and 405B versions.
Developers may use the output of the Llama model to enhance other models.
"""
# Eight pages (form feeds between them); the GPU quote stands on page 2 in
# passing and on page 8, the page the claim cites.
PAGES = ["The Llama 3 Herd of Models\nWe present a herd of three language models with 8B,"
         " 70B, and 405B parameters.",
         "In short: trained on up to 16K H100 GPUs, as section 3 tells.",
         "", "", "", "", "",
         "3.3.1 Training Infrastructure\nLlama 3 405B is\ntrained on up to 16K H100 GPUs, each"
         " running at 700W TDP."]
PAPER = "\f".join(PAGES)


def export(run, claims_file, tmp_path, text, *options):
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "paper.txt").write_text(PAPER, encoding="utf-8")
    result = run("export", "-f", claims_file(text), "--format", "annotations", *(
        option.replace("{tmp}", str(tmp_path)) for option in options))
    return result, json.loads(result.out) if result.code == 0 else None


def test_each_quote_is_an_annotation_the_model_accepts(run, claims_file, tmp_path):
    text = document(GPUS + PARAPHRASE + LICENSE + LEAK).replace(
        'article: {title: An article, outlet: The Outlet, date: "2024-07-24"}', WITH_URL)
    result, items = export(run, claims_file, tmp_path, text,
                           "--article", "{tmp}/article.txt", "--paper", "{tmp}/paper.txt")
    assert (result.code, result.err) == (0, "kit.py: note: 1 article quote not found in"
                                         f" {tmp_path}/article.txt: annotated with the quote"
                                         " as written, without prefix and suffix\n")
    assert [w3c_gaps(item) for item in items] == [[]] * 7
    # Each claim's article quote, then its source's (none for the unsourced).
    assert [item["target"]["source"] for item in items] == [
        "https://example.org/news/llama", "https://arxiv.org/pdf/2407.21783",
        "https://example.org/news/llama", "https://arxiv.org/pdf/2407.21783",
        "https://example.org/news/llama", "https://ai.meta.com/blog/meta-llama-3-1/",
        "https://example.org/news/llama"]
    # The body: the verdict, the claim and the note.
    assert items[1]["body"] == [
        {"type": "TextualBody", "purpose": "assessing", "format": "text/plain",
         "value": "Overstated"},
        {"type": "TextualBody", "purpose": "describing", "format": "text/plain",
         "value": "The claim: More than 16K GPUs were used."},
        {"type": "TextualBody", "purpose": "commenting", "format": "text/plain",
         "value": "The paper says up to 16K."}]
    assert items[1]["motivation"] == "assessing"
    assert items[1]["creator"] == {"type": "Organization", "name": "Tester"}
    # The paper's words, with the words around them on the cited page (8,
    # not 2), and that page as a PDF fragment refined by the same quote.
    quote = {"type": "TextQuoteSelector", "exact": "trained on up to 16K H100 GPUs",
             "prefix": " Infrastructure Llama 3 405B is ", "suffix": ", each running at 700W TDP."}
    assert items[1]["target"]["selector"] == [
        quote, {"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc3778",
                "value": "page=8", "refinedBy": quote}]
    # The article's words, with theirs.
    assert items[0]["target"]["selector"] == {
        "type": "TextQuoteSelector", "exact": "used more than 16K H100 GPUs",
        "prefix": "Meta said it ", "suffix": " to train it, with 8B, 70B, and "}
    # A paraphrase selects no words, only its page (§1's first, as validate reads it).
    assert items[3]["target"] == {
        "type": "SpecificResource", "source": "https://arxiv.org/pdf/2407.21783",
        "selector": {"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc3778",
                     "value": "page=1"}}
    # An outside page's words, as the claims file writes them.
    assert items[5]["target"]["selector"] == {
        "type": "TextQuoteSelector",
        "exact": "allowing developers to use the outputs from Llama models"}
    # Not in the article text: the quote as written.
    assert items[6]["target"]["selector"] == {"type": "TextQuoteSelector",
                                              "exact": "accidental leak"}
    # Ids are IRIs, one per annotation, the same in every export.
    assert len({item["id"] for item in items}) == 7
    assert export(run, claims_file, tmp_path, text, "--article", "{tmp}/article.txt",
                  "--paper", "{tmp}/paper.txt")[1] == items


def test_without_texts_or_an_article_url(run, claims_file, tmp_path):
    result, items = export(run, claims_file, tmp_path, document(GPUS + SIZES))
    assert (result.code, result.err) == (0, (
        "kit.py: note: the article has no url (article.url): its 2 quotes are not annotated\n"
        "kit.py: note: give --paper FILE (and --article FILE) to add the words around each"
        " quote (prefix, suffix)\n"))
    assert [w3c_gaps(item) for item in items] == [[], []]
    assert items[0]["target"]["selector"][0] == {
        "type": "TextQuoteSelector", "exact": "trained on up to 16K H100 GPUs"}


@pytest.mark.parametrize("options, err", [
    (["--format", "json", "--paper", "p.txt"],
     "kit.py: error: --paper is for annotations, not json\n"),
    (["--article", "a.txt"], "kit.py: error: --article is for annotations, not json\n"),
])
def test_only_annotations_read_texts(run, claims_file, options, err):
    result = run("export", "-f", claims_file(document()), *options)
    assert (result.code, result.out, result.err) == (2, "", err)


def test_a_missing_text_is_one_line(run, claims_file, tmp_path):
    missing = tmp_path / "nowhere.txt"
    result = run("export", "-f", claims_file(document()), "--format", "annotations",
                 "--paper", str(missing))
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"{missing}:1:1: error[")
    assert len(result.err.splitlines()) == 1
