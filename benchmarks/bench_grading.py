"""Grading throughput: a synthetic class of 10,000 ten-question submissions of mixed types.

Prints submissions/s and microseconds per submission (parse the JSON submission, check it against the
quiz, build the variant, grade every response), and the start-up time of ``kcourse --help``.
Run: python benchmarks/bench_grading.py [--n 10000]
"""
from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from kcourse.core.grading import correct_response
from kcourse.core.loader import load_quiz_text
from kcourse.core.submission import Submission, grade_submission, parse_submission
from kcourse.core.variants import make_variant, seed_for

QUIZ = Path(__file__).resolve().parent.parent / "tests" / "files" / "quiz" / "valid-all-types.yml"


def synthetic_class(quiz, n: int, rng: random.Random) -> list[str]:
    """n submission files (as JSON text): each answer right, wrong-ish or missing at random."""
    out = []
    for i in range(n):
        sid = f"s{i:05d}"
        seed = seed_for(quiz.id, sid)
        responses = {}
        for qid in make_variant(quiz, seed).question_ids:
            q = quiz.question(qid)
            roll = rng.random()
            if roll < 0.6:
                responses[qid] = correct_response(q)
            elif roll < 0.9:
                r = correct_response(q)
                responses[qid] = r[::-1] if isinstance(r, list) else ("zz" if isinstance(r, str) else 0)
        out.append(Submission(quiz_id=quiz.id, student_id=sid, variant_seed=seed, responses=responses).to_json())
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=10_000)
    args = ap.parse_args()
    # the fixture asks 8 fixed questions (every type) and draws 1 of a pool of 2; draw both for ten
    quiz = load_quiz_text(QUIZ.read_text().replace("draw: 1", "draw: 2"), str(QUIZ))
    texts = synthetic_class(quiz, args.n, random.Random(2020))
    questions = len(make_variant(quiz, 1).question_ids)
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        total = 0.0
        for text in texts:
            total += grade_submission(quiz, parse_submission(text)).total
        runs.append(time.perf_counter() - t0)
    best = min(runs)
    print(f"grading: {args.n} submissions of {questions} questions (mixed types), best of 3 runs")
    print(f"{args.n / best:,.0f} submissions/s")
    print(f"{1e6 * best / args.n:.1f} us per submission (parse + check + variant + grade)")
    help_times = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kcourse", "--help"], check=True, capture_output=True)
        help_times.append(time.perf_counter() - t0)
    print(f"kcourse --help: {statistics.median(help_times) * 1000:.0f} ms (median of 5, includes Python start-up)")


if __name__ == "__main__":
    main()
