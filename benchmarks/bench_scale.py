"""A MOOC-sized class through the real CLI: grade, statistics and exports at 10k, 100k, 1M submissions.

For each class size: the benchmark's class generator (:func:`bench_gradebook.write_class`, 10-question
submissions of every type) writes the files, then each command runs as its own ``kcourse`` process and is
measured from outside: wall time and peak memory (``ru_maxrss`` of the process, its children included, from
``wait4``). Printed per size: grading time and rate, grading peak, gradebook size, ``kcourse stats`` time and
peak, ``kcourse grades export --format csv`` time and peak, ``kcourse grades files`` time and peak, and the
load average when each ran (the machine is shared: other work only slows a figure down).

Run: python benchmarks/bench_scale.py [--n 10000 100000 1000000] [--pg] [--dir FOLDER]
Default: a fresh SQLite gradebook per size. ``--pg``: a fresh PostgreSQL database per size, on the server of
$KCOURSE_PG_URL or a throwaway local one (``tests/pg_server.py``: initdb + pg_ctl, durable settings); the
server's own memory is not the kcourse process's and is not in the peak (its CPU time is printed as "server").
The generated classes and gradebooks are deleted at the end.

SQLite (the default), this machine: 10k and 100k measured 2026-11-30 (load 2.0-2.4), 1M on 2026-11-29 at load
13.5 (wall time is then mostly waiting for the CPU; cpu is the process's):

=========  =====================================  ======  =========  ======================  ==========================
class      grade                                  peak    gradebook  stats (peak)            export csv / files (peak)
=========  =====================================  ======  =========  ======================  ==========================
10,000     3.7 s, 2,729/s (cpu 2.8 s)             58 MB   16 MB      1.0 s (41 MB)           0.6 s / 0.4 s (33 MB)
100,000    27.5 s, 3,631/s (cpu 26.6 s)           64 MB   161 MB     5.0 s (41 MB)           2.8 s / 1.5 s (35 MB)
1,000,000  962 s at load 13.5 (cpu 277 s)         136 MB  1,630 MB   57 s (60 MB)            47 s / 26 s (34 MB)
=========  =====================================  ======  =========  ======================  ==========================

Before streaming (2026-11-28): 10k 121 MB, 100k 880 MB (stats 592 MB, export 173 MB), 1M about 8 GB by
extrapolation. Of the 136 MB at 1M, about 70 MB is ``os.walk`` listing one flat folder of a million names.

PostgreSQL 15 (local throwaway server, durable settings, shared_buffers 32 MB), this 2-core machine shared with
other work, 2026-11-30; "cpu" is the kcourse process's, "server" the PostgreSQL server's, load = 1-min average
when the command started:

=========  ========================================  ======  =========  =============  =========================
class      grade                                     peak    gradebook  stats (peak)   export csv / files (peak)
=========  ========================================  ======  =========  =============  =========================
10,000     8.7 s, 1,146/s (cpu 5.2 s, server 6.5 s)  68 MB   33 MB      1.3 s (63 MB)  1.3 s / 0.6 s (53 MB)
100,000    81.6 s, 1,226/s (cpu 42 s, server 56 s)   74 MB   259 MB     7.6 s (68 MB)  5.9 s / 2.6 s (54 MB)
1,000,000  773 s, 1,294/s (cpu 354 s, server 462 s)  147 MB  2,530 MB   83 s (82 MB)   47 s / 24 s (53 MB)
=========  ========================================  ======  =========  =============  =========================

Loads: 10k 3.5, 100k 3.2-3.4, 1M grade 5.9 (stats 7.3, exports 4.7 and 3.8). Before the statistics refresh
(:mod:`kcourse.instructor.gradebook.pg`) the run's lookups scanned the whole quiz per page of 1,000 attempts:
10k 7.6 s, 100k 339 s (client cpu 39.6 s), 1M stopped after 35 min.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_gradebook import QUIZ, write_class  # noqa: E402

from kcourse.core.loader import load_quiz  # noqa: E402


def server_cpu(server) -> float | None:
    """CPU seconds the local PostgreSQL server has used so far (the postmaster, its live processes, and the
    connections that have ended, which it has reaped); ``None`` for a server elsewhere."""
    if server is None or server.dir is None:
        return None
    main = int((server.dir / "data" / "postmaster.pid").read_text().split()[0])
    total = 0.0
    for pid in [main] + [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if pid == main:
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
        elif int(fields[1]) == main:  # a live child of the postmaster
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def run(cmd: list[str], cwd: Path, server=None) -> tuple[float, float, str]:
    """(seconds, peak MB of the process and its children, "load average at the start; CPU seconds") of one
    command. The CPU time (user + system, children included) says more than the wall time on a busy machine;
    on a local PostgreSQL server, the server's CPU time during the command is added as "server"."""
    load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    before = server_cpu(server)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    dt = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 2):  # 2: grade ran, some files rejected
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    cpu = f"{load}; cpu {usage.ru_utime + usage.ru_stime:.1f} s"
    if before is not None:
        time.sleep(0.5)  # the connection's server process ends and is reaped
        cpu += f", server {server_cpu(server) - before:.1f} s"  # type: ignore[operator]
    return dt, usage.ru_maxrss / 1024, cpu


def one(n: int, tmp: Path, server) -> None:
    quiz_file = tmp / "quizzes" / "bench.yml"
    quiz_file.parent.mkdir(parents=True, exist_ok=True)
    quiz_file.write_text(QUIZ.read_text().replace("draw: 1", "draw: 2"), encoding="utf-8")
    quiz = load_quiz(quiz_file)
    folder = tmp / f"class-{n}"
    folder.mkdir()
    t0 = time.perf_counter()
    write_class(quiz, n, folder, random.Random(2020))
    made = time.perf_counter() - t0
    address = server.new_database("bench") if server is not None else None
    book = address or str(tmp / f"gradebook-{n}.sqlite")
    k = [sys.executable, "-m", "kcourse"]
    print(f"{n:>9,} submissions ({'SQLite' if address is None else 'PostgreSQL'}; class written in {made:.0f} s)",
          flush=True)
    g_t, g_mb, g_load = run(k + ["grade", str(quiz_file), str(folder), "-g", book, "-q"], tmp, server)
    size = Path(book).stat().st_size / 1e6 if address is None else _pg_size(address)
    print(f"  grade        {g_t:8.1f} s  {n / g_t:7,.0f}/s  peak {g_mb:7.0f} MB  gradebook {size:,.0f} MB  "
          f"load {g_load}", flush=True)
    s_t, s_mb, s_load = run(k + ["stats", str(quiz_file), "-g", book], tmp, server)
    print(f"  stats        {s_t:8.1f} s           peak {s_mb:7.0f} MB  load {s_load}", flush=True)
    e_t, e_mb, e_load = run(k + ["grades", "export", quiz.id, "-g", book, "--format", "csv", "-o",
                                 str(tmp / "grades.csv")], tmp, server)
    print(f"  export csv   {e_t:8.1f} s           peak {e_mb:7.0f} MB  load {e_load}", flush=True)
    f_t, f_mb, f_load = run(k + ["grades", "files", quiz.id, "-g", book, "-o", str(tmp / "files.csv")], tmp, server)
    print(f"  grades files {f_t:8.1f} s           peak {f_mb:7.0f} MB  load {f_load}", flush=True)
    shutil.rmtree(folder)
    if address is None:
        Path(book).unlink()


def _pg_size(url: str) -> float:
    import psycopg

    with psycopg.connect(url) as c:
        return c.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 1e6  # type: ignore[index]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--pg", action="store_true", help="grade into PostgreSQL (default: SQLite)")
    ap.add_argument("--dir", help="where to write the classes (default: a temporary folder)")
    args = ap.parse_args()
    server = None
    if args.pg:
        sys.path.insert(0, str(ROOT / "tests"))
        from pg_server import Server

        url = os.environ.get("KCOURSE_PG_URL")
        server = Server(url) if url else Server(durable=True)
    try:
        with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
            for n in args.n:
                one(n, Path(tmp), server)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
