"""Hostile input (issue 11): worst-case pattern matching, each hostile case's time and memory, a class of
10,000 with one hostile file.

1. Text patterns: the worst grading time of one answer against the worst patterns validation allows (patterns
   chosen to defeat a lazily built DFA, near the 1,000-step limit), for answers of up to 1,000 characters, in
   Python (kcourse.saferegex) and in node (kcourse/frontend/static/saferegex.js). For comparison, Python's
   ``re`` on ``(a+)+b`` against 22 characters.
2. Each case of tests/instructor/test_hostile.py (5 good files + 1 hostile), plus a nested-zip bomb, run as
   ``kcourse grade`` in a fresh process: exit status, wall time, peak memory (max RSS).
3. 10,000 submission files of which one is hostile: how many are stored, and the rate.
Run: python benchmarks/bench_hostile.py [--n 10000] [--skip-node]
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kcourse.core.saferegex import MAX_MATCH, MAX_PROGRAM, compile_pattern, fullmatch  # noqa: E402

# Pattern shapes that make every answer position a new DFA state, or make the closure large; K is raised as far
# as validation allows (the 1,000-step limit, repeats up to 100).
SHAPES = [
    r"(a|b)*a(a|b){K}",
    r"(a|b)*a(a|b){K}b(a|b){K}a(a|b){K}",
    r"((a|b)*a){K}",
    r"(.*a){K}",
    r"((a?){K}a{0,K})*",
    r"(\b\w*\b\s*)*(a|b)*a(\w|\s){K}",
    r"(((a*)*)*|(b*b?)*)*((a|b)?){K}c",
    r"(x+x+)+y|(a|aa)+(\w+\s?)+!|(.*.*.*.*){K}",
    r"((ab|a|b)*(ba|b)?){K}[ab]{K}",
    r"(\w|\W|\s|\S|\d|\D|.){K}[^z]*z",
]


def _largest(shape: str) -> str:
    from kcourse.core.saferegex import PatternError

    best = shape.replace("K", "1")
    for k in range(1, 101):
        p = shape.replace("K", str(k))
        try:
            compile_pattern(p)
        except PatternError:
            break
        best = p
    return best


WORST = [_largest(s) for s in SHAPES]


def steps(p: str) -> int:
    return len(compile_pattern(p).steps)


def answers(rng: random.Random) -> list[str]:
    n = MAX_MATCH
    return ["a" * n, "ab" * (n // 2), "".join(rng.choice("ab") for _ in range(n)),
            "".join(rng.choice("ab ") for _ in range(n)), "a" * (n - 1) + "!", ("x" * 40 + " ") * 24]


def bench_patterns(skip_node: bool) -> None:
    rng = random.Random(11)
    texts = answers(rng)
    worst = (0.0, "", 0)
    rows = []
    for p in WORST:
        compile_pattern.cache_clear()  # includes compiling, as the first answer of a run pays it
        from kcourse.core import saferegex

        saferegex._matcher.cache_clear()
        best = 0.0
        for t in texts:
            t0 = time.perf_counter()
            fullmatch(p, t, ignore_case=True)
            dt = time.perf_counter() - t0
            best = max(best, dt)
            if dt > worst[0]:
                worst = (dt, p, len(t))
        rows.append((p, steps(p), best))
    print(f"1. text patterns: answers of {MAX_MATCH} characters, patterns of at most {MAX_PROGRAM} steps")
    for p, n, t in rows:
        print(f"   {t * 1000:7.1f} ms  {n:4d} steps  {p}")
    print(f"   worst one answer in Python: {worst[0] * 1000:.1f} ms ({worst[1]})")
    node = shutil.which("node")
    if node and not skip_node:
        js = ROOT / "kcourse" / "frontend" / "static" / "saferegex.js"
        prog = ("const r=require(process.argv[1]);const d=JSON.parse(require('fs').readFileSync(0,'utf8'));"
                "let w=0,wp='';for(const p of d.p){for(const t of d.t){const s=process.hrtime.bigint();"
                "r.fullmatch(p,t,true);const e=Number(process.hrtime.bigint()-s)/1e6;if(e>w){w=e;wp=p;}}}"
                "console.log(JSON.stringify({w,wp}));")
        out = subprocess.run([node, "-e", prog, str(js)], input=json.dumps({"p": WORST, "t": texts}),
                             capture_output=True, text=True, check=True)
        got = json.loads(out.stdout)
        print(f"   worst one answer in node (the browser's engine): {got['w']:.1f} ms ({got['wp']})")
    t0 = time.perf_counter()
    re.fullmatch(r"(a+)+b", "a" * 22)
    print(f"   for comparison, Python's re: (a+)+b against 22 characters: {time.perf_counter() - t0:.2f} s "
          "(doubling with every character more)")


# -- 2. each hostile case in a fresh process --------------------------------------------------------------------
def child(argv: list[str]) -> None:
    """Run ``kcourse ARGV`` and print the peak memory (KB) on the last line of standard error: VmHWM, the peak of
    this program only (``ru_maxrss`` would also count the parent's memory copied at fork, kept across exec)."""
    import atexit

    def peak() -> int:
        try:
            status = Path("/proc/self/status").read_text()
            return int(next(ln.split()[1] for ln in status.splitlines() if ln.startswith("VmHWM:")))
        except (OSError, StopIteration):
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    atexit.register(lambda: print(f"maxrss {peak()}", file=sys.stderr))
    from kcourse.cli import main

    main(argv)


def run_case(args: list[str]) -> tuple[int, float, float, str]:
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, timeout=120)
    dt = time.perf_counter() - t0
    rss = next((int(ln.split()[1]) for ln in reversed(p.stderr.splitlines()) if ln.startswith("maxrss ")), 0)
    reason = next((ln.strip() for ln in p.stdout.splitlines() if ln.startswith("    ")), "")
    return p.returncode, dt, rss / 1024, reason


def zip_bomb(folder: Path) -> None:
    """12 inner zips of 40 MB each (stored zeros), compressed into one small outer zip."""
    member = b"\0" * 40_000_000
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("big.json", member)
    inner = buf.getvalue()
    with zipfile.ZipFile(folder / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for k in range(12):
            z.writestr(f"in{k}.zip", inner)


def bench_cases() -> None:
    from kcourse.core.loader import load_quiz
    from tests.instructor.conftest import FIVE, submission_json
    from tests.instructor.test_hostile import CASES

    five = load_quiz(FIVE)
    cases = [("baseline: no hostile file", lambda s, q: None)] + [(c[0], c[1]) for c in CASES]
    cases.append(("nested-zip-bomb (12 x 40 MB inner zips)", lambda s, q: zip_bomb(s)))
    print("\n2. hostile cases: 5 good files + 1 hostile, `kcourse grade` in a fresh process")
    print(f"   {'case':<44} {'exit':>4} {'time':>7} {'memory':>8}  rejection")
    for name, add in cases:
        with tempfile.TemporaryDirectory() as tmp:
            subs = Path(tmp) / "subs"
            subs.mkdir()
            for i in range(5):
                (subs / f"s{i}.json").write_text(submission_json(five, f"s{i}"), encoding="utf-8")
            add(subs, five)
            code, dt, mb, reason = run_case(["grade", str(FIVE), str(subs), "-g", str(Path(tmp) / "gb.sqlite"), "-q"])
        print(f"   {name:<44} {code:>4} {dt:>6.2f}s {mb:>6.0f} MB  {reason[:90]}")
    quiz = ROOT / "tests" / "files" / "quiz" / "valid-pathological-pattern.yml"
    with tempfile.TemporaryDirectory() as tmp:
        sub = Path(tmp) / "s.json"
        text = submission_json(load_quiz(quiz), "m", responses={"backtrack": "a" * 999 + "c"})
        sub.write_text(text, encoding="utf-8")
        code, dt, mb, _r = run_case(["grade-one", str(quiz), str(sub)])
    name = "grade-one: 1,000 characters vs (a+)+b|..."
    print(f"   {name:<44} {code:>4} {dt:>6.2f}s {mb:>6.0f} MB  (graded: incorrect)")


# -- 3. a class of n with one hostile file ----------------------------------------------------------------------
def bench_class(n: int) -> None:
    from benchmarks.bench_gradebook import QUIZ, write_class
    from kcourse.core.loader import load_quiz_text
    from kcourse.instructor.grade import grade_run

    quiz = load_quiz_text(QUIZ.read_text().replace("draw: 1", "draw: 2"), str(QUIZ))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "subs"
        folder.mkdir()
        write_class(quiz, n - 1, folder, random.Random(2020))
        text = (folder / "s00000.json").read_text(encoding="utf-8")
        (folder / "zz-hostile.json").write_text(text.replace('"student_id": "s00000"', '"student_id": "mallory"')
                                                .replace('"variant_seed": ', '"variant_seed": ' + "7" * 5001),
                                                encoding="utf-8")
        t0 = time.perf_counter()
        report = grade_run(quiz=quiz, inputs=[str(folder)], gradebook=Path(tmp) / "gb.sqlite")
        dt = time.perf_counter() - t0
        assert report.write is not None
        print(f"\n3. a class of {n:,} files, one hostile (a 5,001-digit variant_seed): {report.write.added:,} stored, "
              f"{len(report.rejected)} rejected ({report.rejected[0]}) in {dt:.2f} s, {n / dt:,.0f} files/s")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--skip-node", action="store_true")
    ap.add_argument("--only", choices=["patterns", "cases", "class"])
    args = ap.parse_args()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    if args.only in (None, "patterns"):
        bench_patterns(args.skip_node)
    if args.only in (None, "cases"):
        bench_cases()
    if args.only in (None, "class"):
        bench_class(args.n)


if __name__ == "__main__":
    main()
