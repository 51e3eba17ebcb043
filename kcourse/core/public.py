"""The learner's view of a variant: one projection, no key, from which the key-less file and the assessment
page are made (each only formats it). What a type shows is its ``public`` function in :mod:`kcourse.qtypes`."""
from __future__ import annotations

from dataclasses import dataclass

from ..qtypes import qtype
from . import model as m
from .variants import Variant


@dataclass(frozen=True, kw_only=True)
class PublicQuestion:
    """A question as a learner sees it: no explanation, no feedback, no hints, nothing of the key."""

    id: str
    type: str
    prompt: str
    """Markdown."""
    points: float
    options: tuple[m.Item, ...] = ()
    """single, multiple: the options, in the variant's order."""
    unit: str | None = None
    """numeric: shown after the input box (``None``: the type has no unit)."""
    items: tuple[m.Item, ...] = ()
    """ordering: the items, in the variant's (shuffled) order."""
    pairs: tuple[m.Item, ...] = ()
    """matching: the left sides (``text`` is the left side), in file order."""
    choices: tuple[m.Item, ...] = ()
    """matching: the right-hand choices, in the variant's order."""


def public_view(quiz: m.Quiz, variant: Variant) -> tuple[PublicQuestion, ...]:
    """The questions of ``variant`` as a learner sees them, in order."""
    out = []
    for qid in variant.question_ids:
        q = quiz.question(qid)
        parts = qtype(q).public(q, variant.orders.get(qid, ()))
        out.append(PublicQuestion(id=q.id, type=q.type, prompt=q.prompt, points=q.points, **parts))
    return tuple(out)
