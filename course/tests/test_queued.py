"""Tests for smallsteps.labs.queued (chapter 3: asynchrony, requests in flight)."""
from __future__ import annotations

import pytest

from smallsteps.labs import queued as lab


@pytest.mark.parametrize(
    ("requests", "latency", "depth", "expected"),
    [
        pytest.param(64, 0.001, 1, 0.064, id="synchronous"),
        pytest.param(64, 0.001, 16, 0.004, id="four-rounds"),
        pytest.param(64, 0.001, 64, 0.001, id="all-in-flight"),
        pytest.param(65, 0.001, 16, 0.005, id="partial-last-round"),
        pytest.param(0, 0.001, 4, 0.0, id="no-requests"),
        pytest.param(10, 0.0, 2, 0.0, id="instant-device"),
    ],
)
def test_expected_seconds(requests, latency, depth, expected):
    assert lab.expected_seconds(requests, latency, depth) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("requests", "latency", "depth"),
    [pytest.param(-1, 0.001, 1, id="negative-requests"),
     pytest.param(1, -0.1, 1, id="negative-latency"),
     pytest.param(1, 0.001, 0, id="zero-depth")],
)
def test_expected_seconds_rejects_nonsense(requests, latency, depth):
    with pytest.raises(ValueError, match="depth >= 1"):
        lab.expected_seconds(requests, latency, depth)


def test_run_device_completes_every_request_and_never_beats_the_ideal():
    runs = lab.compare((1, 8), requests=16, latency=0.002)
    assert [r.completed for r in runs] == [16, 16]
    for run in runs:  # a sleep never ends early, so no run can be faster than the perfect queue
        assert run.seconds >= run.ideal_seconds * 0.999
    assert runs[0].ideal_seconds == pytest.approx(0.032) and runs[1].ideal_seconds == pytest.approx(0.004)


def test_table_lists_every_depth():
    runs = [lab.QueueRun(depth=d, requests=8, latency=0.001, completed=8, seconds=s)
            for d, s in ((1, 0.008), (8, 0.002))]
    text = lab.table(runs)
    assert text.splitlines()[0].startswith("depth")
    assert "    8" in text and "4.0x" in text
