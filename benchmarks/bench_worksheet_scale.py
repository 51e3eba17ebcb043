"""A Moodle download of a MOOC-sized assignment graded with its grading worksheet: time and peak memory.

``kcourse grade QUIZ FOLDER --worksheet WS.csv --timezone UTC -r ROSTER`` over ``--n`` participants, each with one
file in Moodle's ``<Full name>_<participant>_assignsubmission_file/`` folder (the benchmark's class generator,
:func:`bench_gradebook.write_class`), a worksheet with one row per participant (Moodle's columns and times) and
a roster with their emails. Such a run holds its graded files until the whole download is read (the worksheet's
checks compare files across the run, :class:`kcourse.instructor.grade.RunWide`), so its memory grows with the
download; measured as :mod:`bench_scale` measures (peak from ``wait4``, load average, CPU time).

Run: python benchmarks/bench_worksheet_scale.py [--n 2000 10000] [--dir FOLDER]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_gradebook import QUIZ, write_class  # noqa: E402
from bench_scale import run  # noqa: E402

from kcourse.core.loader import load_quiz  # noqa: E402
from kcourse.instructor.platform import moodle_name_key  # noqa: E402

HEADER = ("Identifier,Full name,Email address,Status,Grade,Maximum grade,Grade can be changed,"
          "Last modified (submission),Last modified (grade),Feedback comments\n")


def moodle_download(n: int, tmp: Path, quiz) -> tuple[Path, Path, Path]:
    """(submissions folder, worksheet, roster) of ``n`` participants."""
    flat = tmp / "flat"
    flat.mkdir()
    write_class(quiz, n, flat, random.Random(2020))
    folder = tmp / "download"
    folder.mkdir()
    sheet, roster = [HEADER], ["student_id,name,email\n"]
    for i in range(n):
        sid, name = f"s{i:05d}", f"Student Number{i}"
        sub = folder / f"{moodle_name_key(name)}_{100000 + i}_assignsubmission_file"
        sub.mkdir()
        (flat / f"{sid}.json").rename(sub / "quiz.json")
        sheet.append(f"Participant {100000 + i},{name},{sid}@example.org,Submitted for grading,,10.00,Yes,"
                     f'"Thursday, 26 November 2026, {1 + i % 11}:{i % 60:02d} AM",-,\n')
        roster.append(f"{sid},{name},{sid}@example.org\n")
    flat.rmdir()
    (tmp / "worksheet.csv").write_text("\ufeff" + "".join(sheet), encoding="utf-8")
    (tmp / "roster.csv").write_text("".join(roster), encoding="utf-8")
    return folder, tmp / "worksheet.csv", tmp / "roster.csv"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, nargs="+", default=[2_000, 10_000])
    ap.add_argument("--dir", help="where to write the download and gradebook (default: a temporary folder)")
    args = ap.parse_args()
    for n in args.n:
        with tempfile.TemporaryDirectory(dir=args.dir) as tmp_name:
            tmp = Path(tmp_name)
            quiz_file = tmp / "quizzes" / "bench.yml"
            quiz_file.parent.mkdir(parents=True)
            quiz_file.write_text(QUIZ.read_text().replace("draw: 1", "draw: 2"), encoding="utf-8")
            folder, sheet, roster = moodle_download(n, tmp, load_quiz(quiz_file))
            cmd = [sys.executable, "-m", "kcourse", "grade", str(quiz_file), str(folder), "-g",
                   str(tmp / "g.sqlite"), "-q", "--worksheet", str(sheet), "--timezone", "UTC", "-r", str(roster)]
            dt, mb, load = run(cmd, tmp)
            print(f"{n:>9,} participants  grade --worksheet {dt:7.1f} s  {n / dt:6,.0f}/s  peak {mb:6.0f} MB  "
                  f"load {load}", flush=True)


if __name__ == "__main__":
    main()
