"""``kcourse grade``: grade handed-in submission files into the gradebook, accounting for every file.

Each file is either graded or rejected for one :class:`~.outcome.Reason`, checked in this order:
unreadable or too large, a duplicate (the same bytes as an earlier file of this run), not JSON, not a valid
submission, another quiz, a student not on the roster/manifest (when one is given), a variant seed that is
not the one assigned to the student (only with ``--manifest``: the quiz was assigned, so every student's
seed is known), answers to questions outside the student's variant. The score is always recomputed from the
responses; a score written in the file is ignored.

Then the whole run is written to the gradebook in one transaction (:func:`.gradebook.write_run`). A file
already in the gradebook (same bytes, same quiz version) counts as graded and changes nothing, so running
the same command twice leaves the gradebook as it was.
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core import safejson
from ..core.errors import Problem, SubmissionError, UsageError
from ..core.grading import QuizResult, grade_responses, is_blank
from ..core.model import Quiz
from ..core.rules import percentage
from ..core.submission import Submission, now_iso, parse_submission
from ..core.variants import variant_question_ids
from . import gradebook as gb
from .collect import Collector, Source
from .identity import IdentityCheck
from .manifest import Manifest, quiz_digest
from .moodle_worksheet import Worksheet
from .outcome import Reason, Rejection
from .perf import paused_gc
from .platform import MOODLE, Uploader, parse_upload_name
from .roster import Roster

FUTURE_SLACK = 600
"""Seconds a submission time may be ahead of this machine's clock (clocks differ) before it is refused."""

Progress = Callable[[Iterable[Source], int], Iterable[Source]]
"""Wraps the sources being graded (e.g. in a tqdm bar); gets the iterable and its length."""


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


@dataclass
class RunReport:
    quiz: Quiz
    gradebook: gb.Address
    files_in: int = 0
    graded: list[Graded] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    """System files left out (``__MACOSX``, ``.DS_Store``, the gradebook itself, ...)."""
    missing: list[str] = field(default_factory=list)
    """Arguments that named no file."""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    write: gb.WriteResult | None = None

    @property
    def ok(self) -> bool:
        """Everything given was found and graded."""
        return not self.rejected and not self.missing

    def by_reason(self) -> dict[Reason, list[Rejection]]:
        out: dict[Reason, list[Rejection]] = {}
        for r in self.rejected:
            out.setdefault(r.reason, []).append(r)
        return {k: out[k] for k in Reason if k in out}

    def count(self, state: str) -> int:
        return sum(1 for g in self.graded if g.state == state)


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
        self.rejected_sha: dict[str, str] = {}
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
            if len(self._variants) > 100_000:
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


def _judge_one(judge: Judge, found: Collector, src: Source) -> tuple[Graded | Rejection, bytes | None]:
    """One file's outcome (and its bytes, when read). Whatever goes wrong with one file fails that file only:
    the run goes on."""
    try:
        data, problem = found.read(src)
        if problem is not None:
            return Rejection(src.name, *problem), None
        assert data is not None  # internal invariant: read() gives bytes or a problem
        return judge(src.name, data), data
    except (MemoryError, RecursionError) as e:
        return Rejection(src.name, Reason.TOO_LARGE, f"too large or nested too deeply to grade ({type(e).__name__})"
                         ), None
    except Exception as e:  # noqa: BLE001 - a bug must cost one file, not the class's run
        return Rejection(src.name, Reason.FAILED, f"grading this file failed ({type(e).__name__}: {str(e)[:200]}); "
                                                  "please report it as a kcourse bug, with the file"), None


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\]')


def _response_json(r: Any) -> str | None:
    """The response as compact JSON (``None`` when blank); the common scalars without the encoder's cost."""
    if is_blank(r):
        return None
    t = type(r)
    if t is str and not _NEEDS_ESCAPE.search(r):
        return f'"{r}"'
    if t is bool:
        return "true" if r else "false"
    if t is int:
        return str(r)
    return _encode(r)


def to_new_attempt(g: Graded, content: str | None = None) -> gb.NewAttempt:
    res, responses = g.result, g.submission.responses
    items = tuple((r.question_id, r.score, r.max_score, r.status.value, _response_json(responses.get(r.question_id)))
                  for r in res.results)
    total, max_score = res.total, res.max_score  # the properties add up the results on every call
    percent = percentage(total, max_score)  # as QuizResult.percentage
    up = g.uploader
    return gb.NewAttempt(sha256=g.sha256, student_id=g.student_id, variant_seed=g.submission.variant_seed,
                         submitted_at=g.submission.submitted_at,
                         sort_time="" if g.time_note else (
                             g.when if g.when is not None else sort_time(g.submission.submitted_at)),
                         source=g.source, content=g.content if content is None else content, total=total,
                         max_score=max_score, percentage=percent, passed=percent >= res.pass_mark, items=items,
                         uploader=f"{up.platform}:{up.user}" if up else "", upload_name=up.name_key if up else "",
                         platform_file=up.file_id if up else "", platform_late=up.late if up else None,
                         time_note=g.time_note)


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
        from dataclasses import replace

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
    """Grade every source into ``report``, then write the run (one transaction)."""
    from datetime import timedelta

    from . import classbook

    opens = deadline.opens if deadline.opens is not None else classbook.lateness(conn, quiz.id).opens
    now = (datetime.now(UTC) + timedelta(seconds=FUTURE_SLACK)).isoformat()
    judge = Judge(quiz, roster=roster, seeds=seeds, warn=report.warnings.append, opens=opens, now=now,
                  platform_names=platform_names, worksheet=worksheet)
    book = report.gradebook
    own = gb.own_files(book)
    with Collector(list(inputs), exclude=own) as found:
        report.ignored, report.missing = found.ignored, found.missing
        report.files_in = len(found.sources)
        sources: Iterable[Source] = found.sources
        if progress is not None:
            sources = progress(found.sources, len(found.sources))
        for src in sources:
            outcome, data = _judge_one(judge, found, src)
            if isinstance(outcome, Rejection):
                report.rejected.append(_attributed(outcome, data, judge))
            else:
                report.graded.append(outcome)
    if worksheet is not None:
        from .uploads import one_file_per_participant

        one_file_per_participant(report, judge)
    if any(g.uploader is not None and g.uploader.anonymous for g in report.graded):
        from .uploads import hold_anonymous

        hold_anonymous(report, conn, quiz.id)
    from .regrade import apply_changes, digest_with, key_changes

    changes = key_changes(conn, quiz.id)
    digest = digest_with(quiz, changes)
    known = gb.known_attempts(conn, quiz.id)
    new, regrade = [], []
    for k, g in enumerate(report.graded):
        if g.sha256 in known:
            aid, old_digest = known[g.sha256]
            if old_digest == digest:
                report.graded[k] = _with_state(g, "unchanged")
                continue
            report.graded[k] = _with_state(g, "regraded")
            regrade.append((aid, apply_changes(to_new_attempt(g), changes, quiz.pass_mark)))
        else:
            new.append(apply_changes(to_new_attempt(g), changes, quiz.pass_mark) if changes else to_new_attempt(g))
    rejections = [gb.RejectedFile(_db_text(r.source), _sha_of(r, judge), _db_text(r.student_id), r.reason.value,
                                  _db_text(r.message), _db_text(r.uploader)) for r in report.rejected]

    def setup(c) -> None:
        if deadline != DeadlineArgs():
            classbook.set_deadline(c, quiz.id, due=deadline.due, grace_min=deadline.grace_min,
                                   penalty_pct=deadline.penalty_pct, opens=deadline.opens,
                                   extensions=deadline.extensions)

    try:
        report.write = gb.write_run(
            conn, quiz_id=quiz.id, title=quiz.title, digest=digest, source=quiz.source, policy=policy,
            started_at=started, files_in=report.files_in, graded=len(report.graded), rejected=len(report.rejected),
            new=new, regrade=regrade, roster=roster or (), rejections=rejections, setup=setup)
    except sqlite3.Error as e:
        raise gb.sqlite_error(book, e) from None  # type: ignore[arg-type]


def _db_text(text: str) -> str:
    """Text SQLite can store: lone surrogates (from a file name that is not UTF-8, or a hostile JSON string)
    written as ``\\udcff``."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _sha_of(r: Rejection, judge: Judge) -> str:
    return judge.rejected_sha.get(r.source, "")


def _attributed(r: Rejection, data: bytes | None, judge: Judge) -> Rejection:
    """The rejection with whose file it is, as far as known: the file's ``student_id`` (when the file is
    JSON enough to say), else the platform's uploader matched to the roster."""
    from dataclasses import replace

    if data is not None:
        judge.rejected_sha[r.source] = hashlib.sha256(data).hexdigest()
    up = parse_upload_name(r.source) if judge.platform_names else None
    sid = r.student_id
    if not sid and data is not None:
        try:
            top = json.loads(data.decode("utf-8-sig"))
            claimed = top.get("student_id") if isinstance(top, dict) else None
            if isinstance(claimed, str) and claimed.strip() and _db_text(claimed) == claimed:
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


def _with_state(g: Graded, state: str) -> Graded:
    from dataclasses import replace

    return replace(g, state=state)


def summary(report: RunReport, *, examples: int = 20) -> str:
    """The end-of-run summary: files in = graded + rejected, rejections grouped by reason."""
    n_graded, n_rej = len(report.graded), len(report.rejected)
    lines = [f"{report.quiz.id}: {report.files_in} file(s) in = {n_graded} graded + {n_rej} rejected"]
    if n_graded:
        parts = [f"{report.count('new')} new"]
        if report.count("unchanged"):
            parts.append(f"{report.count('unchanged')} already in the gradebook")
        if report.count("regraded"):
            parts.append(f"{report.count('regraded')} regraded (the quiz changed)")
        lines.append(f"  graded: {', '.join(parts)}")
    for reason, items in report.by_reason().items():
        lines.append(f"  rejected, {reason.value} ({len(items)}):")
        for r in items[:examples]:
            lines.append(f"    {r}")
        if len(items) > examples:
            lines.append(f"    ... and {len(items) - examples} more")
    for m in report.missing:
        lines.append(f"  not found: {m}")
    if report.ignored:
        shown = ", ".join(report.ignored[:3]) + (", ..." if len(report.ignored) > 3 else "")
        lines.append(f"  left out {len(report.ignored)} system file(s) (__MACOSX, .DS_Store, the gradebook): {shown}")
    w = report.write
    if w is not None and w.run_id is not None:
        lines.append(f"gradebook {report.gradebook}: run {w.run_id} added {w.added} attempt(s), "
                     f"regraded {w.regraded}")
    else:
        lines.append(f"gradebook {report.gradebook}: unchanged")
    return "\n".join(lines)
