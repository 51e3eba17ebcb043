"""Chapter 1 lab: the kernel milestones of the talk on a timeline.

The data (`smallsteps/data/milestones.csv`) lists the releases the talk names when it sets the stage:
X running since 0.95, arch portability in 1.2 and 2.0, SMP in 2.0, finer locking in 2.2, 2.4 and 2.6.
Everything here is pure standard library; `plot_timeline` imports matplotlib when it is called.

    >>> from smallsteps.labs import milestones
    >>> data = milestones.load_milestones()
    >>> milestones.latest_before(data, milestones.FIRST_OSDEM).version
    '2.4'
"""
from __future__ import annotations

import csv
import io
import itertools
import platform
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from .versiondata import parse_version, read_rows

__all__ = [
    "DAYS_PER_YEAR",
    "FIRST_OSDEM",
    "RECORDED_KERNEL_RELEASE",
    "Event",
    "Gap",
    "Milestone",
    "MilestoneDataError",
    "gaps",
    "latest_before",
    "load_milestones",
    "major_minor",
    "parse_milestones",
    "parse_version",
    "plot_timeline",
    "running_kernel",
    "to_csv",
    "years_between",
]

DAYS_PER_YEAR = 365.2425
"""Mean length of a Gregorian year in days."""

RECORDED_KERNEL_RELEASE = "6.18.44"
"""`uname -r` of the machine this lab was written on (November 2026), used where /proc is missing."""


@dataclass(frozen=True, order=True)
class Milestone:
    """One kernel release on the timeline."""

    released: date
    """Day the x.y.0 release came out, as release tables usually give it (not always the UTC day)."""
    version: str
    """Version string as Linus tagged it, e.g. `"2.4"`."""
    note: str = ""
    """What the talk says the release brought."""


@dataclass(frozen=True)
class Event:
    """Something that is not a release but belongs on the timeline (a conference, say)."""

    day: date
    """The day it happened (the first day, for a multi-day event)."""
    label: str
    """Short text for the plot."""


FIRST_OSDEM = Event(date(2001, 2, 3), "first (F)OSDEM")
"""OSDEM 2001 ran on 3 and 4 February 2001 in Brussels (renamed FOSDEM from 2002)."""


@dataclass(frozen=True)
class Gap:
    """The time from one milestone to the next."""

    start: Milestone
    """The earlier release."""
    end: Milestone
    """The later release."""
    years: float
    """Years between the two release days."""


class MilestoneDataError(ValueError):
    """A milestone file that cannot be read; the message names the line and the fix."""


_COLUMNS = ("version", "released", "note")


def parse_milestones(text: str, *, source: str = "<text>") -> list[Milestone]:
    """Read milestones from CSV text; lines starting with `#` are comments.

    The header must be `version,released,note`. Dates are ISO (`YYYY-MM-DD`). The result is sorted
    by release day. Problems raise MilestoneDataError naming `source:line`.
    """
    rows = read_rows(text, source=source, columns=_COLUMNS, date_column="released", error=MilestoneDataError)
    return sorted(Milestone(day, row["version"], row["note"]) for row, day in rows)


def load_milestones(path: str | Path | None = None) -> list[Milestone]:
    """Load the course's milestone table (or another file in the same format)."""
    if path is None:
        text = resources.files("smallsteps").joinpath("data/milestones.csv").read_text(encoding="utf-8")
        return parse_milestones(text, source="smallsteps/data/milestones.csv")
    path = Path(path)
    return parse_milestones(path.read_text(encoding="utf-8"), source=str(path))


def to_csv(milestones: Iterable[Milestone]) -> str:
    """Write milestones in the format `parse_milestones` reads."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_COLUMNS)
    for m in milestones:
        writer.writerow([m.version, m.released.isoformat(), m.note])
    return out.getvalue()


def years_between(start: date, end: date) -> float:
    """Years from `start` to `end` (negative if `end` is earlier), using the mean Gregorian year."""
    return (end - start).days / DAYS_PER_YEAR


def gaps(
    milestones: Sequence[Milestone], *, years: Callable[[date, date], float] = years_between
) -> list[Gap]:
    """The gaps between consecutive milestones (sorted by day first), measured with `years`."""
    ordered = sorted(milestones)
    return [Gap(a, b, years(a.released, b.released)) for a, b in itertools.pairwise(ordered)]


def latest_before(milestones: Iterable[Milestone], day: date | Event) -> Milestone | None:
    """The newest milestone released on or before `day`, or None if none was out yet."""
    if isinstance(day, Event):
        day = day.day
    out = [m for m in milestones if m.released <= day]
    return max(out) if out else None


def major_minor(release: str) -> tuple[int, int]:
    """The first two numbers of a kernel release string: `"6.18.44-fc-v669"` gives `(6, 18)`.

    Raises ValueError when the string does not start with `<number>.<number>`.
    """
    found = re.match(r"\s*(\d+)\.(\d+)", release, flags=re.ASCII)
    if not found:
        raise ValueError(f"not a kernel release: {release!r} (expected it to start like '6.1')")
    return int(found.group(1)), int(found.group(2))


def running_kernel() -> tuple[str, bool]:
    """The release of the kernel running this notebook and whether it is live (True) or recorded.

    On Linux this is `platform.release()` (the same as `uname -r`); elsewhere the recorded sample
    RECORDED_KERNEL_RELEASE stands in, so the cell still runs.
    """
    if sys.platform.startswith("linux"):
        return platform.release(), True
    return RECORDED_KERNEL_RELEASE, False


def plot_timeline(
    milestones: Sequence[Milestone],
    events: Sequence[Event] = (FIRST_OSDEM,),
    *,
    years: Callable[[date, date], float] = years_between,
    ax=None,
):
    """Draw the milestones on a time axis, with the gaps in years written between them.

    Returns the matplotlib Axes. `years` is the function used for the gap labels, so a learner's own
    version shows up in the plot.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.2))
    ordered = sorted(milestones)
    xs = [m.released for m in ordered]
    ax.axhline(0, color="0.6", linewidth=1, zorder=1)
    ax.scatter(xs, [0] * len(xs), s=60, color="tab:blue", zorder=3, label="release")
    for i, m in enumerate(ordered):
        up = 1 if i % 2 == 0 else -1
        ax.annotate(
            f"{m.version}\n{m.released:%b %Y}",
            (m.released, 0),
            xytext=(0, 22 * up),
            textcoords="offset points",
            ha="center",
            va="bottom" if up > 0 else "top",
            fontsize=9,
        )
    for gap in gaps(ordered, years=years):
        middle = gap.start.released + (gap.end.released - gap.start.released) / 2
        ax.annotate(f"{gap.years:.1f} y", (middle, 0), xytext=(0, -4), textcoords="offset points",
                    ha="center", va="top", fontsize=8, color="0.35")
    for ev in events:
        ax.axvline(ev.day, color="tab:orange", linestyle="--", linewidth=1.2, zorder=2, label=ev.label)
    ax.set_ylim(-1, 1)
    ax.set_yticks([])
    ax.xaxis.set_major_locator(mdates.YearLocator(2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_title("Linux milestones named in the talk")
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    return ax
