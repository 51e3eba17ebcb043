"""The JupyterLab quiz: how long a quiz cell takes to build its widgets, a Check click, and a progress save.

Prints, for every quiz of the course: widgets built and milliseconds to build the quiz (load excluded);
then the cost of one Check click (grade + progress write) and of one progress-file write when the file
already holds many quizzes; and the time of ``import kcourse.frontend.widgets`` in a fresh Python.
Run: python benchmarks/bench_widgets.py [--quizzes 50]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ipywidgets as w

from kcourse.core.grading import correct_response
from kcourse.core.loader import load_many
from kcourse.frontend.widgets import QuizWidget
from kcourse.storage.progress_store import ProgressStore, new_record, with_response

ROOT = Path(__file__).resolve().parent.parent


def count_widgets(root: w.Widget) -> int:
    seen, todo = set(), [root]
    while todo:
        x = todo.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        for key in x.keys:
            v = getattr(x, key, None)
            todo += [i for i in (v if isinstance(v, (tuple, list)) else [v]) if isinstance(i, w.Widget)]
    return len(seen)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quizzes", type=int, default=50, help="quizzes already in the progress file")
    args = ap.parse_args()
    report = load_many([ROOT / "quizzes"])
    with tempfile.TemporaryDirectory() as d:
        store = ProgressStore(Path(d) / "progress.json")
        print(f"{'quiz':<28} {'questions':>9} {'widgets':>8} {'build ms':>9}")
        for quiz in sorted(report.quizzes.values(), key=lambda q: (q.chapter, q.id)):
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                qw = QuizWidget(quiz, seed=1, store=store)
                times.append(time.perf_counter() - t0)
            print(f"{quiz.id:<28} {len(qw.ids):>9} {count_widgets(qw.widget):>8} "
                  f"{1000 * statistics.median(times):>9.1f}")
        for k in range(args.quizzes):
            rec = new_record(f"filler-{k:03d}", k)
            for j in range(10):
                rec = with_response(rec, f"q{j}", ["a", "b"])
            store.save(rec)
        quiz = next(iter(report.quizzes.values()))
        qw = QuizWidget(quiz, seed=1, store=store)
        checks = []
        for panel in qw.panels.values():
            panel.control.set_response(correct_response(panel.q))
            t0 = time.perf_counter()
            panel.check_button.click()
            checks.append(time.perf_counter() - t0)
        size = store.path.stat().st_size
        print(f"Check click (grade + show + save), file with {args.quizzes + 1} quizzes ({size:,} bytes): "
              f"{1000 * statistics.median(checks):.1f} ms median of {len(checks)}")
        saves = []
        for _ in range(20):
            t0 = time.perf_counter()
            store.save(qw.record)
            saves.append(time.perf_counter() - t0)
        print(f"progress save alone (read, merge, fsync, replace): {1000 * statistics.median(saves):.1f} ms median")
    code = "import time; t=time.perf_counter(); import kcourse.frontend.widgets; print(time.perf_counter()-t)"
    imports = [float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
               for _ in range(3)]
    print(f"import kcourse.frontend.widgets (fresh Python): {1000 * statistics.median(imports):.0f} ms median of 3")


if __name__ == "__main__":
    main()
