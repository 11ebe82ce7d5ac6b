"""The ClaimReview export: schema.org ClaimReview (JSON-LD) for the claims
whose verdict rates the claim's truth, as fact-check indexes read them
(Google's Fact Check Explorer among them; Google Search stopped showing
fact-check rich results in June 2025)."""
import json
from urllib.parse import urlsplit

from claimkit.display import ExportError, clean
from claimkit.model import VERDICTS, Claim, Document

# Google asks that claimReviewed stay under this, to fit a phone's screen.
CLAIM_REVIEWED_LIMIT = 75


def published(claim: Claim) -> bool:
    """Whether a claim is published as ClaimReview: its verdict has a
    rating.  Not-in-paper and unsourced have none: they say where the
    evidence is, or that there is none yet, not whether the claim is true,
    and any number on a truth scale (3 of 5) would read as a judgement."""
    return VERDICTS[claim.verdict].rating is not None


def claim_reviews(document: Document, claims: list[Claim]) -> list[dict]:
    """schema.org ClaimReview objects for the published claims.

    Raises ExportError when there is no review url (the header's review.url,
    or export --url): every review's url is that url#claim-id, and Google
    requires it.
    """
    article, review = document.article, document.review or {}
    if not review.get("url"):
        raise ExportError("ClaimReview needs the review's address: give export --url URL,"
                          " or review.url in the file's header (each review's url is"
                          " URL#claim-id)")
    parts = urlsplit(review["url"])
    appearance = {"@type": "CreativeWork", "headline": article.get("title")}
    if article.get("url"):
        appearance["url"] = article["url"]
    author = {"@type": "Organization", "name": review.get("reviewer"),
              "url": f"{parts.scheme}://{parts.netloc}/"}
    reviews = []
    for claim in claims:
        if not published(claim):
            continue
        item = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": f"{review['url']}#{claim.id}",
            "claimReviewed": claim.claim,
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": VERDICTS[claim.verdict].rating,
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": VERDICTS[claim.verdict].words,
            },
            "itemReviewed": {
                "@type": "Claim",
                "author": {"@type": "Organization", "name": article.get("outlet")},
                # An article's date may not be known yet (null).
                **({"datePublished": article["date"]} if article.get("date") else {}),
                "appearance": appearance,
            },
            "author": author,
            "datePublished": review.get("date"),
        }
        if claim.note:
            item["reviewBody"] = claim.note
        reviews.append(item)
    return reviews


def claimreview_notes(document: Document, claims: list[Claim]) -> list[str]:
    """What a publisher should know: claims left out, claims too long."""
    notes = []
    left_out = {name: 0 for name, verdict in VERDICTS.items() if verdict.rating is None}
    for claim in claims:
        if not published(claim):
            left_out[claim.verdict] += 1
    parts = [f"{number} {name}" for name, number in left_out.items() if number]
    if parts:
        number = sum(left_out.values())
        notes.append(f"note: {' and '.join(parts)} claim{'' if number == 1 else 's'}"
                     " not published as ClaimReview (no truth rating)")
    for claim in claims:
        if published(claim) and len(claim.claim) > CLAIM_REVIEWED_LIMIT:
            notes.append(f"warning: {clean(claim.id)}: claimReviewed is {len(claim.claim)}"
                         f" characters; Google advises at most {CLAIM_REVIEWED_LIMIT}")
    return notes


def render_claimreview(document: Document, claims: list[Claim], results: list,
                       total: int) -> str:
    return json.dumps(claim_reviews(document, claims), indent=2, ensure_ascii=False) + "\n"

