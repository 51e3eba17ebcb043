"""Chapter 7 lab: latency, its tail, and why preemption points bound it.

Two halves:

* **Measured** (your machine, not deterministic): ask ``time.sleep`` for 1 ms many times and
  record how late each wake-up is, idle and while CPU-burning threads compete for the CPUs.
* **Simulated** (seeded, deterministic): a high-priority task wakes at random times while a
  low-priority task runs long non-preemptible kernel sections.  The high-priority task has to wait
  until the next *preemption point*.  Splitting sections (what the PREEMPT_RT work did to the
  kernel, in many small steps) bounds the worst case.

Pure Python and the standard library; matplotlib is imported inside the plotting helpers.
"""

from __future__ import annotations

import hashlib
import math
import platform
import random
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = [
    "RECORDED_KERNEL",
    "LatencySummary",
    "SimResult",
    "Workload",
    "cpu_load",
    "kernel_preemption_model",
    "make_workload",
    "measure_sleep_overshoot",
    "percentile",
    "plot_histograms",
    "plot_tail",
    "simulate",
    "split_section",
    "summarize",
]


# --------------------------------------------------------------------------- statistics


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile (0 < q <= 100) of ``values``.

    Nearest rank means the result is always one of the samples: the smallest value such that at
    least ``q`` percent of the samples are less than or equal to it.  ``percentile(v, 100)`` is
    the maximum, which is the number a realtime system cares about.
    """
    if not values:
        raise ValueError(
            "percentile() of an empty sample: measure or simulate something first"
        )
    if not 0 < q <= 100:
        raise ValueError(f"percentile q must satisfy 0 < q <= 100, got {q!r}")
    ordered = sorted(values)
    rank = math.ceil(q / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


@dataclass(frozen=True)
class LatencySummary:
    """Median, tail and worst case of a latency sample (same unit as the sample)."""

    n: int
    """Number of samples."""
    p50: float
    """Median: what a benchmark reports."""
    p99: float
    """99th percentile: one sample in a hundred is worse."""
    max: float
    """Worst case seen: what decides whether the laser cutter ruins the workpiece."""

    def __str__(self) -> str:
        return f"n={self.n}  p50={self.p50:.1f}  p99={self.p99:.1f}  max={self.max:.1f}"


def summarize(values: Sequence[float]) -> LatencySummary:
    """p50, p99 and maximum of ``values``."""
    return LatencySummary(
        n=len(values),
        p50=percentile(values, 50),
        p99=percentile(values, 99),
        max=max(values),
    )


# --------------------------------------------------------------------------- measuring


def measure_sleep_overshoot(
    n: int = 200,
    interval: float = 0.001,
    *,
    clock: Callable[[], float] = time.perf_counter,
    sleep: Callable[[float], None] = time.sleep,
) -> list[float]:
    """Sleep ``n`` times for ``interval`` seconds; return how late each wake-up was, in µs.

    The overshoot is ``elapsed - interval``: timer slack, the time the kernel needs to notice the
    timer and to schedule the sleeping thread again, and (in Python) the time to get the GIL back.
    ``clock`` and ``sleep`` can be replaced (the tests use a fake clock).  A negative overshoot
    (a clock coarser than the interval) is reported as 0.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if interval <= 0:
        raise ValueError(f"interval must be positive seconds, got {interval}")
    out = []
    for _ in range(n):
        t0 = clock()
        sleep(interval)
        late = (clock() - t0 - interval) * 1e6
        out.append(max(late, 0.0))
    return out


def _burn_hash(stop: threading.Event, deadline: float) -> None:
    # hashlib releases the GIL for buffers > 2 KiB: this thread loads a CPU like a C program would.
    block = b"\0" * (256 * 1024)
    while not stop.is_set() and time.monotonic() < deadline:
        hashlib.sha256(block).digest()


def _burn_python(stop: threading.Event, deadline: float) -> None:
    # A pure-Python loop holds the GIL: the sleeping thread must wait for the interpreter too.
    x = 0
    while not stop.is_set() and time.monotonic() < deadline:
        for _ in range(1000):
            x += 1


@contextmanager
def cpu_load(
    kind: str = "hash", workers: int | None = None, max_seconds: float = 10.0
) -> Iterator[int]:
    """Run CPU-burning threads for the duration of the ``with`` block (and never longer than
    ``max_seconds``).  Yields the number of threads started.

    ``kind="hash"`` burns CPU outside the GIL (competition for the CPUs, decided by the kernel's
    scheduler); ``kind="python"`` burns CPU inside the interpreter (competition for the GIL,
    decided by Python's 5 ms switch interval).  ``workers`` defaults to the number of CPUs.
    """
    targets = {"hash": _burn_hash, "python": _burn_python}
    if kind not in targets:
        raise ValueError(
            f"cpu_load kind must be one of {sorted(targets)}, got {kind!r}"
        )
    if workers is None:
        import os

        workers = os.cpu_count() or 1
    if workers < 0:
        raise ValueError(f"workers must be >= 0, got {workers}")
    stop = threading.Event()
    deadline = time.monotonic() + max_seconds
    threads = [
        threading.Thread(
            target=targets[kind], args=(stop, deadline), daemon=True, name=f"load-{i}"
        )
        for i in range(workers)
    ]
    for t in threads:
        t.start()
    try:
        yield workers
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=max_seconds)


RECORDED_KERNEL = {
    "system": "Linux",
    "release": "6.18.44",
    "version": "#1 SMP PREEMPT_DYNAMIC",
    "model": "PREEMPT_DYNAMIC (preemption model chosen at boot; not a PREEMPT_RT kernel)",
    "realtime": False,
}
"""What :func:`kernel_preemption_model` reported on the machine the course was written on."""


def kernel_preemption_model(
    *,
    uname_version: str | None = None,
    platform_name: str | None = None,
    realtime_file: str = "/sys/kernel/realtime",
) -> dict:
    """Which preemption model the running Linux kernel was built with, from ``uname -v``.

    On Linux the version string names it (``PREEMPT_RT``, ``PREEMPT_DYNAMIC``, ``PREEMPT``, or
    nothing for a server kernel) and RT kernels have ``/sys/kernel/realtime`` containing ``1``.
    Elsewhere the result is :data:`RECORDED_KERNEL` with ``"recorded": True`` and a message.
    """
    platform_name = sys.platform if platform_name is None else platform_name
    if not platform_name.startswith("linux"):
        return {
            **RECORDED_KERNEL,
            "recorded": True,
            "message": f"not Linux ({platform_name}): showing the sample recorded on a Linux machine",
        }
    version = platform.uname().version if uname_version is None else uname_version
    realtime = False
    try:
        with open(realtime_file, encoding="ascii") as fh:
            realtime = fh.read().strip() == "1"
    except OSError:
        pass
    if "PREEMPT_RT" in version or realtime:
        model = "PREEMPT_RT (fully preemptible, realtime)"
    elif "PREEMPT_DYNAMIC" in version:
        model = (
            "PREEMPT_DYNAMIC (preemption model chosen at boot; not a PREEMPT_RT kernel)"
        )
    elif "PREEMPT" in version:
        model = "PREEMPT (low-latency desktop)"
    else:
        model = "no forced preemption or voluntary (server/desktop default)"
    return {
        "system": "Linux",
        "release": platform.uname().release if uname_version is None else "",
        "version": version,
        "model": model,
        "realtime": "PREEMPT_RT" in version or realtime,
        "recorded": False,
        "message": "",
    }


# --------------------------------------------------------------------------- simulation


def split_section(length: int, preempt_every: int | None) -> list[int]:
    """Split one non-preemptible section of ``length`` µs at preemption points.

    Returns chunk lengths, each at most ``preempt_every``, summing to ``length``, in order.
    ``preempt_every=None`` means no preemption points: the section stays one chunk.
    """
    if length < 0:
        raise ValueError(f"section length must be >= 0 µs, got {length}")
    if preempt_every is None or length <= preempt_every:
        return [length]
    if preempt_every < 1:
        raise ValueError(f"preempt_every must be >= 1 µs or None, got {preempt_every}")
    full, rest = divmod(length, preempt_every)
    return [preempt_every] * full + ([rest] if rest else [])


@dataclass(frozen=True)
class Workload:
    """A seeded scenario: what the low-priority task does and when the high-priority one wakes."""

    sections: tuple[int, ...]
    """Low-priority non-preemptible kernel sections, µs, executed back to back."""
    wakeups: tuple[int, ...]
    """Times (µs) at which the high-priority task becomes runnable, increasing."""
    hp_runtime: int
    """How long (µs) the high-priority task runs after each wake-up."""
    seed: int
    """The seed that produced this workload."""

    @property
    def longest_section(self) -> int:
        """The worst case without preemption points."""
        return max(self.sections)


def make_workload(
    seed: int = 2020,
    n_wakeups: int = 2000,
    *,
    hp_runtime: int = 50,
    short: tuple[int, int] = (5, 60),
    long: tuple[int, int] = (500, 3000),
    long_share: float = 0.002,
) -> Workload:
    """A seeded workload.

    The low-priority task runs sections that are mostly short (``short`` µs, uniform) and
    sometimes long (``long_share`` of them, ``long`` µs): think of a driver flushing a buffer, or a
    lock held while walking a long list.  The high-priority task wakes ``n_wakeups`` times; the gap
    between wake-ups is always longer than the longest section plus its own runtime, so one
    wake-up never waits for the previous one.
    """
    if n_wakeups < 1:
        raise ValueError(f"n_wakeups must be >= 1, got {n_wakeups}")
    if not 0 <= long_share <= 1:
        raise ValueError(f"long_share must be between 0 and 1, got {long_share}")
    rng = random.Random(seed)
    min_gap = long[1] + hp_runtime + 1
    wakeups = []
    t = 0
    for _ in range(n_wakeups):
        t += min_gap + int(rng.expovariate(1 / 1000))
        wakeups.append(t)
    horizon = wakeups[-1] + long[1]
    sections = []
    total = 0
    while total < horizon:
        lo, hi = long if rng.random() < long_share else short
        s = rng.randint(lo, hi)
        sections.append(s)
        total += s
    return Workload(tuple(sections), tuple(wakeups), hp_runtime, seed)


@dataclass(frozen=True)
class SimResult:
    """What one simulated run measured."""

    preempt_every: int | None
    """Preemption point spacing in µs (``None``: only at section ends)."""
    latencies: tuple[int, ...]
    """Per wake-up: µs from becoming runnable to running."""
    lp_finish: int
    """µs until the low-priority task finished all its sections (throughput, lower is better)."""
    preemption_points: int
    """How many preemption points the low-priority task passed."""
    summary: LatencySummary = field(init=False)
    """p50/p99/max of ``latencies``."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "summary", summarize(self.latencies))


def simulate(
    workload: Workload,
    preempt_every: int | None = None,
    *,
    point_cost: int = 1,
    splitter: Callable[[int, int | None], list[int]] = split_section,
) -> SimResult:
    """Run the two tasks on one simulated CPU.

    The low-priority task runs its sections, split into chunks by ``splitter(length,
    preempt_every)``.  It can only be preempted between chunks.  Every chunk boundary inside a
    section is a preemption point that costs ``point_cost`` µs (checking whether to reschedule is
    not free: that is the throughput price of low latency).  A waiting high-priority task runs at
    the first boundary after its wake-up, for ``workload.hp_runtime`` µs.  So no wake-up waits
    longer than the longest chunk: with preemption points, at most ``preempt_every`` µs.
    """
    chunks: list[int] = []
    points = 0
    for length in workload.sections:
        parts = splitter(length, preempt_every)
        if sum(parts) != length or any(p < 0 for p in parts):
            raise ValueError(
                f"splitter({length}, {preempt_every}) returned {parts}: chunks must be >= 0 and sum to {length}"
            )
        if preempt_every is not None and any(p > preempt_every for p in parts):
            raise ValueError(
                f"splitter({length}, {preempt_every}) returned {parts}: a chunk is longer than {preempt_every}"
            )
        for i, p in enumerate(parts):
            if i > 0:
                # a negative entry marks a preemption point inside the section
                chunks.append(-point_cost)
                points += 1
            chunks.append(p)

    wakeups = workload.wakeups
    latencies = []
    now = 0
    w = 0  # next wake-up not yet served

    def serve_pending() -> None:
        nonlocal now, w
        while w < len(wakeups) and wakeups[w] <= now:
            latencies.append(now - wakeups[w])
            now += workload.hp_runtime
            w += 1

    for c in chunks:
        if c < 0:  # preemption point: let a waiting task in, then pay for the check
            serve_pending()
            now += -c
            continue
        serve_pending()  # section boundary: always a scheduling point
        now += c
    lp_finish = now
    serve_pending()
    while w < len(wakeups):  # the low-priority task is done: the CPU is idle
        latencies.append(0)
        w += 1
    return SimResult(preempt_every, tuple(latencies), lp_finish, points)


# --------------------------------------------------------------------------- plots


def plot_histograms(samples: dict[str, Sequence[float]], *, unit: str = "µs", ax=None):
    """Overlayed latency histograms (log-spaced bins) with p99 and max marked.  Returns the axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5))
    positive = [v for vals in samples.values() for v in vals if v > 0]
    lo = max(min(positive, default=1.0), 0.1)
    hi = max(max(positive, default=10.0), lo * 10)
    bins = [lo * (hi / lo) ** (i / 40) for i in range(41)]
    for i, (label, vals) in enumerate(samples.items()):
        color = f"C{i}"
        s = summarize(vals)
        ax.hist(
            [max(v, lo) for v in vals],
            bins=bins,
            alpha=0.5,
            color=color,
            label=f"{label}: {s}",
        )
        ax.axvline(s.p99, color=color, linestyle="--", linewidth=1)
        ax.axvline(s.max, color=color, linestyle=":", linewidth=1)
    ax.set_xscale("log")
    ax.set_xlabel(f"latency ({unit}, log scale); dashed = p99, dotted = max")
    ax.set_ylabel("samples")
    ax.legend(fontsize="small", loc="lower left", bbox_to_anchor=(0, 1.01), frameon=False)  # above: hides no line
    return ax


def _label(r: SimResult) -> str:
    if r.preempt_every is None:
        return "no preemption points"
    return f"point every {r.preempt_every} µs"


def plot_tail(results: Sequence[SimResult], *, axes=None):
    """Left: survival curve (share of wake-ups waiting longer than x).  Right: p50/p99/max bars."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    left, right = axes
    for i, r in enumerate(results):
        label = _label(r)
        xs = sorted(r.latencies)
        n = len(xs)
        ys = [1 - (k + 1) / n for k in range(n)]
        left.step(
            [max(x, 1) for x in xs],
            [max(y, 0.5 / n) for y in ys],
            where="post",
            color=f"C{i}",
            label=label,
        )
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel("latency x (µs)")
    left.set_ylabel("share of wake-ups waiting > x")
    left.legend(fontsize="small")
    names = ["p50", "p99", "max"]
    width = 0.8 / max(len(results), 1)
    for i, r in enumerate(results):
        vals = [r.summary.p50, r.summary.p99, r.summary.max]
        bar_xs = [j + i * width for j in range(3)]
        right.bar(
            bar_xs, [max(v, 0.5) for v in vals], width=width, color=f"C{i}", label=_label(r)
        )
    right.set_xticks([j + width * (len(results) - 1) / 2 for j in range(3)], names)
    right.set_yscale("log")
    right.set_ylabel("latency (µs, log scale)")
    # no second legend: the left one names the colours, and one here covered the p99 and max bars
    right.set_title(
        "the worst case shrinks far more than the median\n(colours as on the left)", fontsize="medium"
    )
    return axes
