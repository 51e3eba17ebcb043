"""The learner's view of a variant: one projection, no key, from which the key-less file, the assessment
page, the text view and the widgets are made (each only formats it). What a type shows is its ``public``
function in :mod:`kcourse.qtypes`.

A :class:`PublicQuiz` is a whole variant seen this way; it is what a key-less copy (:mod:`kcourse.views.keyless`)
reads back as, so nothing that shows one ever holds a question with a key, not even a placeholder one."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..qtypes import qtype
from . import model as m
from .variants import Variant, make_variant


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


@dataclass(frozen=True, kw_only=True)
class PublicQuiz:
    """One variant of a quiz as a learner sees it: always an assessment (there is no key to give feedback from)."""

    mode: ClassVar[str] = "assessment"
    id: str
    title: str
    chapter: int | None = None
    pass_mark: float = 60.0
    seed: int
    """The variant's seed: a submission names it, and grading against the full quiz file draws the same variant."""
    questions: tuple[PublicQuestion, ...]
    """In the order shown; each one's options, items and choices in the order shown too."""
    tries_before_answer: int = 2
    source: str = ""
    """The file it was read from."""

    @property
    def chapter_label(self) -> str:
        return m.chapter_label(self.chapter)


def public_quiz(quiz: m.Quiz, seed: int) -> PublicQuiz:
    """The variant of ``seed`` of ``quiz`` as a learner sees it."""
    return PublicQuiz(id=quiz.id, title=quiz.title, chapter=quiz.chapter, pass_mark=quiz.pass_mark, seed=seed,
                      questions=public_view(quiz, make_variant(quiz, seed)),
                      tries_before_answer=quiz.tries_before_answer, source=quiz.source)
