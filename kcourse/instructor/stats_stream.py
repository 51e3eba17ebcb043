"""Item statistics in one pass over the counted attempts, in memory that does not grow with the class.

:class:`StatsStream` takes the attempts one at a time (``add``) and keeps, per question, running sums merged
chunk by chunk (every :data:`CHUNK` attempts): counts, the sums for the mean and facility, the co-moments for
the corrected item-total correlation (Chan et al.'s pairwise update, so a million attempts lose no precision),
and how often each distinct answer was given. For the reliability it keeps the co-moments of every pair of the
questions every attempt so far was asked (a set that only shrinks), from which the variance of the totals over
the final common questions follows. Within one chunk the sums are computed as :func:`.stats.quiz_statistics`
computes them, so a class smaller than a chunk gets the very same figures; a larger one the same up to
floating-point rounding. The definitions (facility, discrimination, flags, KR-20/α) are :mod:`.stats`'s.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from ..core import model as m
from ..core.grading import is_blank
from . import answers
from .stats import ItemStat, Observation, QuizStats, choice_counts, flags_for, score_counts

CHUNK = 4096
"""Attempts whose sums are computed together before being merged into the running ones."""
PARSED_KEPT = 50_000
"""Distinct answer texts whose parsed JSON is remembered (answers repeat a lot)."""


class _Moments:
    """n, means and co-moments of (x, y) pairs, merged chunk by chunk."""

    __slots__ = ("n", "mx", "my", "sxx", "syy", "sxy")

    def __init__(self) -> None:
        self.n, self.mx, self.my, self.sxx, self.syy, self.sxy = 0, 0.0, 0.0, 0.0, 0.0, 0.0

    def merge(self, xs: list[float], ys: list[float]) -> None:
        nb = len(xs)
        if not nb:
            return
        mx, my = math.fsum(xs) / nb, math.fsum(ys) / nb
        dx = [x - mx for x in xs]
        dy = [y - my for y in ys]
        sxx, syy, sxy = math.fsum(d * d for d in dx), math.fsum(d * d for d in dy), math.fsum(
            a * b for a, b in zip(dx, dy))
        na = self.n
        if na == 0:
            self.n, self.mx, self.my, self.sxx, self.syy, self.sxy = nb, mx, my, sxx, syy, sxy
            return
        n = na + nb
        ex, ey = mx - self.mx, my - self.my
        w = na * nb / n
        self.sxx += sxx + ex * ex * w
        self.syy += syy + ey * ey * w
        self.sxy += sxy + ex * ey * w
        self.mx += ex * nb / n
        self.my += ey * nb / n
        self.n = n

    def pearson(self) -> float | None:
        """As :func:`.stats.pearson`."""
        n = self.n
        if n < 2 or self.sxx <= 1e-12 * n or self.syy <= 1e-12 * n:
            return None
        return max(-1.0, min(1.0, self.sxy / math.sqrt(self.sxx * self.syy)))


class _Item:
    __slots__ = ("n", "sums", "facility_sums", "full", "partial", "max_score", "dichotomous", "moments", "answers",
                 "xs", "ys", "fs")

    def __init__(self) -> None:
        self.n = self.full = 0
        self.sums: list[float] = []
        self.facility_sums: list[float] = []
        self.partial = False
        self.max_score: float | None = None
        self.dichotomous = True
        self.moments = _Moments()
        self.answers: Counter[str | None] = Counter()
        self.xs: list[float] = []
        self.ys: list[float] = []
        self.fs: list[float] = []

    def flush(self) -> None:
        self.sums.append(math.fsum(self.xs))
        self.facility_sums.append(math.fsum(self.fs))
        self.moments.merge(self.xs, self.ys)
        self.xs, self.ys, self.fs = [], [], []


class StatsStream:
    """Statistics of a quiz over attempts given one at a time; :meth:`result` gives :class:`.stats.QuizStats`."""

    def __init__(self, quiz: m.Quiz, *, chunk: int | None = None):
        self.quiz, self.chunk = quiz, chunk or CHUNK
        self.items: dict[str, _Item] = {}
        self.students = 0
        self.score_counts: Counter[float] = Counter()
        """Students per percentage (rounded: a bounded number of them)."""
        self.common: list[str] | None = None
        """The questions every attempt so far was asked (sorted); the reliability's questions."""
        self._rows: list[list[float]] = []
        self._rel_n = 0
        self._rel_mean: dict[str, float] = {}
        self._rel_co: dict[tuple[str, str], float] = {}
        self._in_chunk = 0

    def add(self, attempt: Mapping[str, Observation], percent: float | None = None) -> None:
        """One counted attempt: ``question_id -> Observation`` (``raw``: the answer's JSON text, when known)."""
        total = sum([o.score for o in attempt.values()])
        for qid, o in attempt.items():
            it = self.items.get(qid)
            if it is None:
                it = self.items[qid] = _Item()
            it.n += 1
            it.xs.append(o.score)
            it.ys.append(total - o.score)
            if o.max_score:
                it.fs.append(o.score / o.max_score)
                if o.score >= o.max_score - 1e-9:
                    it.full += 1
            it.max_score = o.max_score if it.max_score is None else max(it.max_score, o.max_score)
            if 0 < o.score < o.max_score:
                it.partial = True
            if o.score not in (0, o.max_score):
                it.dichotomous = False
            it.answers[_answer_key(o)] += 1
        if percent is None:
            percent = _percentage(total, math.fsum(o.max_score for o in attempt.values()))
        self.score_counts[percent] += 1
        self.students += 1
        if self.common is None:
            self.common = sorted(attempt)
        elif any(q not in attempt for q in self.common):
            self._drop([q for q in self.common if q not in attempt])
        self._rows.append([attempt[q].score for q in self.common])
        self._in_chunk += 1
        if self._in_chunk >= self.chunk:
            self._flush()

    def _drop(self, gone: list[str]) -> None:
        """Questions no longer asked of everyone: their columns leave the pending rows and the sums."""
        assert self.common is not None  # internal invariant: set by the first attempt
        keep = [k for k, q in enumerate(self.common) if q not in gone]
        self._rows = [[row[k] for k in keep] for row in self._rows]
        self.common = [self.common[k] for k in keep]
        for q in gone:
            self._rel_mean.pop(q, None)
        self._rel_co = {pair: v for pair, v in self._rel_co.items() if pair[0] not in gone and pair[1] not in gone}

    def _flush(self) -> None:
        for it in self.items.values():
            if it.xs:
                it.flush()
        rows, qids = self._rows, self.common or []
        if rows and qids:
            nb = len(rows)
            cols = list(zip(*rows))
            means = [math.fsum(c) / nb for c in cols]
            devs = [[x - mu for x in c] for c, mu in zip(cols, means)]
            na = self._rel_n
            n = na + nb
            for i, qi in enumerate(qids):
                ei = means[i] - self._rel_mean.get(qi, 0.0)
                for j in range(i, len(qids)):
                    qj = qids[j]
                    co = math.fsum(a * b for a, b in zip(devs[i], devs[j]))
                    if na:
                        co += ei * (means[j] - self._rel_mean[qj]) * na * nb / n
                    self._rel_co[qi, qj] = self._rel_co.get((qi, qj), 0.0) + co
            for i, qi in enumerate(qids):
                self._rel_mean[qi] = self._rel_mean.get(qi, 0.0) + (means[i] - self._rel_mean.get(qi, 0.0)) * nb / n
            self._rel_n = n
        self._rows = []
        self._in_chunk = 0

    def reliability(self) -> tuple[float | None, str, int]:
        """As :func:`.stats.reliability`: (α or KR-20, its name, the number of questions)."""
        if self.students < 2:
            return None, "Cronbach's α", 0
        qids = self.common or []
        k = len(qids)
        if k < 2:
            return None, "Cronbach's α", k
        name = "KR-20" if all(self.items[q].dichotomous for q in qids) else "Cronbach's α"
        n = self._rel_n
        var_total = math.fsum(self._rel_co[(a, b) if a <= b else (b, a)] for a in qids for b in qids) / n
        if var_total <= 1e-12:
            return None, name, k
        var_items = math.fsum(self._rel_co[q, q] / n for q in qids)
        return k / (k - 1) * (1 - var_items / var_total), name, k

    def result(self) -> QuizStats:
        self._flush()
        quiz = self.quiz
        known = {q.id for q in quiz.all_questions}
        order = [q.id for q in quiz.all_questions] + sorted(set(self.items) - known)
        parsed: dict[str, Any] = {}
        out = []
        for qid in order:
            it = self.items.get(qid)
            q = quiz.question(qid) if quiz.has_question(qid) else None
            if q is None and it is None:
                continue
            n = it.n if it else 0
            mx = it.max_score if it and it.max_score is not None else (q.points if q else 0.0)
            mean = math.fsum(it.sums) / n if it and n else None
            facility = math.fsum(it.facility_sums) / n if it and n else None
            disc = it.moments.pearson() if it else None
            given = [(_parse(raw, parsed), c) for raw, c in it.answers.items()] if it else []
            choices = choice_counts(q, given) if q is not None else ()
            full = it.full / n if it and n else None
            out.append(ItemStat(
                question_id=qid, type=q.type if q else "?", prompt=answers.plain(q.prompt) if q else "(no longer in "
                "the quiz)", n=n, answered=sum(c for r, c in given if not is_blank(r)), max_score=mx,
                mean_score=mean, facility=facility, discrimination=disc, choices=choices,
                flags=flags_for(facility, disc, full, choices), full_marks=full,
                partial_credit=bool(it and it.partial)))
        rel, rel_name, rel_k = self.reliability()
        return QuizStats(quiz.id, self.students, score_counts(self.score_counts), tuple(out), rel, rel_name, rel_k)


def _answer_key(o: Observation) -> str | None:
    """The answer as JSON text (its identity for counting): the stored text when known."""
    if o.raw is not None:
        return o.raw
    if o.response is None:
        return None
    return json.dumps(o.response, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _parse(raw: str | None, cache: dict[str, Any]) -> Any:
    if raw is None:
        return None
    v = cache.get(raw, cache)
    if v is cache:
        v = json.loads(raw)
        if len(cache) < PARSED_KEPT:
            cache[raw] = v
    return v


def _percentage(total: float, max_score: float) -> float:
    from ..core.rules import percentage

    return percentage(total, max_score)


def statistics(quiz: m.Quiz, attempts: Iterable[tuple[Mapping[str, Observation], float | None]], *,
               chunk: int | None = None) -> QuizStats:
    """:class:`.stats.QuizStats` over ``(attempt, percentage)`` pairs, streamed."""
    s = StatsStream(quiz, chunk=chunk)
    for attempt, percent in attempts:
        s.add(attempt, percent)
    return s.result()
