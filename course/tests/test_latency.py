"""Tests of the chapter 7 lab: statistics, the fake-clock measurement and the seeded simulation.

Real machine timings are never asserted: they depend on the learner's hardware and load.
"""

import math
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smallsteps.labs import latency as L

# --------------------------------------------------------------------------- percentile


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        pytest.param([1, 2, 3, 4], 50, 2, id="median-even-count-takes-lower-rank"),
        pytest.param([3, 1, 2], 50, 2, id="unsorted-input"),
        pytest.param(list(range(1, 101)), 99, 99, id="p99-of-1-to-100"),
        pytest.param(list(range(1, 101)), 100, 100, id="p100-is-max"),
        pytest.param([5], 1, 5, id="single-sample"),
        pytest.param([10, 20], 0.1, 10, id="tiny-q-is-min"),
        pytest.param([1] * 99 + [1000], 99, 1, id="one-outlier-hides-below-p99"),
        pytest.param([1] * 98 + [1000, 1000], 99, 1000, id="two-outliers-reach-p99"),
    ],
)
def test_percentile_nearest_rank(values, q, expected):
    assert L.percentile(values, q) == expected


@pytest.mark.parametrize(
    ("values", "q", "message"),
    [
        pytest.param([], 50, "empty sample", id="empty"),
        pytest.param([1, 2], 0, "0 < q <= 100", id="q-zero"),
        pytest.param([1, 2], 101, "0 < q <= 100", id="q-above-100"),
    ],
)
def test_percentile_rejects(values, q, message):
    with pytest.raises(ValueError, match=message):
        L.percentile(values, q)


@given(
    st.lists(
        st.floats(min_value=0, max_value=1e9, allow_nan=False), min_size=1, max_size=300
    )
)
def test_summary_is_ordered_and_made_of_samples(values):
    s = L.summarize(values)
    assert min(values) <= s.p50 <= s.p99 <= s.max == max(values)
    assert s.p50 in values and s.p99 in values
    assert s.n == len(values)


# --------------------------------------------------------------------------- measuring


class FakeTime:
    """A clock that only moves when the fake sleep is called: each sleep overshoots by a script."""

    def __init__(self, extra_seconds):
        self.now = 0.0
        self.extra = list(extra_seconds)

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds + self.extra.pop(0)


def test_overshoot_is_measured_in_microseconds():
    fake = FakeTime([0.000050, 0.000002, 0.003])
    out = L.measure_sleep_overshoot(3, 0.001, clock=fake.clock, sleep=fake.sleep)
    assert out == pytest.approx([50, 2, 3000], abs=1e-6)


def test_coarse_clock_never_reports_negative_overshoot():
    fake = FakeTime([-0.0005])
    assert L.measure_sleep_overshoot(1, 0.001, clock=fake.clock, sleep=fake.sleep) == [
        0.0
    ]


@pytest.mark.parametrize(
    ("n", "interval", "message"),
    [
        pytest.param(0, 0.001, "n must be at least 1", id="no-samples"),
        pytest.param(5, 0, "interval must be positive", id="zero-interval"),
    ],
)
def test_measure_rejects(n, interval, message):
    with pytest.raises(ValueError, match=message):
        L.measure_sleep_overshoot(n, interval)


@pytest.mark.parametrize("kind", ["hash", "python"])
def test_cpu_load_threads_stop_when_the_block_ends(kind):
    with L.cpu_load(kind, workers=2, max_seconds=5) as n:
        assert n == 2
        assert sum(t.name.startswith("load-") for t in threading.enumerate()) >= 2
    assert not any(
        t.name.startswith("load-") and t.is_alive() for t in threading.enumerate()
    )


def test_cpu_load_rejects_unknown_kind():
    with pytest.raises(ValueError, match="kind must be one of"), L.cpu_load("gpu"):
        pass


@pytest.mark.parametrize(
    ("version", "realtime_content", "expected_model", "expected_rt"),
    [
        pytest.param(
            "#1 SMP PREEMPT_RT Fri Nov 22", None, "PREEMPT_RT", True, id="rt-in-uname"
        ),
        pytest.param(
            "#1 SMP PREEMPT_DYNAMIC", None, "PREEMPT_DYNAMIC", False, id="dynamic"
        ),
        pytest.param(
            "#1 SMP PREEMPT Tue", None, "PREEMPT (low-latency", False, id="preempt"
        ),
        pytest.param(
            "#1 SMP Debian 6.1", None, "no forced preemption", False, id="server"
        ),
        pytest.param(
            "#1 SMP Debian 6.1", "1\n", "PREEMPT_RT", True, id="sys-kernel-realtime"
        ),
    ],
)
def test_kernel_preemption_model(
    tmp_path, version, realtime_content, expected_model, expected_rt
):
    rt = tmp_path / "realtime"
    if realtime_content is not None:
        rt.write_text(realtime_content)
    info = L.kernel_preemption_model(
        uname_version=version, platform_name="linux", realtime_file=str(rt)
    )
    assert info["model"].startswith(expected_model)
    assert info["realtime"] is expected_rt
    assert info["recorded"] is False


@pytest.mark.parametrize("platform_name", ["darwin", "win32"])
def test_kernel_preemption_model_elsewhere_uses_recorded_sample(platform_name):
    info = L.kernel_preemption_model(platform_name=platform_name)
    assert info["recorded"] is True
    assert platform_name in info["message"]
    assert info["model"] == L.RECORDED_KERNEL["model"]


# --------------------------------------------------------------------------- splitting


@pytest.mark.parametrize(
    ("length", "every", "expected"),
    [
        pytest.param(250, None, [250], id="no-points"),
        pytest.param(250, 100, [100, 100, 50], id="remainder-last"),
        pytest.param(300, 100, [100, 100, 100], id="exact-multiple"),
        pytest.param(80, 100, [80], id="shorter-than-spacing"),
        pytest.param(0, 100, [0], id="empty-section"),
        pytest.param(3, 1, [1, 1, 1], id="every-microsecond"),
    ],
)
def test_split_section(length, every, expected):
    assert L.split_section(length, every) == expected


@pytest.mark.parametrize(
    ("length", "every", "message"),
    [
        pytest.param(-1, 10, "section length must be >= 0", id="negative-length"),
        pytest.param(10, 0, "preempt_every must be >= 1", id="zero-spacing"),
    ],
)
def test_split_section_rejects(length, every, message):
    with pytest.raises(ValueError, match=message):
        L.split_section(length, every)


@given(
    st.integers(min_value=1, max_value=100_000),
    st.integers(min_value=1, max_value=5_000),
)
def test_split_section_invariants(length, every):
    parts = L.split_section(length, every)
    assert sum(parts) == length
    assert all(0 < p <= every for p in parts)
    assert len(parts) == math.ceil(length / every)


# --------------------------------------------------------------------------- simulation


def test_workload_is_seeded():
    assert L.make_workload(7, 200) == L.make_workload(7, 200)
    assert L.make_workload(7, 200) != L.make_workload(8, 200)


def test_workload_wakeups_never_queue_behind_each_other():
    w = L.make_workload(2020, 500)
    gaps = [b - a for a, b in zip(w.wakeups, w.wakeups[1:])]
    assert min(gaps) > w.longest_section + w.hp_runtime
    assert sum(w.sections) >= w.wakeups[-1]


@pytest.mark.parametrize(
    ("every", "expected_latency"),
    [
        pytest.param(None, 70, id="waits-for-section-end"),
        pytest.param(50, 20, id="waits-for-next-point"),
        pytest.param(30, 0, id="wakes-exactly-at-a-point"),
        pytest.param(100, 70, id="spacing-longer-than-section"),
    ],
)
def test_simulate_small_case_by_hand(every, expected_latency):
    # One 100 µs section; the high-priority task wakes at t=30.
    w = L.Workload(sections=(100,), wakeups=(30,), hp_runtime=10, seed=0)
    r = L.simulate(w, every, point_cost=0)
    assert r.latencies == (expected_latency,)


def test_simulate_wakeup_after_low_priority_work_is_immediate():
    w = L.Workload(sections=(10,), wakeups=(500,), hp_runtime=5, seed=0)
    assert L.simulate(w).latencies == (0,)


@pytest.fixture(scope="module")
def workload():
    return L.make_workload(2020, 600)


@pytest.mark.parametrize("every", [10, 100, 1000], ids=lambda e: f"every-{e}us")
def test_preemption_points_bound_the_worst_case(workload, every):
    r = L.simulate(workload, every)
    assert r.summary.max <= every
    assert r.summary.max < L.simulate(workload).summary.max


def test_without_points_the_bound_is_the_longest_section(workload):
    r = L.simulate(workload)
    assert r.summary.max <= workload.longest_section
    assert r.summary.p99 > 10 * L.simulate(workload, 100).summary.p99


def test_preemption_points_cost_throughput_exactly(workload):
    base = L.simulate(workload, None, point_cost=3)
    fine = L.simulate(workload, 50, point_cost=3)
    assert base.preemption_points == 0
    assert fine.preemption_points > 0
    assert fine.lp_finish - base.lp_finish == 3 * fine.preemption_points


@pytest.mark.parametrize(
    ("splitter", "message"),
    [
        pytest.param(lambda n, e: [n + 1], "sum to", id="wrong-sum"),
        pytest.param(lambda n, e: [n], "longer than", id="not-split"),
    ],
)
def test_simulate_rejects_a_broken_splitter(splitter, message):
    w = L.Workload(sections=(300,), wakeups=(30,), hp_runtime=10, seed=0)
    with pytest.raises(ValueError, match=message):
        L.simulate(w, 100, splitter=splitter)


@settings(max_examples=60, deadline=None)
@given(
    sections=st.lists(
        st.integers(min_value=1, max_value=2_000), min_size=1, max_size=40
    ),
    gaps=st.lists(st.integers(min_value=0, max_value=3_000), min_size=1, max_size=30),
    every=st.integers(min_value=1, max_value=500),
)
def test_max_latency_never_exceeds_point_spacing(sections, gaps, every):
    hp = 7
    wakeups, t = [], 0
    for g in gaps:
        t += every + hp + 1 + g  # spaced so a wake-up never waits for the previous one
        wakeups.append(t)
    w = L.Workload(tuple(sections), tuple(wakeups), hp, seed=0)
    r = L.simulate(w, every, point_cost=0)
    assert len(r.latencies) == len(wakeups)
    assert max(r.latencies) <= every


def _hidden_by_legends(fig) -> list[str]:
    """Bars and marker lines whose drawn area a legend covers (the legend must leave the data readable)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    hidden = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent(renderer)
        marks = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() > 0]
        marks += [ln for ln in ax.lines if isinstance(ln, Line2D) and ln.get_linestyle() in ("--", ":")]
        hidden += [f"{ax.get_title() or ax.get_xlabel()}: {m}" for m in marks
                   if box.overlaps(m.get_window_extent(renderer))]
    return hidden


def test_the_tail_plot_legend_hides_no_p99_or_max_bar():
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.use("Agg")
    workload = L.make_workload(2020, n_wakeups=2000)
    axes = L.plot_tail([L.simulate(workload, every) for every in (None, 1000, 100)])
    try:
        assert _hidden_by_legends(axes[0].figure) == []
        assert axes[0].get_legend() is not None  # the colours are still named
    finally:
        plt.close(axes[0].figure)


def test_the_histogram_legend_hides_no_p99_or_max_line():
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.use("Agg")
    idle = [60.0] * 150 + [100.0 * k for k in range(1, 51)]
    loaded = [55.0] * 120 + [300.0 * k for k in range(1, 81)]
    ax = L.plot_histograms({"idle": idle, "CPU load": loaded})
    try:
        assert _hidden_by_legends(ax.figure) == []
    finally:
        plt.close(ax.figure)
