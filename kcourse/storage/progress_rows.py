"""The course overview of the progress page: one row per quiz, from the learner's records. Pure."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..core import model as m
from ..core.variants import variant_question_ids
from .progress_record import QuizRecord


@dataclass(frozen=True)
class CourseRow:
    """One line of the course progress page."""

    chapter: int | None
    quiz_id: str
    title: str
    answered: int
    """Questions of the learner's variant with a saved answer."""
    total: int
    """Questions in one variant."""
    score: float | None
    """Last score in percent; ``None`` when nothing was checked or the quiz is an assessment."""
    best: float | None
    pass_mark: float
    assessment: bool
    submitted_at: str | None = None

    @property
    def passed(self) -> bool | None:
        """``None`` when there is no score to judge (not checked yet, or an assessment)."""
        return None if self.best is None else self.best >= self.pass_mark

    @property
    def started(self) -> bool:
        return self.answered > 0 or self.score is not None or self.submitted_at is not None


def course_rows(quizzes: Iterable[m.Quiz], records: Mapping[str, QuizRecord]) -> list[CourseRow]:
    """One row per quiz, by chapter then id, from the learner's records."""
    rows = []
    for quiz in quizzes:
        rec = records.get(quiz.id)
        assessment = quiz.mode == "assessment" or (rec is not None and rec.mode == "assessment")
        answered, score, best, submitted = 0, None, None, None
        if rec is not None:
            ids = set(variant_question_ids(quiz, rec.seed))
            answered = len(rec.answered_ids & ids)
            submitted = rec.submitted_at
            if not assessment:
                score, best = rec.last_score, rec.best_score
        rows.append(CourseRow(quiz.chapter, quiz.id, quiz.title, answered, quiz.variant_size, score, best,
                              quiz.pass_mark, assessment, submitted))
    return sorted(rows, key=lambda r: (r.chapter is None, r.chapter or 0, r.quiz_id))  # quizzes of no chapter last
