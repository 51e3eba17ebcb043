"""Merging two copies of one quiz's progress record, question by question. Pure: no file access.

Two live copies of a quiz (two notebook tabs, an old output next to a re-run cell, two kernels) each hold a
record in memory and save it whole. :meth:`kcourse.storage.progress_store.ProgressStore.save` therefore merges what
it is given with what the file holds, under a lock, so that no copy wipes out the other's answers:

- per question, the side that changed it last (``stamps``) wins: its response, result, tries, hints, whether
  the answer was shown (a new attempt clears them, and stays cleared);
- the first-try result of a question (``first_results``) is the earlier one while the question is answered;
- the best score never goes down;
- the last score is recomputed from the merged results.

The static book follows the same rules in the browser (``mergeState`` in ``static/quiz.js``).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from .progress_record import QuizRecord, score_of


def _newer(a: str | None, b: str | None) -> str | None:
    return max((x for x in (a, b) if x), default=None)


def _older(a: str | None, b: str | None) -> str | None:
    return min((x for x in (a, b) if x), default=None)


PER_QUESTION = ("responses", "results", "first_results", "tries", "hints_shown", "answer_shown")
"""Record fields keyed by question id; a merge takes each question's from the side that changed it last."""


def merge_records(old: QuizRecord | None, new: QuizRecord) -> QuizRecord:
    """``new`` (what a copy saves) merged into ``old`` (what the file holds), by the rules above."""
    if old is None:
        return new
    per_q: dict[str, dict[str, Any]] = {k: {} for k in PER_QUESTION}
    stamps: dict[str, float] = {}
    qids = set().union(*(getattr(r, k) for r in (old, new) for k in (*PER_QUESTION, "stamps")))
    for qid in sorted(qids):
        side, other = (new, old) if new.stamps.get(qid, 0.0) >= old.stamps.get(qid, 0.0) else (old, new)
        for k in PER_QUESTION:
            if qid in getattr(side, k):
                per_q[k][qid] = getattr(side, k)[qid]
        if qid in side.results and qid in old.first_results:
            per_q["first_results"][qid] = old.first_results[qid]  # the file's first try came first: it stays
        stamp = max(old.stamps.get(qid, 0.0), new.stamps.get(qid, 0.0))
        if stamp:
            stamps[qid] = stamp
    results = per_q["results"]
    max_total = new.max_total or old.max_total
    last = score_of(results, results, max_total) if max_total and results else (
        new.last_score if results else None)
    bests = [x for x in (old.best_score, new.best_score, last) if x is not None]
    newer_sub = new if (new.submitted_at or "") >= (old.submitted_at or "") else old
    return replace(
        new, responses=per_q["responses"], results=per_q["results"], first_results=per_q["first_results"],
        tries=per_q["tries"], hints_shown=per_q["hints_shown"], answer_shown=per_q["answer_shown"], stamps=stamps,
        student_id=new.student_id or old.student_id, max_total=max_total, last_score=last,
        best_score=max(bests) if bests else None, started_at=_older(old.started_at, new.started_at),
        updated_at=_newer(old.updated_at, new.updated_at), submitted_at=newer_sub.submitted_at,
        submission_file=newer_sub.submission_file)
