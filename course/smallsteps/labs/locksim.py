"""Chapter 2 lab: N CPUs sharing one Big Kernel Lock versus many fine-grained locks.

A small discrete-event simulation, in whole time ticks so that it gives the same numbers on every
machine. A fixed batch of jobs (the same jobs for every run with the same seed) is shared by N CPUs;
each CPU takes the next job from the queue when it is free. A job first runs in parallel (no lock),
then enters a critical section that needs one lock. With the Big Kernel Lock there is one lock for
everything; with fine-grained locks each job needs one of `n_locks` locks, picked at random. A CPU
that finds its lock taken spins until the lock is free; waiters are served first come, first served.

    >>> from smallsteps.labs import locksim
    >>> r = locksim.simulate(8, lock_share=0.25, n_locks=1, n_jobs=400)
    >>> round(r.speedup, 2) <= 1 / 0.25
    True

The speedup never beats `1 / lock_share` with one lock: the lock can only be held by one CPU at a
time, and a `lock_share` part of all the work has to pass through it. Amdahl's law has the same
ceiling. Plot helpers import matplotlib when they are called.
"""
from __future__ import annotations

import heapq
import random
import sys
import sysconfig
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "DEFAULT_CORES",
    "SEED",
    "Job",
    "SimResult",
    "amdahl",
    "gil_status",
    "make_jobs",
    "plot_scaling",
    "simulate",
    "simulate_jobs",
    "sweep",
    "time_threads",
]

SEED = 2020
"""Default seed: the year of the talk."""

DEFAULT_CORES = (1, 2, 4, 8, 16, 32, 64)
"""Core counts for the default sweep."""


@dataclass(frozen=True)
class Job:
    """One piece of kernel work: some ticks without a lock, then some ticks holding a lock."""

    parallel: int
    """Ticks that can run on any CPU at the same time as others."""
    critical: int
    """Ticks that must hold the job's lock."""
    lock: int
    """Which lock the critical part needs (0 when there is only one)."""

    @property
    def length(self) -> int:
        """All ticks of the job."""
        return self.parallel + self.critical


@dataclass(frozen=True)
class SimResult:
    """What one run of `simulate` measured."""

    n_cpus: int
    """CPUs that shared the work."""
    n_locks: int
    """Locks the critical sections were spread over (1 = a Big Kernel Lock)."""
    lock_share: float
    """Requested share of each job's work under the lock."""
    total_work: int
    """Ticks of work in all jobs: what one CPU alone needs."""
    locked_work: int
    """Ticks of all critical sections together."""
    makespan: int
    """Ticks until the last job was done."""
    spin_ticks: int
    """Ticks CPUs spent waiting for a lock held by another CPU."""

    @property
    def speedup(self) -> float:
        """How many times faster than one CPU (work / makespan)."""
        return self.total_work / self.makespan if self.makespan else 1.0

    @property
    def efficiency(self) -> float:
        """Speedup per CPU: 1.0 means every CPU was always doing useful work."""
        return self.speedup / self.n_cpus

    @property
    def lock_ceiling(self) -> float:
        """Best possible speedup with one lock: all work over the work that needs the lock."""
        return self.total_work / self.locked_work if self.locked_work else float("inf")


def _check_share(lock_share: float) -> None:
    if not 0.0 <= lock_share <= 1.0:
        raise ValueError(f"lock_share must be between 0 and 1 (a fraction of the work), got {lock_share!r}")


def make_jobs(
    n_jobs: int,
    lock_share: float,
    n_locks: int = 1,
    *,
    seed: int = SEED,
    min_len: int = 50,
    max_len: int = 150,
) -> list[Job]:
    """Draw `n_jobs` jobs with lengths from `min_len` to `max_len` ticks (both included).

    `round(lock_share * length)` ticks of each job need a lock; the lock is drawn uniformly from
    `range(n_locks)`. The lengths depend only on `seed` and `n_jobs`, not on `n_locks` or
    `lock_share`, so runs that change only those compare the same work.
    """
    _check_share(lock_share)
    if n_jobs < 0:
        raise ValueError(f"n_jobs must be 0 or more, got {n_jobs}")
    if n_locks < 1:
        raise ValueError(f"n_locks must be at least 1 (1 = one big lock), got {n_locks}")
    if not 1 <= min_len <= max_len:
        raise ValueError(f"need 1 <= min_len <= max_len, got {min_len} and {max_len}")
    lengths = random.Random(seed)
    locks = random.Random(seed + 1)
    jobs = []
    for _ in range(n_jobs):
        length = lengths.randint(min_len, max_len)
        critical = round(lock_share * length)
        jobs.append(Job(length - critical, critical, locks.randrange(n_locks)))
    return jobs


def simulate_jobs(
    jobs: Sequence[Job], n_cpus: int, n_locks: int | None = None, *, lock_share: float = float("nan")
) -> SimResult:
    """Run `jobs` on `n_cpus` CPUs and measure. Deterministic: ties go to the lower CPU number."""
    if n_cpus < 1:
        raise ValueError(f"n_cpus must be at least 1, got {n_cpus}")
    if n_locks is None:
        n_locks = max((j.lock for j in jobs), default=0) + 1
    free_at = [0] * n_locks  # tick at which each lock is next free
    queue = iter(jobs)
    # events: (tick, kind, cpu, job); kind 0 = CPU is free, kind 1 = CPU asks for its lock.
    # Handling lock requests in tick order makes the lock first come, first served.
    events: list[tuple[int, int, int, Job | None]] = [(0, 0, cpu, None) for cpu in range(n_cpus)]
    heapq.heapify(events)
    makespan = 0
    spin = 0
    while events:
        tick, kind, cpu, job = heapq.heappop(events)
        if kind == 0:
            makespan = max(makespan, tick)
            nxt = next(queue, None)
            if nxt is not None:
                heapq.heappush(events, (tick + nxt.parallel, 1, cpu, nxt))
        else:
            assert job is not None
            granted = max(tick, free_at[job.lock])
            spin += granted - tick
            free_at[job.lock] = granted + job.critical
            heapq.heappush(events, (granted + job.critical, 0, cpu, None))
    return SimResult(
        n_cpus=n_cpus,
        n_locks=n_locks,
        lock_share=lock_share,
        total_work=sum(j.length for j in jobs),
        locked_work=sum(j.critical for j in jobs),
        makespan=makespan,
        spin_ticks=spin,
    )


def simulate(
    n_cpus: int,
    lock_share: float,
    n_locks: int = 1,
    *,
    n_jobs: int = 2000,
    seed: int = SEED,
) -> SimResult:
    """Simulate `n_jobs` seeded jobs on `n_cpus` CPUs with `n_locks` locks (1 = Big Kernel Lock)."""
    jobs = make_jobs(n_jobs, lock_share, n_locks, seed=seed)
    return simulate_jobs(jobs, n_cpus, n_locks, lock_share=lock_share)


def amdahl(n_cpus: float, serial_fraction: float) -> float:
    """Amdahl's law: the speedup on `n_cpus` when `serial_fraction` of the work cannot run in parallel.

    speedup = 1 / (s + (1 - s) / n). It approaches 1 / s however many CPUs you add.
    """
    _check_share(serial_fraction)
    if n_cpus <= 0:
        raise ValueError(f"n_cpus must be positive, got {n_cpus}")
    return 1.0 / (serial_fraction + (1.0 - serial_fraction) / n_cpus)


def sweep(
    lock_share: float,
    cores: Sequence[int] = DEFAULT_CORES,
    lock_counts: Sequence[int] = (1, 64),
    *,
    n_jobs: int = 2000,
    seed: int = SEED,
) -> dict[int, list[SimResult]]:
    """Run `simulate` for every core count and every lock count: {n_locks: [result per core count]}."""
    return {
        n_locks: [simulate(n, lock_share, n_locks, n_jobs=n_jobs, seed=seed) for n in cores]
        for n_locks in lock_counts
    }


def plot_scaling(
    lock_share: float,
    cores: Sequence[int] = DEFAULT_CORES,
    lock_counts: Sequence[int] = (1, 64),
    *,
    amdahl_fn: Callable[[float, float], float] = amdahl,
    n_jobs: int = 2000,
    seed: int = SEED,
    ax=None,
):
    """Plot simulated speedup against cores for each lock count, beside Amdahl's law and the ideal.

    `amdahl_fn` draws the Amdahl curve, so a learner's own version can be compared. Returns
    `(ax, results)` where results is what `sweep` returned.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    results = sweep(lock_share, cores, lock_counts, n_jobs=n_jobs, seed=seed)
    xs = list(cores)
    ax.plot(xs, xs, color="0.7", linestyle=":", label="ideal (speedup = cores)")
    ax.plot(xs, [amdahl_fn(n, lock_share) for n in xs], color="black", linestyle="--",
            label=f"Amdahl's law, serial share {lock_share:.0%}")
    for n_locks, runs in results.items():
        name = "one big lock (BKL)" if n_locks == 1 else f"{n_locks} fine-grained locks"
        ax.plot(xs, [r.speedup for r in runs], marker="o", label=f"simulated: {name}")
    if lock_share > 0:
        ax.axhline(1 / lock_share, color="tab:red", linewidth=0.8, alpha=0.6)
        ax.annotate(f"ceiling 1/{lock_share:g} = {1 / lock_share:.1f}", (xs[0], 1 / lock_share),
                    xytext=(2, 3), textcoords="offset points", fontsize=8, color="tab:red")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_xticks(xs, [str(x) for x in xs])
    ax.set_yticks(xs, [str(x) for x in xs])
    ax.minorticks_off()
    ax.set_xlabel("CPU cores")
    ax.set_ylabel("speedup over one core")
    ax.set_title(f"{lock_share:.0%} of the work under a lock")
    ax.legend(fontsize=8, frameon=False)
    return ax, results


def gil_status() -> str:
    """A sentence on this Python's Global Interpreter Lock, Python's own 'big lock'.

    `sys._is_gil_enabled()` exists from Python 3.13 on; older versions always have the GIL.
    """
    version = ".".join(map(str, sys.version_info[:3]))
    free_threaded_build = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    check = getattr(sys, "_is_gil_enabled", None)
    if check is None:
        return (f"Python {version}: sys._is_gil_enabled() does not exist here (it was added in 3.13), "
                "so this interpreter always runs with the GIL: one thread runs Python code at a time.")
    enabled = check()
    build = "a free-threaded build" if free_threaded_build else "a default (GIL) build"
    state = ("enabled: one thread runs Python code at a time" if enabled
             else "disabled: threads run Python code in parallel")
    return f"Python {version}, {build}: the GIL is {state}."


def _count(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def time_threads(n_threads: int = 4, work: int = 200_000) -> tuple[float, float]:
    """Time `n_threads` pieces of pure-Python work, one after another and then in threads.

    Returns `(sequential_seconds, threaded_seconds)`. With the GIL the two are about equal (only one
    thread runs Python code at a time); on a free-threaded build with enough cores the threaded time
    drops towards `sequential / n_threads`. Wall-clock times differ from run to run.
    """
    if n_threads < 1:
        raise ValueError(f"n_threads must be at least 1, got {n_threads}")
    if work < 0:
        raise ValueError(f"work must be 0 or more loop steps, got {work}")
    start = time.perf_counter()
    for _ in range(n_threads):
        _count(work)
    sequential = time.perf_counter() - start
    threads = [threading.Thread(target=_count, args=(work,)) for _ in range(n_threads)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    threaded = time.perf_counter() - start
    return sequential, threaded
