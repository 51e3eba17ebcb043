"""The question model: small frozen dataclasses, built only from validated quiz files.

Responses (what a learner answered) always name the stable ids defined here, never screen positions.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar


@dataclass(frozen=True, kw_only=True)
class Choice:
    """An option of a single or multiple choice question."""

    id: str
    """Stable id; responses name it."""
    text: str
    """Markdown shown to the learner."""
    correct: bool
    """Whether picking this option is right."""
    feedback: str = ""
    """Shown when the learner picked this option; for a wrong one it names the misconception."""


@dataclass(frozen=True, kw_only=True)
class Item:
    """An item to put in order, or a distractor on the right-hand side of a matching question."""

    id: str
    text: str


@dataclass(frozen=True, kw_only=True)
class Pair:
    """A left/right pair of a matching question. A response names the right-hand side by its choice id
    (:func:`kcourse.core.ids.choice_id` of its text), never by the pair id."""

    id: str
    left: str
    right: str


@dataclass(frozen=True, kw_only=True)
class Interval:
    """The accepted numbers of a numeric question; which ends are included is always stated."""

    low: float
    high: float
    low_inclusive: bool = True
    high_inclusive: bool = True

    def __contains__(self, x: float) -> bool:
        above = x >= self.low if self.low_inclusive else x > self.low
        below = x <= self.high if self.high_inclusive else x < self.high
        return above and below

    def describe(self, num: Callable[[float], str] | None = None) -> str:
        """``9 <= x <= 10``, ``9 < x <= 10``, ... (click's FloatRange style); the bounds written by ``num``
        (a learner's: :func:`kcourse.core.i18n.number`), else as instructors' English tools write them (``12,500``)."""
        fmt = num or _num
        if self.low == self.high and self.low_inclusive and self.high_inclusive:
            return f"x = {fmt(self.low)}"  # one exact number: not "300,000 <= x <= 300,000"
        lo = "<=" if self.low_inclusive else "<"
        hi = "<=" if self.high_inclusive else "<"
        return f"{fmt(self.low)} {lo} x {hi} {fmt(self.high)}"


def cached(obj, name: str, compute):
    """A value derived from a frozen object, computed once and kept on it (outside the dataclass fields)."""
    try:
        return obj.__dict__[name]
    except KeyError:
        value = obj.__dict__[name] = compute()
        return value


def _num(x: float) -> str:
    if math.isfinite(x) and x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.6g}" if abs(x) >= 1e6 else repr(float(x))


@dataclass(frozen=True, kw_only=True)
class Question:
    """What every question has. The types (subclasses) are in :mod:`kcourse.qtypes`, one module each."""

    TYPE: ClassVar[str] = ""

    id: str
    """Unique within the quiz; pool questions taken from another quiz are ``quiz-id/question-id``."""
    prompt: str
    """Markdown."""
    explanation: str
    """Shown after checking (practice) and in instructor feedback."""
    points: float = 1.0
    """Maximum score; a positive number."""
    hints: tuple[str, ...] = ()
    """Markdown hints, revealed one at a time on request."""
    tags: tuple[str, ...] = ()
    """Chapter objectives this question checks."""

    @property
    def type(self) -> str:
        return self.TYPE


@dataclass(frozen=True, kw_only=True)
class Pool:
    """A set of questions of which each variant gets ``draw``."""

    id: str
    draw: int
    questions: tuple[Question, ...]
    from_quiz: str | None = None
    """The quiz id the questions were taken from, if any."""


def chapter_label(chapter: int | None) -> str:
    """``chapter 3``, or ``no chapter``: for the lines that name a quiz."""
    return f"chapter {chapter}" if chapter is not None else "no chapter"


@dataclass(frozen=True, kw_only=True)
class Quiz:
    """A chapter quiz as loaded from ``quizzes/<id>.yml``."""

    id: str
    title: str
    chapter: int | None = None
    """The chapter it belongs to (1-99); ``None`` for a quiz of no chapter (an exam, a practice page)."""
    pass_mark: float = 60.0
    """Percent of the maximum needed to pass (``percentage >= pass_mark``)."""
    mode: str = "practice"
    """``practice`` (instant feedback) or ``assessment`` (no feedback, no key in what the learner gets)."""
    shuffle_questions: bool = False
    shuffle_options: bool = True
    tries_before_answer: int = 2
    """Practice: counted tries before the explanation and the right answer are shown (kcourse.practice)."""
    questions: tuple[Question, ...] = ()
    """Asked in every variant."""
    pools: tuple[Pool, ...] = ()
    source: str = ""
    """The file it was loaded from."""
    _index: dict[str, Question] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def chapter_label(self) -> str:
        return chapter_label(self.chapter)

    def __post_init__(self) -> None:
        index = {q.id: q for q in self.all_questions}
        object.__setattr__(self, "_index", index)

    @property
    def all_questions(self) -> tuple[Question, ...]:
        """Fixed questions then every pool question, in file order."""
        return self.questions + tuple(q for p in self.pools for q in p.questions)

    def question(self, question_id: str) -> Question:
        return self._index[question_id]

    def has_question(self, question_id: str) -> bool:
        return question_id in self._index

    @property
    def variant_size(self) -> int:
        """How many questions one variant asks."""
        return len(self.questions) + sum(p.draw for p in self.pools)
