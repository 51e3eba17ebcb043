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


def form_id(quiz_id: str, own_mode: str, mode: str) -> str:
    """The id a quiz's record is kept under when taken in ``mode``: the quiz id in the quiz's own mode
    (``own_mode``), ``<quiz id>@<mode>`` in the other (the practice form of an exam keeps its answers and scores
    apart from the exam's, as the browser's storage keys do with their mode)."""
    return quiz_id if mode == own_mode else f"{quiz_id}@{mode}"


def course_rows(quizzes: Iterable[m.Quiz], records: Mapping[str, QuizRecord]) -> list[CourseRow]:
    """One row per quiz, by chapter then id, from the learner's records; and one for the practice form of an
    assessment the learner has used."""
    rows = []
    for quiz in quizzes:
        rows.append(_row(quiz, quiz.id, records.get(quiz.id)))
        practice_form = form_id(quiz.id, quiz.mode, "practice")
        if practice_form in records and practice_form != quiz.id:
            rows.append(_row(quiz, practice_form, records[practice_form], practice=True))
    return sorted(rows, key=lambda r: (r.chapter is None, r.chapter or 0, r.quiz_id))  # quizzes of no chapter last


def _row(quiz: m.Quiz, row_id: str, rec: QuizRecord | None, practice: bool = False) -> CourseRow:
    """One progress row: ``quiz`` as taken under ``row_id`` (its own form, or its practice form)."""
    assessment = not practice and (quiz.mode == "assessment" or (rec is not None and rec.mode == "assessment"))
    answered, score, best, submitted = 0, None, None, None
    if rec is not None:
        ids = set(variant_question_ids(quiz, rec.seed))
        answered = len(rec.answered_ids & ids)
        submitted = rec.submitted_at
        if not assessment:
            score, best = rec.last_score, rec.best_score
    title = quiz.title + (" (practice)" if practice else "")
    return CourseRow(quiz.chapter, row_id, title, answered, quiz.variant_size, score, best,
                     quiz.pass_mark, assessment, submitted)
