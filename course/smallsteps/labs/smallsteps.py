"""Chapter 10 lab: one big step or many small ones? A seeded simulation of upstream review.

A team wants a feature of `total_work` units into mainline. Each release cycle (9 or 10 weeks) it
can write `capacity` units. It splits the work into patches of `step` units (one patch of all the
work is the "big bang"); every patch also needs `overhead` extra units (a changelog, making the step
useful on its own). Then, every cycle:

1. **drift**: mainline moves on; each written but unmerged unit breaks with chance `drift_rate`
   and has to be written again;
2. **write**: the team spends its capacity on the oldest unfinished patch, opening new patches
   while capacity is left;
3. **review**: every complete patch is reviewed. Each of its units has a problem with chance
   `flaw_rate`; a patch is merged only if reviewers find nothing, so a patch of `n` units passes with
   chance `acceptance_probability(n, flaw_rate) = (1 - flaw_rate) ** n`. A rejected patch has its
   flawed units rewritten and goes round again.

Everything random comes from `random.Random` with an explicit seed, so a run is reproducible on any
machine. Pure standard library; `plot_progress` and `plot_acceptance` import matplotlib when called.

    >>> from smallsteps.labs import smallsteps as ss
    >>> round(ss.acceptance_probability(6, 0.04), 3)
    0.783
    >>> run = ss.simulate(6, ss.Params(flaw_rate=0.0, drift_rate=0.0), rng=ss.make_rng(2020, 0))
    >>> run.finished_at, run.written
    (12, 70)
"""
from __future__ import annotations

import math
import random
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "WEEKS_PER_CYCLE",
    "Params",
    "Run",
    "Stats",
    "acceptance_probability",
    "compare",
    "make_rng",
    "percentile_curve",
    "plot_acceptance",
    "plot_progress",
    "run_many",
    "simulate",
    "stats",
]

WEEKS_PER_CYCLE = 9.5
"""One release cycle, "9 or 10 weeks" in the talk; used only to label plots in years."""


@dataclass(frozen=True)
class Params:
    """The knobs of the simulation (defaults: a feature of 60 units, about two years of work)."""

    total_work: int = 60
    """Units of work the feature needs (without overhead)."""
    capacity: int = 6
    """Units the team can write per release cycle."""
    flaw_rate: float = 0.04
    """Chance (0..1) that reviewers find a problem in any one unit of a submitted patch."""
    drift_rate: float = 0.02
    """Chance (0..1) per cycle that a written but unmerged unit breaks because mainline moved on."""
    overhead: int = 1
    """Extra units every patch needs (changelog, making the step useful on its own)."""
    cycles: int = 40
    """How many release cycles to simulate (40 cycles are about 7 years)."""

    def __post_init__(self):
        for name in ("total_work", "capacity", "cycles"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.overhead < 0:
            raise ValueError(f"overhead must be 0 or more, got {self.overhead}")
        for name in ("flaw_rate", "drift_rate"):
            value = getattr(self, name)
            if not 0.0 <= value < 1.0:
                raise ValueError(f"{name} must be in 0 <= x < 1, got {value}")


@dataclass(frozen=True)
class Run:
    """What happened in one simulated project."""

    step: int
    """Feature units per patch (the last patch may be smaller)."""
    total_work: int
    """Feature units the project needed."""
    merged: tuple[int, ...]
    """Feature units in mainline after each cycle; `merged[0]` is the start (0)."""
    written: int
    """Units written in total: feature, overhead, rework after review and after drift."""
    submissions: int
    """Review rounds (a patch sent three times counts three)."""
    rejections: int
    """Review rounds that ended with "not like this"."""

    @property
    def finished_at(self) -> int | None:
        """The first cycle after which all the work was merged, or None if it never was."""
        for cycle, units in enumerate(self.merged):
            if units == self.total_work:
                return cycle
        return None

    @property
    def delivered(self) -> int:
        """Unit-cycles of use: the sum over cycles of the units users already had."""
        return sum(self.merged[1:])


@dataclass(frozen=True)
class Stats:
    """Many runs of one strategy, summed up."""

    step: int
    """Feature units per patch."""
    runs: int
    """How many runs."""
    median_finish: float
    """Median cycle of completion; `math.inf` if more than half the runs never finished."""
    share_finished: float
    """Share (0..1) of runs that merged everything within the horizon."""
    mean_written: float
    """Average units written per run (the effort)."""
    mean_delivered: float
    """Average unit-cycles of use delivered within the horizon."""
    mean_rejections: float
    """Average number of rejected review rounds per run."""


@dataclass
class _Patch:
    feature: int
    size: int
    written: int = 0


def acceptance_probability(size: int, flaw_rate: float) -> float:
    """Chance that a patch of `size` units passes review: every unit must be without a problem.

    Each unit independently has a problem with chance `flaw_rate`, so the chance is
    `(1 - flaw_rate) ** size`.
    """
    if size < 0:
        raise ValueError(f"size must be 0 or more, got {size}")
    if not 0.0 <= flaw_rate <= 1.0:
        raise ValueError(f"flaw_rate must be in 0 <= x <= 1, got {flaw_rate}")
    return (1.0 - flaw_rate) ** size


def make_rng(seed: int, index: int = 0) -> random.Random:
    """The random generator for run number `index` of an experiment seeded with `seed`."""
    return random.Random(seed * 100_003 + index)


def _count(rng: random.Random, n: int, p: float) -> int:
    """How many of `n` independent events with chance `p` happen."""
    if p <= 0.0 or n <= 0:
        return 0
    return sum(rng.random() < p for _ in range(n))


def simulate(step: int, params: Params = Params(), *, rng: random.Random) -> Run:
    """Simulate one project that submits patches of `step` feature units (see the module help)."""
    if step < 1:
        raise ValueError(f"step must be at least 1, got {step}")
    step = min(step, params.total_work)
    unassigned = params.total_work
    merged = 0
    history = [0]
    open_patches: list[_Patch] = []
    written = submissions = rejections = 0
    for _ in range(params.cycles):
        if merged == params.total_work:
            history.append(merged)
            continue
        for patch in open_patches:  # 1. drift
            patch.written -= _count(rng, patch.written, params.drift_rate)
        budget = params.capacity  # 2. write
        while budget > 0:
            unfinished = next((p for p in open_patches if p.written < p.size), None)
            if unfinished is None:
                if unassigned == 0:
                    break
                feature = min(step, unassigned)
                unassigned -= feature
                unfinished = _Patch(feature, feature + params.overhead)
                open_patches.append(unfinished)
            n = min(budget, unfinished.size - unfinished.written)
            unfinished.written += n
            budget -= n
            written += n
        still_open = []  # 3. review
        for patch in open_patches:
            if patch.written < patch.size:
                still_open.append(patch)
                continue
            submissions += 1
            flaws = _count(rng, patch.size, params.flaw_rate)
            if flaws == 0:
                merged += patch.feature
            else:
                rejections += 1
                patch.written -= flaws
                still_open.append(patch)
        open_patches = still_open
        history.append(merged)
    return Run(step, params.total_work, tuple(history), written, submissions, rejections)


def run_many(step: int, params: Params = Params(), *, runs: int = 200, seed: int = 2020) -> list[Run]:
    """`runs` seeded projects with patches of `step` units; run i uses `make_rng(seed, i)`.

    Different strategies with the same seed get the same random streams, which makes the comparison
    fairer (common random numbers).
    """
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    return [simulate(step, params, rng=make_rng(seed, i)) for i in range(runs)]


def stats(results: Sequence[Run]) -> Stats:
    """Sum up the runs of one strategy."""
    if not results:
        raise ValueError("no runs to sum up")
    finish = [r.finished_at if r.finished_at is not None else math.inf for r in results]
    return Stats(
        step=results[0].step,
        runs=len(results),
        median_finish=float(statistics.median_low(finish)),
        share_finished=sum(f != math.inf for f in finish) / len(finish),
        mean_written=statistics.fmean(r.written for r in results),
        mean_delivered=statistics.fmean(r.delivered for r in results),
        mean_rejections=statistics.fmean(r.rejections for r in results),
    )


def compare(
    steps: Iterable[int], params: Params = Params(), *, runs: int = 200, seed: int = 2020
) -> dict[int, list[Run]]:
    """Run every strategy in `steps` with the same seed; returns the runs by step."""
    return {step: run_many(step, params, runs=runs, seed=seed) for step in steps}


def percentile_curve(results: Sequence[Run], q: float) -> list[float]:
    """For each cycle, the `q`-quantile (0..1) of the merged units over all runs (nearest rank)."""
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be in 0 <= q <= 1, got {q}")
    length = len(results[0].merged)
    out = []
    for c in range(length):
        values = sorted(r.merged[c] for r in results)
        out.append(float(values[min(len(values) - 1, int(q * len(values)))]))
    return out


def plot_progress(results: dict[int, list[Run]], *, ax=None, labels: dict[int, str] | None = None):
    """Median merged work per cycle for each strategy, with the 10 %-90 % range shaded.

    Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    labels = labels or {}
    for step, runs in results.items():
        xs = range(len(runs[0].merged))
        median = percentile_curve(runs, 0.5)
        (line,) = ax.plot(xs, median, drawstyle="steps-post", linewidth=2,
                          label=labels.get(step, f"patches of {step} units"))
        ax.fill_between(xs, percentile_curve(runs, 0.1), percentile_curve(runs, 0.9), step="post",
                        color=line.get_color(), alpha=0.15)
    total = next(iter(results.values()))[0].total_work
    ax.axhline(total, color="0.5", linestyle=":", linewidth=1)
    ax.set_xlabel(f"release cycles (one cycle is about {WEEKS_PER_CYCLE:g} weeks)")
    ax.set_ylabel("feature units in mainline")
    ax.set_title("Big bang or small steps: work that users actually have")
    ax.legend(loc="lower right", frameon=False, fontsize=9)
    return ax


def plot_acceptance(
    flaw_rate: float,
    sizes: Sequence[int] = tuple(range(1, 81)),
    *,
    probability: Callable[[int, float], float] = acceptance_probability,
    ax=None,
):
    """The chance that a patch passes review, over its size. `probability` may be the learner's own.

    Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.2))
    ax.plot(list(sizes), [probability(n, flaw_rate) for n in sizes])
    ax.set_xlabel("patch size (units)")
    ax.set_ylabel("chance to pass review")
    ax.set_ylim(0, 1.02)
    ax.set_title(f"Review with a {flaw_rate:.0%} problem rate per unit")
    return ax

