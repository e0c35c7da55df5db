"""The one guarded YAML loader: every YAML file qualkit reads (codebooks, published-study files) goes through it.

Loading is safe by construction: ruamel.yaml only parses and composes the document into nodes; this module turns
nodes into plain Python itself and accepts only the standard YAML types (text, numbers, true/false, null, lists,
mappings). Custom tags (`!!python/object`, `!foo`) are refused, never constructed. Anchors and aliases are refused
at the event level, before any node graph is built, so an alias bomb ("billion laughs") costs one linear scan of a
small file; deep bracket nesting (which ruamel parses in quadratic time) is refused on the raw text first.
"""
from __future__ import annotations

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

# The files we read nest a few levels (a codebook: root, codes list, code, examples list); far deeper is hostile.
MAX_DEPTH = 32
# Checked on raw text, so unclosed brackets inside quotes count too: generous, yet parses in well under a second.
MAX_BRACKETS = 200
_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}

Problem = tuple  # (line number or None, message)


class YamlRefused(Exception):
    """The text is not YAML a guarded reader accepts; `problems` lists (line or None, message)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(m for _, m in self.problems))


def _yaml() -> YAML:
    y = YAML(typ="safe", pure=True)
    y.version = (1, 2)  # YAML 1.2: `yes`/`no`/`on` stay text, so a code named "No" stays a name
    return y


def tab_problems(text: str) -> list[Problem]:
    return [(n, "tab character in the indentation; YAML indentation must use spaces")
            for n, line in enumerate(text.splitlines(), 1)
            if "\t" in line[:len(line) - len(line.lstrip(" \t"))]]


def _syntax_problems(err: YAMLError, text: str) -> list[Problem]:
    if isinstance(err, MarkedYAMLError) and err.problem_mark is not None:
        line = err.problem_mark.line + 1
        # Tabs in indentation are the usual cause of a YAML syntax error from a hand-edited file: name them all.
        tabs = tab_problems(text)
        if any(n == line for n, _ in tabs):
            return tabs
        problem = err.problem or "malformed YAML"
        context = f" ({err.context})" if err.context else ""
        return tabs + [(line, f"YAML syntax error: {problem}{context}, column {err.problem_mark.column + 1}")]
    # Reader errors (control characters) have a character position instead of a line.
    position = getattr(err, "position", None)
    line = text[:position].count("\n") + 1 if isinstance(position, int) else None
    reason = getattr(err, "reason", None) or str(err).splitlines()[0]
    return [(line, f"YAML syntax error: {reason}")]


def _bracket_depth_problem(text: str, what: str) -> Problem | None:
    """Refuse deeply nested flow collections ([[[[...) before ruamel sees them: its parser takes time
    quadratic in the nesting depth, so a small hostile file could stall it for minutes."""
    depth = 0
    for n, ch in enumerate(text):
        if ch in "[{":
            depth += 1
            if depth > MAX_BRACKETS:
                return (text[:n].count("\n") + 1,
                        f"more than {MAX_BRACKETS} unclosed [ or {{ brackets: YAML nested far too deeply for {what}")
        elif ch in "]}":
            depth = max(depth - 1, 0)
    return None


class _Replay:
    """The parser interface the composer reads (check/peek/get event), served from events already parsed, so
    the text is parsed once (pure-Python ruamel parsing is most of the cost of a large codebook)."""

    def __init__(self, events: list):
        self.events, self.i = events, 0

    def check_event(self, *choices) -> bool:
        if self.i >= len(self.events):
            return False
        return not choices or isinstance(self.events[self.i], choices)

    def peek_event(self):
        return self.events[self.i]

    def get_event(self):
        self.i += 1
        return self.events[self.i - 1]

    def dispose(self) -> None:
        pass


def _compose(events: list):
    y = _yaml()
    y._parser = _Replay(events)  # ruamel's composer reads loader._parser (see ruamel.yaml.composer.Composer.parser)
    return y.composer.get_single_node()


def _check_events(y: YAML, text: str, what: str, needs: int) -> list:
    """One linear pass over parser events: refuse anchors/aliases and deep block nesting before composing;
    returns the events for the composer."""
    anchors = []
    depth = 0
    events = []
    for event in y.parse(text):
        events.append(event)
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            anchors.append(event)
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlRefused([(event.start_mark.line + 1,
                                    f"YAML nested more than {MAX_DEPTH} levels deep; {what} needs {needs}")])
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    if anchors:
        line = anchors[0].start_mark.line + 1
        raise YamlRefused([(line, f"YAML anchors and aliases (&name, *name) are not allowed in {what} (found "
                                  f"{len(anchors)}, first at line {line}); write each value out in full")])
    return events


class Builder:
    """Turns composed nodes into plain Python, recording each location's line (`lines`) and any refused tags
    or repeated keys (`found`: (location, line, message))."""

    def __init__(self, what: str):
        self.what = what
        self.lines: dict[tuple, int] = {}
        self.found: list[tuple[tuple, int, str]] = []
        self._scalars = _yaml().constructor

    def build(self, node, loc: tuple = (), verbatim: frozenset = frozenset()):
        """Plain data for `node`; top-level keys in `verbatim` keep their scalar text as written."""
        self.lines.setdefault(loc, node.start_mark.line + 1)
        line = node.start_mark.line + 1
        if isinstance(node, MappingNode):
            self._check_tag(node, _STD + "map", loc, line)
            out: dict = {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                if not isinstance(key_node, ScalarNode):
                    self.found.append((loc, key_line, "a key must be plain text, not a list or mapping"))
                    continue
                key = key_node.value
                if key in out:
                    self.found.append((loc, key_line, f"key '{key}' appears twice (first at line "
                                                      f"{self.lines[loc + (key,)]}); keep one"))
                    continue
                self.lines[loc + (key,)] = key_line
                if loc == () and key in verbatim and isinstance(value_node, ScalarNode):
                    # Keep the value as written: version 1.10 must not become 1.1.
                    self._check_tag(value_node, None, loc, key_line)
                    out[key] = value_node.value
                else:
                    out[key] = self.build(value_node, loc + (key,))
            return out
        if isinstance(node, SequenceNode):
            self._check_tag(node, _STD + "seq", loc, line)
            return [self.build(item, loc + (i,)) for i, item in enumerate(node.value)]
        if node.tag not in _SCALAR_TAGS:
            self._check_tag(node, None, loc, line)
            return node.value
        if node.tag in (_STD + "str", _STD + "timestamp"):
            return node.value  # a date stays as written, e.g. version: 2024-03-01
        return self._scalars.construct_object(node)

    def _check_tag(self, node, expected: str | None, loc: tuple, line: int) -> None:
        if node.tag != expected and node.tag not in _SCALAR_TAGS:
            tag = node.tag.replace(_STD, "!!")
            self.found.append((loc, line, f"YAML tag '{tag}' is not allowed in {self.what}; remove it (only plain "
                                          f"text, numbers, lists and mappings)"))


def load_guarded(text: str, what: str, *, needs: int = 4, verbatim: frozenset = frozenset()):
    """(data, builder) for YAML `text`, or None for a document of only comments. `what` names the kind of file
    in messages ("a codebook"); `needs` is how deep it nests. Raises YamlRefused for over-deep brackets or
    nesting, anchors/aliases and syntax errors; refused tags and repeated keys are in `builder.found` (the caller
    decides how to name them)."""
    too_deep = _bracket_depth_problem(text, what)
    if too_deep:
        raise YamlRefused([too_deep])
    y = _yaml()
    try:
        root = _compose(_check_events(y, text, what, needs))
    except YAMLError as e:
        raise YamlRefused(_syntax_problems(e, text)) from None
    except RecursionError:
        raise YamlRefused([(None, f"YAML nested too deeply to be {what}")]) from None
    if root is None:
        return None
    builder = Builder(what)
    try:
        data = builder.build(root, verbatim=verbatim)
    except RecursionError:
        raise YamlRefused([(None, f"YAML nested too deeply to be {what}")]) from None
    return data, builder


def read_yaml_file(path, what: str, max_bytes: int):
    """The text of a YAML file (UTF-8, BOM allowed); InputError naming the file when it is missing, too big or
    not UTF-8. Size is checked before reading, so a mistaken path to a data dump stays cheap."""
    from pathlib import Path

    from ..errors import InputError

    p = Path(path)
    if not p.exists():
        raise InputError(p, "file not found")
    if not p.is_file():
        raise InputError(p, f"not a file; give the path of {what}")
    size = p.stat().st_size
    if size > max_bytes:
        raise InputError(p, f"{size:,} bytes is too large for {what} (limit {max_bytes:,}); is this the right file?")
    raw = p.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise InputError(p, f"line {line}: not UTF-8 text (byte 0x{raw[e.start]:02x}); save the file as UTF-8") \
            from None
