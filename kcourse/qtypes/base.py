"""What the core knows about a question type, in one record: :class:`QType`. Each module of this package
defines one (``TYPE``); :mod:`kcourse.qtypes` collects them into the registry."""
from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core import model as m
from ..core.grading import QuestionResult


class Shuffle(enum.Enum):
    """How a variant orders what :attr:`QType.natural_order` lists (see :func:`kcourse.core.variants.make_variant`)."""

    NEVER = "never"
    OPTIONS = "options"
    """Shuffled when the quiz's ``shuffle_options`` is on."""
    ALWAYS = "always"
    NOT_NATURAL = "not_natural"
    """Always shuffled, and never left in the natural order (that would be the answer): rotated left by one."""


def no_order(q: Any) -> tuple[str, ...]:
    return ()


def no_marks(q: Any, response: Any) -> dict[str, bool]:
    """The ``marks`` of a type whose answer has no parts to mark."""
    return {}


def always_ready(q: Any, response: Any) -> str | None:
    """The ``ready`` of a type whose every non-blank response grading can read counts as a try."""
    return None


@dataclass(frozen=True)
class QType:
    cls: type[m.Question]
    """The frozen dataclass a checked question of this type is."""
    properties: Mapping[str, Any]
    """Its keys in the file beyond the common ones, as JSON Schema."""
    required: tuple[str, ...]
    """Which of those the file must give."""
    build: Callable[[Any, dict, tuple], m.Question | None]
    """``build(checker, raw, path)``: the rules a schema cannot state, then the question (``None`` after a
    problem). ``checker`` is :class:`kcourse.core.validate.Checker` (report problems and warnings through it)."""
    grade: Callable[[Any, Any], QuestionResult]
    """``grade(question, response)`` for a response that is not blank; never raises."""
    correct_response: Callable[[Any], Any]
    """A response that earns full points."""
    public: Callable[[Any, tuple[str, ...]], dict[str, Any]] = lambda q, order: {}
    """``public(question, order)``: what a learner sees of it beyond id, prompt and points, in the variant's
    ``order``, and nothing of the key: the fields of :class:`kcourse.core.public.PublicQuestion` it sets."""
    shows: tuple[str, ...] = ()
    """The names of the fields ``public`` sets (what a key-less copy of this type must hold)."""
    natural_order: Callable[[Any], tuple[str, ...]] = no_order
    """The ids a variant puts in order (options, items, right-hand choices); empty when there are none."""
    shuffle: Shuffle = Shuffle.NEVER
    required_fix: Mapping[str, str] = field(default_factory=dict)
    """How to fix a missing required key, for the keys this type adds."""
    marks: Callable[[Any, Any], dict[str, bool]] = field(kw_only=True)
    """``marks(question, response)``, practice: part by part (by id), right (``True``) or wrong; empty for a
    response of the wrong shape, and always for a type without parts (:func:`no_marks`). Mirrored by ``marks``
    in the type's row of ``TYPES`` in ``frontend/static/grader.js``. No default: every type says it."""
    mark_words: tuple[str, str] = ("quiz.mark.right", "quiz.mark.wrong")
    """The interface strings (:mod:`kcourse.core.i18n`) by which a part is marked right and wrong; the page's
    control for the type says the same (``mark`` in ``frontend/static/quiz.js``)."""
    ready: Callable[[Any, Any], str | None] = field(kw_only=True)
    """``ready(question, response)``, practice, on a non-blank response: what to fix before it counts as a try,
    beyond what grading says (:func:`kcourse.core.practice.ready_problem`); ``None`` (:func:`always_ready`) when
    nothing. Mirrored by ``ready`` in ``grader.js`` ``TYPES``. No default: every type says it."""

    @property
    def name(self) -> str:
        """The ``type:`` of the quiz file (the dataclass's ``TYPE``)."""
        return self.cls.TYPE
