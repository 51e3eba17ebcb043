"""Chapter 9 lab: how regular is the kernel's release rhythm?

The talk says that since 2005 (about 2.6.13) a new mainline release comes "every 9 or 10 weeks".
`smallsteps/data/mainline-releases.csv` lists every mainline release from 2.6.12 to 7.2 with its day
(sources in `smallsteps/data/mainline-releases.md`). This module loads it, computes the intervals
between releases and checks the claim. Pure standard library; `plot_intervals` and
`plot_cumulative` import matplotlib when they are called.

    >>> from smallsteps.labs import releases
    >>> data = releases.load_releases()
    >>> data[0].version, data[-1].version
    ('2.6.12', '7.2')
    >>> releases.intervals(data)[0].days
    72
"""
from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

from .versiondata import read_rows

__all__ = [
    "DATA_FILE",
    "NINE_TO_TEN_WEEKS",
    "PLAUSIBLE_DAYS",
    "Interval",
    "Release",
    "ReleaseDataError",
    "Summary",
    "intervals",
    "load_releases",
    "local_day",
    "local_interval_days",
    "parse_releases",
    "parse_version",
    "plot_cumulative",
    "plot_intervals",
    "releases_per_year",
    "sanity_problems",
    "share_in_band",
    "summarize",
]

DATA_FILE = "data/mainline-releases.csv"
"""Where the release table lives inside the `smallsteps` package."""

NINE_TO_TEN_WEEKS = (63, 70)
"""The talk's "9 or 10 weeks" in days: 9 x 7 = 63 to 10 x 7 = 70, both ends included."""

PLAUSIBLE_DAYS = (42, 120)
"""A sanity band for the interval between two mainline releases since 2005: 6 to about 17 weeks.

Anything outside is far more likely a typo in the data than a real release cycle."""

_COLUMNS = ("version", "date")


class ReleaseDataError(ValueError):
    """A release file that cannot be read; the message names `file:line` and the fix."""


@dataclass(frozen=True)
class Release:
    """One mainline release."""

    version: str
    """As Linus tagged it, e.g. `"2.6.13"` or `"7.0"`."""
    day: date
    """The release day (see the data file's notes on time zones)."""

    @property
    def key(self) -> tuple[int, ...]:
        """The version as numbers, so that 2.6.9 < 2.6.10 and 3.19 < 4.0."""
        return parse_version(self.version)


@dataclass(frozen=True)
class Interval:
    """The time from one release to the next."""

    start: Release
    """The earlier release."""
    end: Release
    """The release that followed it."""

    @property
    def days(self) -> int:
        """Whole days from `start.day` to `end.day`."""
        return (self.end.day - self.start.day).days

    @property
    def weeks(self) -> float:
        """The same interval in weeks (days / 7)."""
        return self.days / 7


@dataclass(frozen=True)
class Summary:
    """What a list of intervals says about the rhythm."""

    count: int
    """How many intervals."""
    median_days: float
    """The middle interval in days."""
    mean_days: float
    """The average interval in days."""
    shortest: int
    """The shortest interval in days."""
    longest: int
    """The longest interval in days."""
    share_9_10_weeks: float
    """Share of intervals with 63 <= days <= 70 (0..1)."""


def parse_version(text: str) -> tuple[int, ...]:
    """Turn `"2.6.39"` into `(2, 6, 39)` and `"7.0"` into `(7, 0)`.

    A mainline version has two or three dot-separated non-negative integers; release candidates
    (`6.1-rc3`) and stable releases with four parts (`2.6.16.62`) are not mainline releases.
    """
    stripped = text.strip()
    parts = stripped.split(".")
    if not stripped or not all(p.isdigit() and p.isascii() for p in parts) or not 2 <= len(parts) <= 3:
        raise ValueError(
            f"not a mainline version: {text!r} (expected two or three numbers joined by dots, e.g. '2.6.13' or '7.0')"
        )
    return tuple(int(p) for p in parts)


def parse_releases(text: str, *, source: str = "<text>") -> list[Release]:
    """Read releases from CSV text with the header `version,date`; `#` lines are comments.

    Dates are ISO `YYYY-MM-DD`. Rows stay in file order (check them with `sanity_problems`).
    Problems raise ReleaseDataError naming `source:line`.
    """
    rows = read_rows(text, source=source, columns=_COLUMNS, date_column="date", error=ReleaseDataError,
                     check_version=parse_version)
    return [Release(row["version"], day) for row, day in rows]


def load_releases(path: str | Path | None = None) -> list[Release]:
    """Load the course's release table (or another file in the same format)."""
    if path is None:
        text = resources.files("smallsteps").joinpath(DATA_FILE).read_text(encoding="utf-8")
        return parse_releases(text, source="smallsteps/" + DATA_FILE)
    path = Path(path)
    return parse_releases(path.read_text(encoding="utf-8"), source=str(path))


def intervals(releases: Sequence[Release]) -> list[Interval]:
    """The intervals between consecutive releases, in the order given."""
    return [Interval(a, b) for a, b in zip(releases, releases[1:])]


def local_day(day: date) -> date:
    """The release day as the announcement would give it, if the table's UTC day is a Monday.

    Linus Torvalds usually releases on a Sunday afternoon or evening, US time, which can already be
    Monday in UTC, the day this table records. Reading a Monday as the Sunday before undoes that shift
    (and over-corrects the few early 2.6 releases that really came out on a Monday).
    """
    return day - timedelta(days=1) if day.weekday() == 0 else day


def local_interval_days(releases: Sequence[Release]) -> list[int]:
    """The intervals between consecutive releases in days, with every Monday read as the Sunday before."""
    return [(local_day(b.day) - local_day(a.day)).days for a, b in zip(releases, releases[1:])]


def share_in_band(days: Iterable[int], low: int = NINE_TO_TEN_WEEKS[0], high: int = NINE_TO_TEN_WEEKS[1]) -> float:
    """Share (0..1) of the values `d` with `low <= d <= high` (both ends included).

    Raises ValueError for an empty input (a share of nothing is not 0).
    """
    values = list(days)
    if not values:
        raise ValueError("no intervals to count (need at least two releases)")
    return sum(low <= d <= high for d in values) / len(values)


def summarize(ivs: Sequence[Interval]) -> Summary:
    """Median, mean, extremes and the 9-to-10-week share of some intervals."""
    days = [iv.days for iv in ivs]
    if not days:
        raise ValueError("no intervals to summarize (need at least two releases)")
    return Summary(
        count=len(days),
        median_days=float(statistics.median(days)),
        mean_days=statistics.fmean(days),
        shortest=min(days),
        longest=max(days),
        share_9_10_weeks=share_in_band(days),
    )


def sanity_problems(releases: Sequence[Release], plausible: tuple[int, int] = PLAUSIBLE_DAYS) -> list[str]:
    """Everything that looks wrong with a release table, as readable sentences (empty if fine).

    Checks: versions strictly increasing, dates strictly increasing, each interval inside
    `plausible` (days, both ends included).
    """
    problems = []
    for a, b in zip(releases, releases[1:]):
        if not a.key < b.key:
            problems.append(f"version {b.version} follows {a.version} (versions must increase)")
        if not a.day < b.day:
            problems.append(f"{b.version} ({b.day}) is not later than {a.version} ({a.day})")
        else:
            days = (b.day - a.day).days
            if not plausible[0] <= days <= plausible[1]:
                problems.append(
                    f"{a.version} -> {b.version}: {days} days, outside {plausible[0]}..{plausible[1]} (typo in a date?)"
                )
    return problems


def releases_per_year(releases: Iterable[Release]) -> dict[int, int]:
    """How many mainline releases came out in each calendar year (years without any are left out)."""
    counts: dict[int, int] = {}
    for r in releases:
        counts[r.day.year] = counts.get(r.day.year, 0) + 1
    return dict(sorted(counts.items()))


def plot_intervals(ivs: Sequence[Interval], *, band: tuple[int, int] = NINE_TO_TEN_WEEKS, ax=None):
    """Each interval (in days) over the day of the release that ended it, with the band shaded.

    Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.6))
    xs = [iv.end.day for iv in ivs]
    ys = [iv.days for iv in ivs]
    inside = [band[0] <= d <= band[1] for d in ys]
    ax.axhspan(band[0], band[1], color="tab:green", alpha=0.15, label=f"{band[0]}-{band[1]} days")
    ax.scatter([x for x, ok in zip(xs, inside) if ok], [y for y, ok in zip(ys, inside) if ok],
               s=18, color="tab:green", label="inside the band", zorder=3)
    ax.scatter([x for x, ok in zip(xs, inside) if not ok], [y for y, ok in zip(ys, inside) if not ok],
               s=18, color="tab:red", label="outside", zorder=3)
    if ys:
        median = statistics.median(ys)
        ax.axhline(median, color="0.3", linestyle="--", linewidth=1, label=f"median {median:g} days")
    for iv in ivs:
        if iv.days == max(ys) or iv.days == min(ys):
            ax.annotate(iv.end.version, (iv.end.day, iv.days), xytext=(4, 0), textcoords="offset points",
                        fontsize=8, va="center")
    ax.set_ylabel("days since previous release")
    ax.set_title("Mainline release intervals")
    ax.legend(loc="upper right", frameon=False, fontsize=8, ncols=2)
    return ax


def plot_cumulative(releases: Sequence[Release], *, ax=None, label: str = "mainline releases"):
    """A step plot of how many releases had come out by each day. Returns the matplotlib Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.6))
    xs = [r.day for r in releases]
    ax.step(xs, range(1, len(xs) + 1), where="post", label=label)
    ax.set_ylabel("releases so far")
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    return ax
