"""The shipped claims.yaml: the user's own checks on the data itself."""
import os
import re

import pytest
import yaml

from conftest import ARTICLE, SHIPPED, TOC

# A correct claim, with a further reference, as a person adds one: its quotes
# stand in the article and in the paper (§1 and §2 of v3, pp. 1 and 3).
ADDED_CLAIM = """\
  - id: added-in-a-copy
    claim: The flagship model has 405B trainable parameters.
    article_quote: the 405B flagship model
    source:
      section: "1"
      title: Introduction
      page: 1
      quote: we pre-trained a flagship model with 405B trainable parameters
    references:
      - section: "2"
        title: General Overview
        page: 3
        quote: we pre-train a model with 405B parameters on 15.6T tokens
    verdict: supported
"""


def edited_copy(text: str) -> str:
    """The shipped file as a person edits it rightly: a verdict changed with
    a note that explains it, and a claim added at the top of the list."""
    head, claims = text.split("\nclaims:\n")
    # The first supported claim without a note becomes imprecise, with one.
    claims = re.sub(r"(?m)^    verdict: supported\n(?!    note:)",
                    "    verdict: imprecise\n    note: A note that explains it.\n", claims,
                    count=1)
    return head + "\nclaims:\n" + ADDED_CLAIM + claims


@pytest.fixture(scope="module", params=["as shipped", "an edited copy"])
def shipped_path(request, tmp_path_factory):
    """The shipped claims file, and a copy edited rightly: every test of the
    data holds for both, so a right edit never fails the tests."""
    if request.param == "as shipped":
        return SHIPPED
    with open(SHIPPED, encoding="utf-8") as handle:
        text = edited_copy(handle.read())
    path = tmp_path_factory.mktemp("edited") / "claims.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def shipped(shipped_path):
    with open(shipped_path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def test_the_edited_copy_holds_the_edits(shipped):
    claims = {claim["id"]: claim for claim in shipped["claims"]}
    if "added-in-a-copy" in claims:
        assert claims["added-in-a-copy"]["references"][0]["section"] == "2"
        assert sum(claim.get("note") == "A note that explains it."
                   for claim in shipped["claims"]) == 1


def test_every_claim_has_a_source_field(shipped):
    missing = [claim.get("id") for claim in shipped["claims"] if "source" not in claim]
    assert missing == []


def test_every_cited_section_exists(shipped):
    sections = shipped["sections"]
    cited = [(claim["id"], claim["source"]["section"]) for claim in shipped["claims"]
             if claim["source"].get("section") is not None]
    assert cited  # the checklist really cites the paper
    assert [(id_, section) for id_, section in cited if section not in sections] == []
    for claim in shipped["claims"]:
        source = claim["source"]
        if source.get("section") is not None:
            assert source["title"] == sections[source["section"]]["title"], claim["id"]


@pytest.mark.skipif(not os.path.exists(TOC),
                    reason=f"the v3 table of contents is not at {TOC} (../shared/paper-toc.yaml)")
def test_the_sections_are_the_checked_table_of_contents(shipped):
    """Titles and pages follow v3's table of contents; the abstract, which
    the toc does not list, aside."""
    with open(TOC, encoding="utf-8") as handle:
        toc = yaml.safe_load(handle)
    sections = {number: entry for number, entry in shipped["sections"].items()
                if number != "abstract"}
    assert sections == toc["sections"]
    assert shipped["paper"].get("version", "v3") == "v3"
    assert {key: shipped["paper"][key] for key in ("title", "authors", "arxiv", "url")} == {
        key: toc["paper"][key] for key in ("title", "authors", "arxiv", "url")}


def test_the_claims_cover_what_the_article_says(shipped):
    ids = {claim["id"] for claim in shipped["claims"]}
    assert len(ids) == len(shipped["claims"]) >= 30
    for required in ("headline-beat-gpt4o", "context-128k", "model-sizes",
                     "pretrain-8k-then-128k", "pretraining-tokens-15t",
                     "llama2-tokens-1-8t", "flagship-compute-3-8e25", "fifty-times-llama2",
                     "flagship-compute-optimal", "small-models-beat-optimal",
                     "flagship-improves-small", "fp8-quantization", "single-server-node",
                     "pretraining-tokens-15-6t", "h100-gpus-16k", "post-training-rounds",
                     "sft-mostly-synthetic", "dense-not-moe", "simple-post-training",
                     "multimodal-extensions", "multimodal-not-released",
                     "license-outputs", "partners-25", "three-levers",
                     "multilingual-and-tools", "pretraining-compute-highlight",
                     "raises-competitive-bar"):
        assert required in ids


def test_unsourced_claims_have_no_quote_and_say_what_is_missing(shipped):
    for claim in shipped["claims"]:
        if claim["verdict"] == "unsourced":
            assert claim["source"].get("quote") is None
            assert "To do" in claim["note"], claim["id"]


def test_numeric_claims_are_plain_numbers_with_units(shipped_path):
    # Through the kit's own loader: 3.8e25 is a number there, as in YAML 1.2.
    from claimkit.session import load_document

    loaded = load_document(shipped_path)
    document, problems = loaded.document, loaded.problems
    assert problems == []
    values = {claim.id: (claim.value, claim.unit) for claim in document.claims
              if claim.value is not None}
    assert values["flagship-compute-3-8e25"] == (3.8e25, "FLOPs")
    assert values["pretraining-tokens-15-6t"] == (15.6e12, "tokens")
    assert values["h100-gpus-16k"] == (16000, "GPUs")


def test_the_shipped_file_checks_clean(run, shipped_path):
    result = run("check", "-f", shipped_path)
    assert (result.code, result.err) == (0, "")
    assert re.fullmatch(r".*claims\.yaml: \d+ claims, \d+ checks: ok\n", result.out)


@pytest.mark.skipif(not os.path.exists(ARTICLE), reason="the article is not beside the repo")
def test_every_article_quote_is_in_the_article_and_every_sentence_is_tracked(run, shipped_path):
    result = run("check", "-f", shipped_path, "--article", ARTICLE, "--strict")
    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    assert re.fullmatch(rf"article quotes: (\d+) of \1 found in {re.escape(ARTICLE)}", lines[1])
    assert re.fullmatch(r"article coverage: \d+ sentences, \d+ tracked, \d+ dismissed,"
                        r" 0 untracked", lines[2])
