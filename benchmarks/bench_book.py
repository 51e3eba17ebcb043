"""Book build times: cold build with execution, unchanged rebuild (and how many notebooks it executed),
and the nbval run over every chapter. Works on a copy of the project in a temporary folder.

Run: python benchmarks/bench_book.py [--skip-nbval]
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", ".", "-W", "-n",
         "--keep-going"]


def timed(cmd: list[str], cwd: Path) -> tuple[float, str]:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{(r.stdout + r.stderr)[-3000:]}")
    return elapsed, r.stdout + r.stderr


def executed(log: str) -> int:
    """Notebooks executed by myst-nb (one at a time) or beforehand in parallel by the kcourse.book extension."""
    serial = re.findall(r"\.ipynb: Executing notebook", log)
    return len(serial) + len(re.findall(r"kcourse: executed .* in parallel", log))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--skip-nbval", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "course"
        shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns("_build", ".venv", ".git", "*.egg-info",
                                                                     ".*cache*", ".hypothesis", "__pycache__"))
        n = len(list((project / "chapters").glob("*.ipynb")))
        cold, log = timed(BUILD, project)
        print(f"cold build with execution: {cold:.1f} s ({executed(log)} of {n} notebooks executed)")
        warm, log = timed(BUILD, project)
        print(f"unchanged rebuild: {warm:.1f} s ({executed(log)} notebooks executed)")
        quiz = next((project / "quizzes").glob("ch03-*.yml"))
        quiz.write_text(quiz.read_text() + "\n# touched by the benchmark\n")
        edit, log = timed(BUILD, project)
        print(f"rebuild after one quiz edit: {edit:.1f} s ({executed(log)} notebooks executed)")
        if not args.skip_nbval:
            t, _ = timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                          "chapters"], project)
            print(f"nbval over {n} chapter notebooks: {t:.1f} s (one pytest process)")


if __name__ == "__main__":
    main()
