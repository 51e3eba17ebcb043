"""Chapter 3, part two: asynchrony. Keep several requests in flight to a slow device.

Batching (``syscalls``) pays the fixed cost of a system call once per batch, but the program still waits for
every answer. Asynchrony is the other half of io_uring's idea: the program submits requests and collects the
completions later, so that while the device works on one request, the next ones are already queued.

This module imitates a device whose every request takes the same time (``latency`` seconds, a real
``time.sleep``) and lets up to ``depth`` requests be in flight at once (threads standing in for a
submission queue). With ``depth == 1`` that is ordinary synchronous I/O.
"""
from __future__ import annotations

import math
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

DEFAULT_DEPTHS = (1, 4, 16, 64)
"""Queue depths the chapter compares: synchronous, then more and more requests in flight."""


@dataclass(frozen=True)
class QueueRun:
    """One run: ``requests`` requests of ``latency`` seconds each, at most ``depth`` in flight."""

    depth: int
    """How many requests may be in flight at once (1 = synchronous)."""
    requests: int
    """How many requests were submitted."""
    latency: float
    """Seconds the device takes for one request."""
    completed: int
    """How many completions came back (always ``requests`` unless something is wrong)."""
    seconds: float
    """Wall-clock time of the whole run."""

    @property
    def ideal_seconds(self) -> float:
        """The time a perfect queue needs: see ``expected_seconds``."""
        return expected_seconds(self.requests, self.latency, self.depth)


def expected_seconds(requests: int, latency: float, depth: int) -> float:
    """Time for ``requests`` requests of ``latency`` s each with ``depth`` in flight: rounds x latency.

    The requests go in rounds of ``depth``; each round takes one ``latency``, the last round may be partial.
    """
    if requests < 0 or latency < 0 or depth < 1:
        raise ValueError("need requests >= 0, latency >= 0 and depth >= 1")
    return math.ceil(requests / depth) * latency


def _device(latency: float) -> int:
    time.sleep(latency)
    return 1


def run_device(requests: int, latency: float, depth: int) -> QueueRun:
    """Send ``requests`` requests to the imitated device with at most ``depth`` in flight; time the run."""
    expected_seconds(requests, latency, depth)  # validates the arguments
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=depth) as pool:
        completed = sum(pool.map(_device, [latency] * requests))
    return QueueRun(depth=depth, requests=requests, latency=latency, completed=completed,
                    seconds=time.perf_counter() - start)


def compare(depths: Iterable[int] = DEFAULT_DEPTHS, *, requests: int = 64,
            latency: float = 0.001) -> list[QueueRun]:
    """One run per queue depth, same requests and latency."""
    return [run_device(requests, latency, depth) for depth in depths]


def table(runs: Iterable[QueueRun]) -> str:
    """The runs as a text table: depth, measured and ideal time, speedup against the first run."""
    runs = list(runs)
    lines = ["depth  measured ms  ideal ms  speedup"]
    base = runs[0].seconds if runs else 0.0
    for run in runs:
        speedup = base / run.seconds if run.seconds else float("inf")
        lines.append(f"{run.depth:5d}  {run.seconds * 1e3:11.1f}  {run.ideal_seconds * 1e3:8.1f}  {speedup:6.1f}x")
    return "\n".join(lines)
