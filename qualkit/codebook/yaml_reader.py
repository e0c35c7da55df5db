"""Read a YAML codebook (the researcher-facing format) with line numbers for every problem.

Loading is safe by construction: ruamel.yaml only parses and composes the document into nodes;
this module turns nodes into plain Python itself and accepts only the standard YAML types
(text, numbers, true/false, null, lists, mappings). Custom tags (`!!python/object`, `!foo`) are
refused, never constructed. Anchors and aliases are refused at the event level, before any node
graph is built, so an alias bomb ("billion laughs") costs one linear scan of a small file.
"""
from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..errors import CodebookError, InputError
from .model import Codebook
from .validate import CODEBOOK_SUBJECT, codebook_from_dict, validate_codebook_dict

# A codebook is a few hundred KB at most; refusing bigger files keeps a mistaken path (a data dump) cheap.
MAX_BYTES = 5_000_000
# Codebooks nest 4 levels (root, codes list, code, examples list); far deeper input is hostile or broken.
MAX_DEPTH = 32
# Checked on raw text, so unclosed brackets inside quotes count too: generous, yet parses in well under a second.
MAX_BRACKETS = 200
_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}


def _problem(path: str, line: int | None, message: str) -> str:
    where = f"{path}:{line}" if line is not None else path
    return f"{where} -> {CODEBOOK_SUBJECT}: {message}"


def decode_codebook_bytes(raw: bytes, path: str) -> str:
    """UTF-8 (with or without BOM) bytes to text; anything else is a CodebookError naming line and byte."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CodebookError(path, [_problem(path, 1, "the file is UTF-16 text; save it as UTF-8")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise CodebookError(path, [_problem(
            path, line, f"not UTF-8 text (byte 0x{raw[e.start]:02x} at line {line}); save the file as UTF-8 "
                        f"(in Excel: 'CSV UTF-8'; in most editors: Save with encoding UTF-8)")]) from None


def _yaml() -> YAML:
    y = YAML(typ="safe", pure=True)
    y.version = (1, 2)  # YAML 1.2: `yes`/`no`/`on` stay text, so a code named "No" stays a name
    return y


def _tab_problems(text: str, path: str) -> list[str]:
    return [_problem(path, n, "tab character in the indentation; YAML indentation must use spaces")
            for n, line in enumerate(text.splitlines(), 1)
            if "\t" in line[:len(line) - len(line.lstrip(" \t"))]]


def _syntax_problems(err: YAMLError, text: str, path: str) -> list[str]:
    if isinstance(err, MarkedYAMLError) and err.problem_mark is not None:
        line = err.problem_mark.line + 1
        # Tabs in indentation are the usual cause of a YAML syntax error from a hand-edited file: name them all.
        tabs = _tab_problems(text, path)
        if any(p.startswith(f"{path}:{line} ") for p in tabs):
            return tabs
        problem = err.problem or "malformed YAML"
        context = f" ({err.context})" if err.context else ""
        return tabs + [_problem(path, line, f"YAML syntax error: {problem}{context}, column "
                                            f"{err.problem_mark.column + 1}")]
    # Reader errors (control characters) have a character position instead of a line.
    position = getattr(err, "position", None)
    line = text[:position].count("\n") + 1 if isinstance(position, int) else None
    reason = getattr(err, "reason", None) or str(err).splitlines()[0]
    return [_problem(path, line, f"YAML syntax error: {reason}")]


class _Builder:
    """Turns composed nodes into plain Python, recording each location's line and any refused tags
    or repeated keys (as (location, line, message), named after their code once the data is built)."""

    def __init__(self):
        self.lines: dict[tuple, int] = {}
        self.found: list[tuple[tuple, int, str]] = []
        self._scalars = _yaml().constructor

    def build(self, node, loc: tuple = ()):
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
                if loc == () and key == "version" and isinstance(value_node, ScalarNode):
                    # Keep the version as written: 1.10 must not become 1.1.
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
            self.found.append((loc, line, f"YAML tag '{tag}' is not allowed in a codebook; remove it (only plain "
                                          f"text, numbers, lists and mappings)"))

    def problems(self, data, path: str) -> list[str]:
        out = []
        for loc, line, message in self.found:
            subject = CODEBOOK_SUBJECT
            if len(loc) >= 2 and loc[0] == "codes" and isinstance(data, dict):
                entry = data["codes"][loc[1]]
                name = entry.get("name") if isinstance(entry, dict) else None
                subject = name.strip() if isinstance(name, str) and name.strip() else f"code {loc[1] + 1}"
            out.append(f"{path}:{line} -> {subject}: {message}")
        return out


def _bracket_depth_problem(text: str, path: str) -> str | None:
    """Refuse deeply nested flow collections ([[[[...) before ruamel sees them: its parser takes time
    quadratic in the nesting depth, so a small hostile file could stall it for minutes."""
    depth = 0
    for n, ch in enumerate(text):
        if ch in "[{":
            depth += 1
            if depth > MAX_BRACKETS:
                line = text[:n].count("\n") + 1
                return _problem(path, line, f"more than {MAX_BRACKETS} unclosed [ or {{ brackets: YAML nested far "
                                            f"too deeply for a codebook")
        elif ch in "]}":
            depth = max(depth - 1, 0)
    return None


def _check_events(y: YAML, text: str, path: str) -> None:
    """One linear pass over parser events: refuse anchors/aliases and deep block nesting before composing."""
    anchors = []
    depth = 0
    for event in y.parse(text):
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            anchors.append(event)
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise CodebookError(path, [_problem(path, event.start_mark.line + 1,
                                                    f"YAML nested more than {MAX_DEPTH} levels deep; a codebook "
                                                    f"needs 4")])
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    if anchors:
        line = anchors[0].start_mark.line + 1
        raise CodebookError(path, [_problem(
            path, line, f"YAML anchors and aliases (&name, *name) are not allowed in a codebook (found "
                        f"{len(anchors)}, first at line {line}); write each value out in full")])


def parse_yaml_codebook(text: str, path: str = "<string>") -> Codebook:
    """Parse and validate YAML codebook text. Raises CodebookError listing every problem (with lines)."""
    path = str(path)
    if not text.strip():
        raise CodebookError(path, [_problem(path, 1, "the file is empty; a codebook needs `name:` and a `codes:` "
                                                     "list of codes, each with a name and a definition")])
    too_deep = _bracket_depth_problem(text, path)
    if too_deep:
        raise CodebookError(path, [too_deep])
    y = _yaml()
    try:
        _check_events(y, text, path)
        root = y.compose(text)
    except YAMLError as e:
        raise CodebookError(path, _syntax_problems(e, text, path)) from None
    except RecursionError:
        raise CodebookError(path, [_problem(path, None, "YAML nested too deeply to be a codebook")]) from None
    if root is None:
        raise CodebookError(path, [_problem(path, 1, "the file has only comments; a codebook needs `name:` and "
                                                     "a `codes:` list")])
    builder = _Builder()
    try:
        data = builder.build(root)
    except RecursionError:
        raise CodebookError(path, [_problem(path, None, "YAML nested too deeply to be a codebook")]) from None
    problems = builder.problems(data, path) + validate_codebook_dict(data, path, builder.lines)
    if problems:
        raise CodebookError(path, problems)
    return codebook_from_dict(data, default_name=Path(path).stem, source_path=path)


def read_codebook_bytes(path) -> bytes:
    """The file's bytes; InputError if it is missing, a directory or implausibly large for a codebook."""
    p = Path(path)
    if not p.exists():
        raise InputError(p, "no such file")
    if not p.is_file():
        raise InputError(p, "not a file; give the path of a codebook file")
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise InputError(p, f"{size:,} bytes is too large for a codebook (limit {MAX_BYTES:,}); is this the "
                            f"right file?")
    return p.read_bytes()


def load_yaml_codebook(path) -> Codebook:
    """Load a .yaml/.yml codebook. Raises InputError (unreadable) or CodebookError (every problem, with lines)."""
    raw = read_codebook_bytes(path)
    return parse_yaml_codebook(decode_codebook_bytes(raw, str(path)), str(path))
