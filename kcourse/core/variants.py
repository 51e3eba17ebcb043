"""Per-student variants: a portable seed, a portable random generator and the exact steps that use it.

Python and the browser (``kcourse/frontend/static/quiz.js``) implement the same steps, so a seed gives
the same variant everywhere. ``random.Random`` is not used: its algorithms are not promised to stay
the same across Python versions, and JavaScript does not have it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from . import model as m
from .ids import fnv1a32

__all__ = ["fnv1a32", "seed_for", "Mulberry32", "shuffled", "Variant", "make_variant", "variant_question_ids"]

T = TypeVar("T")
MASK32 = 0xFFFFFFFF


def seed_for(quiz_id: str, student_id: str) -> int:
    """The variant seed of a student for a quiz: ``fnv1a32(quiz_id + "\\n" + student_id)``."""
    return fnv1a32(f"{quiz_id}\n{student_id}")


class Mulberry32:
    """The mulberry32 generator (public domain), bit for bit as in JavaScript."""

    def __init__(self, seed: int):
        self.state = seed & MASK32

    def next_u32(self) -> int:
        self.state = (self.state + 0x6D2B79F5) & MASK32
        t = self.state
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & MASK32
        return (t ^ (t >> 14)) & MASK32

    def below(self, n: int) -> int:
        """An integer in ``[0, n)``: ``floor(next_u32() * n / 2**32)``, exact in both languages for n < 2**21."""
        return (self.next_u32() * n) >> 32


def _imul(a: int, b: int) -> int:
    return (a * b) & MASK32


def shuffled(items: Sequence[T], rng: Mulberry32) -> list[T]:
    """Fisher-Yates from the end: for i = n-1 .. 1, swap i with ``rng.below(i + 1)``."""
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = rng.below(i + 1)
        out[i], out[j] = out[j], out[i]
    return out


@dataclass(frozen=True)
class Variant:
    """What one learner is shown: which questions, in which order, and each question's option order."""

    seed: int
    """32-bit seed, from :func:`seed_for` or chosen at random by a front end."""
    question_ids: tuple[str, ...]
    orders: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per question: option ids (choice), item ids (ordering) or right-hand ids (matching), in display order."""


def make_variant(quiz: m.Quiz, seed: int) -> Variant:
    """The variant for ``seed``. Steps (the browser does the same, in the same order):

    1. ``rng = Mulberry32(seed)``.
    2. For each pool in file order: shuffle its question ids, keep the first ``draw``, in pool order.
    3. Questions = fixed questions, then the drawn ones; shuffled when ``shuffle_questions``.
    4. For each question in that order: shuffle choice options (when ``shuffle_options``), ordering items
       (always; if the result is the correct order, rotate it left by one), matching right-hand choices
       (always). Other types draw nothing.
    """
    rng = Mulberry32(seed)
    ids = _draw_questions(quiz, rng)
    orders: dict[str, tuple[str, ...]] = {}
    for qid in ids:
        q = quiz.question(qid)
        natural = _natural_order(q)
        if not natural:
            continue
        if isinstance(q, (m.SingleChoice, m.MultipleSelect)) and not quiz.shuffle_options:
            orders[qid] = natural
            continue
        order = shuffled(natural, rng)
        if isinstance(q, m.Ordering) and order == list(natural):
            order = order[1:] + order[:1]
        orders[qid] = tuple(order)
    return Variant(seed, tuple(ids), orders)


def _draw_questions(quiz: m.Quiz, rng: Mulberry32) -> list[str]:
    """Steps 2 and 3 of :func:`make_variant`."""
    ids = [q.id for q in quiz.questions]
    for pool in quiz.pools:
        drawn = set(shuffled([q.id for q in pool.questions], rng)[: pool.draw])
        ids += [q.id for q in pool.questions if q.id in drawn]
    if quiz.shuffle_questions:
        ids = shuffled(ids, rng)
    return ids


def variant_question_ids(quiz: m.Quiz, seed: int) -> tuple[str, ...]:
    """The questions of the variant for ``seed``, in order: ``make_variant(quiz, seed).question_ids``
    without shuffling any options (what grading needs, and several times faster)."""
    if not quiz.pools and not quiz.shuffle_questions:
        return tuple(q.id for q in quiz.questions)
    return tuple(_draw_questions(quiz, Mulberry32(seed)))


def _natural_order(q: m.Question) -> tuple[str, ...]:
    if isinstance(q, (m.SingleChoice, m.MultipleSelect)):
        return tuple(o.id for o in q.options)
    if isinstance(q, m.Ordering):
        return tuple(i.id for i in q.items)
    if isinstance(q, m.Matching):
        return tuple(c.id for c in q.right_choices)
    return ()
