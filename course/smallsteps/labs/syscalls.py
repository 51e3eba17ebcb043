"""Chapter 3 lab: many small writes versus batched writes.

Every ``write()`` is a trip into the kernel. Handing the kernel several buffers in one call
(``writev()``) pays that price once per batch instead of once per buffer. io_uring takes the idea
further: requests wait in a submission queue and one system call submits many of them.

This module writes the same bytes to a temporary file in batches of different sizes, counts the
system calls it makes, asks the kernel how many write calls it counted (``syscw`` in
``/proc/thread-self/io`` on Linux) and times each run.

Pure standard library; matplotlib is imported only inside :func:`plot_runs`. Works on any OS:
without ``/proc`` the kernel's count is ``None`` and the lab's own count is used; without
``os.writev`` (Windows) a batch is joined in user space and written with one ``os.write``.
"""
from __future__ import annotations

import hashlib
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

SEED = 2020
"""Seed for the chunk contents, so every run writes the same bytes."""

DEFAULT_BATCHES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
"""Batch sizes (chunks per system call) tried by default; 1024 is the usual IOV_MAX."""

PROC_IO_PATHS = ("/proc/thread-self/io", "/proc/self/io")
"""Where the kernel's per-thread (preferred) or per-process I/O counters live."""


# --------------------------------------------------------------------------------------------
# Reading the kernel's counters
# --------------------------------------------------------------------------------------------
def parse_proc_io(text: str) -> dict[str, int]:
    """Parse the text of ``/proc/<pid>/io`` into ``{"syscw": 12, ...}``.

    Lines look like ``syscw: 12``. Lines without a colon or with a non-integer value are
    skipped, so a truncated or unfamiliar file never raises.
    """
    fields: dict[str, int] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            continue
        try:
            fields[key.strip()] = int(value.strip())
        except ValueError:
            continue
    return fields


def proc_io_source() -> str | None:
    """The ``/proc`` file this machine offers for write counting, or ``None``.

    ``/proc/thread-self/io`` counts only the calling thread, so other threads of a Jupyter
    kernel cannot disturb the count; ``/proc/self/io`` (process-wide) is the fallback.
    """
    if not sys.platform.startswith("linux"):
        return None
    for path in PROC_IO_PATHS:
        try:
            with open(path, encoding="ascii") as f:
                if "syscw" in parse_proc_io(f.read()):
                    return path
        except OSError:
            continue
    return None


def read_syscw(path: str | None) -> int | None:
    """The kernel's count of write system calls (``syscw``) from ``path``, or ``None``."""
    if path is None:
        return None
    try:
        with open(path, encoding="ascii") as f:
            return parse_proc_io(f.read()).get("syscw")
    except OSError:
        return None


def counter_status() -> str:
    """One sentence that says which counter this machine offers."""
    path = proc_io_source()
    if path == PROC_IO_PATHS[0]:
        return f"Linux: the kernel counts this thread's write calls in {path} (field syscw)."
    if path is not None:
        return (f"Linux: only the process-wide counter {path} is available; other threads may "
                "add to syscw, so compare it with the lab's own count with care.")
    return (f"{sys.platform}: no /proc/thread-self/io here, so the kernel's count is not "
            "available. The lab shows the number of calls it made itself.")


# --------------------------------------------------------------------------------------------
# Making the data and writing it
# --------------------------------------------------------------------------------------------
def make_chunks(n_chunks: int, chunk_size: int, seed: int = SEED) -> list[bytes]:
    """``n_chunks`` pseudo-random chunks of ``chunk_size`` bytes each, the same for a seed."""
    if n_chunks < 0 or chunk_size < 1:
        raise ValueError("need n_chunks >= 0 and chunk_size >= 1")
    rng = random.Random(seed)
    return [rng.randbytes(chunk_size) for _ in range(n_chunks)]


def group_into_batches(chunks: Sequence[bytes], batch: int) -> list[list[bytes]]:
    """Split ``chunks`` into consecutive groups of ``batch`` (the last may be shorter)."""
    if batch < 1:
        raise ValueError("batch must be >= 1")
    return [list(chunks[i:i + batch]) for i in range(0, len(chunks), batch)]


def expected_calls(n_chunks: int, batch: int) -> int:
    """How many system calls :func:`write_in_batches` makes when every write is complete.

    One call per group of ``batch`` chunks: ``ceil(n_chunks / batch)``.
    """
    if batch < 1 or n_chunks < 0:
        raise ValueError("need batch >= 1 and n_chunks >= 0")
    return -(-n_chunks // batch)


def _writev_or_join(fd: int, buffers: list[bytes]) -> int:
    """One system call that writes ``buffers``: ``os.writev`` or, without it, ``os.write``."""
    writev = getattr(os, "writev", None)
    if writev is not None:
        return writev(fd, buffers)
    return os.write(fd, b"".join(buffers))


def write_group(fd: int, group: list[bytes],
                syscall: Callable[[int, list[bytes]], int] = _writev_or_join) -> int:
    """Write one group with as few calls as possible; return the number of calls made.

    A single chunk uses ``os.write``; several use ``writev``. A short (partial) write is
    finished with further calls, each counted, so the count stays honest.
    """
    calls = 0
    pending = [bytes(b) for b in group if b]
    while pending:
        if len(pending) == 1:
            written = os.write(fd, pending[0])
        else:
            written = syscall(fd, pending)
        calls += 1
        if written <= 0:
            raise OSError("write made no progress")
        # drop what was written, keep the rest for the next call
        while pending and written >= len(pending[0]):
            written -= len(pending[0])
            pending.pop(0)
        if pending and written:
            pending[0] = pending[0][written:]
    return calls


def write_in_batches(fd: int, chunks: Sequence[bytes], batch: int) -> int:
    """Write all ``chunks`` to ``fd``, ``batch`` chunks per system call; return the call count."""
    return sum(write_group(fd, group) for group in group_into_batches(chunks, batch))


@dataclass(frozen=True)
class WriteRun:
    """One measured run: the same bytes written with a given batch size."""

    batch: int
    """Chunks handed to the kernel per system call."""
    chunk_size: int
    """Bytes per chunk."""
    n_chunks: int
    """Number of chunks written."""
    calls: int
    """System calls the lab made (its own count)."""
    syscw_delta: int | None
    """Write calls the kernel counted during the run, or ``None`` where it cannot tell."""
    seconds: float
    """Fastest wall-clock time of the repeats (timings vary from run to run)."""
    digest: str
    """SHA-256 of the file afterwards: proves every byte arrived, in order."""

    @property
    def total_bytes(self) -> int:
        """Bytes written."""
        return self.chunk_size * self.n_chunks

    @property
    def ns_per_byte(self) -> float:
        """Nanoseconds per byte written."""
        return self.seconds * 1e9 / self.total_bytes if self.total_bytes else 0.0

    @property
    def bytes_per_call(self) -> float:
        """Average bytes each system call carried."""
        return self.total_bytes / self.calls if self.calls else 0.0


def measure(batch: int, chunks: Sequence[bytes], *, repeats: int = 3,
            directory: str | None = None) -> WriteRun:
    """Write ``chunks`` to a fresh temporary file ``repeats`` times with batch size ``batch``.

    The kernel's counter is read right before and right after the writes of the last repeat;
    the time is the fastest repeat. The file is removed afterwards.
    """
    if repeats < 1:
        raise ValueError("repeats must be >= 1")
    source = proc_io_source()
    best = float("inf")
    calls = 0
    delta: int | None = None
    digest = ""
    for _ in range(repeats):
        fd, path = tempfile.mkstemp(prefix="smallsteps-syscalls-", dir=directory)
        try:
            before = read_syscw(source)
            t0 = time.perf_counter()
            calls = write_in_batches(fd, chunks, batch)
            elapsed = time.perf_counter() - t0
            after = read_syscw(source)
            best = min(best, elapsed)
            delta = None if before is None or after is None else after - before
            os.close(fd)
            fd = -1
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
        finally:
            if fd != -1:
                os.close(fd)
            os.unlink(path)
    return WriteRun(batch=batch, chunk_size=len(chunks[0]) if chunks else 0,
                    n_chunks=len(chunks), calls=calls, syscw_delta=delta,
                    seconds=best, digest=digest)


def run_experiment(batches: Iterable[int] = DEFAULT_BATCHES, *, n_chunks: int = 4096,
                   chunk_size: int = 64, repeats: int = 3, seed: int = SEED) -> list[WriteRun]:
    """Measure every batch size in ``batches`` with the same seeded data."""
    chunks = make_chunks(n_chunks, chunk_size, seed)
    return [measure(b, chunks, repeats=repeats) for b in batches]


def expected_digest(n_chunks: int, chunk_size: int, seed: int = SEED) -> str:
    """SHA-256 of the bytes every run must leave in its file."""
    return hashlib.sha256(b"".join(make_chunks(n_chunks, chunk_size, seed))).hexdigest()


# --------------------------------------------------------------------------------------------
# A tiny cost model: time = calls * per_call + bytes * per_byte
# --------------------------------------------------------------------------------------------
def fit_cost_model(runs: Sequence[WriteRun]) -> tuple[float, float]:
    """Least-squares fit of ``seconds = calls * per_call + total_bytes * per_byte``.

    Returns ``(per_call_seconds, per_byte_seconds)``. Needs at least two runs whose
    (calls, bytes) pairs are not proportional; raises ``ValueError`` otherwise.
    """
    sxx = sum(r.calls * r.calls for r in runs)
    syy = sum(r.total_bytes * r.total_bytes for r in runs)
    sxy = sum(r.calls * r.total_bytes for r in runs)
    sxt = sum(r.calls * r.seconds for r in runs)
    syt = sum(r.total_bytes * r.seconds for r in runs)
    det = sxx * syy - sxy * sxy
    if len(runs) < 2 or det <= 1e-12 * max(1.0, sxx * syy):
        raise ValueError("need runs with different calls-to-bytes ratios to fit the model")
    per_call = (sxt * syy - syt * sxy) / det
    per_byte = (syt * sxx - sxt * sxy) / det
    return per_call, per_byte


# --------------------------------------------------------------------------------------------
# Showing it
# --------------------------------------------------------------------------------------------
def table(runs: Sequence[WriteRun]) -> str:
    """A plain-text table of the runs."""
    lines = [f"{'batch':>6} {'calls':>6} {'kernel syscw':>12} {'bytes/call':>10} {'ns/byte':>8}"]
    for r in runs:
        kernel = "n/a" if r.syscw_delta is None else str(r.syscw_delta)
        lines.append(f"{r.batch:>6} {r.calls:>6} {kernel:>12} {r.bytes_per_call:>10.0f} "
                     f"{r.ns_per_byte:>8.2f}")
    return "\n".join(lines)


def plot_runs(runs: Sequence[WriteRun], title: str = "Same bytes, fewer trips into the kernel"):
    """Two panels: time per byte and system calls against the batch size (log-scaled batch axis)."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    plain = FuncFormatter(lambda value, _pos: f"{value:g}")
    batches = [r.batch for r in runs]
    fig, (ax_t, ax_c) = plt.subplots(1, 2, figsize=(10, 3.8))
    ax_t.plot(batches, [r.ns_per_byte for r in runs], marker="o")
    ax_t.set_xscale("log", base=2)
    ax_t.set_ylim(bottom=0)
    ax_t.set_xlabel("chunks per system call (batch size)")
    ax_t.set_ylabel("nanoseconds per byte (fastest run)")
    ax_t.set_title("Time per byte")
    ax_t.grid(True, which="both", alpha=0.3)

    ax_c.plot(batches, [r.calls for r in runs], marker="o", label="calls the lab made")
    kernel = [(r.batch, r.syscw_delta) for r in runs if r.syscw_delta is not None]
    if kernel:
        ax_c.plot([b for b, _ in kernel], [k for _, k in kernel], linestyle="none",
                  marker="x", markersize=9, label="kernel's syscw count")
    ax_c.set_xscale("log", base=2)
    ax_c.set_yscale("log", base=2)
    ax_c.set_xlabel("chunks per system call (batch size)")
    ax_c.set_ylabel("write system calls")
    ax_c.set_title("System calls")
    ax_c.grid(True, which="both", alpha=0.3)
    ax_c.yaxis.set_major_formatter(plain)
    ax_c.legend()
    for ax in (ax_t, ax_c):
        ax.set_xticks(batches)
        ax.xaxis.set_major_formatter(plain)
        ax.xaxis.set_minor_formatter(NullFormatter())
    fig.suptitle(title)
    fig.tight_layout()
    return fig
