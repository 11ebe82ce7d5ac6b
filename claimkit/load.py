"""Load: claims.yaml bytes → a tree of positioned nodes, or problems.

The kit builds its own small node tree from libyaml's event stream instead of
calling ``yaml.load``:

* nothing is ever constructed from a tag, so ``!!python/object/apply`` and
  friends are reported, never run;
* an alias is reported where it stands and never expanded, so a
  billion-laughs file costs what its bytes cost;
* a duplicate mapping key is reported with both lines (PyYAML silently keeps
  the last value, which here would lose a source without a word);
* nesting is walked with an explicit stack, so depth is bounded and can never
  raise RecursionError;
* every node keeps its 1-based line and column for messages.
"""
import codecs
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field

import yaml

from claimkit import scalars
from claimkit.model import (
    CONTROL_CHARACTERS,
    YAML_LINE_BREAK,
    join_where,
    line_col,
    mark_position,
    shorten,
)
from claimkit.problems import Problem, Problems
from claimkit.syntax import explain_syntax_error

MAX_BYTES = 50 * 1024 * 1024
# claims.yaml needs 4 levels (claims → claim → source → field); 32 leaves
# room for anything sensible and stops hostile nesting long before it costs.
MAX_DEPTH = 32
# Values kept in the tree (keys not counted).  A sane file spends ten bytes
# or more on each, and 50 MB of claims holds some 2,000,000; `[[[[…` or `[1,1,1,…`
# spend one or two, and would otherwise cost gigabytes for 50 MB.
MAX_VALUES = 3_000_000

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAP, SEQ, STR, INT, FLOAT, BOOL, NULL, BAD = (
    "mapping", "list", "string", "integer", "number", "boolean", "null", "bad",
)
_TAG_KINDS = {
    scalars.STR: STR,
    scalars.INT: INT,
    scalars.FLOAT: FLOAT,
    scalars.BOOL: BOOL,
    scalars.NULL: NULL,
    # A date-looking plain scalar stays the text it is: claims.yaml wants
    # "2024-07-24", not a datetime that JSON cannot hold.
    scalars.TIMESTAMP: STR,
}
_COLLECTION_TAGS = {
    MAP: (None, "!", "tag:yaml.org,2002:map"),
    SEQ: (None, "!", "tag:yaml.org,2002:seq"),
}


# Line breaks in YAML 1.1 only: YAML 1.2 and editors read them as text,
# where they are invisible.
_YAML11_LINE_BREAKS = {"\x85": "NEXT LINE", "\u2028": "LINE SEPARATOR",
                       "\u2029": "PARAGRAPH SEPARATOR"}


class LoadError(Exception):
    """The file could not be read or parsed at all (exit 2, one line)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(slots=True)
class Node:
    """A YAML value with its position.

    ``value`` is a dict of key → Node for a mapping (a key is a string, or
    a Key), a list of Nodes for a list, and a plain Python scalar otherwise.
    ``keys`` maps each key of a mapping to the (line, col) where the key
    stands.  ``text`` is a number's or a boolean's text as written (3.10, not
    3.1), for hints.
    """

    kind: str
    value: object
    line: int
    col: int
    keys: dict | None = None
    # For a plain string value: the (line, col) of a '#' that ended it, where
    # the text may go on past it, and whether the '#' starts its own line
    # (see comment_after).
    cut: tuple[int, int, bool] | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Key:
    """A mapping key that is a number or a boolean.

    Equal by its type and value, as YAML compares keys: 1 and true are two
    keys (Python holds 1 == True), 1 and 01 one.  It shows itself as written
    (3.10, not 3.1), for messages and hints.
    """

    kind: str
    value: object
    text: str = field(compare=False)

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


# Stands for a key that could not be used (a collection or a refused value),
# so its value is skipped without a second message.
_UNUSABLE = object()


@dataclass(slots=True)
class _Frame:
    """A mapping or list being filled, on the composer's stack."""

    node: Node
    where: str
    # For a mapping: the key waiting for its value, with its (line, col);
    # _UNUSABLE stands for a key that could not be used.
    key: object = None
    key_at: tuple[int, int] = (0, 0)
    refused: bool = False  # its tag was reported; the value is not used


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):g} MB"
    return f"{count} bytes"


def read_bytes(path: str, display: str, size: int) -> bytes:
    """The first `size` bytes of a regular file, or LoadError saying why
    they cannot be read (code unreadable)."""

    def fail(message: str) -> LoadError:
        return LoadError(Problem.at(display, (1, 1), "unreadable", message))

    try:
        # O_NONBLOCK: opening a FIFO would otherwise wait for a writer.  (open
        # refuses a directory itself, and closes what it opened.)
        with open(path, "rb", opener=lambda name, flags: os.open(
                name, flags | os.O_NONBLOCK)) as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise fail("not a regular file")
            return handle.read(size)
    except FileNotFoundError:
        raise fail("no such file") from None
    except IsADirectoryError:
        # It reads the article and the paper too: no noun here.
        raise fail("is a directory") from None
    except PermissionError:
        raise fail("permission denied") from None
    except OSError as error:
        raise fail(f"cannot read: {error.strerror or error}") from None


def read_text(path: str, display: str, line_break: re.Pattern = YAML_LINE_BREAK) -> str:
    """Read a file as UTF-8 text (a BOM is allowed) or raise LoadError.  A
    place in it is counted in lines that end at line_break."""

    def fail(code: str, message: str, line: int = 1, col: int = 1) -> LoadError:
        return LoadError(Problem.at(display, (line, col), code, message))

    # One byte past the cap, so that a file growing while it is read is
    # caught too.
    data = read_bytes(path, display, MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise fail("too-large", f"file is larger than the limit of {_size(MAX_BYTES)}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise fail("encoding", "file is UTF-16; save it as UTF-8")
    if looks_like_utf16(data):
        raise fail("encoding", "not UTF-8: the file looks like UTF-16 without a byte-order"
                   " mark (every other byte is 0); save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # The codec reports offsets past the byte-order mark it skipped.
        offset = error.start + len(data) - len(error.object)
        # The bytes before it are UTF-8: the column is counted in characters,
        # as an editor counts it.
        before = data[:offset].decode("utf-8-sig", "replace")
        line, col = line_col(before, len(before), line_break)
        raise fail(
            "encoding",
            f"not UTF-8: byte 0x{data[offset]:02x} at byte offset {offset} is not"
            " UTF-8 (a file saved as cp1252 or latin-1?); save it as UTF-8",
            line, col,
        ) from None


def looks_like_utf16(data: bytes) -> bool:
    """UTF-16 text without a byte-order mark: ASCII characters leave a 0 in
    every other byte, which UTF-8 text (YAML allows no U+0000) never has."""
    sample = data[:4096]
    half = len(sample) // 2
    return half > 0 and max(sample[0::2].count(0), sample[1::2].count(0)) > half // 2


class _Composer:
    """Turns libyaml events into Nodes, collecting problems on the way."""

    def __init__(self, display: str, problems: Problems) -> None:
        self.display = display
        self.problems = problems
        self.values = 0

    def problem(self, at: tuple[int, int], where: str, code: str, message: str) -> None:
        self.problems.add(self.display, at, code, message, where=where)

    def fail(self, at: tuple[int, int], where: str, code: str, message: str) -> LoadError:
        return LoadError(Problem.at(self.display, at, code, message, where=where))

    def compose(self, text: str) -> Node | None:
        self.text = text
        # One pass over the whole text: without a control character in it,
        # only a double-quoted scalar (whose escapes can write one) is
        # searched again.
        self.raw_controls = CONTROL_CHARACTERS.search(text) is not None
        # Three str.find: a regex's character class takes a second over 50 MB.
        breaks = [offset for char in _YAML11_LINE_BREAKS if (offset := text.find(char)) >= 0]
        if breaks:
            char = text[min(breaks)]
            raise self.fail(line_col(text, min(breaks)), "", "bad-character",
                            f"character U+{ord(char):04X} ({_YAML11_LINE_BREAKS[char]}) is a"
                            " line break to YAML 1.1 (PyYAML) and text to YAML 1.2 and most"
                            " editors, so the file reads differently in each; replace it"
                            " with a newline, or delete it")
        loader = Loader(text)
        try:
            return self._compose(loader)
        except yaml.MarkedYAMLError as error:
            raise LoadError(explain_syntax_error(error, text, self.display)) from None
        except yaml.reader.ReaderError as error:
            offset = error.position
            if Loader is not yaml.SafeLoader:
                # libyaml counts UTF-8 bytes; the pure-Python reader counts
                # characters.
                offset = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
            raise self.fail(
                line_col(text, offset), "", "bad-character",
                f"character U+{error.character:04X} is not allowed in YAML",
            ) from None
        except yaml.YAMLError as error:
            raise self.fail((1, 1), "", "syntax", f"invalid YAML: {error}") from None
        finally:
            loader.dispose()

    def _compose(self, loader) -> Node | None:
        root = None
        documents = 0
        stack: list[_Frame] = []
        # Once the run's problems are full, reading on would find only more.
        while not self.problems.full:
            event = loader.get_event()
            at = mark_position(event.start_mark)
            if isinstance(event, yaml.ScalarEvent):
                node = self._scalar(event, at, stack)
            elif isinstance(event, yaml.CollectionStartEvent):
                stack.append(self._open(event, at, stack))
                continue
            elif isinstance(event, yaml.CollectionEndEvent):
                frame = stack.pop()
                node = frame.node
                if frame.refused:
                    # Reported once, at its tag; the value is not used.
                    node.kind = BAD
            elif isinstance(event, yaml.AliasEvent):
                self.problem(at, _child_where(stack), "alias",
                             f"aliases (*{event.anchor}) are not allowed; write the"
                             " value out in full")
                node = Node(BAD, None, *at)
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self.problem(at, "", "second-document",
                                 "expected one YAML document, found a second one here")
                    return root
                continue
            elif isinstance(event, yaml.StreamEndEvent):
                return root
            else:  # StreamStart, DocumentEnd
                continue
            if stack:
                self._attach(stack[-1], node)
            else:
                root = node
        return root

    def _open(self, event, at: tuple[int, int], stack: list[_Frame]) -> _Frame:
        """The frame of a mapping or list that starts here."""
        kind = MAP if isinstance(event, yaml.MappingStartEvent) else SEQ
        where = _child_where(stack)
        refused = event.tag not in _COLLECTION_TAGS[kind]
        if refused:
            self.problem(at, where, "tag", _tag_message(event.tag))
        if len(stack) >= MAX_DEPTH:
            raise self.fail(at, where, "too-deep", f"nesting is deeper than {MAX_DEPTH} levels")
        node = Node(kind, {} if kind is MAP else [], *at, {} if kind is MAP else None)
        return _Frame(node, where, refused=refused)

    def _attach(self, frame: _Frame, node: Node) -> None:
        parent = frame.node
        if parent.kind is SEQ or frame.key is not None:
            self.values += 1
            if self.values > MAX_VALUES:
                raise self.fail((node.line, node.col), frame.where, "too-large",
                                f"the file holds more than {MAX_VALUES:,} values")
        if parent.kind is SEQ:
            parent.value.append(node)
        elif frame.key is None:  # this node is a key
            frame.key_at = (node.line, node.col)
            if node.kind is MAP or node.kind is SEQ or node.kind is NULL:
                # A null key (~, or nothing before the colon) is no key: the
                # value after it must not slip onto the next key.
                got = (f"null ({node.text or 'an empty key'})" if node.kind is NULL
                       else f"a {node.kind}")
                self.problem(frame.key_at, frame.where, "bad-key",
                             f"expected a plain key, got {got}")
                frame.key = _UNUSABLE
            elif node.kind is BAD:
                frame.key = _UNUSABLE
            else:
                frame.key = node.value if node.kind is STR else Key(node.kind, node.value,
                                                                      node.text)
        else:
            key, frame.key = frame.key, None
            if key is _UNUSABLE:
                return
            if key in parent.value:
                self.problem(
                    frame.key_at, join_where(frame.where, key), "duplicate-key",
                    f"duplicate key {key!r} (first defined at line"
                    f" {parent.keys[key][0]}); YAML would silently keep only the last one",
                )
                return
            parent.value[key] = node
            parent.keys[key] = frame.key_at

    def _scalar(self, event, at: tuple[int, int], stack: list[_Frame]) -> Node:
        tag, text = event.tag, event.value
        explicit = not (tag is None and event.implicit[0])
        if not explicit:
            tag, refusal = scalars.resolve(text)
            if refusal is not None:
                self.problem(at, _child_where(stack), *refusal)
                return Node(BAD, None, *at)
        elif tag is None or tag == "!":
            tag = scalars.STR
        kind = _TAG_KINDS.get(tag)
        if kind is None:
            self.problem(at, _child_where(stack), "tag", _tag_message(tag))
            return Node(BAD, None, *at)
        if kind is STR:
            return self._text(event, tag, explicit, at, stack)
        fault = None
        try:
            value = scalars.read_scalar(tag, text)
        except OverflowError:
            fault = ("number-too-large", scalars.too_long(text))
        except ValueError:
            fault = ("bad-value", f"{shorten(text, 40)!r} is not a valid {kind}")
        else:
            if kind is INT or kind is FLOAT:
                fault = scalars.number_fault(text, value)
        if fault is not None:
            self.problem(at, _child_where(stack), *fault)
            return Node(BAD, None, *at)
        return Node(kind, value, *at, text=text)

    def _text(self, event, tag: str, explicit: bool, at: tuple[int, int],
              stack: list[_Frame]) -> Node:
        """A string scalar: refused if it holds a control character, and
        marked where a '#' may have cut it short."""
        text = event.value
        if explicit and tag == scalars.TIMESTAMP and scalars.resolve(text)[0] != tag:
            self.problem(at, _child_where(stack), "bad-value",
                         f"{shorten(text, 40)!r} is not a valid timestamp")
            return Node(BAD, None, *at)
        control = CONTROL_CHARACTERS.search(text) if (
            self.raw_controls or event.style == '"') else None
        if control is not None:
            char = control.group()
            place = self._find_raw(event, char)
            name = unicodedata.name(char, "")
            where = f"at column {place[1]}" if place else "(written as an escape)"
            self.problem(place or at, _child_where(stack), "control-character",
                         f"character U+{ord(char):04X}{f' ({name})' if name else ''}"
                         f" {where} is not allowed: control characters and bidi"
                         " overrides can hide or reorder what a reader sees;"
                         " delete it")
            return Node(BAD, None, *at)
        node = Node(STR, text, *at)
        frame = stack[-1] if stack else None
        if not event.style and frame is not None and frame.node.kind is MAP \
                and frame.key is not None:
            node.cut = comment_after(self.text, event.end_mark, frame.key_at[1])
        return node

    def _find_raw(self, event, char: str) -> tuple[int, int] | None:
        """Where a character stands in the scalar's source, if it is there raw."""
        start, end = event.start_mark, event.end_mark
        source = self.text[start.index:end.index]
        offset = source.find(char)
        if offset < 0:
            return None
        line, col = line_col(source, offset)
        return start.line + line, (start.column + col if line == 1 else col)


# A plain scalar ends at " #", and at a line that starts with "#": what
# follows is a comment.  _COMMENT_AHEAD crosses the blanks and line breaks
# that follow the scalar, and only those, to a '#'; group 1 is the part from
# the first line break on.
_COMMENT_AHEAD = re.compile(f"[ \t]*+((?:(?:{YAML_LINE_BREAK.pattern})[ \t]*+)*+)#")


def comment_after(text: str, end, indent: int) -> tuple[int, int, bool] | None:
    """The (line, col, own line) of a '#' that may have cut a plain value short.

    `end` is the scalar's end mark and `indent` the 1-based column of its
    key.  A '#' after blanks on the same line is one; so is a '#' that starts
    the next non-blank line indented deeper than the key, where the line
    would otherwise have gone on with the text.  The match only crosses the
    blanks that follow the scalar, so a whole file costs linear time.
    """
    ahead = _COMMENT_AHEAD.match(text, end.index)
    if ahead is None:
        return None
    line, col = mark_position(end)
    lines = ahead.group(1)
    if not lines:
        return line, col + ahead.end() - 1 - end.index, False
    col = len(lines) - len(lines.rstrip(" \t")) + 1
    if col <= indent:
        return None
    return line + len(YAML_LINE_BREAK.findall(lines)), col, True


def _child_where(stack: list[_Frame]) -> str:
    """Where a node about to be attached stands: claims[3], claims[3].source."""
    if not stack:
        return ""
    frame = stack[-1]
    if frame.node.kind is SEQ:
        return f"{frame.where}[{len(frame.node.value)}]"
    if frame.key is None or frame.key is _UNUSABLE:
        return frame.where
    return join_where(frame.where, frame.key)


def _tag_message(tag: str) -> str:
    shown = tag.replace("tag:yaml.org,2002:", "!!")
    return (
        f"tag {shorten(shown, 40)!r} is not allowed; claims.yaml holds plain"
        " strings, numbers, lists and mappings"
    )


def load_nodes(path: str, display: str, problems: Problems) -> Node | None:
    """Read and compose a claims file: the root node (None for an empty
    document).  The problems met while composing are added to `problems`,
    the run's one collection; once it is full, the reading stops there.
    Raises LoadError when the file cannot be read or parsed.
    """
    text = read_text(path, display)
    return _Composer(display, problems).compose(text)
