"""A handed-in file's outcome: :class:`Graded` (with its result), or a rejection attributed to whom it is from.

The checks, in order: unreadable or too large, a duplicate (the same bytes as an earlier file of this run),
not JSON, not a valid submission, another quiz, a student not on the roster/manifest (when one is given), a
variant seed that is not the one assigned to the student (only with ``--manifest``), answers to questions
outside the student's variant. The score is always recomputed from the responses.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..core.errors import Problem
from ..core.grading import QuizResult
from ..core.submission import Submission
from .outcome import Reason, Rejection
from .platform import Uploader, parse_upload_name

if TYPE_CHECKING:
    from .grade import Judge



@dataclass(frozen=True)
class Graded:
    source: str
    sha256: str
    submission: Submission
    student_id: str
    """The roster's spelling of the id when a roster or manifest was given, else the file's."""
    result: QuizResult
    state: str = "new"
    """``new`` (added to the gradebook), ``unchanged`` (already there) or ``regraded`` (the quiz changed)."""
    content: str = field(default="", repr=False, compare=False)
    """The file's text (what the gradebook keeps)."""
    uploader: Uploader | None = None
    """Who uploaded it, from the platform's file name (Canvas or Moodle zip)."""
    time_note: str = ""
    """Why the file's ``submitted_at`` is not trusted (before the quiz opened, in the future)."""
    when: str | None = None
    """``sort_time(submission.submitted_at)``, when already computed."""
    platform_time: bool = False
    """``when`` (and the late mark) are the platform's (Moodle's grading worksheet), not the file's."""


def sort_time(submitted_at: str | None) -> str:
    """``submitted_at`` as a sortable UTC time (a time without a zone is taken as UTC); ``''`` when missing."""
    if not submitted_at:
        return ""
    try:
        t = datetime.fromisoformat(submitted_at.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _short(p: Problem) -> str:
    where = (f"line {p.line}: " if p.line else "") + (f"{p.path}: " if p.path else "")
    return where + p.message + (f" ({p.fix})" if p.fix else "")


def judge_file(judge: Judge, name: str, data: bytes | None, problem: tuple[Reason, str] | None
               ) -> Graded | Rejection:
    """One file's outcome from its bytes (or why they could not be read). Whatever goes wrong with one file
    fails that file only: the run goes on."""
    if problem is not None:
        return Rejection(name, *problem)
    try:
        assert data is not None  # internal invariant: read() gives bytes or a problem
        return judge(name, data)
    except (MemoryError, RecursionError) as e:
        return Rejection(name, Reason.TOO_LARGE, f"too large or nested too deeply to grade ({type(e).__name__})")
    except Exception as e:  # noqa: BLE001 - a bug must cost one file, not the class's run
        return Rejection(name, Reason.FAILED, f"grading this file failed ({type(e).__name__}: {str(e)[:200]}); "
                                              "please report it as a kcourse bug, with the file")


def db_text(text: str) -> str:
    """Text SQLite can store: lone surrogates (from a file name that is not UTF-8, or a hostile JSON string)
    written as ``\\udcff``."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def attributed(r: Rejection, data: bytes | None, judge: Judge) -> Rejection:
    """The rejection with whose file it is, as far as known: the file's ``student_id`` (when the file is
    JSON enough to say), else the platform's uploader matched to the roster."""
    up = parse_upload_name(r.source) if judge.platform_names else None
    sid = r.student_id
    if not sid and data is not None:
        try:
            top = json.loads(data.decode("utf-8-sig"))
            claimed = top.get("student_id") if isinstance(top, dict) else None
            if isinstance(claimed, str) and claimed.strip() and db_text(claimed) == claimed:
                sid = claimed.strip()
                if judge.roster is not None:
                    s = judge.roster.find(sid)
                    sid = s.student_id if s is not None else ""
        except (ValueError, RecursionError):
            pass
    if not sid and up is not None:
        who, _certain = judge.identity.uploader(up)
        sid = who.student_id if who is not None else ""
    uploader = f"{up.platform}:{up.user}" if up else r.uploader
    if up is not None and r.reason is Reason.FOREIGN_ACCOUNT:
        who, _certain = judge.identity.uploader(up)
        if who is not None:  # the account holder, as the check found them: their status shows it too
            uploader += f"={who.student_id}"
    return replace(r, student_id=sid, uploader=uploader)
