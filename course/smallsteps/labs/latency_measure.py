"""Chapter 7 lab, the measured half: how late ``time.sleep`` wakes up on your machine, idle and while
CPU-burning threads compete (not deterministic), and which preemption model the running kernel uses.
:mod:`smallsteps.labs.latency` holds the simulated half and is what the chapter imports.
"""
from __future__ import annotations

import hashlib
import platform
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


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
