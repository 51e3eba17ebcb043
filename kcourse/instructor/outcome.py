"""What happened to each handed-in file: graded, or rejected for one :class:`Reason`."""
from __future__ import annotations

import enum
from dataclasses import dataclass

from ..core.safetext import printable


class Reason(enum.Enum):
    """Why a file was not graded. The value is what the summary prints."""

    UNREADABLE = "unreadable"
    """The file or zip archive could not be read."""
    TOO_LARGE = "too large"
    """Larger than a submission can be (2,000,000 bytes)."""
    NOT_JSON = "not JSON"
    """Not UTF-8 JSON text with an object at the top."""
    NOT_SUBMISSION = "not a valid submission"
    """JSON, but a required key is missing or has the wrong kind of value."""
    WRONG_QUIZ = "wrong quiz"
    """Its ``quiz_id`` names another quiz."""
    UNKNOWN_STUDENT = "unknown student"
    """Its ``student_id`` is not on the roster or manifest given."""
    SEED_MISMATCH = "variant seed does not match the student"
    """With ``--manifest``: its ``variant_seed`` is not the seed assigned to the student."""
    UNKNOWN_QUESTIONS = "answers to unknown questions"
    """It answers questions that are not in the student's variant."""
    DUPLICATE = "duplicate"
    """The same bytes as another file of the same run."""
    FOREIGN_ACCOUNT = "handed in under another student's account"
    """The platform's file name says one student uploaded it, the file says it is another student's."""
    ANONYMOUS = "anonymous upload that cannot be told apart"
    """Canvas anonymous grading: an anonymous submission holds several students' files, or a student's files
    come from several anonymous submissions; nothing says whose account handed in whose file."""
    FAILED = "could not be graded"
    """Grading it raised an error kcourse did not foresee (a bug: please report it); the run went on."""


@dataclass(frozen=True)
class Rejection:
    source: str
    """The file as given (``subs.zip:alice/quiz.json`` for a member of a zip)."""
    reason: Reason
    message: str
    """The details: what is wrong and, where it helps, how to fix it."""
    student_id: str = ""
    """Whose file it is, as far as known (the file's ``student_id``, else the platform's uploader); '' if unknown."""
    uploader: str = ""
    """``canvas:<user id>`` / ``moodle:<participant id>`` from the platform's file name."""

    def __str__(self) -> str:
        return printable(f"{self.source}: {self.message}")
