"""Gradebook throughput: 10,000 submission files graded into a fresh gradebook, then item statistics.

End to end as ``kcourse grade`` does it: find the files in a folder, read and hash each, parse and check it,
build the student's variant, grade every response, and write the run (attempts and per-question scores)
to SQLite in one transaction. Then the item statistics over the 10,000 counted attempts (reading the
gradebook included), and the HTML report with its plots.
Run: python benchmarks/bench_gradebook.py [--n 10000] [--runs 3] [--backend sqlite|postgresql] [--pg-url URL]; the
figures are the best of the runs, as other work on the machine only ever slows a run down. On PostgreSQL each
run grades into a fresh database of the server at --pg-url (a role that may CREATE DATABASE), or of a throwaway
server started for the benchmark (tests/pg_server.py, with the server's default durability: fsync on). Peak
memory is this process's (the client's); PostgreSQL's own processes are not counted.
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kcourse.core.grading import correct_response  # noqa: E402
from kcourse.core.loader import load_quiz_text  # noqa: E402
from kcourse.core.submission import Submission  # noqa: E402
from kcourse.core.variants import make_variant, seed_for  # noqa: E402
from kcourse.instructor.analysis import analyse  # noqa: E402
from kcourse.instructor.grade import grade_run  # noqa: E402

QUIZ = ROOT / "tests" / "files" / "quiz" / "valid-all-types.yml"


def write_class(quiz, n: int, folder: Path, rng: random.Random) -> None:
    """n submission files: each answer right (60 %), wrong (30 %) or missing (10 %)."""
    for i in range(n):
        sid = f"s{i:05d}"
        seed = seed_for(quiz.id, sid)
        responses = {}
        for qid in make_variant(quiz, seed).question_ids:
            roll = rng.random()
            r = correct_response(quiz.question(qid))
            if roll < 0.6:
                responses[qid] = r
            elif roll < 0.9:
                responses[qid] = r[::-1] if isinstance(r, list) else ("zz" if isinstance(r, str) else 0)
        minute = rng.randrange(600)
        sub = Submission(quiz_id=quiz.id, student_id=sid, variant_seed=seed, responses=responses,
                         started_at="2026-11-26T09:00:00Z", submitted_at=f"2026-11-26T{10 + minute // 60:02d}:"
                         f"{minute % 60:02d}:00Z", generator="kcourse 0.1.0 (static page)")
        (folder / f"{sid}.json").write_text(sub.to_json(), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3, help="report the best of this many runs (default 3)")
    ap.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--pg-url", help="a PostgreSQL server to create the benchmark's databases in")
    args = ap.parse_args()
    server = None
    if args.backend == "postgresql":
        from tests.pg_server import Server

        server = Server(args.pg_url) if args.pg_url else Server(durable=True)
    try:
        run(args, server)
    finally:
        if server is not None:
            server.stop()


def gradebook_size(book) -> int:
    if isinstance(book, Path):
        return book.stat().st_size
    from kcourse.instructor import gradebook as gb

    conn = gb.connect(book, create=False)
    try:
        return int(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0])
    finally:
        conn.close()


def run(args, server) -> None:
    quiz = load_quiz_text(QUIZ.read_text().replace("draw: 1", "draw: 2"), str(QUIZ))
    questions = len(make_variant(quiz, 1).question_ids)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        write_class(quiz, args.n, folder, random.Random(2020))
        runs = []
        for k in range(args.runs):
            book = server.new_database("bench") if server else Path(tmp) / f"gradebook-{k}.sqlite"
            t0 = time.perf_counter()
            report = grade_run(quiz=quiz, inputs=[str(folder)], gradebook=book)
            runs.append(time.perf_counter() - t0)
            assert report.ok and report.write is not None and report.write.added == args.n, "not every file graded"
        graded = min(runs)
        size = gradebook_size(book)
        t0 = time.perf_counter()
        again = grade_run(quiz=quiz, inputs=[str(folder)], gradebook=book)
        repeat = time.perf_counter() - t0
        assert again.count("unchanged") == args.n
        stats_runs = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            result = analyse(quiz=quiz, gradebook=book, plots=False)
            stats_runs.append(time.perf_counter() - t0)
        stats_time = min(stats_runs)
        t0 = time.perf_counter()
        analyse(quiz=quiz, gradebook=book, html_out=Path(tmp) / "report.html")
        report_time = time.perf_counter() - t0
    print(f"gradebook: {args.n} submission files of {questions} questions (mixed types) graded into a fresh "
          f"{args.backend} gradebook, end to end (find, read, hash, parse, check, grade, one transaction); best of "
          f"{args.runs} runs (slowest {max(runs):.2f} s)")
    print(f"{args.n / graded:,.0f} submissions/s ({graded:.2f} s; gradebook {size / 1e6:.1f} MB)")
    print(f"the same files again (nothing to add): {args.n / repeat:,.0f} submissions/s ({repeat:.2f} s)")
    print(f"item statistics over {result.stats.students} counted attempts (reading the gradebook included): "
          f"{stats_time:.2f} s (best of {args.runs})")
    print(f"HTML report with plots: {report_time:.2f} s")
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
