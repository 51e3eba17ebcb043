"""What a run's platform names say across files, once every file is judged: a Moodle participant's files
against the grading worksheet's one time, and Canvas's anonymous submissions that cannot be told apart."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from . import gradebook as gb
from .outcome import Reason, Rejection

if TYPE_CHECKING:
    from .grade import Judge, RunReport


def one_file_per_participant(report: RunReport, judge: Judge) -> None:
    """Moodle's worksheet gives the time of a participant's *current* submission. When one run has several
    files of one participant (two downloads given together), which one is current is not known: those files
    keep their own times, and a warning says to grade each download with its own worksheet."""
    from .grade import sort_time

    count: dict[str, int] = {}
    for g in report.graded:
        if g.platform_time and g.uploader is not None:
            count[g.uploader.user] = count.get(g.uploader.user, 0) + 1
    for k, g in enumerate(report.graded):
        if g.platform_time and g.uploader is not None and count[g.uploader.user] > 1:
            when = sort_time(g.submission.submitted_at)
            report.graded[k] = replace(g, when=when, time_note=judge.time_note(g.submission.submitted_at, when),
                                       uploader=replace(g.uploader, late=None), platform_time=False)
            report.warnings.append(f"{g.source}: Moodle participant {g.uploader.user} has {count[g.uploader.user]} "
                                   "files in this run, and the worksheet's time belongs to the current one only: the "
                                   "time in the file is used; grade each download with the worksheet downloaded "
                                   "with it")


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


def hold_anonymous(report: RunReport, conn, quiz_id: str) -> None:
    """Files from Canvas anonymous submissions that cannot be told apart are rejected, never credited to the
    wrong student; the rest are graded as the student their file names (the uploader cannot be checked)."""
    pairs = [(a.uploader[len("canvas:"):], a.student_id) for a in gb.iter_attempts(conn, quiz_id)
             if a.uploader.startswith("canvas:anon_")]
    pairs += [(g.uploader.user, g.student_id) for g in report.graded if g.uploader is not None and g.uploader.anonymous]
    held = anonymous_conflicts(pairs)
    kept = []
    for g in report.graded:
        up = g.uploader
        why = held.get((up.user, g.student_id)) if up is not None and up.anonymous else None
        if up is None or why is None:
            kept.append(g)
            continue
        report.rejected.append(Rejection(
            g.source, Reason.ANONYMOUS, f"{up.label} {why}: one of them was handed in under another student's "
            "account, and anonymous grading hides whose; lift the assignment's anonymity in Canvas, download the "
            "submissions again and grade that zip", g.student_id, f"canvas:{up.user}"))
    n = sum(1 for g in kept if g.uploader is not None and g.uploader.anonymous)
    report.graded = kept
    if n:
        report.notes.append(f"{n} file(s) came from Canvas anonymous submissions: who uploaded them is not known, so "
                            "each was credited to the student its file names (a file handed in under another "
                            "student's account cannot be caught until the anonymity is lifted)")
