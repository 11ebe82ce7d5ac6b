"""The ClaimReview export: schema.org ClaimReview (JSON-LD) for the
sourced claims, as search engines read fact checks."""
import json
from urllib.parse import urlsplit

from claimkit.display import ExportError, clean
from claimkit.model import VERDICTS, Claim, Document

# Google asks that claimReviewed stay under this, to fit a phone's screen.
CLAIM_REVIEWED_LIMIT = 75


def claim_reviews(document: Document, claims: list[Claim]) -> list[dict]:
    """schema.org ClaimReview objects for the sourced claims.

    Raises ExportError when the header has no review.url: every review's url
    is review.url#claim-id, and Google requires it.
    """
    article, review = document.article, document.review or {}
    if not review.get("url"):
        raise ExportError("ClaimReview needs review.url in the file's header"
                          " (each review's url is review.url#claim-id)")
    parts = urlsplit(review["url"])
    appearance = {"@type": "CreativeWork", "headline": article.get("title")}
    if article.get("url"):
        appearance["url"] = article["url"]
    author = {"@type": "Organization", "name": review.get("reviewer"),
              "url": f"{parts.scheme}://{parts.netloc}/"}
    reviews = []
    for claim in claims:
        if not claim.sourced:
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
                "datePublished": article.get("date"),
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
    unsourced = sum(not claim.sourced for claim in claims)
    if unsourced:
        notes.append(f"note: {unsourced} unsourced claim{'' if unsourced == 1 else 's'}"
                     " not published as ClaimReview")
    for claim in claims:
        if claim.sourced and len(claim.claim) > CLAIM_REVIEWED_LIMIT:
            notes.append(f"warning: {clean(claim.id)}: claimReviewed is {len(claim.claim)}"
                         f" characters; Google advises at most {CLAIM_REVIEWED_LIMIT}")
    return notes


def render_claimreview(document: Document, claims: list[Claim], results: list,
                       total: int) -> str:
    return json.dumps(claim_reviews(document, claims), indent=2, ensure_ascii=False) + "\n"

