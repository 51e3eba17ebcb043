"""Match each left side with a right-hand choice (distractors allowed): ``points * (right matches / pairs)``."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..core import model as m
from ..core.fragments import ITEM, PAIR
from ..core.grading import QuestionResult, is_blank, malformed, result
from ..core.i18n import t
from ..core.ids import choice_id
from ..core.textnorm import normalise
from .base import QType, Shuffle


@dataclass(frozen=True, kw_only=True)
class Matching(m.Question):
    TYPE: ClassVar[str] = "matching"
    pairs: tuple[m.Pair, ...]
    distractors: tuple[m.Item, ...] = ()
    """Extra right-hand choices that match nothing (their ``id`` names them in the file and in exports)."""

    @property
    def right_choices(self) -> tuple[m.Item, ...]:
        """All right-hand choices, pairs first then distractors, each with its choice id (derived from its text)."""
        texts = [p.right for p in self.pairs] + [d.text for d in self.distractors]
        return m.cached(self, "_rights", lambda: tuple(m.Item(id=choice_id(t), text=t) for t in texts))

    @property
    def answer_of(self) -> dict[str, str]:
        """The key: pair id -> the choice id of its right-hand side."""
        return m.cached(self, "_answer", lambda: {p.id: choice_id(p.right) for p in self.pairs})


def build(c: Any, raw: dict, path: tuple) -> Matching:
    pairs, distractors = raw["pairs"], raw.get("distractors", [])
    rights = [{"id": p["id"], "text": p["right"]} for p in pairs] + distractors
    c.unique(pairs, "left", path + ("pairs",), "left side", norm=normalise)
    ids_ok = c.unique(rights, "id", path + ("pairs",), "pair or distractor id")
    if ids_ok and c.unique(rights, "text", path + ("pairs",), "right-hand text", norm=normalise):
        c.unique(rights, "text", path + ("pairs",), "right-hand choice id (a hash of the text)", norm=choice_id)
    return Matching(**c.common(raw), pairs=tuple(m.Pair(id=p["id"], left=p["left"], right=p["right"]) for p in pairs),
                    distractors=tuple(m.Item(id=d["id"], text=d["text"]) for d in distractors))


def grade(q: Matching, r: Any) -> QuestionResult:
    lefts = {p.id for p in q.pairs}
    rights = {c.id for c in q.right_choices}
    if not isinstance(r, Mapping) or not all(k in lefts and isinstance(v, str) and v in rights
                                             for k, v in r.items()):
        return malformed(q, "grade.expect_map", ids=", ".join(sorted(lefts)))
    right = sum(1 for k, v in r.items() if q.answer_of[k] == v)
    return result(q, right / len(q.pairs))


def public(q: Matching, order: tuple[str, ...]) -> dict[str, Any]:
    """The left sides in file order, the right-hand choices in the variant's order (their ids tell nothing)."""
    rights = {c.id: c.text for c in q.right_choices}
    return {"pairs": tuple(m.Item(id=p.id, text=p.left) for p in q.pairs),
            "choices": tuple(m.Item(id=i, text=rights[i]) for i in order)}


def marks(q: Matching, r: Any) -> dict[str, bool]:
    """Each row answered, right or wrong."""
    if not isinstance(r, Mapping):
        return {}
    return {p.id: r.get(p.id) == q.answer_of[p.id] for p in q.pairs if p.id in r}


def ready(q: Matching, r: Any) -> str | None:
    """Rows left at "Choose…", or one answer in two rows where each answer fits one row."""
    if not isinstance(r, Mapping):
        return None
    left = sum(1 for p in q.pairs if is_blank(r.get(p.id)))
    if left:
        return t("practice.rows_left", n=left, choose=t("quiz.choose"))
    if len(set(q.answer_of.values())) == len(q.pairs):  # each answer fits one row
        seen: dict[Any, int] = {}
        for row, p in enumerate(q.pairs, 1):
            v = r.get(p.id)
            if isinstance(v, str) and v in seen:
                return t("practice.same_answer", a=seen[v], b=row)
            if isinstance(v, str):
                seen[v] = row
    return None


TYPE = QType(
    cls=Matching,
    properties={
        "pairs": {"type": "array", "items": PAIR, "minItems": 2, "maxItems": 20},
        "distractors": {"type": "array", "items": ITEM, "maxItems": 20},
    },
    required=("pairs",), build=build, grade=grade, correct_response=lambda q: dict(q.answer_of),
    public=public, shows=("pairs", "choices"), natural_order=lambda q: tuple(c.id for c in q.right_choices),
    shuffle=Shuffle.ALWAYS,
    required_fix={"pairs": "add 'pairs:' with id, left and right"},
    marks=marks, ready=ready,
)
