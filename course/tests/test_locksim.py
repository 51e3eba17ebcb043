"""Tests of the chapter 2 lab (smallsteps.labs.locksim)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smallsteps.labs import locksim as ls
from smallsteps.labs.locksim import Job

# --- make_jobs -------------------------------------------------------------------------------


def test_make_jobs_is_seeded():
    assert ls.make_jobs(50, 0.2, 4, seed=7) == ls.make_jobs(50, 0.2, 4, seed=7)
    assert ls.make_jobs(50, 0.2, 4, seed=7) != ls.make_jobs(50, 0.2, 4, seed=8)


def test_job_lengths_do_not_depend_on_locks_or_share():
    a = ls.make_jobs(100, 0.1, 1)
    b = ls.make_jobs(100, 0.5, 64)
    assert [j.length for j in a] == [j.length for j in b]


@pytest.mark.parametrize("share", [0.0, 0.1, 0.25, 1.0], ids=lambda s: f"share-{s}")
def test_make_jobs_critical_part_and_lock_range(share):
    jobs = ls.make_jobs(200, share, 8, min_len=10, max_len=20)
    assert all(10 <= j.length <= 20 for j in jobs)
    assert all(j.critical == round(share * j.length) for j in jobs)
    assert {j.lock for j in jobs} <= set(range(8))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_jobs": 10, "lock_share": 1.5}, r"lock_share must be between 0 and 1.*1\.5"),
        ({"n_jobs": 10, "lock_share": -0.1}, r"lock_share must be between 0 and 1"),
        ({"n_jobs": 10, "lock_share": 0.1, "n_locks": 0}, r"n_locks must be at least 1 \(1 = one big lock\), got 0"),
        ({"n_jobs": -1, "lock_share": 0.1}, r"n_jobs must be 0 or more, got -1"),
        ({"n_jobs": 10, "lock_share": 0.1, "min_len": 9, "max_len": 3}, r"need 1 <= min_len <= max_len, got 9 and 3"),
    ],
    ids=["share-too-big", "share-negative", "no-locks", "negative-jobs", "lengths-swapped"],
)
def test_make_jobs_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ls.make_jobs(**kwargs)


# --- simulate_jobs: small cases worked out by hand --------------------------------------------


@pytest.mark.parametrize(
    ("jobs", "n_cpus", "n_locks", "makespan", "spin"),
    [
        # two pure critical sections on the same lock: the second CPU spins 10 ticks
        ([Job(0, 10, 0), Job(0, 10, 0)], 2, 1, 20, 10),
        # the same on two different locks: no waiting at all
        ([Job(0, 10, 0), Job(0, 10, 1)], 2, 2, 10, 0),
        # one CPU just does everything in turn
        ([Job(5, 10, 0), Job(3, 2, 0)], 1, 1, 20, 0),
        # parallel parts overlap; the critical parts queue: 5..15 then 15..25 (spin 10)
        ([Job(5, 10, 0), Job(5, 10, 0)], 2, 1, 25, 10),
        # first come, first served: CPU1 asks at 2, CPU0 at 4, CPU2 at 6
        ([Job(4, 10, 0), Job(2, 10, 0), Job(6, 10, 0)], 3, 1, 32, (12 - 4) + (22 - 6)),
        # more CPUs than jobs: the extra CPUs stay idle
        ([Job(7, 3, 0)], 8, 1, 10, 0),
        # no jobs at all
        ([], 4, 1, 0, 0),
    ],
    ids=["same-lock", "two-locks", "one-cpu", "overlap-parallel", "fifo", "idle-cpus", "empty"],
)
def test_simulate_jobs_by_hand(jobs, n_cpus, n_locks, makespan, spin):
    r = ls.simulate_jobs(jobs, n_cpus, n_locks)
    assert (r.makespan, r.spin_ticks) == (makespan, spin)


def test_fifo_grants_in_request_order():
    # CPU0 asks at tick 4 and CPU1 at tick 2: CPU1 must get the lock first, so CPU1's next job
    # (the third) starts at 12 and CPU0 finishes at 22.
    jobs = [Job(4, 10, 0), Job(2, 10, 0), Job(0, 1, 1)]
    r = ls.simulate_jobs(jobs, 2, 2)
    assert r.makespan == 22


def test_simulate_jobs_rejects_no_cpus():
    with pytest.raises(ValueError, match="n_cpus must be at least 1, got 0"):
        ls.simulate_jobs([Job(1, 1, 0)], 0)


def test_default_run_is_recorded():
    """The numbers the chapter 2 notebook shows; a change here changes the chapter."""
    r = ls.simulate(64, 0.1, 1)
    assert (r.total_work, r.locked_work, r.makespan) == (202011, 20209, 20257)
    assert round(r.speedup, 2) == 9.97


# --- invariants --------------------------------------------------------------------------------

job_lists = st.lists(
    st.builds(Job, st.integers(0, 30), st.integers(0, 30), st.integers(0, 3)), max_size=40)


@settings(max_examples=150, deadline=None)
@given(jobs=job_lists, n_cpus=st.integers(1, 9))
def test_makespan_bounds(jobs, n_cpus):
    r = ls.simulate_jobs(jobs, n_cpus, 4)
    total = sum(j.length for j in jobs)
    per_lock = [sum(j.critical for j in jobs if j.lock == k) for k in range(4)]
    longest = max((j.length for j in jobs), default=0)
    # never better than perfect sharing, than the busiest lock, or than the longest job
    assert r.makespan * n_cpus >= total
    assert r.makespan >= max(per_lock)
    assert r.makespan >= longest
    # never worse than doing it all on one CPU
    assert r.makespan <= total
    # ticks spent: work plus spinning fit into n_cpus * makespan
    assert total + r.spin_ticks <= n_cpus * r.makespan


@settings(max_examples=80, deadline=None)
@given(jobs=job_lists)
def test_one_cpu_never_spins(jobs):
    r = ls.simulate_jobs(jobs, 1, 4)
    assert r.spin_ticks == 0
    assert r.makespan == sum(j.length for j in jobs)


@settings(max_examples=25, deadline=None)
@given(share=st.floats(0.05, 1.0), n_cpus=st.sampled_from([1, 2, 8, 64]), seed=st.integers(0, 2**16))
def test_big_lock_speedup_below_its_ceiling(share, n_cpus, seed):
    r = ls.simulate(n_cpus, share, 1, n_jobs=150, seed=seed)
    assert r.speedup <= r.lock_ceiling + 1e-9
    assert r.speedup <= n_cpus + 1e-9


@pytest.mark.parametrize("share", [0.1, 0.25, 0.5], ids=lambda s: f"share-{s}")
def test_fine_locks_scale_better_than_one_big_lock(share):
    big = ls.simulate(32, share, 1, n_jobs=600)
    fine = ls.simulate(32, share, 64, n_jobs=600)
    assert fine.speedup > 2 * big.speedup
    assert big.speedup == pytest.approx(1 / share, rel=0.05)


# --- Amdahl's law ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "s", "expected"),
    [(1, 0.3, 1.0), (4, 0.0, 4.0), (8, 1.0, 1.0), (2, 0.5, 4 / 3), (16, 0.1, 6.4), (10**9, 0.05, 20.0)],
    ids=["one-cpu", "all-parallel", "all-serial", "half", "ten-percent", "limit"],
)
def test_amdahl(n, s, expected):
    assert ls.amdahl(n, s) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(
    ("n", "s", "message"),
    [(0, 0.1, "n_cpus must be positive"), (4, 1.2, "lock_share must be between 0 and 1")],
    ids=["no-cpus", "share-too-big"],
)
def test_amdahl_rejects(n, s, message):
    with pytest.raises(ValueError, match=message):
        ls.amdahl(n, s)


@given(s=st.floats(0.0, 1.0), n=st.integers(1, 4096))
def test_amdahl_is_between_one_and_both_limits(s, n):
    v = ls.amdahl(n, s)
    assert 1.0 - 1e-9 <= v <= n + 1e-9
    if s > 0:
        assert v <= 1 / s + 1e-9


# --- sweep and plot ----------------------------------------------------------------------------


def test_sweep_shape():
    res = ls.sweep(0.2, cores=(1, 4), lock_counts=(1, 8), n_jobs=50)
    assert sorted(res) == [1, 8]
    assert [r.n_cpus for r in res[8]] == [1, 4]
    assert res[1][0].speedup == 1.0


def test_plot_scaling_uses_the_given_amdahl():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax, res = ls.plot_scaling(0.25, cores=(1, 2, 4), amdahl_fn=lambda n, s: 3.0, n_jobs=40)
    amdahl_line = next(line for line in ax.get_lines() if "Amdahl" in line.get_label())
    assert list(amdahl_line.get_ydata()) == [3.0, 3.0, 3.0]
    assert len([line for line in ax.get_lines() if "simulated" in line.get_label()]) == len(res) == 2
    plt.close(ax.figure)


# --- the GIL message ---------------------------------------------------------------------------


def test_gil_status_without_is_gil_enabled(monkeypatch):
    monkeypatch.delattr(ls.sys, "_is_gil_enabled", raising=False)
    text = ls.gil_status()
    assert "does not exist here (it was added in 3.13)" in text
    assert "always runs with the GIL" in text


@pytest.mark.parametrize(
    ("enabled", "free_threaded", "expected"),
    [
        (True, False, "a default (GIL) build: the GIL is enabled"),
        (False, True, "a free-threaded build: the GIL is disabled"),
        (True, True, "a free-threaded build: the GIL is enabled"),
    ],
    ids=["default-build", "free-threaded", "free-threaded-gil-forced-on"],
)
def test_gil_status_with_is_gil_enabled(monkeypatch, enabled, free_threaded, expected):
    monkeypatch.setattr(ls.sys, "_is_gil_enabled", lambda: enabled, raising=False)
    monkeypatch.setattr(ls.sysconfig, "get_config_var", lambda name: 1 if free_threaded else 0)
    assert expected in ls.gil_status()


def test_time_threads_measures_both_ways():
    sequential, threaded = ls.time_threads(2, 20_000)
    assert sequential > 0 and threaded > 0


def test_time_threads_runs_the_work_in_every_thread(monkeypatch):
    calls = []
    monkeypatch.setattr(ls, "_count", lambda n: calls.append(n))
    ls.time_threads(3, 7)
    assert calls == [7] * 6  # three sequential runs, then three threads


@pytest.mark.parametrize(
    ("n_threads", "work", "message"),
    [(0, 10, "n_threads must be at least 1, got 0"), (2, -1, "work must be 0 or more loop steps, got -1")],
    ids=["no-threads", "negative-work"],
)
def test_time_threads_rejects(n_threads, work, message):
    with pytest.raises(ValueError, match=message):
        ls.time_threads(n_threads, work)
