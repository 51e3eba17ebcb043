"""Put items in order: ``points * (pairs of items in the right relative order / all pairs)``."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..core import model as m
from ..core.fragments import ITEM
from ..core.grading import QuestionResult, malformed, result
from ..core.i18n import t
from ..core.textnorm import normalise
from .base import QType, Shuffle, always_ready


@dataclass(frozen=True, kw_only=True)
class Ordering(m.Question):
    TYPE: ClassVar[str] = "ordering"
    items: tuple[m.Item, ...]
    """In the correct order."""


def build(c: Any, raw: dict, path: tuple) -> Ordering:
    items = raw["items"]
    c.unique(items, "id", path + ("items",), "item id")
    c.unique(items, "text", path + ("items",), "item text", norm=normalise)
    return Ordering(**c.common(raw), items=tuple(m.Item(id=i["id"], text=i["text"]) for i in items))


def grade(q: Ordering, r: Any) -> QuestionResult:
    ids = [i.id for i in q.items]
    if not isinstance(r, list) or sorted(map(str, r)) != sorted(ids) or not all(isinstance(x, str) for x in r):
        return malformed(q, "grade.expect_items", ids=", ".join(sorted(ids)))
    pos = {item_id: k for k, item_id in enumerate(r)}
    n = len(ids)
    pairs = n * (n - 1) // 2
    good = sum(1 for a in range(n) for b in range(a + 1, n) if pos[ids[a]] < pos[ids[b]])
    return result(q, good / pairs, [t("grade.order_pairs", good=good, pairs=pairs)] if good < pairs else [])


def item_ids(q: Ordering) -> tuple[str, ...]:
    return tuple(i.id for i in q.items)


def public(q: Ordering, order: tuple[str, ...]) -> dict[str, Any]:
    by_id = {i.id: i for i in q.items}
    return {"items": tuple(m.Item(id=i, text=by_id[i].text) for i in order)}


def marks(q: Ordering, r: Any) -> dict[str, bool]:
    """Each item, in its right place or not (nothing unless the response lists the items)."""
    if not isinstance(r, list):
        return {}
    right = [i.id for i in q.items]
    if sorted(map(str, r)) != sorted(right):
        return {}
    return {x: right[k] == x for k, x in enumerate(r)}


TYPE = QType(
    cls=Ordering,
    properties={"items": {"type": "array", "items": ITEM, "minItems": 2, "maxItems": 20}}, required=("items",),
    build=build, grade=grade, correct_response=lambda q: list(item_ids(q)),
    public=public, shows=("items",), natural_order=item_ids, shuffle=Shuffle.NOT_NATURAL,
    required_fix={"items": "add 'items:' listed in the correct order"},
    mark_words=("quiz.mark.in_place", "quiz.mark.not_here"),  # the items' places are marked; the score counts pairs
    marks=marks, ready=always_ready,
)
