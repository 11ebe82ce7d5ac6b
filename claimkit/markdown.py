"""The Markdown export: a task list of the claims, by section."""
import re
from urllib.parse import quote

from claimkit.display import (
    clean,
    count_sourced,
    count_verdicts,
    describe_place,
    describe_result,
    describe_source,
    paper_label,
    paper_url,
    reference_link,
    references_of,
    section_key,
    shown_line,
    source_link,
    value_text,
    verdict_label,
)
from claimkit.model import Claim, Document

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
# An & that starts a character reference (&amp;, &#60;), which Markdown would
# read as the character it names, in text and in a link's url alike.
_REFERENCE_START = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def _markdown(text) -> str:
    """Text from the file as literal Markdown: every special character escaped."""
    return _REFERENCE_START.sub(r"\\&", _MARKDOWN_SPECIAL.sub(r"\\\1", clean(text)))


_MARKDOWN_BLOCK_START = re.compile(r"^(\d*)([-+=.)])")


def _markdown_block(text) -> str:
    """Text that starts a line, kept from reading as a list item or a heading."""
    return _MARKDOWN_BLOCK_START.sub(r"\1\\\2", _markdown(text))


def _markdown_url(url: str) -> str:
    """A url as a link target: the characters that would end it, encoded."""
    return _REFERENCE_START.sub(r"\\&", quote(clean(url), safe=":/?#[]@!$&'*+,;=%~.-_"))


def _markdown_link(text: str, url: str | None) -> str:
    if url is None:
        return _markdown(text)
    return f"[{_markdown(text)}]({_markdown_url(url)})"


MARKDOWN_LEGEND = ("Legend: `[x]` checked against a source, whatever the verdict;"
                   " `[ ]` not yet sourced.")


def render_markdown(document: Document, claims: list[Claim], results: list,
                    total: int) -> str:
    article, paper, review = document.article, document.paper, document.review or {}
    title = _markdown_link(article.get("title", ""), article.get("url"))
    dated = ", ".join(_markdown(article[key]) for key in ("outlet", "date") if article.get(key))
    byline = (f"{dated}:"
              f" checked against *{_markdown_link(paper.get('title', ''), paper_url(document))}*"
              f" ({_markdown(paper.get('authors', ''))}, {_markdown(paper_label(document))})")
    if review:
        byline += (f"; reviewed by {_markdown(review.get('reviewer', ''))}"
                   f" on {_markdown(review.get('date', ''))}")
    lines = [f"# Claims checked: {title}", "", byline + ".", "",
             " · ".join(count_verdicts(claims)) + "  ", count_sourced(claims), ""]
    if total != len(claims):
        lines += [f"{shown_line(len(claims), total).capitalize()}.", ""]
    lines += [MARKDOWN_LEGEND, ""]
    groups: dict = {}
    for claim in claims:
        groups.setdefault(claim.source.section, []).append(claim)
    for section in sorted(groups, key=section_key):
        if section is None:
            heading = "Outside the paper, or not yet sourced"
        else:
            section_title, page = document.sections[section]
            heading = f"§{section} {section_title}" + (f" (p. {page})" if page else "")
        lines += [f"## {_markdown(heading)}", ""]
        for claim in groups[section]:
            lines += markdown_entry(document, claim)
    if results:
        lines += ["## Checks", ""]
        for result in results:
            mark, text = describe_result(result)
            lines.append(f"- {mark} {_markdown(text)}")
            if result.check.note:  # on the next line of the same item
                lines[-1] += "  "
                lines.append(f"  {_markdown_block(result.check.note)}")
        lines.append("")
    return "\n".join(lines)


def markdown_entry(document: Document, claim: Claim) -> list[str]:
    """One claim as a task-list item; the box says "checked against a source"."""
    source = claim.source
    box = "[x]" if claim.sourced else "[ ]"
    outlet = _markdown(document.article.get("outlet", ""))
    # Two spaces end the id's line with a hard break: the claim starts a line.
    lines = [f"- {box} **{verdict_label(claim.verdict)}** · {_markdown(claim.id)}  ",
             f"  {_markdown_block(claim.claim)}", "",
             f"  > **The article ({outlet}):** {_markdown(claim.article_quote)}", ""]
    if source.quote is not None:
        label = "The source" + ("" if source.quote_exact else " (paraphrase)")
        lines += [f"  > **{label}:** {_markdown(source.quote)}", ""]
    if claim.note:
        lines += [f"  {_markdown_block(claim.note)}", ""]
    if claim.sourced:
        link = _markdown_link(describe_source(claim), source_link(document, claim))
        lines += [f"  Source: {link}"]
        for reference in references_of(claim):
            label = "" if reference.quote_exact else " (paraphrase)"
            lines[-1] += "  "  # a hard line break
            place = _markdown_link(describe_place(reference), reference_link(document, reference))
            lines += [f"  Also: {place}{label}: “{_markdown(reference.quote)}”"]
        if claim.value is not None:
            lines[-1] += "  "
    if claim.value is not None:
        lines += [f"  Value: {_markdown(value_text(claim))}"]
    if lines[-1]:
        lines.append("")
    return lines

