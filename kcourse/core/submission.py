"""Submission files (JSON, ``schema_version: 1``): what a learner answered, as saved by the front ends.

Loading checks everything and reports every problem as ``file:line: field: what (fix)``. A score found
in a submission is ignored (a warning says so): grading always recomputes it from the responses.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import __version__
from . import safejson
from .errors import Problem, SubmissionError
from .model import Quiz
from .rules import is_seed
from .safetext import has_surrogates
from .variants import variant_question_ids
from .warnings_ import KcourseWarning, WarnCallback, WarningKind, ignore

SCHEMA_VERSION = 1
MAX_BYTES = 2_000_000
KEYS = ("schema_version", "quiz_id", "student_id", "variant_seed", "responses", "started_at", "submitted_at",
        "generator")
READABLE_KEYS = ("quiz_title", "score", "questions", "practice")
"""What a learner's download adds for people (prompts, chosen texts, the page's score) and for loading it back
into the page; never graded (scores are always recomputed from ``responses``)."""


@dataclass(frozen=True)
class Submission:
    """One learner's answers to one variant of one quiz."""

    quiz_id: str
    student_id: str
    """As the learner typed it or the instructor's roster gave it (trimmed, at most 200 characters)."""
    variant_seed: int
    """Decides which questions and which option order the learner saw; see :mod:`kcourse.core.variants`."""
    responses: Mapping[str, Any] = field(default_factory=dict)
    """By question id; see reference/quiz-format.md for each type's response."""
    started_at: str | None = None
    """ISO 8601 with a time zone, or ``None``."""
    submitted_at: str | None = None
    generator: str = f"kcourse {__version__}"
    """What wrote the file, e.g. ``kcourse 0.1.0 (static page)``."""
    schema_version: int = SCHEMA_VERSION

    def to_json(self) -> str:
        data = {k: getattr(self, k) for k in KEYS}
        data["responses"] = dict(self.responses)
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _line_of(text: str, key: str) -> int | None:
    m = re.search(r'"' + re.escape(json.dumps(key)[1:-1]) + r'"\s*:', text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def parse_submission(text: str, file: str = "<string>", *, warn: WarnCallback = ignore) -> Submission:
    """Parse and check submission JSON; raise :class:`SubmissionError` listing every problem."""
    problems: list[Problem] = []

    def bad(key: str, message: str, fix: str, line_key: str | None = None) -> None:
        problems.append(Problem(file, _line_of(text, line_key or key) if key else None, key, message, fix))

    if len(text) > MAX_BYTES:
        raise SubmissionError([Problem(file, None, "", f"larger than {MAX_BYTES:,} characters",
                                       "this is not a quiz submission; check the file")])
    try:
        data = safejson.loads(text)
    except safejson.JSONError as e:
        raise SubmissionError([Problem(file, e.line, "", e.message,
                                       "save the file again from the quiz page, or fix the JSON")]) from None
    if not isinstance(data, dict):
        raise SubmissionError([Problem(file, 1, "", "expected a JSON object at the top",
                                       "save the file again from the quiz page")])
    if _ESCAPED_SURROGATE.search(text) and _lone_surrogate(data):
        raise SubmissionError([Problem(file, None, "", "holds a lone UTF-16 surrogate (an escape such as \\ud800 "
                                       "without its pair), which is not text",
                                       "save the file again from the quiz page")])
    version = data.get("schema_version")
    if "schema_version" not in data:
        bad("", "missing 'schema_version'", 'add "schema_version": 1')
    elif isinstance(version, bool) or not isinstance(version, int) or version < 1:
        bad("schema_version", f"expected 1, got {json.dumps(version)}", 'write "schema_version": 1')
    elif version > SCHEMA_VERSION:
        bad("schema_version", f"this file is schema version {version}, but this kcourse reads up to "
            f"version {SCHEMA_VERSION}", "upgrade kcourse: pip install -U -r requirements.txt")
    if problems:
        raise SubmissionError(problems)
    for key in ("quiz_id", "student_id"):
        v = data.get(key)
        if key == "student_id" and (not isinstance(v, str) or not v.strip()) and "practice" in data:
            bad("", "a practice download without a student id: the learner kept it to move their own answers, "
                "so it cannot be graded", "ask the learner to type their student id and download again")
        elif key not in data:
            bad("", f"missing '{key}'", f'add "{key}"')
        elif not isinstance(v, str) or not v.strip():
            bad(key, f"expected non-empty text, got {json.dumps(v)[:40]}", "write the id as text")
        elif len(v.strip()) > 200:
            bad(key, "longer than 200 characters", "shorten the id")
    seed = data.get("variant_seed")
    if "variant_seed" not in data:
        bad("", "missing 'variant_seed'", "save the file again from the quiz page")
    elif not is_seed(seed):
        bad("variant_seed", f"expected a whole number from 0 to 4294967295, got {json.dumps(seed)[:40]}",
            "save the file again from the quiz page")
    responses = data.get("responses")
    if "responses" not in data:
        bad("", "missing 'responses'", 'add "responses": {}')
    elif not isinstance(responses, dict):
        bad("responses", "expected an object of answers by question id", "save the file again from the quiz page")
    for key in ("started_at", "submitted_at"):
        v = data.get(key)
        if v is None:
            continue
        if not isinstance(v, str) or _parse_time(v) is None:
            bad(key, f"expected an ISO 8601 time such as 2026-11-26T10:00:00Z, got {json.dumps(v)[:40]}",
                "fix the time or remove the key")
    gen = data.get("generator", "")
    if not isinstance(gen, str):
        bad("generator", "expected text", "remove the key")
    for key in data:
        if key not in KEYS and key not in READABLE_KEYS:
            line = _line_of(text, key)
            where = f"{file}:{line}" if line else file
            warn(KcourseWarning(WarningKind.SUBMISSION_UNKNOWN_KEY,
                                f"{where}: {key}: unknown key, ignored"
                                + (" (scores are always recomputed)" if "score" in key.lower() else "")))
    if problems:
        raise SubmissionError(problems)
    return Submission(  # every field was checked above
        quiz_id=data["quiz_id"].strip(),
        student_id=data["student_id"].strip(),
        variant_seed=data["variant_seed"],
        responses=dict(data["responses"]),
        started_at=data.get("started_at"),
        submitted_at=data.get("submitted_at"),
        generator=gen,
        schema_version=data["schema_version"],
    )


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def _lone_surrogate(data: Any) -> bool:
    """Whether any text in ``data`` (keys and values, at any depth) holds a lone surrogate."""
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, str):
            if has_surrogates(x):
                return True
        elif isinstance(x, dict):
            stack.extend(x.keys())
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)
    return False


def _parse_time(v: str) -> datetime | None:
    try:
        t = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t


def load_submission(path: str | Path, *, warn: WarnCallback = ignore) -> Submission:
    """Read and check a submission file."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise SubmissionError([Problem(str(p), None, "", f"file is {size:,} bytes, more than {MAX_BYTES:,}",
                                           "this is not a quiz submission; check the file")])
        raw = p.read_bytes()
    except FileNotFoundError:
        raise SubmissionError([Problem(str(p), None, "", "no such file", "check the path")]) from None
    except IsADirectoryError:
        raise SubmissionError([Problem(str(p), None, "", "is a folder, not a file", "name a file")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SubmissionError([Problem(str(p), None, "", "not UTF-8 text", "this is not a quiz submission")]) from None
    return parse_submission(text, str(p), warn=warn)


def check_against(quiz: Quiz, sub: Submission, file: str = "<submission>",
                  question_ids: tuple[str, ...] | None = None) -> list[Problem]:
    """Problems that make a submission ungradable against ``quiz``: another quiz, unknown questions.

    ``question_ids`` is the student's variant when the caller has it already."""
    problems = []
    if sub.quiz_id != quiz.id:
        problems.append(Problem(file, None, "quiz_id", f"this submission is for quiz '{sub.quiz_id}', not '{quiz.id}'",
                                "grade it against the right quiz"))
        return problems
    shown = question_ids if question_ids is not None else variant_question_ids(quiz, sub.variant_seed)
    unknown = sorted(k for k in sub.responses if k not in shown)
    if unknown:
        listed = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        problems.append(Problem(file, None, "responses",
                                f"answers to {len(unknown)} question(s) not in this student's variant: {listed}",
                                "check that the submission belongs to this quiz and seed"))
    return problems


def grade_submission(quiz: Quiz, sub: Submission, file: str = "<submission>"):
    """Grade a submission against its quiz; raise :class:`SubmissionError` when it does not belong to it."""
    from .grading import grade_responses

    ids = variant_question_ids(quiz, sub.variant_seed) if sub.quiz_id == quiz.id else ()
    problems = check_against(quiz, sub, file, ids)
    if problems:
        raise SubmissionError(problems)
    return grade_responses(quiz, ids, sub.responses)
