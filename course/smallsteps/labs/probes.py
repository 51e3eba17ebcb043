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
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Self

from .probes_hist import (  # noqa: F401  (the chapter reads them as probes.<name>)
    REFERENCE_HIST_COUNTS,
    REFERENCE_HIST_TEXT,
    REFERENCE_LHIST_COUNTS,
    REFERENCE_LHIST_TEXT,
    Histogram,
    ProbeError,
    bar_width,
    format_hist,
    hist,
    hist_index_label,
    lhist,
    lhist_index,
    lhist_index_label,
    log2_index,
    plot_hist,
)

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
