"""The HTML export: one self-contained page, with its CSS, that filters the
claims by verdict without a script."""
import html
import json

from claimkit.claimreview import claim_reviews, claimreview_notes
from claimkit.display import (
    CHECK_MARKS,
    CHECK_WORDS,
    attention_rank,
    check_outcome,
    describe_place,
    describe_source,
    needs_attention,
    paper_label,
    paper_url,
    reference_link,
    references_of,
    shown_line,
    source_link,
    value_text,
    verdict_counts,
    verdict_label,
)
from claimkit.model import VERDICTS, Claim, Document

_HTML_STYLE = """
:root { color-scheme: light dark; --bg: #f5f6f8; --card: #fff; --fg: #1c2230;
  --muted: #5a6374; --line: #dde1e8; --link: #1f55c4; --quote: #f0f2f6; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0e1116; --card: #161b22; --fg: #e6e9ef; --muted: #9aa4b4;
    --line: #2b313c; --link: #79a6ff; --quote: #1d232c; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); overflow-wrap: anywhere;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    sans-serif; }
main { max-width: 68rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
a { color: var(--link); }
h1 { font-size: clamp(1.35rem, 5vw, 1.7rem); line-height: 1.25; margin: .2rem 0 .6rem; }
h1 a { color: inherit; text-decoration-color: var(--line); }
h2 { font-size: 1.2rem; margin: 2rem 0 .75rem; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: .75rem;
  font-weight: 600; color: var(--muted); margin: 0; }
.meta { margin: .15rem 0; color: var(--muted); }
.top { border-bottom: 1px solid var(--line); padding-bottom: 1rem; }
.bottom-line { background: var(--card); border: 1px solid var(--line);
  border-left: 5px solid var(--fg); border-radius: 8px; padding: .2rem 1rem;
  margin: 1rem 0 0; }
.bottom-line h2, .legend h2 { font-size: .8rem; text-transform: uppercase;
  letter-spacing: .08em; margin: .6rem 0 0; color: var(--muted); }
.bottom-line p { margin: .4rem 0 .6rem; font-size: 1.05rem; }
.bottom-line a { color: inherit; }
.legend dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .75rem;
  margin: .3rem 0 0; font-size: .9rem; }
.legend dt { font-weight: 700; color: var(--v); white-space: nowrap; }
.legend dd { margin: 0; color: var(--muted); min-width: 0; }
.filter { display: flex; flex-wrap: wrap; gap: .4rem .5rem; align-items: center;
  margin: 1rem 0 0; padding: 0; border: 0; }
.filter legend { float: left; margin-right: .25rem; color: var(--muted); font-size: .9rem;
  padding: 0; }
.chip { display: inline-flex; align-items: center; gap: .35rem; padding: .2rem .65rem;
  border: 1px solid var(--v); border-radius: 999px; font-size: .9rem; color: var(--v);
  font-weight: 600; background: var(--card); cursor: pointer; }
.chip input { margin: 0; accent-color: var(--v); }
.chip:has(input:not(:checked)) { opacity: .45; }
.chip.attention { --v: var(--fg); border-style: dashed; }
.chip.attention:has(input:not(:checked)) { opacity: 1; }
.sourced { margin: .75rem 0 0; font-weight: 600; }
.print-only { display: none; }
.jump { margin: 1rem 0 0; }
.jump summary { cursor: pointer; font-weight: 600; }
.jump ol { margin: .5rem 0 0; padding-left: 1.5rem; columns: 22rem; column-gap: 2rem; }
.jump li { break-inside: avoid; margin: 0 0 .2rem; }
.jump li .verdict { margin-right: .3rem; }
.to-top { position: fixed; right: .75rem; bottom: .75rem; padding: .3rem .7rem;
  border-radius: 999px; background: var(--card); border: 1px solid var(--line);
  text-decoration: none; font-size: .9rem; }
.claim { background: var(--card); border: 1px solid var(--line);
  border-left: 5px solid var(--v); border-radius: 8px;
  padding: .9rem 1rem 1rem; margin: 0 0 1rem; scroll-margin-top: 1rem; }
.claim:target { outline: 2px solid var(--link); }
.claim-head { display: flex; flex-wrap: wrap; gap: .25rem .75rem; align-items: baseline;
  justify-content: space-between; }
.verdict { font-weight: 700; white-space: nowrap; color: var(--v); }
.claim-head .verdict { font-size: .85rem; padding: .1rem .55rem; border-radius: 999px;
  border: 1px solid var(--v); }
.anchor { font: .85rem ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  color: var(--muted); text-decoration: none; }
.anchor:hover { text-decoration: underline; }
.claim h3 { font-size: 1.08rem; margin: .35rem 0 .75rem; line-height: 1.4; }
.quotes { display: grid; grid-template-columns: 1fr; gap: .75rem; }
@media (min-width: 44rem) { .quotes { grid-template-columns: 1fr 1fr; } }
figure { margin: 0; min-width: 0; }
figcaption { font-size: .78rem; text-transform: uppercase; letter-spacing: .06em;
  color: var(--muted); margin-bottom: .25rem; font-weight: 600; }
blockquote { margin: 0; padding: .6rem .8rem; background: var(--quote);
  border-left: 3px solid var(--line); border-radius: 4px; font-size: .95rem; }
.source blockquote { border-left-color: var(--v); }
blockquote.missing { font-style: italic; color: var(--muted); }
.tag { text-transform: none; letter-spacing: 0; font-weight: 700; border-radius: 4px;
  padding: 0 .35rem; margin-left: .3rem; background: var(--line); color: var(--fg); }
.note { margin: .75rem 0 .5rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem;
  margin: .5rem 0 0; font-size: .92rem; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; min-width: 0; }
.checks { list-style: none; padding: 0; margin: 0; }
.check { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: .7rem 1rem; margin-bottom: .6rem; }
.check p { margin: .2rem 0 0; }
.uses { font-size: .9rem; color: var(--muted); }
footer { margin-top: 2.5rem; font-size: .85rem; color: var(--muted); }
@page { margin: 12mm 12mm 14mm; }
@media print {
  :root { --bg: #fff; --card: #fff; --fg: #000; --muted: #444; --line: #bbb;
    --quote: #f3f3f3; }
  body { font-size: 9pt; line-height: 1.35; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 1.45em; margin: .1rem 0 .3rem; }
  h2 { margin: .8rem 0 .4rem; break-after: avoid-page; }
  .top { padding-bottom: .4rem; }
  .bottom-line { margin-top: .5rem; padding: 0 .7rem; }
  .bottom-line p { font-size: 1.05em; margin: .2rem 0 .35rem; }
  .legend dl { grid-template-columns: max-content 1fr max-content 1fr; font-size: 1em; }
  /* What is printed is what the filter shows; the boxes are not printed, and
     a verdict that is filtered out is not listed as if it were shown. */
  .filter input, .chip:has(input:not(:checked)), .screen-only, .jump, .to-top
    { display: none !important; }
  .filter { margin-top: .5rem; }
  .print-only { display: inline; }
  .chip { opacity: 1 !important; padding: 0 .4rem; font-size: 1em; }
  .sourced { margin-top: .3rem; }
  .claim, .check { break-inside: avoid; page-break-inside: avoid; padding: .35rem .65rem;
    margin: 0 0 .4rem; border-radius: 4px; }
  .claim h3 { font-size: 1.05em; margin: .1rem 0 .3rem; }
  .claim-head .verdict { font-size: .9em; padding: 0 .45rem; }
  .anchor { font-size: .9em; }
  .quotes { grid-template-columns: 1fr 1fr; gap: .5rem; }
  figcaption { font-size: .8em; margin-bottom: .1rem; }
  blockquote { padding: .2rem .45rem; font-size: 1em; }
  .note { margin: .3rem 0 .15rem; }
  .facts { margin-top: .15rem; font-size: 1em; }
  .uses { font-size: .95em; }
  a { color: inherit; }
}
"""


def _html_colours() -> str:
    """Each verdict's colour, and the filter rules for the checkboxes.

    The filter is CSS alone (:has), so it works with no server and with
    scripts off; where :has is unknown, every claim simply stays shown.  It
    hides a claim's entry and its line in the jump list alike, on screen and
    in print: what is printed is what is shown.
    """
    light, dark, rules = [], [], []
    for name, verdict in VERDICTS.items():
        light_colour, dark_colour = verdict.colours
        light.append(f".v-{name} {{ --v: {light_colour}; }}")
        dark.append(f"  .v-{name} {{ --v: {dark_colour}; }}")
        rules.append(f"body:has(#show-{name}:not(:checked)) :is(.claim, .jump li).v-{name}"
                     " { display: none; }")
    rules.append("body:has(#show-attention:checked) :is(.claim, .jump li):not(.attention)"
                 " { display: none; }")
    # Printed in black and white, a verdict still reads by its mark and word.
    return "\n".join([*light, "@media (prefers-color-scheme: dark) {", *dark, "}", *rules])


def _element(name: str, content: str = "", **attributes) -> str:
    """An element from already-escaped content; attribute values are escaped here.

    A trailing _ in a name is dropped (class_ → class); None leaves it out.
    """
    parts = [name]
    for key, value in attributes.items():
        if value is None:
            continue
        key = key.rstrip("_").replace("_", "-")
        parts.append(key if value is True else f'{key}="{html.escape(str(value))}"')
    return f"<{' '.join(parts)}>{content}</{name}>"


def _link(text: str, url: str | None, **attributes) -> str:
    """Escaped text, linked to url where there is one."""
    if not url:
        return html.escape(text)
    return _element("a", html.escape(text), href=url, **attributes)


def json_ld(data) -> str:
    """JSON for inside a <script>: no `<` at all, so `</script>` and `<!--`
    in the data cannot end or bend the script element."""
    return json.dumps(data, indent=1, ensure_ascii=False).replace("<", "\\u003c")


def render_html(document: Document, claims: list[Claim], results: list,
                total: int) -> str:
    """One self-contained page: no external CSS, fonts, scripts or images.

    Built from escaped parts: every string from the file goes through
    html.escape (by _element, _link or directly) and never into a template.
    """
    article, paper, review = document.article, document.paper, document.review or {}
    escape = html.escape
    title = f"Claims checked: {article.get('title', '')}"
    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        _element("title", escape(title)),
        _element("style", _HTML_STYLE + _html_colours() + "\n"),
    ]
    if review.get("url"):
        head.append(_element("script", json_ld(claim_reviews(document, claims)),
                             type="application/ld+json"))
    # An article's date may not be known yet (null).
    byline = " · ".join(escape(article[key]) for key in ("outlet", "date") if article.get(key))
    if article.get("url"):  # the article's own address, as a reader can check it
        byline += " · " + _link(article["url"].split("://", 1)[-1], article["url"])
    top = [
        _element("p", "Claims checked against the source", class_="kicker"),
        _element("h1", _link(article.get("title", ""), article.get("url"))),
        _element("p", byline, class_="meta"),
        _element("p", "Checked against " + _element("cite", _link(
            paper.get("title", ""), paper_url(document)))
            + escape(f" ({paper.get('authors', '')}, {paper_label(document)})"),
            class_="meta"),
    ]
    if review:
        top.append(_element("p", escape(f"Reviewed by {review.get('reviewer', '')}"
                                        f" on {review.get('date', '')}"), class_="meta"))
    top += [_bottom_line(claims, total), _legend(), _html_filter(claims)]
    sourced = sum(claim.sourced for claim in claims)
    top.append(_element("p", f"{sourced} of {len(claims)} sourced", class_="sourced"))
    if total != len(claims):
        top.append(_element("p", escape(shown_line(len(claims), total).capitalize()),
                            class_="meta"))
    top.append(_jump_list(claims))
    body = [_element("header", "\n".join(top), class_="top", id="top"),
            _element("section", _element("h2", "Claims", id="claims-heading") + "\n"
                     + "\n".join(_html_claim(document, claim) for claim in claims),
                     aria_labelledby="claims-heading")]
    if results:
        shown = {claim.id for claim in claims}
        body.append(_element("section", _element("h2", "Checks", id="checks-heading")
                             + _element("ul", "\n".join(
                                 _html_check(result, shown) for result in results),
                                 class_="checks"),
                             aria_labelledby="checks-heading"))
    footer = "Written by the claims kit from claims.yaml."
    if review.get("url"):
        footer += " The page carries its reviews as schema.org ClaimReview (JSON-LD)."
    body.append(_element("footer", escape(footer)))
    body.append(_element("a", "↑ Top", href="#top", class_="to-top"))
    return ("<!DOCTYPE html>\n"
            + _element("html", "\n" + _element("head", "\n".join(head)) + "\n"
                       + _element("body", _element("main", "\n".join(body))) + "\n",
                       lang="en")
            + "\n")


# How many claims the bottom line names: those of the most serious verdict
# found, up to this many.
MAX_NAMED = 3


def _join(parts: list[str]) -> str:
    """a, b and c."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _bottom_line(claims: list[Claim], total: int) -> str:
    """One or two sentences an editor can quote, built from the counts and
    the claims that need attention most (the lowest rank found)."""
    counts, _ = verdict_counts(claims)
    parts = [f"{number} {'is' if number == 1 else 'are'} {VERDICTS[verdict].words.lower()}"
             for verdict, number in counts.items() if number]
    if not parts:
        return ""
    whole = (f"Of the article's {total} claim{'s' * (total != 1)}" if total == len(claims)
             else f"Of the {len(claims)} claims shown here (of the article's {total})")
    sentences = [_element("p", html.escape(f"{whole}, {_join(parts)}."))]
    attention = sorted((claim for claim in claims if needs_attention(claim)),
                       key=attention_rank)
    if attention:
        verdict = attention[0].verdict
        worst = [claim for claim in attention if claim.verdict == verdict]
        named = [f"“{_link(claim.claim.rstrip('.'), f'#{claim.id}')}”"
                 for claim in worst[:MAX_NAMED]]
        if len(worst) > MAX_NAMED:
            named.append(f"{len(worst) - MAX_NAMED} more")
        words = html.escape(VERDICTS[verdict].words.lower())
        verb = "is" if len(worst) == 1 else "are"
        sentences.append(_element("p", f"Most serious: {_join(named)} {verb} {words}."))
    return _element("section", _element("h2", "Bottom line", id="bottom-line-heading")
                    + "".join(sentences), class_="bottom-line",
                    aria_labelledby="bottom-line-heading")


def _legend() -> str:
    """What each verdict means, in plain words: the scale the page rates on."""
    rows = "".join(_element("dt", html.escape(verdict_label(name)), class_=f"v-{name}")
                   + _element("dd", html.escape(verdict.meaning))
                   for name, verdict in VERDICTS.items())
    return _element("section", _element("h2", "What the verdicts mean", id="legend-heading")
                    + _element("dl", rows), class_="legend",
                    aria_labelledby="legend-heading")


def _html_filter(claims: list[Claim]) -> str:
    """The verdict counts, each a checkbox that shows or hides its claims,
    and beside them the "needs attention" view: every claim but the supported."""
    counts, _ = verdict_counts(claims)  # exports refuse broken claims
    legend = (_element("span", "Show", class_="screen-only")
              + _element("span", "Printed:", class_="print-only"))
    chips = [_element("legend", legend)]
    attention = sum(needs_attention(claim) for claim in claims)
    if attention:
        box = '<input type="checkbox" id="show-attention">'
        chips.append(_element("label", f"{box} ⚑ Only the {attention} that need attention",
                              class_="chip attention"))
    for verdict, number in counts.items():
        if number:
            box = f'<input type="checkbox" id="show-{verdict}" checked>'
            chips.append(_element("label", f"{box} {verdict_label(verdict)}: {number}",
                                  class_=f"chip v-{verdict}"))
    return _element("fieldset", "\n".join(chips), class_="filter")


def _jump_list(claims: list[Claim]) -> str:
    """Every claim by its words, each a link to its entry: on a phone the
    page is long.  Collapsed until opened; the filter hides lines too."""
    items = "".join(
        _element("li", _element("a", _element("span", VERDICTS[claim.verdict].mark,
                                              class_="verdict", title=VERDICTS[
                                                  claim.verdict].words)
                                + html.escape(claim.claim), href=f"#{claim.id}"),
                 class_=f"v-{claim.verdict}" + (" attention" if needs_attention(claim)
                                                 else ""))
        for claim in claims)
    return _element("details", _element("summary", f"Jump to a claim ({len(claims)})")
                    + _element("ol", items), class_="jump")


def _html_claim(document: Document, claim: Claim) -> str:
    escape = html.escape
    source = claim.source
    heading = _element("div", _element("span", escape(verdict_label(claim.verdict)),
                                       class_="verdict")
                       + _element("a", "#" + escape(claim.id), href=f"#{claim.id}",
                                  class_="anchor"),
                       class_="claim-head")
    outlet = document.article.get("outlet", "")
    quotes = [_element("figure", _element("figcaption", escape(f"The article ({outlet})"))
                       + _element("blockquote", escape(claim.article_quote)))]
    if source.quote is not None:
        caption = "The source"
        if not source.quote_exact:
            caption += _element("span", "paraphrase", class_="tag")
        quotes.append(_element("figure", _element("figcaption", caption)
                               + _element("blockquote", escape(source.quote)),
                               class_="source"))
    else:
        quotes.append(_element("figure", _element("figcaption", "The source")
                               + _element("blockquote", "No source found yet.",
                                          class_="missing")))
    parts = [heading, _element("h3", escape(claim.claim)),
             _element("div", "".join(quotes), class_="quotes")]
    if claim.note:
        parts.append(_element("p", escape(claim.note), class_="note"))
    facts = []
    if claim.sourced:
        facts.append(_element("dt", "Source") + _element(
            "dd", _link(describe_source(claim), source_link(document, claim))))
    for reference in references_of(claim):
        label = "" if reference.quote_exact else " (paraphrase)"
        facts.append(_element("dt", "Also") + _element(
            "dd", _link(describe_place(reference), reference_link(document, reference))
            + escape(label) + ": " + _element("q", escape(reference.quote))))
    if claim.value is not None:
        facts.append(_element("dt", "Value") + _element("dd", escape(value_text(claim))))
    if facts:
        parts.append(_element("dl", "".join(facts), class_="facts"))
    return _element("article", "\n".join(parts), id=claim.id,
                    class_=f"claim v-{claim.verdict}"
                    + (" attention" if needs_attention(claim) else ""))


def _html_check(result, shown: set) -> str:
    escape = html.escape
    check = result.check
    title = (_element("span", escape(f"{CHECK_MARKS[result.ok]} {CHECK_WORDS[result.ok]}"),
                      class_="verdict " + {True: "v-supported", False: "v-contradicted"}
                      .get(result.ok, "v-overstated"))
             + " " + _element("strong", escape(check.id)))
    parts = [title]
    if check.description:
        parts.append(_element("p", escape(check.description)))
    parts.append(_element("p", escape(check_outcome(result))))
    if check.note:
        parts.append(_element("p", escape(check.note), class_="note"))
    uses = ", ".join(_link(claim_id, f"#{claim_id}" if claim_id in shown else None)
                     for claim_id in result.claims)
    if uses:
        parts.append(_element("p", "Uses: " + uses, class_="uses"))
    return _element("li", "\n".join(parts), class_="check", id=f"check-{check.id}")


def html_notes(document: Document, claims: list[Claim]) -> list[str]:
    """The page embeds ClaimReview only where the header gives review.url."""
    return claimreview_notes(document, claims) if (document.review or {}).get("url") else []

