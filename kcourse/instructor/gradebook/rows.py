"""The gradebook's rows and errors: what is written (:class:`NewAttempt`, :class:`RejectedFile`) and read back."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from ...core.errors import UsageError


class GradebookError(UsageError):
    """The gradebook file cannot be used (missing, not a gradebook, too new)."""


class GradebookWriteError(GradebookError):
    """The gradebook cannot be written now (busy, read-only, disk full); it is as it was. Exit status 1, as for
    every output error."""

    exit_code = 1


@dataclass(frozen=True)
class NewAttempt:
    """A graded submission to store."""

    sha256: str
    student_id: str
    variant_seed: int
    submitted_at: str | None
    sort_time: str
    source: str
    content: str
    total: float
    max_score: float
    percentage: float
    passed: bool
    items: tuple[tuple[str, float, float, str, str | None], ...]
    """``(question_id, score, max_score, status, response as JSON or None)`` per question of the variant."""
    uploader: str = ""
    upload_name: str = ""
    platform_file: str = ""
    platform_late: bool | None = None
    time_note: str = ""


@dataclass(frozen=True)
class RejectedFile:
    """A file that was not graded, to store."""

    source: str
    sha256: str
    student_id: str
    reason: str
    message: str
    uploader: str = ""


@dataclass(frozen=True)
class AttemptRow:
    """A stored attempt."""

    attempt_id: int
    student_id: str
    variant_seed: int
    submitted_at: str | None
    sort_time: str
    sha256: str
    source: str
    total: float
    max_score: float
    percentage: float
    passed: bool
    quiz_digest: str
    uploader: str = ""
    """``canvas:<user id>`` or ``moodle:<participant id>`` when the platform's file name said who uploaded it."""
    upload_name: str = ""
    platform_file: str = ""
    platform_late: bool | None = None
    """Canvas's LATE marker; ``None`` when the platform said nothing."""
    time_note: str = ""
    """Why ``submitted_at`` is not trusted ('' when it is, or when there is none)."""


class ItemRow(NamedTuple):
    """One question's result in a stored attempt (a named tuple: there are many)."""

    question_id: str
    score: float
    max_score: float
    status: str
    response: str | None
    """JSON text."""


@dataclass(frozen=True)
class QuizRow:
    quiz_id: str
    title: str
    digest: str
    policy: str
    source: str


@dataclass(frozen=True)
class WriteResult:
    run_id: int | None
    """``None`` when the run changed nothing (no run is recorded then)."""
    added: int
    regraded: int

