"""Streaming at scale: the one-pass statistics equal the all-in-memory ones, and grading memory does not grow
with the class (a class 4 times as large peaks no higher)."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcourse.instructor.stats import Observation, quiz_statistics
from kcourse.instructor.stats_stream import statistics

from .conftest import ALL_TYPES

ANSWERS = {"bkl-removed": ["a", "b", "c", "z", None], "building-blocks": [["ns", "cg"], ["hv"], [], ["ns", "qq"]],
           "kvm-in-tree": [True, False, "yes", None], "commits": [13500, 1, None], "weeks": [9, 10],
           "async-io": ["io_uring", "IO_URING ", "aio", "", None], "timeline": [["smp", "l26", "kvm", "bkl"]],
           "match-blocks": [{"ns": "x"}], "first-fosdem": [2001, 2000], "first-fosdem-kernel": ["a", "b"],
           "gone-question": ["a"]}
SCORES = (0.0, 0.25, 0.5, 1.0, 2.0)  # exact in binary: sums do not depend on their order


def observation(qid: str, k: int, s: int) -> Observation:
    response = ANSWERS[qid][k % len(ANSWERS[qid])]
    mx = 2.0
    return Observation(min(SCORES[s % len(SCORES)], mx), mx, response,
                       None if response is None or k % 3 == 0 else json.dumps(response))


attempt = st.lists(st.tuples(st.sampled_from(sorted(ANSWERS)), st.integers(0, 9), st.integers(0, 9)),
                   min_size=0, max_size=12)


def same(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a == pytest.approx(b, abs=1e-9))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(attempt, min_size=0, max_size=25), st.integers(1, 7), st.booleans())
def test_streamed_statistics_equal_the_in_memory_ones(quiz, rows, chunk, fixed):
    """A varied class (pool questions, missing and unreadable answers, a question no longer in the quiz, partial
    credit), cut into chunks of 1 to 7 attempts: every figure as the all-in-memory computation gives it."""
    attempts = []
    for k, row in enumerate(rows):
        a = {qid: observation(qid, r, s) for qid, r, s in row}
        if fixed:  # two questions everyone is asked: the reliability is defined
            a.setdefault("bkl-removed", observation("bkl-removed", k, k))
            a.setdefault("commits", observation("commits", k, k + 3))
        attempts.append(a)
    old = quiz_statistics(quiz, attempts)
    new = statistics(quiz, [(a, None) for a in attempts], chunk=chunk)
    assert (new.quiz_id, new.students, new.reliability_name, new.reliability_items) == (
        old.quiz_id, old.students, old.reliability_name, old.reliability_items)
    assert new.score_counts == old.score_counts
    assert new.mean_percentage == old.mean_percentage
    assert same(new.reliability, old.reliability), (new.reliability, old.reliability)
    assert [i.question_id for i in new.items] == [i.question_id for i in old.items]
    for n, o in zip(new.items, old.items):
        assert (n.type, n.prompt, n.n, n.answered, n.max_score, n.choices, n.partial_credit) == (
            o.type, o.prompt, o.n, o.answered, o.max_score, o.choices, o.partial_credit), n.question_id
        for f in ("mean_score", "facility", "discrimination", "full_marks"):
            assert same(getattr(n, f), getattr(o, f)), (n.question_id, f, getattr(n, f), getattr(o, f))
        if o.discrimination is None or abs(o.discrimination) > 1e-9:  # r = 0 exactly may come out as -1e-17
            assert n.flags == o.flags


PEAK = textwrap.dedent("""
    import random, sys, tempfile, tracemalloc
    from pathlib import Path
    sys.path.insert(0, {bench!r})
    from bench_gradebook import write_class
    from kcourse.core.loader import load_quiz
    from kcourse.instructor.analysis import analyse
    from kcourse.instructor.grade import grade_run
    import kcourse.instructor.grade as g, kcourse.instructor.runreport as rr, kcourse.core.safejson
    import kcourse.instructor.stats_stream as ss, kcourse.instructor.gradebook.queries as q
    import kcourse.instructor.runstore as rs, kcourse.instructor.regrade as rg
    rg.PAGE, rg.EXAMPLES = 20, 10
    g.BATCH_FILES, g.VARIANTS_CACHED, rr.EXAMPLES, rr.WARNINGS_KEPT = 20, 10, 10, 10
    ss.CHUNK, q._FEW, rs.PAGE = 20, 20, 20
    quiz = load_quiz({quiz!r})
    tmp = Path(tempfile.mkdtemp())
    (tmp / "s").mkdir()
    write_class(quiz, {n}, tmp / "s", random.Random(1))
    tracemalloc.start()
    report = grade_run(quiz=quiz, inputs=[str(tmp / "s")], gradebook=tmp / "g.sqlite")
    assert report.write.added == {n}, report.write
    grading = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    stats = analyse(quiz=quiz, gradebook=tmp / "g.sqlite", plots=False).stats
    assert stats.students == {n}
    statistics = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    regraded = rg.regrade(quiz=quiz, gradebook=tmp / "g.sqlite", credit=["bkl-removed"])
    assert regraded.attempts == {n} and regraded.changed > {n} // 4, regraded
    print(grading, statistics, tracemalloc.get_traced_memory()[1])
""")


def peaks(n: int, tmp_path) -> tuple[int, ...]:
    from pathlib import Path

    bench = str(Path(__file__).resolve().parents[2] / "benchmarks")
    code = PEAK.format(bench=bench, quiz=str(ALL_TYPES), n=n)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    return tuple(int(v) for v in out.stdout.split())


def test_memory_of_grading_statistics_and_regrading_does_not_grow_with_the_class(tmp_path):
    """Batches and pages of 20, 10 examples kept: 150 and 600 submissions peak alike (the Python heap, traced)
    when they are graded, their statistics computed (students counted per percentage, not kept one by one) and
    every one of them regraded after a key change."""
    small, large = peaks(150, tmp_path), peaks(600, tmp_path)
    for what, s, b in zip(("grading", "statistics", "regrading"), small, large):
        assert b < s * 1.25 + 50_000, (what, small, large)
