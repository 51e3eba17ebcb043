"""Safe YAML loading that remembers where every key and value stood.

Only plain data comes out (mappings, lists, strings, numbers, booleans, null): no tag can build an
object. Alias bombs, deep nesting and huge files end in a located :class:`Problem`, never a hang
or a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

MAX_BYTES = 1_000_000
"""Larger quiz files are refused: the whole course's quizzes are a few tens of kilobytes."""
MAX_NODES = 100_000
"""Values after alias expansion; a 'billion laughs' file stops here."""
MAX_DEPTH = 64
MAX_INT_CHARS = 100
"""A whole number written with more characters is refused before it is converted (Python refuses 4,300 digits
with a bare ``ValueError``, and converting fewer still costs time quadratic in the length)."""
_INT_TAG = "tag:yaml.org,2002:int"

PathKey = tuple[str | int, ...]


@dataclass
class Located:
    """Plain data plus the line (1-based) of every mapping key and list item, by path."""

    data: Any
    file: str
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line(self, path: PathKey) -> int | None:
        """The line of ``path``, or of its nearest located parent."""
        p = tuple(path)
        while True:
            if p in self.lines:
                return self.lines[p]
            if not p:
                return None
            p = p[:-1]


def format_path(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Invalid:
    """Stands for a value that was already reported (e.g. an unsupported tag), so nothing else reports it."""

    def __repr__(self) -> str:
        return "<invalid>"


INVALID = _Invalid()

_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class _TooBig(Exception):
    pass


def read_text(path: Path, display: str, *, max_bytes: int = MAX_BYTES) -> tuple[str | None, list[Problem]]:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return None, [Problem(display, None, "", f"file is {size:,} bytes, more than the {max_bytes:,} allowed",
                                  "split it, or check that this is the file you meant")]
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(display, None, "", "no such file", "check the path")]
    except IsADirectoryError:
        return None, [Problem(display, None, "", "is a folder, not a file", "name a file")]
    except OSError as e:
        return None, [Problem(display, None, "", f"cannot read: {e.strerror}", "check the path and permissions")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        return None, [Problem(display, line, "", f"not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start})",
                              "save the file as UTF-8")]


def load_yaml(text: str, file: str = "<string>") -> tuple[Located | None, list[Problem]]:
    """Parse ``text`` into located plain data; on failure return ``None`` and the problems."""
    if len(text) > MAX_BYTES:
        return None, [Problem(file, None, "", f"more than {MAX_BYTES:,} characters", "split the file")]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        context = e.context or ""
        if context and e.context_mark and e.problem_mark and e.context_mark.line != e.problem_mark.line:
            context += f" (started at line {e.context_mark.line + 1})"
        what = " ".join(x for x in (context, e.problem) if x)
        return None, [Problem(file, line, "", f"YAML syntax error: {what}",
                              "check indentation, colons and quotes on this line or the one before")]
    except yaml.YAMLError as e:
        return None, [Problem(file, getattr(getattr(e, "problem_mark", None), "line", None),
                              "", f"YAML error: {e}", "save the file as plain UTF-8 YAML text")]
    except RecursionError:
        return None, [Problem(file, None, "", "nesting too deep", "flatten the structure")]
    if node is None:
        return None, [Problem(file, 1, "", "the file is empty", "start from the example in reference/quiz-format.md")]
    loc = Located(None, file)
    problems: list[Problem] = []
    budget = [MAX_NODES]
    constructor = yaml.constructor.SafeConstructor()
    try:
        loc.data = _convert(node, (), loc, problems, constructor, budget, 0)
    except _TooBig:
        return None, [Problem(file, None, "", f"more than {MAX_NODES:,} values once aliases are expanded",
                              "remove the anchors (&) and aliases (*) that repeat large blocks")]
    except RecursionError:
        return None, [Problem(file, None, "", "nesting too deep", "flatten the structure")]
    return loc, problems


def _convert(node, path, loc, problems, constructor, budget, depth):
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooBig
    if depth > MAX_DEPTH:
        problems.append(Problem(loc.file, node.start_mark.line + 1, format_path(path),
                                f"nested more than {MAX_DEPTH} levels deep", "flatten the structure"))
        return None
    loc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
        problems.append(Problem(loc.file, node.start_mark.line + 1, format_path(path),
                                f"unsupported tag {node.tag!r}", "remove the !tag; quiz files hold plain data"))
        return INVALID
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        constructor.flatten_mapping(node)  # resolves YAML merge keys (<<) the same way safe_load does
        for key_node, value_node in node.value:
            kline = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(loc.file, kline, format_path(path), "a key must be plain text",
                                        "write the key as a word followed by a colon"))
                continue
            key = _scalar(key_node, path, loc, problems, constructor)
            if not isinstance(key, str):
                key = key_node.value  # `1:` or `yes:` as keys: keep the text the author wrote
            if key in out:
                first = loc.lines.get(path + (key,))
                problems.append(Problem(loc.file, kline, format_path(path + (key,)),
                                        f"duplicate key '{key}' (first at line {first})",
                                        "remove one of them; YAML would silently keep only the last"))
                continue
            loc.lines[path + (key,)] = kline
            out[key] = _convert(value_node, path + (key,), loc, problems, constructor, budget, depth + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(v, path + (i,), loc, problems, constructor, budget, depth + 1)
                for i, v in enumerate(node.value)]
    return _scalar(node, path, loc, problems, constructor)


def _scalar(node, path, loc, problems, constructor):
    if node.tag == _INT_TAG and len(node.value) > MAX_INT_CHARS:
        problems.append(Problem(loc.file, node.start_mark.line + 1, format_path(path),
                                f"a whole number of {len(node.value):,} characters; at most {MAX_INT_CHARS} are read",
                                "write a smaller number (a quiz needs no number this large)"))
        return INVALID
    try:
        value = constructor.construct_object(node, deep=True)
    except yaml.YAMLError:
        problems.append(Problem(loc.file, node.start_mark.line + 1, format_path(path),
                                f"unsupported tag {node.tag!r}", "remove the !tag; quiz files hold plain data"))
        return INVALID
    except (ValueError, OverflowError) as e:
        problems.append(Problem(loc.file, node.start_mark.line + 1, format_path(path),
                                f"cannot read {node.value[:40]!r} as a value ({e})", "write a smaller number or text"))
        return INVALID
    if not isinstance(value, (str, int, float, bool, type(None))):
        # timestamps, binary, sets: keep the text as written so that validation can name it
        return node.value
    return value
