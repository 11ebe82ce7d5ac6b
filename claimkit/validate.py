"""Validate: positioned nodes → a Document and the list of its problems.

Everything here is a pure function of the node tree: no I/O, no printing.
All problems are collected in one pass; a claim with problems is left out of
the Document, the rest is kept so later checks can still run on it.
"""
from claimkit.load import BAD, BOOL, FLOAT, INT, MAP, NULL, SEQ, STR, Node
from claimkit.model import (
    VERDICTS,
    Check,
    Claim,
    Dismissal,
    Document,
    Problem,
    Source,
    TooManyProblems,
    add_problem,
    is_ascii_digits,
    join_where,
)

# The shapes a value must have.  Plain string tests rather than regular
# expressions: compiling four patterns costs `check` 0.3 ms of start-up.


def is_kebab_case(text: str) -> bool:
    """Lower-case ASCII letters and digits in words joined by single hyphens."""
    return all(word.isascii() and word.isalnum() and word == word.lower()
               for word in text.split("-"))


def is_section_number(text: str) -> bool:
    """Like 3.3.1: ASCII digits joined by single dots."""
    return all(is_ascii_digits(part) for part in text.split("."))


def is_date(text: str) -> bool:
    """YYYY-MM-DD, in ASCII digits."""
    return (len(text) == 10 and text[4] == text[7] == "-"
            and is_ascii_digits(text[:4] + text[5:7] + text[8:]))


def is_url(text: str) -> bool:
    """http:// or https:// and then something, with no space anywhere."""
    scheme, _, rest = text.partition("://")
    return scheme in ("http", "https") and bool(rest) and text.split() == [text]


TEXT = (STR,)
OPTIONAL_TEXT = (STR, NULL)
NUMBER = (INT, FLOAT)

# field → (kinds allowed, required)
ARTICLE_FIELDS = {
    "title": (TEXT, True),
    "outlet": (TEXT, True),
    "date": (TEXT, True),
    "url": (OPTIONAL_TEXT, False),
}
PAPER_FIELDS = {
    "title": (TEXT, True),
    "authors": (TEXT, True),
    "arxiv": (TEXT, True),
    "url": (TEXT, True),
    "date": (TEXT, True),
}
REVIEW_FIELDS = {
    "reviewer": (TEXT, True),
    "date": (TEXT, True),
    "url": (OPTIONAL_TEXT, False),
}
SECTION_FIELDS = {
    "title": (TEXT, True),
    "page": ((INT, NULL), False),
}
CLAIM_FIELDS = {
    "id": (TEXT, True),
    "claim": (TEXT, True),
    "article_quote": (TEXT, True),
    "source": ((MAP,), True),
    "verdict": (TEXT, True),
    "note": (TEXT, False),
    "value": (NUMBER, False),
    "unit": (TEXT, False),
}
SOURCE_FIELDS = {
    "section": (OPTIONAL_TEXT, False),
    "title": (OPTIONAL_TEXT, False),
    "page": ((INT, NULL), False),
    "quote": (OPTIONAL_TEXT, False),
    "quote_exact": ((BOOL,), False),
    "url": (OPTIONAL_TEXT, False),
}
CHECK_FIELDS = {
    "id": (TEXT, True),
    "description": (TEXT, False),
    "compute": (TEXT, True),
    "expect": ((STR, INT, FLOAT, BOOL), True),
    "tolerance": (NUMBER, False),
    "note": (TEXT, False),
}
DISMISSAL_FIELDS = {
    "sentence": (TEXT, True),
    "reason": (TEXT, True),
}
TOP_FIELDS = {
    "article": ((MAP,), True),
    "paper": ((MAP,), True),
    "review": ((MAP,), False),
    "sections": ((MAP,), True),
    "claims": ((SEQ,), True),
    "checks": ((SEQ,), False),
    "dismissed": ((SEQ,), False),
}
# A verdict other than these says the article and its source differ; the
# reader is owed an explanation.
VERDICTS_WITHOUT_NOTE = ("supported",)

_NAMES = {
    STR: "a string",
    INT: "an integer",
    FLOAT: "a number",
    BOOL: "a boolean",
    NULL: "null",
    MAP: "a mapping",
    SEQ: "a list",
}


def describe_kinds(kinds) -> str:
    if INT in kinds and FLOAT in kinds:  # "a number" covers integers too
        kinds = [kind for kind in kinds if kind is not INT]
    return " or ".join(_NAMES[kind] for kind in kinds)


def _shown(value, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 2] + "…" + text[-1]


class _Validator:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, line: int, col: int, where: str, message: str) -> None:
        add_problem(self.problems, Problem(self.path, line, col, where, message))

    def at(self, node: Node, where: str, message: str) -> None:
        self.problem(node.line, node.col, where, message)

    def fields(self, node: Node, spec: dict, where: str) -> dict | None:
        """Check a mapping's keys and value kinds; None if not a mapping.

        Returns the mapping's values, without those of the wrong kind, so the
        caller can go on with what is usable.
        """
        if node.kind is BAD:
            return None
        if node.kind is not MAP:
            self.at(node, where, f"expected a mapping, got {_NAMES[node.kind]}")
            return None
        values = node.value
        good = {}
        for key, child in values.items():
            spec_entry = spec.get(key)
            if spec_entry is None:
                line, col = node.keys[key]
                self.problem(line, col, join_where(where, key), _unknown_key(key, spec))
                continue
            kinds = spec_entry[0]
            if child.kind is BAD:
                continue
            if child.kind not in kinds:
                message = f"expected {describe_kinds(kinds)}, got {_NAMES[child.kind]}"
                if STR in kinds and child.kind in NUMBER:
                    message += f" (write it in quotes: \"{child.value}\")"
                self.at(child, join_where(where, key), message)
                continue
            good[key] = child
        for key, (kinds, required) in spec.items():
            if required and key not in values:
                self.at(
                    node, where,
                    f"missing required key {key!r} (expected {describe_kinds(kinds)})",
                )
        return good

    def text(self, fields: dict, key: str, where: str, shape=None,
             expected: str = "") -> str | None:
        """A string field's value; `shape`, when given, is a test it must pass."""
        node = fields.get(key)
        if node is None or node.kind is NULL:
            return None
        value = node.value
        if not value.strip():
            self.at(node, join_where(where, key),
                    f"expected a non-empty string, got {_shown(value)}")
            return None
        if shape is not None and not shape(value):
            self.at(node, join_where(where, key),
                    f"expected {expected}, got {_shown(value)}")
            return None
        return value

    # -- the header ----------------------------------------------------------

    def header(self, top: dict, name: str, spec: dict) -> dict | None:
        node = top.get(name)
        if node is None:
            return None
        fields = self.fields(node, spec, name)
        if fields is None:
            return None
        result = {}
        for key in spec:
            if key == "date":
                value = self.text(fields, key, name, is_date,
                                  "a date as YYYY-MM-DD")
            elif key == "url":
                value = self.text(fields, key, name, is_url,
                                  "an http(s) url")
            else:
                value = self.text(fields, key, name)
            if value is not None:
                result[key] = value
        return result

    def sections(self, node: Node | None) -> dict:
        sections = {}
        if node is None or node.kind is not MAP:
            return sections
        for key, child in node.value.items():
            line, col = node.keys[key]
            where = f"sections.{key}"
            if not isinstance(key, str):
                self.problem(
                    line, col, where,
                    f"expected a section number as a string, got {_shown(key)}"
                    f" (quote it: \"{key}\")",
                )
                continue
            if not is_section_number(key):
                self.problem(line, col, where,
                             f"expected a section number like \"3.3.1\", got {key!r}")
                continue
            fields = self.fields(child, SECTION_FIELDS, where)
            if fields is None:
                continue
            title = self.text(fields, "title", where)
            page = fields.get("page")
            page = page.value if page is not None else None
            if page is not None and page < 1:
                self.at(fields["page"], f"{where}.page",
                        f"expected a page number of 1 or more, got {page}")
                page = None
            if title is not None:
                sections[key] = (title, page)
        return sections

    # -- claims --------------------------------------------------------------

    def claims(self, node: Node | None, sections: dict) -> list[Claim]:
        claims = []
        if node is None or node.kind is not SEQ:
            return claims
        first_line_of_id = {}
        for index, child in enumerate(node.value):
            where = f"claims[{index}]"
            claim = self.claim(child, index, sections)
            if claim is None:
                continue
            seen = first_line_of_id.get(claim.id)
            if seen is not None:
                self.problem(
                    *claim.at, f"{where}.id",
                    f"duplicate id {claim.id!r} (first used at line {seen})",
                )
                continue
            first_line_of_id[claim.id] = claim.at[0]
            claims.append(claim)
        if not node.value:
            self.at(node, "claims", "expected at least one claim, got an empty list")
        return claims

    def claim(self, node: Node, index: int, sections: dict) -> Claim | None:
        where = f"claims[{index}]"
        before = len(self.problems)
        fields = self.fields(node, CLAIM_FIELDS, where)
        if fields is None:
            return None
        claim_id = self.text(fields, "id", where, is_kebab_case,
                             "a kebab-case id like 'context-128k'")
        text = self.text(fields, "claim", where)
        article_quote = self.text(fields, "article_quote", where)
        verdict = self.verdict(fields, where)
        note = self.text(fields, "note", where)
        if verdict is not None and verdict not in VERDICTS_WITHOUT_NOTE and note is None:
            self.at(node, where, f"verdict {verdict!r} needs a note that explains it")
        value_node = fields.get("value")
        unit = self.text(fields, "unit", where)
        if value_node is not None and unit is None and "unit" not in node.value:
            self.at(value_node, f"{where}.value", "a value needs a unit beside it")
        if unit is not None and value_node is None and "value" not in node.value:
            self.at(fields["unit"], f"{where}.unit", "a unit needs a value beside it")
        value = value_node.value if value_node is not None else None
        if isinstance(value, float) and value != value:
            self.at(value_node, f"{where}.value", "expected a number, got .nan")
        source_node = fields.get("source")
        source = None
        if source_node is not None:
            source = self.source(source_node, f"{where}.source", verdict, sections)
        if len(self.problems) != before or source is None:
            return None
        quote_node = source_node.value.get("quote")
        article_quote_node = fields["article_quote"]
        claim = Claim(
            claim_id, text, article_quote, source, verdict, note, value, unit,
            (node.line, node.col),
            (article_quote_node.line, article_quote_node.col),
            (quote_node.line, quote_node.col) if quote_node is not None else None,
            index,
        )
        return claim

    def verdict(self, fields: dict, where: str) -> str | None:
        node = fields.get("verdict")
        if node is None:
            return None
        if node.value not in VERDICTS:
            self.at(node, f"{where}.verdict",
                    f"expected one of {', '.join(VERDICTS)}, got {_shown(node.value)}")
            return None
        return node.value

    def source(self, node: Node, where: str, verdict: str | None,
               sections: dict) -> Source | None:
        fields = self.fields(node, SOURCE_FIELDS, where)
        if fields is None:
            return None
        section = self.text(fields, "section", where)
        title = self.text(fields, "title", where)
        quote = self.text(fields, "quote", where)
        url = self.text(fields, "url", where, is_url, "an http(s) url")
        exact_node = fields.get("quote_exact")
        quote_exact = exact_node.value if exact_node is not None else True
        page_node = fields.get("page")
        page = page_node.value if page_node is not None else None

        if section is not None:
            known = sections.get(section)
            if known is None:
                self.at(fields["section"], f"{where}.section",
                        f"expected a section listed under sections, got {section!r}")
            else:
                known_title, known_page = known
                if title is None:
                    self.at(node, where,
                            f"missing required key 'title' for section {section}"
                            f" (expected {known_title!r})")
                elif title != known_title:
                    self.at(fields["title"], f"{where}.title",
                            f"expected {known_title!r} (the title of section"
                            f" {section}), got {_shown(title)}")
                if page is not None and page != known_page:
                    self.at(page_node, f"{where}.page",
                            f"expected {known_page} (the page of section {section}),"
                            f" got {page}")
                page = known_page
        elif title is not None and "section" not in node.value:
            self.at(fields["title"], f"{where}.title",
                    "a title needs the section number beside it")

        if verdict == "unsourced":
            if quote is not None:
                self.at(fields["quote"], f"{where}.quote",
                        "an unsourced claim has no quote; give the verdict the"
                        " quote supports")
        elif verdict is not None:
            if quote is None and _absent(node, "quote"):
                self.at(node, where,
                        f"missing required key 'quote' (a {verdict} claim needs"
                        " the words of its source)")
            if verdict == "not-in-paper":
                if url is None and _absent(node, "url"):
                    self.at(node, where,
                            "missing required key 'url' (a not-in-paper claim"
                            " names the outside source)")
                if section is not None:
                    self.at(fields["section"], f"{where}.section",
                            "a not-in-paper claim cites no paper section;"
                            " use the verdict the section supports")
            elif _absent(node, "section") and _absent(node, "url"):
                self.at(node, where,
                        "missing required key 'section' or 'url' (where the quote"
                        " comes from)")
        return Source(section, title if section else None, page, quote,
                      quote_exact, url)

    # -- checks and dismissals ---------------------------------------------

    def checks(self, node: Node | None) -> list[Check]:
        checks = []
        if node is None or node.kind is not SEQ:
            return checks
        first_line_of_id = {}
        for index, child in enumerate(node.value):
            where = f"checks[{index}]"
            before = len(self.problems)
            fields = self.fields(child, CHECK_FIELDS, where)
            if fields is None:
                continue
            check_id = self.text(fields, "id", where, is_kebab_case,
                                 "a kebab-case id like 'compute-6nd'")
            description = self.text(fields, "description", where)
            compute = self.text(fields, "compute", where)
            expect_node = fields.get("expect")
            expect = expect_node.value if expect_node is not None else None
            if isinstance(expect, str) and not expect.strip():
                self.at(expect_node, f"{where}.expect",
                        "expected a non-empty string, got ''")
            tolerance_node = fields.get("tolerance")
            tolerance = tolerance_node.value if tolerance_node is not None else 0
            if not tolerance >= 0:
                self.at(tolerance_node, f"{where}.tolerance",
                        f"expected a relative tolerance of 0 or more, got {tolerance}")
            if check_id is not None:
                seen = first_line_of_id.get(check_id)
                if seen is not None:
                    self.at(fields["id"], f"{where}.id",
                            f"duplicate check id {check_id!r} (first used at line"
                            f" {seen})")
                else:
                    first_line_of_id[check_id] = child.line
            if len(self.problems) == before:
                checks.append(Check(
                    check_id, description, compute, expect, tolerance,
                    (child.line, child.col),
                    (fields["compute"].line, fields["compute"].col),
                    (expect_node.line, expect_node.col),
                ))
        return checks

    def dismissed(self, node: Node | None) -> list[Dismissal]:
        dismissed = []
        if node is None or node.kind is not SEQ:
            return dismissed
        for index, child in enumerate(node.value):
            where = f"dismissed[{index}]"
            before = len(self.problems)
            fields = self.fields(child, DISMISSAL_FIELDS, where)
            if fields is None:
                continue
            sentence = self.text(fields, "sentence", where)
            reason = self.text(fields, "reason", where)
            if len(self.problems) == before:
                at = (fields["sentence"].line, fields["sentence"].col)
                dismissed.append(Dismissal(sentence, reason, at))
        return dismissed


def _absent(node: Node, key: str) -> bool:
    """Missing or null; a value of the wrong kind was reported already."""
    child = node.value.get(key)
    return child is None or child.kind is NULL


def _unknown_key(key, spec: dict) -> str:
    message = f"unknown key {_shown(key)}"
    if isinstance(key, str):
        import difflib  # only on this error path: it costs 2 ms to import

        close = difflib.get_close_matches(key, list(spec), n=1, cutoff=0.6)
        if close:
            return f"{message} (did you mean {close[0]!r}?)"
    return f"{message} (expected one of {', '.join(spec)})"


def validate(root: Node | None, path: str) -> tuple[Document | None, list[Problem]]:
    """Check a composed claims file; return its Document and problems.

    The Document is None only when the top level is not a mapping.
    """
    validator = _Validator(path)
    try:
        return _validate(validator, root, path)
    except TooManyProblems:  # the last problem says where it stopped
        return None, validator.problems


def _validate(validator: _Validator, root: Node | None,
              path: str) -> tuple[Document | None, list[Problem]]:
    if root is None:
        validator.problem(1, 1, "", "the file is empty; expected a mapping with"
                          " article, paper, sections and claims")
        return None, validator.problems
    top = validator.fields(root, TOP_FIELDS, "")
    if top is None:
        return None, validator.problems
    article = validator.header(top, "article", ARTICLE_FIELDS)
    paper = validator.header(top, "paper", PAPER_FIELDS)
    review = validator.header(top, "review", REVIEW_FIELDS)
    sections = validator.sections(top.get("sections"))
    claims = validator.claims(top.get("claims"), sections)
    checks = validator.checks(top.get("checks"))
    dismissed = validator.dismissed(top.get("dismissed"))
    document = Document(path, article or {}, paper or {}, review, sections,
                        claims, checks, dismissed)
    return document, validator.problems
