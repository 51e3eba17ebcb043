"""The learner's progress file: answers, results and scores of every quiz, kept on this computer only.

``~/.kcourse/progress.json`` by default; the folder can be changed with the environment variable
``KCOURSE_HOME``. The file is JSON (``schema_version: 1``)::

    {"schema_version": 1,
     "quizzes": {"ch02-growing-up": {"seed": 2893401422, "responses": {"bkl-removed": "a"},
                                     "results": {"bkl-removed": {"score": 1, "max_score": 1, "status": "correct"}},
                                     "last_score": 12.5, "best_score": 12.5, ...}}}

Every write goes to a temporary file in the same folder that then replaces the old one (``os.replace``),
so a crash never leaves half a file. A file that cannot be read is moved aside with a message and a new
one is started: a quiz never crashes because of it. Pure core: no IPython, no ipywidgets.

(The module is not called ``progress`` because ``kcourse.progress()`` is the course progress page.)
"""
from __future__ import annotations

import json
import math
import os
import secrets
import shutil
import stat
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core import model as m
from ..core import safejson
from ..core.grading import QuestionResult, is_blank
from ..core.rules import is_seed, percentage
from ..core.variants import seed_for, variant_question_ids
from .atomicfile import locked, write_text_atomically
from .progress_merge import merge_records

SCHEMA_VERSION = 1
HOME_ENV = "KCOURSE_HOME"
FILE_NAME = "progress.json"
MAX_BYTES = 20_000_000


def kcourse_home() -> Path:
    """The folder of the progress file: ``$KCOURSE_HOME`` if set, else ``~/.kcourse``."""
    env = os.environ.get(HOME_ENV, "").strip()
    return Path(env).expanduser() if env else Path.home() / ".kcourse"


def default_path() -> Path:
    return kcourse_home() / FILE_NAME


def shown_path(path: Path) -> str:
    """``path`` with the home folder written as ``~`` (shorter, and does not show the user name)."""
    try:
        return "~/" + path.resolve().relative_to(Path.home().resolve()).as_posix()
    except (ValueError, RuntimeError, OSError):
        return str(path)


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


def _record_problems(data: Any) -> list[str]:
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


def _record_from(quiz_id: str, data: dict) -> QuizRecord:
    known = {f for f in QuizRecord.__dataclass_fields__ if f != "quiz_id"}
    return QuizRecord(quiz_id=quiz_id, **{k: v for k, v in data.items() if k in known})


class ProgressStore:
    """Reads and writes the progress file. Never raises for a bad or unwritable file: it says so in
    :attr:`notices` and carries on (answers are then kept only while the notebook runs)."""

    def __init__(self, path: str | Path | None = None, *, course: str | None = None):
        self.path = Path(path) if path is not None else default_path()
        self.course = course
        """The course id (:mod:`kcourse.course`): records are kept under ``<course>/<quiz id>``. A record kept
        under the quiz id alone (before courses had ids) is read once and then saved under the course."""
        self.notices: list[str] = []
        """Messages for the learner about the file (moved aside, not writable, too new)."""
        self.writable = True
        self._bad_records: set[str] = set()

    # -- reading ---------------------------------------------------------------------------------
    def _empty(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "quizzes": {}}

    def read_raw(self) -> dict[str, Any]:
        """The whole file as data; an unreadable file is moved aside and an empty one returned."""
        try:
            st = self.path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return self._empty()
        except OSError as e:
            self._refuse(f"The progress file {shown_path(self.path)} cannot be read ({e.strerror}); "
                         "answers are not saved.")
            return self._empty()
        if not stat.S_ISREG(st.st_mode):  # a named pipe or a device would block the read, or never end
            self._refuse(f"The progress file {shown_path(self.path)} is not a regular file (a folder, named pipe, "
                         "socket or device); answers are not saved. Remove it, or set KCOURSE_HOME to another "
                         "folder.")
            return self._empty()
        size = st.st_size
        if size > MAX_BYTES:
            return self._set_aside(f"it is {size:,} bytes, more than a progress file can be")
        try:
            text = self.path.read_text(encoding="utf-8")
            data = safejson.loads(text, nan_as_none=False)
        except UnicodeDecodeError:
            return self._set_aside("it is not UTF-8 text")
        except safejson.JSONError as e:
            return self._set_aside((f"line {e.line}: " if e.line else "") + e.message)
        except OSError as e:
            self._refuse(f"The progress file {shown_path(self.path)} cannot be read ({e.strerror}); "
                         "answers are not saved.")
            return self._empty()
        if not isinstance(data, dict) or not isinstance(data.get("quizzes", {}), dict):
            return self._set_aside("it is not a kcourse progress file (expected an object with 'quizzes')")
        version = data.get("schema_version", SCHEMA_VERSION)
        if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
            self._refuse(f"The progress file {shown_path(self.path)} was written by a newer kcourse "
                         f"(schema version {version}); answers are not saved. Upgrade kcourse: "
                         "pip install -U -r requirements.txt")
            return self._empty() | {"quizzes": data.get("quizzes", {})}
        if version != SCHEMA_VERSION:
            return self._set_aside(f"schema_version: expected {SCHEMA_VERSION}, got {json.dumps(version)[:40]}")
        data.setdefault("quizzes", {})
        return data

    def _refuse(self, message: str) -> None:
        self.writable = False
        self._notice(message)

    def _notice(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)

    def _aside_path(self, kind: str) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        base = self.path.with_name(f"{self.path.stem}.{kind}-{stamp}{self.path.suffix}")
        target, n = base, 1
        while target.exists():
            n += 1
            target = base.with_name(f"{base.stem}-{n}{base.suffix}")
        return target

    def _set_aside(self, why: str) -> dict[str, Any]:
        """Move an unreadable file out of the way (never delete it) and start afresh."""
        target = self._aside_path("corrupt")
        try:
            os.replace(self.path, target)
        except OSError as e:
            self._refuse(f"The progress file {shown_path(self.path)} cannot be read ({why}) and could not be "
                         f"moved aside ({e.strerror}); answers are not saved until you move or delete it.")
            return self._empty()
        self._notice(f"The progress file {shown_path(self.path)} could not be read ({why}). It was moved to "
                     f"{shown_path(target)} and a new one started; your earlier answers are in that file.")
        return self._empty()

    def key(self, quiz_id: str) -> str:
        """Where a quiz's record is kept in the file's ``quizzes`` map."""
        return f"{self.course}/{quiz_id}" if self.course else quiz_id

    def _stored(self, quizzes: Mapping[str, Any], quiz_id: str) -> Any:
        return quizzes.get(self.key(quiz_id), quizzes.get(quiz_id) if self.course else None)

    def record(self, quiz_id: str) -> QuizRecord | None:
        """The stored record of one quiz; ``None`` if there is none or it is unusable (a notice says so)."""
        data = self._stored(self.read_raw()["quizzes"], quiz_id)
        if data is None:
            return None
        problems = _record_problems(data)
        if problems:
            self._bad_record(quiz_id, problems)
            return None
        return _record_from(quiz_id, data)

    def records(self) -> dict[str, QuizRecord]:
        """Every usable record, by quiz id."""
        out = {}
        stored = self.read_raw()["quizzes"]
        prefix = f"{self.course}/" if self.course else ""
        ids = {k.removeprefix(prefix) for k in stored if "/" not in k or (prefix and k.startswith(prefix))}
        for quiz_id in sorted(ids):
            data = self._stored(stored, quiz_id)
            problems = _record_problems(data)
            if problems:
                self._bad_record(quiz_id, problems, copy=False)
            else:
                out[quiz_id] = _record_from(quiz_id, data)
        return out

    def _bad_record(self, quiz_id: str, problems: list[str], copy: bool = True) -> None:
        if quiz_id in self._bad_records:
            return
        self._bad_records.add(quiz_id)
        kept = ""
        if copy and self.writable:
            target = self._aside_path("backup")
            try:
                shutil.copy2(self.path, target)
                kept = f" A copy of the file was kept as {shown_path(target)}."
            except OSError:
                kept = ""
        self._notice(f"The saved answers of quiz '{quiz_id}' in {shown_path(self.path)} could not be read "
                     f"({'; '.join(problems)}); the quiz starts afresh.{kept}")

    # -- writing ---------------------------------------------------------------------------------
    def save(self, record: QuizRecord) -> bool:
        """Store one quiz's record, merged question by question with what the file holds now
        (:func:`kcourse.storage.progress_merge.merge_records`: another copy's newer answers are kept, the best score
        never goes down); other quizzes are kept as they are. ``False`` when it could not be saved."""
        try:
            with locked(self.path):
                data = self.read_raw()
                if not self.writable:
                    return False
                stored = self._stored(data["quizzes"], record.quiz_id)
                old = _record_from(record.quiz_id, stored) if stored is not None and not _record_problems(stored) \
                    else None
                data["quizzes"][self.key(record.quiz_id)] = merge_records(old, record).to_dict()
                if self.course:
                    data["quizzes"].pop(record.quiz_id, None)  # a record from before course ids now lives here
                write_text_atomically(self.path, json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True)
                                      + "\n", private=True)
        except OSError as e:
            self._notice(f"Answers could not be saved in {shown_path(self.path)} ({e.strerror or e}); they are "
                         f"kept only while this notebook runs. Set {HOME_ENV} to a folder you can write to.")
            return False
        return True


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


# -- the course overview ------------------------------------------------------------------------------

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


def form_id(quiz: m.Quiz, mode: str) -> str:
    """The id a quiz's record is kept under when taken in ``mode``: the quiz id in the quiz's own mode,
    ``<quiz id>@<mode>`` in the other (the practice form of an exam keeps its answers and scores apart from the
    exam's, as the browser's storage keys do with their mode)."""
    return quiz.id if mode == quiz.mode else f"{quiz.id}@{mode}"


def course_rows(quizzes: Iterable[m.Quiz], records: Mapping[str, QuizRecord]) -> list[CourseRow]:
    """One row per quiz, by chapter then id, from the learner's records; and one for the practice form of an
    assessment the learner has used."""
    rows = []
    for quiz in quizzes:
        rows.append(_row(quiz, quiz.id, records.get(quiz.id)))
        practice_form = form_id(quiz, "practice")
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
