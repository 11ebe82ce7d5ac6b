"""The data exports: JSON and CSV, one record per claim."""
import csv
import io
import json

from claimkit.display import describe_place, pdf_page, reference_link, references_of
from claimkit.model import Claim, Document, Source


def source_record(document: Document, source: Source) -> dict:
    """A source or a further reference, with its PDF page's link."""
    record = {
        "section": source.section,
        "title": source.title,
        "locator": source.locator,
        "page": source.page,
        "page_url": pdf_page(document, source),
        "quote": source.quote,
        "url": source.url,
    }
    if not source.quote_exact:
        record["quote_exact"] = False
    return record


def claim_record(document: Document, claim: Claim) -> dict:
    record = {
        "id": claim.id,
        "claim": claim.claim,
        "article_quote": claim.article_quote,
        "verdict": claim.verdict,
        "source": source_record(document, claim.source),
    }
    if claim.references:
        record["references"] = [source_record(document, reference)
                                for reference in references_of(claim)]
    if claim.note is not None:
        record["note"] = claim.note
    if claim.value is not None:
        record["value"] = claim.value
        record["unit"] = claim.unit
    return record


def check_record(result) -> dict:
    check = result.check
    record = {"id": check.id}
    if check.description is not None:
        record["description"] = check.description
    record |= {"compute": check.compute, "expect": check.expect,
               "tolerance": check.tolerance, "claims": result.claims,
               "expected": result.expected, "computed": result.computed, "ok": result.ok}
    if check.note is not None:
        record["note"] = check.note
    return record


def header_record(document: Document) -> dict:
    """The file's header as it reads it: article, paper, review and sections.

    It stands under one key, "header", beside the claims: a top level with
    `article` or `paper` beside `claims` is what marks a claims file, which
    `export -o` never writes over, while a second export may replace this one.
    """
    return {
        "article": document.article,
        "paper": document.paper,
        "review": document.review,
        "sections": {number: {"title": title, "page": page}
                     for number, (title, page) in document.sections.items()},
    }


def render_json(document: Document, claims: list[Claim], results: list,
                total: int) -> str:
    data = {
        "header": header_record(document),
        "claims": [claim_record(document, claim) for claim in claims],
        "checks": [check_record(result) for result in results],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# -- csv --------------------------------------------------------------------

# The columns, in order (README, "Exports").
CSV_FIELDS = ("id", "claim", "article_quote", "verdict", "section", "title",
              "locator", "page", "page_url", "quote", "quote_exact", "url",
              "value", "unit", "note", "references")
# OWASP, CSV injection: a cell a spreadsheet would read as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_row(document: Document, claim: Claim) -> dict:
    """The JSON record, flattened: the source's fields become columns."""
    record = claim_record(document, claim)
    source = record.pop("source")
    record.pop("references", None)
    # One cell: each further reference on a line of its own.
    record["references"] = "\n".join(
        f"{describe_place(reference)}: “{reference.quote}”"
        + ("" if reference.quote_exact else " (paraphrase)")
        + (f" <{link}>" if (link := reference_link(document, reference)) else "")
        for reference in references_of(claim))
    source["quote_exact"] = (None if source["quote"] is None
                             else str(bool(claim.source.quote_exact)).lower())
    if claim.value is not None:
        record["value"] = repr(claim.value)  # reads back as the same number
    return {**record, **source}


def render_csv(document: Document, claims: list[Claim], results: list,
               total: int) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for claim in claims:
        row = csv_row(document, claim)
        # The value is a number's repr, which no spreadsheet reads as a
        # formula: a minus sign there is the number's own.
        writer.writerow({key: cell if key == "value" else neutralize_cell(cell)
                         for key, cell in row.items()})
    return out.getvalue()
