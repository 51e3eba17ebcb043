"""``kcourse grade``: grade handed-in submission files into the gradebook, accounting for every file.

Each file is either graded or rejected for one :class:`~.outcome.Reason` (the checks are :class:`.judge.Judge`'s).
The score is always recomputed from the responses; a score written in the file is ignored.

Streamed: files are found, read, judged and written in batches of :data:`BATCH_FILES` (or
:data:`BATCH_BYTES`), so memory stays the same whatever the class's size; the report keeps counts and the
first :data:`EXAMPLES` outcomes of each kind, not every result. The whole run is still ONE transaction
(:class:`.runstore.RunStore`): a run that is killed leaves the gradebook as it was. A file already in the
gradebook (same bytes, same quiz version) counts as graded and changes nothing, so running the same command
twice leaves the gradebook as it was.
"""
from __future__ import annotations

import gc
import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from ..core import safejson
from ..core.errors import SubmissionError, UsageError
from ..core.grading import grade_responses
from ..core.model import Quiz
from ..core.submission import now_iso, parse_submission
from ..core.variants import variant_question_ids
from . import gradebook as gb
from .collect import Collector, Source
from .identity import IdentityCheck
from .judge import Graded, _short, attributed, db_text, judge_file, sort_time
from .manifest import Manifest, quiz_digest
from .moodle_worksheet import Worksheet
from .outcome import Reason, Rejection
from .perf import paused_gc
from .platform import MOODLE, parse_upload_name
from .roster import Roster
from .runreport import EXAMPLES, RunReport, summary
from .runstore import RunStore, to_new_attempt
from .runstore import _response_json as _response_json  # noqa: F401 - tests and older callers import it from here
from .uploads import RunWide

__all__ = ["BATCH_BYTES", "BATCH_FILES", "DeadlineArgs", "EXAMPLES", "Graded", "Judge", "RunReport", "grade_run",
           "sort_time", "summary", "to_new_attempt"]

VARIANTS_CACHED = 4096
"""Variants (question ids per seed) kept while grading: enough for a class that shares seeds, bounded for one
where every student has their own."""
FUTURE_SLACK = 600
"""Seconds a submission time may be ahead of this machine's clock (clocks differ) before it is refused."""
BATCH_FILES = 500
"""Files judged and written together."""
BATCH_BYTES = 16 << 20
"""A batch ends early once its files hold this many bytes."""

Progress = Callable[[Iterable[Source], int | None], Iterable[Source]]
"""Wraps the sources being graded (e.g. in a tqdm bar); gets the iterable and its length (``None``: not known,
the files are found as they are graded)."""


class Judge:
    """Grades one file at a time against a quiz, remembering what it saw (for duplicates)."""

    def __init__(self, quiz: Quiz, *, roster: Roster | None = None, seeds: dict[str, int] | None = None,
                 warn: Callable[[str], None] | None = None, opens: str = "", now: str = "",
                 platform_names: bool = True, worksheet: Worksheet | None = None):
        self.quiz = quiz
        self.worksheet = worksheet
        """Moodle's grading worksheet: participant ids to students, Moodle's own submission times and late marks."""
        self.roster = roster
        self.seeds = seeds
        self.warn = warn or (lambda _m: None)
        self.opens = opens
        """Times before this (UTC, as :func:`sort_time`) are not trusted: the quiz was not out yet."""
        self.latest = sort_time(now) if now else ""
        self.identity = IdentityCheck(roster, worksheet)
        self.platform_names = platform_names
        self.seen: dict[str, str] = {}
        """``sha256 -> name`` of the files graded so far (the caller may keep only a batch's worth here)."""
        self._variants: dict[int, tuple[tuple[str, ...], frozenset[str]]] = {}

    def _warn(self, w) -> None:
        self.warn(str(w))

    @staticmethod
    def _not_a_submission(name: str, text: str, e: SubmissionError) -> Rejection:
        """NOT_JSON when the text is not a JSON object at all, else NOT_SUBMISSION with the problems."""
        try:
            top = safejson.loads(text)
        except safejson.JSONError as je:
            return Rejection(name, Reason.NOT_JSON, f"{je.message}; ask for the .json file the quiz page or "
                                                    "notebook saved")
        if not isinstance(top, dict):
            return Rejection(name, Reason.NOT_JSON, f"expected a JSON object at the top, got {type(top).__name__}")
        return Rejection(name, Reason.NOT_SUBMISSION, "; ".join(_short(p) for p in e.problems))

    def variant(self, seed: int) -> tuple[tuple[str, ...], frozenset[str]]:
        v = self._variants.get(seed)
        if v is None:
            ids = variant_question_ids(self.quiz, seed)
            v = self._variants[seed] = (ids, frozenset(ids))
            if len(self._variants) > VARIANTS_CACHED:
                self._variants.clear()
        return v

    def __call__(self, name: str, data: bytes) -> Graded | Rejection:
        sha = hashlib.sha256(data).hexdigest()
        first = self.seen.get(sha)
        if first is not None:
            return Rejection(name, Reason.DUPLICATE, f"the same content as {first}; only the first is graded")
        out = self._judge(name, data, sha)
        if not isinstance(out, Rejection):
            self.seen[sha] = name  # a copy of a rejected file (say, under the wrong account) may still be graded
        return out

    def _judge(self, name: str, data: bytes, sha: str) -> Graded | Rejection:
        if data.startswith(b"PK\x03\x04"):
            return Rejection(name, Reason.NOT_JSON, "a zip archive, not a submission file; unpack it and give the "
                                                    "folder, or name it .zip")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return Rejection(name, Reason.NOT_JSON, "not UTF-8 text, so not a submission file; ask for the .json file "
                                                    "the quiz page or notebook saved")
        try:
            sub = parse_submission(text, name, warn=self._warn)
        except SubmissionError as e:
            return self._not_a_submission(name, text, e)
        quiz = self.quiz
        if sub.quiz_id != quiz.id:
            return Rejection(name, Reason.WRONG_QUIZ, f"this submission is for quiz '{sub.quiz_id}', not "
                                                      f"'{quiz.id}' (grade it against quiz {sub.quiz_id})")
        sid = sub.student_id
        up = parse_upload_name(name) if self.platform_names else None
        row = None
        if up is not None and up.platform == MOODLE and self.worksheet is not None:
            row = self.worksheet.by_participant.get(up.user)
            if row is None:
                self.warn(f"{name}: Moodle participant {up.user} is not in the grading worksheet "
                          f"{self.worksheet.source} (downloaded before they submitted?); the time in the file is used")
            elif row.late:
                up = replace(up, late=True)
        if self.roster is not None:
            student = self.roster.find(sid)
            if student is None:
                return Rejection(name, Reason.UNKNOWN_STUDENT,
                                 f"student id '{sid}' is not on the roster {self.roster.source} (check the id with "
                                 "the student, or add them to the roster)")
            sid = student.student_id
        if up is not None:
            verdict = self.identity.check(up, sid)
            if verdict.reject:
                return Rejection(name, Reason.FOREIGN_ACCOUNT, verdict.reject, sid)
            if verdict.warn:
                self.warn(f"{name}: {verdict.warn}")
        if self.seeds is not None:
            expected = self.seeds.get(sid)
            if expected is not None and sub.variant_seed != expected:
                return Rejection(name, Reason.SEED_MISMATCH,
                                 f"variant seed {sub.variant_seed} is not the seed assigned to '{sid}' ({expected}): "
                                 "the file comes from another student's page or was edited")
        ids, shown = self.variant(sub.variant_seed)
        unknown = sorted(k for k in sub.responses if k not in shown)
        if unknown:
            listed = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
            return Rejection(name, Reason.UNKNOWN_QUESTIONS,
                             f"answers {len(unknown)} question(s) not in this student's variant (seed "
                             f"{sub.variant_seed}): {listed}")
        from_sheet = row is not None and bool(row.submitted)
        if row is not None and row.submitted:  # the platform's time, never the one the student's file says
            when, note = row.submitted, ""
        else:
            when = sort_time(sub.submitted_at)
            note = self.time_note(sub.submitted_at, when)
        if note:
            self.warn(f"{name}: {note}")
        return Graded(name, sha, sub, sid, grade_responses(quiz, ids, sub.responses), content=text, uploader=up,
                      time_note=note, when=when, platform_time=from_sheet)

    def time_note(self, submitted_at: str | None, t: str | None = None) -> str:
        """Why ``submitted_at`` cannot be trusted, or '' (``t``: its :func:`sort_time`, when known)."""
        t = sort_time(submitted_at) if t is None else t
        if not t:
            return ""
        if self.opens and t < self.opens:
            return (f"submitted_at {submitted_at} is before the quiz was assigned ({self.opens[:19]}Z); the time is "
                    "not used (the file was edited, or the computer's clock is wrong)")
        if self.latest and t > self.latest:
            return (f"submitted_at {submitted_at} is in the future; the time is not used (the file was edited, or "
                    "the computer's clock is wrong)")
        return ""


@dataclass(frozen=True)
class DeadlineArgs:
    """What ``kcourse grade`` was told about the deadline (``None``: keep what the gradebook has)."""

    due: str | None = None
    grace_min: float | None = None
    penalty_pct: float | None = None
    opens: str | None = None
    extensions: dict[str, str] | None = None


def grade_run(*, quiz: Quiz, inputs: list[str] | tuple[str, ...], gradebook: str | Path,
              roster: Roster | None = None, manifest: Manifest | None = None, policy: str | None = None,
              progress: Progress | None = None, deadline: DeadlineArgs | None = None,
              platform_names: bool = True, worksheet: Worksheet | None = None) -> RunReport:
    """Grade every file found in ``inputs`` against ``quiz`` and store the run in ``gradebook``.

    ``worksheet``: Moodle's grading worksheet of the assignment, for its participant ids and submission times."""
    from ..views.keyless import is_keyless_file

    if quiz.source and is_keyless_file(quiz.source):
        raise UsageError(f"{quiz.source} is a student's key-less copy; grade against the quiz file itself")
    if policy is not None and policy not in gb.POLICIES:
        raise UsageError(f"unknown policy '{policy}'; one of {', '.join(gb.POLICIES)}")
    report = RunReport(quiz, gb.address(gradebook))
    digest = quiz_digest(quiz)
    seeds = None
    if manifest is not None:
        if manifest.quiz_id != quiz.id:
            raise UsageError(f"the manifest {manifest.source} is for quiz '{manifest.quiz_id}', not '{quiz.id}'")
        if manifest.quiz_digest != digest:
            report.notes.append(f"the quiz changed since it was assigned ({manifest.source} has {manifest.quiz_digest},"
                                f" the quiz is now {digest}); grading against the quiz as it is now")
        seeds = manifest.seeds()
        if roster is None:
            roster = manifest.roster
    started = now_iso()
    deadline = deadline or DeadlineArgs()
    if deadline.opens is None and manifest is not None and sort_time(manifest.created_at):
        deadline = replace(deadline, opens=sort_time(manifest.created_at))
    conn = gb.connect(report.gradebook, create=True)
    try:
        with paused_gc():
            _grade_into(conn, report, quiz=quiz, inputs=inputs, roster=roster, seeds=seeds, digest=digest,
                        policy=policy, started=started, progress=progress, deadline=deadline,
                        platform_names=platform_names, worksheet=worksheet)
    finally:
        conn.close()
    return report


def _grade_into(conn, report: RunReport, *, quiz: Quiz, inputs: list[str] | tuple[str, ...],
                roster: Roster | None, seeds: dict[str, int] | None, digest: str, policy: str | None, started: str,
                progress: Progress | None, deadline: DeadlineArgs, platform_names: bool,
                worksheet: Worksheet | None = None) -> None:
    """Grade every source into ``report`` batch by batch, all in one transaction."""
    from datetime import timedelta

    from . import classbook
    from .regrade import digest_with, key_changes

    opens = deadline.opens if deadline.opens is not None else classbook.lateness(conn, quiz.id).opens
    now = (datetime.now(UTC) + timedelta(seconds=FUTURE_SLACK)).isoformat()
    judge = Judge(quiz, roster=roster, seeds=seeds, warn=report.warn, opens=opens, now=now,
                  platform_names=platform_names, worksheet=worksheet)
    book = report.gradebook
    own = gb.own_files(book)  # the gradebook is listed as left out, its journal (there while it is written) not
    changes = key_changes(conn, quiz.id)
    digest = digest_with(quiz, changes)

    def setup(c) -> None:
        if deadline != DeadlineArgs():
            classbook.set_deadline(c, quiz.id, due=deadline.due, grace_min=deadline.grace_min,
                                   penalty_pct=deadline.penalty_pct, opens=deadline.opens,
                                   extensions=deadline.extensions)

    def stream(store: RunStore) -> tuple[int, int, int]:
        with Collector(list(inputs), exclude=own[:1], hidden=own[1:]) as found:
            sources: Iterable[Source] = found
            if progress is not None:
                sources = progress(found, None)
            wide = RunWide()  # the checks across the run's files (Moodle's worksheet, Canvas anonymous)
            for k, batch in enumerate(_batches(found, sources)):
                graded, rejections = _judge_batch(store, report, judge, batch)
                wide.note(_write_batch(store, report, graded, rejections, changes, quiz.pass_mark))
                if k % 20 == 19:
                    gc.collect()  # the collector is paused (perf.paused_gc); a batch's garbage is freed here
            wide.check(store, report, judge, quiz.id)
            report.ignored, report.missing = found.ignored, found.missing
        return report.files_in, report.n_graded, report.n_rejected

    try:
        report.write = gb.write_run(conn, quiz_id=quiz.id, title=quiz.title, digest=digest, source=quiz.source,
                                    policy=policy, started_at=started, files_in=0, graded=0, rejected=0,
                                    roster=roster or (), setup=setup, stream=stream)
    except sqlite3.Error as e:
        raise gb.sqlite_error(book, e) from None  # type: ignore[arg-type]


Read = tuple[Source, bytes | None, tuple[Reason, str] | None]


def _batches(found: Collector, sources: Iterable[Source]) -> Iterator[list[Read]]:
    """The sources read, in batches of at most :data:`BATCH_FILES` files or :data:`BATCH_BYTES` bytes."""
    batch: list[Read] = []
    size = 0
    for src in sources:
        try:
            data, problem = found.read(src)
        except (MemoryError, RecursionError) as e:
            data, problem = None, (Reason.TOO_LARGE, f"too large to read ({type(e).__name__})")
        batch.append((src, data, problem))
        size += len(data) if data else 0
        if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _judge_batch(store: RunStore, report: RunReport, judge: Judge, batch: list[Read]
                 ) -> tuple[list[Graded], list[gb.RejectedFile]]:
    """Judge one batch of files: the graded ones, and the rejections (counted in the report) to store."""
    report.files_in += len(batch)
    shas = {src.name: hashlib.sha256(data).hexdigest() for src, data, _p in batch if data is not None}
    judge.seen = store.seen(set(shas.values()))  # graded earlier in this run: a second copy is a duplicate
    graded: list[Graded] = []
    rejections: list[gb.RejectedFile] = []
    for src, data, problem in batch:
        outcome = judge_file(judge, src.name, data, problem)
        if isinstance(outcome, Rejection):
            rejections.append(_rejected(report, attributed(outcome, data, judge), shas.get(src.name, "")))
        else:
            graded.append(outcome)
    return graded, rejections


def _rejected(report: RunReport, r: Rejection, sha: str) -> gb.RejectedFile:
    report._rejected(r)
    return gb.RejectedFile(db_text(r.source), sha, db_text(r.student_id), r.reason.value, db_text(r.message),
                           db_text(r.uploader))


def _write_batch(store: RunStore, report: RunReport, graded: list[Graded], rejections: list[gb.RejectedFile],
                 changes, pass_mark: float) -> list[Graded]:
    """Stage judged files: new attempts, regraded ones (the quiz changed), rejections; the graded files with their
    state."""
    from .regrade import apply_changes

    known = store.known({g.sha256 for g in graded})
    new, regrade, out = [], [], []
    for g in graded:
        if g.sha256 in known:
            aid, old_digest = known[g.sha256]
            if old_digest == store.digest:
                g = replace(g, state="unchanged")
            else:
                g = replace(g, state="regraded")
                regrade.append((aid, apply_changes(to_new_attempt(g), changes, pass_mark)))
        else:
            new.append(apply_changes(to_new_attempt(g), changes, pass_mark) if changes else to_new_attempt(g))
        report._graded(g)
        out.append(g)
    store.write(new=new, regrade=regrade, rejections=rejections, graded=[(g.sha256, g.source) for g in graded])
    return out

