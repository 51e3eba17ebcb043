"""The practice rules, one set for every front end (pure; mirrored in ``static/grader.js``, same names in camelCase).

A check of an answer is a *try*. The flow of one question:

1. Input that is not an answer yet costs no try and says what to fix (:func:`ready_problem`): nothing chosen, an
   unreadable or ambiguous number, a range, matching rows left at "Choose…" or one answer in two rows where each
   answer fits one row.
2. A counted try shows the verdict, the feedback on what was chosen (the misconception), the parts that are
   right or wrong (:func:`marks`) and offers a hint; not the explanation, not the right answer.
3. The explanation and the right answer appear when the answer is right, after ``tries_before_answer`` tries
   (a quiz setting, :data:`DEFAULT_TRIES` by default) or when the learner asks ("Show answer")
   (:func:`answer_shown`). The question is then done until a new attempt.
4. "Try again" keeps the answer and the score of the last try; only the next check changes the score.

Scores (:func:`score`): the last try of every checked question counts, unchecked questions count 0; the first
try of each question is kept too and shown beside it. Numbers on screen are rounded to 2 decimals
(:func:`shown`), files keep 6.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .. import qtypes as qt
from . import model as m
from .grading import Status, grade, is_blank
from .i18n import shown as i18n_shown
from .i18n import t

DEFAULT_TRIES = 2
"""Tries before the answer is shown, unless the quiz sets ``tries_before_answer``."""
MAX_TRIES = 10


def ready_problem(q: m.Question, response: Any) -> str | None:
    """What to fix before ``response`` counts as a try; ``None`` when it can be checked. Beyond a blank answer
    and what grading cannot read yet, the type says (its ``ready``, e.g. matching rows left at "Choose…")."""
    if is_blank(response):
        return t("practice.answer_first")
    problem = qt.qtype(q).ready(q, response)
    if problem is not None:
        return problem
    result = grade(q, response)
    if result.status is Status.UNANSWERED:
        return result.feedback[0] if result.feedback else t("practice.answer_first")
    return None


def marks(q: m.Question, response: Any) -> dict[str, bool]:
    """Part by part, right (``True``) or wrong: chosen options of a multiple, items of an ordering (in their
    right place or not), rows of a matching (each type's ``marks``). Empty for other types and for responses of
    the wrong shape."""
    return qt.qtype(q).marks(q, response)


def answer_shown(status: str, tries: int, tries_before_answer: int, asked: bool) -> bool:
    """Whether the explanation and the right answer are shown after ``tries`` counted tries."""
    return asked or status == Status.CORRECT.value or tries >= tries_before_answer


@dataclass(frozen=True)
class Score:
    """The one score of a practice quiz, as every front end shows it."""

    total: float
    first_total: float
    max_score: float
    checked: int
    count: int

    @property
    def percentage(self) -> float:
        return round(100 * self.total / self.max_score, 2) if self.max_score else 0.0

    def passed(self, pass_mark: float) -> bool:
        return self.percentage >= pass_mark

    def line(self) -> str:
        """``Score: 6.5 of 11 points (59.09 %) · first tries: 4 · 8 of 11 questions checked.`` and what counts."""
        return t("practice.score_line", total=round(self.total, 2), points=points(self.max_score),
                 pct=round(self.percentage, 2), first=round(self.first_total, 2), checked=self.checked,
                 count=self.count)


def score(results: Mapping[str, Mapping[str, Any]], first_results: Mapping[str, Mapping[str, Any]],
          question_ids: Iterable[str], max_total: float) -> Score:
    """The score of the variant ``question_ids`` from the last and first results by question id."""
    ids = list(question_ids)
    total = round(sum(float(results[q]["score"]) for q in ids if q in results), 6)
    first = round(sum(float(first_results[q]["score"]) for q in ids if q in first_results), 6)
    return Score(total, first, round(max_total, 6), sum(1 for q in ids if q in results), len(ids))


def shown(x: float) -> str:
    """A score as people read it: 2 decimals at most, no ``.0``, the decimal mark of the language in use."""
    return i18n_shown(x)


def points(x: float) -> str:
    """``6.5 points`` (after "of": German ``von 11 Punkten``)."""
    return t("practice.points", n=round(float(x), 2))
