"""Chapter 6 lab: probes on Python functions, and histograms the way bpftrace prints them.

A `Tracer` is this lab's stand-in for kprobes and kretprobes: it fires when chosen Python functions
are entered and when they return, and records a timestamp (and the return value, like bpftrace's
`retval`). On Python 3.12 and later it uses `sys.monitoring`, which instruments only the chosen
functions, much as a kprobe patches only one kernel function; on older Pythons it falls back to
`sys.setprofile`, which sees every call and filters.

    >>> from smallsteps.labs import probes
    >>> clock = probes.SimClock()
    >>> with probes.Tracer(probes.cache_lookup, clock=clock) as t:
    ...     _ = probes.run_workload(200, clock=clock)
    >>> len(t.latencies("cache_lookup"))
    200

`hist` and `lhist` build the same buckets as bpftrace's `hist()` and `lhist()`, and `format_hist`
prints them as bpftrace does (see the example output in bpftrace's reference guide, which
`REFERENCE_HIST_TEXT` reproduces):

- `hist()` (power of two): negative values in `(..., 0)`, then `[0]`, `[1]`, then `[2, 4)`,
  `[4, 8)`, ...: each bucket includes its lower bound and excludes its upper bound; bounds that are
  multiples of 1024 print as `1K`, `1M`, `1G`, `1T`.
- `lhist(value, min, max, step)` (linear): `(..., min)` below `min`, then `[min, min+step)`, ...,
  and `[max, ...)` for values from `max` up (a value equal to `max` lands there).
- Only the buckets from the first to the last non-empty one are printed. Each line is the label
  left-aligned in 16 columns, the count right-aligned in 8, then ` |`, a bar of `@` 52 columns wide
  at the largest count, and `|`. The bar width is `count / max * 52` in C `float`, truncated.

Timings depend on the machine, so the workload runs on a `SimClock` by default: the code that is
probed is real, the time it "takes" is seeded. Plot helpers import matplotlib when called.
"""
from __future__ import annotations

import random
import struct
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Self

from smallsteps.errors import LabError

__all__ = [
    "REFERENCE_HIST_COUNTS",
    "REFERENCE_HIST_TEXT",
    "REFERENCE_LHIST_COUNTS",
    "REFERENCE_LHIST_TEXT",
    "SEED",
    "Histogram",
    "ProbeError",
    "ProbeEvent",
    "SimClock",
    "Tracer",
    "bar_width",
    "best_backend",
    "cache_lookup",
    "disk_read",
    "format_hist",
    "hist",
    "hist_index_label",
    "lhist",
    "lhist_index",
    "lhist_index_label",
    "log2_index",
    "plot_hist",
    "run_workload",
]

SEED = 2020
"""Default seed: the year of the talk."""

BAR_WIDTH = 52
"""Columns of `@` at the largest count (bpftrace's `max_width`)."""


class ProbeError(LabError):
    """Base of every error this lab raises on purpose."""


# --- probes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProbeEvent:
    """One firing of a probe."""

    kind: str
    """'entry' (like a kprobe) or 'return' (like a kretprobe)."""
    func: str
    """The probed function's qualified name."""
    t_ns: int
    """Clock reading in nanoseconds."""
    retval: object = None
    """For 'return': what the function returned (None when it raised)."""


def best_backend() -> str:
    """'monitoring' where `sys.monitoring` exists (Python 3.12+), else 'setprofile'."""
    return "monitoring" if hasattr(sys, "monitoring") else "setprofile"


class Tracer:
    """Entry and return probes on some Python functions, as a context manager.

    `clock` is any callable that returns nanoseconds (default `time.perf_counter_ns`; pass a
    `SimClock` for repeatable numbers). `backend` is 'auto', 'monitoring' or 'setprofile'.
    Probes fire for calls in the thread that entered the `with` block.
    """

    def __init__(self, *funcs: Callable, clock: Callable[[], int] = time.perf_counter_ns, backend: str = "auto"):
        if not funcs:
            raise ProbeError("Tracer needs at least one function to probe, e.g. Tracer(probes.cache_lookup)")
        codes = {}
        for f in funcs:
            code = getattr(f, "__code__", None)
            if code is None:
                raise ProbeError(
                    f"cannot probe {f!r}: only Python functions have code to instrument (builtins do not)"
                )
            codes[code] = f.__qualname__
        if backend == "auto":
            backend = best_backend()
        if backend not in ("monitoring", "setprofile"):
            raise ProbeError(f"backend must be 'auto', 'monitoring' or 'setprofile', got {backend!r}")
        if backend == "monitoring" and not hasattr(sys, "monitoring"):
            raise ProbeError(
                f"backend 'monitoring' needs Python 3.12 or later (this is {sys.version.split()[0]}); use 'setprofile'"
            )
        self.backend = backend
        self.clock = clock
        self.events: list[ProbeEvent] = []
        self._codes = codes
        self._open: dict[str, list[int]] = {name: [] for name in codes.values()}
        self._lat: dict[str, list[int]] = {name: [] for name in codes.values()}
        self._active = False
        self._tool: int | None = None
        self._old_profile: Callable[..., object] | None = None

    # recording
    def _entry(self, name: str) -> None:
        t = self.clock()
        self._open[name].append(t)
        self.events.append(ProbeEvent("entry", name, t))

    def _return(self, name: str, retval: object) -> None:
        t = self.clock()
        if self._open[name]:
            self._lat[name].append(t - self._open[name].pop())
        self.events.append(ProbeEvent("return", name, t, retval))

    # setprofile backend
    def _profile(self, frame, event, arg):
        name = self._codes.get(frame.f_code)
        if name is None:
            return
        if event == "call":
            self._entry(name)
        elif event == "return":
            self._return(name, arg)

    # sys.monitoring backend
    def _on_start(self, code, offset):
        name = self._codes.get(code)
        if name is not None:
            self._entry(name)

    def _on_return(self, code, offset, retval):
        name = self._codes.get(code)
        if name is not None:
            self._return(name, retval)

    def _on_unwind(self, code, offset, exc):
        name = self._codes.get(code)
        if name is not None:
            self._return(name, None)

    def __enter__(self) -> Self:
        if self._active:
            raise ProbeError("this Tracer is already attached; use a new one or leave the first `with` block")
        if self.backend == "monitoring":
            mon = sys.monitoring  # type: ignore[attr-defined]  # Python 3.12+; backend 'monitoring' needs it
            for tool in (mon.PROFILER_ID, 3, 4, 5):
                if mon.get_tool(tool) is None:
                    break
            else:
                raise ProbeError("no free sys.monitoring tool id (2-5 are all taken by other tools)")
            mon.use_tool_id(tool, "smallsteps probes")
            self._tool = tool
            ev = mon.events
            mon.register_callback(tool, ev.PY_START, self._on_start)
            mon.register_callback(tool, ev.PY_RETURN, self._on_return)
            mon.register_callback(tool, ev.PY_UNWIND, self._on_unwind)
            for code in self._codes:
                mon.set_local_events(tool, code, ev.PY_START | ev.PY_RETURN)
            mon.set_events(tool, ev.PY_UNWIND)  # unwinding can only be watched globally
        else:
            self._old_profile = sys.getprofile()
            sys.setprofile(self._profile)
        self._active = True
        return self

    def __exit__(self, *exc) -> None:
        if self.backend == "monitoring":
            mon = sys.monitoring  # type: ignore[attr-defined]  # Python 3.12+; backend 'monitoring' needs it
            tool = self._tool
            mon.set_events(tool, 0)
            for code in self._codes:
                mon.set_local_events(tool, code, 0)
            for event in (mon.events.PY_START, mon.events.PY_RETURN, mon.events.PY_UNWIND):
                mon.register_callback(tool, event, None)
            mon.free_tool_id(tool)
            self._tool = None
        else:
            sys.setprofile(self._old_profile)
        self._active = False

    # results
    def counts(self) -> dict[str, int]:
        """Calls seen per probed function (bpftrace: `@[func] = count()` on the entry probe)."""
        return {name: sum(1 for e in self.events if e.kind == "entry" and e.func == name) for name in self._lat}

    def latencies(self, func: str | None = None, *, unit_ns: int = 1) -> list[int]:
        """Entry-to-return times of `func` (default: the only probed function), in units of
        `unit_ns` nanoseconds, divided as integers like bpftrace's `(nsecs - @start[tid]) / 1000`."""
        if func is None:
            if len(self._lat) != 1:
                raise ProbeError(f"several functions are probed ({', '.join(self._lat)}); name one")
            func = next(iter(self._lat))
        if func not in self._lat:
            raise ProbeError(f"{func!r} is not probed; probed: {', '.join(self._lat)}")
        if unit_ns < 1:
            raise ProbeError(f"unit_ns must be at least 1, got {unit_ns}")
        return [d // unit_ns for d in self._lat[func]]

    def retvals(self, func: str) -> list[object]:
        """Return values of `func` (bpftrace: `retval` in a kretprobe)."""
        return [e.retval for e in self.events if e.kind == "return" and e.func == func]


# --- a seeded workload on a simulated clock ------------------------------------------------


class SimClock:
    """A clock that only moves when told to: `clock()` reads it, `clock.advance(ns)` moves it."""

    def __init__(self, start_ns: int = 0):
        self.t_ns = start_ns

    def __call__(self) -> int:
        return self.t_ns

    def advance(self, ns: int) -> None:
        if ns < 0:
            raise ProbeError(f"time only moves forward; advance({ns}) is negative")
        self.t_ns += ns


@dataclass
class _Ctx:
    clock: SimClock
    rng: random.Random
    hit_ratio: float
    spin: bool
    log: list[str] = field(default_factory=list)

    def spend(self, ns: int) -> None:
        self.clock.advance(ns)
        if self.spin:  # burn real CPU time roughly in proportion, for the real-clock tweak
            for _ in range(ns // 200):
                pass


def disk_read(key: int, ctx: _Ctx) -> int:
    """A slow path: 'read' a block from disk, 0.3-2 ms. Returns the bytes read."""
    ctx.spend(int(ctx.rng.lognormvariate(13.3, 0.45)))  # median about 600 us
    return 4096


def cache_lookup(key: int, ctx: _Ctx) -> int:
    """The function we probe: a cache hit costs a few microseconds, a miss also a `disk_read`."""
    ctx.spend(int(ctx.rng.lognormvariate(8.0, 0.5)))  # median about 3 us
    if ctx.rng.random() < ctx.hit_ratio:
        return 512
    return disk_read(key, ctx)


def run_workload(
    n: int = 1000, *, seed: int = SEED, clock: SimClock | None = None, hit_ratio: float = 0.8, spin: bool = False
) -> SimClock:
    """Call `cache_lookup` `n` times with seeded keys and costs; returns the clock it used.

    `spin=True` also burns real CPU time in proportion, so that probes with a real clock see a
    similar (but machine-dependent) shape.
    """
    if n < 0:
        raise ProbeError(f"n must be 0 or more, got {n}")
    if not 0.0 <= hit_ratio <= 1.0:
        raise ProbeError(f"hit_ratio must be between 0 and 1, got {hit_ratio}")
    clock = clock if clock is not None else SimClock()
    ctx = _Ctx(clock, random.Random(seed), hit_ratio, spin)
    for _ in range(n):
        cache_lookup(ctx.rng.randrange(1 << 20), ctx)
    return clock


# --- bpftrace-style histograms -------------------------------------------------------------


def log2_index(value: int) -> int:
    """bpftrace's `hist()` bucket index: 0 for negatives, 1 for 0, then 2 + floor(log2(value))."""
    if value < 0:
        return 0
    if value == 0:
        return 1
    return value.bit_length() + 1


def lhist_index(value: int, lo: int, hi: int, step: int) -> int:
    """bpftrace's `lhist()` bucket index: 0 below `lo`, 1 + (value - lo) // step inside, and the
    last index, 1 + (hi - lo) // step, above `hi` (bpftrace's `if (value > max)`)."""
    if value < lo:
        return 0
    if value > hi:
        return 1 + (hi - lo) // step
    return 1 + (value - lo) // step


def hist_index_label(power: int) -> str:
    """2**power with K/M/G/T for powers of 1024, as bpftrace labels log2 bounds: 512, 1K, 2K, 1M."""
    for limit, suffix in ((40, "T"), (30, "G"), (20, "M"), (10, "K")):
        if power >= limit:
            return f"{1 << (power - limit)}{suffix}"
    return str(1 << power)


def lhist_index_label(number: int) -> str:
    """A linear bound as bpftrace prints it: 0, then M or K for exact multiples of 1024**2 or 1024."""
    if number == 0:
        return "0"
    if number % (1024 * 1024) == 0:
        return f"{number // (1024 * 1024)}M"
    if number % 1024 == 0:
        return f"{number // 1024}K"
    return str(number)


@dataclass(frozen=True)
class Histogram:
    """Counts per bucket index, as a bpftrace map of `hist()` or `lhist()` holds them."""

    counts: tuple[int, ...]
    """Count per bucket index (index meanings: see `log2_index` and `lhist_index`)."""
    kind: str = "hist"
    """'hist' (power of two) or 'lhist' (linear)."""
    lo: int = 0
    """lhist: `min`."""
    hi: int = 0
    """lhist: `max`."""
    step: int = 1
    """lhist: `step`."""

    @property
    def total(self) -> int:
        """All values counted."""
        return sum(self.counts)

    def label(self, i: int) -> str:
        """The text bpftrace prints for bucket index `i`."""
        if self.kind == "hist":
            if i == 0:
                return "(..., 0)"
            if i == 1:
                return "[0]"
            if i == 2:
                return "[1]"
            return f"[{hist_index_label(i - 2)}, {hist_index_label(i - 1)})"
        buckets = (self.hi - self.lo) // self.step
        if i == 0:
            return f"(..., {lhist_index_label(self.lo)})"
        if i == buckets + 1:
            return f"[{lhist_index_label(self.hi)}, ...)"
        return f"[{lhist_index_label((i - 1) * self.step + self.lo)}, {lhist_index_label(i * self.step + self.lo)})"

    def rows(self) -> list[tuple[str, int]]:
        """(label, count) from the first to the last non-empty bucket, as bpftrace prints them."""
        nonzero = [i for i, n in enumerate(self.counts) if n > 0]
        if not nonzero:
            return []
        return [(self.label(i), self.counts[i]) for i in range(nonzero[0], nonzero[-1] + 1)]


def hist(values: Iterable[int]) -> Histogram:
    """A power-of-two histogram of integer `values`, like bpftrace's `@x = hist(value)`."""
    counts: list[int] = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int):
            raise ProbeError(f"hist() counts integers, got {v!r}; divide with // first (bpftrace maps hold integers)")
        i = log2_index(v)
        if i >= len(counts):
            counts.extend([0] * (i + 1 - len(counts)))
        counts[i] += 1
    return Histogram(tuple(counts))


def lhist(values: Iterable[int], lo: int, hi: int, step: int) -> Histogram:
    """A linear histogram, like bpftrace's `@x = lhist(value, min, max, step)`."""
    if step <= 0:
        raise ProbeError(f"lhist step must be positive, got {step}")
    if hi <= lo:
        raise ProbeError(f"lhist needs min < max, got min={lo} and max={hi}")
    counts = [0] * ((hi - lo) // step + 2)
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int):
            raise ProbeError(f"lhist() counts integers, got {v!r}")
        counts[lhist_index(v, lo, hi, step)] += 1
    return Histogram(tuple(counts), "lhist", lo, hi, step)


def _f32(x: float) -> float:
    return struct.unpack("f", struct.pack("f", x))[0]


def bar_width(count: int, max_count: int, width: int = BAR_WIDTH) -> int:
    """Number of `@` for `count`, computed as bpftrace does: `count / (float)max * width`, in C
    single precision, truncated toward zero."""
    if max_count <= 0:
        return 0
    return int(_f32(_f32(_f32(count) / _f32(max_count)) * width))


def format_hist(h: Histogram, name: str = "@") -> str:
    """The histogram as bpftrace prints it: a `name:` line, then one line per bucket."""
    rows = h.rows()
    top = max((n for _, n in rows), default=0)
    lines = [f"{name}:"]
    for label, n in rows:
        bar = "@" * bar_width(n, top)
        lines.append(f"{label:<16}{n:>8} |{bar:<{BAR_WIDTH}}|")
    return "\n".join(lines)


def plot_hist(h: Histogram, title: str, unit: str = "", ax=None):
    """The same buckets as a bar chart, labelled as bpftrace labels them."""
    import matplotlib.pyplot as plt

    rows = h.rows()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.4))
    labels = [label for label, _ in rows]
    ax.bar(range(len(rows)), [n for _, n in rows], color="tab:purple")
    ax.set_xticks(range(len(rows)), labels, rotation=45, ha="right")
    ax.set_ylabel("count")
    ax.set_xlabel(f"bucket{f' ({unit})' if unit else ''}")
    ax.set_title(title)
    return ax


# --- a real bpftrace output, from bpftrace's reference guide -------------------------------

REFERENCE_HIST_COUNTS = (117, 5, 325, 6, 3, 495, 35, 25, 21, 1, 3, 2, 1, 2)
"""`bpftrace -e 'kretprobe:vfs_read { @bytes = hist(retval); }'`, bucket indexes 0..13."""

REFERENCE_HIST_TEXT = """\
@bytes:
(..., 0)             117 |@@@@@@@@@@@@                                        |
[0]                    5 |                                                    |
[1]                  325 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                  |
[2, 4)                 6 |                                                    |
[4, 8)                 3 |                                                    |
[8, 16)              495 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[16, 32)              35 |@@@                                                 |
[32, 64)              25 |@@                                                  |
[64, 128)             21 |@@                                                  |
[128, 256)             1 |                                                    |
[256, 512)             3 |                                                    |
[512, 1K)              2 |                                                    |
[1K, 2K)               1 |                                                    |
[2K, 4K)               2 |                                                    |"""
"""The output printed in bpftrace's reference guide (docs/reference_guide.md, section `hist()`)."""

REFERENCE_LHIST_COUNTS = (0, 480, 49, 12, 39, 267, 0, 0, 0, 0, 0, 0)
"""`bpftrace -e 'kretprobe:vfs_read { @bytes = lhist(retval, 0, 10000, 1000); }'`."""

REFERENCE_LHIST_TEXT = """\
@bytes:
[0, 1000)            480 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[1000, 2000)          49 |@@@@@                                               |
[2000, 3000)          12 |@                                                   |
[3000, 4000)          39 |@@@@                                                |
[4000, 5000)         267 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@                        |"""
"""The `lhist()` output printed in the same reference guide."""

