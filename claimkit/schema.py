"""The shape of claims.yaml, declared once.

validate.py reads this declaration to check a file, and claims.schema.json
(for editors) is generated from it:

    python -m claimkit.schema > claims.schema.json

A test fails when the committed file differs from what this prints.  The
rules that look across the document (a cited section is listed with its
title, a page falls within its section, ids are unique) are the kit's own,
in validate.py: JSON Schema cannot say them.
"""
import json
import re
from collections.abc import Callable
from dataclasses import field, replace
from datetime import date

from claimkit.load import BOOL, FLOAT, INT, MAP, NULL, SEQ, STR
from claimkit.model import VERDICTS, record


@record
class Shape:
    """What a string must look like: a pattern, and a test where the pattern
    cannot say it all (a date's month and day)."""

    name: str
    code: str  # the problem code when a string does not fit
    expected: str  # how a message names it: "an http(s) url"
    pattern: str = ""
    whole: bool = True  # the pattern must match the whole string
    choices: tuple[str, ...] = ()
    test: Callable[[str], bool] | None = None
    regex: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile(self.pattern))

    def fits(self, text: str) -> bool:
        if self.choices:
            return text in self.choices
        match = self.regex.fullmatch if self.whole else self.regex.search
        return bool(match(text)) and (self.test is None or self.test(text))

    def to_json(self) -> dict:
        if self.choices:
            return {"enum": list(self.choices)}
        return {"type": "string",
                "pattern": f"^(?:{self.pattern})$" if self.whole else self.pattern}


def is_real_date(text: str) -> bool:
    """Whether YYYY, YYYY-MM or YYYY-MM-DD names a real year, month or day."""
    try:
        date.fromisoformat(text + {4: "-01-01", 7: "-01"}.get(len(text), ""))
    except ValueError:
        return False
    return True


TEXT = Shape(name="text", code="empty-text", expected="a non-empty string",
             pattern=r"\S", whole=False)
ID = Shape(name="id", code="bad-id", expected="a kebab-case id like 'context-128k'",
           pattern=r"[a-z0-9]+(?:-[a-z0-9]+)*")
URL = Shape(name="url", code="bad-url", expected="an http(s) url", pattern=r"https?://\S+")
DATE = Shape(name="date", code="bad-date", expected="a date as YYYY, YYYY-MM or YYYY-MM-DD",
             pattern=r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?", test=is_real_date)
SECTION = Shape(name="section", code="bad-section-number",
                expected='a section number like "3.3.1", or abstract',
                # Bounded, so a number stays a number people cite and sort.
                pattern=r"abstract|[0-9]{1,4}(?:\.[0-9]{1,4}){0,5}")
ARXIV = Shape(name="arxiv", code="bad-arxiv",
              expected="an arXiv id like 2407.21783 (its version goes in paper.version)",
              pattern=r"[0-9]{4}\.[0-9]{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/[0-9]{7}")
DOI = Shape(name="doi", code="bad-doi",
            expected="a DOI like 10.48550/arXiv.2407.21783 (without https://doi.org/)",
            pattern=r"10\.[0-9]{4,9}/\S+")
VERSION = Shape(name="version", code="bad-version", expected="a version like v3",
                pattern=r"v[0-9]+")
LOCATOR = Shape(name="locator", code="bad-locator",
                expected="Table, Figure, footnote or Equation and a number,"
                         " like 'Table 4' or 'Figure 2a'",
                pattern=r"(?:Table|Figure|footnote|Equation) [0-9]+[a-z]?")
VERDICT = Shape(name="verdict", code="bad-verdict",
                expected=f"one of {', '.join(VERDICTS)}", choices=tuple(VERDICTS))
SHAPES = (TEXT, ID, URL, DATE, SECTION, ARXIV, DOI, VERSION, LOCATOR, VERDICT)


@record
class Field:
    """One key of a mapping: the kinds of value it takes, and more."""

    kinds: tuple[str, ...]
    required: bool = False
    shape: Shape = TEXT  # for a string value
    minimum: tuple[float, str] | None = None  # (least value, what it is)
    item: "Mapping | None" = None  # a mapping's shape, or each list item's
    keys: Shape | None = None  # a mapping with free keys of this shape
    min_items: int = 0
    each: "Field | None" = None  # a list of values: each one's field
    description: str = ""
    # Prose: text a person writes in sentences, which a ' #' would silently
    # cut short (not an id, a verdict, a date or a url).
    prose: bool = False
    # How to give several: said when a list stands where one value is
    # wanted, and when an unknown key looks like a typo of this one
    # ("sources:" for "source:").
    several: str = ""


@record
class Rule:
    """What a claim's verdict asks of it (target "") or of its source."""

    verdicts: tuple[str, ...]
    target: str = ""
    required: tuple[str, ...] = ()  # at least one of these keys
    forbidden: str = ""
    reason: str


@record
class Mapping:
    """A mapping's shape: its keys, the keys each one needs beside it, and
    what a claim's verdict asks of it (rules)."""

    fields: dict[str, Field]
    description: str = ""
    needs: dict[str, str] = field(default_factory=dict)  # key → the key it needs beside it
    rules: tuple[Rule, ...] = ()
    # At least one of these keys, whatever the verdict (empty: no such rule),
    # and why, as a message says it.
    one_of: tuple[str, ...] = ()
    one_of_reason: str = ""


def text(*, required: bool = False, shape: Shape = TEXT, nullable: bool = False,
         description: str = "", prose: bool = False) -> Field:
    return Field(kinds=(STR, NULL) if nullable else (STR,), required=required,
                 shape=shape, description=description, prose=prose)


def prose(*, required: bool = False, nullable: bool = False, description: str = "") -> Field:
    """Free text (see Field.prose)."""
    return text(required=required, nullable=nullable, description=description, prose=True)


NUMBER = (INT, FLOAT)
PAGE = Field(kinds=(INT, NULL), minimum=(1, "a page number"))


def verdicts_where(test) -> tuple[str, ...]:
    """The names of the verdicts that pass a test, in the vocabulary's order."""
    return tuple(name for name, verdict in VERDICTS.items() if test(verdict))


SOURCED = verdicts_where(lambda verdict: verdict.cites)
OUTSIDE_ONLY = verdicts_where(lambda verdict: verdict.cites == ("url",))

TEXT_PATH = "The path of its text, relative to the claims file: `check` reads it"
ARTICLE = Mapping(description="The news article being checked.", fields={
    "title": prose(required=True),
    "outlet": prose(required=True),
    "date": text(shape=DATE, nullable=True),
    "url": text(shape=URL, nullable=True),
    "text": text(nullable=True, description=TEXT_PATH + " when --article is not given."),
    "checkable": Field(kinds=(SEQ,), each=prose(), description="Words or phrases that"
                       " make a sentence of this article checkable, beside the kit's"
                       " rules (figures, dates, comparisons, superlatives, results)."),
})
PAPER = Mapping(description="The paper the article reports on, identified by an arXiv"
                " id, a DOI or a url (at least one).", fields={
    "title": prose(required=True),
    "authors": prose(required=True),
    "arxiv": text(shape=ARXIV, nullable=True),
    "doi": text(shape=DOI, nullable=True),
    "url": text(shape=URL, nullable=True),
    "date": text(shape=DATE, nullable=True),
    "version": text(shape=VERSION, description="The arXiv version that pages and"
                    " sections follow, like v3."),
    "text": text(nullable=True, description=TEXT_PATH + " (a text or a PDF) when --paper"
                 " is not given."),
}, one_of=("arxiv", "doi", "url"),
   one_of_reason="a paper is known by its arXiv id, its DOI or its url")
REVIEW = Mapping(description="Who reviewed the claims, and when (the author of"
                 " ClaimReview exports).", fields={
    "reviewer": prose(required=True),
    "date": text(required=True, shape=DATE),
    "url": text(shape=URL, nullable=True),
})
SECTION_ENTRY = Mapping(fields={"title": prose(required=True), "page": PAGE})
SOURCE = Mapping(
    fields={
        "section": text(shape=SECTION, nullable=True,
                        description="A section listed under `sections`, quoted."),
        "title": prose(nullable=True,
                       description="The section's title, as listed under `sections`."),
        "page": replace(PAGE, description="The page the quoted words stand on, within"
                                          " the section."),
        "locator": text(shape=LOCATOR, nullable=True,
                        description="A table, figure, footnote or equation."),
        "quote": prose(nullable=True, description="The source's own words, read in the source."),
        "quote_exact": Field(kinds=(BOOL,), description="false when the quote is a paraphrase."),
        "url": text(shape=URL, nullable=True,
                    description="The outside source, where the paper is silent."),
    },
    needs={"title": "section", "section": "title"},
)
# A further reference: shaped like a source, with its quote and its place
# (a paper section, or an outside url) always given.
REFERENCE = replace(
    SOURCE,
    description="A further reference of the claim, shaped like its source.",
    fields={**SOURCE.fields,
            "quote": replace(SOURCE.fields["quote"], required=True, kinds=(STR,)),
            "url": replace(SOURCE.fields["url"], description="An outside source: another"
                           " paper's address, or a page's.")},
    one_of=("section", "url"),
    one_of_reason="a reference says where its quote stands: a paper section or a url",
)
SECOND_REFERENCE = ("a claim has one source; further references go in a list under"
                    " 'references:', each shaped like source")
CLAIM = Mapping(
    fields={
        "id": text(required=True, shape=ID),
        "claim": prose(required=True, description="The claim, restated in one sentence."),
        "article_quote": prose(required=True, description="The article's exact words, short."),
        "source": Field(kinds=(MAP,), required=True, item=SOURCE,
                        description="The main reference: where the claim is backed.",
                        several=SECOND_REFERENCE),
        "references": Field(kinds=(SEQ,), item=REFERENCE,
                            description="Further references, each shaped like source"
                            " (a paper section, or an outside url) with its quote."),
        "verdict": text(required=True, shape=VERDICT),
        "note": prose(),
        "value": Field(kinds=NUMBER, description="A plain number, e.g. 3.8e25."),
        "unit": prose(),
    },
    needs={"value": "unit", "unit": "value"},
    rules=(
        Rule(verdicts=verdicts_where(lambda verdict: verdict.needs_note),
             required=("note",), reason="needs a note that explains it"),
        Rule(verdicts=SOURCED, target="source", required=("quote",),
             reason="needs the words of its source"),
        Rule(verdicts=verdicts_where(lambda verdict: not verdict.cites), target="source",
             forbidden="quote",
             reason="has no quote; give the verdict the quote supports"),
        Rule(verdicts=OUTSIDE_ONLY, target="source", required=("url",),
             reason="names the outside source"),
        Rule(verdicts=OUTSIDE_ONLY, target="source", forbidden="section",
             reason="cites no paper section; use the verdict the section supports"),
        Rule(verdicts=verdicts_where(lambda verdict: verdict.cites == ("section", "url")),
             target="source", required=("section", "url"),
             reason="says where the quote comes from"),
    ),
)
CHECK = Mapping(fields={
    "id": text(required=True, shape=ID),
    "description": prose(),
    "compute": text(required=True, description="An expression over claim values:"
                    " numbers, claim ids (with _ for -), + - * / **, parentheses,"
                    " comparisons."),
    "expect": Field(kinds=(STR, INT, FLOAT, BOOL), required=True),
    "tolerance": Field(kinds=NUMBER, minimum=(0, "a relative tolerance"),
                       description="Relative tolerance, e.g. 0.05."),
    "note": prose(),
})
DISMISSAL = Mapping(fields={"sentence": prose(required=True), "reason": prose(required=True)})
DOCUMENT = Mapping(fields={
    "article": Field(kinds=(MAP,), required=True, item=ARTICLE),
    "paper": Field(kinds=(MAP,), required=True, item=PAPER),
    "review": Field(kinds=(MAP,), item=REVIEW),
    "sections": Field(kinds=(MAP,), required=True, item=SECTION_ENTRY, keys=SECTION,
                      description="The paper's sections: number (quoted, e.g."
                      ' "3.3.1") or abstract, to title and first page.'),
    "claims": Field(kinds=(SEQ,), required=True, item=CLAIM, min_items=1),
    "checks": Field(kinds=(SEQ,), item=CHECK),
    "dismissed": Field(kinds=(SEQ,), item=DISMISSAL, description="Article sentences"
                       " deliberately not tracked, each with its reason."),
})


# -- JSON Schema ------------------------------------------------------------

_JSON_TYPES = {INT: "integer", FLOAT: "number", BOOL: "boolean", NULL: "null",
               MAP: "object", SEQ: "array"}


def _kind_schema(kind: str, spec: Field) -> dict:
    if kind is STR:
        return {"$ref": f"#/definitions/{spec.shape.name}"}
    schema: dict = {"type": _JSON_TYPES[kind]}
    if kind in NUMBER and spec.minimum is not None:
        schema["minimum"] = spec.minimum[0]
    if kind is MAP and spec.item is not None:
        if spec.keys is not None:
            schema.update(type="object", propertyNames=spec.keys.to_json(),
                          additionalProperties=mapping_schema(spec.item))
        else:
            schema = mapping_schema(spec.item)
    if kind is SEQ and spec.each is not None:
        schema["items"] = field_schema(spec.each)
    if kind is SEQ and spec.item is not None:
        schema["items"] = mapping_schema(spec.item)
        if spec.min_items:
            schema["minItems"] = spec.min_items
    return schema


def field_schema(spec: Field) -> dict:
    kinds = [kind for kind in spec.kinds if not (kind is INT and FLOAT in spec.kinds)]
    options = [_kind_schema(kind, spec) for kind in kinds]
    schema = options[0] if len(options) == 1 else {"anyOf": options}
    if spec.description:
        schema = {"description": spec.description, **schema}
    return schema


def _present(key: str) -> dict:
    return {"required": [key], "properties": {key: {"not": {"type": "null"}}}}


def _rule_schema(rule: Rule) -> dict:
    if rule.required:
        then = (_present(rule.required[0]) if len(rule.required) == 1
                else {"anyOf": [_present(key) for key in rule.required]})
    else:
        then = {"properties": {rule.forbidden: {"type": "null"}}}
    if rule.target:
        then = {"properties": {rule.target: then}}
    return {"if": {"required": ["verdict"],
                   "properties": {"verdict": {"enum": list(rule.verdicts)}}},
            "then": then}


def mapping_schema(mapping: Mapping) -> dict:
    schema: dict = {"type": "object"}
    if mapping.description:
        schema["description"] = mapping.description
    required = [key for key, spec in mapping.fields.items() if spec.required]
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    schema["properties"] = {key: field_schema(spec) for key, spec in mapping.fields.items()}
    if mapping.needs:
        schema["dependencies"] = {key: [other] for key, other in mapping.needs.items()}
    if mapping.rules:
        schema["allOf"] = [_rule_schema(rule) for rule in mapping.rules]
    if mapping.one_of:
        schema["anyOf"] = [_present(key) for key in mapping.one_of]
    return schema


def json_schema() -> dict:
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "claims.schema.json",
        "title": "claims.yaml: one article's claims, each tied to its source",
        "description": "Generated by `python -m claimkit.schema` from claimkit/schema.py;"
        " do not edit. `python kit.py check` checks the same and more: that ids are"
        " unique, that each cited section is listed under `sections` with its title,"
        " that a page falls within its section, and the quotes and arithmetic checks.",
        **mapping_schema(DOCUMENT),
        "definitions": {shape.name: shape.to_json() for shape in SHAPES},
    }


def render_json_schema() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(render_json_schema(), end="")
