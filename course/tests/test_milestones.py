"""Tests of the chapter 1 lab (smallsteps.labs.milestones)."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smallsteps.labs import milestones as ms

# --- the shipped data: the facts of the talk -------------------------------------------------


def test_shipped_table_has_the_talks_releases_in_order():
    data = ms.load_milestones()
    assert [m.version for m in data] == ["0.95", "1.2", "2.0", "2.2", "2.4", "2.6"]


@pytest.mark.parametrize(
    ("version", "released"),
    [
        ("0.95", date(1992, 3, 8)),
        ("1.2", date(1995, 3, 7)),
        ("2.0", date(1996, 6, 9)),
        ("2.2", date(1999, 1, 26)),
        ("2.4", date(2001, 1, 4)),
        ("2.6", date(2003, 12, 17)),
    ],
    ids=lambda v: str(v),
)
def test_shipped_release_dates(version, released):
    by_version = {m.version: m for m in ms.load_milestones()}
    assert by_version[version].released == released


def test_2_4_was_current_at_the_first_osdem():
    data = ms.load_milestones()
    current = ms.latest_before(data, ms.FIRST_OSDEM)
    assert current is not None and current.version == "2.4"
    assert (ms.FIRST_OSDEM.day - current.released).days == 30


# --- parse_version ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0.95", (0, 95)), ("2.6.39", (2, 6, 39)), (" 5.5 ", (5, 5)), ("7", (7,))],
    ids=["zero-major", "three-parts", "whitespace", "single"],
)
def test_parse_version_ok(text, expected):
    assert ms.parse_version(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "2.6-rc1", "2..6", "v2.6", "2.6.", "².6"],
    ids=["empty", "rc-suffix", "empty-part", "v-prefix", "trailing-dot", "superscript-digit"],
)
def test_parse_version_rejects(text):
    with pytest.raises(ValueError, match="not a kernel version"):
        ms.parse_version(text)


def test_versions_sort_as_numbers_not_text():
    assert sorted(["2.6.9", "2.6.39", "2.6.10"], key=ms.parse_version) == ["2.6.9", "2.6.10", "2.6.39"]


@pytest.mark.parametrize(
    ("release", "expected"),
    [("6.18.44-fc-v669", (6, 18)), ("5.15.90.1-microsoft-standard-WSL2", (5, 15)), ("2.4.0", (2, 4)),
     ("6.1+", (6, 1)), ("24.3.0", (24, 3))],
    ids=["fedora-like", "wsl", "plain", "plus-suffix", "darwin-style"],
)
def test_major_minor(release, expected):
    assert ms.major_minor(release) == expected


@pytest.mark.parametrize("release", ["", "six.one", "6", "-6.1"], ids=["empty", "words", "no-minor", "leading-dash"])
def test_major_minor_rejects(release):
    with pytest.raises(ValueError, match="not a kernel release"):
        ms.major_minor(release)


# --- years_between, gaps, latest_before ------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2000, 1, 1), date(2000, 1, 1), 0.0),
        (date(1996, 6, 9), date(2011, 5, 18), 14.94),  # SMP in 2.0 to BKL-free 2.6.39
        (date(2001, 1, 4), date(2003, 12, 17), 2.95),
        (date(2003, 12, 17), date(2001, 1, 4), -2.95),
    ],
    ids=["same-day", "bkl-lifetime", "2.4-to-2.6", "backwards"],
)
def test_years_between(start, end, expected):
    assert ms.years_between(start, end) == pytest.approx(expected, abs=0.005)


def test_gaps_use_the_given_function_and_sorted_order():
    data = ms.load_milestones()
    calls = []

    def days(a, b):
        calls.append((a, b))
        return (b - a).days

    result = ms.gaps(list(reversed(data)), years=days)
    assert [(g.start.version, g.end.version) for g in result] == [
        ("0.95", "1.2"), ("1.2", "2.0"), ("2.0", "2.2"), ("2.2", "2.4"), ("2.4", "2.6")]
    assert result[-1].years == (date(2003, 12, 17) - date(2001, 1, 4)).days
    assert len(calls) == 5


def test_gaps_of_one_or_none_are_empty():
    assert ms.gaps([]) == []
    assert ms.gaps(ms.load_milestones()[:1]) == []


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(1992, 3, 7), None),
        (date(1992, 3, 8), "0.95"),
        (date(1996, 6, 8), "1.2"),
        (date(2020, 2, 1), "2.6"),
    ],
    ids=["before-all", "release-day-counts", "day-before-2.0", "after-all"],
)
def test_latest_before(day, expected):
    found = ms.latest_before(ms.load_milestones(), day)
    assert (found.version if found else None) == expected


# --- parse_milestones: errors name line and fix ----------------------------------------------

GOOD = "# comment\nversion,released,note\n2.0,1996-06-09,SMP\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# only a comment\n", r"t\.csv: no header line"),
        ("version,date,note\n", r"t\.csv:1: header is 'version,date,note'"),
        ("version,released,note\n2.0,1996-06-09\n", r"t\.csv:2: expected 3 fields \(version,released,note\), got 2"),
        ("version,released,note\n2.0,09.06.1996,SMP\n", r"t\.csv:2: released: '09.06.1996' is not an ISO date"),
        ("version,released,note\nv2.0,1996-06-09,SMP\n", r"t\.csv:2: version: not a kernel version"),
        (
            "version,released,note\n2.0,1996-06-09,a\n\n2.0,1996-06-10,b\n",
            r"t\.csv:4: version 2\.0 already given on line 2",
        ),
    ],
    ids=["no-header", "wrong-header", "missing-field", "german-date", "bad-version", "duplicate"],
)
def test_parse_milestones_errors(text, message):
    with pytest.raises(ms.MilestoneDataError, match=message):
        ms.parse_milestones(text, source="t.csv")


def test_parse_milestones_accepts_quoted_comma_and_sorts():
    text = 'version,released,note\n2.6,2003-12-17,"locks, locks"\n2.0,1996-06-09,SMP\n'
    data = ms.parse_milestones(text)
    assert [m.version for m in data] == ["2.0", "2.6"]
    assert data[1].note == "locks, locks"


def test_load_milestones_from_path(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text(GOOD, encoding="utf-8")
    assert ms.load_milestones(p) == [ms.Milestone(date(1996, 6, 9), "2.0", "SMP")]


# --- invariants (hypothesis) -----------------------------------------------------------------

versions = st.lists(st.integers(0, 99), min_size=1, max_size=3).map(lambda xs: ".".join(map(str, xs)))
notes = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30).map(str.strip)
milestone_lists = st.lists(
    st.builds(ms.Milestone, st.dates(date(1991, 1, 1), date(2100, 1, 1)), versions, notes),
    max_size=12,
    unique_by=lambda m: m.version,
)


@given(milestone_lists)
def test_csv_round_trip(items):
    assert ms.parse_milestones(ms.to_csv(items)) == sorted(items)


@given(milestone_lists)
def test_gaps_add_up_to_the_whole_span(items):
    result = ms.gaps(items)
    if len(items) < 2:
        assert result == []
        return
    ordered = sorted(items)
    assert sum(g.years for g in result) == pytest.approx(
        ms.years_between(ordered[0].released, ordered[-1].released), abs=1e-9)
    assert all(g.years >= 0 for g in result)


# --- the Linux-only helper degrades ----------------------------------------------------------


def test_running_kernel_off_linux_uses_the_recorded_sample(monkeypatch):
    monkeypatch.setattr(ms.sys, "platform", "darwin")
    assert ms.running_kernel() == (ms.RECORDED_KERNEL_RELEASE, False)


def test_running_kernel_on_linux_is_live(monkeypatch):
    monkeypatch.setattr(ms.sys, "platform", "linux")
    monkeypatch.setattr(ms.platform, "release", lambda: "6.1.0-test")
    assert ms.running_kernel() == ("6.1.0-test", True)


def test_plot_timeline_draws_one_point_per_milestone():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = ms.load_milestones()
    ax = ms.plot_timeline(data, years=lambda a, b: 42.0)
    texts = [t.get_text() for t in ax.texts]
    assert sum("42.0 y" in t for t in texts) == len(data) - 1
    assert any(t.startswith("2.4\n") for t in texts)
    plt.close(ax.figure)
