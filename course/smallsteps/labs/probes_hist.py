"""Chapter 6 lab, the bpftrace side: ``hist()`` and ``lhist()`` histograms, printed the way bpftrace prints
them, and a real bpftrace output from its reference guide to compare with. :mod:`smallsteps.labs.probes`
(the probes and the workload) is what the chapter imports; it re-exports these.
"""
from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass

from smallsteps.errors import LabError

BAR_WIDTH = 52
"""Columns of `@` at the largest count (bpftrace's `max_width`)."""


class ProbeError(LabError):
    """Base of every error this lab raises on purpose."""


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
