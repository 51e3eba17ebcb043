"""Tests for smallsteps.labs.syscalls (chapter 3: batching writes)."""
from __future__ import annotations

import os
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smallsteps.labs import syscalls as lab


# ---------------------------------------------------------------------------- parse_proc_io
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("rchar: 10\nwchar: 20\nsyscr: 3\nsyscw: 4\n",
                     {"rchar": 10, "wchar": 20, "syscr": 3, "syscw": 4}, id="normal"),
        pytest.param("syscw:   7", {"syscw": 7}, id="extra-spaces"),
        pytest.param("garbage\nsyscw: 5\n", {"syscw": 5}, id="line-without-colon"),
        pytest.param("syscw: lots\nsyscr: 2", {"syscr": 2}, id="non-integer-skipped"),
        pytest.param("", {}, id="empty"),
    ],
)
def test_parse_proc_io(text, expected):
    assert lab.parse_proc_io(text) == expected


@given(st.dictionaries(st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
                       st.integers(min_value=0, max_value=2**63), max_size=8))
def test_parse_proc_io_round_trips(fields):
    text = "".join(f"{k}: {v}\n" for k, v in fields.items())
    assert lab.parse_proc_io(text) == fields


# ---------------------------------------------------------------------------- batching
@pytest.mark.parametrize(
    ("n_chunks", "batch", "calls"),
    [
        pytest.param(0, 1, 0, id="nothing-to-write"),
        pytest.param(1, 1, 1, id="one-chunk"),
        pytest.param(4096, 1, 4096, id="unbatched"),
        pytest.param(4096, 64, 64, id="exact-division"),
        pytest.param(10, 3, 4, id="remainder-needs-one-more"),
        pytest.param(5, 1024, 1, id="batch-larger-than-data"),
    ],
)
def test_expected_calls(n_chunks, batch, calls):
    assert lab.expected_calls(n_chunks, batch) == calls


@pytest.mark.parametrize(("n_chunks", "batch"), [(5, 0), (-1, 2)], ids=["batch-zero", "negative"])
def test_expected_calls_rejects_nonsense(n_chunks, batch):
    with pytest.raises(ValueError, match=">= 0"):
        lab.expected_calls(n_chunks, batch)


@given(st.lists(st.binary(min_size=1, max_size=4), max_size=60), st.integers(1, 70))
def test_groups_keep_order_and_size(chunks, batch):
    groups = lab.group_into_batches(chunks, batch)
    assert [c for g in groups for c in g] == chunks
    assert len(groups) == lab.expected_calls(len(chunks), batch)
    assert all(len(g) == batch for g in groups[:-1])
    assert all(1 <= len(g) <= batch for g in groups)


def test_make_chunks_is_seeded():
    a = lab.make_chunks(5, 8, seed=1)
    assert a == lab.make_chunks(5, 8, seed=1)
    assert a != lab.make_chunks(5, 8, seed=2)
    assert [len(c) for c in a] == [8] * 5


@pytest.mark.parametrize(("n", "size"), [(-1, 8), (3, 0)], ids=["negative-count", "empty-chunk"])
def test_make_chunks_rejects_nonsense(n, size):
    with pytest.raises(ValueError):
        lab.make_chunks(n, size)


# ---------------------------------------------------------------------------- writing
def _read(path):
    with open(path, "rb") as f:
        return f.read()


@pytest.mark.parametrize("batch", [1, 3, 16, 1024], ids=lambda b: f"batch-{b}")
def test_write_in_batches_writes_everything_in_order(tmp_path, batch):
    chunks = lab.make_chunks(50, 7)
    path = tmp_path / "out.bin"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        calls = lab.write_in_batches(fd, chunks, batch)
    finally:
        os.close(fd)
    assert calls == lab.expected_calls(50, batch)
    assert _read(path) == b"".join(chunks)


def test_partial_writes_are_finished_and_counted(tmp_path):
    """A kernel may write fewer bytes than asked; the lab must finish and count every call."""
    def stingy(fd, buffers):  # writes at most 5 bytes per call
        return os.write(fd, b"".join(buffers)[:5])

    group = [b"abcd", b"efgh", b"ijkl"]
    path = tmp_path / "out.bin"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        calls = lab.write_group(fd, group, syscall=stingy)
    finally:
        os.close(fd)
    assert _read(path) == b"abcdefghijkl"
    # 12 bytes: stingy 5 (abcde), stingy 5 (fghij), then one os.write for the last "kl"
    assert calls == 3


def test_without_writev_batches_are_joined(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "writev", raising=False)
    chunks = lab.make_chunks(20, 4)
    path = tmp_path / "out.bin"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        calls = lab.write_in_batches(fd, chunks, 8)
    finally:
        os.close(fd)
    assert calls == 3
    assert _read(path) == b"".join(chunks)


def test_measure_writes_the_expected_bytes(tmp_path):
    chunks = lab.make_chunks(64, 16)
    run = lab.measure(8, chunks, repeats=2, directory=str(tmp_path))
    assert run.calls == 8
    assert run.total_bytes == 1024
    assert run.bytes_per_call == 128
    assert run.digest == lab.expected_digest(64, 16)
    assert list(tmp_path.iterdir()) == [], "the temporary file must be removed"


@pytest.mark.skipif(lab.proc_io_source() != lab.PROC_IO_PATHS[0],
                    reason="needs Linux with /proc/thread-self/io")
@pytest.mark.parametrize("batch", [1, 4, 64], ids=lambda b: f"batch-{b}")
def test_kernel_counts_the_same_calls(batch):
    run = lab.measure(batch, lab.make_chunks(256, 32), repeats=1)
    assert run.syscw_delta == run.calls == lab.expected_calls(256, batch)


def test_counter_status_off_linux(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert lab.proc_io_source() is None
    assert lab.read_syscw(None) is None
    assert "not available" in lab.counter_status()


# ---------------------------------------------------------------------------- cost model
def _run(calls, total_bytes, seconds):
    return lab.WriteRun(batch=1, chunk_size=total_bytes, n_chunks=1, calls=calls,
                        syscw_delta=None, seconds=seconds, digest="")


@settings(max_examples=50)
@given(st.floats(1e-8, 1e-4), st.floats(1e-11, 1e-7),
       st.lists(st.integers(1, 100_000), min_size=2, max_size=8, unique=True))
def test_cost_model_recovers_noiseless_parameters(per_call, per_byte, calls_list):
    total = 262_144
    runs = [_run(c, total, c * per_call + total * per_byte) for c in calls_list]
    got_call, got_byte = lab.fit_cost_model(runs)
    assert got_call == pytest.approx(per_call, rel=1e-6)
    assert got_byte == pytest.approx(per_byte, rel=1e-6, abs=1e-15)


@pytest.mark.parametrize(
    "runs",
    [
        pytest.param([_run(10, 100, 1.0)], id="single-run"),
        pytest.param([_run(10, 100, 1.0), _run(20, 200, 2.0)], id="proportional-runs"),
    ],
)
def test_cost_model_needs_different_ratios(runs):
    with pytest.raises(ValueError, match="different calls-to-bytes"):
        lab.fit_cost_model(runs)


def test_table_shows_na_without_kernel_count():
    text = lab.table([_run(4, 256, 1e-6)])
    assert "n/a" in text.splitlines()[1]
