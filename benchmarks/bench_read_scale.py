"""Statistics and exports of a MOOC-sized gradebook without grading a million files first.

A class of ``--base`` submissions (the benchmark's generator, :func:`bench_gradebook.write_class`) is graded
once; its attempts and item scores are then copied in SQL ``--times`` times under new student ids and
hashes, giving a SQLite gradebook of base x times counted attempts with realistic answers. Then every command
that reads the whole class runs on it as its own process, measured as :mod:`bench_scale` measures them (wall
and CPU time, peak memory from ``wait4``, the load average): ``kcourse stats`` (and with ``--html``),
``grades export --format csv``, ``grades files``, ``grades show``, ``grades status``, ``feedback`` (one page per
student), ``assign --class-page`` (a roster of ``--roster`` students, default 10,000: every student also gets
their own folder) and, last as it writes, ``kcourse regrade --credit`` (every attempt graded again and
changed). ``--only NAME ...`` runs some of them. What grading itself costs at that size is :mod:`bench_scale`'s
figure.

Run: python benchmarks/bench_read_scale.py [--base 10000] [--times 100] [--dir FOLDER] [--only regrade ...]
"""
from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_gradebook import QUIZ, write_class  # noqa: E402
from bench_scale import run  # noqa: E402

from kcourse.core.loader import load_quiz  # noqa: E402

COLS = ("quiz_id, student_id, variant_seed, submitted_at, sort_time, source, content, total, max_score, percentage, "
        "passed, quiz_digest, run_id, uploader, upload_name, platform_file, platform_late, time_note")


def multiply(book: Path, times: int) -> None:
    """Copy every attempt (and its item scores) ``times - 1`` more times, as other students' files."""
    conn = sqlite3.connect(book)
    base = conn.execute("SELECT max(attempt_id) FROM attempts").fetchone()[0]
    with conn:
        for k in range(1, times):
            off = k * base
            conn.execute(f"INSERT INTO attempts (attempt_id, sha256, {COLS}) SELECT attempt_id + {off}, "
                         f"sha256 || '-{k}', {COLS.replace('student_id', 'student_id || ' + repr('-' + str(k)))} "
                         f"FROM attempts WHERE attempt_id <= {base}")
            conn.execute(f"INSERT INTO item_scores SELECT attempt_id + {off}, question_id, score, max_score, status, "
                         f"response FROM item_scores WHERE attempt_id <= {base}")
    conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--base", type=int, default=10_000)
    ap.add_argument("--times", type=int, default=100)
    ap.add_argument("--dir", help="where to write the class and gradebook (default: a temporary folder)")
    ap.add_argument("--roster", type=int, default=10_000, help="students of assign --class-page's roster")
    ap.add_argument("--only", nargs="+", metavar="NAME", help=f"run only these: {', '.join(NAMES)}")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp_name:
        tmp = Path(tmp_name)
        quiz_file = tmp / "quizzes" / "bench.yml"
        quiz_file.parent.mkdir(parents=True)
        quiz_file.write_text(QUIZ.read_text().replace("draw: 1", "draw: 2"), encoding="utf-8")
        quiz = load_quiz(quiz_file)
        folder = tmp / "class"
        folder.mkdir()
        write_class(quiz, args.base, folder, random.Random(2020))
        book = tmp / "gradebook.sqlite"
        k = [sys.executable, "-m", "kcourse"]
        run(k + ["grade", str(quiz_file), str(folder), "-g", str(book), "-q"], tmp)
        t0 = time.perf_counter()
        multiply(book, args.times)
        n = args.base * args.times
        print(f"{n:,} attempts (SQLite gradebook {book.stat().st_size / 1e6:,.0f} MB, copied in "
              f"{time.perf_counter() - t0:.0f} s from {args.base:,} graded)", flush=True)
        roster = tmp / "roster.csv"
        roster.write_text("student_id,name,email\n" + "".join(
            f"s{i:05d},Student {i},s{i}@example.org\n" for i in range(args.roster)), encoding="utf-8")
        q, g = quiz.id, ["-g", str(book)]
        commands = {
            "stats": ["stats", str(quiz_file), *g],
            "stats --html": ["stats", str(quiz_file), *g, "--html", str(tmp / "stats.html")],
            "export csv": ["grades", "export", q, *g, "--format", "csv", "-o", str(tmp / "grades.csv")],
            "grades files": ["grades", "files", q, *g, "-o", str(tmp / "f.csv")],
            "grades show": ["grades", "show", q, *g],
            "grades status": ["grades", "status", q, *g],
            "feedback": ["feedback", str(quiz_file), *g, "-o", str(tmp / "feedback")],
            "assign": ["assign", str(quiz_file), "-r", str(roster), "-o", str(tmp / "assigned"), "--class-page"],
            "regrade": ["regrade", str(quiz_file), *g, "--credit", "bkl-removed"],
        }
        for name, cmd in commands.items():
            if args.only and name not in args.only:
                continue
            dt, mb, load = run(k + cmd, tmp)
            print(f"  {name:<13} {dt:8.1f} s           peak {mb:7.0f} MB  load {load}", flush=True)
            for out in ("feedback", "assigned"):
                shutil.rmtree(tmp / out, ignore_errors=True)


NAMES = ("stats", "stats --html", "export csv", "grades files", "grades show", "grades status", "feedback", "assign",
         "regrade")

if __name__ == "__main__":
    main()
