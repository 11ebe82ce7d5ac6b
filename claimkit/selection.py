"""Selection: which claims, and which checks, a command shows: the filters
(--verdict, --attention, --section, --search), --sort, how the filters
given are named again in a message, and the ids `show` suggests."""
import shlex

from claimkit.display import attention_rank, needs_attention, section_key
from claimkit.model import CheckResult, within_section
from claimkit.validate import closest


def select_claims(claims: list, args) -> list:
    """The claims the filters let through, in the order --sort asks for.

    Broken claims (Claim.broken) may lack any field, or their source.
    """
    selected = list(claims)
    if args.verdict:
        selected = [c for c in selected if c.verdict in args.verdict]
    if args.attention:
        selected = [c for c in selected if needs_attention(c)]
    if args.section:
        # §3.3 as the checklist prints it, or 3.3 as the file writes it.
        prefix = args.section.strip().removeprefix("§").strip().rstrip(".")
        selected = [c for c in selected if within_section(section_of(c), prefix)]
    if args.search:
        needle = args.search.casefold()
        selected = [c for c in selected if any(
            needle in text.casefold()
            for text in (c.id or "", c.claim or "", c.article_quote or "",
                         (c.source.quote if c.source else None) or "", c.note or ""))]
    if args.sort == "id":
        selected.sort(key=lambda c: c.id or "")
    elif args.sort == "section":
        selected.sort(key=lambda c: section_key(section_of(c)))
    elif args.sort == "verdict":
        selected.sort(key=attention_rank)
    return selected


def section_of(claim) -> str | None:
    return claim.source.section if claim.source is not None else None


def filters_given(args) -> str:
    """The filters of the command line, as they would be typed again:
    --verdict overstated --search 'beat GPT'."""
    given = [f"--verdict {verdict}" for verdict in args.verdict or ()]
    if args.attention:
        given.append("--attention")
    for option in ("section", "search"):
        if getattr(args, option) is not None:
            given.append(f"--{option} {shlex.quote(getattr(args, option))}")
    return " ".join(given)


def checks_for(results: list[CheckResult], claims: list, args) -> list[CheckResult]:
    """The checks a selection of claims shows: all of them unfiltered, else
    those that use a claim it shows."""
    if not filters_given(args):
        return results
    shown = {claim.id for claim in claims}
    return [result for result in results if shown.intersection(result.claims)]


# How many ids that start with what `show` was given it lists.
MAX_SUGGESTIONS = 5


def suggest(wanted: str, ids: list[str]) -> str:
    """The ids `show` suggests for one that is not there: those that start
    with it (h100 → h100-gpus-16k), else the closest."""
    folded = wanted.casefold()
    starting = [claim_id for claim_id in ids if claim_id.casefold().startswith(folded)]
    if len(starting) == 1:
        return f"; did you mean {starting[0]!r}?"
    if starting:
        listed = ", ".join(starting[:MAX_SUGGESTIONS])
        more = f" and {len(starting) - MAX_SUGGESTIONS} more" if len(
            starting) > MAX_SUGGESTIONS else ""
        return f"; {len(starting)} ids start with it: {listed}{more}"
    guess = closest(wanted, ids)
    return f"; did you mean {guess!r}?" if guess else ""
