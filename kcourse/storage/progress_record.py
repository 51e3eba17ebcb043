"""One quiz's record in the learner's progress file (:mod:`kcourse.storage.progress_store` reads and writes the
file): what it holds, what makes a stored one unusable, and the pure updates the front ends make to it (each
returns a new record). No file access.
"""
from __future__ import annotations

import math
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from ..core.grading import QuestionResult, is_blank
from ..core.rules import is_seed, percentage
from ..core.variants import seed_for


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, kw_only=True)
class QuizRecord:
    """What the progress file keeps about one quiz."""

    quiz_id: str
    seed: int
    """The learner's variant seed (from the student id, or chosen at random once and kept)."""
    student_id: str | None = None
    """Last student id typed or given; fills the box next time."""
    mode: str = "practice"
    """The mode the quiz was answered in; scores are not kept for assessments."""
    responses: Mapping[str, Any] = field(default_factory=dict)
    """By question id, as in a submission file."""
    results: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """By question id: ``{"score", "max_score", "status"}`` of the last check (practice mode only)."""
    hints_shown: Mapping[str, int] = field(default_factory=dict)
    """By question id: how many hints were revealed."""
    stamps: Mapping[str, float] = field(default_factory=dict)
    """By question id: when its response or result last changed (seconds since 1970); merges keep the newer."""
    first_results: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """By question id: the result of the first check (the first-try score); never changes once set."""
    tries: Mapping[str, int] = field(default_factory=dict)
    """By question id: how many checks counted as tries."""
    answer_shown: Mapping[str, bool] = field(default_factory=dict)
    """By question id: the explanation and right answer were shown (the question is done until a new attempt)."""
    max_total: float | None = None
    """Points of the whole variant, so that a merge can recompute ``last_score``."""
    last_score: float | None = None
    """Percentage of the whole variant from the checked questions (unchecked count 0)."""
    best_score: float | None = None
    """The highest ``last_score`` so far."""
    started_at: str | None = None
    updated_at: str | None = None
    submitted_at: str | None = None
    """When a submission file was last saved."""
    submission_file: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["quiz_id"]
        for key in ("responses", "results", "hints_shown", "stamps", "first_results", "tries", "answer_shown"):
            data[key] = {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in getattr(self, key).items()}
        return data

    @property
    def answered_ids(self) -> frozenset[str]:
        return frozenset(k for k, v in self.responses.items() if not is_blank(v))


def record_problems(data: Any) -> list[str]:
    """What is wrong with one stored record (empty when it can be used)."""
    if not isinstance(data, dict):
        return ["expected an object"]
    out = []
    seed = data.get("seed")
    if not is_seed(seed):
        out.append("seed: expected a whole number from 0 to 4294967295")
    for key in ("responses", "results", "hints_shown", "stamps", "first_results", "tries", "answer_shown"):
        if not isinstance(data.get(key, {}), dict):
            out.append(f"{key}: expected an object")
    for key in ("results", "first_results"):
        results = data.get(key, {})
        if isinstance(results, dict):
            for qid, r in results.items():
                if not (isinstance(r, dict) and _is_number(r.get("score")) and _is_number(r.get("max_score"))
                        and isinstance(r.get("status"), str)):
                    out.append(f"{key}.{qid}: expected score, max_score and status")
                    break
    for key in ("hints_shown", "tries"):
        counts = data.get(key, {})
        if isinstance(counts, dict) and not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                                                for v in counts.values()):
            out.append(f"{key}: expected whole numbers")
    stamps = data.get("stamps", {})
    if isinstance(stamps, dict) and not all(_is_number(v) for v in stamps.values()):
        out.append("stamps: expected numbers")
    for key in ("last_score", "best_score", "max_total"):
        if data.get(key) is not None and not _is_number(data[key]):
            out.append(f"{key}: expected a number")
    for key in ("student_id", "mode", "started_at", "updated_at", "submitted_at", "submission_file"):
        if data.get(key) is not None and not isinstance(data[key], str):
            out.append(f"{key}: expected text")
    return out


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def record_from(quiz_id: str, data: dict) -> QuizRecord:
    known = {f for f in QuizRecord.__dataclass_fields__ if f != "quiz_id"}
    return QuizRecord(quiz_id=quiz_id, **{k: v for k, v in data.items() if k in known})


# -- record updates: pure, each returns a new record ------------------------------------------------

def new_record(quiz_id: str, seed: int, *, student_id: str | None = None, mode: str = "practice") -> QuizRecord:
    return QuizRecord(quiz_id=quiz_id, seed=seed, student_id=student_id, mode=mode, started_at=_now())


def _touched(rec: QuizRecord, **changes: Any) -> QuizRecord:
    return replace(rec, updated_at=_now(), started_at=rec.started_at or _now(), **changes)


def _stamped(rec: QuizRecord, question_id: str) -> dict[str, float]:
    return {**rec.stamps, question_id: max(time.time(), rec.stamps.get(question_id, 0.0) + 1e-6)}


def with_response(rec: QuizRecord, question_id: str, response: Any) -> QuizRecord:
    """Keep (or, when blank, forget) the response to one question."""
    if rec.responses.get(question_id) == response or (is_blank(response) and question_id not in rec.responses):
        return rec
    responses = dict(rec.responses)
    if is_blank(response):
        responses.pop(question_id, None)
    else:
        responses[question_id] = response
    return _touched(rec, responses=responses, stamps=_stamped(rec, question_id))


def with_hints(rec: QuizRecord, question_id: str, shown: int) -> QuizRecord:
    return _touched(rec, hints_shown={**rec.hints_shown, question_id: shown}, stamps=_stamped(rec, question_id))


def with_answer_shown(rec: QuizRecord, question_id: str) -> QuizRecord:
    """The explanation and right answer of one question were shown: it is done until a new attempt."""
    return _touched(rec, answer_shown={**rec.answer_shown, question_id: True}, stamps=_stamped(rec, question_id))


def new_attempt(rec: QuizRecord, question_ids: Iterable[str]) -> QuizRecord:
    """Start the questions ``question_ids`` over: answers, tries, hints and shown answers cleared; the best score
    stays (and a merge does not bring the cleared answers back: every question is stamped)."""
    ids = set(question_ids)
    keep = {k: {q: v for q, v in getattr(rec, k).items() if q not in ids}
            for k in ("responses", "results", "first_results", "tries", "hints_shown", "answer_shown")}
    stamps = dict(rec.stamps)
    for q in ids:
        stamps.update(_stamped(replace(rec, stamps=stamps), q))
    return _touched(rec, **keep, stamps=stamps, last_score=None)


def score_of(results: Mapping[str, Mapping[str, Any]], question_ids: Iterable[str], max_total: float) -> float:
    """Percentage of ``max_total`` earned by the results of ``question_ids`` (as :class:`QuizResult` rounds it)."""
    total = round(sum(results[q]["score"] for q in question_ids if q in results), 6)
    return percentage(total, max_total)


def with_result(rec: QuizRecord, result: QuestionResult, question_ids: Iterable[str], max_total: float, *,
                response: Any = None) -> QuizRecord:
    """Keep the result of a check (a try; with the ``response`` checked), and update the last and best scores of
    the variant ``question_ids``."""
    qid = result.question_id
    entry = {"score": result.score, "max_score": result.max_score, "status": result.status.value}
    if response is not None:
        entry["response"] = response
    results = {**rec.results, qid: entry}
    first = rec.first_results if qid in rec.first_results else {**rec.first_results, qid: entry}
    last = score_of(results, question_ids, max_total)
    best = last if rec.best_score is None else max(rec.best_score, last)
    return _touched(rec, results=results, first_results=first, last_score=last, best_score=best,
                    stamps=_stamped(rec, qid), tries={**rec.tries, qid: rec.tries.get(qid, 0) + 1},
                    max_total=max_total)


def without_result(rec: QuizRecord, question_id: str, question_ids: Iterable[str], max_total: float) -> QuizRecord:
    """Try again: forget one question's response and result; the best score stays."""
    results = {k: v for k, v in rec.results.items() if k != question_id}
    responses = {k: v for k, v in rec.responses.items() if k != question_id}
    last = score_of(results, question_ids, max_total) if results else None
    return _touched(rec, results=results, responses=responses, last_score=last, stamps=_stamped(rec, question_id))


def with_submission(rec: QuizRecord, student_id: str, file: str, when: str) -> QuizRecord:
    return _touched(rec, student_id=student_id, submitted_at=when, submission_file=file)


def choose_seed(quiz_id: str, *, seed: int | None = None, student_id: str | None = None,
                record: QuizRecord | None = None) -> int:
    """The variant seed: the one asked for, else the student's (:func:`seed_for`), else the one kept in the
    progress file, else a new random one (kept once the learner answers)."""
    if seed is not None:
        return seed
    if student_id:
        return seed_for(quiz_id, student_id)
    if record is not None:
        return record.seed
    return secrets.randbits(32)
