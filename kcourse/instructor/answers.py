"""Responses and right answers as plain text a person reads ("2.6.39", "namespaces → what a process can see").

Pure. The text is *not* escaped: callers escape it for their output (HTML, Markdown, a terminal).
"""
from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from .. import qtypes as qt
from ..core import model as m
from ..core.grading import is_blank, to_number
from ..core.rules import format_number
from ..core.safetext import printable
from ..core.textnorm import normalise

NO_ANSWER = "(no answer)"
_TAG = re.compile(r"<[^>]*>")


@lru_cache(maxsize=1)
def _md():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})  # raw HTML in quiz text is escaped, never passed on


def render_inline(markdown: str) -> str:
    """Author Markdown (one line) as safe HTML: the course's shared renderer when present."""
    try:
        from ..views.markdown import render_inline as shared
    except ImportError:
        return _md().renderInline(markdown)
    return shared(markdown)


def render_block(markdown: str) -> str:
    """Author Markdown (paragraphs, lists, code) as safe HTML: the course's shared renderer when present."""
    try:
        from ..views.markdown import render_block as shared
    except ImportError:
        return _md().render(markdown)
    return shared(markdown)


@lru_cache(maxsize=4096)
def plain(markdown: str) -> str:
    """Author Markdown as one line of plain text (for labels and plots)."""
    text = html.unescape(_TAG.sub("", render_inline(markdown)))
    return " ".join(text.split())


def terminal_safe(text: str, limit: int = 60) -> str:
    """One line, control characters (terminal escapes, bidi overrides) shown as ``\\xNN``, at most ``limit``."""
    text = printable(" ".join(str(text).split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


_BREAKS = re.compile(r"[ \t\n\r\f\v\x1c-\x1f\x85\u2028\u2029]+")


def one_line(text: str) -> str:
    """``text`` on one line, runs of spaces and line breaks as one space; no-break spaces kept (``12\u202f500``)."""
    return _BREAKS.sub(" ", text).strip()


def md_escape(text: str) -> str:
    """Plain text for the middle of a Markdown line: one line, ``<>&`` as entities, and the characters that
    start inline markup (``\\ ` * _ { } [ ] | ~``) backslashed. (Not for the start of a line.)"""
    text = html.escape(one_line(text), quote=False)
    return re.sub(r"([\\`*_{}\[\]|~])", r"\\\1", text)


def _raw(r: Any) -> str:
    return r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)


def describe(q: m.Question, r: Any) -> str:
    """A learner's response in words; an unreadable one as it was written."""
    if is_blank(r):
        return NO_ANSWER
    return qt.dispatch(_DESCRIBE, q, "describe a response")(q, r)


def _describe_choice(q: Any, r: Any) -> str:
    by_id = {o.id: o for o in q.options}
    ids = [r] if isinstance(q, qt.SingleChoice) else r
    if isinstance(ids, list) and all(isinstance(i, str) and i in by_id for i in ids):
        return "; ".join(plain(by_id[i].text) for i in ids)
    return _raw(r)


def _describe_number(q: qt.Numeric, r: Any) -> str:
    x = to_number(r)
    return _raw(r) if x is None else format_number(x)


def _describe_order(q: qt.Ordering, r: Any) -> str:
    item_by_id = {i.id: i for i in q.items}
    if isinstance(r, list) and all(isinstance(i, str) and i in item_by_id for i in r):
        return " → ".join(plain(item_by_id[i].text) for i in r)
    return _raw(r)


def _describe_matches(q: qt.Matching, r: Any) -> str:
    rights = {c.id: c.text for c in q.right_choices}
    if isinstance(r, Mapping):
        parts = []
        for p in q.pairs:
            if p.id in r:
                v = r[p.id]
                right = plain(rights[v]) if isinstance(v, str) and v in rights else _raw(v)
                parts.append(f"{plain(p.left)} → {right}")
        extra = [k for k in r if k not in {p.id for p in q.pairs}]
        return "; ".join(parts + [f"{_raw(k)} → {_raw(r[k])}" for k in extra]) or NO_ANSWER
    return _raw(r)


_DESCRIBE: dict[str, Callable[[Any, Any], str]] = {
    "single": _describe_choice, "multiple": _describe_choice,
    "true_false": lambda q, r: ("true" if r else "false") if isinstance(r, bool) else _raw(r),
    "numeric": _describe_number, "text": lambda q, r: _raw(r), "ordering": _describe_order,
    "matching": _describe_matches,
}
"""A (non-blank) response in words, for each question type."""


def right_answer(q: m.Question) -> str:
    """What earns full points, in words."""
    return qt.dispatch(_RIGHT_ANSWER, q, "describe the right answer")(q)


def _right_text(q: qt.ShortText) -> str:
    accepted = [f'"{a}"' for a in q.accept] + ([f"text matching /{q.pattern}/"] if q.pattern else [])
    return " or ".join(accepted)


_RIGHT_ANSWER: dict[str, Callable[[Any], str]] = {
    "single": lambda q: "; ".join(plain(o.text) for o in q.options if o.correct),
    "multiple": lambda q: "; ".join(plain(o.text) for o in q.options if o.correct),
    "true_false": lambda q: "true" if q.answer else "false",
    "numeric": lambda q: qt.numeric.range_text(q),
    "text": _right_text,
    "ordering": lambda q: " → ".join(plain(i.text) for i in q.items),
    "matching": lambda q: "; ".join(f"{plain(p.left)} → {plain(p.right)}" for p in q.pairs),
}
"""What earns full points, in words, for each question type."""


def group_key(q: m.Question, r: Any) -> str:
    """Responses that are the same answer get the same key (text normalised as grading does, numbers as
    numbers, lists and mappings as canonical JSON)."""
    if is_blank(r):
        return ""
    return qt.dispatch(_GROUP_KEY, q, "group answers")(q, r) or "j:" + json.dumps(r, sort_keys=True, ensure_ascii=False)


def _text_key(q: qt.ShortText, r: Any) -> str | None:
    return "t:" + normalise(r, case_sensitive=q.case_sensitive) if isinstance(r, str) else None


def _number_key(q: qt.Numeric, r: Any) -> str | None:
    x = to_number(r)
    return None if x is None else f"n:{x!r}"


def _as_json(q: Any, r: Any) -> None:
    return None


_GROUP_KEY: dict[str, Callable[[Any, Any], str | None]] = {
    "single": _as_json, "multiple": _as_json, "true_false": _as_json, "numeric": _number_key,
    "text": _text_key, "ordering": _as_json, "matching": _as_json,
}
"""The key that groups a (non-blank) response with the same answers, for each type; ``None``: its canonical
JSON (``j:...``)."""
