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
import gc

import yaml

from claimkit.model import (
    Problem,
    TooManyProblems,
    add_problem,
    is_ascii_digits,
    join_where,
    line_col,
    shorten,
)

MAX_BYTES = 50 * 1024 * 1024
# claims.yaml needs 4 levels (claims → claim → source → field); 32 leaves
# room for anything sensible and stops hostile nesting long before it costs.
MAX_DEPTH = 32

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAP, SEQ, STR, INT, FLOAT, BOOL, NULL, BAD = (
    "mapping", "list", "string", "integer", "number", "boolean", "null", "bad",
)
_TAG_KINDS = {
    "tag:yaml.org,2002:str": STR,
    "tag:yaml.org,2002:int": INT,
    "tag:yaml.org,2002:float": FLOAT,
    "tag:yaml.org,2002:bool": BOOL,
    "tag:yaml.org,2002:null": NULL,
    # A date-looking plain scalar stays the text it is: claims.yaml wants
    # "2024-07-24", not a datetime that JSON cannot hold.
    "tag:yaml.org,2002:timestamp": STR,
}
# Only a plain scalar starting with one of these first characters can
# resolve to anything but a string (null, bool, int, float, timestamp...);
# the rest skip the resolver's regular expressions.
_MAYBE_TYPED = frozenset(yaml.resolver.Resolver.yaml_implicit_resolvers)
_RESOLVE_ALL = None in _MAYBE_TYPED  # a resolver for any first character
_COLLECTION_TAGS = {
    MAP: (None, "!", "tag:yaml.org,2002:map"),
    SEQ: (None, "!", "tag:yaml.org,2002:seq"),
}


class LoadError(Exception):
    """The file could not be read or parsed at all (exit 2, one line)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class Node:
    """A YAML value with its position.

    ``value`` is a dict of key → Node for a mapping, a list of Nodes for a
    list, and a plain Python scalar otherwise.  ``keys`` maps each key of a
    mapping to the (line, col) where the key stands.
    """

    __slots__ = ("kind", "value", "line", "col", "keys")

    def __init__(self, kind, value, line, col, keys):
        self.kind = kind
        self.value = value
        self.line = line
        self.col = col
        self.keys = keys


def _position(mark) -> tuple[int, int]:
    """PyYAML marks are 0-based; this is the one place that converts them."""
    return mark.line + 1, mark.column + 1


def is_yaml12_float(text: str) -> bool:
    """Whether plain text like 3.8e25 or 405e9 is a number in YAML 1.2.

    YAML 1.1 (PyYAML) reads those as text: its floats need a dot and a signed
    exponent.  YAML 1.2, which editors use, reads them as numbers, and so does
    the kit, so that the file means the same thing in both.
    """
    mantissa, e, exponent = text.replace("E", "e", 1).partition("e")
    mantissa = mantissa[1:] if mantissa[:1] in ("+", "-") else mantissa
    exponent = exponent[1:] if exponent[:1] in ("+", "-") else exponent
    whole, _, fraction = mantissa.partition(".")
    return bool(e) and is_ascii_digits(whole + fraction) and is_ascii_digits(exponent)


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):g} MB"
    return f"{count} bytes"


def read_text(path: str, display: str) -> str:
    """Read a file as UTF-8 text (a BOM is allowed) or raise LoadError."""

    def fail(message: str, line: int = 1, col: int = 1) -> LoadError:
        return LoadError(Problem(display, line, col, "", message))

    try:
        with open(path, "rb") as handle:
            # Read one byte past the cap so a device or a growing file that
            # stat cannot size is caught too.
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise fail("no such file") from None
    except IsADirectoryError:
        raise fail("is a directory, not a claims file") from None
    except PermissionError:
        raise fail("permission denied") from None
    except OSError as error:
        raise fail(f"cannot read: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise fail(f"file is larger than the limit of {_size(MAX_BYTES)}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise fail("file is UTF-16; save it as UTF-8")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, col = line_col(data, error.start)
        raise fail(
            f"invalid UTF-8 byte 0x{data[error.start]:02x} at byte offset"
            f" {error.start}",
            line,
            col,
        ) from None


class _Composer:
    """Turns libyaml events into Nodes, collecting problems on the way."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.problems: list[Problem] = []
        self.resolver = yaml.resolver.Resolver()
        # Plain text → its tag: keys like "title" and "note" recur on every
        # claim, and the resolver tries its regular expressions each time.
        self.resolved: dict[str, str] = {}
        self.constructor = yaml.constructor.SafeConstructor()

    def problem(self, line: int, col: int, where: str, message: str) -> None:
        add_problem(self.problems, Problem(self.display, line, col, where, message))

    def fail(self, line: int, col: int, where: str, message: str) -> LoadError:
        return LoadError(Problem(self.display, line, col, where, message))

    def compose(self, text: str) -> Node | None:
        loader = Loader(text)
        # The tree is acyclic and freed as a whole, so the cyclic collector
        # has nothing to find in it; left on, its passes over the growing
        # tree make a large load slower than linear (see bench/run.py).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._compose(loader)
        except TooManyProblems as stop:
            stop.problems = self.problems
            raise
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line, col = _position(mark) if mark else (1, 1)
            message = error.problem or "invalid YAML"
            if error.context:
                message = f"{message} ({error.context})"
            raise self.fail(line, col, "", message) from None
        except yaml.reader.ReaderError as error:
            offset = error.position
            if Loader is not yaml.SafeLoader:
                # libyaml counts UTF-8 bytes; the pure-Python reader counts
                # characters.
                offset = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
            line, col = line_col(text, offset)
            raise self.fail(
                line, col, "", f"character U+{error.character:04X} is not allowed in YAML"
            ) from None
        except yaml.YAMLError as error:
            raise self.fail(1, 1, "", f"invalid YAML: {error}") from None
        finally:
            loader.dispose()
            if collecting:
                gc.enable()

    def _compose(self, loader) -> Node | None:
        get_event = loader.get_event
        ScalarEvent = yaml.ScalarEvent
        MappingStartEvent = yaml.MappingStartEvent
        SequenceStartEvent = yaml.SequenceStartEvent
        MappingEndEvent = yaml.MappingEndEvent
        SequenceEndEvent = yaml.SequenceEndEvent
        AliasEvent = yaml.AliasEvent
        DocumentStartEvent = yaml.DocumentStartEvent
        StreamEndEvent = yaml.StreamEndEvent

        root = None
        documents = 0
        # A frame is [node, where, pending key or None, index, refused]; for a
        # mapping, the pending key is (key, line, col) until its value arrives;
        # refused marks a collection whose tag was reported.
        stack: list[list] = []
        while True:
            event = get_event()
            cls = event.__class__
            line, col = _position(event.start_mark)
            if cls is ScalarEvent:
                if event.tag is None and (
                    not event.implicit[0]
                    or not (_RESOLVE_ALL or event.value[:1] in _MAYBE_TYPED)
                ):
                    # Quoted, or plain text that cannot be anything else: the
                    # common case, kept off the resolver.
                    node = Node(STR, event.value, line, col, None)
                else:
                    node = self._scalar(event, line, col, stack)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                kind = MAP if cls is MappingStartEvent else SEQ
                where = self._child_where(stack)
                refused = event.tag not in _COLLECTION_TAGS[kind]
                if refused:
                    self.problem(line, col, where, _tag_message(event.tag))
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(line, col, where,
                                    f"nesting is deeper than {MAX_DEPTH} levels")
                if kind is MAP:
                    node = Node(MAP, {}, line, col, {})
                else:
                    node = Node(SEQ, [], line, col, None)
                stack.append([node, where, None, 0, refused])
                continue
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                node, _, _, _, refused = stack.pop()
                if refused:
                    # Reported once, at its tag; the value is not used.
                    node.kind = BAD
            elif cls is AliasEvent:
                self.problem(
                    line, col, self._child_where(stack),
                    f"aliases (*{event.anchor}) are not allowed; write the value"
                    " out in full",
                )
                node = Node(BAD, None, line, col, None)
            elif cls is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    self.problem(
                        line, col, "",
                        "expected one YAML document, found a second one here",
                    )
                    return root
                continue
            elif cls is StreamEndEvent:
                return root
            else:  # StreamStart, DocumentEnd
                continue

            if not stack:
                root = node
                continue
            frame = stack[-1]
            pending = frame[2]
            if pending is not None and pending[0] is not _UNUSABLE and (
                pending[0] not in frame[0].value
            ):
                # A mapping's value under a fresh key: the common case.
                key = pending[0]
                frame[0].value[key] = node
                frame[0].keys[key] = pending[1:]
                frame[2] = None
            else:
                self._attach(frame, node)

    def _attach(self, frame: list, node: Node) -> None:
        parent = frame[0]
        if parent.kind is SEQ:
            parent.value.append(node)
            frame[3] += 1
            return
        pending = frame[2]
        if pending is None:
            # This node is a key.
            if node.kind is MAP or node.kind is SEQ:
                self.problem(
                    node.line, node.col, frame[1],
                    f"expected a plain key, got a {node.kind}",
                )
                frame[2] = (_UNUSABLE, node.line, node.col)
            elif node.kind is BAD:
                frame[2] = (_UNUSABLE, node.line, node.col)
            else:
                frame[2] = (node.value, node.line, node.col)
            return
        key, line, col = pending
        frame[2] = None
        if key is _UNUSABLE:
            return
        if key in parent.value:
            first_line = parent.keys[key][0]
            self.problem(
                line, col, join_where(frame[1], key),
                f"duplicate key {key!r} (first defined at line {first_line});"
                " YAML would silently keep only the last one",
            )
            return
        parent.value[key] = node
        parent.keys[key] = (line, col)

    def _child_where(self, stack: list) -> str:
        if not stack:
            return ""
        frame = stack[-1]
        if frame[0].kind is SEQ:
            return f"{frame[1]}[{frame[3]}]"
        pending = frame[2]
        if pending is None or pending[0] is _UNUSABLE:
            return frame[1]
        return join_where(frame[1], pending[0])

    def _scalar(self, event, line: int, col: int, stack: list) -> Node:
        tag = event.tag
        text = event.value
        if tag is None or tag == "!":
            # Plain text that cannot be typed never gets here (see _compose).
            if tag is None and event.implicit[0]:
                tag = self.resolved.get(text)
                if tag is None:
                    tag = self.resolver.resolve(yaml.ScalarNode, text, event.implicit)
                    if tag == "tag:yaml.org,2002:str" and is_yaml12_float(text):
                        tag = "tag:yaml.org,2002:float"
                    self.resolved[text] = tag
            else:
                tag = "tag:yaml.org,2002:str"
        kind = _TAG_KINDS.get(tag)
        if kind is None:
            self.problem(line, col, self._child_where(stack), _tag_message(tag))
            return Node(BAD, None, line, col, None)
        if kind is STR:
            return Node(STR, text, line, col, None)
        try:
            value = self._convert(kind, tag, text)
        except (ValueError, TypeError, OverflowError, yaml.YAMLError):
            self.problem(
                line, col, self._child_where(stack),
                f"{shorten(text, 40)!r} is not a valid {kind}",
            )
            return Node(BAD, None, line, col, None)
        return Node(kind, value, line, col, None)

    def _convert(self, kind: str, tag: str, text: str):
        if kind is NULL:
            if text not in ("", "~", "null", "Null", "NULL"):
                raise ValueError(text)
            return None
        if kind is BOOL:
            return self.constructor.bool_values[text.lower()]
        node = yaml.ScalarNode(tag, text)
        if kind is INT:
            return self.constructor.construct_yaml_int(node)
        return self.constructor.construct_yaml_float(node)


# Stands for a key that could not be used (a collection or a refused value),
# so its value is skipped without a second message.
_UNUSABLE = object()


def _tag_message(tag: str) -> str:
    shown = tag.replace("tag:yaml.org,2002:", "!!")
    return (
        f"tag {shorten(shown, 40)!r} is not allowed; claims.yaml holds plain"
        " strings, numbers, lists and mappings"
    )


def load_nodes(path: str, display: str) -> tuple[Node | None, list[Problem]]:
    """Read and compose a claims file.

    Returns the root node (None for an empty document) and the problems met
    while composing.  Raises LoadError when the file cannot be read or parsed,
    and TooManyProblems, holding them, when there are MAX_PROBLEMS problems.
    """
    text = read_text(path, display)
    composer = _Composer(display)
    return composer.compose(text), composer.problems
