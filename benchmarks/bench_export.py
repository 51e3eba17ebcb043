"""Export speed: every quiz of the course in Moodle XML, GIFT and Canvas QTI.

Prints, per format, the median time to export the whole course (in process, quizzes already loaded),
milliseconds per question and the output size; then the wall time of ``kcourse export --all`` per
format (a fresh process: start-up, loading and validating every quiz, writing the files).
Run: python benchmarks/bench_export.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kcourse.core.loader import load_many
from kcourse.export import FORMATS, render

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    report = load_many([ROOT / "quizzes"])
    quizzes = list(report.quizzes.values())
    n_questions = sum(len(q.all_questions) for q in quizzes)
    print(f"course: {len(quizzes)} quizzes, {n_questions} questions ({len(report.problems)} problem(s) skipped)")
    for fmt in FORMATS:
        render(quizzes[0], fmt)  # warm up imports and the Markdown parser
        times, size = [], 0
        for _ in range(args.repeat):
            t = time.perf_counter()
            size = sum(len(render(q, fmt)) for q in quizzes)
            times.append(time.perf_counter() - t)
        med = statistics.median(times)
        print(f"{fmt:7} in process: {med * 1000:7.1f} ms for the course, {med * 1000 / n_questions:5.2f} ms/question, "
              f"{size / 1024:7.1f} KiB")
    for fmt in FORMATS:
        with tempfile.TemporaryDirectory() as out:
            t = time.perf_counter()
            cmd = [sys.executable, "-c", "from kcourse.cli import main; main()",
                   "export", "--all", "--format", fmt, "--out", out, "-s", "export-unsupported"]
            subprocess.run(cmd, cwd=ROOT, check=False, capture_output=True)
            wall = time.perf_counter() - t
        print(f"{fmt:7} kcourse export --all: {wall:5.2f} s wall (start-up and loading included)")


if __name__ == "__main__":
    main()
