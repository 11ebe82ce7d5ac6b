"""Validate: positioned nodes → a Document and the list of its problems.

The document's shape is declared in schema.py; this module checks a node
tree against it, then checks what no schema can say: that a cited section
is listed with its title, that a page falls within its section, that ids are
unique.  Everything here is a pure function of the node tree.  All problems
are collected in one pass; a claim with problems is kept apart, as far as
it could be read (Document.broken_claims), so that the checklist can still
show it, and the rest is kept so later checks can still run on it.
"""
from dataclasses import replace

from claimkit import schema
from claimkit.load import BAD, FLOAT, INT, MAP, NULL, SEQ, STR, Node
from claimkit.model import (
    Check,
    Claim,
    Dismissal,
    Document,
    Source,
    join_where,
    section_order,
    shorten,
)
from claimkit.problems import Problems
from claimkit.schema import Field, Mapping

_NAMES = {
    STR: "a string",
    INT: "an integer",
    FLOAT: "a number",
    schema.BOOL: "a boolean",
    NULL: "null",
    MAP: "a mapping",
    SEQ: "a list",
}


def describe_kinds(kinds) -> str:
    if INT in kinds and FLOAT in kinds:  # "a number" covers integers too
        kinds = [kind for kind in kinds if kind is not INT]
    return " or ".join(_NAMES[kind] for kind in kinds)


def _shown(value, limit: int = 40) -> str:
    # Sliced before repr, so a 49 MB value costs what its first characters cost.
    text = repr(value[:limit] if isinstance(value, str) else value)
    return text if len(text) <= limit else text[: limit - 2] + "…" + text[-1]


def _absent(node: Node, key: str) -> bool:
    """Missing or null; a value of the wrong kind was reported already."""
    child = node.value.get(key)
    return child is None or child.kind is NULL


def _unknown_key(key, fields: dict[str, Field]) -> str:
    message = f"unknown key {_shown(key)}"
    guess = closest(key, fields) if isinstance(key, str) else None
    if guess is None:
        return f"{message} (expected one of {', '.join(fields)})"
    message += f" (did you mean {guess!r}?)"
    return f"{message}; {fields[guess].several}" if fields[guess].several else message


# Longer text is never a typo of a short name, and difflib's cost grows
# with the square of the length: a hostile 49 MB key must not reach it.
MAX_GUESS_LENGTH = 100


def closest(text: str, choices) -> str | None:
    """The choice that `text` is most likely a typo or a miscapitalisation of."""
    if not choices or len(text) > MAX_GUESS_LENGTH:
        return None
    import difflib  # only where a value is wrong: check on a clean file never needs it

    by_folded = {choice.casefold(): choice for choice in choices}
    close = difflib.get_close_matches(text.casefold(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[close[0]] if close else None


def did_you_mean(text: str, choices) -> str:
    """" (did you mean 'supported'?)", or nothing when no choice is close."""
    guess = closest(text, choices)
    return f" (did you mean {guess!r}?)" if guess is not None else ""


# Keys only a claim has: a mapping elsewhere with two of them is a claim.
_CLAIM_ONLY = frozenset(("claim", "article_quote", "verdict", "source"))


def _is_claim(node: Node, spec: Mapping) -> bool:
    return len(_CLAIM_ONLY.intersection(node.value).difference(spec.fields)) >= 2


def section_spans(sections: dict) -> dict:
    """Each section's (first page, last page) where its first page is known.

    A section runs from its first page to the first page of the next section
    at the same or a higher level (that page can hold both); the last
    section runs to the end (None).  Sections whose page is null are
    skipped, both as spans and as ends.
    """
    numbers = sorted(sections, key=section_order)
    spans = {}
    for index, number in enumerate(numbers):
        first = sections[number][1]
        if first is None:
            continue
        depth = len(section_order(number)) - 1 or 1
        last = next((sections[later][1] for later in numbers[index + 1:]
                     if len(section_order(later)) - 1 <= depth
                     and sections[later][1] is not None), None)
        spans[number] = (first, last)
    return spans


class _Validator:
    def __init__(self, path: str, problems: Problems) -> None:
        self.path = path
        self.problems = problems
        # False once the item being read (a claim, a check) has a problem.
        self.clean = True

    def problem(self, at: tuple[int, int], where: str, code: str, message: str) -> None:
        self.clean = False
        self.problems.add(self.path, at, code, message, where=where)

    def at(self, node: Node, where: str, code: str, message: str) -> None:
        self.problem((node.line, node.col), where, code, message)

    def mapping(self, node: Node, spec: Mapping, where: str) -> dict | None:
        """Check a mapping against its declaration; None if not a mapping.

        Returns the mapping's usable values (nodes that have the declared
        kind and shape), so the caller can go on with what is usable.
        """
        if node.kind is BAD:  # reported where it was read (a tag, an alias)
            self.clean = False
            return None
        if node.kind is not MAP:
            self.at(node, where, "bad-type", f"expected a mapping, got {_NAMES[node.kind]}")
            return None
        if spec is not schema.CLAIM and _is_claim(node, spec):
            # A claim pasted under dismissed: or checks: would give a problem
            # per key; one says what to do.
            keys = ", ".join(key for key in node.value if key in _CLAIM_ONLY)
            self.at(node, where, "misplaced-claim",
                    f"looks like a claim (it has {keys}); move it under claims:")
            return None
        good = {}
        for key, child in node.value.items():
            field = spec.fields.get(key)
            if field is None:
                # Shortened: a hostile key may be megabytes long.
                self.problem(node.keys[key], join_where(where, shorten(str(key), 40)),
                             "unknown-key", _unknown_key(key, spec.fields))
            elif self.value(child, field, join_where(where, key)):
                good[key] = child
        for key, field in spec.fields.items():
            if field.required and key not in node.value:
                self.at(node, where, "missing-key", f"missing required key {key!r}"
                        f" (expected {describe_kinds(field.kinds)})")
        for key, other in spec.needs.items():
            if key in good and good[key].kind is not NULL and other not in node.value:
                self.at(good[key], join_where(where, key), "missing-key",
                        f"a {key} needs a {other} beside it")
        if spec.one_of and all(_absent(node, key) for key in spec.one_of):
            keys = " or ".join(repr(key) for key in spec.one_of)
            self.at(node, where, "missing-key",
                    f"missing required key {keys} ({spec.one_of_reason})")
        return good

    def value(self, node: Node, field: Field, where: str) -> bool:
        """Whether a value has its field's kind, shape and least value."""
        if node.kind is BAD:  # reported while loading; the item is not kept
            self.clean = False
            return False
        if node.kind not in field.kinds:
            message = f"expected {describe_kinds(field.kinds)}, got {_NAMES[node.kind]}"
            if STR in field.kinds and node.kind in (*schema.NUMBER, schema.BOOL):
                # The text as written: 3.10 unquoted reads as 3.1, another section.
                message += f" (write it in quotes: \"{node.text}\")"
            if node.kind is SEQ and field.several:
                message += f"; {field.several}"
            self.at(node, where, "bad-type", message)
            return False
        if node.kind is STR and not field.shape.fits(node.value):
            shape = field.shape if schema.TEXT.fits(node.value) else schema.TEXT
            self.at(node, where, shape.code,
                    f"expected {shape.expected}, got {_shown(node.value)}"
                    + did_you_mean(node.value, shape.choices))
            return False
        if node.cut is not None and field.prose:
            line, col, own_line = node.cut
            self.problem((line, col), where, "comment-in-text",
                         ("a line that starts with '#' is a YAML comment, so the text"
                          " stopped before it" if own_line else
                          "text after ' #' is a YAML comment and was dropped")
                         + "; quote the value")
            return False
        if node.kind is SEQ and field.each is not None:
            return all([self.value(child, field.each, f"{where}[{index}]")
                        for index, child in enumerate(node.value)])
        if field.minimum is not None and node.kind in schema.NUMBER:
            least, what = field.minimum
            if node.value < least:
                self.at(node, where, "out-of-range",
                        f"expected {what} of {least} or more, got {node.value}")
                return False
        return True

    def rules(self, spec: Mapping, target: str, node: Node, good: dict,
              verdict: str | None, where: str) -> None:
        """The declared rules the verdict sets for `node` (the claim or its source)."""
        for rule in spec.rules:
            if rule.target != target or verdict not in rule.verdicts:
                continue
            if rule.required and all(_absent(node, key) for key in rule.required):
                keys = " or ".join(repr(key) for key in rule.required)
                self.at(node, where, "missing-key", f"missing required key {keys}"
                        f" (verdict {verdict!r} {rule.reason})")
            if rule.forbidden in good:
                self.at(good[rule.forbidden], join_where(where, rule.forbidden),
                        "forbidden-key", f"verdict {verdict!r} {rule.reason}")

    def items(self, node: Node | None, field: Field, where: str, read,
              broken: list | None = None) -> list:
        """Read each item of a list with `read`, keeping those without
        problems; those with problems go to `broken` when it is given."""
        kept = []
        if node is None or node.kind is not SEQ:
            return kept
        if len(node.value) < field.min_items:
            self.at(node, where, "empty-list", "expected at least one item, got an empty list")
        for index, child in enumerate(node.value):
            if self.problems.full:  # the rest could only add problems no one sees
                break
            self.clean = True
            item = read(child, index, f"{where}[{index}]")
            if item is not None and self.clean:
                kept.append(item)
            elif item is not None and broken is not None:
                broken.append(item)
        return kept

    # -- the header ----------------------------------------------------------

    def header(self, top: dict, name: str) -> dict | None:
        node = top.get(name)
        if node is None:
            return None
        good = self.mapping(node, schema.DOCUMENT.fields[name].item, name)
        if good is None:
            return None
        return {key: [item.value for item in child.value] if child.kind is SEQ else child.value
                for key, child in good.items() if child.kind is not NULL}

    def sections(self, node: Node | None) -> dict:
        sections = {}
        if node is None or node.kind is not MAP:
            return sections
        field = schema.DOCUMENT.fields["sections"]
        for key, child in node.value.items():
            where = f"sections.{key}"
            if not isinstance(key, str):
                # Its text as written (a Key): 3.10 unquoted is read as 3.1.
                self.problem(node.keys[key], where, "bad-section-number",
                             f"expected a section number as a string, got"
                             f" {shorten(str(key), 40)} (quote it: \"{key}\")")
                continue
            if not field.keys.fits(key):
                self.problem(node.keys[key], where, field.keys.code,
                             f"expected {field.keys.expected}, got {key!r}")
                continue
            good = self.mapping(child, field.item, where)
            if good is not None and "title" in good:
                page = good.get("page")
                sections[key] = (good["title"].value, page.value if page else None)
        return sections

    # -- claims --------------------------------------------------------------

    def claims(self, node: Node | None, sections: dict) -> tuple[list[Claim], list[Claim]]:
        """The claims without problems, and the broken ones (Claim.broken)."""
        spans = section_spans(sections)
        broken: list[Claim] = []
        claims = self.items(node, schema.DOCUMENT.fields["claims"], "claims",
                            lambda child, index, where:
                            self.claim(child, index, where, sections, spans), broken)
        first_line_of_id: dict[str, int] = {}
        unique = []
        for claim in claims:
            seen = first_use(first_line_of_id, claim.id, claim.at[0])
            if seen is not None:
                self.problem(claim.at, f"claims[{claim.index}].id", "duplicate-id",
                             f"duplicate id {claim.id!r} (first used at line {seen})")
                broken.append(replace(claim, broken=True))
            else:
                unique.append(claim)
        return unique, broken

    def claim(self, node: Node, index: int, where: str, sections: dict,
              spans: dict) -> Claim:
        """The claim as far as it can be read: a field with a problem is None."""
        good = self.mapping(node, schema.CLAIM, where)
        if good is None:  # reported here, or where its tag was
            self.clean, good = False, {}
        verdict = good["verdict"].value if "verdict" in good else None
        if node.kind is MAP:
            self.rules(schema.CLAIM, "", node, good, verdict, where)
        source = None
        if "source" in good:
            source = self.source(good["source"], f"{where}.source", verdict, sections, spans)
        references = tuple(
            self.source(child, f"{where}.references[{number}]", None, sections, spans,
                        schema.REFERENCE)
            for number, child in enumerate(good["references"].value if "references" in good
                                           else ()))

        def text(key: str) -> str | None:
            return good[key].value if key in good else None

        def position(key: str) -> tuple[int, int] | None:
            child = good.get(key)
            return (child.line, child.col) if child is not None else None

        return Claim(
            id=text("id"), claim=text("claim"), article_quote=text("article_quote"),
            source=source, verdict=verdict, note=text("note"), value=text("value"),
            unit=text("unit"), at=(node.line, node.col),
            article_quote_at=position("article_quote"),
            source_quote_at=position_in(good["source"], "quote") if source else None,
            index=index, broken=not self.clean, references=references,
            unread=_unread(node, good),
        )

    def source(self, node: Node, where: str, verdict: str | None, sections: dict,
               spans: dict, spec: Mapping = schema.SOURCE) -> Source | None:
        """A claim's source, or one of its further references (spec
        schema.REFERENCE), checked against the sections the same way."""
        good = self.mapping(node, spec, where)
        if good is None:
            return None
        self.rules(schema.CLAIM, "source", node, good, verdict, where)
        values = {key: child.value for key, child in good.items()}
        section = values.get("section")
        page = values.get("page")
        if section is not None and section in sections:
            known_title, first_page = sections[section]
            title = values.get("title")
            if title is not None and title != known_title:
                self.at(good["title"], f"{where}.title", "wrong-title",
                        f"expected {known_title!r} (the title of section {section}),"
                        f" got {_shown(title)}")
            if page is None:
                page = first_page
            elif section in spans:
                first, last = spans[section]
                if not first <= page <= (last or page):
                    pages = f"pages {first} to {last}" if last else f"from page {first} on"
                    self.at(good["page"], f"{where}.page", "page-out-of-section",
                            f"expected a page within section {section} ({pages}),"
                            f" got {page}")
        elif section is not None:
            self.at(good["section"], f"{where}.section", "unknown-section",
                    f"expected a section listed under sections, got {section!r}")
        return Source(section=section, title=values.get("title") if section else None,
                      page=page, quote=values.get("quote"),
                      quote_exact=values.get("quote_exact", True), url=values.get("url"),
                      locator=values.get("locator"), quote_at=position_in(node, "quote"),
                      unread=_unread(node, good))

    # -- checks and dismissals ---------------------------------------------

    def checks(self, node: Node | None) -> list[Check]:
        first_line_of_id: dict[str, int] = {}

        def read(child: Node, index: int, where: str) -> Check | None:
            good = self.mapping(child, schema.CHECK, where)
            if good is None:
                return None
            if "id" in good:
                seen = first_use(first_line_of_id, good["id"].value, child.line)
                if seen is not None:
                    self.at(good["id"], f"{where}.id", "duplicate-id",
                            f"duplicate check id {good['id'].value!r} (first used at"
                            f" line {seen})")
            if not {"id", "compute", "expect"} <= good.keys():
                return None
            return Check(
                id=good["id"].value,
                description=good["description"].value if "description" in good else None,
                compute=good["compute"].value, expect=good["expect"].value,
                tolerance=good["tolerance"].value if "tolerance" in good else 0,
                note=good["note"].value if "note" in good else None,
                at=(child.line, child.col), compute_at=position_in(child, "compute"),
                expect_at=position_in(child, "expect"),
            )

        return self.items(node, schema.DOCUMENT.fields["checks"], "checks", read)

    def dismissed(self, node: Node | None) -> list[Dismissal]:
        def read(child: Node, index: int, where: str) -> Dismissal | None:
            good = self.mapping(child, schema.DISMISSAL, where)
            if good is None or not {"sentence", "reason"} <= good.keys():
                return None
            return Dismissal(sentence=good["sentence"].value, reason=good["reason"].value,
                             at=position_in(child, "sentence"))

        return self.items(node, schema.DOCUMENT.fields["dismissed"], "dismissed", read)


def first_use(first_lines: dict, key, line: int) -> int | None:
    """The line where key was used before, if it was (on any line, this one
    too); otherwise None, and this line is recorded as its first use."""
    if key in first_lines:
        return first_lines[key]
    first_lines[key] = line
    return None


def _unread(node: Node, good: dict) -> frozenset:
    """The keys of a mapping given but unreadable (each reported already)."""
    if node.kind is not MAP:
        return frozenset()
    return frozenset(key for key in node.value if key not in good)


def position_in(node: Node, key: str) -> tuple[int, int] | None:
    child = node.value.get(key)
    return (child.line, child.col) if child is not None else None


def validate(root: Node | None, path: str, problems: Problems) -> Document | None:
    """Check a composed claims file and return its Document, adding what is
    wrong to `problems`, the run's one collection.  The Document is None
    when the top level is not a mapping, or when the problems filled the
    collection: a document read only in part is not one to use.
    """
    document = _validate(_Validator(path, problems), root, path)
    return None if problems.full else document


def _validate(validator: _Validator, root: Node | None, path: str) -> Document | None:
    if root is None:
        validator.problem((1, 1), "", "empty-file", "the file is empty; expected a"
                          " mapping with article, paper, sections and claims")
        return None
    top = validator.mapping(root, schema.DOCUMENT, "")
    if top is None:
        return None
    sections = validator.sections(top.get("sections"))
    claims, broken = validator.claims(top.get("claims"), sections)
    article = validator.header(top, "article") or {}
    paper = validator.header(top, "paper") or {}
    texts = {name: (header["text"], position_in(top[name], "text"))
             for name, header in (("article", article), ("paper", paper)) if "text" in header}
    return Document(
        path=path,
        article=article,
        paper=paper,
        texts=texts,
        review=validator.header(top, "review"),
        sections=sections,
        claims=claims,
        checks=validator.checks(top.get("checks")),
        dismissed=validator.dismissed(top.get("dismissed")),
        broken_claims=broken,
    )
