"""Tests of the chapter 6 lab (smallsteps.labs.probes): probes, bpftrace-style hist() and lhist()."""
from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smallsteps.labs import probes as p

BACKENDS = ["setprofile"] + (["monitoring"] if hasattr(sys, "monitoring") else [])

# --- bucket indexes and labels ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "index", "label"),
    [
        (-1000, 0, "(..., 0)"),
        (-1, 0, "(..., 0)"),
        (0, 1, "[0]"),
        (1, 2, "[1]"),
        (2, 3, "[2, 4)"),
        (3, 3, "[2, 4)"),
        (4, 4, "[4, 8)"),
        (7, 4, "[4, 8)"),
        (8, 5, "[8, 16)"),
        (100, 8, "[64, 128)"),
        (1023, 11, "[512, 1K)"),
        (1024, 12, "[1K, 2K)"),
        (1 << 20, 22, "[1M, 2M)"),
        ((1 << 30) + 5, 32, "[1G, 2G)"),
        (1 << 41, 43, "[2T, 4T)"),
    ],
    ids=lambda v: str(v),
)
def test_log2_bucket_of_a_value(value, index, label):
    assert p.log2_index(value) == index
    h = p.hist([value])
    assert h.rows() == [(label, 1)]


@pytest.mark.parametrize(
    ("value", "index", "label"),
    [
        (-1, 0, "(..., 0)"),
        (0, 1, "[0, 10)"),
        (9, 1, "[0, 10)"),
        (10, 2, "[10, 20)"),
        (99, 10, "[90, 100)"),
        (100, 11, "[100, ...)"),
        (5000, 11, "[100, ...)"),
    ],
    ids=lambda v: str(v),
)
def test_linear_bucket_of_a_value(value, index, label):
    assert p.lhist_index(value, 0, 100, 10) == index
    assert p.lhist([value], 0, 100, 10).rows() == [(label, 1)]


@pytest.mark.parametrize(
    ("power", "label"),
    [(0, "1"), (1, "2"), (9, "512"), (10, "1K"), (11, "2K"), (19, "512K"), (20, "1M"), (30, "1G"), (40, "1T"), (42, "4T")],
    ids=lambda v: str(v),
)
def test_hist_index_label(power, label):
    assert p.hist_index_label(power) == label


@pytest.mark.parametrize(
    ("number", "label"),
    [(0, "0"), (1000, "1000"), (1024, "1K"), (3072, "3K"), (1536, "1536"), (1 << 20, "1M"), (-2048, "-2K"), (-1000, "-1000")],
    ids=lambda v: str(v),
)
def test_lhist_index_label(number, label):
    assert p.lhist_index_label(number) == label


def test_known_latencies_give_known_buckets():
    lat = [0, 1, 1, 3, 5, 6, 7, 12, 300, 301, 700, 1500]
    h = p.hist(lat)
    assert h.rows() == [
        ("[0]", 1), ("[1]", 2), ("[2, 4)", 1), ("[4, 8)", 3), ("[8, 16)", 1), ("[16, 32)", 0),
        ("[32, 64)", 0), ("[64, 128)", 0), ("[128, 256)", 0), ("[256, 512)", 2), ("[512, 1K)", 1), ("[1K, 2K)", 1),
    ]
    assert h.total == len(lat)


def test_empty_histogram_prints_only_its_name():
    assert p.format_hist(p.hist([]), "@x") == "@x:"
    assert p.hist([]).rows() == []


# --- the real bpftrace output from the reference guide ------------------------------------------


def test_reference_hist_output_is_reproduced_exactly():
    assert p.format_hist(p.Histogram(p.REFERENCE_HIST_COUNTS), "@bytes") == p.REFERENCE_HIST_TEXT


def test_reference_lhist_output_is_reproduced_exactly():
    h = p.Histogram(p.REFERENCE_LHIST_COUNTS, "lhist", 0, 10000, 1000)
    assert p.format_hist(h, "@bytes") == p.REFERENCE_LHIST_TEXT


def test_values_at_bucket_edges_rebuild_the_reference_counts():
    """Put each count at the edges of its bucket (lower bound and upper bound - 1)."""
    values = []
    for i, n in enumerate(p.REFERENCE_HIST_COUNTS):
        if i == 0:
            low, high = -5, -1
        elif i == 1:
            low = high = 0
        else:
            low, high = 1 << (i - 2), (1 << (i - 1)) - 1
        values += [low if k % 2 else high for k in range(n)]
    assert p.hist(values).counts == p.REFERENCE_HIST_COUNTS


@pytest.mark.parametrize(
    ("count", "top", "width"),
    [(495, 495, 52), (117, 495, 12), (325, 495, 34), (35, 495, 3), (6, 495, 0), (0, 10, 0), (49, 480, 5), (267, 480, 28)],
    ids=lambda v: str(v),
)
def test_bar_width(count, top, width):
    assert p.bar_width(count, top) == width


def test_bar_width_matches_c_float_arithmetic():
    np = pytest.importorskip("numpy")
    for top in (1, 3, 7, 52, 97, 100, 104, 495, 1000, 4093):
        for count in range(top + 1):
            expected = int(np.float32(np.float32(count) / np.float32(top)) * np.float32(52))
            assert p.bar_width(count, top) == expected, (count, top)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-(1 << 40), 1 << 40), max_size=60))
def test_every_value_lands_in_the_bucket_its_label_names(values):
    h = p.hist(values)
    assert h.total == len(values)
    for v in values:
        i = p.log2_index(v)
        if i == 0:
            assert v < 0
        elif i == 1:
            assert v == 0
        else:
            assert 1 << (i - 2) <= v < 1 << (i - 1)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(-50, 250), max_size=60),
    st.integers(-20, 20),
    st.integers(1, 30),
    st.integers(1, 8),
)
def test_linear_buckets_are_half_open(values, lo, step, nbuckets):
    hi = lo + step * nbuckets
    h = p.lhist(values, lo, hi, step)
    assert h.total == len(values)
    assert len(h.counts) == nbuckets + 2
    for v in values:
        i = p.lhist_index(v, lo, hi, step)
        if i == 0:
            assert v < lo
        elif i == nbuckets + 1:
            assert v >= hi
        else:
            assert lo + (i - 1) * step <= v < lo + i * step


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: p.hist([1.5]), r"hist\(\) counts integers, got 1\.5; divide with // first"),
        (lambda: p.hist([True]), r"counts integers, got True"),
        (lambda: p.lhist([1], 0, 10, 0), r"lhist step must be positive, got 0"),
        (lambda: p.lhist([1], 10, 10, 1), r"lhist needs min < max, got min=10 and max=10"),
        (lambda: p.lhist(["3"], 0, 10, 1), r"lhist\(\) counts integers"),
    ],
    ids=["float", "bool", "step-zero", "min-eq-max", "string"],
)
def test_histogram_input_errors(call, message):
    with pytest.raises(p.ProbeError, match=message):
        call()


# --- probes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_probes_on_the_sim_clock_are_deterministic(backend):
    def once():
        clock = p.SimClock()
        with p.Tracer(p.cache_lookup, p.disk_read, clock=clock, backend=backend) as t:
            p.run_workload(300, clock=clock, seed=5)
        return t

    a, b = once(), once()
    assert a.counts() == b.counts()
    assert a.counts()["cache_lookup"] == 300
    assert a.latencies("cache_lookup") == b.latencies("cache_lookup")
    # every disk_read happens inside a cache_lookup, so it can never take longer than its caller
    assert sum(a.latencies("disk_read")) < sum(a.latencies("cache_lookup"))
    assert set(a.retvals("cache_lookup")) <= {512, 4096}
    assert a.retvals("cache_lookup").count(4096) == a.counts()["disk_read"]


def test_default_workload_histogram():
    clock = p.SimClock()
    with p.Tracer(p.cache_lookup, clock=clock) as t:
        p.run_workload(1000, clock=clock)
    h = p.hist(t.latencies(unit_ns=1000))
    assert h.counts == (0, 17, 151, 429, 212, 23, 1, 0, 0, 6, 58, 84, 17, 2)


@pytest.mark.parametrize("backend", BACKENDS)
def test_recursion_and_exceptions_pair_entries_with_returns(backend):
    clock = p.SimClock()

    def fib(n):
        clock.advance(1)
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    def boom():
        clock.advance(7)
        raise ValueError("x")

    with p.Tracer(fib, boom, clock=clock, backend=backend) as t:
        assert fib(5) == 5
        with pytest.raises(ValueError):
            boom()
    assert t.counts() == {"test_recursion_and_exceptions_pair_entries_with_returns.<locals>.fib": 15,
                          "test_recursion_and_exceptions_pair_entries_with_returns.<locals>.boom": 1}
    fib_lat = t.latencies("test_recursion_and_exceptions_pair_entries_with_returns.<locals>.fib")
    assert len(fib_lat) == 15
    assert max(fib_lat) == 15  # the outermost call spans all 15 advances
    assert t.latencies("test_recursion_and_exceptions_pair_entries_with_returns.<locals>.boom") == [7]


def test_setprofile_is_restored():
    before = sys.getprofile()
    with p.Tracer(p.cache_lookup, backend="setprofile"):
        pass
    assert sys.getprofile() is before


def test_hit_ratio_one_never_reads_the_disk():
    clock = p.SimClock()
    with p.Tracer(p.disk_read, clock=clock) as t:
        p.run_workload(100, clock=clock, hit_ratio=1.0)
    assert t.counts() == {"disk_read": 0}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: p.Tracer(), r"needs at least one function"),
        (lambda: p.Tracer(len), r"cannot probe <built-in function len>: only Python functions"),
        (lambda: p.Tracer(p.cache_lookup, backend="dtrace"), r"backend must be 'auto', 'monitoring' or 'setprofile', got 'dtrace'"),
        (lambda: p.run_workload(-1), r"n must be 0 or more, got -1"),
        (lambda: p.run_workload(1, hit_ratio=1.5), r"hit_ratio must be between 0 and 1, got 1\.5"),
        (lambda: p.SimClock().advance(-3), r"time only moves forward; advance\(-3\) is negative"),
    ],
    ids=["no-function", "builtin", "bad-backend", "negative-n", "bad-hit-ratio", "clock-backwards"],
)
def test_probe_errors(call, message):
    with pytest.raises(p.ProbeError, match=message):
        call()


@pytest.mark.skipif(hasattr(sys, "monitoring"), reason="only without sys.monitoring (Python < 3.12)")
def test_monitoring_backend_needs_python_312():
    with pytest.raises(p.ProbeError, match=r"needs Python 3\.12 or later"):
        p.Tracer(p.cache_lookup, backend="monitoring")


def test_latency_lookup_errors():
    clock = p.SimClock()
    with p.Tracer(p.cache_lookup, p.disk_read, clock=clock) as t:
        p.run_workload(5, clock=clock)
    with pytest.raises(p.ProbeError, match=r"several functions are probed \(cache_lookup, disk_read\); name one"):
        t.latencies()
    with pytest.raises(p.ProbeError, match=r"'nope' is not probed"):
        t.latencies("nope")
    with pytest.raises(p.ProbeError, match=r"unit_ns must be at least 1, got 0"):
        t.latencies("disk_read", unit_ns=0)


def test_a_tracer_cannot_be_entered_twice():
    t = p.Tracer(p.cache_lookup)
    with t, pytest.raises(p.ProbeError, match="already attached"):
        t.__enter__()


def test_plot_hist_draws():
    import matplotlib

    matplotlib.use("Agg")
    ax = p.plot_hist(p.hist([1, 2, 3, 100]), "t", unit="us")
    assert ax.get_xticklabels()[0].get_text() == "[1]"
    assert ax.get_title() == "t"
