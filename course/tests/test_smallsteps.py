"""Tests of the chapter 10 lab (smallsteps.labs.smallsteps)."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smallsteps.labs import smallsteps as ss

CALM = ss.Params(flaw_rate=0.0, drift_rate=0.0)
"""No review problems, no drift: the simulation becomes plain arithmetic."""

# --- acceptance_probability ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "flaw_rate", "expected"),
    [
        (0, 0.5, 1.0),
        (1, 0.04, 0.96),
        (10, 0.05, 0.95**10),
        (60, 0.04, 0.96**60),
        (5, 0.0, 1.0),
        (5, 1.0, 0.0),
    ],
    ids=["empty-patch", "one-unit", "ten-units", "big-bang", "perfect-code", "always-flawed"],
)
def test_acceptance_probability(size, flaw_rate, expected):
    assert ss.acceptance_probability(size, flaw_rate) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("size", "flaw_rate", "message"),
    [(-1, 0.1, "size must be 0 or more"), (3, -0.1, "flaw_rate must be in"), (3, 1.5, "flaw_rate must be in")],
    ids=["negative-size", "negative-rate", "rate-above-one"],
)
def test_acceptance_probability_rejects_nonsense(size, flaw_rate, message):
    with pytest.raises(ValueError, match=message):
        ss.acceptance_probability(size, flaw_rate)


@given(st.integers(0, 200), st.integers(0, 200), st.floats(0.0, 1.0))
def test_bigger_patches_never_pass_more_easily(a, b, rate):
    small, big = sorted((a, b))
    assert ss.acceptance_probability(big, rate) <= ss.acceptance_probability(small, rate)


def test_simulated_review_matches_the_formula():
    # Single-patch projects that end after their first review round: the share merged after
    # cycle 1 is an estimate of the acceptance probability of a 9-unit patch (8 + 1 overhead).
    params = ss.Params(total_work=8, capacity=9, flaw_rate=0.1, drift_rate=0.0, cycles=1)
    runs = ss.run_many(8, params, runs=2000, seed=7)
    share = sum(r.merged[1] == 8 for r in runs) / len(runs)
    assert share == pytest.approx(ss.acceptance_probability(9, 0.1), abs=0.03)


# --- Params -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"total_work": 0}, "total_work must be at least 1"),
        ({"capacity": 0}, "capacity must be at least 1"),
        ({"cycles": 0}, "cycles must be at least 1"),
        ({"overhead": -1}, "overhead must be 0 or more"),
        ({"flaw_rate": 1.0}, "flaw_rate must be in 0 <= x < 1"),
        ({"drift_rate": -0.01}, "drift_rate must be in 0 <= x < 1"),
    ],
    ids=["no-work", "no-capacity", "no-cycles", "negative-overhead", "certain-flaw", "negative-drift"],
)
def test_params_reject_nonsense(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ss.Params(**kwargs)


# --- simulate: deterministic cases ------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "finished_at", "written", "submissions"),
    [
        (60, 11, 61, 1),  # one patch of 61 units, written in 11 cycles of 6
        (6, 12, 70, 10),  # ten patches of 7 units: 70 units, 12 cycles
        (20, 11, 63, 3),  # three patches of 21 units
        (1, 20, 120, 60),  # sixty patches of 2 units: the overhead doubles the work
        (100, 11, 61, 1),  # a step larger than the work is the big bang
    ],
    ids=["big-bang", "six-unit-steps", "twenty-unit-steps", "one-unit-steps", "oversized-step"],
)
def test_without_review_problems_or_drift_it_is_arithmetic(step, finished_at, written, submissions):
    run = ss.simulate(step, CALM, rng=ss.make_rng(1))
    assert (run.finished_at, run.written, run.submissions, run.rejections) == (finished_at, written, submissions, 0)
    assert run.merged[-1] == 60 and len(run.merged) == CALM.cycles + 1


def test_small_steps_deliver_earlier_even_when_they_cost_more_work():
    big = ss.simulate(60, CALM, rng=ss.make_rng(1))
    small = ss.simulate(6, CALM, rng=ss.make_rng(1))
    assert small.written > big.written  # more work ...
    assert small.delivered > big.delivered  # ... but users get it earlier
    assert big.merged[10] == 0 and small.merged[10] == 48


def test_a_project_that_runs_out_of_time_never_finishes():
    run = ss.simulate(6, ss.Params(flaw_rate=0.0, drift_rate=0.0, cycles=5), rng=ss.make_rng(1))
    assert run.finished_at is None
    assert run.merged == (0, 0, 6, 12, 18, 24)


def test_step_must_be_positive():
    with pytest.raises(ValueError, match="step must be at least 1"):
        ss.simulate(0, rng=ss.make_rng(1))


def test_same_seed_same_run_different_seed_different_run():
    a = ss.run_many(60, runs=20, seed=2020)
    b = ss.run_many(60, runs=20, seed=2020)
    c = ss.run_many(60, runs=20, seed=2021)
    assert a == b
    assert a != c


# --- simulate: invariants --------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    step=st.integers(1, 80),
    total=st.integers(1, 60),
    capacity=st.integers(1, 10),
    flaw=st.floats(0.0, 0.3),
    drift=st.floats(0.0, 0.3),
    overhead=st.integers(0, 3),
    seed=st.integers(0, 10_000),
)
def test_merged_work_only_grows_and_never_exceeds_the_total(step, total, capacity, flaw, drift, overhead, seed):
    params = ss.Params(
        total_work=total, capacity=capacity, flaw_rate=flaw, drift_rate=drift, overhead=overhead, cycles=15
    )
    run = ss.simulate(step, params, rng=ss.make_rng(seed))
    assert run.merged[0] == 0 and len(run.merged) == 16
    assert all(a <= b for a, b in zip(run.merged, run.merged[1:]))
    assert run.merged[-1] <= total
    assert run.written <= capacity * params.cycles
    assert run.rejections <= run.submissions
    if run.finished_at is not None:
        assert run.merged[run.finished_at] == total
        assert run.written >= total + overhead  # at least one patch's overhead was paid


# --- the chapter's comparison (seeded, so exact) ---------------------------------------------


@pytest.fixture(scope="module")
def default_comparison():
    return {step: ss.stats(runs) for step, runs in ss.compare([60, 6, 2], runs=200, seed=2020).items()}


def test_big_bang_is_slower_costlier_and_riskier(default_comparison):
    big, small = default_comparison[60], default_comparison[6]
    assert big.median_finish > small.median_finish
    assert big.mean_written > small.mean_written
    assert big.share_finished < 1.0 == small.share_finished
    assert big.mean_delivered < small.mean_delivered


def test_tiny_steps_pay_for_their_overhead(default_comparison):
    assert default_comparison[2].mean_written > default_comparison[6].mean_written


def test_recorded_numbers_of_the_default_experiment(default_comparison):
    # These are the numbers the chapter 10 notebook asserts; a change here changes the lesson.
    big, small = default_comparison[60], default_comparison[6]
    assert (big.median_finish, small.median_finish) == (19.0, 13.0)
    assert big.share_finished == pytest.approx(0.935)
    assert small.mean_written == pytest.approx(74.775)


def test_stats_and_curves():
    runs = ss.run_many(6, ss.Params(flaw_rate=0.0, drift_rate=0.0, cycles=5), runs=3)
    s = ss.stats(runs)
    assert s.median_finish == math.inf and s.share_finished == 0.0
    assert ss.percentile_curve(runs, 0.5) == [0.0, 0.0, 6.0, 12.0, 18.0, 24.0]
    with pytest.raises(ValueError):
        ss.stats([])
    with pytest.raises(ValueError):
        ss.percentile_curve(runs, 1.5)
    with pytest.raises(ValueError):
        ss.run_many(6, runs=0)


def test_plots_draw_without_error():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = ss.plot_progress(ss.compare([60, 6], runs=20))
    assert len(ax.get_lines()) == 3  # two medians and the total
    ax2 = ss.plot_acceptance(0.04, sizes=[1, 2, 3])
    assert list(ax2.get_lines()[0].get_ydata()) == pytest.approx([0.96, 0.96**2, 0.96**3])
    plt.close("all")
