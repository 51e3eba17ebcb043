"""What a run's platform names say across files, once every file is judged: a Moodle participant's files
against the grading worksheet's one time, and Canvas's anonymous submissions that cannot be told apart.

The files are graded and staged as in any run; :class:`RunWide` notes the little the checks need (a counter per
participant, a pair per anonymous file) and at the end fixes the few staged files they concern, so a download
of 100,000 participants is graded in the memory of any other run."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from . import gradebook as gb
from .outcome import Reason, Rejection
from .platform import MOODLE, parse_upload_name

if TYPE_CHECKING:
    from .grade import Graded, Judge, RunReport
    from .runstore import RunStore


class RunWide:
    """What the run-wide checks need, noted file by file while the run's files are graded and staged as usual:
    per Moodle participant, how many files took the worksheet's time; per Canvas anonymous file, its
    ``(anonymous submission, student id)`` pair. At the end (:meth:`check`) the few files the checks concern are
    found again in the run's staging tables (:class:`.runstore.RunStore`) and fixed there: memory holds a
    counter per participant and a pair per anonymous file, never the files."""

    def __init__(self) -> None:
        self.per_participant: Counter[str] = Counter()
        self.anonymous: set[tuple[str, str]] = set()
        self.anonymous_files = 0

    def note(self, graded: Iterable[Graded]) -> None:
        for g in graded:
            up = g.uploader
            if up is None:
                continue
            if g.platform_time:
                self.per_participant[up.user] += 1
            if up.anonymous:
                self.anonymous.add((up.user, g.student_id))
                self.anonymous_files += 1

    def check(self, store: RunStore, report: RunReport, judge: Judge, quiz_id: str) -> None:
        multi = {u: n for u, n in self.per_participant.items() if n > 1}
        if multi:
            one_file_per_participant(multi, store, report, judge)
        if self.anonymous:
            hold_anonymous(self.anonymous, self.anonymous_files, store, report, quiz_id)


def one_file_per_participant(multi: dict[str, int], store: RunStore, report: RunReport, judge: Judge) -> None:
    """Moodle's worksheet gives the time of a participant's *current* submission. When one run has several
    files of one participant (``multi``: participant -> files; two downloads given together), which one is
    current is not known: those files keep their own times, and a warning says to grade each download with its
    own worksheet."""
    from .grade import sort_time

    changed: dict[str, tuple[str, str]] = {}
    for page in store.graded_pages():
        mine = [(src, sha, user) for src, sha in page for user in (_user(src),) if user is not None and user in multi]
        staged = store.staged([sha for _src, sha, _user in mine])
        fixed = []
        for src, sha, user in mine:
            report.warn(f"{src}: Moodle participant {user} has {multi[user]} files in this run, and the worksheet's "
                        "time belongs to the current one only: the time in the file is used; grade each download "
                        "with the worksheet downloaded with it")
            if sha in staged:
                seq, _of, _sid, submitted_at = staged[sha]
                when = sort_time(submitted_at)
                note = judge.time_note(submitted_at, when)
                fixed.append((when, note, seq))
                changed[src] = (when, note)
        store.retime(fixed)
    for k, g in enumerate(report.graded):  # the examples the report shows
        if g.source in changed and g.uploader is not None:
            when, note = changed[g.source]
            report.graded[k] = replace(g, when=when, time_note=note, uploader=replace(g.uploader, late=None),
                                       platform_time=False)


def _user(source: str) -> str | None:
    """The Moodle participant whose download folder holds ``source``."""
    up = parse_upload_name(source)
    return up.user if up is not None and up.platform == MOODLE else None


def anonymous_conflicts(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Canvas anonymous grading: ``(anonymous submission, student id)`` pairs (one per file) that cannot be
    credited, with why. A file is credited to the student it names only when its anonymous submission holds
    files of that student alone and that student's files come from that one submission: otherwise one of
    the submissions holds someone else's file, and nothing says which."""
    students: dict[str, set[str]] = {}
    uploads: dict[str, set[str]] = {}
    for anon, sid in pairs:
        students.setdefault(anon, set()).add(sid)
        uploads.setdefault(sid, set()).add(anon)
    out = {}
    for anon, sids in students.items():
        for sid in sids:
            if len(sids) > 1:
                out[(anon, sid)] = f"holds the files of {len(sids)} students ({', '.join(sorted(sids))})"
            elif len(uploads[sid]) > 1:
                out[(anon, sid)] = (f"'{sid}''s files come from {len(uploads[sid])} anonymous submissions "
                                    f"({', '.join(sorted(a[5:] for a in uploads[sid]))})")
    return out


def hold_anonymous(pairs: set[tuple[str, str]], files: int, store: RunStore, report: RunReport,
                   quiz_id: str) -> None:
    """Files from Canvas anonymous submissions that cannot be told apart are rejected, never credited to the
    wrong student; the rest are graded as the student their file names (the uploader cannot be checked).
    ``pairs``: the run's ``(anonymous submission, student id)``, checked with the gradebook's; ``files``: the
    run's graded anonymous files."""
    from .grade import _rejected

    stored = {(a.uploader[len("canvas:"):], a.student_id) for a in gb.iter_attempts(store.conn, quiz_id)
              if a.uploader.startswith("canvas:anon_")}
    held = anonymous_conflicts(sorted(stored | pairs))
    anons = {anon for anon, _sid in held}
    for page in store.graded_pages() if held else ():
        mine = [(src, sha, up) for src, sha in page for up in (parse_upload_name(src),)
                if up is not None and up.anonymous and up.user in anons]
        staged = store.staged([sha for _src, sha, _up in mine])
        owners = store.stored_students([sha for _src, sha, _up in mine if sha not in staged])
        gone, rejections = [], []
        for src, sha, up in mine:
            seq, regrade_of, sid, _t = staged.get(sha, (None, None, owners.get(sha, ""), None))
            why = held.get((up.user, sid))
            if why is None:
                continue
            if seq is not None:
                gone.append(seq)
            report.states["unchanged" if seq is None else "new" if regrade_of is None else "regraded"] -= 1
            report.graded = [g for g in report.graded if g.source != src]
            files -= 1
            rejections.append(_rejected(report, Rejection(
                src, Reason.ANONYMOUS, f"{up.label} {why}: one of them was handed in under another student's account, "
                "and anonymous grading hides whose; lift the assignment's anonymity in Canvas, download the "
                "submissions again and grade that zip", sid, f"canvas:{up.user}"), ""))
        store.unstage(gone)
        store.write(rejections=rejections)
    if files:
        report.notes.append(f"{files} file(s) came from Canvas anonymous submissions: who uploaded them is not known, "
                            "so each was credited to the student its file names (a file handed in under another "
                            "student's account cannot be caught until the anonymity is lifted)")
